// Unit tests of compute_metrics and distribution_of on hand-built recordings with known answers.
#include <catch2/catch.hpp>
#include <numeric>
#include <random>

#include "analysis/metrics.hpp"

namespace {

using gilhost::analysis::BlockedMatrix;
using gilhost::analysis::compute_gil_metrics;
using gilhost::analysis::compute_metrics;
using gilhost::analysis::Distribution;
using gilhost::analysis::distribution_of;
using gilhost::analysis::GilMetrics;
using gilhost::trace::Event;
using gilhost::trace::EventKind;
using gilhost::trace::Recording;
using gilhost::trace::ThreadEvents;

constexpr EventKind kReq = EventKind::kRequest;
constexpr EventKind kAcq = EventKind::kAcquire;
constexpr EventKind kRel = EventKind::kRelease;
constexpr EventKind kForced = EventKind::kForced;
constexpr EventKind kDrop = EventKind::kDropRequest;
constexpr EventKind kHoBegin = EventKind::kHandoffBegin;
constexpr EventKind kHoEnd = EventKind::kHandoffEnd;

Event ev(std::uint64_t ts, EventKind kind, std::uint32_t aux = 0, std::uint8_t gil = 0) {
  return Event{ts, kind, gil, 0, aux};
}

// A release as the tracer records it: `flags` is CPython's verdict (trace/event.hpp).
Event rel(std::uint64_t ts, std::uint16_t flags) { return Event{ts, kRel, 0, flags, 0}; }
constexpr std::uint16_t kForcedRel =
    gilhost::trace::kReleaseForced | gilhost::trace::kReleaseRequestPending;
constexpr std::uint16_t kPendingRel = gilhost::trace::kReleaseRequestPending;

Recording recording(std::uint64_t begin, std::uint64_t end) {
  Recording r;
  r.window_begin_ns = begin;
  r.window_end_ns = end;
  return r;
}

void add_thread(Recording& r, const std::string& role, std::vector<Event> events) {
  ThreadEvents t;
  t.info.tid = 100 + static_cast<int>(r.threads.size());
  t.info.role = role;
  t.info.worker = role.empty() ? "" : role + "-" + std::to_string(r.threads.size());
  t.events = std::move(events);
  r.threads.push_back(std::move(t));
}

void check_distribution(const Distribution& d, std::uint64_t count, std::uint64_t total,
                        std::uint64_t p50, std::uint64_t max) {
  CHECK(d.count == count);
  CHECK(d.total_ns == total);
  CHECK(d.p50_ns == p50);
  CHECK(d.max_ns == max);
}

}  // namespace

TEST_CASE("distribution_of: nearest-rank percentiles of 1..100", "[metrics]") {
  std::vector<std::uint64_t> samples(100);
  std::iota(samples.begin(), samples.end(), 1);
  std::shuffle(samples.begin(), samples.end(), std::mt19937(42));
  Distribution d = distribution_of(samples);
  CHECK(d.count == 100);
  CHECK(d.total_ns == 5050);
  CHECK(d.p50_ns == 50);
  CHECK(d.p90_ns == 90);
  CHECK(d.p99_ns == 99);
  CHECK(d.max_ns == 100);
  CHECK(d.mean_ns() == Approx(50.5));
}

TEST_CASE("distribution_of: small and empty sets", "[metrics]") {
  Distribution three = distribution_of({30, 10, 20});
  CHECK(three.p50_ns == 20);  // rank ceil(1.5) = 2
  CHECK(three.p90_ns == 30);  // rank ceil(2.7) = 3
  CHECK(three.p99_ns == 30);
  CHECK(distribution_of({7}).p50_ns == 7);
  Distribution none = distribution_of(std::vector<std::uint64_t>{});
  CHECK(none.count == 0);
  CHECK(none.max_ns == 0);
  CHECK(none.mean_ns() == 0.0);
}

