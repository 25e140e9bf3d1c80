"""Python stacks of GIL holds and waits (docs/metrics.md, "Stacks"): the time charged to a stack
against the time measured around the code, every kind of code a stack can name, the folded
file against the JSON, and the off switch."""
import json
import os
import re

from gilhost_test import HAS_OWN_GIL, TempDirTestCase, run, script

EXACT = script("stacks_exact.py")
KINDS = script("stacks_kinds.py")


def marked_lines(path):
    """{NAME: line} of the `# L:NAME` marks in a script."""
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"# L:(\w+)", line)
            if m:
                out[m.group(1)] = n
    return out


def line_of(path, marker):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if marker in line:
                return n
    raise AssertionError(marker)


class Stacks:
    """The stacks of one GIL object of a JSON report, as lists of location dicts."""

    def __init__(self, data, gil):
        self.table = data["stack_table"]
        self.gil = gil

    def frames(self, stack_id):
        if stack_id == 0:
            return None
        return [self.table["locations"][str(i)] for i in self.table["stacks"][str(stack_id)]]

    def entries(self, kind, thread_name=None):
        for e in self.gil["stacks"][kind]:
            t = self.gil["threads"][e["thread_index"]]
            if thread_name is None or t["name"] == thread_name:
                yield e, self.frames(e["stack"])


def python_frames(frames):
    return [f for f in frames or [] if f["kind"] == "python"]


