"""One set of rules for the command line and the GILHOST dict, checked before anything runs.

Every script here writes a marker file at its top level: a mistake the command line or the
script's source shows must be refused with one line and exit 2 before that line runs.
"""
import json
import os
import tempfile
import textwrap
import unittest

from gilhost_test import HAS_OWN_GIL, GilhostTestCase, run, script


class ValidationCase(GilhostTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.marker = os.path.join(self.tmp.name, "top-level-ran")

    def write(self, body, name="s.py"):
        """A script whose top level first touches the marker, then runs `body`."""
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"open({self.marker!r}, 'w').close()\n")
            f.write(textwrap.dedent(body))
        return path

    def assertRefusedBeforeTopLevel(self, proc, fragment):
        self.assertUsageError(proc, fragment)
        self.assertFalse(os.path.exists(self.marker), "the script's top level ran")

    def assertRefusedAfterTopLevel(self, proc, fragment):
        self.assertUsageError(proc, fragment)
        self.assertTrue(os.path.exists(self.marker))


FUNCS = """
def cpu():
    pass
"""


class SameRulesTest(ValidationCase):
    """A value means the same, or is refused with the same words, wherever it is written."""

    # (GILHOST key, value as Python source, the same on the command line, message fragment)
    CASES = [
        ("switch_interval", "0", ["--switch-interval", "0"], "below 1us"),
        ("switch_interval", "'0.5us'", ["--switch-interval", "0.5us"], "below 1us"),
        ("duration", "0", ["--duration", "0"], "must be positive"),
        ("duration", "'0s'", ["--duration", "0s"], "must be positive"),
        ("timeout", "0", ["--timeout", "0"], "must be positive"),
        ("duration", "''", ["--duration", ""], "'' is not a duration"),
        ("calls", "''", ["--calls", ""], "is not a positive whole number"),
        ("runs", "0", ["--runs", "0"], "out of range (1 to 100000)"),
        ("calls", "10**400", ["--calls", "1" + "0" * 400], "out of range (1 to 1000000000)"),
        ("duration", "10**400", ["--duration", "1" + "0" * 400 + "s"], "longer than a year"),
        ("duration", "'nan'", ["--duration", "nan"], "'nan' is not a number"),
        ("duration", "'inf'", ["--duration", "inf"], "longer than a year"),
        ("duration", "'-1s'", ["--duration", "-1s"], "must not be negative"),
        ("warmup", "-1", ["--warmup", "-1"], "is not a whole number"),
        ("isolation", "'threads'", ["--isolation", "threads"], "is not shared or subinterpreters"),
    ]

    def test_each_rule_is_the_same_in_both_places(self):
        for key, value, cli, fragment in self.CASES:
            with self.subTest(key=key, value=value):
                path = self.write(f"GILHOST = {{'workers': {{'cpu': 1}}, {key!r}: {value}}}\n"
                                  + FUNCS)
                self.assertRefusedBeforeTopLevel(run("run", path), fragment)
                self.assertIn(f"GILHOST['{key}']", run("run", path).stderr)
                plain = self.write(FUNCS, "plain.py")
                proc = run("run", "--workers", "cpu=1", *cli, plain)
                self.assertRefusedBeforeTopLevel(proc, fragment)
                self.assertIn("--" + key.replace("_", "-"), proc.stderr)

    def test_duration_with_calls_excluded_in_both(self):
        path = self.write("GILHOST = {'workers': {'cpu': 1}, 'duration': 1, 'calls': 3}\n" + FUNCS)
        self.assertRefusedBeforeTopLevel(run("run", path),
                                         "GILHOST['duration'] and GILHOST['calls'] exclude")
        plain = self.write(FUNCS, "plain.py")
        self.assertRefusedBeforeTopLevel(
            run("run", "--workers", "cpu=1", "--duration", "1s", "--calls", "3", plain),
            "--duration and --calls exclude each other")

    def test_zero_warmup_and_its_spellings_are_accepted_alike(self):
        for spelling in ("0", "00"):
            with self.subTest(spelling=spelling):
                path = self.write("GILHOST = {'workers': {'cpu': 1}, 'warmup': 0, 'calls': 2}\n"
                                  + FUNCS)
                self.assertOk(run("run", "--quiet", path))
                self.assertOk(run("run", "--quiet", "--warmup", spelling, path))

    def test_a_command_line_budget_replaces_the_scripts_whole(self):
        path = self.write("GILHOST = {'workers': {'cpu': 1}, 'calls': 3}\n" + FUNCS)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            self.assertOk(run("run", "--quiet", "--json", out, "--duration", "50ms", path))
            with open(out) as f:
                worker = json.load(f)["configs"][0]["runs"][0]["workers"][0]
        self.assertNotEqual(worker["calls"], 3)  # 50 ms of calls, not the script's 3

    def test_worker_dict_keys_are_names_never_spliced(self):
        for key in ("cpu=2,io", "cpu,io", "1cpu", ""):
            with self.subTest(key=key):
                path = self.write(f"GILHOST = {{'workers': {{{key!r}: 1}}}}\n" + FUNCS)
                self.assertRefusedBeforeTopLevel(run("run", path),
                                                 "is not NAME=N with NAME a Python function name")

    def test_worker_counts_follow_the_count_rule(self):
        for value, fragment in (("'four'", "not a positive whole number"), ("True", "not True"),
                                ("2.0", "whole number, not 2.0"), ("0", "out of range")):
            with self.subTest(value=value):
                path = self.write(f"GILHOST = {{'workers': {{'cpu': {value}}}}}\n" + FUNCS)
                self.assertRefusedBeforeTopLevel(run("run", path), fragment)

    def test_a_computed_gilhost_is_checked_by_the_same_rules_after_the_top_level(self):
        path = self.write("GILHOST = {'workers': {'cpu': 1}, 'duration': float('nan')}\n" + FUNCS)
        self.assertRefusedAfterTopLevel(run("run", path), "GILHOST['duration']: 'nan' is not a")
        path = self.write("GILHOST = dict(workers={'cpu': 1}, switch_interval=0)\n" + FUNCS)
        self.assertRefusedAfterTopLevel(run("run", path), "GILHOST['switch_interval']")

    def test_unknown_keys_and_non_dicts(self):
        path = self.write("GILHOST = {'workers': {'cpu': 1}, 'durations': 1}\n" + FUNCS)
        self.assertRefusedBeforeTopLevel(run("run", path), "GILHOST: unknown key 'durations'")
        path = self.write("GILHOST = ['cpu=1']\n" + FUNCS)
        self.assertRefusedBeforeTopLevel(run("run", path), "GILHOST must be a dict")

    def test_non_ascii_identifiers_are_worker_names(self):
        path = self.write("def rechnen_\u00e4():\n    pass\n")
        self.assertOk(run("run", "--quiet", "--calls", "2", "--workers", "rechnen_\u00e4=1", path))
        path = self.write("GILHOST = {'workers': {'\u00e9t\u00e9': 1}, 'calls': 2}\n"
                          "def \u00e9t\u00e9():\n    pass\n")
        self.assertOk(run("run", "--quiet", path))
        plain = self.write(FUNCS, "plain.py")
        os.remove(self.marker)
        self.assertRefusedBeforeTopLevel(run("run", "--workers", "a\u00b7b\u2028=1", plain),
                                         "is not NAME=N")


