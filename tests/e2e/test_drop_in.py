"""gilhost run as a drop-in python3.12: venvs, interpreter options, stdin, exit and signals.

Each fact is checked against the python the tests run on (the host's own CPython): what
python3.12 does is the expected result, not a value written here.
"""
import json
import os
import re
import signal
import subprocess
import sys
import textwrap

from gilhost_test import BIN, PYTHON_MINOR, TempDirTestCase, run

PYTHON_NAME = "python" + PYTHON_MINOR

# Prints what a script can see of how it was started.
PROBE = textwrap.dedent("""\
    import json, sys, warnings
    flags = {k: getattr(sys.flags, k) for k in dir(sys.flags)
             if not k.startswith("_") and not callable(getattr(sys.flags, k))}
    print(json.dumps({
        "flags": flags, "xoptions": sys._xoptions, "warnoptions": sys.warnoptions,
        "argv": sys.argv, "orig_argv": sys.orig_argv[1:], "executable": sys.executable,
        "orig0": sys.orig_argv[0],
        "file": globals().get("__file__"), "path": sys.path,
        "site": "site" in sys.modules, "write_through": sys.stdout.write_through,
        "filters": [str(f[0]) + str(f[2].__name__) for f in warnings.filters[:3]],
        "meta_path": [getattr(f, "__name__", type(f).__name__) for f in sys.meta_path],
    }))
""")


def python(*args, **kw):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60,
                          **kw)


