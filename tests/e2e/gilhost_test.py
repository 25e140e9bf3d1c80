"""Shared helpers of gilhost's end-to-end tests: run the real binary with tiny budgets."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ.get("GILHOST_BIN", "")
LAUNCHER = os.environ.get("GILHOST_LAUNCHER", "")

# The CPython host under test ("3.12"; a "t" suffix would be a free-threaded build). ctest sets
# it per host; the driver python is that host's own python, so sys.version_info agrees.
PYTHON_MINOR = os.environ.get("GILHOST_PYTHON_MINOR", "%d.%d" % sys.version_info[:2])
PYTHON = tuple(int(x) for x in PYTHON_MINOR.rstrip("t").split("."))

# What differs per version, written out (docs/gil-internals.md, "Per version"):
# PEP 684 (a GIL per interpreter, :sub workers) came with 3.12; 3.11 refuses :sub in one line.
HAS_OWN_GIL = PYTHON >= (3, 12)
# The private sub-interpreter module: _xxsubinterpreters up to 3.12, _interpreters from 3.13.
SUBINTERPRETERS_MODULE = "_interpreters" if PYTHON >= (3, 13) else "_xxsubinterpreters"
# sys._is_gil_enabled() exists from 3.13.
HAS_IS_GIL_ENABLED = PYTHON >= (3, 13)
HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "scripts")


def script(name):
    return os.path.join(SCRIPTS, name)


# Worker configurations run a warm-up and 3 measured runs by default; a test that is not about
# repetition measures once (`repeat=True` keeps gilhost's defaults).
ONCE = ("--runs", "1", "--warmup", "0")


def once(args):
    """`args` with ONCE after the run/sweep subcommand, unless they set --runs or --warmup."""
    args = list(args)
    at = next((i for i, a in enumerate(args) if a in ("run", "sweep")), None)
    if at is None or any(a.split("=")[0] in ("--runs", "--warmup") for a in args):
        return args
    return args[:at + 1] + list(ONCE) + args[at + 1:]


def run(*args, timeout=120, input=None, cwd=None, env=None, repeat=False):
    """Runs gilhost with `args` (measured once unless `repeat`); returns the CompletedProcess."""
    if not BIN:
        raise unittest.SkipTest("GILHOST_BIN is not set (run through ctest)")
    argv = list(args) if repeat else once(args)
    return subprocess.run([BIN, *argv], capture_output=True, text=True, timeout=timeout,
                          input=input, cwd=cwd, env=env)


def run_json(*args, timeout=120, repeat=False):
    """Runs gilhost with --json into a temporary file; returns (CompletedProcess, dict)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.json")
        proc = run("run", "--json", path, *args, timeout=timeout, repeat=repeat)
        data = None
        if os.path.exists(path):
            with open(path) as f:
                data = json.load(f)
        return proc, data


class GilhostTestCase(unittest.TestCase):
    def assertOk(self, proc):
        self.assertEqual(proc.returncode, 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")

    def assertUsageError(self, proc, fragment):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"expected one line on stderr, got:\n{proc.stderr}")
        self.assertIn(fragment, lines[0])
        self.assertTrue(lines[0].startswith("gilhost: error: "), lines[0])


class TempDirTestCase(GilhostTestCase):
    """A test with its own temporary directory, `self.dir`; `self.path(name)` is a file in it."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)


def sanitized():
    """True for the ASan/UBSan build, which reserves terabytes of address space (no ulimit -v)."""
    return os.sep + "asan" + os.sep in BIN


def wait_for_lines(path, count, proc, timeout=120):
    """Waits until `path` has `count` lines (a marker the process writes when it reaches a
    phase). Fails if the process ends first. The bound is only a guard against a hang."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                if len(f.read().splitlines()) >= count:
                    return
        if proc.poll() is not None:
            raise AssertionError(f"gilhost ended (status {proc.returncode}) before marker {count}")
        time.sleep(0.01)
    raise AssertionError(f"no marker {count} in {path} after {timeout} s")


def popen(*args, env=None, repeat=False, **kwargs):
    """Starts gilhost with `args` (measured once unless `repeat`) and `env` added to the
    environment (text mode, pipes)."""
    if not BIN:
        raise unittest.SkipTest("GILHOST_BIN is not set (run through ctest)")
    full_env = dict(os.environ, **(env or {}))
    argv = list(args) if repeat else once(args)
    return subprocess.Popen([BIN, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=full_env, **kwargs)


def finish(proc, timeout=120):
    """communicate() with a guard: a process still running after `timeout` is killed."""
    try:
        return proc.communicate(timeout=timeout)
    finally:
        proc.kill()
