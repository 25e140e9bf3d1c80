"""Intra-op threads: a native kernel with its own C++ thread pool (ONNX Runtime, BLAS).

Question. The source article sets ONNX Runtime's `intra_op_num_threads=8` for "CPU parallelism
around the GIL". (Its code passes it as a provider option to `set_providers`, which is wrong:
it is a field of `onnxruntime.SessionOptions`, given when the session is created:
`so = ort.SessionOptions(); so.intra_op_num_threads = 8; ort.InferenceSession(path, so)`.)
The idea itself: one Python call, many C++ threads. gilhost.matmul(..., threads=K) splits the
rows of one product over K threads of gilhost's own C++ pool. What does K buy, what if several
Python threads each ask for K, and does the pool need the GIL released?

Hypothesis.
- `op1`, `op2`, `op4` (one Python thread, K = 1, 2, 4, GIL released): ~1x, ~1.8x, ~1.8x on 2 cores
  (K beyond the core count only adds scheduling). CPU % ~100 x min(K, cores).
- `op2` x 2 (two Python threads, each K = 2: 4 threads on 2 cores): no better than `op2` x 1,
  per-call latency up: oversubscription. Runtimes cap K for this reason (ORT's
  inter/intra-op settings, OMP_NUM_THREADS, torch.set_num_threads).
- `op2_hold` (K = 2, GIL kept): the pool threads never touch Python, so the product is as fast
  as `op2`: intra-op parallelism does not need the GIL released. But the calling thread holds
  it the whole time, so a Python thread (`py`) next to it starves (`op2_hold` + `py`), whereas
  next to `op2` it runs (`op2` + `py`: the two compete for cores, not for the GIL).

What to look at. calls/s of `op*` across configurations, CPU %, held % of the `op*` role (~0 with
release, ~100 % with hold), and in the mixed configurations the `py` row: calls/s and GIL wait.
"""
from array import array
import random

import gilhost

GILHOST = {
    "workers": [
        {"op1": 1}, {"op2": 1}, {"op4": 1}, {"op2": 2},
        {"op2_hold": 1},
        {"op2": 1, "py": 1}, {"op2_hold": 1, "py": 1},
    ],
    "duration": "1s",
    "switch_interval": "5ms",
}

N = 300
_rng = random.Random(8)
A = array("d", (_rng.random() for _ in range(N * N)))
B = array("d", (_rng.random() for _ in range(N * N)))


def op1():
    gilhost.matmul(A, B, N, threads=1)


def op2():
    gilhost.matmul(A, B, N, threads=2)


def op4():
    gilhost.matmul(A, B, N, threads=4)


def op2_hold():
    gilhost.matmul(A, B, N, threads=2, release_gil=False)


def py():
    """Pure-Python CPU work, ~0.7 ms a call."""
    total = 0
    for i in range(20_000):
        total += i * i
    return total