class DropInCase(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.probe = self.path("probe.py")
        with open(self.probe, "w") as f:
            f.write(PROBE)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(textwrap.dedent(text))
        return self.path(name)

    def seen(self, proc):
        self.assertOk(proc)
        return json.loads(proc.stdout.strip().splitlines()[-1])


class InterpreterOptionsTest(DropInCase):
    OPTION_SETS = [
        ["-X", "dev"], ["-Xdev"], ["-u"], ["-I"], ["-E"], ["-s"], ["-S"], ["-O"], ["-OO"],
        ["-B"], ["-W", "error"], ["-Werror::DeprecationWarning"], ["-q"], ["-b"], ["-bb"],
        ["-P"], ["-uBO"], ["-X", "utf8", "-X", "int_max_str_digits=100"], ["-X", "importtime"],
    ]

    def test_each_option_means_what_it_means_to_python(self):
        for opts in self.OPTION_SETS:
            with self.subTest(opts=opts):
                want = self.seen(python(*opts, "probe.py", "a", "-b", cwd=self.dir))
                got = self.seen(run("run", "--quiet", *opts, "probe.py", "a", "-b",
                                    cwd=self.dir))
                self.assertEqual(got, want)

    def test_targets_c_m_and_fused_forms(self):
        sys_path_pkg = self.write("mod_probe.py", PROBE)
        self.assertTrue(sys_path_pkg)
        for target in (["-c", PROBE, "x"], ["-c" + PROBE, "x"], ["-m", "mod_probe", "y"],
                       ["-mmod_probe", "y"], ["-I", "-c", PROBE]):
            with self.subTest(target=target[:1]):
                want = self.seen(python(*target, cwd=self.dir))
                got = self.seen(run("run", "--quiet", *target, cwd=self.dir))
                self.assertEqual(got, want)

    def test_gilhost_options_and_python_options_mix_before_the_target(self):
        want = self.seen(python("-X", "dev", "-u", "probe.py", cwd=self.dir))
        got = self.seen(run("run", "-X", "dev", "--quiet", "-u", "probe.py", cwd=self.dir))
        self.assertEqual(got, want)

    def test_script_from_stdin(self):
        want = self.seen(python("-", "a", "b", input=PROBE, cwd=self.dir))
        got = self.seen(run("run", "--quiet", "-", "a", "b", input=PROBE, cwd=self.dir))
        self.assertEqual(got, want)
        self.assertEqual(got["file"], "<stdin>")

    def test_stdin_script_with_workers(self):
        src = "GILHOST = {'workers': {'cpu': 1}, 'calls': 3}\ndef cpu():\n    pass\n"
        proc = run("run", "--quiet", "--json", "-", "-", input=src)
        self.assertOk(proc)
        data = json.loads(proc.stdout)
        self.assertEqual(data["configs"][0]["runs"][0]["calls"], 3)

    def test_unknown_python_option_is_one_line(self):
        self.assertUsageError(run("run", "-i", "-c", "pass"), "no interactive prompt")
        self.assertUsageError(run("run", "-Z", "-c", "pass"), "unknown option -Z")
        self.assertUsageError(run("run", "-X"), "-X needs an argument")


class VirtualEnvTest(DropInCase):
    """python3.12 honours a venv through pyvenv.cfg beside the executable it runs as."""

    def setUp(self):
        super().setUp()
        self.venv = self.path("venv")
        proc = python("-m", "venv", "--without-pip", self.venv)
        self.assertOk(proc)
        site = python("-c", "import sysconfig; print(sysconfig.get_path('purelib', vars="
                      f"{{'base': {self.venv!r}, 'platbase': {self.venv!r}}}))").stdout.strip()
        # An editable install: the project's source directory on a .pth line, and an import
        # line as setuptools' editable finders use.
        src = self.path("project/src/mypkg")
        os.makedirs(src)
        with open(os.path.join(src, "__init__.py"), "w") as f:
            f.write("VALUE = 42\n")
        with open(os.path.join(site, "__editable__.mypkg.pth"), "w") as f:
            f.write(self.path("project/src") + "\nimport os; os.environ['PTH_IMPORT_RAN'] = '1'\n")
        self.app = self.write("app.py", """\
            import json, multiprocessing, os, subprocess, sys
            import mypkg

            def prefix():
                return sys.prefix

            if __name__ == "__main__":
                child = subprocess.run([sys.executable, "-c",
                                        "import sys, mypkg; print(sys.prefix)"],
                                       capture_output=True, text=True).stdout.strip()
                with multiprocessing.get_context("spawn").Pool(1) as pool:
                    spawned = pool.apply(prefix)
                print(json.dumps({"prefix": sys.prefix, "executable": sys.executable,
                                  "value": mypkg.VALUE, "pth": os.environ.get("PTH_IMPORT_RAN"),
                                  "child": child, "spawned": spawned}))
            """)

    def check(self, got, executable):
        self.assertEqual(got["prefix"], self.venv)
        self.assertEqual(got["executable"], executable)
        self.assertEqual(got["value"], 42)
        self.assertEqual(got["pth"], "1")
        self.assertEqual(got["child"], self.venv)
        self.assertEqual(got["spawned"], self.venv)

    def test_activated_venv(self):
        env = dict(os.environ, VIRTUAL_ENV=self.venv,
                   PATH=os.path.join(self.venv, "bin") + os.pathsep + os.environ["PATH"])
        env.pop("PYTHONHOME", None)
        got = self.seen(run("run", "--quiet", self.app, env=env, timeout=120))
        self.check(got, os.path.join(self.venv, "bin", PYTHON_NAME))

    def test_python_option_names_the_venv(self):
        exe = os.path.join(self.venv, "bin", "python")
        got = self.seen(run("run", "--python", exe, "--quiet", self.app, timeout=120))
        self.check(got, exe)

    def test_without_the_venv_its_packages_are_not_seen(self):
        proc = run("run", "--quiet", self.app)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("ModuleNotFoundError: No module named 'mypkg'", proc.stderr)

    def test_pythonhome_is_honoured(self):
        base = python("-c", "import sys; print(sys.base_prefix)").stdout.strip()
        env = dict(os.environ, PYTHONHOME=base)
        want = self.seen(python("probe.py", env=env, cwd=self.dir))
        got = self.seen(run("run", "--quiet", "probe.py", env=env, cwd=self.dir))
        self.assertEqual(got["path"], want["path"])


class ExitAndPathsTest(DropInCase):
    def test_traceback_paths_are_absolute_as_in_python(self):
        self.write("boom.py", "def f():\n    raise ValueError('x')\nf()\n")
        want = python("boom.py", cwd=self.dir)
        got = run("run", "boom.py", cwd=self.dir)
        self.assertEqual(got.returncode, want.returncode)
        self.assertIn(f'File "{self.path("boom.py")}", line 3', got.stderr)
        self.assertTrue(got.stderr.startswith(want.stderr), got.stderr)

    def test_uncaught_keyboard_interrupt_dies_by_sigint(self):
        want = python("-c", "raise KeyboardInterrupt")
        got = run("run", "-c", "raise KeyboardInterrupt")
        self.assertEqual(want.returncode, -signal.SIGINT)
        self.assertEqual(got.returncode, want.returncode)

    def test_a_script_that_never_started_gets_pythons_report_only(self):
        self.write("bad.py", "x = (\n")
        for target in (["bad.py"], ["-c", "import no_such_module_here"]):
            with self.subTest(target=target):
                want = python(*target, cwd=self.dir)
                got = run("run", *target, cwd=self.dir)
                self.assertEqual(got.returncode, want.returncode)
                self.assertEqual(got.stderr, want.stderr)
                self.assertEqual(got.stdout, "")
        got = run("run", "-m", "no_such_module_here")
        self.assertEqual(got.returncode, 1)
        self.assertEqual(len(got.stderr.splitlines()), 1, got.stderr)
        self.assertTrue(got.stderr.endswith(": No module named no_such_module_here\n"))

    def test_sys_exit_is_the_scripts_own_status(self):
        with self.subTest("summary"):
            got = run("run", "-c", "print('out'); import sys; sys.exit(3)")
            self.assertEqual(got.returncode, 3)
            self.assertEqual(got.stdout, "out\n")
            self.assertNotIn("PARTIAL", got.stderr)
            summary = [l for l in got.stderr.splitlines() if l.startswith("gilhost:")]
            self.assertEqual(len(summary), 1, got.stderr)
            self.assertIn("GIL held", summary[0])
        with self.subTest("json"):
            got = run("run", "--quiet", "--json", "-", "-c", "import sys; sys.exit(3)")
            self.assertEqual(got.returncode, 3)
            data = json.loads(got.stdout)
            self.assertEqual((data["status"], data["exit_status"]), ("complete", 3))

    def test_plain_script_summary_is_brief_unless_verbose(self):
        brief = run("run", "-c", "pass")
        self.assertOk(brief)
        self.assertEqual(brief.stdout, "")
        self.assertNotIn("hand-off p50", brief.stderr)
        for verbose in (["-v", "run"], ["run", "-v"]):  # -v before or after the subcommand
            with self.subTest(verbose=verbose):
                full = run(*verbose, "-c", "pass")
                self.assertOk(full)
                self.assertIn("hand-off p50", full.stderr)
                self.assertNotIn("python argv", full.stderr)
        debug = run("run", "-vv", "-c", "pass")
        self.assertIn("python argv", debug.stderr)


class HostInvisibleTest(DropInCase):
    def test_host_threads_block_every_asynchronous_signal(self):
        code = textwrap.dedent("""\
            import os, threading
            main = threading.get_native_id()
            for tid in sorted(os.listdir("/proc/self/task")):
                with open(f"/proc/self/task/{tid}/status") as f:
                    fields = dict(l.split(":", 1) for l in f if ":" in l)
                blocked = int(fields["SigBlk"], 16)
                print(tid == str(main), fields["Name"].strip(), blocked)
            """)
        got = run("run", "--quiet", "-c", code)
        self.assertOk(got)
        others = [l.split() for l in got.stdout.splitlines() if l.startswith("False")]
        self.assertTrue(others, "the tracer runs threads of its own")
        for _, name, blocked in others:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2,
                        signal.SIGCHLD, signal.SIGALRM):
                self.assertTrue(int(blocked) & (1 << (sig - 1)), f"{name} takes {sig.name}")

    def test_sigwait_gets_every_signal(self):
        code = textwrap.dedent("""\
            import os, signal
            signal.signal(signal.SIGUSR1, lambda *a: None)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
            got = 0
            for _ in range(20):
                os.kill(os.getpid(), signal.SIGUSR1)
                got += signal.sigtimedwait({signal.SIGUSR1}, 5) is not None
            print(got)
            """)
        got = run("run", "--quiet", "-c", code)
        self.assertOk(got)
        self.assertEqual(got.stdout.strip(), "20")

    def test_fork_without_threads_warns_as_python_does(self):
        self.write("forker.py", """\
            import os, sys, threading, time, warnings
            def fork():
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    pid = os.fork()
                    if pid == 0:
                        os._exit(0)
                    os.waitpid(pid, 0)
                return [str(w.message).split(",")[0] for w in caught]
            alone = fork()
            stop = threading.Event()
            t = threading.Thread(target=stop.wait)
            t.start()
            with_thread = fork()
            stop.set()
            t.join()
            print(alone, with_thread)
            """)
        want = python("forker.py", cwd=self.dir)
        self.assertOk(want)
        got = run("run", "--quiet", "forker.py", cwd=self.dir)
        self.assertOk(got)
        self.assertEqual(got.stdout, want.stdout)
        self.assertTrue(want.stdout.startswith("[] ['This process"), want.stdout)

    def test_thread_naming_leaves_no_frame_and_no_finder(self):
        self.write("stacks.py", """\
            import sys, threading, traceback
            print([getattr(f, "__name__", type(f).__name__) for f in sys.meta_path])
            def f():
                print([fr.name for fr in traceback.extract_stack()])
            t = threading.Thread(target=f, name="named-one")
            t.start()
            t.join()
            """)
        want = python("stacks.py", cwd=self.dir)
        got = run("run", "--quiet", "--json", self.path("out.json"), "stacks.py", cwd=self.dir)
        self.assertOk(got)
        self.assertEqual(got.stdout, want.stdout)
        with open(self.path("out.json")) as f:
            data = json.load(f)
        names = [t["python_name"] for t in data["script"]["gil"]["threads"]]
        self.assertIn("named-one", names)


