"""gilhost run behaves like the python of its host (python3.12 for gilhost-3.12): argv, __main__, sys.path[0], stdio, exit status."""
import json
import os
import signal
import subprocess
import time
import unittest

from gilhost_test import BIN, PYTHON, PYTHON_MINOR, GilhostTestCase, run, script


class EntryTest(GilhostTestCase):
    def test_script_argv_main_and_path0(self):
        proc = run("run", "--quiet", script("argv_echo.py"), "a", "--b", "-c")
        self.assertOk(proc)
        info = json.loads(proc.stdout)
        self.assertEqual(info["argv"], [script("argv_echo.py"), "a", "--b", "-c"])
        self.assertEqual(info["name"], "__main__")
        self.assertEqual(info["path0"], os.path.dirname(info["file"]))
        self.assertEqual(info["version"], list(PYTHON))
        self.assertTrue(os.path.basename(info["executable"]).startswith("python3"))
        self.assertNotEqual(os.path.realpath(info["executable"]), os.path.realpath(BIN))

    def test_options_after_script_belong_to_it(self):
        proc = run("run", "--quiet", script("argv_echo.py"), "--workers", "x=1")
        self.assertOk(proc)
        self.assertEqual(json.loads(proc.stdout)["argv"][1:], ["--workers", "x=1"])

    def test_module(self):
        proc = run("run", "--quiet", "-m", "pkg", "x", "--y", cwd=os.path.dirname(script("pkg")))
        self.assertOk(proc)
        info = json.loads(proc.stdout)
        self.assertEqual(info["name"], "__main__")
        self.assertTrue(info["argv"][0].endswith(os.path.join("pkg", "__main__.py")))
        self.assertEqual(info["argv"][1:], ["x", "--y"])

    def test_code(self):
        proc = run("run", "--quiet", "-c", "import sys; print(sys.argv, __name__)", "p", "-q")
        self.assertOk(proc)
        self.assertEqual(proc.stdout.strip(), "['-c', 'p', '-q'] __main__")

    def test_exit_status(self):
        for arg, status in (("3", 3), ("0", 0), ("none", 0), ("raise", 1), ("bye", 1)):
            with self.subTest(arg=arg):
                proc = run("run", "--quiet", script("exit_with.py"), arg)
                self.assertEqual(proc.returncode, status, proc.stderr)
        proc = run("run", "--quiet", script("exit_with.py"), "raise")
        self.assertIn("Traceback (most recent call last)", proc.stderr)
        self.assertIn("RuntimeError: boom from the script", proc.stderr)
        proc = run("run", "--quiet", script("exit_with.py"), "bye")
        self.assertEqual(proc.stderr.strip(), "bye")

    def test_stdin_stdout_stderr(self):
        proc = run("run", "--quiet", script("echo_stdin.py"), input="hello\n")
        self.assertOk(proc)
        self.assertEqual(proc.stdout, "HELLO\n")
        self.assertIn("to stderr", proc.stderr)

    def test_subprocess_runs_the_hosts_python(self):
        proc = run("run", "--quiet", script("sub_exec.py"))
        self.assertOk(proc)
        self.assertEqual(proc.stdout.strip(), str(PYTHON))

    def test_multiprocessing_start_methods(self):
        for method in ("spawn", "fork", "forkserver"):
            with self.subTest(method=method):
                proc = run("run", "--quiet", script("mp_pool.py"), method, timeout=120)
                self.assertOk(proc)
                self.assertEqual(proc.stdout.strip(), str(sum(x * x for x in range(100))))

    def test_ctrl_c_dies_by_sigint_like_python(self):
        p = subprocess.Popen([BIN, "run", "--quiet", script("sleeper.py")], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(p.stdout.readline().strip(), "ready")
            time.sleep(0.2)
            p.send_signal(signal.SIGINT)
            _, err = p.communicate(timeout=30)
        finally:
            p.kill()
        # python3.12 dies by SIGINT after an uncaught KeyboardInterrupt (Modules/main.c,
        # exit_sigint), so that a shell running it stops too.
        self.assertEqual(p.returncode, -signal.SIGINT, err)
        self.assertIn("KeyboardInterrupt", err)

    def test_version_and_info(self):
        proc = run("--version")
        self.assertOk(proc)
        self.assertRegex(proc.stdout, r"^gilhost \d+\.\d+\.\d+")
        proc = run("info")
        self.assertOk(proc)
        for key in (f"CPython          {PYTHON_MINOR}", "fmt", "spdlog", "libpython", "stdlib",
                    "switch interval  5000 us", "cores", "result         PASS"):
            self.assertIn(key, proc.stdout)

    def test_help(self):
        proc = run("run", "--help")
        self.assertOk(proc)
        for opt in ("--workers", "--duration", "--calls", "--switch-interval", "--runs",
                    "--warmup", "--json", "--no-trace"):
            self.assertIn(opt, proc.stdout)


if __name__ == "__main__":
    unittest.main()
