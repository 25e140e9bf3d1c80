"""What differs between CPython versions, checked on the host under test: the capabilities
record every report carries, and the GIL protocol facts the tracer depends on."""
import json
import os
import subprocess
import tempfile
import unittest

from gilhost_test import (HAS_OWN_GIL, LAUNCHER, PYTHON, PYTHON_MINOR, SUBINTERPRETERS_MODULE,
                          GilhostTestCase, run, run_json, script)


class VersionTest(GilhostTestCase):
    def test_capabilities_record(self):
        proc, data = run_json("--quiet", "--workers", "count=1", "--calls", "1",
                              script("workers_basic.py"))
        self.assertOk(proc)
        caps = data["context"]["python_capabilities"]
        self.assertEqual(caps["host"], PYTHON_MINOR)
        self.assertEqual(caps["per_interpreter_gil"], HAS_OWN_GIL)
        self.assertFalse(caps["free_threaded"])
        self.assertTrue(caps["gil_enabled"])
        self.assertEqual(caps["subinterpreters_module"], SUBINTERPRETERS_MODULE)
        # Where the GIL and its drop request live (host/trace/gil_layout.c).
        if PYTHON < (3, 12):
            self.assertIn("_PyRuntime.ceval.gil", caps["gil_location"])
        else:
            self.assertIn("interp->ceval.gil", caps["gil_location"])
        if PYTHON < (3, 13):
            self.assertEqual(caps["drop_request_location"], "interp->ceval.gil_drop_request")
        else:
            self.assertIn("eval_breaker", caps["drop_request_location"])
            self.assertIn("gh-112175", caps["drop_request_location"])
        # Which figures exist (docs/gil-internals.md, "Figures per version").
        self.assertIsNone(caps["forced_unknown"])
        self.assertTrue(caps["forced_path"].endswith("-> drop_gil"), caps["forced_path"])
        self.assertEqual(caps["drop_request_at_release"], PYTHON < (3, 13))
        summary = data["configs"][0]["runs"][0]["gil"]["summary"]
        if PYTHON < (3, 13):
            self.assertIsInstance(summary["voluntary_with_request"], int)
        else:  # not read on 3.13: unknown, not 0
            self.assertIsNone(summary["voluntary_with_request"])
            self.assertIsNone(summary["request_pending_releases"])
        self.assertIsInstance(summary["forced_switches"], int)

    def test_pending_calls_are_not_gil_requests(self):
        # 3.13 locks gil->mutex in _PyEval_AddPendingCall without taking the GIL; read as a
        # request, each such lock left a request with no acquire (a malformed event).
        proc, data = run_json(script("pending_calls.py"), "200")
        self.assertOk(proc)
        self.assertEqual(proc.stdout.strip(), "200")  # every pending call ran
        s = data["script_gil"]["summary"]
        self.assertEqual(s["malformed_events"], 0)
        self.assertEqual(s["lost_events"], 0)
        self.assertEqual(s["holder_changes"], s["switch_number_delta"])
        # The caller's thread starts and ends inside the window: one wait per hold.
        caller = next(t for t in data["script_gil"]["threads"] if t["name"] == "caller")
        self.assertGreater(caller["hold"]["count"], 0)
        self.assertEqual(caller["wait"]["count"], caller["hold"]["count"])

    def test_a_recording_reports_this_versions_figures_on_the_default_host(self):
        # `gilhost report` replays on whatever host runs it (the launcher's default): the
        # figures, and which of them exist, are the recording CPython's, byte for byte.
        if not LAUNCHER:
            raise unittest.SkipTest("GILHOST_LAUNCHER is not set (run through ctest)")
        with tempfile.TemporaryDirectory() as tmp:
            rec, live, again = (os.path.join(tmp, n) for n in ("r.gilrec", "live.json", "again.json"))
            proc = run("run", "--quiet", "--record", rec, "--json", live, "--workers", "spin=2",
                       "--duration", "0.2s", script("forced_cases.py"))
            self.assertOk(proc)
            replay = subprocess.run([LAUNCHER, "report", "--quiet", rec, "--json", again],
                                    capture_output=True, text=True, timeout=120)
            self.assertOk(replay)
            with open(live, "rb") as f, open(again, "rb") as g:
                self.assertEqual(f.read(), g.read())
            with open(again) as f:
                data = json.load(f)
        caps = data["context"]["python_capabilities"]
        self.assertEqual(caps["host"], PYTHON_MINOR)
        self.assertEqual(caps["drop_request_at_release"], PYTHON < (3, 13))
        summary = data["configs"][0]["runs"][0]["gil"]["summary"]
        self.assertEqual(summary["voluntary_with_request"] is None, PYTHON >= (3, 13))

    def test_info_shows_this_versions_layout(self):
        proc = run("info")
        self.assertOk(proc)
        self.assertIn(f"CPython          {PYTHON_MINOR}.", proc.stdout)
        self.assertIn("result         PASS", proc.stdout)


if __name__ == "__main__":
    unittest.main()
