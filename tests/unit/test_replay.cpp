// A recording replayed through the analysis gives the live analysis's figures exactly; the
// host's context blobs and histograms come back field for field.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <random>
#include <string>

#include "analysis/analysis_sink.hpp"
#include "record/journal.hpp"
#include "record/tee.hpp"
#include "workload/recording_blobs.hpp"

namespace {

using gilhost::analysis::AnalysisSink;
using gilhost::analysis::CloseParams;
using gilhost::analysis::GilMetrics;
using gilhost::analysis::Histogram;
using gilhost::analysis::WindowResult;
using gilhost::trace::Event;
using gilhost::trace::EventKind;

std::string temp_path() {
  char name[] = "/tmp/gilhost-test-replay-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  return name;
}

// Threads taking the GIL in turns, in drains of a few events, with flags, marks, losses and
// run-queue samples, over three windows.
std::vector<WindowResult> feed_run(gilhost::record::Sink& sink, AnalysisSink& analysis) {
  std::mt19937_64 rng(7);
  auto pick = [&rng](std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
  };
  std::vector<WindowResult> out;
  std::uint64_t t = 1000;
  std::uint32_t sn = 0;
  sink.label(0, "phase");
  for (std::uint32_t s = 0; s < 4; ++s)
    sink.thread_info(s, {int(100 + s), "w-" + std::to_string(s), "w", "", "os"});
  for (int window = 0; window < 3; ++window) {
    const std::uint64_t begin = t;
    sink.begin_window(begin);
    for (int turn = 0; turn < 2000; ++turn) {
      const auto s = std::uint32_t(pick(0, 3));
      std::vector<Event> batch = {{t, EventKind::kRequest, 0, 0, 0},
                                  {t + pick(1, 50), EventKind::kAcquire, 0, 0, sn}};
      ++sn;
      const bool forced = pick(0, 3) == 0;
      batch.push_back({batch.back().ts_ns + pick(1, 5000), EventKind::kRelease, 0,
                       std::uint16_t(forced ? gilhost::trace::kReleaseForced : 0), sn});
      if (forced) batch.push_back({batch.back().ts_ns + 1, EventKind::kForced, 0, 0, 0});
      if (pick(0, 50) == 0) batch.push_back({batch.back().ts_ns + 1, EventKind::kMark, 0, 0, 0});
      t = batch.back().ts_ns + 1;
      sink.add_events(s, batch.data(), batch.size());
      if (pick(0, 500) == 0) sink.add_lost(s, pick(1, 9));
      if (turn % 100 == 0) {
        for (std::uint32_t x = 0; x < 4; ++x) sink.sched_sample({int(x), t, t / 10 * x, 0});
        sink.advance(t - 20000);
      }
    }
    CloseParams p;
    p.begin_ticks = begin;
    p.main_sn_end = sn;
    p.blocked_limit = 3;
    sink.context("close", gilhost::analysis::encode(p));
    sink.close_window(t);
    out.push_back(analysis.take_window());
    t += 10;
  }
  return out;
}

void check_same(const GilMetrics& a, const GilMetrics& b) {
  CHECK(a.summary.acquires == b.summary.acquires);
  CHECK(a.summary.holder_changes == b.summary.holder_changes);
  CHECK(a.summary.held_ns == b.summary.held_ns);
  CHECK(a.summary.forced_switches == b.summary.forced_switches);
  CHECK(a.summary.handshakes == b.summary.handshakes);
  CHECK(a.summary.thread_state_switches == b.summary.thread_state_switches);
  CHECK(a.summary.held_off_cpu_ns == b.summary.held_off_cpu_ns);
  CHECK(a.summary.handoff.p99_ns == b.summary.handoff.p99_ns);
  CHECK(a.summary.malformed_events == b.summary.malformed_events);
  CHECK(a.blocked == b.blocked);
  CHECK(a.blocked_other_ns == b.blocked_other_ns);
  CHECK(a.marks == b.marks);
  REQUIRE(a.threads.size() == b.threads.size());
  for (std::size_t i = 0; i < a.threads.size(); ++i) {
    CHECK(a.threads[i].info == b.threads[i].info);
    CHECK(a.threads[i].lost == b.threads[i].lost);
    CHECK(a.threads[i].gil.hold.p50_ns == b.threads[i].gil.hold.p50_ns);
    CHECK(a.threads[i].gil.wait.total_ns == b.threads[i].gil.wait.total_ns);
    CHECK(a.threads[i].gil.held_off_cpu_ns == b.threads[i].gil.held_off_cpu_ns);
  }
}

}  // namespace

