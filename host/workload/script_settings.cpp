// A script's GILHOST dict read into plan::Settings by the same rules as the command line: read
// from the source before the top level runs when it is a constant, and again after.
#include "workload/script_settings.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <string>

#include "cli/units.hpp"
#include "python/python_error.hpp"
#include "python/ref.hpp"

namespace gilhost::workload {
namespace {

using cli::UsageError;
using plan::Source;
using plan::Value;
using python::Ref;

std::string repr_of(PyObject* o) {
  Ref r(PyObject_Repr(o));
  const char* s = r ? PyUnicode_AsUTF8(r.get()) : nullptr;
  if (s == nullptr) PyErr_Clear();
  return s != nullptr ? cli::shown(s) : "?";
}

// The value as the rules see it: text, the digits of an int of any size, a float's repr.
Value value_of(PyObject* v) {
  if (PyUnicode_Check(v)) {
    Py_ssize_t n = 0;
    const char* s = PyUnicode_AsUTF8AndSize(v, &n);  // fails on lone surrogates
    if (s != nullptr) return {Value::Kind::kText, std::string(s, std::size_t(n))};
    PyErr_Clear();
    return {Value::Kind::kOther, repr_of(v)};
  }
  if (PyBool_Check(v)) return {Value::Kind::kBool, repr_of(v)};
  if (PyLong_Check(v)) {
    // str() of an int beyond 4300 digits raises (PEP 651's int_max_str_digits): far beyond
    // every limit, so a few digits too many say the same.
    Ref text(PyObject_Str(v));
    const char* s = text ? PyUnicode_AsUTF8(text.get()) : nullptr;
    if (s == nullptr) PyErr_Clear();
    return {Value::Kind::kInt, s != nullptr ? s : std::string(5000, '9')};
  }
  if (PyFloat_Check(v)) return {Value::Kind::kFloat, repr_of(v)};
  return {Value::Kind::kOther, repr_of(v)};
}

void add_worker_dict(plan::Settings& s, PyObject* dict) {
  const std::string what = plan::setting_name(Source::kScript, "workers");
  plan::WorkerSet set;
  PyObject *key, *count;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict, &pos, &key, &count)) {
    if (!PyUnicode_Check(key)) {
      throw UsageError(fmt::format("{}: keys are function names, not {}", what, repr_of(key)));
    }
    plan::RoleSpec role = plan::role_of(value_of(key).text, value_of(count), Source::kScript);
    for (const plan::RoleSpec& r : set) {
      if (r.name == role.name) throw UsageError(fmt::format("{}: '{}' given twice", what, r.name));
    }
    set.push_back(std::move(role));
  }
  if (set.empty()) throw UsageError(fmt::format("{}: an empty dict names no workers", what));
  s.worker_sets.push_back(std::move(set));
}

void add_worker_set(plan::Settings& s, PyObject* v) {
  if (PyDict_Check(v)) return add_worker_dict(s, v);
  if (PyUnicode_Check(v)) return plan::set_setting(s, "workers", value_of(v), Source::kScript);
  throw UsageError(fmt::format(
      "GILHOST['workers']: must be a dict like {{'cpu': 4}}, a string like 'cpu=4', or a list "
      "of those, not {}",
      repr_of(v)));
}

void add_workers(plan::Settings& s, PyObject* v) {
  if (!PyList_Check(v) && !PyTuple_Check(v)) return add_worker_set(s, v);
  Ref items(PySequence_Fast(v, "GILHOST['workers']"));
  if (!items) throw python::PythonError::fetch("GILHOST['workers']");
  Py_ssize_t n = PySequence_Fast_GET_SIZE(items.get());
  if (n == 0) throw UsageError("GILHOST['workers']: an empty list names no workers");
  for (Py_ssize_t i = 0; i < n; ++i) add_worker_set(s, PySequence_Fast_GET_ITEM(items.get(), i));
}

void check_keys(PyObject* dict) {
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    if (!PyUnicode_Check(key) || !plan::is_key(value_of(key).text)) {
      throw UsageError(fmt::format(
          "GILHOST: unknown key {} (known: workers, duration, calls, switch_interval, runs, "
          "warmup, timeout, isolation)",
          repr_of(key)));
    }
  }
}