TEST_CASE("two threads alternating 100 ns holds with 5 ns hand-offs", "[metrics]") {
  Recording r = recording(0, 1000);
  r.switch_number_begin = 10;
  r.switch_number_end = 16;
  r.interval_us = 5000;
  r.lost_total = 3;
  add_thread(r, "cpu",
             {ev(100, kAcq), ev(200, kRel), ev(210, kReq), ev(310, kAcq), ev(410, kRel),
              ev(420, kReq), ev(520, kAcq), ev(620, kRel)});
  add_thread(r, "cpu",
             {ev(150, kReq), ev(205, kAcq), ev(305, kRel), ev(315, kReq), ev(415, kAcq),
              ev(515, kRel), ev(525, kReq), ev(625, kAcq), ev(725, kRel)});
  GilMetrics m = compute_metrics(r);
  const auto& s = m.summary;
  CHECK(s.window_ns == 1000);
  CHECK(s.held_ns == 600);
  CHECK(s.free_ns == 400);
  CHECK(s.utilisation == Approx(0.6));
  CHECK(s.acquires == 6);
  CHECK(s.holder_changes == 6);
  CHECK(s.overlapping_holds == 0);
  CHECK(s.malformed_events == 0);
  CHECK(s.forced_switches == 0);
  check_distribution(s.handoff, 5, 25, 5, 5);
  check_distribution(s.handoff_voluntary, 5, 25, 5, 5);
  CHECK(s.handoff_forced.count == 0);
  CHECK(s.mean_waiters == Approx(0.455));  // waits 100+100 + 55+100+100 over 1000
  CHECK(s.max_waiters == 1);
  CHECK(s.configured_interval_ns == 5'000'000);
  CHECK(s.switch_number_delta == 6);
  CHECK(s.lost_events == 3);

  REQUIRE(m.threads.size() == 2);
  check_distribution(m.threads[0].gil.hold, 3, 300, 100, 100);
  check_distribution(m.threads[0].gil.wait, 2, 200, 100, 100);
  check_distribution(m.threads[1].gil.wait, 3, 255, 100, 100);
  CHECK(m.threads[0].gil.releases == 3);
  CHECK(m.threads[0].gil.held_fraction == Approx(0.3));
  CHECK(m.threads[1].info.worker == "cpu-1");

  REQUIRE(m.roles.count("cpu") == 1);
  check_distribution(m.roles["cpu"].hold, 6, 600, 100, 100);
  check_distribution(m.roles["cpu"].wait, 5, 455, 100, 100);
  CHECK(m.roles["cpu"].releases == 6);
  CHECK(m.roles["cpu"].held_fraction == Approx(0.6));

  BlockedMatrix expected{{0, {{-1, 10}, {1, 190}}}, {1, {{-1, 15}, {0, 240}}}};
  CHECK(m.blocked == expected);
}

