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
#if PY_VERSION_HEX < 0x030C0000
#include "internal/pycore_runtime.h"
#endif

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030F0000
#error "gilhost's GIL layout probe knows CPython 3.11 to 3.14"
#endif

typedef struct _gil_runtime_state gil_t;

static void fill_offsets(gilhost_gil_layout* out) {
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
#if PY_VERSION_HEX < 0x030C0000
  gil_t* gil = &_PyRuntime.ceval.gil;
  if (gil->locked._value < 0) return -1; /* not created yet */
  out->own_gil = interp == PyInterpreterState_Main();
#else
  gil_t* gil = interp->ceval.gil;
  if (gil == NULL) return -1;
  out->own_gil = interp->ceval.own_gil;
#endif
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
  fill_offsets(out);
  return 0;
}

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

unsigned long gilhost_layout_compiled_hexversion(void) { return PY_VERSION_HEX; }
