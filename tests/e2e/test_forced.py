"""Forced switches, every GIL, unrecorded spans and the busy-machine figure, on cases whose
answers are known from how CPython releases the GIL (docs/metrics.md; per version:
docs/gil-internals.md, "Figures per version")."""
import json
import os
import shutil
import subprocess
import unittest

from gilhost_test import HAS_OWN_GIL, ONCE, PYTHON, GilhostTestCase, run, run_json, script

CASES = script("forced_cases.py")
INTERPS = script("script_interps.py")


def threads(data, config=0):
    return {t["name"]: t for t in data["configs"][config]["runs"][0]["gil"]["threads"]}


class ForcedTest(GilhostTestCase):
    def test_two_cpu_workers_release_only_when_forced_but_the_last_time(self):
        # Pure bytecode never blocks: every release in the window is the eval breaker's answer
        # to a drop request, except each worker's final release when the phase ends.
        proc, data = run_json("--quiet", "--workers", "spin=2", "--duration", "0.4s", CASES)
        self.assertOk(proc)
        summary = data["configs"][0]["runs"][0]["gil"]["summary"]
        total = 0
        for name in ("spin-0", "spin-1"):
            t = threads(data)[name]
            self.assertGreaterEqual(t["releases"], 2, t)  # the other worker asked at least once
            self.assertEqual(t["forced_releases"], t["releases"] - 1, t)
            self.assertEqual(t["unclassified_releases"], 0)
            total += t["forced_releases"]
        self.assertEqual(summary["forced_switches"], total)
        self.assertEqual(summary["unclassified_releases"], 0)

    def test_a_sleeper_never_is_forced_while_the_spinner_is(self):
        # time.sleep straight from C: the sleeper's thread runs no bytecode, so its eval breaker
        # never runs and every one of its releases is voluntary, pending request or not.
        proc, data = run_json("--quiet", "--workers", "spin=1,sleeper=1", "--duration", "0.4s",
                              CASES)
        self.assertOk(proc)
        sleeper, spinner = threads(data)["sleeper-0"], threads(data)["spin-0"]
        self.assertGreaterEqual(sleeper["releases"], 2)
        self.assertEqual(sleeper["forced_releases"], 0, sleeper)
        self.assertGreaterEqual(sleeper["drop_requests"], 1)
        self.assertEqual(spinner["forced_releases"], spinner["releases"] - 1, spinner)

    def test_shared_gil_sub_interpreters_are_time_sliced_from_3_13_only(self):
        # 3.11 and 3.12 keep gil_drop_request per interpreter: a waiter's request never reaches
        # a holder running in another (legacy, shared-GIL) sub-interpreter. Entering and leaving
        # run_string swaps thread states (voluntary releases); in between, however long the
        # others wait and ask, no release is forced. 3.11's run_string swaps thread states
        # without touching the GIL: back in the main interpreter, the holder's next eval-breaker
        # check answers the main interpreter's request, a forced release just before its
        # "leave" mark, and the only one. 3.13 sets the request on the holder's own thread
        # state (gh-112175): the holders inside run_string are forced like threads of one
        # interpreter, and a voluntary release's pending request is not read (flag 2 only on
        # forced releases).
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "ev.txt")
            proc = run("run", "--quiet", "--events", path, INTERPS, "legacy", "2000000")
            self.assertOk(proc)
            with open(path) as f:
                lines = f.read().splitlines()
        labels = {l.split()[1]: l.split(" ", 2)[2] for l in lines if l.startswith("label ")}
        events = [l.split() for l in lines if l[:1].isdigit()]
        inside, marks, asked, forced_inside, pending_voluntary = {}, 0, 0, 0, 0
        last_forced = {}  # thread -> its last release inside was forced
        for ts, tindex, kind, gil, aux, flags in events:
            if kind == "mark":
                entering = labels[aux].startswith("enter")
                if PYTHON < (3, 12) and not entering and last_forced.get(tindex):
                    forced_inside -= 1  # the answer on return to the main interpreter
                inside[tindex] = entering
                marks += 1
            elif kind == "release" and inside.get(tindex):
                forced_inside += int(flags) & 1
                last_forced[tindex] = int(flags) & 1 == 1
                pending_voluntary += int(flags) & 3 == 2
            elif kind == "drop_request" and any(inside.values()):
                asked += 1
        self.assertEqual(marks, 4)
        self.assertGreaterEqual(asked, 1)  # someone asked while a thread was inside
        if PYTHON >= (3, 13):
            self.assertGreaterEqual(forced_inside, 1)
            self.assertEqual(pending_voluntary, 0)  # not read on 3.13
        else:
            self.assertEqual(forced_inside, 0, "a holder was forced inside run_string")
        if PYTHON == (3, 12):  # leaving run_string releases the old thread state's GIL
            self.assertGreaterEqual(pending_voluntary, 1)  # voluntary with a request pending

    def test_legacy_sub_interpreters_explain_the_switch_count(self):
        proc = run("-v", "run", INTERPS, "legacy", "20000")  # -v: the whole summary
        self.assertOk(proc)
        check = [l for l in proc.stderr.splitlines() if "check:" in l][0]
        self.assertRegex(check, r"thread-state switches (\d+) = switch_number Δ \1 ✓")
        if PYTHON < (3, 12):  # 3.11's PyThreadState_Swap leaves the GIL (and switch_number) alone
            self.assertNotIn("holder changes", check)
        else:
            self.assertIn("changed thread state on one thread", check)


