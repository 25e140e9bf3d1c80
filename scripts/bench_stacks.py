#!/usr/bin/env python3
"""What Python stacks cost per GIL event: gilhost_bench_tracer in processes alternating
untraced, traced with --no-stacks and traced with stacks (A B C A B C ...), median per mode.

Each release + re-acquire is 3 GIL events (release, request, acquire); only the release reads
the stack, so the added ns per GIL event = (stacks - no_stacks) / 3, and per release 3x that.
BM_ReleaseReacquireDepth16 runs the loop inside 16 Python frames (docs/performance.md, "Stacks").

Usage: python3 scripts/bench_stacks.py [--build build/release] [--rounds 5]
"""
import argparse
import json
import os
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = {"untraced": ("0", "0"), "no_stacks": ("1", "0"), "stacks": ("1", "1")}


def bench_once(binary, trace, stacks):
    env = dict(os.environ, GILHOST_BENCH_TRACE=trace, GILHOST_BENCH_STACKS=stacks)
    out = subprocess.run([binary, "--benchmark_format=json", "--benchmark_min_time=0.3",
                          "--benchmark_filter=BM_ReleaseReacquire"],
                         capture_output=True, text=True, env=env, check=True).stdout
    return {b["name"]: b["real_time"] for b in json.loads(out)["benchmarks"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    binary = os.path.join(a.build, "bench", "gilhost_bench_tracer")
    times = {m: {} for m in MODES}
    for _ in range(a.rounds):
        for mode, (trace, stacks) in MODES.items():
            for name, ns in bench_once(binary, trace, stacks).items():
                times[mode].setdefault(name, []).append(ns)
    print(f"median of {a.rounds} alternating processes, ns per iteration (3 GIL events)")
    print(f"{'benchmark':45} {'untraced':>9} {'no_stacks':>9} {'stacks':>9} {'+/event':>8}")
    for name in sorted(times["stacks"]):
        med = {m: statistics.median(times[m][name]) for m in MODES}
        added = (med["stacks"] - med["no_stacks"]) / 3
        print(f"{name:45} {med['untraced']:9.1f} {med['no_stacks']:9.1f} {med['stacks']:9.1f} "
              f"{added:8.1f}")


if __name__ == "__main__":
    main()
