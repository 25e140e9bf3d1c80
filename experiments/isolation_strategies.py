"""Threads, own-GIL sub-interpreters or processes: which runs pure Python in parallel, and at what
start-up cost? (The article's decision tree with 3.12's fourth branch, measured side by side.)

Question. For CPU-bound pure Python the article's answer is processes. CPython 3.12 adds
sub-interpreters with their own GIL (PEP 684), which gilhost can give each worker thread
(`--workers cpu=2:sub`). How do the three strategies compare on the same function, and what does
each cost to start?

Hypothesis.
- Threads sharing the main GIL: cpu=2 ≈ 1.0x cpu=1, CPU ≈ 100 % (one core).
- Own-GIL sub-interpreters: cpu=2:sub ≈ 2x cpu=1:sub, CPU ≈ 200 %: each thread holds its own
  interpreter's GIL, nothing is shared. Start-up: creating an isolated interpreter and loading
  this script in it, a few ms per worker.
- A process pool (spawn): ≈ 2x too, but each worker is a new python3.12 process (tens of ms to
  start) and every task and result is pickled across a pipe.

What to look at. The process-pool table printed first (start-up = pool creation until every
worker has answered once; calls/s over the tasks). Then gilhost's tables: calls/s and CPU % of
cpu=1 / cpu=2 (threads) and cpu=1:sub / cpu=2:sub, one "GIL of cpu-i's sub-interpreter" block
per own GIL (each held ~100 % by its single thread, never contended), and in `--json`,
`runs[].setup_ns`: the phase's start-up (creating the sub-interpreters, loading the script there,
attaching the threads).

Per version. 3.12+ as above. 3.11 has no per-interpreter GIL (PEP 684): there the experiment
compares threads and the process pool only (its GILHOST workers drop the :sub sets).

Run.   gilhost run experiments/isolation_strategies.py [--scale 0.3]
Output. The pool table and `RESULT {json}` (pool figures), then gilhost's report.
"""
import concurrent.futures as cf
import multiprocessing as mp
import sys
import time

import _lab

try:
    import gilhost
except ImportError:  # a spawn child of the pool: a plain python, no gilhost module
    gilhost = None

GILHOST = {"workers": ["cpu=1", "cpu=2", "cpu=1:sub", "cpu=2:sub"], "duration": "1s"}
if sys.version_info < (3, 12):  # no own-GIL sub-interpreters before PEP 684
    GILHOST["workers"] = ["cpu=1", "cpu=2"]


def cpu():
    """One unit of pure-Python CPU work (~0.7 ms): the same in every strategy."""
    total = 0
    for i in range(20_000):
        total += i * i
    return total


def calls(n):
    """A pool task: n calls of cpu() in a worker process."""
    for _ in range(n):
        cpu()
    return n


def pool_figures(processes, tasks, per_task):
    """(start-up s, calls/s) of a spawn pool of `processes` doing `tasks` tasks of per_task calls."""
    t0 = time.perf_counter()
    with cf.ProcessPoolExecutor(processes, mp_context=mp.get_context("spawn")) as pool:
        list(pool.map(calls, [0] * processes))  # every worker exists and has answered once
        startup = time.perf_counter() - t0
        t1 = time.perf_counter()
        done = sum(pool.map(calls, [per_task] * tasks))
        wall = time.perf_counter() - t1
    return startup, done / wall


def pool_part():
    tasks, per_task = _lab.scaled(16, 4), 40
    rows, figures = [], {}
    for n in (1, 2):
        startup, rate = pool_figures(n, tasks, per_task)
        rows.append([f"{n} process{'es' if n > 1 else ''} (spawn)", startup * 1e3, rate])
        figures[f"pool{n}_startup_ms"] = startup * 1e3
        figures[f"pool{n}_calls_per_second"] = rate
    figures["pool_speedup"] = figures["pool2_calls_per_second"] / figures["pool1_calls_per_second"]
    print("Process pool, the same cpu() calls:")
    _lab.table(["strategy", "start-up ms", "calls/s"], rows)
    _lab.result(figures)
    print(flush=True)


# The pool runs once, in the main interpreter: the sub-interpreters load this script too, and a
# spawn child imports it as __mp_main__.
if __name__ == "__main__" and gilhost is not None and gilhost.interpreter() == "main":
    pool_part()
