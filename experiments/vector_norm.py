"""The Cython `nogil` vector_norm: does releasing the GIL make it callable from many threads?

Question. The source article ends with a Cython function that loops over a float64 array inside
`with nogil:` and says it "can be called from several threads at once, completely bypassing the
GIL". gilhost.vector_norm is that function in C++ (a plain loop, sqrt of the sum of squares).
What do several threads get from it, with and without the GIL released, and does the input type
matter?

Hypothesis.
- `norm` (array('d') of 200 000 floats, release_gil=True): the buffer is read in place (buffer
  protocol, zero-copy), the loop runs without the GIL: ~2x with 2 threads on 2 cores, held % tiny.
- `norm_hold` (release_gil=False): the same loop holding the GIL: ~1.0x, held ~100 %.
- `norm_list` (a list of 200 000 floats, release_gil=True): the list must first be converted to
  doubles (PyFloat_AsDouble on every item) and that needs the GIL; only the short loop after it
  runs free. The conversion dominates, so it scales little even though the GIL "is released":
  `with nogil:` covers only what is inside it. (In Cython, a typed memoryview or ndarray argument
  is the zero-copy case; passing a list to a `double[:]` parameter fails or copies, with the GIL.)

What to look at. calls/s of each pair (1 vs 2 threads), CPU %, held % and wait p50/p99.
"""
from array import array
import random

import gilhost

GILHOST = {
    "workers": [
        {"norm": 1}, {"norm": 2},
        {"norm_hold": 1}, {"norm_hold": 2},
        {"norm_list": 1}, {"norm_list": 2},
    ],
    "duration": "1s",
    "switch_interval": "5ms",
}

SIZE = 200_000
_rng = random.Random(11)
X_LIST = [_rng.random() for _ in range(SIZE)]
X = array("d", X_LIST)


def norm():
    gilhost.vector_norm(X)


def norm_hold():
    gilhost.vector_norm(X, release_gil=False)


def norm_list():
    gilhost.vector_norm(X_LIST)
