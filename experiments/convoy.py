"""The convoy effect: an I/O thread behind CPU-bound threads.

Question. A thread that mostly waits for I/O needs the GIL only for a few microseconds after
each wait. How long does it really wait for it when CPU-bound Python threads are running, and
what does the switch interval change?

Hypothesis. Alone, one `io` call is the 1 ms wait plus a few µs of Python. With CPU-bound threads
holding the GIL, the I/O thread wakes up, asks for the GIL, and a holder that never blocks lets it
go only when a drop request forces it: a waiter's timed wait must first expire (one switch
interval, 5 ms by default), then the holder reaches its next eval-breaker check. Every I/O
completion therefore pays at least about one interval, and often several: the drop request is
not addressed to anyone, the released GIL goes to whichever waiter wins the race (the other CPU
thread is waiting too), and the I/O thread's own timeout only counts if no switch happened
during it (take_gil's `switch_number` check), so the switches among the CPU threads keep
restarting its clock. Expect io latency p50 of ~1 ms + 5-15 ms, p99 a few intervals more, and
io calls/s down ~10x. A shorter interval (0.5 ms) shortens the convoy, though less than 10x, at
the price of ~10x more forced switches. This is David Beazley's "convoy effect" (PyCon 2010,
"Understanding the Python GIL"; bpo-7946), still present in 3.12, and in 3.11 and 3.13 alike
(the same take_gil timeout and no waiter queue: `gilhost run --python 3.11,3.12,3.13
experiments/convoy.py` puts the three side by side).

Run.
    gilhost run experiments/convoy.py                          # 5 ms, the default
    gilhost run --switch-interval 0.5ms experiments/convoy.py  # the same at 0.5 ms
    gilhost run experiments/switch_interval.py --sweep         # several intervals at once

What to look at. The `io` row of both configurations: latency p50/p99 (idle vs under load),
calls/s, and GIL `wait p50/p99` (the time between asking for the GIL and getting it: almost all
of the added latency). The `cpu` rows: forced switches (about one per interval) and calls/s,
which barely change: the CPU threads lose almost nothing, the I/O thread loses a lot.
"""
import gilhost

GILHOST = {
    "workers": [{"io": 1}, {"io": 1, "cpu": 2}],
    "duration": "2s",
    "switch_interval": "5ms",
}


def io():
    """One I/O completion: a 1 ms wait with the GIL released, then a little Python (~5 µs)."""
    gilhost.sleep(0.001)
    total = 0
    for i in range(100):
        total += i
    return total


def cpu():
    """Pure-Python CPU work, ~0.7 ms a call (as in thread_trap.py)."""
    total = 0
    for i in range(20_000):
        total += i * i
    return total
