"""Own-GIL sub-interpreter workers (PEP 684): holds of different GILs overlap in time, one traced
GIL per interpreter, gilhost.worker() there, refused extension modules, and many
create/run/destroy cycles.

Nothing here depends on free cores: the parallel speed-up itself is measured by
scripts/bench_experiments.py (isolation_strategies).
"""
import json
import os
import sys
import tempfile
import unittest

import gil_events
from gilhost_test import GilhostTestCase, run, run_json, script

CPU = script("subinterp_cpu.py")


def calls_per_second(data):
    return data["configs"][0]["summary"]["calls_per_second"]["mean"]


class SubinterpreterTest(GilhostTestCase):
    def measure(self, workers):
        proc, data = run_json("--quiet", "--workers", workers, "--duration", "1s", CPU)
        self.assertOk(proc)
        return data

    def test_own_gils_are_held_at_once_and_a_shared_gil_is_not(self):
        # Own GILs: each worker holds its interpreter's GIL while it runs Python, and nothing
        # makes one wait for the other: their holds overlap in time (on one busy core too:
        # a descheduled thread keeps holding its GIL).
        proc, data, recs = gil_events.run_events("--quiet", "--workers", "cpu=2:sub",
                                                 "--duration", "300ms", CPU)
        self.assertOk(proc)
        rec = recs[0]
        gils = data["configs"][0]["runs"][0]["gils"]
        holds = [rec.clip(rec.holds(rec.thread(w), next(
            g["gil"] for g in gils if g["interpreter"] == f"sub:{w}"))) for w in ("cpu-0", "cpu-1")]
        both = gil_events.intersect(*holds)
        self.assertGreater(gil_events.total(both), 0)
        for w in ("cpu-0", "cpu-1"):  # and neither touched the main GIL meanwhile
            self.assertEqual(rec.holds(rec.thread(w), 0), [], w)
        # One shared GIL: the two workers' holds never overlap, to the nanosecond.
        proc, data, recs = gil_events.run_events("--quiet", "--workers", "cpu=2", "--duration",
                                                 "300ms", CPU)
        self.assertOk(proc)
        rec = recs[0]
        a, b = (rec.holds(rec.thread(w)) for w in ("cpu-0", "cpu-1"))
        self.assertGreater(len(a) + len(b), 2)
        self.assertEqual(gil_events.intersect(a, b), [])
        self.assertEqual(data["configs"][0]["runs"][0]["gil"]["summary"]["overlapping_holds"], 0)

    def test_each_sub_interpreter_gil_is_traced_and_checks_out(self):
        data = self.measure("cpu=2:sub")
        gils = data["configs"][0]["runs"][0]["gils"]
        self.assertEqual([g["interpreter"] for g in gils], ["main", "sub:cpu-0", "sub:cpu-1"])
        self.assertEqual(len({g["gil"] for g in gils}), 3)
        for g in gils[1:]:
            s = g["metrics"]["summary"]
            self.assertEqual(s["holder_changes"], s["switch_number_delta"], g["interpreter"])
            self.assertEqual(s["lost_events"], 0)
            self.assertEqual(s["overlapping_holds"], 0)
            self.assertGreater(s["utilisation_fraction"], 0.5, g["interpreter"])  # its worker held it
        self.assertIn("gil", data["configs"][0]["runs"][0])  # the main GIL's key is kept

    def test_trace_and_html_group_by_interpreter(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace, html = os.path.join(tmp, "t.json"), os.path.join(tmp, "r.html")
            proc = run("run", "--quiet", "--workers", "cpu=2:sub", "--duration", "200ms",
                       "--trace", trace, "--html", html, CPU)
            self.assertOk(proc)
            with open(trace) as f:
                events = json.load(f)["traceEvents"]
            processes = {e["pid"]: e["args"]["name"] for e in events
                         if e.get("ph") == "M" and e["name"] == "process_name"}
            names = sorted(processes.values())
            self.assertEqual(len(names), 3, names)
            self.assertTrue(any(n.endswith("· main GIL") for n in names), names)
            for w in ("cpu-0", "cpu-1"):
                pid = next(p for p, n in processes.items() if n.endswith(f"GIL of sub:{w}"))
                holds = [e for e in events if e.get("ph") == "X" and e["pid"] == pid
                         and e["name"] == "holds GIL"]
                self.assertGreater(len(holds), 0, f"no holds drawn for {w}'s own GIL")
            with open(html) as f:
                page = f.read()
            for w in ("cpu-0", "cpu-1"):
                self.assertIn(f"GIL of sub:{w}", page)

    def test_isolation_option_and_shared_override(self):
        proc, data = run_json("--quiet", "--isolation", "subinterpreters", "--workers",
                              "cpu=1,who=1:shared", "--calls", "2", CPU)
        self.assertOk(proc)
        names = [g["interpreter"] for g in data["configs"][0]["runs"][0]["gils"]]
        self.assertEqual(names, ["main", "sub:cpu-0"])
        self.assertEqual(data["configs"][0]["workers"], "cpu=1:sub,who=1:shared")

    def test_gilhost_worker_argv_and_path_in_a_sub_interpreter(self):
        proc = run("run", "--quiet", "--workers", "who=2:sub", "--calls", "1", CPU, "a", "b")
        self.assertOk(proc)
        for i in (0, 1):
            self.assertIn(f"worker=('who', {i}) argv=['a', 'b'] path0=scripts", proc.stdout)

    def test_a_refused_module_is_one_clear_error(self):
        env = dict(os.environ, SUBINTERP_IMPORT="_decimal")
        proc = run("run", "--quiet", "--workers", "cpu=1:sub", "--calls", "1", CPU, env=env)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        errors = [l for l in proc.stderr.splitlines() if l.startswith("gilhost: error:")]
        self.assertEqual(len(errors), 1, proc.stderr)
        self.assertIn("worker cpu-0", errors[0])
        self.assertIn("module _decimal does not support loading in subinterpreters", errors[0])
        self.assertNotIn("Traceback", proc.stderr)

    def test_a_failed_creation_keeps_the_main_gil_and_exits_1(self):
        # An invalid config makes Py_NewInterpreterFromConfig fail; 3.12.1 then returns with the
        # main GIL released, and finalizing would die with "drop_gil: GIL is not locked".
        env = dict(os.environ, GILHOST_TEST_FAIL_SUBINTERPRETER="1")
        proc = run("run", "--quiet", "--workers", "cpu=1,who=1:sub", "--calls", "1", CPU, env=env)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("gilhost: error: worker who-0: cannot create an own-GIL sub-interpreter",
                      proc.stderr)
        self.assertNotIn("Fatal", proc.stderr)

    def test_bad_isolation_is_a_usage_error(self):
        proc = run("run", "--isolation", "threads", "--workers", "cpu=1", CPU)
        self.assertUsageError(proc, "--isolation")
        proc = run("run", "--workers", "cpu=2:fast", CPU)
        self.assertUsageError(proc, "sub or shared")

    def test_a_hundred_create_run_destroy_cycles(self):
        proc, data = run_json("--quiet", "--workers", "cpu=1:sub", "--calls", "1", "--runs",
                              "100", CPU, timeout=300)
        self.assertOk(proc)
        runs = data["configs"][0]["runs"]
        self.assertEqual(len(runs), 100)
        self.assertTrue(all(r["calls"] == 1 for r in runs))
        self.assertTrue(all(g["metrics"]["summary"]["lost_events"] == 0
                            for r in runs for g in r["gils"]))

    def test_asyncio_in_a_sub_interpreter_skips_finalizing_on_3_12_1(self):
        env = dict(os.environ, SUBINTERP_IMPORT="asyncio")
        proc = run("run", "--quiet", "--workers", "cpu=1:sub", "--calls", "1", CPU, env=env)
        self.assertOk(proc)  # not "free(): invalid pointer" (gh-119213)
        self.assertNotIn("invalid pointer", proc.stderr)
        if sys.version_info < (3, 12, 4):  # the tests run on gilhost's own python3.12
            self.assertIn("gh-119213", proc.stderr)


if __name__ == "__main__":
    unittest.main()
