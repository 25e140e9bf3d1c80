#!/usr/bin/env python3
"""Parity benchmark: gilhost run vs python3.12 on the same pure-Python threaded workload.

Alternates A B A B in one session (timings here are noisy: only ratios measured side by side
mean anything) and prints median ratios:
  1. the workload's own wall time under `gilhost run` (traced and --no-trace) vs python3.12,
     goal <= 1.03;
  2. start-up: `gilhost run -c pass` vs `python3.12 -c pass`, goal <= 1.2.

Usage: python3 scripts/bench_parity.py [--gilhost build/release/gilhost] [--rounds 10]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOAD = os.path.join(ROOT, "bench", "workloads", "threads_cpu.py")


def timed_output(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def wall(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t0


def compare(name, a_cmd, b_cmd, rounds, measure):
    ratios, a_all, b_all = [], [], []
    for _ in range(rounds):
        a, b = measure(a_cmd), measure(b_cmd)
        a_all.append(a)
        b_all.append(b)
        ratios.append(a / b)
    print(f"{name}: median {statistics.median(a_all) * 1e3:.1f} ms vs "
          f"{statistics.median(b_all) * 1e3:.1f} ms, median ratio {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}, n={rounds})")
    return statistics.median(ratios)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gilhost", default=os.path.join(ROOT, "build", "release", "gilhost"))
    p.add_argument("--python", default=None, help="python3.12 to compare with (default: the "
                   "sys.executable gilhost reports)")
    p.add_argument("--rounds", type=int, default=10)
    args = p.parse_args()
    py = args.python or subprocess.run(
        [args.gilhost, "run", "--quiet", "-c", "import sys; print(sys.executable)"],
        capture_output=True, text=True, check=True).stdout.strip()
    print(f"gilhost: {args.gilhost}\npython:  {py}")
    compare("workload, gilhost run (traced) / python3.12",
            [args.gilhost, "run", "--quiet", WORKLOAD], [py, WORKLOAD], args.rounds, timed_output)
    compare("workload, gilhost run --no-trace / python3.12",
            [args.gilhost, "run", "--quiet", "--no-trace", WORKLOAD], [py, WORKLOAD],
            args.rounds, timed_output)
    compare("start-up, gilhost run -c pass / python3.12 -c pass",
            [args.gilhost, "run", "--quiet", "-c", "pass"], [py, "-c", "pass"],
            args.rounds * 3, wall)


if __name__ == "__main__":
    sys.exit(main())
