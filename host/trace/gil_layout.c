/* The GIL layout probe: compiled with Py_BUILD_CORE against the internal headers of the exact
   CPython gilhost links, so the offsets are the compiler's, not guesses (architecture.md).
   Where the GIL and its drop request live is the version knowledge here:
     3.11  one GIL per process: _PyRuntime.ceval.gil; interp->ceval.gil_drop_request
           (Include/internal/pycore_runtime.h, pycore_interp.h at v3.11.7)
     3.12  one per interpreter (PEP 684): interp->ceval.gil; interp->ceval.gil_drop_request;
           locked/last_holder are _Py_atomic_int/_Py_atomic_address wrappers
     3.13+ interp->ceval.gil; locked/last_holder plain fields read with _Py_atomic_*; the drop
           request is bit 0 of the holder's tstate->eval_breaker (gh-112175), so there is no
           per-interpreter flag to point at; free-threaded builds add gil->enabled. */
#include "trace/gil_layout.h"

#include <Python.h>
#include <stddef.h>

#include "internal/pycore_gil.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_pystate.h"
#include "internal/pycore_runtime.h"

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030F0000
#error "gilhost's GIL layout probe knows CPython 3.11 to 3.14"
#endif

typedef struct _gil_runtime_state gil_t;

/* The version's own GIL, if `interp` has one now: 3.11 keeps the process's only GIL in the
   runtime (locked < 0 until create_gil ran), 3.12+ point interp->ceval.gil at it. */
static gil_t* gil_of(PyInterpreterState* interp) {
#if PY_VERSION_HEX < 0x030C0000
  (void)interp;
  gil_t* gil = &_PyRuntime.ceval.gil;
  return gil->locked._value < 0 ? NULL : gil;
#else
  return interp->ceval.gil;
#endif
}

static int owns_gil(PyInterpreterState* interp) {
#if PY_VERSION_HEX < 0x030C0000
  return interp == _PyRuntime.interpreters.main; /* the others share it: no PEP 684 */
#else
  return interp->ceval.own_gil;
#endif
}

static void fill_layout(PyInterpreterState* interp, gil_t* gil, gilhost_gil_layout* out) {
  out->gil = gil;
  out->size = sizeof(gil_t);
  out->mutex = &gil->mutex;
  out->cond = &gil->cond;
  out->switch_mutex = &gil->switch_mutex;
  out->switch_cond = &gil->switch_cond;
  out->interval = &gil->interval;
  out->switch_number = &gil->switch_number;
#if PY_VERSION_HEX < 0x030D0000
  /* _Py_atomic_int / _Py_atomic_address wrap one int / uintptr_t as their first member. */
  out->locked = (const int*)&gil->locked._value;
  out->last_holder = (const void* const*)&gil->last_holder._value;
  out->gil_drop_request = (const int*)&interp->ceval.gil_drop_request._value;
#else
  out->locked = &gil->locked;
  out->last_holder = (const void* const*)&gil->last_holder;
  out->gil_drop_request = NULL; /* per thread: _PY_GIL_DROP_REQUEST_BIT of eval_breaker */
#endif
#ifdef Py_GIL_DISABLED
  out->enabled = &gil->enabled;
#else
  out->enabled = NULL;
#endif
  out->own_gil = owns_gil(interp);
  out->offset_mutex = offsetof(gil_t, mutex);
  out->offset_cond = offsetof(gil_t, cond);
  out->offset_switch_mutex = offsetof(gil_t, switch_mutex);
  out->offset_switch_cond = offsetof(gil_t, switch_cond);
  out->offset_interval = offsetof(gil_t, interval);
  out->offset_switch_number = offsetof(gil_t, switch_number);
  out->offset_locked = offsetof(gil_t, locked);
  out->offset_last_holder = offsetof(gil_t, last_holder);
}

int gilhost_read_gil_layout(void* interp_ptr, gilhost_gil_layout* out) {
  PyInterpreterState* interp = (PyInterpreterState*)interp_ptr;
  gil_t* gil = gil_of(interp);
  if (gil == NULL) return -1;
  fill_layout(interp, gil, out);
  return 0;
}

/* 3.12+: init_own_gil creates an own GIL inside its interpreter (interp->_gil), so the
   interpreter, and its drop request, sit at fixed distances from the struct. 3.11 creates one
   GIL, in the runtime, for the main interpreter (_PyEval_InitGIL; again after fork). */