@unittest.skipUnless(shutil.which("strip"), "needs binutils' strip")
class StrippedLibpythonTest(GilhostTestCase):
    """A libpython without its symbol table: the chain cannot be found, so every release is
    unclassified and the reports say so, on every version (no guessed verdict)."""

    def test_releases_are_unclassified_and_said_to_be(self):
        import sysconfig
        import tempfile
        lib = os.path.join(sysconfig.get_config_var("LIBDIR"),
                           sysconfig.get_config_var("INSTSONAME"))
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, os.path.basename(lib))
            subprocess.run(["strip", "--strip-all", "-o", copy, lib], check=True)
            env = dict(os.environ, LD_LIBRARY_PATH=tmp)
            info = run("info", env=env)
            self.assertOk(info)
            self.assertIn(f"libpython        {copy} (loaded)", info.stdout)
            self.assertIn("forced/voluntary unknown: libpython has no", info.stdout)
            path = os.path.join(tmp, "out.json")
            proc = run("run", "--json", path, "--workers", "spin=2", "--duration", "0.2s",
                       CASES, env=env)
            self.assertOk(proc)
            self.assertIn("releases not classified", proc.stdout + proc.stderr)
            with open(path) as f:
                data = json.load(f)
        caps = data["context"]["python_capabilities"]
        self.assertIsNone(caps["forced_path"])
        self.assertIn("stripped?", caps["forced_unknown"])
        s = data["configs"][0]["runs"][0]["gil"]["summary"]
        self.assertEqual(s["forced_switches"], 0)
        self.assertGreaterEqual(s["unclassified_releases"], 2)
        for t in threads(data).values():
            self.assertEqual(t["unclassified_releases"], t["releases"], t)


class EveryGilTest(GilhostTestCase):
    def test_a_script_made_own_gil_interpreter_is_traced_with_its_threads(self):
        proc, data = run_json("-v", INTERPS, "own", "200000")  # -v: the whole summary
        self.assertOk(proc)
        gils = data["script_gils"]
        if not HAS_OWN_GIL:  # 3.11: "isolated" interpreters share the process's one GIL
            self.assertEqual(gils, [])
            self.assertIn("GILs traced 1 of 1 ✓", proc.stderr)  # destroyed before the census
            return
        self.assertEqual(len(gils), 2)
        for g in gils:
            self.assertIn("created by MainThread", g["interpreter"])
            names = {t["name"] for t in g["metrics"]["threads"] if t["hold"]["count"]}
            self.assertTrue(names & {"interp-0", "interp-1"}, names)
            self.assertGreater(g["metrics"]["summary"]["held_ns"], 0)
            self.assertEqual(g["metrics"]["summary"]["overlapping_holds"], 0)

    def test_gils_the_tracer_cannot_hold_turn_the_check_red(self):
        # The table has 32 entries: 34 script-made GILs leave three untraced, and they are named.
        proc = run("-v", "run", script("many_interps.py"), "34")  # -v: the whole summary
        self.assertOk(proc)
        if not HAS_OWN_GIL:  # 3.11: one GIL per process, however many interpreters
            self.assertIn("GILs traced 1 of 1 ✓ · 34 sub-interpreters on the main GIL",
                          proc.stderr)
            return
        self.assertIn("GILs traced 32 of 35 ✗ (3 GILs not traced", proc.stderr)
        proc = run("-v", "run", script("many_interps.py"), "2")
        self.assertIn("GILs traced 3 of 3 ✓", proc.stderr)


