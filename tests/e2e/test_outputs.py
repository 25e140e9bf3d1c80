"""Output paths: gilhost writes what the user named and never replaces what is not a regular
file; every report is written on its own, and none says "complete" when the exit status does
not."""
import json
import os
import socket
import stat
import subprocess
import tempfile
import threading
import unittest

from gilhost_test import TempDirTestCase, BIN, ONCE, GilhostTestCase, run, script

SIGNALS = script("signals.py")
WORKERS = ("--workers", "cpu=1", "--calls", "3", SIGNALS)


class OutputPathsTest(TempDirTestCase):
    def test_devices_are_written_in_place(self):
        for device in ("/dev/null", "/dev/zero"):
            with self.subTest(device=device):
                before = os.stat(device)
                proc = run("run", "--quiet", "--json", device, "--html", "/dev/null", *WORKERS)
                self.assertOk(proc)
                after = os.stat(device)
                self.assertTrue(stat.S_ISCHR(after.st_mode))
                self.assertEqual((before.st_ino, before.st_rdev), (after.st_ino, after.st_rdev))
        self.assertEqual(os.listdir("/dev").count(".null.json"), 0)

    def test_symlink_is_followed_and_stays_a_link(self):
        real = self.path("real.json")
        with open(real, "w") as f:
            f.write("old")
        os.symlink("real.json", self.path("link.json"))
        os.symlink(self.path("missing.json"), self.path("dangling.json"))
        proc = run("run", "--quiet", "--json", self.path("link.json"), "--trace",
                   self.path("dangling.json"), *WORKERS)
        self.assertOk(proc)
        self.assertTrue(os.path.islink(self.path("link.json")))
        self.assertTrue(os.path.islink(self.path("dangling.json")))
        with open(real) as f:
            self.assertEqual(json.load(f)["status"], "complete")
        with open(self.path("missing.json")) as f:
            json.load(f)
        self.assertEqual(sorted(os.listdir(self.dir)),
                         ["dangling.json", "link.json", "missing.json", "real.json"])

    def test_fifo_is_written_in_place(self):
        fifo = self.path("out.fifo")
        os.mkfifo(fifo)
        got = []

        def read():
            with open(fifo) as f:
                got.append(f.read())

        reader = threading.Thread(target=read)
        reader.start()
        proc = run("run", "--quiet", "--json", fifo, *WORKERS)
        reader.join(timeout=120)
        self.assertOk(proc)
        self.assertEqual(json.loads(got[0])["status"], "complete")
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
        self.assertEqual(os.listdir(self.dir), ["out.fifo"])

    def test_dash_and_own_descriptors_mean_that_descriptor(self):
        for spelling in ("-", "/dev/stdout", "/proc/self/fd/1"):
            with self.subTest(spelling=spelling):
                proc = run("run", "--json", spelling, *WORKERS)
                self.assertOk(proc)
                self.assertEqual(json.loads(proc.stdout)["status"], "complete")
                self.assertIn("Workers cpu=1", proc.stderr)  # the table moved to stderr
        r, w = os.pipe()
        try:
            proc = subprocess.run([BIN, "run", *ONCE, "--quiet", "--json", f"/dev/fd/{w}", *WORKERS],
                                  capture_output=True, text=True, timeout=120, pass_fds=(w,))
            os.close(w)
            with os.fdopen(r) as f:
                self.assertEqual(json.load(f)["status"], "complete")
        finally:
            for fd in (r, w):
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.assertOk(proc)

    def test_one_report_at_most_on_stdout(self):
        self.assertUsageError(run("run", "--json", "-", "--trace", "/dev/stdout", *WORKERS),
                              "--json and --trace both go to standard output")

    def test_same_file_twice_or_an_empty_name_is_refused(self):
        a = self.path("a.json")
        os.symlink("a.json", self.path("b.json"))
        with open(a, "w") as f:
            f.write("keep")
        for second in (a, os.path.join(self.dir, ".", "a.json"), self.path("b.json")):
            with self.subTest(second=second):
                self.assertUsageError(run("run", "--json", a, "--trace", second, *WORKERS),
                                      "name the same file")
        os.mkdir(self.path("sub"))
        self.assertUsageError(run("run", "--json", self.path("n.json"), "--html",
                                  self.path("sub/../n.json"), *WORKERS), "name the same file")
        self.assertUsageError(run("run", "--json", "", *WORKERS), "--json: an empty file name")
        self.assertUsageError(run("sweep", "--switch-interval", "1ms", "--csv", "", *WORKERS[:4],
                                  SIGNALS), "--csv: an empty file name")
        with open(a) as f:
            self.assertEqual(f.read(), "keep")

    def test_name_near_the_file_system_limit(self):
        name = "r" * 250 + ".json"  # 255 bytes: the temporary name must not be longer
        proc = run("run", "--quiet", "--json", self.path(name), *WORKERS)
        self.assertOk(proc)
        self.assertEqual(os.listdir(self.dir), [name])

    def test_socket_is_never_renamed_over(self):
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.bind(self.path("s.sock"))
            proc = run("run", "--quiet", "--json", self.path("s.sock"), *WORKERS)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assertIn("cannot write", proc.stderr)
            self.assertTrue(stat.S_ISSOCK(os.stat(self.path("s.sock")).st_mode))
        finally:
            sock.close()


class IndependentReportsTest(GilhostTestCase):
    def test_a_failed_report_does_not_skip_the_others(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace, html = os.path.join(tmp, "t.json"), os.path.join(tmp, "r.html")
            proc = run("run", "--quiet", "--json", "/dev/full", "--trace", trace, "--html", html,
                       *WORKERS)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assertEqual(proc.stderr.strip().splitlines(),
                             ["gilhost: error: cannot write /dev/full: No space left on device"])
            with open(trace) as f:
                self.assertIn('"failed"', f.read())  # the exit status is 1: not "complete"
            self.assertTrue(os.path.getsize(html) > 0)
            self.assertEqual(sorted(os.listdir(tmp)), ["r.html", "t.json"])

    def test_full_stdout_is_an_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            with open("/dev/full", "w") as full:
                proc = subprocess.run([BIN, "run", *ONCE, "--json", out, *WORKERS], stdout=full,
                                      stderr=subprocess.PIPE, text=True, timeout=120)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assertIn("gilhost: error: cannot write the table to standard output: No space "
                          "left on device", proc.stderr)
            with open(out) as f:
                self.assertEqual(json.load(f)["status"], "failed")


if __name__ == "__main__":
    unittest.main()
