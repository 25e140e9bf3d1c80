"""Statistics that hold, with the real binary: repeated interleaved runs by default, per-role
rates, like-with-like comparisons with their uncertainty, the sweep's confidence, and
`gilhost compare` with its gates, refusals and one-line errors."""
import copy
import json
import os
import re

from gilhost_test import TempDirTestCase, run, run_json, script

BASIC = script("workers_basic.py")
SWEEP = script("sweep_target.py")


class DefaultsTest(TempDirTestCase):
    def test_worker_runs_repeat_interleaved_by_default(self):
        proc = run("-v", "run", "--quiet", "--json", self.path("r.json"), "--calls", "2",
                   "--workers", "count=1", "--workers", "count=2", BASIC, repeat=True)
        self.assertOk(proc)
        with open(self.path("r.json")) as f:
            data = json.load(f)
        self.assertEqual((data["context"]["runs"], data["context"]["warmup"]), (3, 1))
        self.assertEqual([len(c["runs"]) for c in data["configs"]], [3, 3])
        order = re.findall(r"gilhost: info: (warm-up|run) (\S+) (\d)/(\d)", proc.stderr)
        self.assertEqual(order, [("warm-up", "count=1", "1", "1"), ("warm-up", "count=2", "1", "1"),
                                 ("run", "count=1", "1", "3"), ("run", "count=2", "1", "3"),
                                 ("run", "count=1", "2", "3"), ("run", "count=2", "2", "3"),
                                 ("run", "count=1", "3", "3"), ("run", "count=2", "3", "3")])
        # Each figure carries its per-run values, the input of gilhost compare's test.
        rate = data["configs"][0]["roles"]["count"]["calls_per_second"]
        self.assertEqual(len(rate["values"]), 3)
        self.assertAlmostEqual(rate["mean"], sum(rate["values"]) / 3, delta=1e-6 * rate["mean"])

    def test_help_states_the_defaults(self):
        for cmd in ("run", "sweep"):
            out = run(cmd, "--help").stdout
            self.assertRegex(out, r"--runs N\s+Measured runs of each worker configuration, "
                                  r"interleaved A B A B \(default 3\)")
            self.assertRegex(out, r"--warmup N\s+Unreported runs of each configuration before "
                                  r"measuring \(default 1\)")

    def test_no_progress_bar_when_piped(self):
        proc = run("run", "--calls", "2", "--workers", "count=1", BASIC, repeat=True)
        self.assertOk(proc)
        self.assertNotIn("▕", proc.stderr)
        self.assertNotIn("ETA", proc.stderr)


class RatesTest(TempDirTestCase):
    def test_with_calls_each_role_is_over_its_own_time(self):
        code = ("import gilhost\n"
                "GILHOST = {'workers': {'fast': 1, 'slow': 1}}\n"
                "def fast(): pass\n"
                "def slow(): gilhost.sleep(0.01)\n")
        with open(self.path("two.py"), "w") as f:
            f.write(code)
        proc, data = run_json("--quiet", "--calls", "5", self.path("two.py"))
        self.assertOk(proc)
        config = data["configs"][0]
        r = config["runs"][0]
        for w in r["workers"]:
            self.assertEqual(w["calls"], 5)
            self.assertLessEqual(w["active_ns"], r["wall_ns"])
            self.assertAlmostEqual(w["calls_per_second"], 5e9 / w["active_ns"], delta=1e-6)
            role = config["roles"][w["role"]]
            self.assertAlmostEqual(role["time_ns"]["mean"], w["active_ns"])
            self.assertAlmostEqual(role["calls_per_second"]["mean"], 5e9 / w["active_ns"],
                                   delta=1e-6 * role["calls_per_second"]["mean"])
        fast, slow = (next(w for w in r["workers"] if w["role"] == n) for n in ("fast", "slow"))
        # slow slept 5 × 10 ms inside its own time; fast's rate is not divided by that time.
        self.assertGreaterEqual(slow["active_ns"], 50_000_000)
        self.assertNotEqual(config["roles"]["fast"]["calls_per_second"]["mean"],
                            5e9 / r["wall_ns"])

    def test_comparison_is_role_by_role_with_uncertainty(self):
        proc = run("run", "--calls", "3", "--runs", "2", "--warmup", "0",
                   "--workers", "count=1", "--workers", "count=2,spin_a_bit=1", BASIC)
        self.assertOk(proc)
        block = proc.stdout.split("Comparison by each role's calls/s")[1].split("\n\n")[0]
        lines = [line for line in block.splitlines()[1:] if line.strip()]
        self.assertEqual(len(lines), 1, block)  # only count is in both
        self.assertRegex(lines[0], r"^  count: count=2,spin_a_bit=1 is \d+\.\d\d ± \d+\.\d\d× "
                                   r"count=1 · (a|no) significant difference \(p = [0-9.e-]+\)")


