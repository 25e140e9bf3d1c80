"""A native kernel that releases the GIL, on 1..N threads, against the same kernel holding it.

Question. The source article's "case 3" runs `np.dot` of two 5000x5000 matrices on 4 threads and
sees 380 % CPU: "NumPy releases the GIL in BLAS". Does releasing the GIL really let Python
threads run a native kernel in parallel, and what is it worth? (Its 380 % does not show that by
itself: an OpenBLAS or MKL `dot` of that size already runs on all cores from a single thread.
Here every matmul runs on exactly one thread, so all parallelism comes from the Python threads.)

Hypothesis. `gilhost.matmul(a, b, 200)` (~2 ms of C++ per call, single-threaded) with
`release_gil=True` is Py_BEGIN_ALLOW_THREADS around the loop: the GIL is held only for argument
parsing and the result object, a few µs per call. Threads then scale up to the number of cores
(~2x on 2 cores, CPU ~200 %), and a 4th thread adds nothing but waiting for a core. With
`release_gil=False` the kernel runs while holding the GIL: one thread at a time, ~1.0x whatever
the thread count, CPU ~100 %, the GIL held ~100 % of the time, and other threads wait a whole
kernel call (it cannot be interrupted: there is no bytecode in it, so no eval-breaker check).

What to look at. calls/s per configuration (the comparison lines at the end), CPU %, held % (a
few % with release, ~100 % without), wait p50/p99 (µs with release, ms without) and forced
switches (0 with release: nobody waits a whole interval).
"""
from array import array
import random

import gilhost

GILHOST = {
    "workers": [
        {"mm": 1}, {"mm": 2}, {"mm": 4},
        {"mm_hold": 1}, {"mm_hold": 2}, {"mm_hold": 4},
    ],
    "duration": "1s",
    "switch_interval": "5ms",
}

N = 200
_rng = random.Random(6)
A = array("d", (_rng.random() for _ in range(N * N)))  # zero-copy buffers for the kernel
B = array("d", (_rng.random() for _ in range(N * N)))


def mm():
    """C = A x B (200 x 200) in C++, GIL released, on the calling thread only."""
    gilhost.matmul(A, B, N)


def mm_hold():
    """The same kernel keeping the GIL for its whole run."""
    gilhost.matmul(A, B, N, release_gil=False)
