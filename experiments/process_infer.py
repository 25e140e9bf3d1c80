"""The article's case 2 (process_infer.py) and its table: 1 thread, 8 threads, 8 processes.

Question. The source article maps an inference over 100 images with ThreadPoolExecutor(1),
ThreadPoolExecutor(8) and ProcessPoolExecutor(8), and reports (8 cores):

    1 thread     3.18 s   12 % CPU
    8 threads    3.25 s   15 % CPU
    8 processes  0.89 s   98 % CPU

Do processes really get around the GIL from a script run inside gilhost (an embedded
interpreter: sys.executable must be a real python3.12 for spawn/forkserver), and what do they
cost: start-up, and pickling every argument and result through a pipe (IPC)?

Workload. Pool children are plain python3.12 processes without the `gilhost` module, so the
inference is pure Python: a 3072-feature image times a 3072 x 128 weight matrix (a dense layer,
~400 000 multiply-adds of bytecode, ~8 ms), 100 images, the image passed as a list per task as
the article passes its array. Pools are created inside the timed block, as in the article.

Hypothesis.
- 1 thread vs 8 threads: the same time (the GIL), CPU ~100 % (= one core; the article's 12 % is
  one core out of 8: its "CPU %" is a share of the machine, gilhost's 100 % is one core).
- 8 processes: ~min(8, cores)x faster minus start-up and IPC: on 2 cores ~1.8x, CPU ~200 %.
  8 processes on 2 cores are no better than 2.
- IPC: a task round trip costs ~0.1 ms through a process pool against ~0.02 ms through a thread
  pool, plus pickling time proportional to the payload (an 8 MB array costs ms per task).
  Processes pay off when each task computes for much longer than its IPC.
- Start methods: all three work from gilhost; fork is fastest to start, forkserver and spawn
  start a fresh interpreter that re-imports this script (as __mp_main__).

Run.   gilhost run experiments/process_infer.py [--scale 0.3]
Output. A table like the article's, an IPC table, start-up times, and `RESULT {json}`.
"""
import concurrent.futures as cf
import multiprocessing as mp
import os
import random
import sys
import time
from array import array

import _lab

FEATURES = 3072
OUTPUTS = 128
_rng = random.Random(5)
WEIGHTS = [[_rng.random() for _ in range(FEATURES)] for _ in range(OUTPUTS)]


def inference(image):
    """A dense layer in pure Python: the class with the highest score."""
    scores = []
    for w in WEIGHTS:
        acc = 0.0
        for x, y in zip(image, w):
            acc += x * y
        scores.append(acc)
    return max(range(len(scores)), key=scores.__getitem__)


def payload_size(x):
    """The IPC probe: the task does nothing but receive its argument and answer."""
    return 0 if x is None else len(x)


def benchmark(kind, workers, images):
    """The article's benchmark(): a pool created and shut down inside the timed block."""
    with _lab.Stopwatch() as sw:
        if kind == "threads":
            pool = cf.ThreadPoolExecutor(max_workers=workers)
        else:
            pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
        with pool:
            results = list(pool.map(inference, images))
    assert len(results) == len(images)
    return sw


def ipc_cost(pool, payload, tasks):
    """µs per task round trip (submit, pickle, run, pickle back) on a started pool."""
    list(pool.map(payload_size, [payload] * 4))  # warm: every worker up and importing done
    best = float("inf")
    for _ in range(2):  # the better of two: one hiccup of a loaded machine is not IPC
        t0 = time.perf_counter()
        list(pool.map(payload_size, [payload] * tasks))
        best = min(best, time.perf_counter() - t0)
    return best / tasks * 1e6


def start_cost(method):
    """ms to start a 2-process pool and get one trivial answer, then shut it down."""
    t0 = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context(method)) as pool:
        pool.submit(payload_size, None).result()
    return (time.perf_counter() - t0) * 1e3


def main():
    n_images = _lab.scaled(100, minimum=8)
    image = [_rng.random() for _ in range(FEATURES)]
    images = [image] * n_images
    cores = os.cpu_count() or 1
    print(f"inference over {n_images} images · {cores} cores · python {sys.version.split()[0]}"
          f" · sys.executable {sys.executable}")

    configs = [("1 thread", "threads", 1), ("8 threads", "threads", 8),
               ("8 processes", "processes", 8), (f"{cores} processes", "processes", cores)]
    article = {"1 thread": (3.18, 12), "8 threads": (3.25, 15), "8 processes": (0.89, 98)}
    rows, timings = [], {}
    for label, kind, workers in configs:
        sw = benchmark(kind, workers, images)
        timings[label] = sw
        claim = article.get(label)
        rows.append([label, f"{sw.wall:.2f} s", f"{sw.cpu_percent:.0f} %",
                     f"{sw.machine_percent:.0f} %",
                     f"{timings['1 thread'].wall / sw.wall:.2f}x",
                     f"{claim[0]:.2f} s / {claim[1]} %" if claim else "-"])
    print("\nThe article's table, re-measured (CPU: 100 % = one core; machine: share of all cores)")
    _lab.table(["architecture", "time", "CPU", "machine", "speed-up", "article (8 cores)"], rows)

    n_ipc = _lab.scaled(200, minimum=20)
    big = array("d", bytes(8 * 1_000_000))
    payloads = [("nothing", None, n_ipc),
                ("3072 floats, list", image, n_ipc),
                ("3072 floats, array('d')", array("d", image), n_ipc),
                ("1M floats, array('d') (8 MB)", big, max(4, n_ipc // 20))]
    ipc_rows, ipc = [], {}
    with cf.ThreadPoolExecutor(2) as tpool, \
            cf.ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as ppool:
        for label, payload, tasks in payloads:
            t_us = ipc_cost(tpool, payload, tasks)
            p_us = ipc_cost(ppool, payload, tasks)
            ipc[label] = {"threads_us": t_us, "processes_us": p_us}
            ipc_rows.append([label, f"{t_us:.0f} us", f"{p_us:.0f} us"])
    print("\nIPC: one task's round trip on a started 2-worker pool (pool.map, chunksize 1)")
    _lab.table(["argument", "thread pool", "process pool"], ipc_rows)

    starts = {m: start_cost(m) for m in ("fork", "forkserver", "spawn")}
    print("\nStart-up of a 2-process pool + one task, by start method (from inside gilhost):")
    _lab.table(["method", "time"], [[m, f"{ms:.0f} ms"] for m, ms in starts.items()])

    one = timings["1 thread"]
    _lab.result({
        "images": n_images,
        "seconds": {k: sw.wall for k, sw in timings.items()},
        "cpu_percent": {k: sw.cpu_percent for k, sw in timings.items()},
        "speedup_8_threads": one.wall / timings["8 threads"].wall,
        "speedup_8_processes": one.wall / timings["8 processes"].wall,
        "speedup_core_processes": one.wall / timings[f"{cores} processes"].wall,
        "ipc_us": ipc,
        "start_ms": starts,
    })


if __name__ == "__main__":
    main()