class CommandLineTest(DropInCase):
    def test_no_arguments_is_usage_and_status_2(self):
        got = run()
        self.assertEqual(got.returncode, 2)
        self.assertEqual(got.stdout, "")
        self.assertIn("Usage: gilhost", got.stderr)

    def test_run_and_sweep_help_show_the_targets(self):
        for cmd in ("run", "sweep"):
            with self.subTest(cmd=cmd):
                got = run(cmd, "--help")
                self.assertOk(got)
                self.assertIn(f"Usage: gilhost {cmd} [OPTIONS] [PYTHON OPTIONS] (SCRIPT | -m "
                              "MODULE | -c CODE | -) [ARGS...]", got.stdout)
                self.assertIn("-X OPT", got.stdout)

    def test_unknown_option_suggests_the_nearest(self):
        self.assertUsageError(run("run", "--workrs", "cpu=1", "x.py"),
                              "unknown option --workrs (did you mean --workers?)")
        self.assertUsageError(run("sweep", "--swich-interval", "1ms", "x.py"),
                              "did you mean --switch-interval?")
        got = run("run", "--zzzzzzzz", "x.py")
        self.assertUsageError(got, "unknown option --zzzzzzzz")
        self.assertNotIn("did you mean", got.stderr)

    def test_durations_need_a_unit(self):
        self.assertUsageError(run("run", "--switch-interval", "5", "-c", "pass"),
                              "'5' has no unit: write 5s, 5ms, 5us or 5ns")
        self.assertUsageError(run("run", "--duration", "1m", "-c", "pass"),
                              "'1m' is ambiguous: write 1min for minutes or 1ms")
        got = run("run", "--quiet", "--json", "-", "--switch-interval", "1min", "-c", "pass")
        self.assertOk(got)
        self.assertEqual(json.loads(got.stdout)["context"]["switch_interval_ns"], 60 * 10**9)
        for text, ns in (("250ns", 250), ("100us", 100_000), ("100µs", 100_000), ("2ms", 2e6),
                         ("0.5s", 5e8)):
            with self.subTest(text=text):
                got = run("run", "--quiet", "--json", "-", "--switch-interval", text, "-c",
                          "pass")
                if ns < 1000:
                    self.assertUsageError(got, "below 1us")
                    continue
                self.assertOk(got)
                self.assertEqual(json.loads(got.stdout)["context"]["switch_interval_ns"], ns)

    def test_gilhost_dict_numbers_are_seconds(self):
        path = self.write("w.py", """\
            GILHOST = {"workers": {"cpu": 1}, "duration": 0.05, "switch_interval": 0.002}
            def cpu():
                pass
            """)
        got = run("run", "--quiet", "--json", "-", path)
        self.assertOk(got)
        self.assertEqual(json.loads(got.stdout)["context"]["switch_interval_ns"], 2_000_000)

    def test_every_report_option_takes_a_dash(self):
        for option in ("--json", "--events", "--trace", "--html"):
            with self.subTest(option=option):
                got = run("run", "--quiet", option, "-", "-c", "pass")
                self.assertOk(got)
                self.assertTrue(got.stdout.strip(), option)
                if option != "--html":
                    json.loads(got.stdout)


class InstallTest(DropInCase):
    def test_cmake_install_puts_the_launcher_beside_its_hosts(self):
        build = os.path.dirname(BIN)
        if not os.path.exists(os.path.join(build, "cmake_install.cmake")):
            self.skipTest("not a CMake build directory")
        prefix = self.path("prefix")
        proc = subprocess.run(["cmake", "--install", build, "--prefix", prefix],
                              capture_output=True, text=True, timeout=120)
        self.assertOk(proc)
        installed = os.listdir(os.path.join(prefix, "bin"))
        self.assertIn("gilhost", installed)
        self.assertIn("gilhost-" + PYTHON_MINOR, installed)
        got = subprocess.run([os.path.join(prefix, "bin", "gilhost"), "run", "--quiet",
                              "--python", PYTHON_MINOR, "-c", "print('hi')"],
                             capture_output=True, text=True, timeout=60)
        self.assertOk(got)
        self.assertEqual(got.stdout, "hi\n")


if __name__ == "__main__":
    import unittest
    unittest.main()
