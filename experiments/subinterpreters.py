"""What 3.12 adds to the article's decision tree: sub-interpreters with their own GIL (PEP 684).

Question. The article's decision tree for CPU-bound work says: a C extension if there is one,
otherwise processes (mind the IPC cost). CPython 3.12 implements PEP 684: each sub-interpreter
can have its own GIL, so two threads running in two such interpreters execute bytecode in
parallel inside one process. Does it work from a script in 3.12, and what is it worth?

How. 3.12 has no public Python API for it (PEP 554/734's `interpreters` module came later:
`concurrent.interpreters` in 3.14). The private `_xxsubinterpreters` module of 3.12 exposes
`create()` (an isolated interpreter with its own GIL, `_PyInterpreterConfig_INIT`),
`create(isolated=False)` (the legacy config: shared GIL, shared obmalloc), `run_string()` and
`destroy()`. It is a test/experimental module: no stability promise, and own-GIL interpreters
refuse single-phase-init extension modules (see docs/gil-internals.md).

Workload. The same pure-Python loop (~0.2-0.3 s) run:
- twice in a row on one thread (the serial reference),
- on 2 threads in the main interpreter (one GIL),
- on 2 threads, each in its own isolated sub-interpreter (own GIL each),
- on 2 threads, each in a legacy sub-interpreter sharing the main GIL.

Hypothesis. Threads in one interpreter: ~1.0x. Own-GIL sub-interpreters: ~2x on 2 cores (CPU
~200 %), with no pickling: nothing is shared, each interpreter has its own modules and objects
(data goes in and out as source text here; real programs need channels or shared buffers).
Shared-GIL sub-interpreters: ~1.0x, like threads, but in 3.12 without time slicing: a waiter
in one interpreter sets the drop request of *its own* interpreter (SET_GIL_DROP_REQUEST(interp)
in take_gil), which the holder, evaluating in the other interpreter, never checks. So the first
thread to get the GIL keeps it until its loop ends ("first loop done at" ~50 % of the run, as
in the serial case; ~100 % for threads of one interpreter, which are switched every 5 ms).
3.13 sets the request on the holder's own thread state (gh-112175) and slices them again.

Per version. 3.11 has no per-interpreter GIL (PEP 684 came with 3.12): `create()` makes an
interpreter that shares the process's one GIL, so the "own-GIL" row is really a shared one
(~1.0x, CPU ~100 %) and the result says `"own_gil": false`. 3.12 is as described above.
3.13 renamed the module `_interpreters`: configs are named ("isolated", "legacy") and
`run_string()` returns an exception description instead of raising (this script raises it);
its shared-GIL interpreters are time-sliced again (gh-112175), so their "first loop done at" is
~100 % like threads of one interpreter.

Run.   gilhost run experiments/subinterpreters.py [--scale 0.3]
       gilhost run --python 3.11,3.12,3.13 experiments/subinterpreters.py   (side by side)
Output. A table and `RESULT {json}`. gilhost traces the main interpreter's GIL only: the own
GILs of isolated sub-interpreters are not in its GIL figures.
"""
import sys
import threading
import time

import _lab

try:  # CPython 3.13+
    import _interpreters as interpreters
except ImportError:
    try:  # CPython 3.11, 3.12
        import _xxsubinterpreters as interpreters
    except ImportError:
        interpreters = None

OWN_GIL = sys.version_info >= (3, 12)  # PEP 684


def create(own_gil):
    """A sub-interpreter with its own GIL (own_gil, 3.12+) or sharing the main one."""
    if sys.version_info >= (3, 13):
        return interpreters.create("isolated" if own_gil else "legacy")
    return interpreters.create(isolated=own_gil)


def run_string(interp, code):
    """interpreters.run_string, raising what the code raised (3.13 returns it instead)."""
    failure = interpreters.run_string(interp, code)
    if failure is not None:
        raise RuntimeError(f"in a sub-interpreter: {failure.formatted}")

LOOP = "total = 0\nfor i in range({n}):\n    total += i * i\n"


def run_in_main(code):
    exec(code, {})


def on_threads(target, args_per_thread):
    """Runs target(a) on one thread per a; returns when each finished (perf_counter)."""
    finished = []

    def body(a):
        target(a)
        finished.append(time.perf_counter())

    threads = [threading.Thread(target=body, args=(a,)) for a in args_per_thread]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return finished


def main():
    if interpreters is None:
        _lab.result({"available": False})
        return
    code = LOOP.format(n=_lab.scaled(2_000_000, minimum=100_000))
    own = [create(own_gil=True) for _ in range(2)]
    shared = [create(own_gil=False) for _ in range(2)]
    try:
        for i in own + shared:  # warm: first run_string pays the interpreter's own imports
            run_string(i, "pass")
        def in_a_row():
            run_in_main(code)
            first = time.perf_counter()
            run_in_main(code)
            return [first, time.perf_counter()]

        plan = [
            ("1 thread, 2 loops in a row", in_a_row),
            ("2 threads, main interpreter", lambda: on_threads(run_in_main, [code, code])),
            ("2 threads, own-GIL sub-interpreters",
             lambda: on_threads(lambda i: run_string(i, code), own)),
            ("2 threads, shared-GIL sub-interpreters",
             lambda: on_threads(lambda i: run_string(i, code), shared)),
        ]
        rows, figures, base = [], {}, None
        for label, fn in plan:
            with _lab.Stopwatch() as sw:
                finished = fn()
            # When did the first of the two loops finish, as a share of the whole run? ~50 %
            # when they ran one after the other, ~100 % when they were interleaved or parallel.
            first_done = (min(finished) - sw.wall0) / sw.wall
            base = base or sw.wall
            figures[label] = {"seconds": sw.wall, "speedup": base / sw.wall,
                              "cpu_percent": sw.cpu_percent, "first_done_fraction": first_done}
            rows.append([label, f"{sw.wall:.2f} s", f"{base / sw.wall:.2f}x",
                         f"{sw.cpu_percent:.0f} %", f"{100 * first_done:.0f} %"])
    finally:
        for i in own + shared:
            interpreters.destroy(i)
    _lab.table(["how", "time", "speed-up", "CPU", "first loop done at"], rows)
    _lab.result({"available": True, "own_gil": OWN_GIL, "runs": figures})


if __name__ == "__main__":
    main()
