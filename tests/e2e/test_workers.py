"""Workers on native threads: exact call counts, defaults, failures, bad input."""
import tempfile
import unittest

from gilhost_test import GilhostTestCase, run, run_json, script


def workers_of(data, config=0, run_index=0):
    return data["configs"][config]["runs"][run_index]["workers"]


class WorkersTest(GilhostTestCase):
    def test_calls_exact_per_thread(self):
        proc, data = run_json("--workers", "count=3", "--calls", "25", script("workers_basic.py"))
        self.assertOk(proc)
        workers = workers_of(data)
        self.assertEqual(sorted(w["name"] for w in workers), ["count-0", "count-1", "count-2"])
        for w in workers:
            self.assertEqual(w["calls"], 25)
            self.assertEqual(w["role"], "count")
            self.assertGreater(w["tid"], 0)

    def test_gilhost_dict_defaults_and_cli_override(self):
        proc, data = run_json(script("workers_basic.py"))
        self.assertOk(proc)
        self.assertEqual([w["calls"] for w in workers_of(data)], [7, 7])
        proc, data = run_json("--calls", "3", script("workers_basic.py"))
        self.assertOk(proc)
        self.assertEqual([w["calls"] for w in workers_of(data)], [3, 3])

    def test_worker_identity_and_table(self):
        proc = run("run", "--workers", "count=2", "--calls", "5", script("workers_basic.py"))
        self.assertOk(proc)
        self.assertIn("count", proc.stdout)
        self.assertIn("calls/s", proc.stdout)

    def test_several_configurations_and_runs(self):
        proc, data = run_json("--workers", "count=1", "--workers", "count=2", "--calls", "4",
                              "--runs", "3", "--warmup", "1", script("workers_basic.py"))
        self.assertOk(proc)
        self.assertEqual(len(data["configs"]), 2)
        self.assertEqual([len(c["runs"]) for c in data["configs"]], [3, 3])
        self.assertEqual(len(workers_of(data, 1, 2)), 2)

    def test_duration(self):
        proc, data = run_json("--workers", "spin_a_bit=2", "--duration", "300ms",
                              script("workers_basic.py"))
        self.assertOk(proc)
        run0 = data["configs"][0]["runs"][0]
        self.assertGreaterEqual(run0["wall_ns"], 300e6)  # calls start until the end, not after
        for w in run0["workers"]:
            self.assertGreater(w["calls"], 0)

    def test_worker_exception_stops_the_run(self):
        proc, data = run_json("--workers", "fail=1,spin_a_bit=2", "--duration", "20s",
                              script("workers_basic.py"))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("worker fail-0 raised", proc.stderr)
        self.assertIn("ValueError: worker failure for the test", proc.stderr)
        self.assertEqual(data["status"], "failed")
        self.assertLess(data["configs"][0]["runs"][0]["wall_ns"], 20e9)  # before its planned end

    def test_bad_values_rejected(self):
        cases = [
            (["--workers", "count=0"], "out of range"),
            (["--workers", "count=x"], "not a positive whole number"),
            (["--workers", "1abc=2"], "not NAME=N"),
            (["--workers", "count=2,count=1"], "given twice"),
            (["--workers", "count=5000"], "out of range"),
            (["--duration", "5parsecs"], "not a duration"),
            (["--duration", "-1s"], "must not be negative"),
            (["--switch-interval", "0.1ns"], "below 1us"),
            (["--calls", "0"], "out of range"),
            (["--duration", "1s", "--calls", "3"], "exclude each other"),
            (["--runs", "-2"], "not a positive whole number"),
            (["--bogus"], "--bogus"),
            (["--workers", "missing=1"], "defines no function 'missing'"),
            (["--workers", "not_callable=1"], "not callable"),
            (["--json", "/nonexistent-dir/x.json"], "/nonexistent-dir/x.json"),
        ]
        for args, fragment in cases:
            with self.subTest(args=args):
                proc = run("run", *args, script("workers_basic.py"))
                self.assertUsageError(proc, fragment)

    def test_missing_script_and_directory(self):
        self.assertUsageError(run("run", "no_such_script.py"), "cannot open script")
        with tempfile.TemporaryDirectory() as empty:  # not /tmp: it may hold anyone's scripts
            self.assertUsageError(run("run", empty), "is a directory")
        self.assertUsageError(run("run"), "no script given")


if __name__ == "__main__":
    unittest.main()
