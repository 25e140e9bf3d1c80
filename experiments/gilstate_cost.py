"""What it costs a native thread to run Python: a persistent thread state vs one per call.

Question. A C or C++ library calls back into Python (an event loop, a driver, an inference
runtime's callback). The callback must attach its thread to the interpreter with
PyGILState_Ensure and detach with PyGILState_Release. If the thread keeps its thread state
(PyThreadState) between calls, attaching is cheap; if it has none (a fresh native thread per
call, or a library that destroys it), every call creates and deletes one. How large is the
difference, and what else is paid?

How each role is measured (one worker thread each, alone, 1000 calls; the figure is gilhost's
per-call latency p50; differences between rows isolate one step):

| role | one call does | adds over the row above it |
|---|---|---|
| `noop` | a Python function that returns | the call itself (gilhost's workers keep one thread state and the GIL between calls) |
| `release` | `gilhost.spin(0)`: PyEval_SaveThread + PyEval_RestoreThread (Py_BEGIN/END_ALLOW_THREADS) | one GIL release and re-acquire on a persistent thread state |
| `ctypes_call` | `getpid()` through ctypes (ctypes releases the GIL around foreign calls) | ctypes' argument handling + one release/re-acquire |
| `callback` | libc `qsort` of 2 ints with a Python comparator through ctypes | one callback: PyGILState_Ensure on this thread's existing thread state, the Python comparator, PyGILState_Release |
| `native_thread` | pthread_create + pthread_join of a C function (getpid) | an OS thread, no Python at all |
| `callback_new_thread` | pthread_create of a ctypes callback + join | on a brand-new native thread: PyGILState_Ensure creates a thread state, the callback runs, PyGILState_Release (counter back to 0) deletes it |
| `python_thread` | `threading.Thread(target=f).start(); join()` | Python's own thread machinery (bootstrap, locks, `threading` bookkeeping) |

So: `callback` - `ctypes_call` ~ Ensure/Release on a persistent thread state plus ctypes'
callback wrapper; `callback_new_thread` - `native_thread` ~ the same with a thread state created
and destroyed per call.

Hypothesis. Attaching with an existing thread state costs tens of ns (research notes §5: 50 ns
for Ensure/Release from C; here ctypes' wrapper adds ~0.5 µs). Creating and deleting a thread
state per call costs ~0.35 µs from a C loop, and more on a cold new thread; but an OS thread per
call costs ~50 µs, which dwarfs it. Keep threads, and keep their thread states. A side effect
gilhost makes visible: CPython's `gil->switch_number` counts thread-state pointers, not OS
threads, so with thread states created per call it can differ from gilhost's holder changes;
and PyGILState_Release at counter 0 drops the GIL without updating `last_holder` (gh-104341).

What to look at. latency p50 of each configuration (calls/s = 1 / latency here), and the
`check:` line of each block (holder changes vs switch_number). Each short-lived thread becomes
one row of gilhost's trace (1000 calls x 2 thread-per-call roles = 2000 traced threads). Keep
a call count (`--calls`), not a `--duration`: `noop` makes ~10 M calls per second, and a
duration of a second or more overflows gilhost's per-thread trace buffers (lost events). The
thread-per-call rows need an idle machine: when both cores are busy, a new thread can wait a
scheduler tick (4 ms here) before it runs, which shows as a latency p99 of ~4 ms.
"""
import ctypes
import threading

import gilhost

GILHOST = {
    "workers": [
        {"noop": 1},
        {"release": 1},
        {"ctypes_call": 1},
        {"callback": 1},
        {"native_thread": 1},
        {"callback_new_thread": 1},
        {"python_thread": 1},
    ],
    "calls": 1000,
    "switch_interval": "5ms",
}

_libc = ctypes.CDLL(None)  # CDLL (not PyDLL): ctypes releases the GIL around each call
_pthread_t = ctypes.c_ulong
_START = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)
_CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_libc.pthread_create.argtypes = [ctypes.POINTER(_pthread_t), ctypes.c_void_p, _START,
                                 ctypes.c_void_p]
_libc.pthread_create.restype = ctypes.c_int
_libc.pthread_join.argtypes = [_pthread_t, ctypes.c_void_p]
_libc.pthread_join.restype = ctypes.c_int
_libc.qsort.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, _CMP]
_libc.qsort.restype = None
_libc.getpid.restype = ctypes.c_int


def _compare(a, b):
    return 0


def _thread_body(arg):
    return None


_compare_c = _CMP(_compare)        # kept alive at module level: C holds raw pointers to them
_thread_body_c = _START(_thread_body)
_getpid_as_start = ctypes.cast(_libc.getpid, _START)  # a C start routine that ignores its arg
_two_ints = (ctypes.c_int * 2)(2, 1)


def _run_native_thread(start):
    t = _pthread_t()
    if _libc.pthread_create(ctypes.byref(t), None, start, None) != 0:
        raise OSError("pthread_create failed")
    _libc.pthread_join(t, None)


def _nothing():
    pass


def noop():
    pass


def release():
    gilhost.spin(0)


def ctypes_call():
    _libc.getpid()


def callback():
    _libc.qsort(_two_ints, 2, ctypes.sizeof(ctypes.c_int), _compare_c)


def native_thread():
    _run_native_thread(_getpid_as_start)


def callback_new_thread():
    _run_native_thread(_thread_body_c)


def python_thread():
    t = threading.Thread(target=_nothing)
    t.start()
    t.join()
