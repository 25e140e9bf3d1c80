"""The badly written extension: a C++ section that keeps the GIL, and what it does to everyone else.

Question. An extension function computes for 20 ms in C++ without releasing the GIL
(`gilhost.hold_gil(0.02)`), another does the same work releasing it (`gilhost.spin(0.02)`, i.e.
Py_BEGIN_ALLOW_THREADS around the loop). What happens to the other threads of the process: a
CPU-bound Python thread (`py`) and an I/O-style thread (`io`: 1 ms wait, then a few µs of Python)?

Hypothesis. The interpreter can only take the GIL away from a thread at an eval-breaker check,
between bytecodes. A C function that holds the GIL runs no bytecode, so a waiter's drop request
(after one 5 ms interval) is honoured only when the function returns: every other thread waits
up to the full 20 ms, `io` latency p99 jumps to ~20 ms or more, `py` runs only when `bad` is
between calls (its calls/s roughly halves). The same work done with the GIL released costs the
others nothing on a machine with a free core: `py` keeps its speed, `io` only pays the usual
convoy cost of sharing with `py` (see convoy.py), and process CPU goes above 100 %.

What to look at. Compare the three configurations: `py` calls/s, `io` latency p50/p99 and GIL
wait p99, `bad`'s held % (~the share of time it sits in hold_gil plus its Python) against
`good`'s (~0), forced switches (the drop requests that `bad` honours only after its 20 ms), and
process CPU % (>100 % only with `good`).
"""
import gilhost

GILHOST = {
    "workers": [
        {"py": 1, "io": 1},
        {"good": 1, "py": 1, "io": 1},
        {"bad": 1, "py": 1, "io": 1},
    ],
    "duration": "2s",
    "switch_interval": "5ms",
}

SECTION = 0.02  # seconds of C++ work per call


def bad():
    """20 ms of C++ with the GIL held (no Py_BEGIN_ALLOW_THREADS)."""
    gilhost.hold_gil(SECTION)


def good():
    """The same 20 ms of C++ with the GIL released."""
    gilhost.spin(SECTION)


def py():
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
