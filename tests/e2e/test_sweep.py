"""gilhost sweep: a real sweep with a tiny budget, its outputs, its recommendation, its errors."""
import csv
import io
import json
import os
import signal
import subprocess
import tempfile
import unittest

from gilhost_test import BIN, ONCE, GilhostTestCase, run, run_json, script

TARGET = script("sweep_target.py")
INTERVALS_NS = [500_000, 1_581_000, 5_000_000]  # 500us..5ms:3, log-spaced, whole microseconds


def recommended(points, latency_role, throughput_role, floor=0.95, tie=0.01):
    """The rule of docs/sweep.md, recomputed from the JSON points."""
    rate = {p["interval_ns"]: p["roles"][throughput_role]["calls_per_second"]["mean"]
            for p in points}
    p99 = {p["interval_ns"]: p["roles"][latency_role]["latency_p99_ns"]["mean"] for p in points}
    best = max(rate.values())
    eligible = [i for i in rate if rate[i] >= floor * best]
    lowest = min(p99[i] for i in eligible)
    return max(i for i in eligible if p99[i] <= lowest * (1 + tie))


class SweepTest(GilhostTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.paths = {ext: os.path.join(cls.tmp.name, "sweep." + ext) for ext in ("json", "csv", "html")}
        cls.proc = run("sweep", "--switch-interval", "500us..5ms:3", "--duration", "150ms",
                       "--latency-role", "lat", "--throughput-role", "cpu",
                       "--json", cls.paths["json"], "--csv", cls.paths["csv"],
                       "--html", cls.paths["html"], TARGET)
        with open(cls.paths["json"]) as f:
            cls.data = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_table(self):
        self.assertOk(self.proc)
        out = self.proc.stdout
        self.assertIn("Sweep of " + TARGET + " · 3 intervals × 1 configuration · 1 run × 150 ms",
                      out)
        self.assertIn("switches/s = forced switches per second of wall time", out)
        header = next(line for line in out.splitlines() if line.strip().startswith("interval"))
        self.assertEqual(header.split(), ["interval", "workers", "role", "calls/s", "latency",
                                          "p50", "latency", "p99", "switches/s", "held", "%"])
        table = out.split(header + "\n")[1].split("\n\n")[0]
        rows = [line.split() for line in table.splitlines()]
        # The first row of a point starts "500 us  cpu=1,lat=1  cpu", the next only with its role.
        self.assertEqual([r[3] if r[1] in ("us", "ms") else r[0] for r in rows], ["cpu", "lat"] * 3)
        for interval in ("500 us", "1.58 ms", "5.00 ms"):
            self.assertIn(f"  {interval}  cpu=1,lat=1  cpu", out)
        self.assertNotIn("▕", self.proc.stderr)  # no progress bar when stderr is not a terminal

    def test_recommendation(self):
        out = self.proc.stdout
        chosen = self.data["recommendations"][0]["chosen"]["interval_ns"]
        self.assertEqual(chosen, recommended(self.data["points"], "lat", "cpu"))
        seconds = f"{chosen / 1e9:g}"
        # The suite runs one run per point, so the noise is unknown: a choice other than the
        # default is kept only when the default fails the throughput floor (nothing to test).
        confidence = self.data["recommendations"][0]["confidence"]
        head = "\nRecommendation for cpu=1,lat=1: "
        if confidence == "untested":
            self.assertIn(head + "keep CPython's default switch interval 5.00 ms\n", out)
            self.assertIn("\n  confidence: not tested: with one run per point", out)
        else:
            self.assertIn(confidence, ("is_default", "no_default"))
            self.assertEqual(chosen == 5_000_000, confidence == "is_default")
            self.assertRegex(out, head + r"switch interval [0-9.]+ [um]s "
                                  rf"\(sys\.setswitchinterval\({seconds}\)\)\n")
        self.assertRegex(out, r"\n  rule: the lowest lat p99 with cpu calls/s ≥ 95 % of its best")
        self.assertRegex(out, r"\n  chosen [0-9.]+ [um]s: lat p99 [0-9.]+ [um]s · cpu \d+ calls/s")
        self.assertRegex(out, r"\n  default 5\.00 ms: lat p99 [0-9.]+ [um]s · cpu \d+ calls/s = "
                              r"[0-9.]+ % of the best\n")

    def test_json(self):
        d = self.data
        self.assertEqual(d["schema_version"], 1)
        self.assertEqual(d["status"], "complete")
        for key in ("gilhost_version", "python_version", "cpu_model", "argv", "date", "traced"):
            self.assertIn(key, d["context"])
        self.assertEqual(d["context"]["script"], TARGET)
        self.assertEqual(d["sweep"]["intervals_ns"], INTERVALS_NS)
        self.assertEqual(d["sweep"]["workers"], ["cpu=1,lat=1"])
        self.assertEqual([p["interval_ns"] for p in d["points"]], INTERVALS_NS)
        for p in d["points"]:
            self.assertEqual(p["status"], "complete")
            self.assertEqual(sorted(p["roles"]), ["cpu", "lat"])
            self.assertGreater(p["roles"]["cpu"]["calls_per_second"]["mean"], 0)
            lat = p["roles"]["lat"]
            self.assertGreater(lat["calls_per_second"]["mean"], 0)
            # a call sleeps 0.5 ms without the GIL: never faster than that
            self.assertGreaterEqual(lat["latency_p50_ns"]["mean"], 0.5e6)
            self.assertGreaterEqual(lat["latency_p99_ns"]["mean"], lat["latency_p50_ns"]["mean"])
            self.assertGreater(p["forced_switches_per_second"]["mean"], 0)

    def test_csv(self):
        with open(self.paths["csv"], newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 6)
        self.assertIn("calls_per_second_mean", rows[0])
        self.assertIn("latency_p99_ns", rows[0])
        self.assertEqual([int(r["interval_ns"]) for r in rows[::2]], INTERVALS_NS)
        self.assertEqual({r["workers"] for r in rows}, {"cpu=1,lat=1"})
        self.assertEqual([r["role"] for r in rows], ["cpu", "lat"] * 3)
        self.assertEqual({r["sweep_status"] for r in rows}, {"complete"})
        json_p99 = self.data["points"][1]["roles"]["lat"]["latency_p99_ns"]["mean"]
        self.assertEqual(float(rows[3]["latency_p99_ns"]), json_p99)

    def test_html(self):
        with open(self.paths["html"]) as f:
            html = f.read()
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertEqual(html.count("<svg"), 4)  # calls/s of cpu and of lat, latency, switches
        self.assertIn("<p class=\"recommendation\">Recommended", html)
        for banned in ("http://", "https://", " src=", " href=", "<link"):
            self.assertNotIn(banned, html)
        # The run report's header and style: the data blob and one inline script.
        self.assertEqual(html.count("<script"), 2)
        self.assertIn('<script type="application/json" id="gilhost-data">', html)
        self.assertIn("GH.headerMain();", html)
        self.assertIn("--held: #3566b0", html)


class SweepOptionsTest(GilhostTestCase):
    def test_without_roles_a_hint_instead_of_a_recommendation(self):
        proc = run("sweep", "--switch-interval", "1ms,2ms", "--calls", "20", TARGET)
        self.assertOk(proc)
        self.assertTrue(proc.stdout.endswith(
            "\ngive --latency-role and --throughput-role for a recommendation\n"), proc.stdout)
        self.assertNotIn("5.00 ms", proc.stdout)  # the default is only added for a comparison

    def test_default_interval_added_for_the_comparison(self):
        proc = run("sweep", "--switch-interval", "1ms,2ms", "--calls", "20", "--runs", "2",
                   "--latency-role", "lat", "--throughput-role", "cpu", "--workers", "cpu=1,lat=1",
                   "--workers", "cpu=2", TARGET)
        self.assertOk(proc)
        self.assertIn("5.00 ms (CPython's default) was added for the comparison", proc.stdout)
        self.assertIn("No recommendation for cpu=2: cpu=2 has no role 'lat'", proc.stdout)
        self.assertIn(" ± ", proc.stdout)

    def test_usage_errors(self):
        si = ["--switch-interval", "1ms,2ms"]
        cases = [
            (si + ["--latency-role", "nope", "--throughput-role", "cpu"],
             "--latency-role: no role 'nope' in the workers (roles: cpu, lat)"),
            (si + ["--latency-role", "lat", "--throughput-role", "nope"],
             "--throughput-role: no role 'nope'"),
            (si + ["--latency-role", "lat"], "--latency-role needs --throughput-role"),
            (["--switch-interval", "5ms..1ms"], "from the shorter interval to the longer"),
            (["--switch-interval", "1ms..5ms:1"], "at least 2 points"),
            (["--switch-interval", "soon"], "not a duration"),
            ([], "--switch-interval is required"),
            (si + ["--workers", "missing=1"], "defines no function 'missing'"),
            (si + ["--json", "/nonexistent-dir/x.json"], "/nonexistent-dir/x.json"),
            (si + ["--csv", "/nonexistent-dir/x.csv"], "/nonexistent-dir/x.csv"),
        ]
        for args, fragment in cases:
            with self.subTest(args=args):
                self.assertUsageError(run("sweep", "--calls", "5", *args, TARGET), fragment)
        self.assertUsageError(run("sweep", "--switch-interval", "1ms", os.path.dirname(TARGET)),
                              "is a directory, not a script")

    def test_worker_failure_stops_the_sweep(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "s.json")
            proc = run("sweep", "--switch-interval", "1ms,2ms", "--calls", "5", "--workers",
                       "fail=1", "--json", out, TARGET)
            self.assertEqual(proc.returncode, 1, proc.stderr)
            self.assertIn("ValueError: sweep worker failure for the test", proc.stderr)
            self.assertTrue(proc.stdout.startswith("PARTIAL RESULTS: a worker failed (1 of 2"))
            with open(out) as f:
                data = json.load(f)
            self.assertEqual(data["status"], "failed")
            self.assertEqual([p["status"] for p in data["points"]], ["failed"])

    def test_interrupt_writes_the_partial_sweep(self):
        with tempfile.TemporaryDirectory() as tmp:
            out, table = os.path.join(tmp, "s.json"), os.path.join(tmp, "s.csv")
            p = subprocess.Popen([BIN, "-v", "sweep", *ONCE, "--switch-interval", "500us..5ms:3", "--duration",
                                  "1s", "--json", out, "--csv", table, TARGET],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                started = 0
                for line in p.stderr:  # "gilhost: info: <interval> · <workers>" starts a point
                    started += "cpu=1,lat=1" in line
                    if started == 2:
                        break
                p.send_signal(signal.SIGINT)
                stdout, _ = p.communicate(timeout=60)
            finally:
                p.kill()
            self.assertEqual(p.returncode, 130)
            self.assertTrue(stdout.startswith("PARTIAL RESULTS: the sweep was interrupted"), stdout)
            with open(out) as f:
                data = json.load(f)
            self.assertEqual(data["status"], "interrupted")
            self.assertEqual(data["exit_status"], 130)
            self.assertEqual([p["interval_ns"] for p in data["points"]], INTERVALS_NS[:2])
            self.assertEqual(data["points"][0]["status"], "complete")
            with open(table, newline="") as f:
                self.assertEqual({r["sweep_status"] for r in csv.DictReader(f)}, {"interrupted"})

    def test_switch_interval_is_exact_in_microseconds(self):
        # CPython truncates 1e6 × seconds: 249e-6 s used to become 248 us.
        proc, data = run_json("--workers", "cpu=1", "--calls", "3", "--switch-interval", "249us",
                              TARGET)
        self.assertOk(proc)
        self.assertEqual(data["context"]["switch_interval_ns"], 249_000)


if __name__ == "__main__":
    unittest.main()