// Reads the script's source without running it. A constant GILHOST (numbers may be written as
// arithmetic, 10**6) is returned as a dict; "absent" when no name GILHOST occurs at all (a
// GILHOST made by exec() is not seen); "unknown" when only the top level can tell.
constexpr const char* kStaticReader = R"(
def _read(source, filename):
    if b"GILHOST" not in source:
        return "absent"
    import ast
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return "unknown"  # compiling it for real reports the error
    def const(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Dict) and None not in node.keys:
            return {const(k): const(v) for k, v in zip(node.keys, node.values)}
        if isinstance(node, (ast.List, ast.Tuple)):
            return [const(e) for e in node.elts]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = const(node.operand)
            if type(v) in (int, float):
                return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = const(node.left), const(node.right)
            if type(a) in (int, float) and type(b) in (int, float):
                if isinstance(node.op, ast.Pow) and abs(b) <= 1000 and abs(a) < 2**64:
                    return a ** b
                ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                       ast.Div: lambda: a / b}
                if type(node.op) in ops and not (isinstance(node.op, ast.Div) and b == 0):
                    return ops[type(node.op)]()
        raise ValueError
    uses = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "GILHOST":
            uses += 1
        elif isinstance(node, ast.alias) and "*" != node.name and "GILHOST" in (node.name, node.asname):
            return "unknown"
        elif isinstance(node, ast.alias) and node.name == "*":
            return "unknown"
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and "GILHOST" in node.names:
            return "unknown"
        elif isinstance(node, ast.Constant) and node.value == "GILHOST":
            return "unknown"
    if uses == 0:
        return "absent"
    for node in tree.body:
        if (uses == 1 and isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "GILHOST"):
            try:
                return {"value": const(node.value)}
            except (ValueError, TypeError, ArithmeticError, RecursionError):
                return "unknown"
    return "unknown"
)";

// The source of a target that can be read twice without harm: a regular file or -c code.
Ref source_of(const cli::RunOptions& o) {
  if (o.target == cli::Target::kCode || o.target == cli::Target::kStdin) {
    return Ref(PyBytes_FromStringAndSize(o.target_value.data(), Py_ssize_t(o.target_value.size())));
  }
  struct stat st {};
  if (o.target != cli::Target::kScript || stat(o.target_value.c_str(), &st) != 0 ||
      !S_ISREG(st.st_mode)) {
    return Ref();  // -m, or a FIFO or device that a second read would consume
  }
  Ref io(PyImport_ImportModule("io"));
  Ref path(PyUnicode_DecodeFSDefault(o.target_value.c_str()));
  Ref f(io && path ? PyObject_CallMethod(io.get(), "open_code", "O", path.get()) : nullptr);
  Ref bytes(f ? PyObject_CallMethod(f.get(), "read", nullptr) : nullptr);
  if (f) Ref closed(PyObject_CallMethod(f.get(), "close", nullptr));
  if (!bytes) PyErr_Clear();  // the real run reports it
  return bytes;
}

}  // namespace

plan::Settings settings_of(PyObject* gilhost) {
  if (!PyDict_Check(gilhost)) {
    throw UsageError(fmt::format("GILHOST must be a dict, not {}", repr_of(gilhost)));
  }
  check_keys(gilhost);
  plan::Settings s;
  for (const char* key : plan::kKeys) {                // one order, whatever the dict's
    PyObject* v = PyDict_GetItemString(gilhost, key);  // borrowed
    if (v == nullptr) continue;
    if (std::string_view(key) == "workers") {
      add_workers(s, v);
    } else {
      plan::set_setting(s, key, value_of(v), Source::kScript);
    }
  }
  plan::check_settings(s, Source::kScript);
  check_names(s, Source::kScript);
  return s;
}

plan::ScriptSettings read_script_settings(const cli::RunOptions& o) {
  using State = plan::ScriptSettings::State;
  Ref source = source_of(o);
  if (!source) return {};
  Ref globals(PyDict_New());
  PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins());
  Ref ran(PyRun_String(kStaticReader, Py_file_input, globals.get(), globals.get()));
  PyObject* read = ran ? PyDict_GetItemString(globals.get(), "_read") : nullptr;  // borrowed
  Ref name(PyUnicode_DecodeFSDefault(o.target == cli::Target::kCode    ? "<string>"
                                     : o.target == cli::Target::kStdin ? "<stdin>"
                                                                       : o.target_value.c_str()));
  Ref r(read && name ? PyObject_CallFunctionObjArgs(read, source.get(), name.get(), nullptr)
                     : nullptr);
  if (!r) throw python::PythonError::fetch("reading GILHOST");
  if (PyUnicode_Check(r.get())) {
    return {value_of(r.get()).text == "absent" ? State::kAbsent : State::kUnknown, {}};
  }
  return {State::kKnown, settings_of(PyDict_GetItemString(r.get(), "value"))};
}

plan::Settings script_settings(PyObject* globals) {
  PyObject* dict = PyDict_GetItemString(globals, "GILHOST");  // borrowed
  return dict == nullptr ? plan::Settings{} : settings_of(dict);
}

std::vector<PyObject*> resolve_functions(PyObject* globals, const cli::WorkerSet& roles) {
  std::vector<PyObject*> fns;
  for (const cli::RoleSpec& r : roles) {
    PyObject* f = PyDict_GetItemString(globals, r.name.c_str());  // borrowed
    if (f == nullptr) {
      throw UsageError(fmt::format("--workers: the script defines no function '{}'", r.name));
    }
    if (!PyCallable_Check(f)) {
      throw UsageError(
          fmt::format("--workers: '{}' is not callable (it is {})", r.name, Py_TYPE(f)->tp_name));
    }
    fns.push_back(f);
  }
  return fns;
}

}  // namespace gilhost::workload
