"""The experiment library (experiments/*.py): every script runs, and its qualitative result holds.

Budgets are short (--duration 300-500ms, --calls, or --scale 0.3 for the scripts that time
themselves), margins wide. A 2-core machine is often shared. Around each measurement that needs
two cores, `capacity()` measures how many cores two busy processes get (2.0 idle, ~1.3 while
something else burns a core), just before and just after, and the expected speed-up is scaled
to the smaller figure. A check that still fails is measured again (up to three attempts) before
it counts as a failure. Bounds that say "no speed-up" (the GIL) hold whatever the load and are
never relaxed.
"""
import ast
import glob
import json
import os
import subprocess
import sys
import unittest

from gilhost_test import HAS_IS_GIL_ENABLED, HAS_OWN_GIL, PYTHON, GilhostTestCase, run, run_json

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENTS = os.path.normpath(os.path.join(HERE, "..", "..", "experiments"))
SCALE = "0.3"  # --scale for self-timed scripts
NO_SPEEDUP = 1.3  # pure-Python threads, or a kernel holding the GIL: at most this
ONE_CORE = 130.0  # process CPU % of a configuration that holds the GIL: one core, whatever load

# Every experiment and the test that checks it; test_every_experiment_is_tested keeps it whole.
TESTED = {
    "thread_trap": "test_thread_trap",
    "gil_check": "test_gil_check",
    "threaded_infer": "test_threaded_infer",
    "process_infer": "test_process_infer",
    "native_release": "test_native_release",
    "asyncio_vs_threads": "test_asyncio_vs_threads",
    "dataloader": "test_dataloader",
    "intra_op_threads": "test_intra_op_threads",
    "vector_norm": "test_vector_norm",
    "closing_question": "test_closing_question",
    "subinterpreters": "test_subinterpreters",
    "convoy": "test_convoy",
    "starvation": "test_starvation",
    "gilstate_cost": "test_gilstate_cost",
    "bad_extension": "test_bad_extension",
    "switch_interval": "test_switch_interval",
    "isolation_strategies": "test_isolation_strategies",
}


def experiment(name):
    return os.path.join(EXPERIMENTS, name + ".py")


def experiment_names():
    return sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(EXPERIMENTS, "*.py"))
                  if not os.path.basename(p).startswith("_"))


_BURN = ("import time\n"
         "t0, end = time.process_time(), time.perf_counter() + {seconds}\n"
         "while time.perf_counter() < end: pass\n"
         "print(time.process_time() - t0)\n")


