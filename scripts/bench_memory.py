#!/usr/bin/env python3
"""Memory benchmark: peak RSS of two trivial workers for a short and a long run.

Two `def w(): pass` workers call as fast as they can (the highest event rate two workers give),
traced (figures only), with --events (raw events kept) and --no-trace, for each duration.
Each configuration is run `--rounds` times, interleaved (A B C A B C ...) so that the load of a
shared machine falls on all of them alike; medians are reported. Prints one line per
configuration: median peak RSS (ru_maxrss of the child), events lost, calls/s, and the ratio of
the longest run's RSS to the shortest's.

Modes: traced (figures only), no-trace, events (--events), record (--record: every input of
the analysis, worker calls included, written to a file as the run goes).

Usage: python3 scripts/bench_memory.py [--gilhost build/release/gilhost] [--durations 5,60]
         [--modes traced,no-trace,record] [--rounds 3] [--json out.json]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = "def w():\n    pass\n"
MODES = {
    "traced": [],
    "no-trace": ["--no-trace"],
    "events": ["--events", "{tmp}/events.txt"],
    "record": ["--record", "{tmp}/run.gilrec"],
}


def run_once(gilhost, mode, seconds, tmp):
    out = os.path.join(tmp, "run.json")
    extra = [a.format(tmp=tmp) for a in MODES[mode]]
    cmd = [gilhost, "run", "--quiet", "--workers", "w=2", "--duration", f"{seconds}s",
           "--timeout", f"{seconds + 120}s", "--json", out, *extra, os.path.join(tmp, "w.py")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, err = proc.communicate()
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: wait4 gives this child's own.
    rss_kb = proc_rss.get(proc.pid, before)
    if proc.returncode != 0:
        sys.exit(f"gilhost failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    with open(out) as f:
        data = json.load(f)
    run = data["configs"][0]["runs"][0]
    lost = run["gil"]["summary"]["lost_events"] if run.get("gil") else 0
    calls = sum(w["calls"] for w in run["workers"])
    wall = run["wall_ns"] / 1e9 if "wall_ns" in run else seconds
    res = {"rss_mb": rss_kb / 1024, "lost": lost, "calls_per_s": calls / wall, "file_mb": 0.0}
    rec = os.path.join(tmp, "run.gilrec")
    if os.path.exists(rec):
        res["file_mb"] = os.path.getsize(rec) / 1e6  # the file grows, memory does not
        os.unlink(rec)
    return res


proc_rss = {}


def wait4_hook():
    # Popen.wait uses waitpid; record each child's own peak RSS with os.wait4 instead.
    orig = subprocess.Popen._try_wait

    def _try_wait(self, wait_flags):
        pid, status, usage = os.wait4(self.pid, wait_flags)
        if pid == self.pid:
            proc_rss[pid] = usage.ru_maxrss
        return pid, status

    subprocess.Popen._try_wait = _try_wait
    return orig


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gilhost", default=os.path.join(ROOT, "build", "release", "gilhost"))
    ap.add_argument("--durations", default="5,60")
    ap.add_argument("--modes", default="traced,no-trace")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json")
    a = ap.parse_args()
    wait4_hook()
    durations = [float(d) for d in a.durations.split(",")]
    modes = a.modes.split(",")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "w.py"), "w") as f:
            f.write(SCRIPT)
        for r in range(a.rounds):
            for d in durations:
                for m in modes:
                    res = run_once(a.gilhost, m, d, tmp)
                    results.setdefault((m, d), []).append(res)
                    print(f"round {r + 1} {m:9} {d:5.0f} s: {res['rss_mb']:8.1f} MB "
                          f"lost {res['lost']} calls/s {res['calls_per_s']:.3g} "
                          f"file {res['file_mb']:.1f} MB", flush=True)
    summary = []
    for m in modes:
        for d in durations:
            rs = results[(m, d)]
            summary.append({"mode": m, "seconds": d,
                            "rss_mb": statistics.median(x["rss_mb"] for x in rs),
                            "lost_max": max(x["lost"] for x in rs),
                            "calls_per_s": statistics.median(x["calls_per_s"] for x in rs)})
    print("\nmode       seconds  median RSS MB  max lost  calls/s")
    for s in summary:
        print(f"{s['mode']:9} {s['seconds']:8.0f} {s['rss_mb']:14.1f} {s['lost_max']:9} "
              f"{s['calls_per_s']:8.3g}")
    for m in modes:
        lo = next(s for s in summary if s["mode"] == m and s["seconds"] == min(durations))
        hi = next(s for s in summary if s["mode"] == m and s["seconds"] == max(durations))
        print(f"{m}: RSS {max(durations):.0f} s / {min(durations):.0f} s = "
              f"{hi['rss_mb'] / lo['rss_mb']:.3f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
