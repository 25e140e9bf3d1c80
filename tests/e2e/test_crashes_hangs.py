"""No input crashes the host, and every process gilhost starts or forks ends."""
import json
import os
import resource
import subprocess
import tempfile
import threading
import unittest

from gilhost_test import BIN, HAS_OWN_GIL, ONCE, GilhostTestCase, run, run_json, sanitized, script

SIGNALS = script("signals.py")
FAULTS = script("faults.py")


class CrashesTest(GilhostTestCase):
    def test_worker_rebinding_or_deleting_its_global(self):
        for workers in ("rebinds=1", "deletes=1", "rebinds=1:sub"):
            with self.subTest(workers=workers):
                proc, data = run_json("--workers", workers, "--calls", "20", "--runs", "2",
                                      SIGNALS)
                if workers.endswith(":sub") and not HAS_OWN_GIL:  # 3.11: no PEP 684
                    self.assertUsageError(proc, "PEP 684")
                    continue
                self.assertOk(proc)
                self.assertEqual([r["calls"] for r in data["configs"][0]["runs"]], [20, 20])

    def test_kernel_size_overflow_is_a_python_exception(self):
        code = ("import gilhost\n"
                "for args in (([], [], 2**32, 2**32, 2**32), ([], [], 2**62, 4, 4),\n"
                "             ([], [], 2, 2**62, 2**62)):\n"
                "    for release in (True, False):\n"
                "        try:\n"
                "            gilhost.matmul(*args, release_gil=release)\n"
                "        except ValueError as e:\n"
                "            print('ValueError', e)\n")
        proc = run("run", "--quiet", "-c", code)
        self.assertOk(proc)
        self.assertEqual(proc.stdout.count("ValueError matmul:"), 6, proc.stdout)

    def test_kernel_overflow_in_a_worker_is_a_worker_failure(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "w.py")
            with open(path, "w") as f:
                f.write("import gilhost\ndef big():\n    gilhost.matmul([], [], 2**32, 2**32)\n")
            proc = run("run", "--quiet", "--workers", "big=2", "--calls", "3", path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("worker big-", proc.stderr)
        self.assertIn("ValueError: matmul:", proc.stderr)

    @unittest.skipIf(sanitized(), "ASan reserves more address space than the limit allows")
    def test_thread_creation_failure_is_one_error_line(self):
        def limit():
            # Thread stacks of 256 MiB (glibc takes RLIMIT_STACK) in 1 GiB of address space: the
            # third or so cannot be mapped, while small allocations still succeed (CPython
            # aborts when it cannot allocate a thread state: PyGILState_Ensure has no error).
            resource.setrlimit(resource.RLIMIT_STACK, (256 << 20, 256 << 20))
            resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            proc = subprocess.run([BIN, "run", *ONCE, "--quiet", "--json", out, "--workers", "cpu=1024",
                                   "--calls", "1", SIGNALS], capture_output=True, text=True,
                                  timeout=120, preexec_fn=limit)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            lines = proc.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, proc.stderr)
            self.assertRegex(lines[0], r"^gilhost: error: cannot start worker thread cpu-\d+ ")
            with open(out) as f:
                self.assertEqual(json.load(f)["status"], "failed")

    def test_failed_report_after_an_abandoned_worker_exits_124(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            proc = run("run", "--quiet", "--json", "/dev/full", "--trace", out, "--workers",
                       "stuck_in_c=1,cpu=1", "--duration", "50ms", "--timeout", "100ms", FAULTS)
            self.assertEqual(proc.returncode, 124, proc.stderr)
            self.assertIn("gilhost: error: cannot write /dev/full: No space left on device",
                          proc.stderr)
            with open(out) as f:
                self.assertIn('"timed_out"', f.read())


class HangsTest(GilhostTestCase):
    def test_fork_at_top_level(self):
        # The child outlives the parent; run() returns only once both closed their pipes.
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            code = ("import os, time\npid = os.fork()\n"
                    "if pid == 0:\n    time.sleep(0.2)\n    print('child done', flush=True)\n")
            proc = run("run", "--json", out, "-c", code, timeout=60)
            self.assertOk(proc)
            self.assertIn("child done", proc.stdout)
            self.assertEqual(proc.stderr.count("gilhost: -c ·"), 1, proc.stderr)  # one report
            self.assertEqual(os.listdir(tmp), ["o.json"])

    def test_fork_child_exit_status_and_workers(self):
        code = "import os\nif os.fork() == 0:\n    raise SystemExit(0)\nos.wait()\n"
        proc = run("run", "--quiet", "--workers", "cpu=1", "--calls", "2", "-c",
                   code + "def cpu():\n    pass\n", timeout=60)
        self.assertOk(proc)
        self.assertEqual(proc.stdout, "")  # the child measured nothing

    def test_multiprocessing_fork_child_dies_of_sigterm_as_under_python(self):
        code = ("import multiprocessing as mp, time\n"
                "def f():\n    time.sleep(600)\n"
                "if __name__ == '__main__':\n"
                "    p = mp.get_context('fork').Process(target=f)\n    p.start()\n"
                "    p.terminate()\n    p.join()\n    print('exitcode', p.exitcode)\n")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "mp.py")
            with open(path, "w") as f:
                f.write(code)
            proc = run("run", "--quiet", path, timeout=60)
        self.assertOk(proc)
        self.assertIn("exitcode -15", proc.stdout)

    def test_fifo_as_the_script(self):
        with tempfile.TemporaryDirectory() as tmp:
            fifo = os.path.join(tmp, "s.py")
            os.mkfifo(fifo)

            def writer():
                with open(fifo, "w") as f:
                    f.write("print('ran from a fifo')\n")

            t = threading.Thread(target=writer)
            t.start()
            try:
                proc = run("run", "--quiet", fifo, timeout=60)
            finally:
                if t.is_alive():  # unblock the writer if gilhost never opened the FIFO
                    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
                t.join()
            self.assertOk(proc)
            self.assertEqual(proc.stdout, "ran from a fifo\n")


if __name__ == "__main__":
    unittest.main()
