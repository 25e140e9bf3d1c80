"""Workers whose forced/voluntary releases are known from how CPython releases the GIL.

- spin: pure Python bytecode that never blocks. Its only way to release the GIL inside the
  window is the eval breaker answering a drop request (forced); the worker's one voluntary
  release is its last one, when the phase ends.
- sleeper: time.sleep called straight from C (functools.partial, no bytecode of its own), so
  the eval breaker never runs on this thread: every release is time.sleep's
  Py_BEGIN_ALLOW_THREADS, voluntary, even when a drop request is pending.
"""
import functools
import time


def spin():
    x = 0
    for i in range(20_000):
        x += i
    return x


sleeper = functools.partial(time.sleep, 0.002)


def blocked_holder():
    """Holds the GIL while asleep (ctypes.PyDLL keeps it): off-CPU but never runnable."""
    import ctypes
    ctypes.PyDLL(None).usleep(200_000)
