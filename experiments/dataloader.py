"""A DataLoader-style worker-process pool feeding a consumer in the main process.

Question. The source article says PyTorch's `DataLoader(num_workers=4)` makes preprocessing
3.2x faster "because each worker is a separate process, not limited by the main process's GIL".
What does a pool of preprocessing processes feeding a training loop really give, against doing
it inline or in threads, and what is left for the consumer?

Workload. `load_sample(i)` is a Dataset.__getitem__ in pure Python: draw a 3 x 32 x 32 image,
normalise each channel (mean/std), flip it horizontally half of the time (~0.5-1 ms). A batch is
32 samples packed into one array('d') (786 KB, pickled back to the consumer). The consumer's
"training step" is a native product (batch 32 x 3072 by 3072 x 64 weights, gilhost.matmul,
GIL released, ~1-2 ms). Loaders, all ordered and with bounded prefetch (2 batches per worker,
DataLoader's default prefetch_factor):
- `num_workers=0`: batches built inline by the consumer thread;
- `2 threads`: a thread pool builds them (what a naive "use threads" gives);
- `N processes`: a fork process pool builds them, like DataLoader's workers.
The pool is started inside the timed block (DataLoader restarts its workers every epoch unless
persistent_workers=True).

Hypothesis. Preprocessing is bytecode, so threads give ~1.0x; processes give ~min(N, cores)x on
the preprocessing, less the pickling of each batch and what the consumer itself needs: on 2
cores ~1.6-1.9x with 2 workers, no better with 4. The article's 3.2x with 4 workers needs at
least 4 free cores. The consumer's busy share (time in the training step / wall) shows whether
the loader keeps it fed. With a thread pool it is misleading in an instructive way: the native
step itself runs without the GIL, but taking the GIL back after it means waiting behind the
preprocessing threads (up to a switch interval or more: see convoy.py), so the consumer sits
"in its step" most of the time while doing nothing.

Run.   gilhost run experiments/dataloader.py [--scale 0.3]
Output. A table (samples/s, speed-up, CPU %, consumer busy %) and `RESULT {json}`.
"""
import collections
import concurrent.futures as cf
import multiprocessing as mp
import os
import random
import time
from array import array

import _lab

BATCH = 32
CHANNELS, SIDE = 3, 32
PIXELS = CHANNELS * SIDE * SIDE
OUT = 64


def load_sample(i):
    """Dataset.__getitem__(i): a normalised, randomly flipped 3 x 32 x 32 image (pure Python)."""
    rng = random.Random(i)
    image = [rng.random() * 255.0 for _ in range(PIXELS)]
    flip = rng.random() < 0.5
    out = []
    for c in range(CHANNELS):
        plane = image[c * SIDE * SIDE:(c + 1) * SIDE * SIDE]
        mean = sum(plane) / len(plane)
        std = (sum((v - mean) ** 2 for v in plane) / len(plane)) ** 0.5 or 1.0
        for row in range(SIDE):
            line = plane[row * SIDE:(row + 1) * SIDE]
            if flip:
                line.reverse()
            out.extend((v - mean) / std for v in line)
    return out


def make_batch(b):
    """collate_fn: BATCH samples in one contiguous array('d') (pickled as bytes to the parent)."""
    batch = array("d")
    for i in range(b * BATCH, (b + 1) * BATCH):
        batch.extend(load_sample(i))
    return batch


def prefetching_map(pool, fn, items, depth):
    """Ordered results of fn over items with at most `depth` tasks in flight."""
    items = iter(items)
    pending = collections.deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= depth:
            break
    while pending:
        result = pending.popleft().result()
        for item in items:
            pending.append(pool.submit(fn, item))
            break
        yield result


class Consumer:
    """The training loop: one native step per batch; records the time spent in steps."""

    def __init__(self, gilhost):
        self.gilhost = gilhost
        rng = random.Random(3)
        self.weights = array("d", (rng.random() for _ in range(PIXELS * OUT)))
        self.busy = 0.0

    def step(self, batch):
        t0 = time.perf_counter()
        self.gilhost.matmul(batch, self.weights, BATCH, PIXELS, OUT)
        self.busy += time.perf_counter() - t0


def run_loader(kind, workers, n_batches, consumer):
    consumer.busy = 0.0
    with _lab.Stopwatch() as sw:
        if kind == "inline":
            for b in range(n_batches):
                consumer.step(make_batch(b))
        else:
            if kind == "threads":
                pool = cf.ThreadPoolExecutor(workers)
            else:
                pool = cf.ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"))
            with pool:
                for batch in prefetching_map(pool, make_batch, range(n_batches), 2 * workers):
                    consumer.step(batch)
    return sw, consumer.busy


def main():
    import gilhost  # only the consumer (this process) needs it; pool children never import it

    n_batches = _lab.scaled(60, minimum=6)
    cores = os.cpu_count() or 1
    consumer = Consumer(gilhost)
    configs = [("num_workers=0", "inline", 0), ("2 threads", "threads", 2),
               ("2 processes", "processes", 2), ("4 processes", "processes", 4)]
    print(f"{n_batches} batches of {BATCH} samples ({PIXELS} floats each) · {cores} cores")
    rows, figures = [], {}
    base = None
    for label, kind, workers in configs:
        sw, busy = run_loader(kind, workers, n_batches, consumer)
        rate = n_batches * BATCH / sw.wall
        base = base or rate
        figures[label] = {"samples_per_second": rate, "speedup": rate / base,
                          "cpu_percent": sw.cpu_percent, "consumer_busy_percent":
                          100.0 * busy / sw.wall, "seconds": sw.wall}
        rows.append([label, f"{rate:.0f}", f"{rate / base:.2f}x", f"{sw.cpu_percent:.0f} %",
                     f"{100.0 * busy / sw.wall:.0f} %", f"{sw.wall:.2f} s"])
    _lab.table(["loader", "samples/s", "speed-up", "CPU", "consumer busy", "time"], rows)
    _lab.result({"batches": n_batches, "batch": BATCH, "loaders": figures})


if __name__ == "__main__":
    main()
