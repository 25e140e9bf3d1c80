// A small hand-made recording with every event kind, and a Report around it, for the trace and
// HTML writers' tests (test_chrome_trace.cpp, test_html_report.cpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/metrics.hpp"
#include "report/report_data.hpp"

namespace gilhost::testing {

inline trace::Event event_at(std::uint64_t ts, trace::EventKind kind, std::uint32_t aux = 0,
                             std::uint16_t flags = 0) {
  return trace::Event{ts, kind, 0, flags, aux};
}

// A release the eval breaker made in answer to a drop request (trace/event.hpp).
inline constexpr std::uint16_t kForcedRelease =
    trace::kReleaseForced | trace::kReleaseRequestPending;

// Window [1 ms, 11 ms] shifted by `shift` ns. Three threads:
// - cpu-0 holds the GIL when the stream starts (first GIL event a release) and that release is
//   forced by cpu-1's drop request at 1.45 ms; later its own drop request at 6.8 ms forces
//   cpu-1's release at 7 ms (which does the FORCE_SWITCHING hand-off). It marks "phase two".
// - cpu-1 holds [2 ms, 7 ms], runs the native kernel "matmul" inside its second call, then holds
//   again [9.0005 ms, 10 ms].
// - "Thread-1" (no role) waits from 9.5 ms and holds from 10.0005 ms to the end of the stream.
inline trace::Recording synthetic_recording(std::uint64_t shift = 0) {
  using K = trace::EventKind;
  auto at = [shift](std::uint64_t ts, K kind, std::uint32_t aux = 0, std::uint16_t flags = 0) {
    return event_at(ts + shift, kind, aux, flags);
  };
  trace::Recording r;
  r.window_begin_ns = 1'000'000 + shift;
  r.window_end_ns = 11'000'000 + shift;
  r.switch_number_begin = 100;
  r.switch_number_end = 104;
  r.interval_us = 5000;
  r.labels = {"phase one", "phase two"};
  r.kernels = {"matmul"};
  trace::ThreadEvents t0{{101, "cpu-0", "cpu", "", "gilhost"}, {}, 0};
  t0.events = {at(900'000, K::kCallBegin, 0),   at(1'500'000, K::kRelease, 100, kForcedRelease),
               at(1'600'000, K::kCallEnd, 0),   at(1'700'000, K::kCallBegin, 1),
               at(1'800'000, K::kRequest),      at(6'800'000, K::kDropRequest),
               at(7'010'000, K::kAcquire, 101), at(7'500'000, K::kMark, 1),
               at(9'000'000, K::kRelease, 102), at(9'100'000, K::kCallEnd, 1),
               at(9'200'000, K::kCallBegin, 2)};
  trace::ThreadEvents t1{{102, "cpu-1", "cpu", "", "gilhost"}, {}, 0};
  t1.events = {at(1'100'000, K::kCallBegin, 0),
               at(1'200'000, K::kRequest),
               at(1'450'000, K::kDropRequest),
               at(2'000'000, K::kAcquire, 100),
               at(7'000'000, K::kRelease, 101, kForcedRelease),
               at(7'000'100, K::kForced),
               at(7'000'200, K::kHandoffBegin),
               at(7'010'500, K::kHandoffEnd),
               at(7'100'000, K::kCallEnd, 0),
               at(7'200'000, K::kCallBegin, 1),
               at(7'300'000, K::kNativeBegin, 0),
               at(8'300'000, K::kNativeEnd, 0),
               at(8'400'000, K::kRequest),
               at(9'000'500, K::kAcquire, 102),
               at(10'000'000, K::kRelease, 103),
               at(10'100'000, K::kCallEnd, 1)};
  trace::ThreadEvents t2{{103, "", "", "Thread-1", "python3"}, {}, 0};
  t2.events = {at(9'500'000, K::kRequest), at(10'000'500, K::kAcquire, 103),
               at(10'500'000, K::kMark, 0)};
  r.threads = {std::move(t0), std::move(t1), std::move(t2)};
  return r;
}

inline report::RunRecord synthetic_run(std::uint64_t shift, bool keep_recording = true) {
  report::RunRecord run;
  trace::Recording rec = synthetic_recording(shift);
  run.gil = analysis::compute_metrics(rec);
  auto worker = [](int index, std::uint64_t calls, int tid) {
    analysis::WorkerResult w;
    w.role = "cpu";
    w.index = index;
    w.name = "cpu-" + std::to_string(index);
    w.tid = tid;
    w.calls = calls;
    w.latency.record_n(4'000'000, calls);
    w.cpu_ns = 6'000'000;
    return w;
  };
  run.phase.workers = {worker(0, 2, 101), worker(1, 2, 102)};
  run.phase.wall_ns = 10'000'000;
  run.phase.process_cpu_ns = 12'000'000;
  run.phase.switch_number_begin = rec.switch_number_begin;
  run.phase.switch_number_end = rec.switch_number_end;
  if (keep_recording) run.recording = std::move(rec);
  return run;
}

inline report::Report synthetic_report(int runs = 1, bool traced = true) {
  report::Report r;
  report::Context& c = r.context;
  c.gilhost_version = "0.1.0";
  c.python_version = "3.12.3";
  c.python_executable = "/usr/bin/python3.12";
  c.cpu_model = "Test CPU @ 3.00GHz";
  c.cpu_count = 4;
  c.switch_interval_ns = 5'000'000;
  c.argv = {"gilhost", "run", "--workers", "cpu=2", "exp.py"};
  c.date = "2024-05-01T12:00:00Z";
  c.clock_source = "tsc";
  c.traced = traced;
  c.script = "exp.py";
  report::ConfigResult config{{{"cpu", 2}}, {}};
  for (int i = 0; i < runs; ++i) {
    report::RunRecord run = synthetic_run(std::uint64_t(i) * 20'000'000, traced);
    if (!traced) run.gil.reset();
    config.runs.push_back(std::move(run));
  }
  r.configs.push_back(std::move(config));
  return r;
}

}  // namespace gilhost::testing
