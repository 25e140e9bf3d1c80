"""A convoy caused by a hot spot hidden three calls deep: which code holds the GIL?

Question. An I/O thread's latency balloons while two request handlers run. The handlers look
cheap: `handle()` parses a request and formats a reply. Which code holds the GIL while the I/O
thread waits, and how long does it make it wait?

Hypothesis. `handle()` -> `parse_request()` -> `normalise()` -> `_checksum()`: the helper at the
bottom loops over every byte of the request in pure Python, ~1 ms per call, and is the only
code that runs long enough to hold the GIL until a drop request forces it out. The stack tables
should charge almost all of the handlers' hold time to `_checksum` (file:line of its loop) and
the I/O thread's wait to "io <- handler _checksum": the convoy (experiments/convoy.py) has a
name. Moving the checksum to C, or caching it, is the fix the report points at; the I/O
thread's GIL wait p99 drops from several switch intervals to microseconds without handlers.

Run.
    gilhost run experiments/hidden_hotspot.py
    gilhost run --stacks hot.folded experiments/hidden_hotspot.py
    grep '^holds' hot.folded | flamegraph.pl > holds.svg    # or open hot.folded in speedscope

What to look at. "GIL time by Python code": the "held the GIL" table's top row is
`handler _checksum (hidden_hotspot.py:LINE)` with nearly all of the handlers' share; "waited
for the GIL" lists `io` at `io (...)` with the I/O thread's wait; "blocked at code" pairs it
with `handler _checksum`. The role table's io wait p99 is the convoy's size.
"""
import gilhost

GILHOST = {
    "workers": [{"io": 1}, {"io": 1, "handler": 2}],
    "duration": "2s",
}

REQUEST = bytes(range(256)) * 8  # 2 KiB


def io():
    """One I/O completion: a 1 ms wait with the GIL released, then a little Python."""
    gilhost.sleep(0.001)
    return sum(range(50))


def handler():
    return handle(REQUEST)


def handle(request):
    fields = parse_request(request)
    return f"{len(fields)} fields"


def parse_request(request):
    head, _, body = request.partition(b"\x00")
    return {"head": head, "body": body, "id": normalise(request)}


def normalise(request):
    return _checksum(request) & 0xFFFF


def _checksum(data):
    total = 0
    for _ in range(4):
        for b in data:  # HOT-LOOP
            total = (total * 31 + b) & 0xFFFFFFFF
    return total
