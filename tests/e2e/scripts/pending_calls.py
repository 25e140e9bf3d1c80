"""Pending calls added by a thread that does not hold the GIL (test_versions.py).

CPython 3.13's _PyEval_AddPendingCall locks gil->mutex outside take_gil (signal_active_thread,
Python/ceval_gil.c at v3.13.0) for calls that any thread may run: that lock is not a GIL
request. _testinternalcapi.pending_threadfunc adds such calls with the GIL released; where it
is missing (3.11, 3.12 name it differently), Py_AddPendingCall through ctypes.CDLL (which also
releases the GIL) stands in.
"""
import ctypes
import sys
import threading

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
ran = []

try:
    from _testinternalcapi import pending_threadfunc
except ImportError:
    pending_threadfunc = None
if sys.version_info < (3, 13):
    pending_threadfunc = None  # 3.12's adds main-thread-only calls; keep one path per version


def add_all():
    if pending_threadfunc is not None:
        for start in range(0, N, 16):  # in batches, well under the queue's size
            pending_threadfunc(lambda: ran.append(1), min(16, N - start), ensure_added=True)
        return
    callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
    callback = callback_type(lambda _: ran.append(1) or 0)
    add_pending = ctypes.CDLL(None).Py_AddPendingCall  # CDLL: called with the GIL released
    add_pending.argtypes = [callback_type, ctypes.c_void_p]
    for _ in range(N):
        while add_pending(callback, None) != 0:  # the queue is full: let the main thread run
            pass
    add_all.keep = callback


t = threading.Thread(target=add_all, name="caller")
t.start()
while t.is_alive() or len(ran) < N:
    sum(range(1000))  # bytecode: the eval loop runs the pending calls
t.join()
print(len(ran))