class CommandLineTest(ValidationCase):
    def test_sweep_without_workers_is_refused_before_the_top_level(self):
        plain = self.write(FUNCS)
        self.assertRefusedBeforeTopLevel(run("sweep", "--switch-interval", "1ms,2ms", plain),
                                         "sweep: no workers to run")
        path = self.write("GILHOST = {'duration': 1}\n" + FUNCS, "nowork.py")
        self.assertRefusedBeforeTopLevel(run("sweep", "--switch-interval", "1ms,2ms", path),
                                         "sweep: no workers to run")
        self.assertRefusedBeforeTopLevel(
            run("sweep", "--switch-interval", "1ms,2ms", "--workers", "cpu=1", "--latency-role",
                "io", "--throughput-role", "cpu", plain), "--latency-role: no role 'io'")

    def test_empty_values_are_values_not_absent_ones(self):
        plain = self.write(FUNCS)
        for args, fragment in ((["--workers", ""], "is not NAME=N"),
                               (["--isolation", ""], "is not shared or subinterpreters"),
                               (["--trace-buffer", ""], "is not a positive whole number"),
                               (["--trace-limit", ""], "is not a whole number"),
                               (["--switch-interval", ""], "'' is not a duration")):
            with self.subTest(args=args):
                self.assertRefusedBeforeTopLevel(run("run", "--workers", "cpu=1", *args, plain),
                                                 fragment)
        for args, fragment in ((["--switch-interval", ""], "'' is not a duration"),
                               (["--switch-interval", "1ms", "--latency-role", "",
                                 "--throughput-role", "cpu"], "'' is not a role name")):
            with self.subTest(args=args):
                self.assertRefusedBeforeTopLevel(run("sweep", "--workers", "cpu=1", *args, plain),
                                                 fragment)

    def test_sub_workers_of_code_are_refused_before_it_runs(self):
        proc = run("run", "--workers", "cpu=1:sub", "-c", f"open({self.marker!r}, 'w').close()")
        self.assertRefusedBeforeTopLevel(proc, "need a SCRIPT target")

    def test_an_option_missing_its_value_before_a_double_dash(self):
        plain = self.write(FUNCS)
        cwd = self.tmp.name
        proc = run("run", "--json", "--", plain, cwd=cwd)
        self.assertRefusedBeforeTopLevel(proc, "--json needs a value before '--'")
        self.assertFalse(os.path.exists(os.path.join(cwd, "--")))
        self.assertRefusedBeforeTopLevel(
            run("run", "--workers", "--duration", "1s", plain), "--workers needs a value")

    def test_python_like_attached_targets_and_verbose_after_the_command(self):
        proc = run("run", f"-cimport sys; print('code', sys.argv[1:])", "a")
        self.assertOk(proc)
        self.assertIn("code ['a']", proc.stdout)
        proc = run("run", "-mjson.tool", "--help")
        self.assertOk(proc)
        self.assertIn("json.tool", proc.stdout)
        plain = self.write(FUNCS)
        proc = run("run", "-v", "--quiet", "--calls", "1", "--workers", "cpu=1", plain)
        self.assertOk(proc)
        self.assertIn("gilhost: info: run cpu=1 1/1", proc.stderr)

    def test_a_script_path_that_is_not_utf8(self):
        path = os.path.join(os.fsencode(self.tmp.name), b"caf\xe9.py")
        with open(path, "w") as f:
            f.write("import sys\nprint('ran', sys.argv[0].endswith('.py'))\n" + FUNCS)
        proc = run("run", "--workers", "cpu=1", "--calls", "1", "--quiet", os.fsdecode(path))
        self.assertOk(proc)
        self.assertIn("ran True", proc.stdout)

    def test_a_symlink_loop_in_a_catalog_folder_is_skipped(self):
        folder = os.path.join(self.tmp.name, "cat")
        os.mkdir(folder)
        with open(os.path.join(folder, "good.py"), "w") as f:
            f.write("GILHOST = {'workers': {'cpu': 1}, 'calls': 1}\n" + FUNCS)
        os.symlink("loop.py", os.path.join(folder, "loop.py"))
        proc = run("run", "--quiet", "--json", os.path.join(self.tmp.name, "c.json"), folder)
        self.assertOk(proc)
        self.assertIn("skipping", proc.stderr)
        with open(os.path.join(self.tmp.name, "c.json")) as f:
            self.assertEqual([os.path.basename(e["script"]) for e in json.load(f)["catalog"]],
                             ["good.py"])


