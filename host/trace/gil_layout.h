/* Where one interpreter's GIL lives: addresses read from CPython's internal structs. */
#ifndef GILHOST_TRACE_GIL_LAYOUT_H
#define GILHOST_TRACE_GIL_LAYOUT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Filled by gilhost_gil_layout() from `struct _gil_runtime_state` (pycore_gil.h). Pointers into
   the live struct: the tracer compares pthread call arguments with them and reads the fields
   while gil->mutex is held. */
typedef struct gilhost_gil_layout {
  void* gil;          /* the struct itself */
  size_t size;        /* sizeof(struct _gil_runtime_state) */
  void* mutex;        /* gil->mutex: protects interval/last_holder/locked/switch_number */
  void* cond;         /* gil->cond: signalled when the GIL is released */
  void* switch_mutex; /* gil->switch_mutex (FORCE_SWITCHING) */
  void* switch_cond;  /* gil->switch_cond: the releaser waits for the next holder */
  const unsigned long* interval;      /* microseconds */
  const unsigned long* switch_number; /* changes of holding thread state */
  const int* locked;                  /* 1 held, 0 free, -1 not created */
  const void* const* last_holder;     /* PyThreadState* that last held it */
  const int* gil_drop_request;        /* interp->ceval.gil_drop_request (3.12: per interpreter) */
  int own_gil;                        /* interp->ceval.own_gil */
  size_t offset_mutex, offset_cond, offset_switch_mutex, offset_switch_cond;
  size_t offset_interval, offset_switch_number, offset_locked, offset_last_holder;
} gilhost_gil_layout;

/* Fills `out` for the interpreter `interp` (a PyInterpreterState*). Returns 0, or -1 when the
   interpreter has no GIL yet. Needs no GIL: it only computes addresses. */
int gilhost_read_gil_layout(void* interp, gilhost_gil_layout* out);

/* The layout of a GIL struct create_gil just initialised for an interpreter with its own GIL
   (the tracer recognises create_gil's pthread_*_init sequence; interpose.cpp). */
void gilhost_layout_of_own_gil(void* gil, gilhost_gil_layout* out);

/* Calls fn(interp->ceval.gil, interp->ceval.own_gil, arg) for every interpreter of the process
   under the runtime's interpreter-list lock; returns the number of interpreters. The caller must
   hold a GIL (the list's entries stay valid while it does). */
int gilhost_for_each_interpreter(void (*fn)(const void* gil, int own_gil, void* arg), void* arg);

/* How a release is classified (release_site.cpp). A release is forced when drop_gil was called
   by the eval breaker's pending-work handler in answer to a drop request. `handler`: names of
   that handler in libpython's symbol table, first found wins (a static function the compiler
   inlined is looked for under the function it was inlined into). `machinery`: functions that
   may stand between the handler and drop_gil's pthread_cond_signal(&gil->cond). Both lists end
   with NULL. The names depend on the CPython version; this is the one place that knows them. */
typedef struct gilhost_release_symbols {
  const char* const* handler;
  const char* const* machinery;
} gilhost_release_symbols;
const gilhost_release_symbols* gilhost_release_symbols_of_version(void);

/* An address inside the libpython actually loaded (dladdr finds its path and load address). */
const void* gilhost_libpython_address(void);

/* The running CPython's PY_VERSION_HEX and the one the layout was compiled against: they must
   agree, since the struct offsets are only valid for the headers they came from. */
unsigned long gilhost_layout_compiled_hexversion(void);

#ifdef __cplusplus
}
#endif

#endif
