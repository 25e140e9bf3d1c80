"""Record once, report many times: `gilhost report FILE` writes what `gilhost run` wrote, byte for
byte, from the recording alone; a cut, damaged or foreign recording is said so in one line."""
import json
import os
import struct
import tempfile
import unittest
import zlib

from gilhost_test import TempDirTestCase, GilhostTestCase, run, script

MIX = script("record_mix.py")
EXPORTS = ("json", "html", "trace", "events", "stacks")


class RecordTest(TempDirTestCase):
    def exports(self, tag):
        return [a for e in EXPORTS for a in (f"--{e}", self.path(f"{tag}.{e}"))]

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def record(self, *args, exports=True):
        rec = self.path("run.gilrec")
        proc = run("run", "--quiet", "--record", rec, *(self.exports("run") if exports else ()),
                   *args)
        self.assertOk(proc)
        return rec

    def rewrite_header(self, name, at, new_bytes):
        """The recording with `new_bytes` written over its header at byte `at` and the header's
        checksum recomputed (docs/formats.md, "Recording file"), as file `name`."""
        data = bytearray(self.read("run.gilrec"))
        data[at:at + len(new_bytes)] = new_bytes
        size = struct.unpack("<I", data[14:18])[0]
        data[size - 4:size] = struct.pack("<I", zlib.crc32(bytes(data[:size - 4])))
        with open(self.path(name), "wb") as f:
            f.write(data)

    def assertSameReports(self, rec):
        proc = run("report", "--quiet", rec, *self.exports("again"))
        self.assertOk(proc)
        for e in EXPORTS:
            with self.subTest(export=e):
                self.assertEqual(self.read(f"run.{e}"), self.read(f"again.{e}"))

    def test_workers_configs_runs_and_warmups_report_identically(self):
        rec = self.record("--workers", "cpu=2,io=1", "--workers", "cpu=1", "--runs", "2",
                          "--warmup", "1", "--calls", "40", MIX)
        self.assertSameReports(rec)
        with open(self.path("again.json")) as f:
            data = json.load(f)
        self.assertEqual(data["status"], "complete")
        self.assertEqual([len(c["runs"]) for c in data["configs"]], [2, 2])
        for config in data["configs"]:
            for r in config["runs"]:
                s = r["gil"]["summary"]
                self.assertEqual(s["thread_state_switches"], s["switch_number_delta"])
                self.assertEqual(s["held_ns"] + s["free_ns"], s["window_ns"])
                self.assertEqual(s["lost_events"], 0)

    def test_json_of_a_run_without_timelines_is_the_report_of_its_recording(self):
        # Without --html/--trace/--events the run's JSON comes from the live analysis; the
        # report's from the replay: the same calls, the same bytes.
        rec = self.path("live.gilrec")
        proc = run("run", "--quiet", "--record", rec, "--json", self.path("live.json"),
                   "--workers", "cpu=2", "--duration", "300ms", MIX)
        self.assertOk(proc)
        proc = run("report", "--quiet", rec, "--json", self.path("replayed.json"))
        self.assertOk(proc)
        self.assertEqual(self.read("live.json"), self.read("replayed.json"))

    def test_sub_interpreter_workers_report_identically(self):
        rec = self.record("--workers", "cpu=2:sub", "--calls", "30",
                          script("subinterp_cpu.py"))
        self.assertSameReports(rec)

    def test_script_without_workers_reports_identically(self):
        code = ("import threading, gilhost\n"
                "def f():\n    gilhost.mark('t'); sum(range(200000))\n"
                "ts = [threading.Thread(target=f) for _ in range(3)]\n"
                "[t.start() for t in ts]; [t.join() for t in ts]\n")
        rec = self.record("-c", code)
        self.assertSameReports(rec)

    def test_table_of_a_report_is_the_runs(self):
        rec = self.path("t.gilrec")
        first = run("run", "--record", rec, "--workers", "cpu=1", "--calls", "20", MIX)
        self.assertOk(first)
        again = run("report", rec)
        self.assertOk(again)
        self.assertEqual(first.stdout, again.stdout)

    def test_a_cut_recording_reports_its_complete_windows_as_partial(self):
        rec = self.record("--workers", "cpu=1", "--runs", "3", "--calls", "20", MIX,
                          exports=False)
        data = self.read("run.gilrec")
        with open(self.path("cut.gilrec"), "wb") as f:
            f.write(data[:-3])
        proc = run("report", "--quiet", self.path("cut.gilrec"), "--json", self.path("cut.json"))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn("truncated at byte", lines[0])
        with open(self.path("cut.json")) as f:
            cut = json.load(f)
        self.assertEqual(cut["status"], "partial")
        # Every window is flushed when it closes: all three runs are in the cut file.
        self.assertEqual(len(cut["configs"][0]["runs"]), 3)

    def test_a_damaged_recording_stops_at_the_damage(self):
        self.record("--workers", "cpu=1", "--runs", "2", "--calls", "20", MIX, exports=False)
        data = bytearray(self.read("run.gilrec"))
        data[len(data) // 2] ^= 0x40
        with open(self.path("bad.gilrec"), "wb") as f:
            f.write(data)
        proc = run("report", "--quiet", self.path("bad.gilrec"), "--json", self.path("bad.json"))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("corrupt at byte", proc.stderr)
        with open(self.path("bad.json")) as f:
            self.assertEqual(json.load(f)["status"], "partial")

    def test_another_format_is_refused_naming_its_writer(self):
        self.record("--workers", "cpu=1", "--calls", "5", MIX, exports=False)
        self.rewrite_header("future.gilrec", 10, struct.pack("<I", 99))  # the format
        proc = run("report", self.path("future.gilrec"), "--json", self.path("f.json"))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn("recording format 99, this gilhost reads format 2 (written by gilhost", lines[0])
        self.assertFalse(os.path.exists(self.path("f.json")))

    def test_another_gilhost_version_is_refused(self):
        self.record("--workers", "cpu=1", "--calls", "5", MIX, exports=False)
        n = struct.unpack("<H", self.read("run.gilrec")[18:20])[0]
        self.rewrite_header("other.gilrec", 20, b"9" * n)  # the writer's version, same length
        proc = run("report", self.path("other.gilrec"), "--json", self.path("o.json"))
        self.assertEqual(proc.returncode, 1, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertIn("written by gilhost " + "9" * n + ", this is gilhost", lines[0])
        self.assertFalse(os.path.exists(self.path("o.json")))

    def test_what_is_not_a_recording_is_refused_in_one_line(self):
        with open(self.path("empty"), "wb"):
            pass
        for target, fragment in ((MIX, "not a gilhost recording"),
                                 (self.path("empty"), "empty file"),
                                 (self.path("missing"), "No such file")):
            with self.subTest(target=target):
                proc = run("report", target, "--json", self.path("x.json"))
                self.assertEqual(proc.returncode, 1, proc.stderr)
                lines = proc.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, proc.stderr)
                self.assertTrue(lines[0].startswith("gilhost: error: "), lines[0])
                self.assertIn(fragment, lines[0])
                self.assertFalse(os.path.exists(self.path("x.json")))

    def test_bad_uses_are_refused_before_any_work(self):
        rec = self.record("--workers", "cpu=1", "--calls", "5", MIX, exports=False)
        self.assertUsageError(run("report", rec, "--json", rec), "names the recording itself")
        self.assertUsageError(run("run", "--no-trace", "--record", self.path("r"), MIX),
                              "--record needs the tracer")
        self.assertUsageError(run("run", "--record", "-", MIX), "not standard output")
        self.assertUsageError(run("run", "--record", self.path("r"), os.path.dirname(MIX)),
                              "--record needs one script")
        self.assertUsageError(run("run", "--record", self.path("same"), "--json",
                                  self.path("same"), MIX), "same file")
        self.assertFalse(os.path.exists(self.path("r")))


if __name__ == "__main__":
    unittest.main()
