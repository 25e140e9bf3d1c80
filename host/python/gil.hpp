// RAII guards for the GIL: releasing it around C++ work, attaching a native thread.
#pragma once

#include <Python.h>

#include <cassert>

namespace gilhost::python {

// Releases the GIL for the guard's scope (PyEval_SaveThread / RestoreThread), the C++ form of
// Py_BEGIN/END_ALLOW_THREADS. Precondition: the calling thread holds the GIL.
class GilRelease {
 public:
  GilRelease() : state_(PyEval_SaveThread()) {}
  GilRelease(const GilRelease&) = delete;
  GilRelease& operator=(const GilRelease&) = delete;
  ~GilRelease() { PyEval_RestoreThread(state_); }

 private:
  PyThreadState* state_;
};

// Attaches the calling native thread to the main interpreter (PyGILState_Ensure) and holds the
// GIL for the scope. The thread keeps this one thread state until the guard dies, which is what
// makes holder changes equal CPython's switch_number (architecture.md).
class GilEnsure {
 public:
  GilEnsure() : state_(PyGILState_Ensure()) {}
  GilEnsure(const GilEnsure&) = delete;
  GilEnsure& operator=(const GilEnsure&) = delete;
  ~GilEnsure() { PyGILState_Release(state_); }

 private:
  PyGILState_STATE state_;
};

}  // namespace gilhost::python
