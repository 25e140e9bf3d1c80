"""The article's closing question: why does np.dot scale across threads and a pure-Python matmul not?

Question. "Why can NumPy's np.dot get a near-linear speed-up with threads, but a pure-Python
matrix multiplication cannot?" Answer it with numbers, on one workload in three forms.

Hypothesis.
- `py_matmul`: a 40 x 40 matrix product written in Python (lists, zip, sum) is bytecode from end
  to end. Every bytecode needs the GIL, so 2 threads share one interpreter's worth of time:
  ~1.0x, GIL held ~100 %, forced switches every ~5 ms.
- `native_matmul`: gilhost.matmul of 200 x 200 doubles (same call time, ~2 ms) releases the GIL
  for the whole loop, as np.dot does around its BLAS call: ~2x on 2 cores, GIL held a few %.
- `native_hold`: the same C++ loop without releasing the GIL: ~1.0x. So "it is written in C" is
  not the answer; "it releases the GIL while it computes" is. (Also: C is ~100x faster per
  multiply-add, which is why 200 x 200 in C costs what 40 x 40 costs in Python.)

What to look at. The comparison lines (each configuration vs the first), CPU % (200 % only for
native_matmul x 2), held % and forced switches.
"""
from array import array
import random

import gilhost

GILHOST = {
    "workers": [
        {"py_matmul": 1}, {"py_matmul": 2},
        {"native_matmul": 1}, {"native_matmul": 2},
        {"native_hold": 2},
    ],
    "duration": "1s",
    "switch_interval": "5ms",
}

PY_N = 40
NATIVE_N = 200
_rng = random.Random(12)
PY_A = [[_rng.random() for _ in range(PY_N)] for _ in range(PY_N)]
PY_B = [[_rng.random() for _ in range(PY_N)] for _ in range(PY_N)]
NA = array("d", (_rng.random() for _ in range(NATIVE_N * NATIVE_N)))
NB = array("d", (_rng.random() for _ in range(NATIVE_N * NATIVE_N)))


def _python_matmul(a, b):
    columns = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) for col in columns] for row in a]


def py_matmul():
    """40 x 40 in pure Python (~64 000 multiply-adds of bytecode)."""
    _python_matmul(PY_A, PY_B)


def native_matmul():
    """200 x 200 in C++ (8 M multiply-adds), GIL released."""
    gilhost.matmul(NA, NB, NATIVE_N)


def native_hold():
    """The same C++ kernel keeping the GIL."""
    gilhost.matmul(NA, NB, NATIVE_N, release_gil=False)
