#!/usr/bin/env python3
"""Speed-ups of the experiment library: the figures the experiments exist to show, measured.

The end-to-end tests (tests/e2e/test_experiments.py) assert only exact facts about the GIL, which
hold on a busy machine; how much faster two threads, processes or own-GIL interpreters are
depends on how many cores are free, so it is measured here and printed, never pass/fail. Run it
on an idle machine and read the cores-free figure next to each result.

Usage: python3 scripts/bench_experiments.py [--gilhost build/release/gilhost] [--scale 0.3]
                                            [--duration 500ms] [NAME ...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (experiment, configuration measured, its baseline): calls/s of the first over the second.
RATIOS = [
    ("thread_trap", "cpu=4", "cpu=1"),
    ("threaded_infer", "article=8", "article=1"),
    ("threaded_infer", "hoisted=8", "hoisted=1"),
    ("native_release", "mm=2", "mm=1"),
    ("native_release", "mm_hold=2", "mm_hold=1"),
    ("intra_op_threads", "op2=1", "op1=1"),
    ("intra_op_threads", "op2_hold=1", "op1=1"),
    ("vector_norm", "norm=2", "norm=1"),
    ("vector_norm", "norm_hold=2", "norm_hold=1"),
    ("closing_question", "native_matmul=2", "native_matmul=1"),
    ("closing_question", "py_matmul=2", "py_matmul=1"),
    ("isolation_strategies", "cpu=2:sub", "cpu=1:sub"),
    ("isolation_strategies", "cpu=2", "cpu=1"),
]
# Self-timed experiments and the RESULT keys that hold speed-ups.
SELF_TIMED = ["process_infer", "dataloader", "subinterpreters", "asyncio_vs_threads"]


def free_cores(seconds=0.25):
    """CPU seconds two busy processes get per wall second right now (2.0 on an idle 2-core
    machine)."""
    burn = ("import time\nt0, end = time.process_time(), time.perf_counter() + {}\n"
            "while time.perf_counter() < end: pass\nprint(time.process_time() - t0)\n")
    procs = [subprocess.Popen([sys.executable, "-c", burn.format(seconds)],
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    return sum(float(p.communicate()[0]) for p in procs) / seconds


def rates(gilhost, name, duration):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "o.json")
        subprocess.run([gilhost, "run", "--quiet", "--json", out, "--duration", duration,
                        os.path.join(ROOT, "experiments", name + ".py")], check=True)
        with open(out) as f:
            data = json.load(f)
    return {c["workers"]: (c["summary"]["calls_per_second"]["mean"],
                           c["summary"]["cpu_percent"]["mean"]) for c in data["configs"]}


def speedups(figures, prefix=""):
    for key, value in figures.items():
        if isinstance(value, dict):
            yield from speedups(value, f"{prefix}{key} / ")
        elif "speedup" in key and isinstance(value, (int, float)):
            yield f"{prefix}{key}", value


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gilhost", default=os.path.join(ROOT, "build", "release", "gilhost"))
    p.add_argument("--duration", default="500ms")
    p.add_argument("--scale", default="0.3")
    p.add_argument("names", nargs="*")
    a = p.parse_args()
    wanted = set(a.names) or {r[0] for r in RATIOS} | set(SELF_TIMED)
    for name in sorted({r[0] for r in RATIOS} & wanted):
        cores = free_cores()
        t0 = time.monotonic()
        r = rates(a.gilhost, name, a.duration)
        for exp, many, one in RATIOS:
            if exp == name:
                print(f"{name:22} {many:>18} vs {one:<16} {r[many][0] / r[one][0]:6.2f}x  "
                      f"(CPU {r[many][1]:.0f} % vs {r[one][1]:.0f} %, {cores:.2f} cores free, "
                      f"{time.monotonic() - t0:.1f} s)")
    for name in sorted(set(SELF_TIMED) & wanted):
        cores = free_cores()
        proc = subprocess.run([a.gilhost, "run", os.path.join(ROOT, "experiments", name + ".py"),
                               "--scale", a.scale], capture_output=True, text=True, check=True)
        line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")][-1]
        for key, value in speedups(json.loads(line[len("RESULT "):])):
            print(f"{name:22} {key:<52} {value:6.2f}x  ({cores:.2f} cores free)")


if __name__ == "__main__":
    main()
