"""The article's case 1 (threaded_infer.py), redone: where did the time really go?

Question. The source article maps `inference(image)` over 100 images with
ThreadPoolExecutor(8); inference is `np.dot(image, np.random.rand(3072, 1000))`. It measures
8 threads 3.25 s vs 1 thread 3.18 s and concludes "threads are slower for CPU-bound work because
of GIL contention". But np.dot releases the GIL. So why no speed-up?

Because of the other half of the line: `np.random.rand(3072, 1000)` draws 3 M random numbers in
C code that holds the GIL, for every image, and that costs far more than the dot product
(a 1 x 3072 by 3072 x 1000 product is 3 M multiply-adds: a millisecond in BLAS). The benchmark
measured the random generator, not the inference. Here, with no numpy: the random weights are
drawn in Python (GIL held: random.random per weight), the product is gilhost.matmul (GIL
released), with 100 outputs instead of 1000 to keep calls short; the article's 8 threads.

Hypothesis.
- `article` (fresh random weights every call, then the native product): ~99 % of each call holds
  the GIL. 8 threads ~ 1.0x of 1 thread, GIL held ~100 %, CPU ~100 %: the article's result,
  for the right reason (the GIL-holding generator, not the GIL-releasing dot).
- `hoisted` (weights drawn once, as a real model's are: loaded once, reused): each call is the
  native product plus a few µs of Python. 8 threads ~ cores x (up to ~2x on 2 cores), GIL held
  a few %.

What to look at. calls/s (the comparison lines), held % (~100 vs a few %), CPU % and latency p50
per role; `article` calls/s against `hoisted` calls/s (the cost of generating weights per call).
"""
from array import array
import random

import gilhost

GILHOST = {
    "workers": [{"article": 1}, {"article": 8}, {"hoisted": 1}, {"hoisted": 8}],
    "duration": "1s",
    "switch_interval": "5ms",
}

FEATURES = 3072   # one 32 x 32 x 3 image, flattened
OUTPUTS = 100     # the article has 1000 classes; 100 keeps one `article` call ~10-15 ms
_rng = random.Random(4)
IMAGE = array("d", (_rng.random() for _ in range(FEATURES)))
WEIGHTS = array("d", (_rng.random() for _ in range(FEATURES * OUTPUTS)))


def _infer(weights):
    scores = gilhost.matmul(IMAGE, weights, 1, FEATURES, OUTPUTS)  # GIL released, like np.dot
    return max(range(OUTPUTS), key=scores.__getitem__)


def article():
    """The article's inference: new random weights (GIL held), then the product (GIL free)."""
    rand = random.random
    weights = array("d", [rand() for _ in range(FEATURES * OUTPUTS)])
    return _infer(weights)


def hoisted():
    """The same inference with the weights drawn once, outside the timed call."""
    return _infer(WEIGHTS)
