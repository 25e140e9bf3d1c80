// The streaming analysis: histogram error bounds, chunked feeding equal to one batch, windows,
// late events, and a long synthetic stream with known answers in bounded memory.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "analysis/histogram.hpp"
#include "analysis/metrics.hpp"
#include "analysis/stream.hpp"

namespace {

using gilhost::analysis::compute_metrics;
using gilhost::analysis::GilMetrics;
using gilhost::analysis::Histogram;
using gilhost::analysis::StreamAnalyzer;
using gilhost::analysis::TimeScale;
using gilhost::analysis::WindowMetrics;
using gilhost::trace::Event;
using gilhost::trace::EventKind;
using gilhost::trace::Recording;
using gilhost::trace::ThreadEvents;
using gilhost::trace::ThreadInfo;

Event ev(std::uint64_t ts, EventKind kind) { return Event{ts, kind, 0, 0, 0}; }

// Five threads taking turns with random holds, waits, drop requests and handshakes.
Recording random_recording(std::uint64_t seed, std::uint64_t begin, std::uint64_t end) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng);
  };
  Recording r;
  r.window_begin_ns = begin;
  r.window_end_ns = end;
  const int kThreads = 5;
  std::vector<std::uint64_t> requested(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    ThreadEvents te;
    te.info.tid = 100 + t;
    te.info.role = t < 3 ? "cpu" : "io";
    te.info.worker = te.info.role + "-" + std::to_string(t);
    te.events.push_back(ev(requested[t] = pick(0, 50), EventKind::kRequest));
    r.threads.push_back(std::move(te));
  }
  std::uint64_t t = 60;
  while (t < end + 1000) {
    auto h = std::size_t(pick(0, kThreads - 1));
    t = std::max(t, requested[h]);
    auto& events = r.threads[h].events;
    events.push_back(ev(t, EventKind::kAcquire));
    std::uint64_t released = t + pick(0, 20'000);
    auto other = std::size_t(pick(0, kThreads - 1));
    if (other != h && pick(0, 1) == 0) {
      // A waiter asks for a drop inside the hold (kept in that thread's own time order).
      std::uint64_t at = std::max(t, requested[other]) + 1;
      auto& oe = r.threads[other].events;
      if (at < released && (oe.empty() || oe.back().ts_ns <= at) &&
          oe.back().kind == EventKind::kRequest)
        oe.push_back(ev(at, EventKind::kDropRequest));
    }
    events.push_back(ev(released, EventKind::kRelease));
    if (pick(0, 3) == 0) events.push_back(ev(released + 1, EventKind::kForced));
    events.push_back(ev(requested[h] = released + pick(2, 30'000), EventKind::kRequest));
    t = released + pick(0, 20);
  }
  return r;
}

void check_same(const GilMetrics& a, const GilMetrics& b) {
  const auto &x = a.summary, &y = b.summary;
  CHECK(x.window_ns == y.window_ns);
  CHECK(x.held_ns == y.held_ns);
  CHECK(x.acquires == y.acquires);
  CHECK(x.holder_changes == y.holder_changes);
  CHECK(x.drop_requests == y.drop_requests);
  CHECK(x.forced_switches == y.forced_switches);
  CHECK(x.handoff.count == y.handoff.count);
  CHECK(x.handoff.p50_ns == y.handoff.p50_ns);
  CHECK(x.achieved_interval.p99_ns == y.achieved_interval.p99_ns);
  CHECK(x.max_waiters == y.max_waiters);
  CHECK(x.mean_waiters == Approx(y.mean_waiters));
  CHECK(x.malformed_events == y.malformed_events);
  REQUIRE(a.threads.size() == b.threads.size());
  for (std::size_t i = 0; i < a.threads.size(); ++i) {
    CHECK(a.threads[i].gil.hold.total_ns == b.threads[i].gil.hold.total_ns);
    CHECK(a.threads[i].gil.wait.p90_ns == b.threads[i].gil.wait.p90_ns);
    CHECK(a.threads[i].gil.forced_releases == b.threads[i].gil.forced_releases);
    CHECK(a.threads[i].gil.held_fraction == Approx(b.threads[i].gil.held_fraction));
  }
  CHECK(a.blocked == b.blocked);
}

}  // namespace

TEST_CASE("histogram: exact below 128, midpoints within 1/128 above", "[stream][histogram]") {
  for (std::uint64_t v = 0; v < 128; ++v) {
    CHECK(Histogram::lowest_of(Histogram::index_of(v)) == v);
    CHECK(Histogram::highest_of(Histogram::index_of(v)) == v);
  }
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200'000; ++i) {
    const int bits = int(rng() % 63) + 1;
    const std::uint64_t v = rng() >> (64 - bits);
    const std::uint32_t index = Histogram::index_of(v);
    const std::uint64_t lo = Histogram::lowest_of(index), hi = Histogram::highest_of(index);
    REQUIRE(lo <= v);
    REQUIRE(v <= hi);
    const double mid = double(lo + (hi - lo) / 2);
    REQUIRE(std::abs(mid - double(v)) <= double(v) / 128.0 + 0.5);
    if (index > 0) REQUIRE(Histogram::highest_of(index - 1) + 1 == lo);  // no gaps
  }
  CHECK(Histogram::index_of(~std::uint64_t(0)) < 3776);
}

TEST_CASE("histogram: percentiles within 1 % of the exact nearest rank", "[stream][histogram]") {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> spread(12.0, 2.5);
  std::vector<std::uint64_t> samples;
  Histogram h, half1, half2;
  for (int i = 0; i < 100'000; ++i) {
    auto v = std::uint64_t(spread(rng));
    samples.push_back(v);
    h.record(v);
    (i % 2 ? half1 : half2).record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (std::uint64_t q : {1, 10, 50, 90, 99, 100}) {
    const std::uint64_t rank = std::max<std::uint64_t>(1, (q * samples.size() + 99) / 100);
    const double exact = double(samples[rank - 1]);
    CHECK(std::abs(double(h.percentile(q)) - exact) <= exact / 100.0 + 1);
  }
  CHECK(h.min() == samples.front());
  CHECK(h.max() == samples.back());
  half1.merge(half2);
  CHECK(half1.count() == h.count());
  CHECK(half1.total() == h.total());
  CHECK(half1.percentile(50) == h.percentile(50));
  CHECK(h.memory_bytes() <= 3776 * 8);
}

TEST_CASE("stream: events fed in chunks as a collector drains equal one batch", "[stream]") {
  for (std::uint64_t seed : {1, 2, 3}) {
    Recording r = random_recording(seed, 100'000, 2'000'000);
    GilMetrics batch = compute_metrics(r, 0);
    // Feed each thread's events in random-sized chunks, advancing the watermark to just below
    // the oldest event not yet fed, as the tracer's collector does.
    std::mt19937_64 rng(seed);
    StreamAnalyzer a;
    a.begin_window(r.window_begin_ns);
    std::vector<std::size_t> fed(r.threads.size(), 0);
    for (std::size_t t = 0; t < r.threads.size(); ++t) a.declare(std::uint32_t(t));
    for (bool more = true; more;) {
      more = false;
      std::uint64_t oldest = ~std::uint64_t(0);
      for (std::size_t t = 0; t < r.threads.size(); ++t) {
        const auto& events = r.threads[t].events;
        std::size_t n = std::min<std::size_t>(events.size() - fed[t], rng() % 200);
        a.add_events(std::uint32_t(t), events.data() + fed[t], n);
        fed[t] += n;
        if (fed[t] < events.size()) {
          more = true;
          oldest = std::min(oldest, events[fed[t]].ts_ns);
        }
      }
      if (more && oldest > 0) a.advance(std::min(oldest - 1, r.window_end_ns));
    }
    WindowMetrics w = a.close_window(
        r.window_end_ns, TimeScale{}, [&](std::uint32_t t) { return r.threads[t].info; }, {}, 0);
    GilMetrics streamed = gilhost::analysis::gil_metrics_of(w, 0, r);
    CHECK(streamed.summary.malformed_events == 0);
    CHECK(streamed.summary.overlapping_holds == 0);
    CHECK(streamed.summary.held_ns + streamed.summary.free_ns == streamed.summary.window_ns);
    check_same(streamed, batch);
  }
}

TEST_CASE("stream: consecutive windows cut a hold at their edges", "[stream]") {
  StreamAnalyzer a;
  const ThreadInfo info{1, "cpu-0", "cpu", "", ""};
  auto info_of = [&](std::uint32_t) { return info; };
  std::vector<Event> events = {ev(10, EventKind::kRequest),  ev(20, EventKind::kAcquire),
                               ev(500, EventKind::kRelease), ev(600, EventKind::kRequest),
                               ev(610, EventKind::kAcquire), ev(700, EventKind::kRelease)};
  a.add_events(0, events.data(), events.size());
  a.begin_window(100);
  WindowMetrics one = a.close_window(300, TimeScale{}, info_of, {}, 0);
  a.begin_window(400);
  WindowMetrics two = a.close_window(650, TimeScale{}, info_of, {}, 0);
  const auto& s1 = one.gils[0]->summary;
  const auto& s2 = two.gils[0]->summary;
  CHECK(s1.window_ns == 200);
  CHECK(s1.held_ns == 200);  // [100, 300] of the hold [20, 500]
  CHECK(s1.acquires == 0);
  CHECK(one.gils[0]->threads[0].gil.releases == 0);
  CHECK(s2.window_ns == 250);
  CHECK(s2.held_ns == 100 + 40);  // [400, 500] and [610, 650]
  CHECK(s2.acquires == 1);
  CHECK(two.gils[0]->threads[0].gil.releases == 1);
  CHECK(two.gils[0]->threads[0].gil.hold.count == 0);  // began before the window
  CHECK(s2.held_ns + s2.free_ns == s2.window_ns);
}

TEST_CASE("stream: an event that arrives after later ones were analysed is counted", "[stream]") {
  StreamAnalyzer a;
  a.begin_window(0);
  std::vector<Event> first = {ev(10, EventKind::kRequest), ev(20, EventKind::kAcquire)};
  a.add_events(0, first.data(), first.size());
  a.advance(1000);
  std::vector<Event> late = {ev(15, EventKind::kRequest)};  // before the acquire analysed at 20
  a.add_events(1, late.data(), late.size());
  WindowMetrics w = a.close_window(
      2000, TimeScale{}, [](std::uint32_t) { return ThreadInfo{}; }, {}, 0);
  CHECK(w.gils[0]->summary.malformed_events == 1);
  CHECK(w.gils[0]->threads.size() == 2);
}

// Two threads passing the GIL back and forth, fed in drains of 64k events: exact counts and
// memory that does not grow with the length (the pending queue never exceeds one drain).
TEST_CASE("stream: a long ping-pong stream in bounded memory", "[stream][long]") {
  const std::uint64_t kRounds = 2'500'000;  // 4 events per thread per round: 20 M events
  StreamAnalyzer a;
  a.begin_window(0);
  std::vector<Event> b0, b1;
  std::size_t most_pending = 0;
  std::uint64_t ts = 1;
  for (std::uint64_t round = 0; round < kRounds; ++round) {
    // Thread 0 holds [ts, ts+100], thread 1 waits from ts+1 and holds [ts+105, ts+200].
    b0.push_back(ev(ts, EventKind::kAcquire));
    b1.push_back(ev(ts + 1, EventKind::kRequest));
    b0.push_back(ev(ts + 100, EventKind::kRelease));
    b0.push_back(ev(ts + 101, EventKind::kRequest));
    b1.push_back(ev(ts + 105, EventKind::kAcquire));
    b1.push_back(ev(ts + 200, EventKind::kRelease));
    b0.push_back(ev(ts + 205, EventKind::kCallBegin));
    b1.push_back(ev(ts + 205, EventKind::kCallEnd));
    ts += 205;
    if (b0.size() >= 32'768) {
      a.add_events(0, b0.data(), b0.size());
      a.add_events(1, b1.data(), b1.size());
      most_pending = std::max(most_pending, a.pending_events());
      a.advance(b0.back().ts_ns - 1);
      b0.clear();
      b1.clear();
    }
  }
  a.add_events(0, b0.data(), b0.size());
  a.add_events(1, b1.data(), b1.size());
  WindowMetrics w = a.close_window(
      ts, TimeScale{}, [](std::uint32_t) { return ThreadInfo{}; }, {}, 0);
  const GilMetrics& m = *w.gils[0];
  CHECK(most_pending <= 2 * 32'768 + 8);  // one drain plus what waited for the watermark
  CHECK(m.summary.acquires == 2 * kRounds);
  CHECK(m.summary.holder_changes == 2 * kRounds);
  CHECK(m.summary.held_ns == kRounds * (100 + 95));
  CHECK(m.summary.held_ns + m.summary.free_ns == m.summary.window_ns);
  CHECK(m.summary.handoff.count == 2 * kRounds - 1);
  CHECK(m.summary.handoff.p50_ns == 5);
  CHECK(m.threads[0].gil.hold.count == kRounds);
  CHECK(m.threads[0].gil.hold.p99_ns == 100);
  CHECK(m.threads[1].gil.wait.p50_ns == 104);
  CHECK(m.summary.malformed_events == 0);
}

TEST_CASE("stream: run-queue delay is spread over holds, cut at window edges", "[stream]") {
  StreamAnalyzer a;
  const ThreadInfo info{1, "cpu-0", "cpu", "", ""};
  auto info_of = [&](std::uint32_t) { return info; };
  // One sample before anything, the next only after the first window's end (as the tracer takes
  // one just after closing): 1000 ns of delay over [0, 2000] is 0.5 ns per tick.
  a.sched_sample(0, 0, 0);
  a.sched_sample(0, 2000, 1000);
  std::vector<Event> events = {ev(10, EventKind::kRequest),  ev(100, EventKind::kAcquire),
                               ev(300, EventKind::kRelease), ev(400, EventKind::kRequest),
                               ev(500, EventKind::kAcquire), ev(1100, EventKind::kRelease)};
  a.add_events(0, events.data(), events.size());
  a.begin_window(0);
  WindowMetrics one = a.close_window(1000, TimeScale{}, info_of, {}, 0);
  a.begin_window(1000);
  WindowMetrics two = a.close_window(3000, TimeScale{}, info_of, {}, 0);
  const GilMetrics& m1 = *one.gils[0];
  const GilMetrics& m2 = *two.gils[0];
  CHECK(m1.summary.sched_sampled);
  CHECK(m1.summary.threads_without_sched == 0);
  // [100, 300] and [500, 1000] of [500, 1100]: 700 ticks.
  CHECK(m1.threads[0].gil.held_off_cpu_ns == 350);
  CHECK(m1.summary.held_off_cpu_ns == 350);
  CHECK(m1.threads[0].gil.hold_off_cpu.count == 1);  // only [100, 300] is complete inside
  CHECK(m1.threads[0].gil.hold_off_cpu.max_ns == 100);
  // The second window gets [1000, 1100] only: nothing is counted twice.
  CHECK(m2.threads[0].gil.held_off_cpu_ns == 50);
}

TEST_CASE("stream: the verdict is the release's own flag; kForced is the handshake only",
          "[stream]") {
  using gilhost::trace::kAcquireAtArm;
  using gilhost::trace::kReleaseForced;
  using gilhost::trace::kReleaseRequestPending;
  using gilhost::trace::kReleaseUnclassified;
  StreamAnalyzer a;
  const ThreadInfo info{1, "cpu-0", "cpu", "", ""};
  auto info_of = [&](std::uint32_t) { return info; };
  auto with = [](Event e, std::uint16_t flags, std::uint32_t aux) {
    e.flags = flags;
    e.aux = aux;
    return e;
  };
  std::vector<Event> t0 = {with(ev(10, EventKind::kAcquire), kAcquireAtArm, 7),
                           with(ev(100, EventKind::kRelease), kReleaseForced, 7),
                           ev(101, EventKind::kForced),
                           ev(300, EventKind::kRequest),
                           with(ev(400, EventKind::kAcquire), 0, 8),
                           with(ev(500, EventKind::kRelease), kReleaseRequestPending, 9),
                           ev(600, EventKind::kRequest),
                           with(ev(700, EventKind::kAcquire), 0, 10),
                           with(ev(800, EventKind::kRelease), kReleaseUnclassified, 10)};
  std::vector<Event> t1 = {ev(50, EventKind::kRequest), ev(90, EventKind::kDropRequest),
                           with(ev(110, EventKind::kAcquire), 0, 7),
                           with(ev(200, EventKind::kRelease), 0, 8)};
  a.add_events(0, t0.data(), t0.size());
  a.add_events(1, t1.data(), t1.size());
  a.begin_window(0);
  WindowMetrics w = a.close_window(1000, TimeScale{}, info_of, {}, 0);
  const auto& s = w.gils[0]->summary;
  CHECK(s.forced_switches == 1);
  CHECK(s.request_pending_releases == 2);
  CHECK(s.voluntary_with_request == 1);
  CHECK(s.handshakes == 1);
  CHECK(s.unclassified_releases == 1);
  CHECK(s.malformed_events == 0);  // the at-arm acquire needs no request before it
  CHECK(s.acquires == 3);          // the at-arm one is not an acquire of the window
  CHECK(s.holder_changes == 2);    // t0 -> t1 -> t0; t0 again at 700 is no change
  // switch_number grew by one over t1's hold [110, 200] and t0's [400, 500], not over [700, 800].
  CHECK(s.thread_state_switches == 2);
  CHECK(w.gils[0]->threads[0].gil.hold.count == 2);  // the at-arm hold's start was not seen
}