class UnrecordedSpansTest(GilhostTestCase):
    def test_the_holder_at_arming_counts_as_holding(self):
        proc, data = run_json("-c", "sum(range(3 * 10**6))")
        self.assertOk(proc)
        s = data["script_gil"]["summary"]
        self.assertGreater(s["utilisation_fraction"], 0.99, s)  # nothing else runs Python meanwhile

    def test_threads_after_sys_exit_are_recorded_until_joined(self):
        code = ("import sys, threading, time\n"
                "def work():\n    time.sleep(0.2)\n    sum(range(10**5))\n"
                "threading.Thread(target=work, name='late').start()\nsys.exit(3)\n")
        proc, data = run_json("-c", code)
        self.assertEqual(proc.returncode, 3, proc.stderr)
        late = [t for t in data["script_gil"]["threads"] if t["python_name"] == "late"]
        self.assertEqual(len(late), 1)
        self.assertGreaterEqual(late[0]["releases"], 1)  # its last release is inside the window

    def test_info_prints_the_loaded_libpython(self):
        proc = run("info")
        self.assertOk(proc)
        line = [l for l in proc.stdout.splitlines() if l.startswith("libpython")][0]
        self.assertIn("(loaded)", line)
        self.assertIn("classified by return address", proc.stdout)
        # What this version measures, and the forced path it recognises (gil_layout.c).
        path = {(3, 11): "eval_frame_handle_pending -> drop_gil",
                (3, 12): "_Py_HandlePending -> drop_gil",
                (3, 13): "_Py_HandlePending -> _PyThreadState_Detach -> drop_gil"}[PYTHON]
        self.assertIn(f"forced/voluntary from the release's call chain: {path}", proc.stdout)
        readable = "read at every release" if PYTHON < (3, 13) else "not read at a release"
        self.assertIn(readable, proc.stdout)


@unittest.skipUnless(shutil.which("taskset") and shutil.which("yes"), "needs taskset and yes")
class BusyMachineTest(GilhostTestCase):
    """Both directions are made independent of the machine's load: with a hog pinned to the
    same core and gilhost at nice 19, the holder is descheduled most of the time whatever else
    runs; a holder that holds the GIL while blocked (not runnable) is off-CPU without being
    descheduled, so load cannot push it over the threshold (only wake-up latency counts)."""

    def busy_run(self, *args):
        hog = subprocess.Popen(["taskset", "-c", "0", "yes"], stdout=subprocess.DEVNULL)
        try:
            return subprocess.run(
                ["taskset", "-c", "0", "nice", "-n", "19", os.environ["GILHOST_BIN"], "run",
                 *ONCE, *args], capture_output=True, text=True, timeout=120)
        finally:
            hog.kill()
            hog.wait()

    def test_warning_with_a_hog_on_the_holders_core(self):
        proc = self.busy_run("--workers", "spin=1", "--workers", "spin=2", "--duration",
                             "0.5s", CASES)
        self.assertOk(proc)
        self.assertTrue(proc.stdout.startswith("WARNING: busy machine"), proc.stdout[:300])
        self.assertIn("Close other programs, use --runs N", proc.stdout)
        self.assertRegex(proc.stdout, r"spin: spin=2 is [0-9.]+× spin=1 \(distorted: ")

    def test_no_warning_when_the_holder_is_blocked_not_descheduled(self):
        proc, data = run_json("--workers", "blocked_holder=1", "--calls", "3", CASES)
        self.assertOk(proc)
        s = data["configs"][0]["runs"][0]["gil"]["summary"]
        self.assertGreater(s["utilisation_fraction"], 0.9)
        self.assertLess(s["held_off_cpu_fraction"], 0.10, s["held_off_cpu_ns"])
        self.assertEqual(data["warnings"], [])
        self.assertNotIn("WARNING: busy machine", proc.stdout)


if __name__ == "__main__":
    unittest.main()