def capacity(seconds=0.25):
    """Cores that two busy processes get right now: ~2.0 on an idle 2-core machine."""
    procs = [subprocess.Popen([sys.executable, "-c", _BURN.format(seconds=seconds)],
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    cpu = sum(float(p.communicate(timeout=30)[0]) for p in procs)
    return min(cpu / seconds, float(os.cpu_count() or 1), 2.0)


def min_speedup(cores, share=0.5):
    """The speed-up two threads or processes must reach when `cores` cores are free: idle
    2-core machine and share 0.5 -> 1.5x; a core burnt elsewhere (cores ~1.33) -> ~1.17x."""
    return 1.0 + share * (cores - 1.0)


def result_of(proc):
    """The figures of the script's last `RESULT {json}` line."""
    lines = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    if not lines:
        raise AssertionError(f"no RESULT line\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return json.loads(lines[-1][len("RESULT "):])


def config(data, workers):
    for c in data["configs"]:
        if c["workers"] == workers:
            return c
    raise AssertionError(f"no configuration {workers}: {[c['workers'] for c in data['configs']]}")


def rate(data, workers, role=None):
    """calls/s of a configuration (all roles) or of one role."""
    c = config(data, workers)
    stats = c["summary"] if role is None else c["roles"][role]
    return stats["calls_per_second"]["mean"]


def cpu_percent(data, workers):
    """Process CPU % of a configuration (100 = one core)."""
    return config(data, workers)["summary"]["cpu_percent"]["mean"]


def gil_bound_speedup(data, many, one):
    """The speed-up of configuration `many` over `one` that a GIL-bound workload must keep near
    1.0: the smaller of the wall-clock ratio and the ratio of calls per CPU-second. Load that
    comes and goes between the two runs skews the first, never the second; a real parallel
    speed-up raises both (and the caller also checks that `many` used at most one core)."""
    wall = rate(data, many) / rate(data, one)
    return min(wall, wall * cpu_percent(data, one) / cpu_percent(data, many))


def gil_bound_result(speedup, cpu_many, cpu_one):
    """The same for a self-timed experiment's speed-up and CPU percentages."""
    return min(speedup, speedup * cpu_one / cpu_many)


def role_stat(data, workers, role, key):
    return config(data, workers)["roles"][role][key]["mean"]


def run_gil(data, workers, run_index=0):
    return config(data, workers)["runs"][run_index]["gil"]


class ExperimentsTest(GilhostTestCase):
    def run_experiment(self, name, *options, timeout=120):
        """gilhost run --json FILE OPTIONS experiments/NAME.py: (proc, report), checked ok."""
        proc, data = run_json(*options, experiment(name), timeout=timeout)
        self.assertOk(proc)
        return proc, data

    def run_result(self, name, *script_args, timeout=120):
        """A self-timed experiment: gilhost run experiments/NAME.py ARGS; its RESULT figures."""
        proc = run("run", experiment(name), *script_args, timeout=timeout)
        self.assertOk(proc)
        return result_of(proc)

    def attempts(self, measure, check, parallel=False, tries=3):
        """Runs measure() then check(figures, cores) up to `tries` times, until a check passes:
        one burst of load elsewhere must not fail a qualitative result. With parallel=True,
        `cores` is what two busy processes get just before and just after each measurement
        (the smaller; see capacity());
        it is None when no second core is free, and then check() must skip its speed-up bounds
        (assertSpeedup does) but still checks everything else."""
        error = None
        for attempt in range(1, tries + 1):
            cores = capacity() if parallel else None
            figures = measure()
            if parallel:  # load that arrived during the measurement counts too
                cores = min(cores, capacity())
            if cores is not None and cores < 1.2:
                print(f"\n{self.id()}: only {cores:.2f} cores free: speed-up bounds not checked "
                      "in this attempt", file=sys.stderr)
            try:
                check(figures, cores if cores is None or cores >= 1.2 else None)
                return
            except AssertionError as e:
                error = e
                first_line = str(e).splitlines()[0] if str(e) else type(e).__name__
                cores_text = f", {cores:.2f} cores free" if cores is not None else ""
                print(f"\n{self.id()}: attempt {attempt}/{tries} failed{cores_text}: "
                      f"{first_line}", file=sys.stderr)
        raise error

    def assertSpeedup(self, speedup, cores, share=0.5, what="", min_cores=1.2):
        """speedup >= min_speedup(cores, share), unless fewer than min_cores cores were free
        (cores None: no second core at all)."""
        if cores is not None and cores >= min_cores:
            self.assertGreaterEqual(speedup, min_speedup(cores, share),
                                    f"{what} speed-up with {cores:.2f} cores free")

    # --- the library itself -------------------------------------------------------------------

    def test_every_experiment_is_tested(self):
        self.assertEqual(sorted(TESTED), experiment_names())
        for name, test in TESTED.items():
            self.assertTrue(hasattr(self, test), f"{name}: {test} is missing")

    def test_every_experiment_documents_itself_and_fits_the_default_budget(self):
        for name in experiment_names():
            with self.subTest(experiment=name):
                with open(experiment(name), encoding="utf-8") as f:
                    tree = ast.parse(f.read())
                doc = ast.get_docstring(tree) or ""
                for part in ("Question", "Hypothesis"):
                    self.assertIn(part, doc, f"{name}: docstring without '{part}'")
                self.assertTrue("What to look at" in doc or "Output" in doc, name)
                settings = None
                for node in tree.body:
                    if (isinstance(node, ast.Assign) and len(node.targets) == 1
                            and getattr(node.targets[0], "id", "") == "GILHOST"):
                        settings = ast.literal_eval(node.value)
                if settings is None:
                    self.assertIn("RESULT", doc, f"{name}: no GILHOST and no RESULT output")
                    continue
                workers = settings["workers"]
                configs = len(workers) if isinstance(workers, list) else 1
                if "duration" in settings:
                    value = str(settings["duration"])
                    seconds = float(value[:-2]) / 1000 if value.endswith("ms") else float(
                        value.rstrip("s"))
                    self.assertLessEqual(configs * seconds, 8.0, f"{name}: default budget")

    # --- the article's cases ------------------------------------------------------------------

    def test_thread_trap(self):
        def measure():
            return self.run_experiment("thread_trap", "--duration", "300ms")[1]

        def check(data, _):
            self.assertLessEqual(cpu_percent(data, "cpu=4"), ONE_CORE)
            self.assertGreaterEqual(role_stat(data, "cpu=4", "cpu", "held_fraction"), 0.9)
            self.assertGreater(role_stat(data, "cpu=4", "cpu", "forced_releases"), 0)
            self.assertLessEqual(gil_bound_speedup(data, "cpu=4", "cpu=1"), NO_SPEEDUP)

        self.attempts(measure, check)

    def test_gil_check(self):
        figures = self.run_result("gil_check")
        self.assertEqual(figures["version"][:2], list(PYTHON))
        # sys._is_gil_enabled() exists from 3.13 on (True on a default build); before, the
        # article's snippet raises AttributeError.
        self.assertEqual(figures["has_is_gil_enabled"], HAS_IS_GIL_ENABLED)
        if HAS_IS_GIL_ENABLED:
            self.assertEqual(figures["article_snippet"], "ran")
        else:
            self.assertIn("AttributeError", figures["article_snippet"])
        self.assertTrue(figures["gil_enabled"])
        self.assertFalse(figures["py_gil_disabled"])

    def test_threaded_infer(self):
        def measure():
            return self.run_experiment("threaded_infer", "--duration", "300ms")[1]

        def check(data, cores):
            self.assertLessEqual(cpu_percent(data, "article=8"), ONE_CORE)
            self.assertLessEqual(gil_bound_speedup(data, "article=8", "article=1"), NO_SPEEDUP)
            self.assertGreaterEqual(role_stat(data, "article=8", "article", "held_fraction"), 0.9)
            self.assertLessEqual(role_stat(data, "hoisted=8", "hoisted", "held_fraction"), 0.5)
            self.assertGreater(rate(data, "hoisted=1"), 10 * rate(data, "article=1"))
            self.assertSpeedup(rate(data, "hoisted=8") / rate(data, "hoisted=1"), cores, 0.4,
                               "hoisted 8 vs 1")

        self.attempts(measure, check, parallel=True)

    def test_process_infer(self):
        def check(figures, cores):
            cpu = figures["cpu_percent"]
            self.assertLessEqual(cpu["8 threads"], ONE_CORE)
            self.assertLessEqual(gil_bound_result(figures["speedup_8_threads"], cpu["8 threads"],
                                                  cpu["1 thread"]), NO_SPEEDUP)
            self.assertSpeedup(figures["speedup_core_processes"], cores, 0.5, "2 processes")
            self.assertSpeedup(figures["speedup_8_processes"], cores, 0.2, "8 processes")
            self.assertEqual(sorted(figures["start_ms"]), ["fork", "forkserver", "spawn"])
            ipc = figures["ipc_us"]["3072 floats, list"]
            self.assertGreater(ipc["processes_us"], ipc["threads_us"])
            big = figures["ipc_us"]["1M floats, array('d') (8 MB)"]
            self.assertGreater(big["processes_us"], 10 * ipc["processes_us"])

        self.attempts(lambda: self.run_result("process_infer", "--scale", SCALE), check,
                      parallel=True)

    def test_native_release(self):
        def measure():
            return self.run_experiment("native_release", "--duration", "300ms")[1]

        def check(data, cores):
            self.assertLessEqual(cpu_percent(data, "mm_hold=4"), ONE_CORE)
            self.assertLessEqual(gil_bound_speedup(data, "mm_hold=2", "mm_hold=1"), NO_SPEEDUP)
            self.assertLessEqual(gil_bound_speedup(data, "mm_hold=4", "mm_hold=1"), NO_SPEEDUP)
            self.assertLessEqual(role_stat(data, "mm=2", "mm", "held_fraction"), 0.2)
            self.assertGreaterEqual(role_stat(data, "mm_hold=2", "mm_hold", "held_fraction"), 0.9)
            self.assertEqual(run_gil(data, "mm=2")["summary"]["forced_switches"], 0)
            self.assertGreater(run_gil(data, "mm_hold=2")["summary"]["forced_switches"], 0)
            self.assertSpeedup(rate(data, "mm=2") / rate(data, "mm=1"), cores, 0.5, "mm 2 vs 1")

        self.attempts(measure, check, parallel=True)

    def test_asyncio_vs_threads(self):
        def check(figures, _):
            clients = figures["clients"]
            for label in ("threads 10", "asyncio 10"):
                self.assertGreaterEqual(clients[label]["speedup"], 4.0, label)
            for label in ("threads 100", "asyncio 100"):
                self.assertGreater(clients[label]["speedup"], 8.0, label)

        self.attempts(lambda: self.run_result("asyncio_vs_threads", "--scale", SCALE), check)

    def test_dataloader(self):
        def check(figures, cores):
            loaders = figures["loaders"]
            threads, inline = loaders["2 threads"], loaders["num_workers=0"]
            self.assertLessEqual(threads["cpu_percent"], ONE_CORE)
            self.assertLessEqual(gil_bound_result(threads["speedup"], threads["cpu_percent"],
                                                  inline["cpu_percent"]), NO_SPEEDUP)
            self.assertSpeedup(loaders["2 processes"]["speedup"], cores, 0.3, "2 processes")

        self.attempts(lambda: self.run_result("dataloader", "--scale", SCALE), check,
                      parallel=True)

    def test_intra_op_threads(self):
        def measure():
            return self.run_experiment("intra_op_threads", "--duration", "300ms")[1]

        def check(data, cores):
            one = rate(data, "op1=1")
            self.assertGreaterEqual(role_stat(data, "op2_hold=1", "op2_hold", "held_fraction"),
                                    0.9)
            self.assertLessEqual(role_stat(data, "op2=1", "op2", "held_fraction"), 0.2)
            # A kernel that keeps the GIL starves the Python thread next to it ...
            self.assertLess(rate(data, "op2_hold=1,py=1", "py"),
                            0.75 * rate(data, "op2=1,py=1", "py"))
            # ... but its own pool needs no GIL: it is as parallel as with the GIL released.
            # A fork-join product waits for its slowest chunk, so a core shared with another
            # process takes the whole gain: checked only when both cores are nearly free.
            self.assertSpeedup(rate(data, "op2=1") / one, cores, 0.4, "threads=2", 1.7)
            self.assertSpeedup(rate(data, "op2_hold=1") / one, cores, 0.4,
                               "threads=2, GIL held", 1.7)

        self.attempts(measure, check, parallel=True)

    def test_vector_norm(self):
        def measure():
            return self.run_experiment("vector_norm", "--duration", "300ms")[1]

        def check(data, cores):
            self.assertLessEqual(cpu_percent(data, "norm_hold=2"), ONE_CORE)
            self.assertLessEqual(gil_bound_speedup(data, "norm_hold=2", "norm_hold=1"),
                                 NO_SPEEDUP)
            self.assertLessEqual(gil_bound_speedup(data, "norm_list=2", "norm_list=1"),
                                 NO_SPEEDUP + 0.05)
            self.assertGreaterEqual(role_stat(data, "norm_list=1", "norm_list", "held_fraction"),
                                    0.5)
            self.assertLessEqual(role_stat(data, "norm=1", "norm", "held_fraction"), 0.2)
            self.assertGreater(rate(data, "norm=1"), 2 * rate(data, "norm_list=1"))
            self.assertSpeedup(rate(data, "norm=2") / rate(data, "norm=1"), cores, 0.5, "norm")

        self.attempts(measure, check, parallel=True)

    def test_closing_question(self):
        def measure():
            return self.run_experiment("closing_question", "--duration", "300ms")[1]

        def check(data, cores):
            self.assertLessEqual(cpu_percent(data, "py_matmul=2"), ONE_CORE)
            self.assertLessEqual(cpu_percent(data, "native_hold=2"), ONE_CORE)
            self.assertLessEqual(gil_bound_speedup(data, "py_matmul=2", "py_matmul=1"),
                                 NO_SPEEDUP)
            self.assertLessEqual(gil_bound_speedup(data, "native_hold=2", "native_matmul=1"),
                                 NO_SPEEDUP)
            self.assertGreaterEqual(
                role_stat(data, "py_matmul=2", "py_matmul", "held_fraction"), 0.9)
            self.assertLessEqual(
                role_stat(data, "native_matmul=2", "native_matmul", "held_fraction"), 0.2)
            self.assertSpeedup(rate(data, "native_matmul=2") / rate(data, "native_matmul=1"),
                               cores, 0.5, "native matmul")

        self.attempts(measure, check, parallel=True)

    def test_subinterpreters(self):
        def check(figures, cores):
            self.assertTrue(figures["available"])
            runs = figures["runs"]
            serial = runs["1 thread, 2 loops in a row"]
            for label in ("2 threads, main interpreter", "2 threads, shared-GIL sub-interpreters"):
                self.assertLessEqual(runs[label]["cpu_percent"], ONE_CORE, label)
                self.assertLessEqual(gil_bound_result(runs[label]["speedup"],
                                                      runs[label]["cpu_percent"],
                                                      serial["cpu_percent"]), NO_SPEEDUP, label)
            own = runs["2 threads, own-GIL sub-interpreters"]
            self.assertEqual(figures["own_gil"], HAS_OWN_GIL)
            if HAS_OWN_GIL:
                self.assertSpeedup(own["speedup"], cores, 0.5, "own-GIL sub-interpreters")
            else:  # 3.11: every interpreter shares the process's one GIL
                self.assertLessEqual(own["cpu_percent"], ONE_CORE)

        self.attempts(lambda: self.run_result("subinterpreters", "--scale", SCALE), check,
                      parallel=True)

    def test_isolation_strategies(self):
        def measure():  # the pool part's budget comes from _lab's environment variable
            os.environ["GILHOST_EXPERIMENT_SCALE"] = SCALE
            try:
                proc, data = self.run_experiment("isolation_strategies", "--duration", "300ms")
            finally:
                del os.environ["GILHOST_EXPERIMENT_SCALE"]
            return result_of(proc), data

        def check(figures, cores):
            pool, data = figures
            self.assertLessEqual(cpu_percent(data, "cpu=2"), ONE_CORE)
            self.assertLessEqual(gil_bound_speedup(data, "cpu=2", "cpu=1"), NO_SPEEDUP)
            self.assertSpeedup(pool["pool_speedup"], cores, 0.5, "2-process pool")
            if not HAS_OWN_GIL:  # 3.11: the script keeps threads and the pool only
                self.assertEqual([c["workers"] for c in data["configs"]], ["cpu=1", "cpu=2"])
                return
            self.assertSpeedup(rate(data, "cpu=2:sub") / rate(data, "cpu=1:sub"), cores, 0.5,
                               "own-GIL sub-interpreters")
            setup = {c["workers"]: c["runs"][0]["setup_ns"] for c in data["configs"]}
            self.assertGreater(setup["cpu=1:sub"], setup["cpu=1"])  # creating an interpreter
            self.assertGreater(pool["pool1_startup_ms"], 0)
            for w in ("cpu-0", "cpu-1"):
                gils = config(data, "cpu=2:sub")["runs"][0]["gils"]
                sub = next(g for g in gils if g["interpreter"] == f"sub:{w}")["metrics"]
                self.assertEqual(sub["summary"]["holder_changes"],
                                 sub["summary"]["switch_number_delta"])

        self.attempts(measure, check, parallel=True)

    # --- beyond the article -------------------------------------------------------------------

    def test_convoy(self):
        def measure():
            return [self.run_experiment("convoy", "--duration", "500ms", "--switch-interval",
                                        interval)[1] for interval in ("5ms", "0.5ms")]

        def check(reports, _):
            slow, fast = reports
            idle = role_stat(slow, "io=1", "io", "latency_p99_ns")
            loaded_5ms = role_stat(slow, "io=1,cpu=2", "io", "latency_p99_ns")
            loaded_05ms = role_stat(fast, "io=1,cpu=2", "io", "latency_p99_ns")
            self.assertGreaterEqual(loaded_5ms, 3 * idle)
            self.assertLess(loaded_05ms, loaded_5ms)
            self.assertLess(rate(slow, "io=1,cpu=2", "io"), 0.5 * rate(slow, "io=1", "io"))
            self.assertGreater(run_gil(fast, "io=1,cpu=2")["summary"]["forced_switches"],
                               2 * run_gil(slow, "io=1,cpu=2")["summary"]["forced_switches"])

        self.attempts(measure, check)

    def test_starvation(self):
        def measure():
            return self.run_experiment("starvation", "--duration", "500ms")[1]

        def check(data, cores):
            short = run_gil(data, "hog_1us=1,waiter=1")
            long_ = run_gil(data, "hog_20us=1,waiter=1")
            never = run_gil(data, "hog_python=1,waiter=1")
            # Whatever the load: no drop request while the hog releases the GIL (every release
            # restarts the waiter's timeout), ~one per waiter call when it never does.
            # (On a busy machine the hog itself can be descheduled for a tick while it holds
            # the GIL, and then a waiter does time out now and then.)
            self.assertGreater(never["summary"]["drop_requests"], 20)
            share = 0.1 if cores is not None and cores >= 1.5 else 0.35
            for gil in (short, long_):
                self.assertLessEqual(gil["summary"]["drop_requests"],
                                     max(3, share * never["summary"]["drop_requests"]))
            # The starvation itself needs a core where the woken waiter can run without taking
            # the hog's: when every core is busy, the waiter preempts the hog on the hog's core
            # and gets the GIL at once (docs/gil-internals.md, section 6).
            if cores is not None and cores >= 1.5:
                w_short = short["roles"]["waiter"]["wait"]
                w_long = long_["roles"]["waiter"]["wait"]
                self.assertTrue(w_short["p90_ns"] >= 10 * w_long["p90_ns"]
                                or w_short["max_ns"] >= 10 * w_long["max_ns"],
                                f"1 us sections: {w_short}\n20 us sections: {w_long}")

        self.attempts(measure, check, parallel=True)

    def test_gilstate_cost(self):
        _, data = self.run_experiment("gilstate_cost", "--calls", "200")
        p50 = {c["workers"].split("=")[0]: next(iter(c["roles"].values()))["latency_p50_ns"]["mean"]
               for c in data["configs"]}
        self.assertEqual(len(p50), 7)
        for in_thread in ("noop", "release", "ctypes_call", "callback"):
            self.assertLess(p50[in_thread], 20_000, in_thread)
        for per_call_thread in ("native_thread", "callback_new_thread", "python_thread"):
            self.assertGreater(p50[per_call_thread], 10_000, per_call_thread)
        self.assertLess(p50["noop"], p50["callback"])
        self.assertGreater(p50["callback_new_thread"], 5 * p50["callback"])
        for c in data["configs"]:
            self.assertEqual(c["runs"][0]["gil"]["summary"]["lost_events"], 0)

    def test_bad_extension(self):
        def measure():
            return self.run_experiment("bad_extension", "--duration", "500ms")[1]

        def check(data, _):
            base, good, bad = "py=1,io=1", "good=1,py=1,io=1", "bad=1,py=1,io=1"
            self.assertGreaterEqual(role_stat(data, bad, "bad", "held_fraction"), 0.5)
            self.assertLessEqual(role_stat(data, good, "good", "held_fraction"), 0.1)
            self.assertLess(rate(data, bad, "py"), 0.6 * rate(data, base, "py"))
            self.assertGreaterEqual(role_stat(data, bad, "io", "latency_p99_ns"),
                                    2 * role_stat(data, good, "io", "latency_p99_ns"))
            self.assertGreaterEqual(role_stat(data, bad, "io", "latency_p99_ns"), 20e6)

        self.attempts(measure, check)

    def test_switch_interval(self):
        _, data = self.run_experiment("switch_interval", "--duration", "300ms")
        self.assertGreater(rate(data, "cpu=2,io=1", "io"), 0)

        def check(figures, _):
            fast, slow = figures["intervals"]["0.5ms"], figures["intervals"]["5ms"]
            self.assertGreater(fast["forced_per_second"], 2 * slow["forced_per_second"])
            self.assertLess(fast["io_latency_p99_ns"], slow["io_latency_p99_ns"])
            self.assertGreater(fast["io_calls_per_second"], slow["io_calls_per_second"])

        self.attempts(lambda: self.run_result("switch_interval", "--sweep", "0.5ms,5ms",
                                              "--each", "400ms"), check)


if __name__ == "__main__":
    unittest.main()
