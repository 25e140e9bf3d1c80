"""Small helpers shared by the experiments that time things themselves (process pools, asyncio).

Pure standard library on purpose: multiprocessing's spawn and forkserver children re-import the
experiment (as __mp_main__) in a plain python3.12, which has no `gilhost` module.

Budget. Every self-timed experiment scales its work by `scale()`: `--scale X` on the script's
command line (`gilhost run experiments/process_infer.py --scale 0.3`) or the environment variable
GILHOST_EXPERIMENT_SCALE. 1.0 is the default budget (each script finishes in <= 10 s on 2 cores);
the tests use about 0.3.

Output. A compact table for people, then exactly one line `RESULT {json}` for programs.
"""
import json
import os
import sys
import time


def scale():
    """The budget multiplier: --scale X in sys.argv, else $GILHOST_EXPERIMENT_SCALE, else 1."""
    value = os.environ.get("GILHOST_EXPERIMENT_SCALE", "1")
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--scale" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--scale="):
            value = arg.split("=", 1)[1]
    try:
        s = float(value)
    except ValueError:
        sys.exit(f"--scale: {value!r} is not a number")
    if not 0 < s <= 100:
        sys.exit(f"--scale: {s} is out of range (0, 100]")
    return s


def scaled(n, minimum=1):
    """n scaled by the budget, at least `minimum`."""
    return max(minimum, int(round(n * scale())))


def cpu_seconds():
    """CPU seconds of this process plus its reaped children (os.times)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Stopwatch:
    """Wall and CPU time of a block, children included once they are joined (reaped).

    cpu_percent: 100 = one core busy, as in gilhost's tables. machine_percent: the share of all
    cores, as in the source article's "CPU utilisation" column (its 12 % on 8 cores = one core).
    """

    def __enter__(self):
        self.wall0 = time.perf_counter()
        self.cpu0 = cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall0
        self.cpu = cpu_seconds() - self.cpu0
        self.cpu_percent = 100.0 * self.cpu / self.wall if self.wall > 0 else 0.0
        self.machine_percent = self.cpu_percent / (os.cpu_count() or 1)
        return False


def table(headers, rows):
    """Prints rows (lists of values) under headers, columns aligned; floats with 3 digits."""
    def cell(v):
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
        return str(v)

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    def line(values):  # first column left-aligned (labels), the others right-aligned (figures)
        return "  " + "  ".join(v.ljust(w) if i == 0 else v.rjust(w)
                                for i, (v, w) in enumerate(zip(values, widths)))

    print(line(headers))
    for r in cells:
        print(line(r))


def result(figures):
    """The machine-readable last line: RESULT {json}."""
    figures = dict(figures)
    figures.setdefault("cpu_count", os.cpu_count())
    figures.setdefault("scale", scale())
    print("RESULT " + json.dumps(figures, sort_keys=True), flush=True)