int gilhost_layout_of_own_gil(void* gil, gilhost_gil_layout* out) {
#if PY_VERSION_HEX < 0x030C0000
  if (gil != &_PyRuntime.ceval.gil || _PyRuntime.interpreters.main == NULL) return -1;
  fill_layout(_PyRuntime.interpreters.main, (gil_t*)gil, out);
#else
  PyInterpreterState* interp =
      (PyInterpreterState*)((char*)gil - offsetof(PyInterpreterState, _gil));
  fill_layout(interp, (gil_t*)gil, out);
#endif
  out->own_gil = 1; /* set in interp->ceval only after create_gil returns */
  return 0;
}

/* The interpreter list is guarded by the runtime's HEAD_LOCK (pycore_pystate.h; 3.11 has the
   same lock, runtime->interpreters.mutex, without the macro in its headers). */
int gilhost_for_each_interpreter(void (*fn)(const void* gil, int own_gil, void* arg), void* arg) {
  _PyRuntimeState* runtime = &_PyRuntime;
  int n = 0;
#if PY_VERSION_HEX < 0x030C0000
  PyThread_acquire_lock(runtime->interpreters.mutex, WAIT_LOCK);
#elif PY_VERSION_HEX < 0x030D0000
  HEAD_LOCK(runtime);
#else
  /* 3.13's HEAD_LOCK is PyMutex_LockFlags(..., _Py_LOCK_DONT_DETACH), whose slow path
     (_PyMutex_LockTimed) libpython does not export; the public PyMutex_Lock differs only in
     detaching the thread state while it parks, should the lock be contended. */
  PyMutex_Lock(&runtime->interpreters.mutex);
#endif
  for (PyInterpreterState* i = runtime->interpreters.head; i != NULL; i = i->next, ++n) {
    fn(gil_of(i), owns_gil(i), arg);
  }
#if PY_VERSION_HEX < 0x030C0000
  PyThread_release_lock(runtime->interpreters.mutex);
#else
  HEAD_UNLOCK(runtime);
#endif
  return n;
}

/* Who calls drop_gil in answer to a drop request, per version (Python/ceval_gil.c, ceval.c):
     3.11  eval_frame_handle_pending (static in Python/ceval.c, which #includes ceval_gil.h)
           calls drop_gil when gil_drop_request is set; the compiler inlines it into
           _PyEval_EvalFrameDefault (pyenv's 3.11.7 has no symbol of its own), whose only call of
           drop_gil is then that one.
     3.12  _Py_HandlePending (Python/ceval_gil.c) calls drop_gil directly.
     3.13+ _Py_HandlePending -> _PyThreadState_Detach -> detach_thread -> _PyEval_ReleaseLock ->
           drop_gil (gh-112175 moved the request into the thread's eval breaker); with tail calls
           (pyenv's 3.13.0) drop_gil returns straight into _Py_HandlePending. Its other release,
           _PyThreadState_Suspend for a stop-the-world, is not machinery, so it is not forced.
   release_site.cpp demands the handler's direct call into the machinery, so a release from any
   other call site of the handler (or of the function it was inlined into) is voluntary. */
#if PY_VERSION_HEX < 0x030C0000
static const char* const kHandler[] = {"eval_frame_handle_pending", "_PyEval_EvalFrameDefault",
                                       NULL};
static const char* const kMachinery[] = {"drop_gil", NULL};
static const char kPath[] = "eval_frame_handle_pending -> drop_gil";
#elif PY_VERSION_HEX < 0x030D0000
static const char* const kHandler[] = {"_Py_HandlePending", NULL};
static const char* const kMachinery[] = {"drop_gil", NULL};
static const char kPath[] = "_Py_HandlePending -> drop_gil";
#else
static const char* const kHandler[] = {"_Py_HandlePending", NULL};
static const char* const kMachinery[] = {"_PyThreadState_Detach", "detach_thread",
                                         "_PyEval_ReleaseLock", "drop_gil", NULL};
static const char kPath[] = "_Py_HandlePending -> _PyThreadState_Detach -> drop_gil";
#endif

const gilhost_release_symbols* gilhost_release_symbols_of_version(void) {
  static const gilhost_release_symbols k = {kHandler, kMachinery, kPath};
  return &k;
}

const void* gilhost_libpython_address(void) { return (const void*)&Py_IsInitialized; }

const char* gilhost_gil_location(void) {
#if PY_VERSION_HEX < 0x030C0000
  return "_PyRuntime.ceval.gil (one GIL per process)";
#else
  return "interp->ceval.gil (one per interpreter, PEP 684)";
#endif
}

const char* gilhost_drop_request_location(void) {
#if PY_VERSION_HEX < 0x030D0000
  return "interp->ceval.gil_drop_request";
#else
  return "bit 0 of the holder's tstate->eval_breaker (gh-112175)";
#endif
}

int gilhost_drop_request_readable(void) { return PY_VERSION_HEX < 0x030D0000; }

unsigned long gilhost_layout_compiled_hexversion(void) { return PY_VERSION_HEX; }