class StacksTest(TempDirTestCase):
    def run_json(self, *args):
        out = self.path("out.json")
        proc = run("run", "--json", out, "--stacks", self.path("out.folded"), *args)
        self.assertOk(proc)
        with open(out) as f:
            return proc, json.load(f)

    def folded(self):
        with open(self.path("out.folded")) as f:
            return [line.rstrip("\n") for line in f]

    def assertFoldedMatchesJson(self, data):
        sums = {"holds": 0, "waits": 0}
        for line in self.folded():
            stack, ns = line.rsplit(" ", 1)
            self.assertTrue(stack.startswith(("holds GIL;", "waits for GIL;")), line)
            sums["holds" if line.startswith("holds") else "waits"] += int(ns)
        gils = [data["script_gil"]] + [g["metrics"] for g in data["script_gils"]]
        gils += [g["metrics"] for c in data["configs"] for r in c["runs"] for g in r["gils"]]
        self.assertEqual(sums["holds"], sum(g["stacks"]["hold_ns"] for g in gils if g))
        self.assertEqual(sums["waits"], sum(g["stacks"]["wait_ns"] for g in gils if g))

    def test_hold_and_wait_charged_to_exact_stacks(self):
        _, data = self.run_json(EXACT)
        gil = data["script_gil"]
        s = Stacks(data, gil)
        hold_line = line_of(EXACT, "HOLD-LINE")
        hogger = next(t for t in gil["threads"] if t["name"] == "hogger")
        # The kernel sections: exactly the 25 calls, at the hold_gil line, under a -> b -> hog.
        sections = [e for e, frames in s.entries("holds", "hogger")
                    if frames and frames[-1]["kind"] == "kernel"]
        self.assertEqual(sum(e["count"] for e in sections), 25)
        for e in sections:
            frames = s.frames(e["stack"])
            py = python_frames(frames)
            self.assertEqual([f["function"] for f in py[-3:]], ["a", "b", "hog"])
            self.assertEqual((py[-1]["file"], py[-1]["line"]), (EXACT, hold_line))
            self.assertEqual(frames[-1]["function"], "hold_gil")
        # Every hold of the hogger thread under a -> b -> hog (in the kernel or after it),
        # against the holds the tracer measured for that thread.
        charged = sum(e["ns"] for e, frames in s.entries("holds", "hogger")
                      if [f["function"] for f in python_frames(frames)][-3:] == ["a", "b", "hog"])
        held_ns = hogger["hold"]["total_ns"]
        self.assertGreater(held_ns, 0)
        self.assertLess(abs(charged - held_ns), 0.01 * held_ns, (charged, held_ns))
        # The victim's waits, charged to the victim's stack, against its measured waits.
        victim = next(t for t in gil["threads"] if t["name"] == "victim")
        waited = sum(e["ns"] for e, frames in s.entries("waits", "victim")
                     if python_frames(frames)
                     and python_frames(frames)[-1]["function"] == "victim")
        self.assertGreater(victim["wait"]["total_ns"], 0)
        self.assertLess(abs(waited - victim["wait"]["total_ns"]),
                        0.01 * victim["wait"]["total_ns"], (waited, victim["wait"]))
        victim_line = line_of(EXACT, "VICTIM-LINE")
        lines = {python_frames(f)[-1]["line"] for e, f in s.entries("waits", "victim")
                 if python_frames(f) and python_frames(f)[-1]["function"] == "victim"}
        self.assertEqual(lines, {victim_line})
        # Per thread, the holds charged to its stacks are its held time (clipping aside, exact).
        for i, t in enumerate(gil["threads"]):
            charged = sum(e["ns"] for e in gil["stacks"]["holds"] if e["thread_index"] == i)
            held = t["held_fraction"] * gil["summary"]["window_ns"]
            self.assertLess(abs(charged - held), 0.001 * gil["summary"]["window_ns"] + 1000,
                            t["name"])
        self.assertFoldedMatchesJson(data)
        # Text: the hot spot and the victim are named, with file:line.
        proc = run("run", EXACT)
        self.assertOk(proc)
        self.assertIn(f"hog ({EXACT}:{hold_line}) → hold_gil", proc.stderr)
        self.assertIn(f"victim ({EXACT}:{victim_line})", proc.stderr)

    def test_perfetto_slices_carry_their_stack(self):
        trace = self.path("t.json")
        self.assertOk(run("run", "--quiet", "--trace", trace, EXACT))
        with open(trace) as f:
            events = json.load(f)["traceEvents"]
        hold_line = line_of(EXACT, "HOLD-LINE")
        victim_line = line_of(EXACT, "VICTIM-LINE")
        holds = [e["args"]["stack"] for e in events
                 if e.get("name") == "holds GIL" and "stack" in e.get("args", {})]
        waits = [e["args"]["stack"] for e in events
                 if e.get("name") == "waits for GIL" and "stack" in e.get("args", {})]
        # A hold's stack is the one at its release: after hold_gil returned, still in hog().
        self.assertTrue(any(";a (" in s and ";b (" in s and s.rsplit(";", 1)[-1].startswith("hog (")
                            for s in holds), holds[:5])
        self.assertFalse(any(s.endswith("[gilhost kernel]") for s in holds))
        self.assertTrue(any(s.endswith(f";victim ({EXACT}:{victim_line})") for s in waits))

    def test_every_kind_of_code_is_named(self):
        _, data = self.run_json(KINDS)
        s = Stacks(data, data["script_gil"])
        marks = marked_lines(KINDS)
        sites = set()  # (function, file, line, kernel) of the innermost Python frame of holds
        truncated = []
        native = set()
        for e, frames in s.entries("holds", "kinds"):
            py = python_frames(frames)
            if not py:
                continue
            kernel = frames[-1]["function"] if frames[-1]["kind"] == "kernel" else None
            sites.add((py[-1]["function"], py[-1]["file"], py[-1]["line"], kernel))
            if frames[0]["kind"] == "truncated":
                truncated.append(frames)
            if frames[-1]["kind"] == "native":
                native.add((py[-1]["function"], py[-1]["line"]))
        expected = {"method": "Worker.method", "lambda": "<lambda>", "gen": "gen",
                    "coro": "coro", "deep": "deep"}
        for mark, function in expected.items():
            with self.subTest(kind=mark):
                self.assertIn((function, KINDS, marks[mark], "hold_gil"), sites)
        # Code made by exec and freed right after: each named as itself, though the memory of
        # one code object is reused by the next.
        for i in range(40):
            with self.subTest(exec=i):
                self.assertIn((f"dyn_{i}", f"<dyn {i}>", 2, "hold_gil"), sites)
        # 81 frames deep: the 64 innermost are kept under a [truncated] frame.
        self.assertTrue(truncated)
        for frames in truncated:
            self.assertEqual(len(python_frames(frames)), 64)
        # A kernel that releases the GIL is the innermost frame of that release; C code that
        # lets go (time.sleep) gives [native] after its caller.
        self.assertIn(("sleeper", KINDS, marks["kernel_release"], "sleep"), sites)
        self.assertIn(("sleeper", marks["native"]), native)
        self.assertFoldedMatchesJson(data)

    def test_workers_and_sub_interpreter_workers(self):
        target = script("stacks_workers.py")
        marks = marked_lines(target)
        # :sub needs a GIL per interpreter (3.12+; 3.11 refuses it, test_subinterpreters).
        for workers in ("hold=1,io=1", "hold=1:sub,io=1:sub") if HAS_OWN_GIL else ("hold=1,io=1",):
            with self.subTest(workers=workers):
                _, data = self.run_json("--workers", workers, "--calls", "50", target)
                run_ = data["configs"][0]["runs"][0]
                for role, kernel in (("hold", "hold_gil"), ("io", "sleep")):
                    gil = run_["gil"]
                    if workers.endswith(":sub"):
                        gil = next(g["metrics"] for g in run_["gils"]
                                   if g["interpreter"] == f"sub:{role}-0")
                    s = Stacks(data, gil)
                    sites = {(python_frames(f)[-1]["function"], python_frames(f)[-1]["line"],
                              f[-1]["function"])
                             for _, f in s.entries("holds", f"{role}-0")
                             if python_frames(f) and f[-1]["kind"] == "kernel"}
                    self.assertEqual(sites, {(role, marks[role], kernel)})
                self.assertFoldedMatchesJson(data)

    def test_no_stacks(self):
        out = self.path("n.json")
        proc = run("run", "--no-stacks", "--json", out, "-c", "sum(range(1000))")
        self.assertOk(proc)
        with open(out) as f:
            data = json.load(f)
        self.assertIsNone(data["stack_table"])
        self.assertEqual(data["script_gil"]["stacks"]["holds"], [])
        self.assertNotIn("GIL time by Python code", proc.stderr)
        for flag in ("--no-stacks", "--no-trace"):
            proc = run("run", flag, "--stacks", self.path("x"), "-c", "pass")
            self.assertUsageError(proc, f"--stacks needs the Python stacks: drop {flag}")
            self.assertFalse(os.path.exists(self.path("x")))
