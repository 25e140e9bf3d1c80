// The thread-naming and fork hooks (python_hooks.hpp), written in C so that no Python frame of
// gilhost's appears in a traceback, traceback.extract_stack() or a profiler.
#include "workload/python_hooks.hpp"

#include <Python.h>

#include <exception>

#include "python/python_error.hpp"
#include "python/ref.hpp"
#include "trace/tracer.hpp"

namespace gilhost::workload {
namespace {

using python::Ref;

// The function threading started threads with before the wrapper; never released.
PyObject* g_start = nullptr;

// Runs as the new thread's first act: self = (function, name).
PyObject* named_start(PyObject* self, PyObject* args, PyObject* kwargs) {
  PyObject* name = PyTuple_GET_ITEM(self, 1);
  if (trace::armed() && PyUnicode_Check(name)) {
    try {
      if (const char* s = PyUnicode_AsUTF8(name)) trace::Tracer::set_python_name(s);
    } catch (const std::exception&) {  // out of memory: the thread stays unnamed
    }
    PyErr_Clear();
  }
  return PyObject_Call(PyTuple_GET_ITEM(self, 0), args, kwargs);
}

PyMethodDef kNamedStart = {"_bootstrap", python::as_cfunction(named_start),
                           METH_VARARGS | METH_KEYWORDS, nullptr};

// The Thread whose bound _bootstrap `fn` is, by its name; None for any other callable.
Ref thread_name_of(PyObject* fn) {
  Ref owner(PyObject_GetAttrString(fn, "__self__"));
  Ref name(owner ? PyObject_GetAttrString(owner.get(), "name") : nullptr);
  PyErr_Clear();
  if (!name || !PyUnicode_Check(name.get())) return Ref::borrow(Py_None);
  return name;
}

// The wrapper of _thread.start_new_thread / start_joinable_thread: the same arguments, with
// the function to run (always the first) wrapped by named_start.
PyObject* start_named(PyObject*, PyObject* args, PyObject* kwargs) {
  if (PyTuple_GET_SIZE(args) < 1) return PyObject_Call(g_start, args, kwargs);
  PyObject* fn = PyTuple_GET_ITEM(args, 0);
  Ref name = thread_name_of(fn);
  Ref pair(PyTuple_Pack(2, fn, name.get()));
  Ref wrapped(pair ? PyCFunction_New(&kNamedStart, pair.get()) : nullptr);
  if (!wrapped) return nullptr;
  Ref rest(PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args)));
  Ref first(PyTuple_Pack(1, wrapped.get()));
  Ref all(rest && first ? PySequence_Concat(first.get(), rest.get()) : nullptr);
  return all ? PyObject_Call(g_start, all.get(), kwargs) : nullptr;
}

PyMethodDef kStartNewThread = {"start_new_thread", python::as_cfunction(start_named),
                               METH_VARARGS | METH_KEYWORDS, nullptr};
PyMethodDef kStartJoinable = {"start_joinable_thread", python::as_cfunction(start_named),
                              METH_VARARGS | METH_KEYWORDS, nullptr};

// A C++ exception must not unwind through CPython's frames: it becomes a RuntimeError.
template <void (*F)()>
PyObject* fork_hook(PyObject*, PyObject*) {
  try {
    F();  // the collector never needs the GIL: joining it with the GIL held is safe
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyMethodDef kBeforeFork = {"before", fork_hook<trace::Tracer::pause_threads>, METH_NOARGS, nullptr};
PyMethodDef kAfterFork = {"after_in_parent", fork_hook<trace::Tracer::resume_threads>, METH_NOARGS,
                          nullptr};

}  // namespace

void install_thread_naming() {
  Ref thread_module(PyImport_ImportModule("_thread"));  // a builtin, imported at start-up
  if (!thread_module) throw python::PythonError::fetch("gilhost start-up");
  // 3.13 starts threading.Thread with start_joinable_thread, 3.11 and 3.12 with start_new_thread.
  const bool joinable = PyObject_HasAttrString(thread_module.get(), "start_joinable_thread");
  PyMethodDef* def = joinable ? &kStartJoinable : &kStartNewThread;
  Ref original(PyObject_GetAttrString(thread_module.get(), def->ml_name));
  Ref wrapper(original ? PyCFunction_NewEx(def, nullptr, thread_module.get()) : nullptr);
  if (!wrapper || PyObject_SetAttrString(thread_module.get(), def->ml_name, wrapper.get()) < 0)
    throw python::PythonError::fetch("gilhost start-up");
  g_start = original.release();
  // threading keeps its own reference, taken when it was imported (by a .pth file, say).
  PyObject* threading = PyDict_GetItemString(PyImport_GetModuleDict(), "threading");  // borrowed
  const char* alias = joinable ? "_start_joinable_thread" : "_start_new_thread";
  if (threading != nullptr) {
    Ref current(PyObject_GetAttrString(threading, alias));
    PyErr_Clear();
    if (current.get() == g_start && PyObject_SetAttrString(threading, alias, wrapper.get()) < 0)
      throw python::PythonError::fetch("gilhost start-up");
  }
}

void install_fork_pause() {
  Ref os(PyImport_ImportModule("os"));
  Ref before(PyCFunction_New(&kBeforeFork, nullptr));
  Ref after(PyCFunction_New(&kAfterFork, nullptr));
  Ref reg(os ? PyObject_GetAttrString(os.get(), "register_at_fork") : nullptr);
  Ref args(PyTuple_New(0));
  Ref kwargs(Py_BuildValue("{sOsO}", "before", before.get(), "after_in_parent", after.get()));
  Ref r(reg && args && kwargs && before && after
            ? PyObject_Call(reg.get(), args.get(), kwargs.get())
            : nullptr);
  if (!r) throw python::PythonError::fetch("gilhost start-up");
}

}  // namespace gilhost::workload