class SweepTest(TempDirTestCase):
    def test_points_interleaved_with_confidence_and_the_same_caveats(self):
        proc = run("-v", "sweep", "--switch-interval", "1ms,5ms", "--duration", "50ms",
                   "--latency-role", "lat", "--throughput-role", "cpu", "--warmup", "0",
                   "--json", self.path("s.json"), "--html", self.path("s.html"), SWEEP,
                   repeat=True)
        self.assertOk(proc)
        order = re.findall(r"gilhost: info: run (\S+ \S+) · cpu=1,lat=1 (\d)/3", proc.stderr)
        self.assertEqual(order, [("1.00 ms", "1"), ("5.00 ms", "1"), ("1.00 ms", "2"),
                                 ("5.00 ms", "2"), ("1.00 ms", "3"), ("5.00 ms", "3")])
        self.assertIn("· 3 runs × 50.0 ms per point", proc.stdout)
        with open(self.path("s.json")) as f:
            rec = json.load(f)["recommendations"][0]
        self.assertIn(rec["confidence"], ("is_default", "significant", "inside_noise",
                                          "no_default"))
        if rec["confidence"] == "significant":
            self.assertLess(rec["vs_default"]["p"], 0.05)
        if rec["confidence"] == "inside_noise":
            self.assertGreaterEqual(rec["vs_default"]["p"], 0.05)
        if rec["confidence"] in ("significant", "no_default"):  # the rule's choice stands
            self.assertEqual(rec["recommended_interval_ns"], rec["chosen"]["interval_ns"])
            self.assertIn("sys.setswitchinterval(0.001)", proc.stdout)
        else:
            self.assertEqual(rec["recommended_interval_ns"], 5_000_000)
            self.assertIn("Recommendation for cpu=1,lat=1: keep CPython's default switch "
                          "interval 5.00 ms" if rec["confidence"] == "inside_noise" else
                          "switch interval 5.00 ms", proc.stdout)
        self.assertRegex(proc.stdout, r"\n  confidence: ")
        # The banner lists exactly the text's warnings, with their workers.
        warnings = re.findall(r"\n  warning: (.+)", proc.stdout)
        with open(self.path("s.html")) as f:
            html = f.read()
        blob = json.loads(html.split('id="gilhost-data">')[1].split("</script>")[0])
        self.assertEqual(blob["header"]["warnings"], ["cpu=1,lat=1: " + w for w in warnings])


