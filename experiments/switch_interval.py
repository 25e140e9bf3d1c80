"""Switch-interval tuning: what sys.setswitchinterval trades, measured.

Question. `sys.setswitchinterval(s)` (default 5 ms) is often described as "the time slice of a
thread". What does changing it do to a mix of CPU-bound threads and an I/O-style thread: CPU
throughput, I/O latency, number of forced switches?

What the interval really is (Python/ceval_gil.c, take_gil): the time a *waiting* thread sleeps
on `gil->cond` before it sets the drop request that forces the holder to release at its next
eval-breaker check. It is not a quantum the holder is granted: a thread that blocks, or calls
a function that releases the GIL, gives it up at once. With CPU-bound holders, each waiter gets
the GIL about one interval after it asks, if nothing restarts its clock (see convoy.py).

Hypothesis. Shorter interval: I/O latency falls roughly in proportion (~interval + the I/O
wait), forced switches rise as 1/interval, CPU throughput barely moves down to ~0.5 ms
(a switch costs tens of µs: the hand-off), then starts to pay. Longer interval: fewer switches,
worse latency for everyone who waits.

Run.
    gilhost run experiments/switch_interval.py                          # one run at 5 ms
    gilhost run --switch-interval 1ms experiments/switch_interval.py    # one other interval
    gilhost sweep --switch-interval 500us..20ms:5 --latency-role io --throughput-role cpu
        experiments/switch_interval.py                      # (one line) docs/sweep.md
    gilhost run experiments/switch_interval.py --sweep [0.5ms,1ms,2ms,5ms,20ms] [--each 1s]
The last form needs nothing but `gilhost run`: the script re-runs gilhost itself once per
interval (the binary is /proc/self/exe, so it must run under gilhost), reads each JSON report
and prints one table plus `RESULT {json}`. `gilhost sweep` does the same in one interpreter
and also recommends an interval.

What to look at. Per interval: `io` latency p50/p99 and GIL wait p99, `cpu` calls/s, forced
switches per second and the achieved switch interval p50 (> configured: the waiter's timeout,
then the holder's path to the next eval-breaker check, then the hand-off).
"""
import json
import os
import subprocess
import sys
import tempfile

import gilhost

GILHOST = {"workers": {"cpu": 2, "io": 1}, "duration": "2s", "switch_interval": "5ms"}

DEFAULT_SWEEP = "0.5ms,1ms,2ms,5ms,20ms"


def cpu():
    """Pure-Python CPU work, ~0.7 ms a call."""
    total = 0
    for i in range(20_000):
        total += i * i
    return total


def io():
    """A 1 ms wait with the GIL released, then a little Python."""
    gilhost.sleep(0.001)
    total = 0
    for i in range(100):
        total += i
    return total


def _option(name, default):
    argv = sys.argv[1:]
    if name in argv:
        i = argv.index(name)
        if i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            return argv[i + 1]
    return default


def _gilhost_binary():
    exe = os.readlink("/proc/self/exe")
    if "gilhost" not in os.path.basename(exe):
        sys.exit(f"--sweep must run under gilhost (this process is {exe})")
    return exe


def sweep():
    import _lab

    intervals = _option("--sweep", DEFAULT_SWEEP).split(",")
    each = _option("--each", "1s")
    exe = _gilhost_binary()
    rows, figures = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for interval in intervals:
            out = os.path.join(tmp, "run.json")
            cmd = [exe, "--log-quiet", "run", "--quiet", "--switch-interval", interval,
                   "--duration", each, "--json", out, os.path.abspath(__file__)]
            subprocess.run(cmd, check=True)
            with open(out) as f:
                report = json.load(f)
            config = report["configs"][0]
            run = config["runs"][0]
            roles = {r: config["roles"][r] for r in ("cpu", "io")}
            summary = run["gil"]["summary"]
            wall = run["wall_ns"] / 1e9
            fig = {
                "configured_ns": summary["configured_interval_ns"],
                "cpu_calls_per_second": roles["cpu"]["calls_per_second"]["mean"],
                "io_calls_per_second": roles["io"]["calls_per_second"]["mean"],
                "io_latency_p50_ns": roles["io"]["latency_p50_ns"]["mean"],
                "io_latency_p99_ns": roles["io"]["latency_p99_ns"]["mean"],
                "io_wait_p99_ns": roles["io"]["wait_p99_ns"]["mean"],
                "forced_per_second": summary["forced_switches"] / wall,
                "achieved_interval_p50_ns": summary["achieved_interval"]["p50_ns"],
                "utilisation": summary["utilisation_fraction"],
            }
            figures[interval] = fig
            rows.append([interval, f"{fig['cpu_calls_per_second']:.0f}",
                         f"{fig['io_calls_per_second']:.0f}",
                         f"{fig['io_latency_p50_ns'] / 1e6:.2f} ms",
                         f"{fig['io_latency_p99_ns'] / 1e6:.2f} ms",
                         f"{fig['io_wait_p99_ns'] / 1e6:.2f} ms",
                         f"{fig['forced_per_second']:.0f}",
                         f"{fig['achieved_interval_p50_ns'] / 1e6:.2f} ms"])
    print(f"workers cpu=2,io=1 · {each} per interval")
    _lab.table(["interval", "cpu calls/s", "io calls/s", "io lat p50", "io lat p99",
                "io wait p99", "forced/s", "achieved p50"], rows)
    _lab.result({"each": each, "intervals": figures})


if __name__ == "__main__" and "--sweep" in sys.argv[1:]:
    sweep()
    raise SystemExit(0)  # the sweep was the run: no worker phase in this process
