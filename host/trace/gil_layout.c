/* The GIL layout probe: compiled with Py_BUILD_CORE against the internal headers of the exact
   CPython gilhost links, so the offsets are the compiler's, not guesses (architecture.md). */
#include "trace/gil_layout.h"

#include <Python.h>
#include <stddef.h>

#include "internal/pycore_gil.h"
#include "internal/pycore_interp.h"

#if PY_VERSION_HEX < 0x030C0000 || PY_VERSION_HEX >= 0x030D0000
#error "gilhost's GIL layout probe is written for CPython 3.12 (interp->ceval.gil)"
#endif

typedef struct _gil_runtime_state gil_t;

#include "internal/pycore_pystate.h"

static void fill_layout(PyInterpreterState* interp, gil_t* gil, gilhost_gil_layout* out) {
  out->gil = gil;
  out->size = sizeof(gil_t);
  out->mutex = &gil->mutex;
  out->cond = &gil->cond;
  out->switch_mutex = &gil->switch_mutex;
  out->switch_cond = &gil->switch_cond;
  out->interval = &gil->interval;
  out->switch_number = &gil->switch_number;
  /* _Py_atomic_int / _Py_atomic_address wrap one int / uintptr_t as their first member. */
  out->locked = (const int*)&gil->locked._value;
  out->last_holder = (const void* const*)&gil->last_holder._value;
  out->gil_drop_request = (const int*)&interp->ceval.gil_drop_request._value;
  out->own_gil = interp->ceval.own_gil;
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
  if (interp->ceval.gil == NULL) return -1;
  fill_layout(interp, interp->ceval.gil, out);
  return 0;
}

/* 3.12's init_own_gil creates an own GIL inside its interpreter (interp->_gil), so the
   interpreter, and its gil_drop_request, sit at fixed distances from the struct. */
void gilhost_layout_of_own_gil(void* gil, gilhost_gil_layout* out) {
  PyInterpreterState* interp =
      (PyInterpreterState*)((char*)gil - offsetof(PyInterpreterState, _gil));
  fill_layout(interp, (gil_t*)gil, out);
  out->own_gil = 1; /* set in interp->ceval only after create_gil returns */
}

/* The interpreter list is guarded by the runtime's HEAD_LOCK (pycore_pystate.h). */
int gilhost_for_each_interpreter(void (*fn)(const void* gil, int own_gil, void* arg), void* arg) {
  _PyRuntimeState* runtime = &_PyRuntime;
  int n = 0;
  HEAD_LOCK(runtime);
  for (PyInterpreterState* i = runtime->interpreters.head; i != NULL; i = i->next, ++n) {
    fn(i->ceval.gil, i->ceval.own_gil, arg);
  }
  HEAD_UNLOCK(runtime);
  return n;
}

/* 3.12: _Py_HandlePending calls drop_gil directly when gil_drop_request is set (Python/
   ceval_gil.c). 3.13 goes through _PyThreadState_Detach -> detach_thread -> _PyEval_ReleaseLock
   (gh-112175 moved the request into the thread's eval breaker); 3.11's handler is the static
   eval_frame_handle_pending in Python/ceval.c, usually inlined into _PyEval_EvalFrameDefault. */
static const char* const kHandler312[] = {"_Py_HandlePending", NULL};
static const char* const kMachinery312[] = {"drop_gil", NULL};

const gilhost_release_symbols* gilhost_release_symbols_of_version(void) {
  static const gilhost_release_symbols k312 = {kHandler312, kMachinery312};
  return &k312;
}

const void* gilhost_libpython_address(void) { return (const void*)&Py_IsInitialized; }

unsigned long gilhost_layout_compiled_hexversion(void) { return PY_VERSION_HEX; }