class WorkerFunctionTest(ValidationCase):
    """Functions a call would not run, or could not call, are refused before the phase."""

    SCRIPT = """
    import asyncio
    def gen():
        yield 1
    async def coro():
        pass
    async def agen():
        yield 1
    def needs(x, y=2, *, z):
        pass
    def cpu():
        pass
    def returns_coroutine():
        return coro()
    """

    def test_unmeasurable_functions(self):
        path = self.write(self.SCRIPT)
        for name, fragment in (("gen", "is a generator function"),
                               ("coro", "is an async def function"),
                               ("agen", "is an async def generator"),
                               ("needs", "needs arguments (x, z)")):
            with self.subTest(name=name):
                proc = run("run", "--workers", f"cpu=1,{name}=1", "--calls", "1", path)
                self.assertUsageError(proc, fragment)
                self.assertIn("wrap it", proc.stderr)

    def test_a_returned_coroutine_fails_the_run(self):
        path = self.write(self.SCRIPT)
        proc = run("run", "--quiet", "--workers", "returns_coroutine=1", "--calls", "3", path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("returned a coroutine without running it", proc.stderr)
        self.assertNotIn("never awaited", proc.stderr)


class TimeoutAndExitTest(ValidationCase):
    def test_timeout_bounds_each_call_with_calls_as_with_duration(self):
        # Calls of 50 ms each, 10 of them: 500 ms in all, longer than the 300 ms timeout, yet no
        # call comes near it: the run completes (with --calls the timeout was a total budget).
        path = self.write("import gilhost\ndef nap():\n    gilhost.sleep(0.05)\n")
        proc = run("run", "--quiet", "--workers", "nap=1", "--calls", "10", "--timeout", "300ms",
                   path)
        self.assertOk(proc)
        proc = run("run", "--quiet", "--workers", "nap=1", "--duration", "500ms", "--timeout",
                   "300ms", path)
        self.assertOk(proc)

    def test_a_stuck_sub_worker_gets_its_timeout_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            proc = run("run", "--quiet", "--json", out, "--workers",
                       "stuck_in_python=1:sub,cpu=1", "--calls", "2", "--timeout", "300ms",
                       script("faults.py"))
            if not HAS_OWN_GIL:  # 3.11: no :sub workers (PEP 684), refused before any work
                self.assertUsageError(proc, "PEP 684")
                self.assertFalse(os.path.exists(out))
                return
            self.assertEqual(proc.returncode, 124, proc.stderr)
            self.assertNotIn("did not stop", proc.stderr)  # reached, not abandoned
            with open(out) as f:
                data = json.load(f)
        self.assertEqual(data["status"], "timed_out")
        run0 = data["configs"][0]["runs"][0]
        self.assertEqual(sorted(w["name"] for w in run0["workers"]),
                         ["cpu-0", "stuck_in_python-0"])

    def test_sys_exit_0_in_a_worker_agrees_with_its_status(self):
        path = self.write("import sys\ndef leaves():\n    sys.exit(0)\n" + FUNCS)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            proc = run("run", "--quiet", "--json", out, "--workers", "leaves=1,cpu=1",
                       "--duration", "2s", path)
            with open(out) as f:
                data = json.load(f)
        self.assertEqual(data["status"], "failed")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(data["exit_status"], 1)


class MarkTest(ValidationCase):
    def test_each_run_carries_only_its_own_labels(self):
        path = self.write("""
        import gilhost
        run = [0]
        def marks():
            run[0] += 1
            for i in range(20_000):
                gilhost.mark(f"run{run[0]}-{i}")
        """)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            self.assertOk(run("run", "--quiet", "--json", out, "--workers", "marks=1", "--calls",
                              "1", "--runs", "3", path))
            with open(out) as f:
                runs = json.load(f)["configs"][0]["runs"]
        for number, r in enumerate(runs, start=1):
            labels = r["gil"]["labels"]
            self.assertEqual(len(labels), 20_000)
            self.assertEqual(labels[0], f"run{number}-0")
            self.assertEqual(labels[-1], f"run{number}-19999")


if __name__ == "__main__":
    unittest.main()
