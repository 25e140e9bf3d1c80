"""The experiment library (experiments/*.py): every script runs, and its qualitative result holds.

Budgets are short (--duration 300-500ms, --calls, or --scale 0.3 for the scripts that time
themselves). Every check is an exact fact about what the GIL did, read from the raw events
(--events): two GIL-releasing native sections overlapped in time, a section run with the GIL
held lies inside its thread's hold and overlaps no other thread's hold, a waiter asked for a
drop only after waiting a whole interval. None depends on how many cores are free or how fast
the machine is; the speed-ups the experiments print are measured by scripts/bench_experiments.py
and never asserted here.
"""
import ast
import glob
import json
import os
import unittest

import gil_events
from gil_events import intersect, total
from gilhost_test import HAS_IS_GIL_ENABLED, HAS_OWN_GIL, PYTHON, GilhostTestCase, run

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENTS = os.path.normpath(os.path.join(HERE, "..", "..", "experiments"))
SCALE = "0.3"  # --scale for self-timed scripts
ONE_CORE = 130.0  # process CPU % of a configuration that holds the GIL: one core at most

# Every experiment and the test that checks it; test_every_experiment_is_tested keeps it whole.
TESTED = {
    "thread_trap": "test_thread_trap",
    "gil_check": "test_gil_check",
    "threaded_infer": "test_threaded_infer",
    "process_infer": "test_process_infer",
    "native_release": "test_native_release",
    "asyncio_vs_threads": "test_asyncio_vs_threads",
    "dataloader": "test_dataloader",
    "intra_op_threads": "test_intra_op_threads",
    "vector_norm": "test_vector_norm",
    "closing_question": "test_closing_question",
    "subinterpreters": "test_subinterpreters",
    "convoy": "test_convoy",
    "hidden_hotspot": "test_hidden_hotspot",
    "starvation": "test_starvation",
    "gilstate_cost": "test_gilstate_cost",
    "bad_extension": "test_bad_extension",
    "switch_interval": "test_switch_interval",
    "isolation_strategies": "test_isolation_strategies",
}


def experiment(name):
    return os.path.join(EXPERIMENTS, name + ".py")


def experiment_names():
    return sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(EXPERIMENTS, "*.py"))
                  if not os.path.basename(p).startswith("_"))


