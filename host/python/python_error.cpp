// Formatting pending Python exceptions with the traceback module, falling back to str().
#include "python/python_error.hpp"

#include <Python.h>

#include <cassert>

#include "python/compat.hpp"
#include "python/ref.hpp"

namespace gilhost::python {
namespace {

std::string utf8_of(PyObject* s) {
  if (s == nullptr || !PyUnicode_Check(s)) return {};
  Py_ssize_t n = 0;
  const char* p = PyUnicode_AsUTF8AndSize(s, &n);
  if (p == nullptr) {
    PyErr_Clear();
    return {};
  }
  return std::string(p, std::size_t(n));
}

std::string format_with_traceback_module(PyObject* exc) {
  Ref mod(PyImport_ImportModule("traceback"));
  Ref lines(mod ? PyObject_CallMethod(mod.get(), "format_exception", "O", exc) : nullptr);
  Ref empty(PyUnicode_FromString(""));
  Ref joined(lines && empty ? PyUnicode_Join(empty.get(), lines.get()) : nullptr);
  if (!joined) {
    PyErr_Clear();
    Ref s(PyObject_Str(exc));
    if (!s) PyErr_Clear();
    return utf8_of(s.get()) + "\n";
  }
  return utf8_of(joined.get());
}

}  // namespace

std::string format_pending_exception(std::string* type_name) {
  assert(PyGILState_Check());
  Ref exc(compat::get_raised_exception());
  if (!exc) return {};
  if (type_name != nullptr) *type_name = Py_TYPE(exc.get())->tp_name;
  return format_with_traceback_module(exc.get());
}

PythonError PythonError::fetch(const std::string& context) {
  std::string type;
  std::string tb = format_pending_exception(&type);
  std::string last = tb;
  while (!last.empty() && last.back() == '\n') last.pop_back();
  if (auto nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
  return PythonError(context.empty() ? last : context + ": " + last, type, tb);
}

}  // namespace gilhost::python
