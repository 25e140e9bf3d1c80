"""SIGINT, SIGTERM and SIGHUP in every phase: the reports of what was measured are written with
status "interrupted", no temporary file is left, and the exit status is 128 + signal. Every test
signals at a point the process has told it it reached (a marker line), never after a sleep."""
import json
import os
import signal
import tempfile
import unittest

from gilhost_test import GilhostTestCase, finish, popen, script, wait_for_lines

SIGNALS = script("signals.py")
STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


class SignalPhasesTest(GilhostTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.marker = os.path.join(self.dir, "marker")
        self.out = os.path.join(self.dir, "out.json")

    def tearDown(self):
        self.tmp.cleanup()

    def start(self, *args, **env):
        # The marker is the script's (MARKER) or gilhost's own (GILHOST_TEST_PAUSE), never both.
        if "GILHOST_TEST_PAUSE" not in env:
            env["MARKER"] = self.marker
        return popen("run", "--json", self.out, *args, env=env)

    def report(self):
        with open(self.out) as f:
            return json.load(f)

    def assertNoTempFiles(self):
        self.assertEqual([n for n in os.listdir(self.dir) if n.startswith(".")], [])

    def finish(self, proc):
        out, err = finish(proc)
        self.assertNotIn("test pause", err)  # the signal came in the phase the test meant
        return out, err

    def signal_at_marker(self, proc, sig, lines=1):
        wait_for_lines(self.marker, lines, proc)
        proc.send_signal(sig)

    def test_script_top_level(self):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            with self.subTest(sig=sig.name):
                if os.path.exists(self.marker):
                    os.unlink(self.marker)
                p = self.start(SIGNALS, TOP_LEVEL_WAITS="1")
                self.signal_at_marker(p, sig)
                _, err = finish(p)
                # An uncaught KeyboardInterrupt ends python3.12 by SIGINT itself (exit_sigint).
                want = -signal.SIGINT if sig == signal.SIGINT else STATUS[sig]
                self.assertEqual(p.returncode, want, err)
                self.assertEqual(self.report()["status"], "interrupted")
                self.assertIn("KeyboardInterrupt", err)
                self.assertNoTempFiles()

    def test_script_handler_runs_as_under_python(self):
        p = self.start(SIGNALS, TOP_LEVEL_WAITS="1", OWN_SIGTERM="1")
        self.signal_at_marker(p, signal.SIGTERM)
        out, err = finish(p)
        self.assertEqual(p.returncode, 3, err)  # the script's handler: sys.exit(3)
        self.assertIn("script handler ran", out)
        self.assertEqual(self.report()["status"], "failed")

    def test_worker_phase(self):
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            with self.subTest(sig=sig.name):
                if os.path.exists(self.marker):
                    os.unlink(self.marker)
                p = self.start("--workers", "cpu=2", "--duration", "120s", SIGNALS)
                self.signal_at_marker(p, sig)
                _, err = finish(p)
                self.assertEqual(p.returncode, STATUS[sig], err)
                data = self.report()
                self.assertEqual(data["status"], "interrupted")
                self.assertGreater(data["configs"][0]["runs"][0]["calls"], 0)
                self.assertNoTempFiles()

    def test_analysis_phase(self):
        p = self.start("--workers", "cpu=1", "--calls", "3", SIGNALS,
                       GILHOST_TEST_PAUSE=f"analysis:{self.marker}")
        self.signal_at_marker(p, signal.SIGINT)
        _, err = self.finish(p)
        self.assertEqual(p.returncode, 130, err)
        data = self.report()
        self.assertEqual(data["status"], "interrupted")
        self.assertEqual(data["configs"][0]["runs"][0]["calls"], 3)  # all that was measured

    def test_report_writing_phase(self):
        # The first report's temporary file is written when the signal comes: it is written
        # again with the final status, and nothing says "complete".
        trace = os.path.join(self.dir, "t.json")
        p = self.start("--trace", trace, "--workers", "cpu=1", "--calls", "3", SIGNALS,
                       GILHOST_TEST_PAUSE=f"write:{self.marker}")
        self.signal_at_marker(p, signal.SIGTERM)
        _, err = self.finish(p)
        self.assertEqual(p.returncode, 143, err)
        self.assertEqual(self.report()["status"], "interrupted")
        with open(trace) as f:
            self.assertIn('"interrupted"', f.read())
        self.assertNoTempFiles()

    def test_second_signal_exits_at_once_and_removes_temporary_files(self):
        p = self.start("--workers", "cpu=1", "--calls", "3", SIGNALS,
                       GILHOST_TEST_PAUSE=f"write:{self.marker}:2")
        self.signal_at_marker(p, signal.SIGTERM)  # the complete report is written, then redone
        self.signal_at_marker(p, signal.SIGTERM, lines=2)  # while redoing it: exit at once
        _, err = self.finish(p)
        self.assertEqual(p.returncode, 143, err)
        # The report written as "complete" is out of date: removed rather than left to mislead.
        self.assertEqual(os.listdir(self.dir), ["marker"])

    def test_start_up(self):
        # sitecustomize runs inside Py_Initialize: the signal arrives before the script runs.
        site = os.path.join(self.dir, "site")
        os.mkdir(site)
        go = os.path.join(self.dir, "go")
        ran = os.path.join(self.dir, "script-ran")
        with open(os.path.join(site, "sitecustomize.py"), "w") as f:
            f.write(f"import os, time\nopen({self.marker!r}, 'a').write('start-up\\n')\n"
                    f"while not os.path.exists({go!r}):\n    time.sleep(0.01)\n")
        p = self.start("-c", f"open({ran!r}, 'w')", PYTHONPATH=site)
        self.signal_at_marker(p, signal.SIGTERM)
        open(go, "w").close()
        _, err = finish(p)
        self.assertEqual(p.returncode, 143, err)
        self.assertFalse(os.path.exists(ran))
        self.assertEqual(self.report()["status"], "interrupted")


if __name__ == "__main__":
    unittest.main()