def result_of(proc):
    """The figures of the script's last `RESULT {json}` line."""
    lines = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    if not lines:
        raise AssertionError(f"no RESULT line\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return json.loads(lines[-1][len("RESULT "):])


def config(data, workers):
    for c in data["configs"]:
        if c["workers"] == workers:
            return c
    raise AssertionError(f"no configuration {workers}: {[c['workers'] for c in data['configs']]}")


def cpu_percent(data, workers):
    """Process CPU % of a configuration (100 = one core): load can only lower it."""
    return config(data, workers)["summary"]["cpu_percent"]["mean"]


def run_gil(data, workers, run_index=0):
    return config(data, workers)["runs"][run_index]["gil"]


def sections(rec, role, held=False):
    """Per thread of `role`: its native sections in the window, GIL released (or held)."""
    begin, end = ("held_begin", "held_end") if held else ("native_begin", "native_end")
    return {t: rec.clip(rec.spans(begin, end, t)) for t in rec.threads_of(role)}


def overlap_of_threads(per_thread):
    """The time at least two of the threads were inside their spans at once."""
    threads = list(per_thread)
    out = []
    for i, a in enumerate(threads):
        for b in threads[i + 1:]:
            out += intersect(per_thread[a], per_thread[b])
    return gil_events.union(out)


class ExperimentsTest(GilhostTestCase):
    def run_experiment(self, name, *options, timeout=180):
        """gilhost run --json --events OPTIONS experiments/NAME.py: (report, recordings)."""
        proc, data, recs = gil_events.run_events(*options, experiment(name), timeout=timeout)
        self.assertOk(proc)
        return data, recs

    def run_result(self, name, *script_args, timeout=180):
        """A self-timed experiment: gilhost run experiments/NAME.py ARGS; its RESULT figures."""
        proc = run("run", experiment(name), *script_args, timeout=timeout)
        self.assertOk(proc)
        return result_of(proc)

    def assertCrossChecks(self, gil):
        s = gil["summary"]
        self.assertEqual(s["holder_changes"], s["switch_number_delta"])
        self.assertEqual(s["overlapping_holds"], 0)
        self.assertEqual(s["lost_events"], 0)

    def assertParallelWhileFree(self, rec, role):
        """Two threads of `role` were inside GIL-releasing sections at the same time, while
        nobody held the GIL: the kernel ran without it, so nothing kept them apart. A wall-clock
        fact: it holds on one busy core as on two idle ones."""
        per_thread = sections(rec, role)
        for t, spans in per_thread.items():  # released: never inside its own thread's hold
            self.assertEqual(total(intersect(spans, rec.holds(t))), 0, rec.workers[t])
        both = overlap_of_threads(per_thread)
        self.assertGreater(total(intersect(both, rec.free())), 0,
                           f"{role}: no two native sections overlapped while the GIL was free")

    def assertSerialUnderTheGil(self, rec, role):
        """Sections run with the GIL held: each lies in one hold of its own thread, and no two
        threads' sections ever overlap (the GIL admits one holder at a time)."""
        per_thread = sections(rec, role, held=True)
        self.assertTrue(any(per_thread.values()), f"{role}: no held sections")
        for t, spans in per_thread.items():
            holds = rec.clip(rec.holds(t))
            for s in spans:
                self.assertTrue(gil_events.inside(s, holds), f"{rec.workers[t]}: {s}")
        self.assertEqual(total(overlap_of_threads(per_thread)), 0, role)

    def assertKeptOut(self, rec, kernel_role, other_role):
        """No hold of `other_role`'s thread overlaps a GIL-held section of `kernel_role`'s.
        Returns those sections."""
        kernel = sections(rec, kernel_role, held=True)[rec.threads_of(kernel_role)[0]]
        other = rec.threads_of(other_role)[0]
        self.assertEqual(total(intersect(kernel, rec.holds(other))), 0, other_role)
        return kernel

    def assertRanMeanwhile(self, rec, kernel_role, other_role):
        """`other_role`'s thread held the GIL during `kernel_role`'s GIL-released sections."""
        kernel = sections(rec, kernel_role)[rec.threads_of(kernel_role)[0]]
        other = rec.threads_of(other_role)[0]
        self.assertGreater(total(intersect(kernel, rec.holds(other))), 0, other_role)

    def assertDropsAfterAWholeInterval(self, rec, gil=0):
        """CPython asks the holder to drop only after a timed wait of one interval
        (Python/ceval_gil.c, take_gil): every drop_request comes at least an interval after its
        thread's request. Returns the number of drop requests checked."""
        interval = rec.interval_us * 1000
        drops = 0
        for t in rec.workers:
            waits = [e[0] for e in rec.events if e[1] == t and e[2] == "request" and e[3] == gil]
            for ts, thread, kind, g, _ in rec.events:
                if thread != t or kind != "drop_request" or g != gil:
                    continue
                began = max((b for b in waits if b <= ts), default=None)
                if began is None:
                    continue  # its wait began before the recording
                self.assertGreaterEqual(ts - began, interval - 1000, rec.workers[t])
                drops += 1
        return drops

    # --- the library itself -------------------------------------------------------------------

    def test_every_experiment_is_tested(self):
        self.assertEqual(sorted(TESTED), experiment_names())
        for name, test in TESTED.items():
            self.assertTrue(hasattr(self, test), f"{name}: {test} is missing")

    def test_every_experiment_documents_itself_and_fits_the_default_budget(self):
        for name in experiment_names():
            with self.subTest(experiment=name):
                with open(experiment(name), encoding="utf-8") as f:
                    tree = ast.parse(f.read())
                doc = ast.get_docstring(tree) or ""
                for part in ("Question", "Hypothesis"):
                    self.assertIn(part, doc, f"{name}: docstring without '{part}'")
                self.assertTrue("What to look at" in doc or "Output" in doc, name)
                settings = None
                for node in tree.body:
                    if (isinstance(node, ast.Assign) and len(node.targets) == 1
                            and getattr(node.targets[0], "id", "") == "GILHOST"):
                        settings = ast.literal_eval(node.value)
                if settings is None:
                    self.assertIn("RESULT", doc, f"{name}: no GILHOST and no RESULT output")
                    continue
                workers = settings["workers"]
                configs = len(workers) if isinstance(workers, list) else 1
                if "duration" in settings:
                    value = str(settings["duration"])
                    seconds = float(value[:-2]) / 1000 if value.endswith("ms") else float(
                        value.rstrip("s"))
                    self.assertLessEqual(configs * seconds, 8.0, f"{name}: default budget")

    # --- the article's cases ------------------------------------------------------------------

    def test_thread_trap(self):
        data, recs = self.run_experiment("thread_trap", "--duration", "300ms")
        many = gil_events.recording(recs, data, "cpu=4")
        gil = run_gil(data, "cpu=4")
        self.assertCrossChecks(gil)
        self.assertLessEqual(cpu_percent(data, "cpu=4"), ONE_CORE)
        # Four pure-Python threads: one holds at a time, the others ask it to drop.
        self.assertEqual(len(many.threads_of("cpu")), 4)
        self.assertGreater(gil["summary"]["forced_switches"], 0)
        self.assertGreater(self.assertDropsAfterAWholeInterval(many), 0)

    def test_gil_check(self):
        figures = self.run_result("gil_check")
        self.assertEqual(figures["version"][:2], list(PYTHON))
        # sys._is_gil_enabled() exists from 3.13 on (True on a default build); before, the
        # article's snippet raises AttributeError.
        self.assertEqual(figures["has_is_gil_enabled"], HAS_IS_GIL_ENABLED)
        if HAS_IS_GIL_ENABLED:
            self.assertEqual(figures["article_snippet"], "ran")
        else:
            self.assertIn("AttributeError", figures["article_snippet"])
        self.assertTrue(figures["gil_enabled"])
        self.assertFalse(figures["py_gil_disabled"])

    def test_threaded_infer(self):
        data, recs = self.run_experiment("threaded_infer", "--duration", "300ms")
        for workers in ("article=8", "hoisted=8"):
            self.assertCrossChecks(run_gil(data, workers))
        self.assertGreater(run_gil(data, "article=8")["summary"]["forced_switches"], 0)
        # The product releases the GIL: with the weights hoisted, the threads' products overlap.
        self.assertParallelWhileFree(gil_events.recording(recs, data, "hoisted=8"), "hoisted")

    def test_process_infer(self):
        figures = self.run_result("process_infer", "--scale", SCALE)
        self.assertLessEqual(figures["cpu_percent"]["8 threads"], ONE_CORE)
        self.assertEqual(sorted(figures["start_ms"]), ["fork", "forkserver", "spawn"])
        for key in ("speedup_8_threads", "speedup_core_processes", "speedup_8_processes"):
            self.assertGreater(figures[key], 0, key)
        self.assertIn("3072 floats, list", figures["ipc_us"])

    def test_native_release(self):
        data, recs = self.run_experiment("native_release", "--duration", "300ms")
        for workers in ("mm=2", "mm_hold=2", "mm_hold=4"):
            self.assertCrossChecks(run_gil(data, workers))
        self.assertLessEqual(cpu_percent(data, "mm_hold=4"), ONE_CORE)
        self.assertParallelWhileFree(gil_events.recording(recs, data, "mm=2"), "mm")
        for workers in ("mm_hold=2", "mm_hold=4"):
            self.assertSerialUnderTheGil(gil_events.recording(recs, data, workers), "mm_hold")
        self.assertGreater(run_gil(data, "mm_hold=2")["summary"]["forced_switches"], 0)

    def test_asyncio_vs_threads(self):
        clients = self.run_result("asyncio_vs_threads", "--scale", SCALE)["clients"]
        for label in ("threads 10", "asyncio 10", "threads 100", "asyncio 100"):
            self.assertGreater(clients[label]["speedup"], 0, label)

    def test_dataloader(self):
        loaders = self.run_result("dataloader", "--scale", SCALE)["loaders"]
        self.assertLessEqual(loaders["2 threads"]["cpu_percent"], ONE_CORE)
        for label in ("num_workers=0", "2 threads", "2 processes"):
            self.assertGreater(loaders[label]["speedup"], 0, label)

    def test_intra_op_threads(self):
        data, recs = self.run_experiment("intra_op_threads", "--duration", "300ms")
        held = gil_events.recording(recs, data, "op2_hold=1,py=1")
        released = gil_events.recording(recs, data, "op2=1,py=1")
        for workers in ("op2_hold=1,py=1", "op2=1,py=1"):
            self.assertCrossChecks(run_gil(data, workers))
        # A kernel that keeps the GIL keeps the Python thread next to it out for its whole
        # length; one that releases it lets that thread run Python meanwhile.
        self.assertSerialUnderTheGil(held, "op2_hold")
        self.assertKeptOut(held, "op2_hold", "py")
        self.assertRanMeanwhile(released, "op2", "py")

    def test_vector_norm(self):
        data, recs = self.run_experiment("vector_norm", "--duration", "300ms")
        for workers in ("norm=2", "norm_hold=2", "norm_list=2"):
            self.assertCrossChecks(run_gil(data, workers))
        self.assertLessEqual(cpu_percent(data, "norm_hold=2"), ONE_CORE)
        self.assertParallelWhileFree(gil_events.recording(recs, data, "norm=2"), "norm")
        self.assertSerialUnderTheGil(gil_events.recording(recs, data, "norm_hold=2"),
                                     "norm_hold")

    def test_closing_question(self):
        data, recs = self.run_experiment("closing_question", "--duration", "300ms")
        for workers in ("py_matmul=2", "native_matmul=2", "native_hold=2"):
            self.assertCrossChecks(run_gil(data, workers))
        self.assertLessEqual(cpu_percent(data, "py_matmul=2"), ONE_CORE)
        self.assertLessEqual(cpu_percent(data, "native_hold=2"), ONE_CORE)
        self.assertGreater(run_gil(data, "py_matmul=2")["summary"]["forced_switches"], 0)
        self.assertParallelWhileFree(gil_events.recording(recs, data, "native_matmul=2"),
                                     "native_matmul")
        self.assertSerialUnderTheGil(gil_events.recording(recs, data, "native_hold=2"),
                                     "native_hold")

    def test_subinterpreters(self):
        figures = self.run_result("subinterpreters", "--scale", SCALE)
        self.assertTrue(figures["available"])
        runs = figures["runs"]
        for label in ("2 threads, main interpreter", "2 threads, shared-GIL sub-interpreters"):
            self.assertLessEqual(runs[label]["cpu_percent"], ONE_CORE, label)
        self.assertIn("2 threads, own-GIL sub-interpreters", runs)
        self.assertEqual(figures["own_gil"], HAS_OWN_GIL)  # 3.11: they share the one GIL

    def test_isolation_strategies(self):
        os.environ["GILHOST_EXPERIMENT_SCALE"] = SCALE  # the pool part's budget
        try:
            proc, data, recs = gil_events.run_events("--duration", "300ms",
                                                     experiment("isolation_strategies"))
        finally:
            del os.environ["GILHOST_EXPERIMENT_SCALE"]
        self.assertOk(proc)
        pool = result_of(proc)
        self.assertGreater(pool["pool1_startup_ms"], 0)
        self.assertLessEqual(cpu_percent(data, "cpu=2"), ONE_CORE)
        self.assertCrossChecks(run_gil(data, "cpu=2"))
        if not HAS_OWN_GIL:  # 3.11: the script keeps threads and the pool only
            self.assertEqual([c["workers"] for c in data["configs"]], ["cpu=1", "cpu=2"])
            return
        # Own GILs: each worker's holds are on its own GIL, and the two overlap in time (each
        # holds its GIL while it runs Python; nothing makes one wait for the other).
        gils = config(data, "cpu=2:sub")["runs"][0]["gils"]
        rec = gil_events.recording(recs, data, "cpu=2:sub")
        holds = []
        for w in ("cpu-0", "cpu-1"):
            g = next(g for g in gils if g["interpreter"] == f"sub:{w}")
            s = g["metrics"]["summary"]
            self.assertEqual(s["holder_changes"], s["switch_number_delta"])
            holds.append(rec.clip(rec.holds(rec.thread(w), g["gil"])))
        self.assertGreater(total(intersect(*holds)), 0)

    # --- beyond the article -------------------------------------------------------------------

    def test_convoy(self):
        for interval in ("5ms", "0.5ms"):
            with self.subTest(interval=interval):
                data, recs = self.run_experiment("convoy", "--duration", "300ms",
                                                 "--switch-interval", interval)
                self.assertCrossChecks(run_gil(data, "io=1,cpu=2"))
                rec = gil_events.recording(recs, data, "io=1,cpu=2")
                self.assertEqual(rec.interval_us * 1000, 5_000_000 if interval == "5ms"
                                 else 500_000)
                # The convoy's mechanism: the I/O thread, back from its sleep, waits for a CPU
                # thread that gives the GIL up only when asked, after a whole interval.
                self.assertGreater(self.assertDropsAfterAWholeInterval(rec), 0)
                self.assertGreater(len(rec.waits(rec.thread("io-0"))), 0)

    def test_hidden_hotspot(self):
        # The stacks name the hot spot three calls deep: the handlers' holds are charged to
        # _checksum's loop, and so is the wait they cause the I/O thread (docs/metrics.md,
        # "Stacks"). Which code was running when the eval breaker stopped it is the program's,
        # not the machine's: the loop is where the handlers spend their time.
        data, _ = self.run_experiment("hidden_hotspot", "--duration", "300ms")
        gil = run_gil(data, "io=1,handler=2")
        self.assertCrossChecks(gil)
        table = data["stack_table"]
        path = experiment("hidden_hotspot")
        with open(path) as f:
            hot_line = next(n for n, l in enumerate(f, 1) if "HOT-LOOP" in l)
        # The eval breaker stops the loop at its backward jump, which a version may give the
        # `for` line or the body's: either names the loop.
        loop = {hot_line, hot_line + 1}

        def leaf(stack):
            py = [table["locations"][str(i)] for i in table["stacks"].get(str(stack), [])]
            py = [l for l in py if l["kind"] == "python"]
            if not py:
                return None
            f = py[-1]
            return ("_checksum", "loop") if f["function"] == "_checksum" and f["line"] in loop \
                else (f["function"], f["line"])

        def role(i):
            return gil["threads"][i]["role"]

        held = {}
        for e in gil["stacks"]["holds"]:
            if role(e["thread_index"]) == "handler":
                held[leaf(e["stack"])] = held.get(leaf(e["stack"]), 0) + e["ns"]
        top = max(held, key=held.get)
        self.assertEqual(top, ("_checksum", "loop"))
        self.assertGreater(held[top], 0.5 * sum(held.values()))
        # The I/O thread's wait, by the code that held the GIL meanwhile.
        blocked = {}
        for b in gil["stacks"]["blocked"]:
            if role(b["waiter_index"]) == "io" and b["holder_index"] >= 0:
                key = leaf(b["holder_stack"])
                blocked[key] = blocked.get(key, 0) + b["ns"]
        self.assertEqual(max(blocked, key=blocked.get), ("_checksum", "loop"))
        waited = sum(e["ns"] for e in gil["stacks"]["waits"] if role(e["thread_index"]) == "io")
        io = next(t for t in gil["threads"] if t["role"] == "io")
        self.assertLess(abs(waited - io["wait"]["total_ns"]), 0.01 * io["wait"]["total_ns"])

    def test_starvation(self):
        data, recs = self.run_experiment("starvation", "--duration", "300ms")
        for workers in ("hog_1us=1,waiter=1", "hog_20us=1,waiter=1", "hog_python=1,waiter=1"):
            self.assertCrossChecks(run_gil(data, workers))
            self.assertDropsAfterAWholeInterval(gil_events.recording(recs, data, workers))
        # A hog that never releases is asked to: the waiter's requests time out.
        self.assertGreater(run_gil(data, "hog_python=1,waiter=1")["summary"]["drop_requests"], 0)
        # A hog that releases every few microseconds does so on its own: its releases are its
        # native sections (spin releases the GIL), one per section.
        rec = gil_events.recording(recs, data, "hog_1us=1,waiter=1")
        hog = rec.threads_of("hog_1us")[0]
        self.assertGreater(len(rec.spans("native_begin", "native_end", hog)), 100)
        self.assertEqual(total(intersect(sections(rec, "hog_1us")[hog], rec.holds(hog))), 0)

    def test_gilstate_cost(self):
        data, _ = self.run_experiment("gilstate_cost", "--calls", "200")
        self.assertEqual(len(data["configs"]), 7)
        for c in data["configs"]:
            self.assertEqual(c["runs"][0]["gil"]["summary"]["lost_events"], 0)
            calls = sum(w["calls"] for w in c["runs"][0]["workers"])
            self.assertEqual(calls, 200, c["workers"])

    def test_bad_extension(self):
        data, recs = self.run_experiment("bad_extension", "--duration", "500ms")
        bad = gil_events.recording(recs, data, "bad=1,py=1,io=1")
        good = gil_events.recording(recs, data, "good=1,py=1,io=1")
        for workers in ("bad=1,py=1,io=1", "good=1,py=1,io=1"):
            self.assertCrossChecks(run_gil(data, workers))
        # hold_gil(20 ms): every section is one hold, and an io thread that asked for the GIL
        # during one got it only after the section ended.
        self.assertSerialUnderTheGil(bad, "bad")
        spans = self.assertKeptOut(bad, "bad", "py")
        self.assertKeptOut(bad, "bad", "io")
        for begin, end in bad.waits(bad.thread("io-0")):
            for s in spans:
                if s[0] <= begin < s[1]:
                    self.assertGreaterEqual(end, s[1])
        # spin(20 ms) releases it: the others ran Python during those sections.
        self.assertRanMeanwhile(good, "good", "py")

    def test_switch_interval(self):
        data, recs = self.run_experiment("switch_interval", "--duration", "300ms")
        self.assertGreater(config(data, "cpu=2,io=1")["roles"]["io"]["calls"]["mean"], 0)
        self.assertDropsAfterAWholeInterval(gil_events.recording(recs, data, "cpu=2,io=1"))
        figures = self.run_result("switch_interval", "--sweep", "0.5ms,5ms", "--each", "300ms")
        self.assertEqual(sorted(figures["intervals"]), ["0.5ms", "5ms"])
        for f in figures["intervals"].values():
            self.assertGreater(f["io_calls_per_second"], 0)


if __name__ == "__main__":
    unittest.main()
