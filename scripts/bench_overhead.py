#!/usr/bin/env python3
"""Tracer overhead benchmark: traced vs --no-trace, alternating A B A B, median ratios.

(a) ns added per GIL event: the Google Benchmark target gilhost_bench_tracer runs a tight
    Py_BEGIN/END_ALLOW_THREADS loop (1 thread: uncontended; 2 threads: contended) with the
    tracer armed (GILHOST_BENCH_TRACE=1) and not; each release + re-acquire records 3 events
    (release, request, acquire), so added ns per event = (traced - untraced) / 3.
(b) the flagship experiment (pure-Python CPU workers) traced vs --no-trace: median ratio of
    total calls/s (goal <= 1.01 slowdown).

Usage: python3 scripts/bench_overhead.py [--build build/release] [--rounds 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bench_once(binary, traced):
    env = dict(os.environ, GILHOST_BENCH_TRACE="1" if traced else "0")
    out = subprocess.run([binary, "--benchmark_format=json", "--benchmark_min_time=0.3",
                          "--benchmark_filter=BM_ReleaseReacquire|BM_OtherMutex"],
                         capture_output=True, text=True, env=env, check=True).stdout
    return {b["name"]: b["real_time"] for b in json.loads(out)["benchmarks"]}


def part_a(build, rounds):
    binary = os.path.join(build, "bench", "gilhost_bench_tracer")
    off, on = {}, {}
    for _ in range(rounds):
        for traced, store in ((False, off), (True, on)):
            for name, ns in bench_once(binary, traced).items():
                store.setdefault(name, []).append(ns)
    print("(a) per-iteration real time, median of", rounds, "alternating processes")
    for name in sorted(off):
        a, b = statistics.median(off[name]), statistics.median(on[name])
        per_event = (b - a) / 3 if name.startswith("BM_ReleaseReacquire") else b - a
        unit = "per GIL event" if name.startswith("BM_ReleaseReacquire") else "per call"
        print(f"  {name:40s} untraced {a:8.1f} ns  traced {b:8.1f} ns  "
              f"added {per_event:6.1f} ns {unit}")


def calls_per_s(gilhost, traced):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "o.json")
        args = [gilhost, "run", "--quiet", "--json", out, "--workers", "cpu=2",
                "--duration", "2s"]
        if not traced:
            args.append("--no-trace")
        subprocess.run(args + [os.path.join(ROOT, "experiments", "thread_trap.py")],
                       check=True, capture_output=True)
        with open(out) as f:
            return json.load(f)["configs"][0]["runs"][0]["calls_per_second"]


def part_b(build, rounds):
    gilhost = os.path.join(build, "gilhost")
    ratios = []
    for _ in range(rounds):
        off, on = calls_per_s(gilhost, False), calls_per_s(gilhost, True)
        ratios.append(off / on)
    print(f"(b) flagship cpu=2, 2 s: untraced/traced calls/s median {statistics.median(ratios):.4f}"
          f" (min {min(ratios):.4f}, max {max(ratios):.4f}, n={rounds})")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    part_a(args.build, args.rounds)
    part_b(args.build, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
