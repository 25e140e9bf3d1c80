"""gilhost run DIR: a catalog of experiments, each in its own process, one combined report."""
import json
import os
import signal
import subprocess
import tempfile
import unittest

from gilhost_test import BIN, ONCE, GilhostTestCase, run, wait_for_lines

OK = '''"""Counts calls: always succeeds."""
GILHOST = {"workers": {"count": 1}, "calls": 5}


def count():
    pass
'''

FAILS = '''GILHOST = {"workers": {"boom": 1}, "calls": 5}


def boom():
    raise ValueError("boom from the catalog test")
'''

SLOW = '''"""Spins for a long time, to be interrupted."""
GILHOST = {"workers": {"cpu": 1}, "duration": "60s"}


def cpu():
    return sum(range(1000))
'''


def make_catalog(tmp, files):
    root = os.path.join(tmp, "catalog")
    os.makedirs(os.path.join(root, "sub"))
    for name, text in files.items():
        with open(os.path.join(root, name), "w") as f:
            f.write(text)
    # Not experiments: a private file, a plain module, a file in a subdirectory, a non-.py file.
    for name, text in (("_private.py", OK), ("helper.py", "X = 1\n"),
                       (os.path.join("sub", "nested.py"), OK), ("notes.txt", OK)):
        with open(os.path.join(root, name), "w") as f:
            f.write(text)
    return root


class CatalogTest(GilhostTestCase):
    def test_two_experiments_one_failing(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = make_catalog(tmp, {"b_fails.py": FAILS, "a_ok.py": OK})
            out = os.path.join(tmp, "all.json")
            proc = run("run", "--json", out, root)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            a, b = os.path.join(root, "a_ok.py"), os.path.join(root, "b_fails.py")
            self.assertIn(f"==> {a} (1/2) <==\nWorkers count=1", proc.stdout)
            self.assertIn(f"==> {b} (2/2) <==\nPARTIAL RESULTS", proc.stdout)
            self.assertIn("ValueError: boom from the catalog test", proc.stderr)
            self.assertIn(f"  {b}  failed (exit status 1)", proc.stdout)
            with open(out) as f:
                data = json.load(f)
            self.assertEqual(list(data)[:3], ["schema_version", "context", "status"])
            self.assertEqual(data["schema_version"], 1)
            self.assertEqual(data["context"]["script"], root)
            self.assertEqual(data["status"], "failed")
            self.assertEqual(data["exit_status"], 1)
            self.assertEqual([(e["script"], e["exit_status"]) for e in data["catalog"]],
                             [(a, 0), (b, 1)])
            ok, failed = (e["report"] for e in data["catalog"])
            self.assertEqual(ok["status"], "complete")
            self.assertEqual(ok["configs"][0]["runs"][0]["calls"], 5)
            self.assertEqual(ok["context"]["script"], a)
            self.assertEqual(failed["status"], "failed")

    def test_options_reach_every_experiment_and_all_ok_exits_0(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = make_catalog(tmp, {"a.py": OK, "b.py": OK})
            out = os.path.join(tmp, "all.json")
            proc = run("run", "--calls", "3", "--quiet", "--json", out, "--html",
                       os.path.join(tmp, "all.html"), root)
            self.assertOk(proc)
            self.assertEqual(proc.stdout, "")
            with open(out) as f:
                data = json.load(f)
            self.assertEqual(data["status"], "complete")
            for entry in data["catalog"]:
                self.assertEqual(entry["report"]["configs"][0]["runs"][0]["calls"], 3)
            self.assertTrue(os.path.exists(os.path.join(tmp, "all.a.html")))
            self.assertTrue(os.path.exists(os.path.join(tmp, "all.b.html")))
            with open(os.path.join(tmp, "all.html")) as f:
                index = f.read()
            self.assertIn('href="all.a.html"', index)
            self.assertIn('href="all.b.html"', index)

    def test_directory_without_experiments(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = make_catalog(tmp, {})
            self.assertUsageError(run("run", root), "is a directory without experiments")

    def test_interrupt_stops_the_catalog(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = make_catalog(tmp, {"a_slow.py": SLOW, "b_slow.py": SLOW})
            out = os.path.join(tmp, "all.json")
            p = subprocess.Popen([BIN, "-v", "run", *ONCE, "--json", out, root], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            try:
                for line in p.stderr:  # the first child announces its run
                    if "run cpu=1" in line:
                        break
                p.send_signal(signal.SIGINT)
                stdout, _ = p.communicate(timeout=60)
            finally:
                p.kill()
            self.assertEqual(p.returncode, 130, stdout)
            with open(out) as f:
                data = json.load(f)
            self.assertEqual(data["status"], "interrupted")
            self.assertEqual(data["exit_status"], 130)
            self.assertEqual(len(data["catalog"]), 1)
            entry = data["catalog"][0]
            self.assertEqual(entry["exit_status"], 130)
            self.assertEqual(entry["report"]["status"], "interrupted")
            self.assertIn("the remaining experiments were not run", stdout)

    def test_signal_waits_for_the_experiment_writing_its_report(self):
        # The experiment is stopped while its report's temporary file is written: the catalog
        # passes the signal on and waits for it (never killing a writer), then reports it.
        with tempfile.TemporaryDirectory() as tmp:
            root = make_catalog(tmp, {"a_ok.py": OK, "b_ok.py": OK})
            out, marker = os.path.join(tmp, "all.json"), os.path.join(tmp, "marker")
            env = dict(os.environ, GILHOST_TEST_PAUSE=f"write:{marker}")
            p = subprocess.Popen([BIN, "run", *ONCE, "--json", out, root], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env)
            try:
                wait_for_lines(marker, 1, p)  # the first experiment is writing its JSON
                p.send_signal(signal.SIGTERM)
                stdout, stderr = p.communicate(timeout=120)
            finally:
                p.kill()
            self.assertEqual(p.returncode, 143, stderr)
            with open(out) as f:
                data = json.load(f)
            self.assertEqual(data["status"], "interrupted")
            self.assertEqual(len(data["catalog"]), 1)
            entry = data["catalog"][0]
            self.assertEqual(entry["exit_status"], 143)
            self.assertEqual(entry["report"]["status"], "interrupted")
            self.assertEqual(sorted(os.listdir(tmp)), ["all.json", "catalog", "marker"])


if __name__ == "__main__":
    unittest.main()
