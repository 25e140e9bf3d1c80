"""Reads gilhost's --events file (docs/formats.md) and derives exact facts from the raw events:
who held the GIL when, which native sections overlapped, how long a waiter waited. The tests
assert these facts instead of speeds, which depend on how many cores are free."""
import os
import tempfile
from dataclasses import dataclass, field

from gilhost_test import run


@dataclass
class Recording:
    config: str
    run: str
    window: tuple = (0, 0)
    interval_us: int = 0
    workers: dict = field(default_factory=dict)  # thread index -> worker name ("-" if none)
    kernels: dict = field(default_factory=dict)  # kernel id -> name
    events: list = field(default_factory=list)  # (ts, thread, kind, gil, aux), sorted by ts

    def thread(self, worker):
        return next(t for t, w in self.workers.items() if w == worker)

    def threads_of(self, role):
        return [t for t, w in self.workers.items() if w.rsplit("-", 1)[0] == role]

    def spans(self, begin, end, thread, gil=None):
        """[(begin_ts, end_ts)] of `thread` from each `begin` event to the next `end` event."""
        out, start = [], None
        for ts, t, kind, g, _ in self.events:
            if t != thread or (gil is not None and g != gil):
                continue
            if kind == begin and start is None:
                start = ts
            elif kind == end and start is not None:
                out.append((start, ts))
                start = None
        return out

    def holds(self, thread, gil=0):
        return self.spans("acquire", "release", thread, gil)

    def waits(self, thread, gil=0):
        return self.spans("request", "acquire", thread, gil)

    def all_holds(self, gil=0):
        return union([h for t in self.workers for h in self.holds(t, gil)])

    def count(self, kind, thread=None, gil=0):
        return sum(1 for _, t, k, g, _ in self.events
                   if k == kind and g == gil and (thread is None or t == thread))

    def clip(self, spans):
        """`spans` cut to the measured window."""
        b, e = self.window
        return [(max(s, b), min(t, e)) for s, t in spans if min(t, e) > max(s, b)]

    def free(self, gil=0):
        """The window minus every hold of `gil`: the time nobody held it."""
        return subtract([self.window], self.all_holds(gil))

    def contended_ns(self, gil=0):
        """Time some thread waited for `gil` while another held it (time with a waiter)."""
        waiting = union([w for t in self.workers for w in self.waits(t, gil)])
        return total(self.clip(intersect(waiting, self.all_holds(gil))))


def union(spans):
    out = []
    for b, e in sorted(spans):
        if out and b <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((b, e))
    return out


def intersect(a, b):
    a, b, out, i, j = union(a), union(b), [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a, b):
    out = []
    for lo, hi in union(a):
        for b0, b1 in union(b):
            if b1 <= lo or b0 >= hi:
                continue
            if b0 > lo:
                out.append((lo, b0))
            lo = max(lo, b1)
        if lo < hi:
            out.append((lo, hi))
    return out


def total(spans):
    return sum(e - b for b, e in spans)


def inside(span, spans):
    """Whether `span` lies within one of `spans`."""
    return any(b <= span[0] and span[1] <= e for b, e in spans)


def parse(text):
    lines = text.splitlines()
    assert lines[0] == "# gilhost events v1", lines[0]
    recs, rec = [], None
    for line in lines[1:]:
        f = line.split(" ")
        if f[0] == "recording":
            rec = Recording(*(f[1:3] if len(f) > 2 else (f[1], "")))
            recs.append(rec)
        elif f[0] == "window":
            rec.window = (int(f[1]), int(f[2]))
        elif f[0] == "interval_us":
            rec.interval_us = int(f[1])
        elif f[0] == "thread":
            rec.workers[int(f[1])] = f[3]
        elif f[0] == "kernel":
            rec.kernels[int(f[1])] = f[2]
        elif f[0][0].isdigit():
            rec.events.append((int(f[0]), int(f[1]), f[2], int(f[3]), int(f[4])))
    return recs


def run_events(*args, timeout=180):
    """gilhost run --json --events ARGS: (proc, report dict, [Recording])."""
    import json
    with tempfile.TemporaryDirectory() as tmp:
        js, ev = os.path.join(tmp, "o.json"), os.path.join(tmp, "o.events")
        proc = run("run", "--json", js, "--events", ev, *args, timeout=timeout)
        data = recs = None
        if os.path.exists(js):
            with open(js) as f:
                data = json.load(f)
        if os.path.exists(ev):
            with open(ev, encoding="utf-8") as f:
                recs = parse(f.read())
        return proc, data, recs


def recording(recs, data, workers, run_index=0):
    """The recording of configuration `workers` (as the JSON names it), run `run_index`."""
    index = [c["workers"] for c in data["configs"]].index(workers)
    return next(r for r in recs if r.config == str(index) and r.run == str(run_index))
