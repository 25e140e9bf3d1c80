"""Faults inside a run: every case ends with a clear status and whatever could be reported."""
import json
import os
import tempfile
import time
import unittest

from gilhost_test import GilhostTestCase, run, run_json, script

FAULTS = script("faults.py")


class FaultsTest(GilhostTestCase):
    def test_worker_sys_exit_sets_the_status(self):
        proc, data = run_json("--workers", "exits=1,cpu=1", "--duration", "5s", FAULTS)
        self.assertEqual(proc.returncode, 7, proc.stderr)
        self.assertEqual(data["status"], "failed")

    def test_stuck_python_worker_is_stopped_by_timeout(self):
        t0 = time.monotonic()
        proc, data = run_json("--workers", "stuck_in_python=1", "--duration", "100ms",
                              "--timeout", "300ms", FAULTS)
        self.assertEqual(proc.returncode, 124, proc.stderr)
        self.assertLess(time.monotonic() - t0, 20)
        self.assertEqual(data["status"], "timed_out")
        self.assertIn("--timeout", proc.stderr)

    def test_worker_stuck_in_c_is_abandoned_with_a_report(self):
        t0 = time.monotonic()
        proc, data = run_json("--workers", "stuck_in_c=1,cpu=1", "--duration", "100ms",
                              "--timeout", "300ms", FAULTS)
        self.assertEqual(proc.returncode, 124, proc.stderr)
        self.assertLess(time.monotonic() - t0, 20)
        self.assertIn("stuck_in_c-0 did not stop", proc.stderr)
        self.assertEqual(data["status"], "timed_out")
        held = {t["worker"]: t["held_fraction"] for t in data["configs"][0]["runs"][0]["gil"]["threads"]}
        self.assertGreater(held["stuck_in_c-0"], 0.5)

    def test_fork_in_a_worker(self):
        proc = run("run", "--quiet", "--workers", "forker=1", "--calls", "2", FAULTS)
        self.assertOk(proc)
        self.assertEqual(proc.stdout.count("child says hello"), 2)

    def test_recursion_and_memory_errors_are_worker_failures(self):
        for fn, text in (("recurses", "RecursionError"), ("allocates_too_much", "MemoryError")):
            with self.subTest(fn=fn):
                proc = run("run", "--quiet", "--workers", f"{fn}=1", "--calls", "2", FAULTS)
                self.assertEqual(proc.returncode, 1, proc.stderr)
                self.assertIn(f"worker {fn}-0 raised", proc.stderr)
                self.assertIn(text, proc.stderr)

    def test_full_buffer_reports_lost_events(self):
        proc, data = run_json("--workers", "tight=2", "--calls", "10", "--trace-buffer", "1024",
                              FAULTS)
        self.assertOk(proc)
        lost = data["configs"][0]["runs"][0]["gil"]["summary"]["lost_events"]
        self.assertGreater(lost, 0)
        proc = run("run", "--workers", "tight=1", "--calls", "10", "--trace-buffer", "1024", FAULTS)
        self.assertIn("events were lost", proc.stdout)

    # Signals in every phase, synchronised on markers: test_signals.py.


class BadInputTest(GilhostTestCase):
    def test_gilhost_dict_with_wrong_types(self):
        self.assertUsageError(run("run", script("bad_gilhost_dict.py"), "a"), "GILHOST['workers']")
        self.assertUsageError(run("run", script("bad_gilhost_dict.py"), "b"), "GILHOST['duration']")

    def test_syntax_error_is_python_like(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bad.py")
            with open(path, "w") as f:
                f.write("def broken(:\n")
            proc = run("run", path)
            self.assertEqual(proc.returncode, 1)
            self.assertIn("SyntaxError", proc.stderr)

    def test_unwritable_output_checked_before_the_run(self):
        t0 = time.monotonic()
        proc = run("run", "--json", "/proc/nope/out.json", "--workers", "cpu=1", "--duration",
                   "10s", FAULTS)
        self.assertUsageError(proc, "/proc/nope/out.json")
        self.assertLess(time.monotonic() - t0, 5)

    def test_reports_are_replaced_atomically(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            with open(out, "w") as f:
                f.write("old")
            proc = run("run", "--json", out, "--workers", "cpu=1", "--calls", "3", FAULTS)
            self.assertOk(proc)
            with open(out) as f:
                self.assertEqual(json.load(f)["status"], "complete")
            self.assertEqual(os.listdir(tmp), ["o.json"])


if __name__ == "__main__":
    unittest.main()
