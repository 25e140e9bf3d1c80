// Worker functions that can be measured: refused before the phase when a call would not run them.
#include <fmt/format.h>

#include <string>

#include "cli/units.hpp"
#include "python/python_error.hpp"
#include "python/ref.hpp"
#include "workload/script_settings.hpp"

namespace gilhost::workload {
namespace {

using cli::UsageError;
using python::Ref;

// inspect knows every way a function can be a generator or coroutine function (partials,
// methods, @types.coroutine) and what a call with no arguments would bind.
constexpr const char* kInspector = R"(
def _why_not(f):
    import inspect
    if inspect.isasyncgenfunction(f):
        return "asyncgen"
    if inspect.iscoroutinefunction(f):
        return "async"
    if inspect.isgeneratorfunction(f):
        return "generator"
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        return None  # a builtin without a signature: its call says
    try:
        sig.bind()
    except TypeError:
        return "args:" + ", ".join(p.name for p in sig.parameters.values()
                                   if p.default is p.empty
                                   and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
    return None
)";

std::string why_not_measurable(const std::string& name, const std::string& reason) {
  if (reason == "generator") {
    return fmt::format(
        "--workers: '{0}' is a generator function: a call only creates a generator and never "
        "runs its body; wrap it: def {0}_all(): for _ in {0}(): pass",
        name);
  }
  if (reason == "async" || reason == "asyncgen") {
    return fmt::format(
        "--workers: '{0}' is an async def {1}: a call only creates a{2} and never runs its "
        "body; wrap it in a plain function that runs it, e.g. def {0}_sync(): "
        "asyncio.run({3})",
        name, reason == "async" ? "function" : "generator",
        reason == "async" ? " coroutine" : "n async generator",
        reason == "async" ? name + "()" : fmt::format("drain({}())", name));
  }
  return fmt::format(
      "--workers: '{0}' needs arguments ({1}) but a worker calls it with none; give them "
      "defaults or wrap it: def {0}_worker(): {0}(...)",
      name, reason.substr(5));
}

}  // namespace

void check_names(const plan::Settings& s, plan::Source source) {
  for (const plan::WorkerSet& set : s.worker_sets) {
    for (const plan::RoleSpec& r : set) {
      Ref name(PyUnicode_DecodeUTF8(r.name.data(), Py_ssize_t(r.name.size()), "strict"));
      if (name && PyUnicode_IsIdentifier(name.get()) == 1) continue;
      PyErr_Clear();
      throw UsageError(fmt::format("{}: '{}' is not NAME=N with NAME a Python function name",
                                   plan::setting_name(source, "workers"), cli::shown(r.name)));
    }
  }
}

void check_worker_functions(PyObject* globals, const plan::Plan& plan) {
  if (plan.worker_sets.empty()) return;
  Ref scope(PyDict_New());
  PyDict_SetItemString(scope.get(), "__builtins__", PyEval_GetBuiltins());
  Ref ran(PyRun_String(kInspector, Py_file_input, scope.get(), scope.get()));
  PyObject* why_not = ran ? PyDict_GetItemString(scope.get(), "_why_not") : nullptr;  // borrowed
  if (why_not == nullptr) throw python::PythonError::fetch("checking the worker functions");
  for (const plan::WorkerSet& set : plan.worker_sets) {
    std::vector<PyObject*> fns = resolve_functions(globals, set);
    for (std::size_t i = 0; i < fns.size(); ++i) {
      Ref r(PyObject_CallOneArg(why_not, fns[i]));
      if (!r) throw python::PythonError::fetch("checking the worker functions");
      if (r.get() == Py_None) continue;
      throw UsageError(why_not_measurable(set[i].name, PyUnicode_AsUTF8(r.get())));
    }
  }
}

}  // namespace gilhost::workload
