// Every difference between the CPython versions gilhost embeds, outside the GIL layout probe
// (trace/gil_layout.c): the one place to read when a version is added. The facts a report
// shows about them are in workload/capabilities.cpp.
#pragma once

#include <Python.h>

#if PY_VERSION_HEX < 0x030B0000
#error "gilhost supports CPython 3.11 and newer (the take_gil/drop_gil protocol it traces)"
#endif

// PEP 684 (3.12): a GIL per interpreter, Py_NewInterpreterFromConfig and the
// Py_mod_multiple_interpreters slot. 3.11 has one GIL per process (_PyRuntime.ceval.gil).
#define GILHOST_HAS_PER_INTERPRETER_GIL (PY_VERSION_HEX >= 0x030C0000)

// PEP 703 (3.13): the Py_mod_gil slot. A module without it re-enables the GIL of a free-threaded
// build when imported, which would change what gilhost measures.
#define GILHOST_HAS_MOD_GIL_SLOT (PY_VERSION_HEX >= 0x030D0000)

// A free-threaded build (configure --disable-gil, "3.13t"): the GIL is off unless re-enabled by
// PYTHON_GIL=1 or an extension without Py_mod_gil (docs/architecture.md, "Free-threaded builds").
#ifdef Py_GIL_DISABLED
#define GILHOST_FREE_THREADED 1
#else
#define GILHOST_FREE_THREADED 0
#endif

namespace gilhost::python::compat {

// PyErr_GetRaisedException (3.12+): the pending exception as one object with its traceback
// attached, or nullptr; clears it. On 3.11, PyErr_Fetch + normalisation do the same.
inline PyObject* get_raised_exception() {
#if PY_VERSION_HEX >= 0x030C0000
  return PyErr_GetRaisedException();
#else
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  if (type == nullptr) return nullptr;
  PyErr_NormalizeException(&type, &value, &tb);
  if (tb != nullptr && value != nullptr) PyException_SetTraceback(value, tb);
  Py_XDECREF(type);
  Py_XDECREF(tb);
  return value;
#endif
}

// PyErr_SetRaisedException (3.12+): makes `exc` (stolen; nullptr clears) the pending exception.
inline void set_raised_exception(PyObject* exc) {
#if PY_VERSION_HEX >= 0x030C0000
  PyErr_SetRaisedException(exc);
#else
  if (exc == nullptr) {
    PyErr_Clear();
    return;
  }
  PyObject* type = reinterpret_cast<PyObject*>(Py_TYPE(exc));
  Py_INCREF(type);
  PyErr_Restore(type, exc, PyException_GetTraceback(exc));  // steals all three
#endif
}

}  // namespace gilhost::python::compat
