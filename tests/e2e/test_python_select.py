"""--python: the launcher runs the host of the version asked, one line for a version without a
host, and runs an experiment on several hosts side by side. Runs once, on the launcher."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from gilhost_test import LAUNCHER, GilhostTestCase, script

HERE_BIN = os.path.dirname(LAUNCHER) if LAUNCHER else ""


def hosts():
    """The versions this build has a host for (gilhost-3.X next to the launcher)."""
    if not HERE_BIN:
        return []
    return sorted(n[len("gilhost-"):] for n in os.listdir(HERE_BIN) if n.startswith("gilhost-")
                  and os.access(os.path.join(HERE_BIN, n), os.X_OK))


def launch(*args, launcher=None, timeout=120):
    if not LAUNCHER:
        raise unittest.SkipTest("GILHOST_LAUNCHER is not set (run through ctest)")
    return subprocess.run([launcher or LAUNCHER, *args], capture_output=True, text=True,
                          timeout=timeout)


CODE = "import sys; print('%d.%d' % sys.version_info[:2])"


class PythonSelectTest(GilhostTestCase):
    def test_each_version_runs_on_its_own_host(self):
        self.assertTrue(hosts(), "no host built")
        for v in hosts():
            with self.subTest(version=v):
                proc = launch("run", "--python", v, "--quiet", "-c", CODE)
                self.assertOk(proc)
                self.assertEqual(proc.stdout.strip(), v)
                proc = launch("info", "--python", v)
                self.assertOk(proc)
                self.assertIn(f"CPython          {v}.", proc.stdout)
                self.assertIn("result         PASS", proc.stdout)

    def test_a_python_executable_selects_its_versions_host(self):
        for v in hosts():
            with self.subTest(version=v):
                exe = subprocess.run([os.path.join(HERE_BIN, f"gilhost-{v}"), "run", "--quiet",
                                      "-c", "import sys; print(sys.executable)"],
                                     capture_output=True, text=True, timeout=60).stdout.strip()
                proc = launch("run", "--python", exe, "--quiet", "-c", CODE)
                self.assertOk(proc)
                self.assertEqual(proc.stdout.strip(), v)

    def test_a_host_asked_for_another_version_hands_over(self):
        vs = hosts()
        if len(vs) < 2:
            self.skipTest("one host built")
        proc = launch("run", "--python", vs[-1], "--quiet", "-c", CODE,
                      launcher=os.path.join(HERE_BIN, f"gilhost-{vs[0]}"))
        self.assertOk(proc)
        self.assertEqual(proc.stdout.strip(), vs[-1])

    def test_a_version_without_host_lists_the_available_ones(self):
        for bad in ("3.9", "2.7", "3.10", "4.0", "/bin/sh", "/nonexistent/python", "3.12,3.12"):
            with self.subTest(python=bad):
                proc = launch("run", "--python", bad, "-c", "pass")
                if bad == "3.12,3.12":
                    self.assertUsageError(proc, "given twice")
                    continue
                self.assertUsageError(proc, "--python")
                if not bad.startswith("/"):
                    self.assertIn("available: " + ", ".join(hosts()), proc.stderr)
        proc = launch("sweep", "--python", ",".join(hosts()[:2]), "--switch-interval", "1ms",
                      script("workers_basic.py"))
        if len(hosts()) >= 2:
            self.assertUsageError(proc, "sweep: --python takes one version")

    def test_a_host_whose_libpython_is_gone_is_one_line_exit_2(self):
        # A copy of the launcher whose table names a libpython that no longer exists (the
        # path's bytes changed in place, same length), next to links to the real hosts.
        v = hosts()[0]
        with open(LAUNCHER, "rb") as f:
            blob = f.read()
        lib = f"libpython{v}.so".encode()
        self.assertIn(lib, blob)
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "gilhost")
            with open(copy, "wb") as f:
                f.write(blob.replace(lib, b"libpythonXXXX"[:len(lib) - 3] + b".so"))
            os.chmod(copy, 0o755)
            for h in hosts():
                os.symlink(os.path.join(HERE_BIN, f"gilhost-{h}"), os.path.join(tmp, f"gilhost-{h}"))
            proc = launch("run", "--python", v, "--quiet", "-c", "pass", launcher=copy)
            self.assertUsageError(proc, "which is gone")
            # A build directory without its hosts: one line too.
            for h in hosts():
                os.unlink(os.path.join(tmp, f"gilhost-{h}"))
            proc = launch("run", "--quiet", "-c", "pass", launcher=copy)
            self.assertUsageError(proc, "missing")

    def test_side_by_side(self):
        vs = hosts()
        if len(vs) < 2:
            self.skipTest("one host built")
        with tempfile.TemporaryDirectory() as tmp:
            j, h = os.path.join(tmp, "c.json"), os.path.join(tmp, "c.html")
            proc = launch("run", "--python", ",".join(vs), "--runs", "2", "--calls", "3",
                          "--workers", "count=1", "--workers", "count=2", "--json", j, "--html", h,
                          script("workers_basic.py"), timeout=300)
            self.assertOk(proc)
            with open(j) as f:
                doc = json.load(f)
            with open(h) as f:
                page = f.read()
        self.assertEqual(doc["kind"], "side_by_side")
        self.assertEqual(doc["hosts"], vs)
        self.assertIn("not comparable across CPython versions", doc["note"])
        self.assertIn("not comparable across CPython versions", proc.stdout)
        # Rounds interleaved: each version ran both rounds, every report from its own Python.
        for version in doc["versions"]:
            self.assertEqual(len(version["rounds"]), 2)
            for rnd in version["rounds"]:
                self.assertTrue(rnd["context"]["python_version"].startswith(version["host"] + "."))
                self.assertEqual(rnd["context"]["python_capabilities"]["host"], version["host"])
                self.assertEqual([c["workers"] for c in rnd["configs"]], ["count=1", "count=2"])
        self.assertEqual([c["workers"] for c in doc["configs"]], ["count=1", "count=2"])
        for c in doc["configs"]:
            self.assertEqual(c["checks"], [True] * len(vs))
            rows = {r["figure"]: r["medians"] for r in c["rows"]}
            if c["workers"] == "count=1":  # the baseline is 1.0 by definition
                self.assertEqual(rows["throughput vs baseline"], [1.0] * len(vs))
        for v in vs:
            self.assertIn(f"CPython {v}", page)
        header = proc.stdout.splitlines()[0]
        self.assertIn("2 rounds interleaved", header)

    def test_side_by_side_refuses_what_it_cannot_compare(self):
        vs = hosts()
        if len(vs) < 2:
            self.skipTest("one host built")
        proc = launch("run", "--python", ",".join(vs), "--trace", "/tmp/x.json",
                      script("workers_basic.py"))
        self.assertUsageError(proc, "give one --python")
        proc = launch("run", "--python", ",".join(vs), os.path.dirname(script("x")))
        self.assertUsageError(proc, "is a directory")


if __name__ == "__main__":
    unittest.main()