TEST_CASE("replay: a recording gives the live analysis's figures exactly", "[replay]") {
  const std::string path = temp_path();
  AnalysisSink live;
  std::vector<WindowResult> first;
  {
    gilhost::record::Writer writer(path);
    gilhost::record::Tee tee(live, writer);
    first = feed_run(tee, live);
    writer.finish();
  }
  AnalysisSink again(/*keep_raw=*/true);
  std::vector<WindowResult> second;
  again.on_close = [&] { second.push_back(again.take_window()); };
  const gilhost::record::ReadResult read = gilhost::record::replay(path, again);
  std::remove(path.c_str());
  CHECK(read.complete);
  REQUIRE(first.size() == 3);
  REQUIRE(second.size() == 3);
  for (std::size_t w = 0; w < 3; ++w) {
    INFO("window " << w);
    check_same(*first[w].metrics.gils[0], *second[w].metrics.gils[0]);
    CHECK(first[w].recording.window_begin_ns == second[w].recording.window_begin_ns);
    CHECK(first[w].recording.lost_total == second[w].recording.lost_total);
    // The replay kept the raw events: every event of the window, in each thread's order.
    std::size_t events = 0;
    for (const auto& t : second[w].recording.threads) events += t.events.size();
    CHECK(events > 2000 * 3);
    CHECK(first[w].metrics.gils[0]->blocked_pairs > 3);  // the limit was applied, not lifted
  }
}

TEST_CASE("replay: histograms and window blobs come back field for field", "[replay]") {
  Histogram h;
  for (std::uint64_t v : {1ull, 127ull, 128ull, 5000ull, 123456789ull}) h.record_n(v, v % 7 + 1);
  const Histogram back = Histogram::from_parts(h.parts());
  CHECK(back.count() == h.count());
  CHECK(back.total() == h.total());
  CHECK(back.min() == h.min());
  CHECK(back.max() == h.max());
  for (std::uint64_t q : {0, 50, 90, 99, 100}) CHECK(back.percentile(q) == h.percentile(q));
  CHECK(Histogram::from_parts(Histogram{}.parts()).count() == 0);

  gilhost::workload::WindowBlob w;
  w.first_of_config = true;
  w.kept = false;
  w.workers = {{"cpu", 2, gilhost::cli::Isolation::kSub}, {"io", 1, {}}};
  w.phase.workers.push_back({"cpu", 1, "cpu-1", 42, 9, h, 77});
  w.phase.wall_ns = 5;
  w.phase.status = gilhost::analysis::PhaseStatus::kTimedOut;
  w.phase.exit_status = 124;
  w.phase.error_text = "Traceback \xff\n";  // not UTF-8: kept with a replacement character
  w.phase.sub_gils.push_back({3, "sub:cpu-0", 10, 20});
  w.phase.stuck_workers = {"cpu-1"};
  w.census = {true, 3, 1, 2, 0};
  w.switch_number_end = 99;
  const gilhost::workload::WindowBlob r =
      gilhost::workload::decode_window(gilhost::workload::encode(w));
  CHECK(r.first_of_config);
  CHECK_FALSE(r.kept);
  CHECK(r.workers == w.workers);
  CHECK(r.phase.workers.at(0).latency.percentile(50) == h.percentile(50));
  CHECK(r.phase.workers.at(0).cpu_ns == 77);
  CHECK(r.phase.status == gilhost::analysis::PhaseStatus::kTimedOut);
  CHECK(r.phase.exit_status == 124);
  CHECK(r.phase.error_text.rfind("Traceback ", 0) == 0);
  CHECK(r.phase.sub_gils.at(0).interpreter == "sub:cpu-0");
  CHECK(r.phase.stuck_workers == w.phase.stuck_workers);
  CHECK(r.census.own_gils == 2);
  CHECK(r.switch_number_end == 99);
  CHECK_THROWS_AS(gilhost::workload::decode_window("{\"script\": 1}"), std::runtime_error);
  CHECK_THROWS_AS(gilhost::workload::decode_end("not json"), std::runtime_error);
}

TEST_CASE("replay: timelines keep a window's first events, the figures all of them", "[replay]") {
  AnalysisSink sink(/*keep_raw=*/true, /*raw_limit=*/10);
  for (std::uint32_t s = 0; s < 2; ++s) sink.thread_info(s, {int(10 + s), "", "", "", ""});
  sink.begin_window(0);
  std::uint32_t sn = 0;
  for (std::uint64_t t = 10; t < 1000; t += 20) {
    const std::uint32_t s = (t / 20) % 2;
    std::vector<Event> batch = {{t, EventKind::kRequest, 0, 0, 0},
                                {t + 1, EventKind::kAcquire, 0, 0, sn},
                                {t + 10, EventKind::kRelease, 0, 0, ++sn}};
    sink.add_events(s, batch.data(), batch.size());
  }
  sink.context("close", gilhost::analysis::encode(CloseParams{}));
  sink.close_window(1000);
  WindowResult w = sink.take_window();
  std::size_t kept = 0;
  for (const auto& t : w.recording.threads) {
    kept += t.events.size();
    for (const Event& e : t.events) CHECK(e.ts_ns < w.recording.raw_cut_ns);
  }
  CHECK(kept == 10);
  CHECK(w.recording.raw_cut_ns > 0);
  CHECK(kept + w.recording.raw_not_kept == 150);
  CHECK(w.metrics.gils[0]->summary.acquires == 50);  // every event was analysed
}
