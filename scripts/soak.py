#!/usr/bin/env python3
"""Soak checks: memory over many runs in one process, and many processes back to back.

1. `gilhost run --runs 200` of a short experiment in one process: peak RSS after run 200 must
   stay within 10 % of its value after run 20 (the tracer drops consumed events per run).
2. 200 back-to-back `gilhost run` processes: none may leave a thread, process or temporary
   file behind.

Usage: python3 scripts/soak.py [--gilhost build/release/gilhost] [--runs 200] [--processes 200]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "experiments", "thread_trap.py")


def runs_in_one_process(gilhost, runs):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "soak.json")
        subprocess.run([gilhost, "run", "--quiet", "--json", out, "--workers", "cpu=2",
                        "--duration", "20ms", "--runs", str(runs), SCRIPT], check=True)
        with open(out) as f:
            rss = [r["peak_rss_bytes"] for r in json.load(f)["configs"][0]["runs"]]
    at20, last = rss[min(19, len(rss) - 1)], rss[-1]
    growth = last / at20 - 1
    print(f"peak RSS after run 20: {at20 / 2**20:.1f} MiB, after run {len(rss)}: "
          f"{last / 2**20:.1f} MiB ({growth:+.1%}, limit +10 %)")
    return growth <= 0.10


def in_sessions(sessions):
    """Processes still alive in any of `sessions`: what the runs below left behind, and nothing
    else (`pgrep -f gilhost` would also match this script, whose command line names gilhost,
    and every other user's gilhost)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[3]) in sessions:  # field 6 of stat(5), after pid, comm, state, ppid, pgrp
            found.append(int(pid))
    return found


def processes_back_to_back(gilhost, n):
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "*")))
    sessions = set()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "o.json")
        for _ in range(n):
            # Its own session: whatever it forks keeps the session id, even once reparented.
            proc = subprocess.Popen([gilhost, "run", "--quiet", "--json", out, "--workers",
                                     "cpu=2", "--calls", "3", SCRIPT], start_new_session=True)
            sessions.add(proc.pid)
            if proc.wait() != 0:
                raise SystemExit(f"gilhost exited {proc.returncode}")
        leftovers = [p for p in os.listdir(tmp) if p != "o.json"]
    after = set(glob.glob(os.path.join(tempfile.gettempdir(), "*")))
    strays = in_sessions(sessions)
    print(f"{n} processes: {len(leftovers)} files left beside the report, "
          f"{len(after - before)} new entries in {tempfile.gettempdir()}, "
          f"{len(strays)} gilhost processes still running")
    return not leftovers and not strays


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gilhost", default=os.path.join(ROOT, "build", "release", "gilhost"))
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--processes", type=int, default=200)
    args = p.parse_args()
    ok = runs_in_one_process(args.gilhost, args.runs)
    ok = processes_back_to_back(args.gilhost, args.processes) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
