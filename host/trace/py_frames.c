/* The stack reader: compiled with Py_BUILD_CORE against the internal headers of the exact CPython
   gilhost links, like gil_layout.c, so the frame struct offsets are the compiler's.
   Version knowledge (Include/internal/pycore_frame.h, Include/cpython/pystate.h):
     3.11  tstate->cframe->current_frame; frame->f_code; frame->prev_instr; no shim frames;
           no code watchers (PyCode_AddWatcher is 3.12+)
     3.12  tstate->cframe->current_frame; frame->f_code; frame->prev_instr; shim frames
           (owner FRAME_OWNED_BY_CSTACK) mark each entry from C; PyCode_AddWatcher
     3.13  tstate->current_frame (no cframe); frame->f_executable; frame->instr_ptr
   _PyInterpreterFrame_LASTI and _PyFrame_IsIncomplete hide the field names in every version;
   the line of an instruction is PyCode_Addr2Line(code, lasti * sizeof(_Py_CODEUNIT)), which
   the tracer computes from a copy of co_linetable (trace/code_registry.cpp). */
#include "trace/py_frames.h"

#include <Python.h>

#include "internal/pycore_code.h"
#include "internal/pycore_frame.h"
#include "internal/pycore_interp.h"

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030F0000
#error "gilhost's stack reader knows CPython 3.11 to 3.14"
#endif

static _PyInterpreterFrame* current_frame(PyThreadState* tstate) {
#if PY_VERSION_HEX < 0x030D0000
  return tstate->cframe ? tstate->cframe->current_frame : NULL;
#else
  return tstate->current_frame;
#endif
}

static PyCodeObject* code_of(_PyInterpreterFrame* f) {
#if PY_VERSION_HEX < 0x030D0000
  return f->f_code;
#else
  return _PyFrame_GetCode(f);
#endif
}

/* A frame with no Python code of its own to show: the shim that marks an entry from C
   (3.12+), or a frame that has not reached its first RESUME yet. */
static int skipped(_PyInterpreterFrame* f) {
#if PY_VERSION_HEX >= 0x030C0000
  if (f->owner == FRAME_OWNED_BY_CSTACK) return 1;
#endif
  return _PyFrame_IsIncomplete(f);
}

/* Interpreters whose code objects are watched: only their stacks are read, since the tracer
   must hear of a code object's end before it is freed (3.12+). 3.11 wraps the type's
   dealloc, which sees every interpreter's code objects. */
#define MAX_WATCHED 64
static const void* volatile g_watched[MAX_WATCHED];
static int g_watcher_ids[MAX_WATCHED];
static void (*volatile g_on_destroy)(const void*);

static int watched(const void* interp) {
#if PY_VERSION_HEX < 0x030C0000
  (void)interp;
  return g_on_destroy != NULL;
#else
  for (int i = 0; i < MAX_WATCHED; ++i)
    if (__atomic_load_n(&g_watched[i], __ATOMIC_ACQUIRE) == interp) return 1;
  return 0;
#endif
}

int gilhost_capture_frames(const void* tstate_ptr, gilhost_frame* out, int max) {
  PyThreadState* tstate = (PyThreadState*)tstate_ptr;
  if (tstate == NULL) return 0;
  if (!watched(tstate->interp)) return -1;
  int n = 0;
  for (_PyInterpreterFrame* f = current_frame(tstate); f != NULL; f = f->previous) {
    if (skipped(f)) continue;
    if (n == max) return max + 1;
    out[n].code = code_of(f);
    out[n].lasti = _PyInterpreterFrame_LASTI(f);
    ++n;
  }
  return n;
}

static int view_string(PyObject* s, const void** data, size_t* length, int* kind) {
  if (s == NULL || !PyUnicode_Check(s)) return -1;
  *data = PyUnicode_DATA(s);
  *length = (size_t)PyUnicode_GET_LENGTH(s);
  *kind = (int)PyUnicode_KIND(s);
  return 0;
}

int gilhost_view_code(const void* code_ptr, gilhost_code_view* out) {
  PyCodeObject* co = (PyCodeObject*)code_ptr;
  if (co == NULL || !PyCode_Check((PyObject*)co)) return -1;
  if (view_string(co->co_qualname, &out->qualname, &out->qualname_length, &out->qualname_kind) ||
      view_string(co->co_filename, &out->filename, &out->filename_length, &out->filename_kind))
    return -1;
  if (co->co_linetable == NULL || !PyBytes_Check(co->co_linetable)) return -1;
  out->linetable = (const unsigned char*)PyBytes_AS_STRING(co->co_linetable);
  out->linetable_length = (size_t)PyBytes_GET_SIZE(co->co_linetable);
  out->firstlineno = co->co_firstlineno;
  return 0;
}

#if PY_VERSION_HEX < 0x030C0000
static destructor g_code_dealloc;

static void watched_code_dealloc(PyObject* co) {
  void (*f)(const void*) = g_on_destroy;
  if (f) f(co);
  g_code_dealloc(co);
}

int gilhost_watch_code(void (*on_destroy)(const void*)) {
  if (g_code_dealloc == NULL) {
    g_code_dealloc = PyCode_Type.tp_dealloc;
    PyCode_Type.tp_dealloc = watched_code_dealloc;
  }
  g_on_destroy = on_destroy;
  return 0;
}

void gilhost_unwatch_code(void) {}
#else
static int on_code_event(PyCodeEvent event, PyCodeObject* co) {
  void (*f)(const void*) = g_on_destroy;
  if (event == PY_CODE_EVENT_DESTROY && f) f(co);
  return 0;
}

int gilhost_watch_code(void (*on_destroy)(const void*)) {
  const void* interp = PyInterpreterState_Get();
  g_on_destroy = on_destroy;
  if (watched(interp)) return 0;
  for (int i = 0; i < MAX_WATCHED; ++i) {
    if (g_watched[i] != NULL) continue;
    int id = PyCode_AddWatcher(on_code_event);
    if (id < 0) {
      PyErr_Clear();
      return -1;
    }
    g_watcher_ids[i] = id;
    __atomic_store_n(&g_watched[i], interp, __ATOMIC_RELEASE);
    return 0;
  }
  return -1;
}

/* The watcher stays installed, so the interpreter's last code objects are still reported while
   Py_EndInterpreter frees them; its threads' stacks are no longer read. */
void gilhost_unwatch_code(void) {
  const void* interp = PyInterpreterState_Get();
  for (int i = 0; i < MAX_WATCHED; ++i)
    if (g_watched[i] == interp) __atomic_store_n(&g_watched[i], NULL, __ATOMIC_RELEASE);
}
#endif
