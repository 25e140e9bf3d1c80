"""Starvation by short GIL-free sections: releasing the GIL for 1 µs is worse than never.

Question. A thread runs ~20-50 µs of Python, then calls a native function that releases the GIL
for a very short time (1 µs), and loops: a polling loop around a non-blocking read, a tiny
native op. It releases the GIL tens of thousands of times a second. An I/O-style thread (`waiter`:
1 ms wait without the GIL, then a few µs of Python) needs the GIL once per millisecond. Surely it
gets it quickly?

Hypothesis. No. In 3.12's take_gil, a waiter sleeps on `gil->cond` with a timeout of one switch
interval and asks the holder to drop the GIL (SET_GIL_DROP_REQUEST) only if that timeout expires
with the GIL still held and no switch in between. Every release signals `gil->cond` and wakes the
waiter, which, finding the GIL taken again, restarts its timed wait from zero. With a 1 µs
GIL-free section the releasing thread takes the GIL back before the woken waiter (another core,
~15-20 µs of wake-up latency on a VM) looks: the waiter never times out, never requests a drop,
and gets the GIL only when it happens to win a race. So: 0 drop requests, 0 forced switches,
waiter waits of tens of ms. With 20 µs sections the woken waiter arrives while the GIL is free and
waits ~20-40 µs. A thread that never releases the GIL (`hog_python`) is, paradoxically, fairer:
the waiter times out after exactly one interval and forces a switch (waits ~5.1 ms, one drop
request per waiter call).

What to look at. The `waiter` row of each configuration: calls/s (~900/s when it is served
promptly), latency p50/p99 and GIL wait p50/p99 (the JSON has p90 and max too:
`runs[].gil.roles.waiter.wait`), and its CPU % (with `hog_1us` it burns CPU being woken for
nothing); the summary's drop requests and forced switches (0 with both hogs that release, ~one
per waiter call with `hog_python`).
"""
import gilhost

GILHOST = {
    "workers": [
        {"hog_1us": 1, "waiter": 1},
        {"hog_20us": 1, "waiter": 1},
        {"hog_python": 1, "waiter": 1},
    ],
    "duration": "2s",
    "switch_interval": "5ms",
}

ROUNDS = 20  # one hog call = 20 x (20-50 µs of Python + one GIL-free section): ~0.5-1 ms


def _python_slice():
    total = 0
    for i in range(1000):
        total += i
    return total


def hog_1us():
    """20-50 µs of Python, then 1 µs of native work with the GIL released; 20 times."""
    for _ in range(ROUNDS):
        _python_slice()
        gilhost.spin(1e-6)


def hog_20us():
    """The same with 20 µs GIL-free sections."""
    for _ in range(ROUNDS):
        _python_slice()
        gilhost.spin(20e-6)


def hog_python():
    """The same Python work, never releasing the GIL (only forced switches take it away)."""
    for _ in range(ROUNDS):
        _python_slice()


def waiter():
    """An I/O-style thread: waits 1 ms with the GIL released, then needs it for a few µs."""
    gilhost.sleep(0.001)
    total = 0
    for i in range(100):
        total += i
    return total