TEST_CASE("forced switches with drop requests and hand-off waits", "[metrics]") {
  Recording r = recording(0, 100'000);
  r.interval_us = 5;
  add_thread(r, "cpu",
             {ev(1000, kAcq), rel(11000, kForcedRel), ev(11010, kForced), ev(11020, kHoBegin),
              ev(11400, kHoEnd), ev(11500, kReq), ev(16500, kDrop), ev(21300, kAcq),
              rel(30000, kForcedRel), ev(30005, kForced), ev(30010, kHoBegin), ev(30250, kHoEnd)});
  add_thread(r, "cpu",
             {ev(2000, kReq), ev(7000, kDrop), ev(11300, kAcq), rel(21200, kForcedRel),
              ev(21210, kForced), ev(21220, kHoBegin), ev(21300, kHoEnd), ev(21400, kReq),
              ev(26000, kDrop), ev(30200, kAcq), ev(40000, kRel)});
  GilMetrics m = compute_metrics(r);
  const auto& s = m.summary;
  CHECK(s.forced_switches == 3);
  CHECK(s.handshakes == 3);
  CHECK(s.request_pending_releases == 3);
  CHECK(s.voluntary_with_request == 0);
  CHECK(s.drop_requests == 3);
  CHECK(s.acquires == 4);
  CHECK(s.holder_changes == 4);
  CHECK(s.held_ns == 10000 + 8700 + 9900 + 9800);
  check_distribution(s.handoff, 3, 600, 200, 300);
  check_distribution(s.handoff_forced, 3, 600, 200, 300);
  CHECK(s.handoff_voluntary.count == 0);  // the last release has no next acquire
  check_distribution(s.achieved_interval, 2, 19000, 8800, 10200);
  CHECK(s.configured_interval_ns == 5000);
  CHECK(s.mean_waiters == Approx(27900.0 / 100000.0));
  CHECK(s.malformed_events == 0);

  const auto& a = m.threads[0].gil;
  CHECK(a.releases == 2);
  CHECK(a.forced_releases == 2);
  CHECK(a.drop_requests == 1);
  CHECK(a.handoff_waits == 2);
  check_distribution(a.handoff_wait, 2, 620, 240, 380);
  const auto& b = m.threads[1].gil;
  CHECK(b.forced_releases == 1);
  CHECK(b.drop_requests == 2);
  check_distribution(b.handoff_wait, 1, 80, 80, 80);
  CHECK(m.roles["cpu"].forced_releases == 3);
  CHECK(m.roles["cpu"].handoff_waits == 3);

  BlockedMatrix expected{{0, {{-1, 100}, {1, 9700}}}, {1, {{-1, 500}, {0, 17600}}}};
  CHECK(m.blocked == expected);
}

TEST_CASE("a waiter blocked by two holders in sequence", "[metrics]") {
  Recording r = recording(0, 1000);
  add_thread(r, "", {ev(100, kAcq), ev(300, kRel)});
  add_thread(r, "", {ev(150, kReq), ev(320, kAcq), ev(600, kRel)});
  add_thread(r, "", {ev(200, kReq), ev(650, kAcq), ev(700, kRel)});
  GilMetrics m = compute_metrics(r);
  BlockedMatrix expected{{1, {{-1, 20}, {0, 150}}}, {2, {{-1, 70}, {0, 100}, {1, 280}}}};
  CHECK(m.blocked == expected);
  CHECK(m.summary.max_waiters == 2);
  CHECK(m.summary.mean_waiters == Approx(0.62));  // (170 + 450) / 1000
  check_distribution(m.summary.handoff, 2, 70, 20, 50);
  CHECK(m.summary.holder_changes == 3);
  CHECK(m.roles.empty());
}

TEST_CASE("one hold covering the whole window is clipped and not sampled", "[metrics]") {
  Recording r = recording(1000, 2000);
  add_thread(r, "cpu", {ev(500, kAcq), ev(2500, kRel)});
  add_thread(r, "cpu", {ev(800, kReq), ev(2500, kAcq), ev(2600, kRel)});
  GilMetrics m = compute_metrics(r);
  CHECK(m.summary.held_ns == 1000);
  CHECK(m.summary.utilisation == Approx(1.0));
  CHECK(m.summary.acquires == 0);
  CHECK(m.summary.holder_changes == 0);
  CHECK(m.summary.handoff.count == 0);
  CHECK(m.summary.mean_waiters == Approx(1.0));
  CHECK(m.threads[0].gil.hold.count == 0);
  CHECK(m.threads[0].gil.releases == 0);
  CHECK(m.threads[0].gil.held_fraction == Approx(1.0));
  CHECK(m.threads[1].gil.wait.count == 0);
  CHECK(m.blocked == BlockedMatrix{{1, {{0, 1000}}}});
}

TEST_CASE("holds straddling the window begin (first event a release) and end (open)", "[metrics]") {
  Recording r = recording(1000, 2000);
  add_thread(r, "cpu", {ev(1200, kRel), ev(1300, kReq), ev(1500, kAcq)});
  add_thread(r, "cpu",
             {ev(100, kAcq), ev(400, kRel), ev(1100, kReq), ev(1210, kAcq), ev(1490, kRel),
              ev(1600, kReq)});
  GilMetrics m = compute_metrics(r);
  const auto& s = m.summary;
  CHECK(s.held_ns == 200 + 280 + 500);
  CHECK(s.acquires == 2);
  CHECK(s.holder_changes == 2);  // the release at 1200 makes thread 0 the previous holder
  check_distribution(s.handoff, 2, 20, 10, 10);
  CHECK(s.mean_waiters == Approx(0.71));  // 110 + 400 (clipped) + 200
  CHECK(s.max_waiters == 1);
  CHECK(s.malformed_events == 0);
  CHECK(m.threads[0].gil.hold.count == 0);
  CHECK(m.threads[0].gil.releases == 1);
  CHECK(m.threads[0].gil.held_fraction == Approx(0.7));
  check_distribution(m.threads[0].gil.wait, 1, 200, 200, 200);
  check_distribution(m.threads[1].gil.hold, 1, 280, 280, 280);
  check_distribution(m.threads[1].gil.wait, 1, 110, 110, 110);
  CHECK(m.threads[1].gil.releases == 1);
  BlockedMatrix expected{{0, {{-1, 10}, {1, 190}}}, {1, {{-1, 10}, {0, 500}}}};
  CHECK(m.blocked == expected);
}

TEST_CASE("malformed streams are counted, never negative", "[metrics][malformed]") {
  Recording r = recording(0, 1000);
  SECTION("acquire twice keeps the first hold") {
    add_thread(r, "", {ev(100, kAcq), ev(200, kAcq), ev(300, kRel)});
    GilMetrics m = compute_metrics(r);
    CHECK(m.summary.malformed_events == 1);
    CHECK(m.summary.acquires == 1);
    check_distribution(m.threads[0].gil.hold, 1, 200, 200, 200);
  }
  SECTION("release without acquire mid-stream is ignored") {
    add_thread(r, "", {ev(100, kAcq), ev(200, kRel), ev(250, kRel)});
    GilMetrics m = compute_metrics(r);
    CHECK(m.summary.malformed_events == 1);
    CHECK(m.threads[0].gil.releases == 1);
    CHECK(m.summary.held_ns == 100);
  }
  SECTION("unknown kinds, time going backwards, stray forced and hand-off end") {
    add_thread(r, "",
               {ev(10, EventKind(0)), ev(20, EventKind(99)), ev(30, kHoBegin), ev(40, kHoEnd),
                ev(50, kHoEnd), ev(500, kAcq), ev(400, kRel), ev(600, kForced), ev(700, kReq),
                ev(800, kAcq), ev(900, kForced)});
    GilMetrics m = compute_metrics(r);
    CHECK(m.summary.malformed_events == 5);  // kinds 0 and 99, end 50, ts 400, forced 900
    CHECK(m.summary.handshakes == 1);        // the one after the (repaired) release
    CHECK(m.summary.forced_switches == 0);   // the release itself carries no verdict
    check_distribution(m.threads[0].gil.hold, 1, 0, 0, 0);
    CHECK(m.summary.held_ns == 200);  // [500,500] + the open hold [800,1000]
  }
  SECTION("acquire without request mid-stream is counted but kept") {
    add_thread(r, "", {ev(100, kAcq), ev(200, kRel), ev(300, kAcq), ev(400, kRel)});
    GilMetrics m = compute_metrics(r);
    CHECK(m.summary.malformed_events == 1);
    CHECK(m.summary.acquires == 2);
  }
  SECTION("overlapping holds are flagged; the earlier holder keeps the overlap") {
    add_thread(r, "", {ev(100, kAcq), ev(300, kRel)});
    add_thread(r, "", {ev(200, kAcq), ev(400, kRel)});
    add_thread(r, "", {ev(150, kReq), ev(450, kAcq), ev(460, kRel)});
    GilMetrics m = compute_metrics(r);
    CHECK(m.summary.overlapping_holds == 1);
    CHECK(m.summary.held_ns == 310);
    CHECK(m.blocked == BlockedMatrix{{2, {{-1, 50}, {0, 150}, {1, 100}}}});
  }
  SECTION("an empty window and an empty recording") {
    add_thread(r, "", {ev(100, kAcq), ev(300, kRel)});
    r.window_end_ns = 0;
    GilMetrics m = compute_metrics(r);
    CHECK(m.summary.window_ns == 0);
    CHECK(m.summary.utilisation == 0.0);
    CHECK(m.summary.mean_waiters == 0.0);
    CHECK(compute_metrics(Recording{}).threads.empty());
  }
}

TEST_CASE("a zero-length hold still hands off to the next acquirer", "[metrics]") {
  Recording r = recording(0, 1000);
  add_thread(r, "", {ev(100, kAcq), ev(100, kRel)});
  add_thread(r, "", {ev(50, kReq), ev(105, kAcq), ev(200, kRel)});
  GilMetrics m = compute_metrics(r);
  check_distribution(m.summary.handoff, 1, 5, 5, 5);
  CHECK(m.summary.overlapping_holds == 0);
  CHECK(m.blocked == BlockedMatrix{{1, {{-1, 55}}}});
}

TEST_CASE("other GILs, native sections and marks", "[metrics]") {
  Recording r = recording(1000, 2000);
  r.labels = {"start", "phase"};
  add_thread(
      r, "io",
      {ev(900, EventKind::kNativeBegin), ev(1100, EventKind::kNativeEnd), ev(1200, kAcq, 0, 1),
       ev(1300, kRel, 0, 1), ev(1400, EventKind::kMark, 1), ev(1500, EventKind::kNativeBegin)});
  add_thread(
      r, "",
      {ev(500, EventKind::kMark, 0), ev(1050, EventKind::kMark, 0), ev(1600, EventKind::kMark, 7)});
  GilMetrics m = compute_metrics(r);
  CHECK(m.summary.acquires == 0);
  CHECK(m.threads[0].gil.native_sections == 1);
  CHECK(m.threads[0].gil.native_ns == 100 + 500);
  CHECK(m.roles["io"].native_ns == 600);
  using Marks = std::vector<std::pair<std::uint64_t, std::string>>;
  CHECK(m.marks == Marks{{1050, "start"}, {1400, "phase"}, {1600, "#7"}});
  CHECK(m.labels == r.labels);
  CHECK(m.summary.malformed_events == 1);  // label 7 is not in the table
  GilMetrics other = compute_gil_metrics(r, 1);
  CHECK(other.summary.acquires == 1);
  CHECK(other.summary.held_ns == 100);
}

TEST_CASE("a random valid recording agrees with a direct count", "[metrics]") {
  const int kThreads = 5;
  const std::uint64_t kBegin = 500;
  const std::uint64_t kEnd = 60'000;
  std::mt19937 rng(7);
  auto pick = [&rng](std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
  };
  Recording r = recording(kBegin, kEnd);
  for (int t = 0; t < kThreads; ++t) add_thread(r, "cpu", {});
  std::vector<std::uint64_t> requested(kThreads), wait_ns(kThreads);
  for (int t = 0; t < kThreads; ++t)
    r.threads[t].events.push_back(ev(requested[t] = pick(0, 50), kReq));
  auto clip = [&](std::uint64_t a, std::uint64_t b) {
    return std::min(b, kEnd) > std::max(a, kBegin) ? std::min(b, kEnd) - std::max(a, kBegin) : 0;
  };
  std::uint64_t t = 60, held = 0, acquires = 0, changes = 0, forced = 0, handoffs = 0;
  int previous = -1;
  bool previous_release_in_window = false;
  while (t < kEnd + 1000) {
    int h = static_cast<int>(pick(0, kThreads - 1));
    t = std::max(t, requested[h]);
    bool in = t >= kBegin && t <= kEnd;
    acquires += in;
    changes += in && h != previous;
    handoffs += in && previous_release_in_window && h != previous;
    wait_ns[h] += clip(requested[h], t);
    auto& events = r.threads[h].events;
    events.push_back(ev(t, kAcq));
    std::uint64_t released = t + pick(0, 200);
    held += clip(t, released);
    const bool forced_here = pick(0, 2) == 0;
    events.push_back(rel(released, forced_here ? kForcedRel : 0));
    previous_release_in_window = released >= kBegin && released <= kEnd;
    if (forced_here) {
      if (pick(0, 1) == 0) events.push_back(ev(released + 1, kForced));
      forced += previous_release_in_window;
    }
    events.push_back(ev(requested[h] = released + pick(2, 300), kReq));
    previous = h;
    t = released + pick(0, 20);
  }
  for (int w = 0; w < kThreads; ++w) wait_ns[w] += clip(requested[w], kEnd);  // still waiting
  GilMetrics m = compute_metrics(r);
  const auto& s = m.summary;
  CHECK(s.malformed_events == 0);
  CHECK(s.overlapping_holds == 0);
  CHECK(s.held_ns == held);
  CHECK(s.acquires == acquires);
  CHECK(s.holder_changes == changes);
  CHECK(s.forced_switches == forced);
  CHECK(s.handoff.count == handoffs);
  std::uint64_t all_waits = 0, fractions_ns = 0;
  for (int w = 0; w < kThreads; ++w) {
    std::uint64_t row = 0;
    for (const auto& [holder, ns] : m.blocked[w]) row += ns;
    CHECK(row == wait_ns[w]);
    all_waits += wait_ns[w];
    fractions_ns +=
        static_cast<std::uint64_t>(m.threads[w].gil.held_fraction * (kEnd - kBegin) + 0.5);
  }
  CHECK(s.mean_waiters == Approx(double(all_waits) / double(kEnd - kBegin)));
  CHECK(fractions_ns == held);
  CHECK(s.max_waiters >= 1);
  CHECK(s.max_waiters <= kThreads);
}

// Mechanism (a): drop_gil checks gil_drop_request only after unlocking gil->mutex. Thread 0
// releases voluntarily at 500 (a blocking call), is descheduled, and only runs its handshake
// block at 700, after thread 1 asked thread 2 to drop (drop request at 650). The handshake
// belongs to thread 0's voluntary release; its hold contains no request; it is not forced.
// The verdict on each release is what counts, not the events around it.
TEST_CASE("a late handshake after another holder was asked does not make a release forced",
          "[metrics]") {
  Recording r = recording(0, 2000);
  add_thread(r, "cpu", {ev(10, kReq), ev(11, kAcq), rel(500, 0), ev(700, kForced)});
  add_thread(r, "cpu", {ev(520, kReq), ev(650, kDrop), ev(800, kAcq), rel(900, 0)});
  add_thread(r, "cpu", {ev(505, kReq), ev(510, kAcq), rel(790, kForcedRel)});
  GilMetrics m = compute_metrics(r);
  CHECK(m.summary.forced_switches == 1);
  CHECK(m.threads[0].gil.forced_releases == 0);
  CHECK(m.threads[0].gil.handshakes == 1);  // its own figure, kept apart from the verdict
  CHECK(m.threads[2].gil.forced_releases == 1);
  CHECK(m.summary.handshakes == 1);
  CHECK(m.summary.voluntary_with_request == 0);
  CHECK(m.summary.malformed_events == 0);
}

// Mechanism (b): a waiter's request falls inside a hold, but the holder releases in a blocking
// call (PyEval_SaveThread) before its eval breaker runs: voluntary, with a request pending.
TEST_CASE("a voluntary release with a request pending is not forced", "[metrics]") {
  Recording r = recording(0, 1000);
  add_thread(r, "cpu",
             {ev(10, kReq), ev(11, kAcq), rel(500, kPendingRel), ev(600, kReq), ev(610, kAcq),
              rel(900, kForcedRel)});
  add_thread(r, "io",
             {ev(20, kReq), ev(490, kDrop), ev(505, kAcq), rel(550, 0), ev(560, kReq),
              ev(880, kDrop), ev(905, kAcq)});
  GilMetrics m = compute_metrics(r);
  CHECK(m.summary.drop_requests == 2);
  CHECK(m.summary.forced_switches == 1);
  CHECK(m.summary.request_pending_releases == 2);
  CHECK(m.summary.voluntary_with_request == 1);
  CHECK(m.threads[0].gil.forced_releases == 1);  // the 610..900 hold, not the 11..500 one
  CHECK(m.threads[0].gil.request_pending_releases == 2);
  CHECK(m.summary.handoff_forced.count == 1);
  CHECK(m.summary.handoff_forced.p50_ns == 5);
  CHECK(m.summary.handoff_voluntary.count == 2);  // 500 -> 505 and 550 -> 610
}

// The thread that armed the tracer holds the GIL from the arming on (kAcquireAtArm): a hold
// whose start was not seen, counted in held time but not as an acquire in the window.
TEST_CASE("the holder at arming holds the GIL from then on", "[metrics]") {
  Recording r = recording(100, 1100);
  add_thread(r, "", {Event{50, kAcq, 0, gilhost::trace::kAcquireAtArm, 7}});
  GilMetrics m = compute_metrics(r);
  CHECK(m.summary.held_ns == 1000);
  CHECK(m.summary.utilisation == 1.0);
  CHECK(m.summary.acquires == 0);
  CHECK(m.summary.malformed_events == 0);
  CHECK(m.threads[0].gil.held_fraction == 1.0);
  CHECK(m.threads[0].gil.hold.count == 0);  // incomplete: not a sample
}

// A legacy shared-GIL sub-interpreter: one OS thread re-takes the GIL with another thread state,
// so CPython counts a switch (switch_number grows during the hold) that is no holder change.
TEST_CASE("thread-state switches are read from switch_number on acquire and release", "[metrics]") {
  Recording r = recording(0, 1000);
  r.switch_number_begin = 10;
  r.switch_number_end = 13;
  add_thread(r, "",
             {ev(10, kReq), ev(11, kAcq, 10), ev(100, kRel, 11), ev(110, kReq), ev(120, kAcq, 11),
              ev(200, kRel, 12), ev(300, kReq), ev(310, kAcq, 12), ev(400, kRel, 12)});
  add_thread(r, "", {ev(450, kReq), ev(500, kAcq, 12)});  // open at the end: 13 at window end
  GilMetrics m = compute_metrics(r);
  CHECK(m.summary.holder_changes == 2);
  CHECK(m.summary.thread_state_switches == 3);
  CHECK(m.summary.switch_number_delta == 3);
  CHECK(m.summary.malformed_events == 0);
}