class CompareTest(TempDirTestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.tmpdir = tempfile.TemporaryDirectory()
        cls.base = os.path.join(cls.tmpdir.name, "base.json")
        proc = run("run", "--quiet", "--json", cls.base, "--calls", "20", "--runs", "3",
                   "--warmup", "0", "--workers", "count=2", BASIC)
        assert proc.returncode == 0, proc.stderr
        with open(cls.base) as f:
            cls.doc = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmpdir.cleanup()

    def write(self, name, doc):
        path = self.path(name)
        with open(path, "w") as f:
            json.dump(doc, f)
        return path

    def with_rates(self, name, values):
        """The base report with the count role's calls/s runs set to `values`; its path."""
        doc = copy.deepcopy(self.doc)
        mean = sum(values) / len(values)
        sd = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
        doc["configs"][0]["roles"]["count"]["calls_per_second"].update(
            values=values, n=len(values), mean=mean, stddev=sd)
        return self.write(name, doc)

    def test_same_report_has_no_significant_change_and_passes_a_gate(self):
        proc = run("compare", self.base, self.base, "--fail-if", "calls_per_second<-5%")
        self.assertOk(proc)
        self.assertRegex(proc.stdout, r"\n  count +calls/s +.+ \+0\.0 ± \d+\.\d % +1 +no "
                                      r"significant change\n")
        self.assertIn("count: +0.0 ± ", proc.stdout)
        self.assertIn("✓", proc.stdout)

    def test_a_significant_regression_fails_the_gate(self):
        # {1000, 1010, 990} -> {500, 505, 495}: Welch p = 5.8e-6 (scipy), a 50 % drop.
        base = self.with_rates("b.json", [1000, 1010, 990])
        new = self.with_rates("n.json", [500, 505, 495])
        proc = run("compare", base, new, "--fail-if", "count.calls_per_second<-5%")
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertRegex(proc.stdout, r"count +calls/s .+ -50\.0 ± [0-9.]+ % +[0-9.e-]+ +slower")
        self.assertIn("✗ FAILED", proc.stdout)
        # The gate in the other direction does not trip.
        self.assertOk(run("compare", base, new, "--fail-if", "calls_per_second>5%"))
        # A drop inside the noise does not fail a build.
        noisy = self.with_rates("noisy.json", [400, 1500, 800])
        self.assertOk(run("compare", base, noisy, "--fail-if", "calls_per_second<-5%"))

    def test_refusals_unless_forced(self):
        other = copy.deepcopy(self.doc)
        other["configs"][0]["workers"] = "count=3"
        other["context"]["python_version"] = "3.99.0"
        other["context"]["switch_interval_ns"] = 1000
        path = self.write("other.json", other)
        self.assertUsageError(run("compare", self.base, path),
                              "do not measure the same thing: different workers (--workers "
                              "count=2 against --workers count=3); different Python versions")
        self.assertIn("different switch intervals (5.00 ms against 1.00 us)",
                      run("compare", self.base, path).stderr)
        forced = copy.deepcopy(other)
        forced["configs"][0]["workers"] = "count=2"
        proc = run("compare", "--force", self.base, self.write("f.json", forced))
        self.assertOk(proc)

    def test_bad_inputs_are_one_line_errors(self):
        sweep = self.write("sweep.json", {"schema_version": 1, "sweep": {}, "points": []})
        future = copy.deepcopy(self.doc)
        future["schema_version"] = 99
        with open(self.path("text.json"), "w") as f:
            f.write("not json")
        cases = [((self.path("missing.json"), self.base), "missing.json: No such file"),
                 ((self.path("text.json"), self.base), "not a gilhost report"),
                 ((self.base, sweep), "a sweep report"),
                 ((self.base, self.write("v.json", future)), "report schema version 99"),
                 ((self.base, self.write("o.json", {"a": 1})), "not a gilhost run report"),
                 ((self.base, self.base, "--fail-if", "calls_per_second<5"),
                  "the threshold is a change in percent"),
                 ((self.base, self.base, "--fail-if", "speed<5%"), "no figure 'speed'"),
                 ((self.base, self.base, "--fail-if", "db.calls_per_second<5%"),
                  "neither report has calls_per_second for role db"),
                 ((self.base,), "NEW is required")]
        for args, fragment in cases:
            with self.subTest(args=args):
                self.assertUsageError(run("compare", *args), fragment)


class TableExportTest(TempDirTestCase):
    HEADER = ("workers,role,threads,runs,calls_per_second_mean,calls_per_second_stddev,"
              "calls_per_second_median,calls_per_second_min,calls_per_second_max,"
              "latency_p50_ns,latency_p99_ns,cpu_percent,held_percent,wait_p50_ns,wait_p99_ns,"
              "relative,relative_stddev,status")

    def test_csv_and_markdown_one_row_per_configuration_and_role(self):
        import csv
        proc, data = run_json("--quiet", "--calls", "3", "--runs", "2", "--warmup", "0",
                              "--csv", self.path("t.csv"), "--markdown", self.path("t.md"),
                              "--workers", "count=1", "--workers", "count=2,spin_a_bit=1", BASIC)
        self.assertOk(proc)
        with open(self.path("t.csv")) as f:
            text = f.read()
        self.assertEqual(text.splitlines()[0], self.HEADER)
        rows = list(csv.DictReader(text.splitlines()))
        self.assertEqual([(r["workers"], r["role"]) for r in rows],
                         [("count=1", "count"), ("count=2,spin_a_bit=1", "count"),
                          ("count=2,spin_a_bit=1", "spin_a_bit")])
        for r, (c, role) in zip(rows, [(0, "count"), (1, "count"), (1, "spin_a_bit")]):
            rate = data["configs"][c]["roles"][role]["calls_per_second"]
            self.assertEqual(int(r["runs"]), 2)
            self.assertAlmostEqual(float(r["calls_per_second_mean"]), rate["mean"],
                                   delta=1e-9 * rate["mean"])
            self.assertEqual(r["status"], "complete")
        self.assertEqual(float(rows[0]["relative"]), 1.0)
        base = data["configs"][0]["roles"]["count"]["calls_per_second"]["mean"]
        other = data["configs"][1]["roles"]["count"]["calls_per_second"]["mean"]
        self.assertAlmostEqual(float(rows[1]["relative"]), other / base, delta=1e-9 * other / base)
        self.assertEqual(rows[2]["relative"], "")  # no spin_a_bit in the first configuration
        with open(self.path("t.md")) as f:
            md = f.read().splitlines()
        self.assertTrue(md[0].startswith("| Workers | Role | Threads | Calls/s |"), md[0])
        self.assertEqual(md[1], "|:---|:---|---:|---:|---:|---:|---:|---:|---:|---:|")
        self.assertEqual(len(md), 5)
        self.assertTrue(md[2].startswith("| `count=1` | count | 1 | "), md[2])
        self.assertTrue(md[2].endswith("| 1.00× |"), md[2])

    def test_csv_on_stdout_moves_the_table_to_stderr(self):
        proc = run("run", "--csv", "-", "--calls", "2", "--workers", "count=1", BASIC)
        self.assertOk(proc)
        self.assertEqual(proc.stdout.splitlines()[0], self.HEADER)
        self.assertIn("Workers count=1", proc.stderr)

    def test_refused_where_there_is_no_one_table(self):
        self.assertUsageError(run("run", "--csv", self.path("x.csv"), os.path.dirname(BASIC)),
                              "--csv and --markdown write one script's table")
        self.assertUsageError(run("run", "--markdown", "", BASIC), "an empty file name")
