/* Reading a thread's Python stack from inside a pthread call, and the code objects it names.
   The frame structs differ per CPython version; py_frames.c is the one place that knows them. */
#ifndef GILHOST_TRACE_PY_FRAMES_H
#define GILHOST_TRACE_PY_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One Python frame: its code object and the index (in code units) of the instruction it is at,
   as _PyInterpreterFrame_LASTI gives it; the line is found later from a copy of the code's
   location table. */
typedef struct gilhost_frame {
  const void* code;
  int32_t lasti;
} gilhost_frame;

/* The complete Python frames of `tstate` (a PyThreadState*), innermost first, at most `max`.
   Returns how many there are, up to max + 1 (max + 1: the stack is deeper, only `max` stored);
   -1 when stacks cannot be read for this thread (an interpreter whose code objects are not
   watched, so a name could be read after its code object was freed).
   Must be called by the thread that owns `tstate` while its frames cannot change: it holds the
   GIL, or it is inside one of take_gil / drop_gil's pthread calls. Reads memory only. */
int gilhost_capture_frames(const void* tstate, gilhost_frame* out, int max);

/* What a code object says about itself, pointing into the live object (strings as CPython
   keeps them: `kind` 1, 2 or 4 bytes per character, `length` characters). Valid while the code
   object lives; the caller copies what it needs. */
typedef struct gilhost_code_view {
  const void* qualname;
  size_t qualname_length;
  int qualname_kind;
  const void* filename;
  size_t filename_length;
  int filename_kind;
  const unsigned char* linetable; /* co_linetable: the location table (PEP 626 / 657) */
  size_t linetable_length;
  int firstlineno;
} gilhost_code_view;

/* Fills `out` from a live code object. Reads memory only (no allocation, no GIL needed: every
   field read is immutable once the object exists). Returns 0, or -1 for an object that is not a
   code object with string names. */
int gilhost_view_code(const void* code, gilhost_code_view* out);

/* Calls `on_destroy(code)` before every code object of the calling thread's interpreter is
   freed, with the GIL held. 3.12+: PyCode_AddWatcher (one per interpreter; call it in each
   interpreter gilhost creates). 3.11 has no code watchers: PyCode_Type's tp_dealloc is wrapped
   instead (once; it covers every interpreter). Returns 0, or -1 when no watcher slot is free. */
int gilhost_watch_code(void (*on_destroy)(const void* code));

/* Stops watching the calling thread's interpreter (before Py_EndInterpreter). */
void gilhost_unwatch_code(void);

#ifdef __cplusplus
}
#endif

#endif
