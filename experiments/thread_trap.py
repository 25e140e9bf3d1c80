"""The thread trap: do more threads make pure-Python CPU work faster?

Question. The source article's first case runs CPU-bound work on a thread pool and finds
8 threads no faster than 1 (its workload was mostly GIL-holding numpy random generation: see
threaded_infer.py). For pure Python, is that the GIL, and what exactly does the GIL do meanwhile?

Hypothesis. Only one thread runs bytecode at a time, so 4 workers share one core's worth of
work: total calls/s stays near the 1-worker figure (speed-up <= 1.3x on any machine), the GIL is
held ~100 % of the time, each of the 4 threads holds it ~25 %, and the holder changes about once
per switch interval (5 ms): every change a forced switch requested by a waiter that timed out.
Process CPU stays ~100 % (one core) however many threads run.

What to look at. calls/s of cpu=4 vs cpu=1 (the comparison line at the end), "held %" per role,
"forced" switches vs wall time / switch interval, CPU %, GIL wait p50 (~one interval: the waiter
whose timeout fires usually gets the GIL) and p99 (many intervals: with three waiters, a thread
can lose several hand-offs in a row), and per-call latency p99 (a call that straddles a switch
waits for the other threads' turns).
"""

GILHOST = {
    "workers": [{"cpu": 1}, {"cpu": 4}],
    "duration": "2s",
    "switch_interval": "5ms",
}


def cpu():
    """One unit of pure-Python CPU work (~1 ms on a 2020s core): a sum of squares."""
    total = 0
    for i in range(20_000):
        total += i * i
    return total
