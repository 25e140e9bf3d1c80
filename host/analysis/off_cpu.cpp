// "GIL held but holder off-CPU": run-queue delay (runnable, not running) attributed to holds.
//
// The tracer samples each thread's cumulative run-queue delay from schedstat every 10 ms and at
// the window's end (trace/sched_sampler.hpp). Between two samples a and b of the holding thread,
// the delay d = b.delay - a.delay is spread evenly over [a.ts, b.ts]; a hold overlapping that
// interval gets d × |hold ∩ [a.ts, b.ts] ∩ W| / (b.ts - a.ts). This is exact when the thread
// held the GIL for the whole interval (the cpu=1 case) and an estimate otherwise
// (docs/metrics.md, held_off_cpu).
#include "analysis/off_cpu.hpp"

#include <algorithm>
#include <map>

namespace gilhost::analysis::detail {
namespace {

using Samples = std::vector<trace::SchedSample>;

std::uint64_t overlap(std::uint64_t a0, std::uint64_t a1, std::uint64_t b0, std::uint64_t b1) {
  std::uint64_t lo = std::max(a0, b0), hi = std::min(a1, b1);
  return hi > lo ? hi - lo : 0;
}

// The part of `hold` ∩ W's run-queue delay, from a thread's samples in time order.
double hold_delay(const Span& hold, const Window& w, const Samples& s) {
  const std::uint64_t h0 = std::max(hold.begin, w.begin), h1 = std::min(hold.end, w.end);
  if (h1 <= h0) return 0;
  auto it = std::upper_bound(s.begin(), s.end(), h0,
                             [](std::uint64_t t, const auto& x) { return t < x.ts_ns; });
  if (it != s.begin()) --it;
  double total = 0;
  for (; it + 1 < s.end() && it->ts_ns < h1; ++it) {
    const auto& a = *it;
    const auto& b = *(it + 1);
    if (b.ts_ns <= a.ts_ns || b.run_delay_ns < a.run_delay_ns) continue;
    const double share = double(overlap(h0, h1, a.ts_ns, b.ts_ns)) / double(b.ts_ns - a.ts_ns);
    total += share * double(b.run_delay_ns - a.run_delay_ns);
  }
  return total;
}

// A thread's samples, opened at its first event when it began after the sampler's first round:
// its counters started at 0 when it was created, just before that event (every thread alive
// when the tracer armed was sampled then, before any event).
Samples thread_samples(Samples s, const trace::ThreadEvents& thread) {
  if (thread.events.empty() || s.empty()) return s;
  const std::uint64_t first = thread.events.front().ts_ns;
  if (s.front().ts_ns > first) s.insert(s.begin(), {s.front().tid, first, 0, 0});
  return s;
}

}  // namespace

void fill_off_cpu(const trace::Recording& recording, const std::vector<ThreadScan>& scans,
                  const Window& window, GilMetrics& out) {
  std::map<int, Samples> by_tid;
  for (const trace::SchedSample& s : recording.sched) by_tid[s.tid].push_back(s);
  std::map<std::string, double> roles;
  double total = 0;
  for (std::size_t t = 0; t < scans.size() && t < out.threads.size(); ++t) {
    ThreadMetrics& tm = out.threads[t];
    const Samples s = thread_samples(by_tid[tm.info.tid], recording.threads[t]);
    if (s.size() < 2 && !scans[t].holds.empty()) {
      ++out.summary.threads_without_sched;
      continue;
    }
    std::vector<std::uint64_t> per_hold;
    double thread_total = 0;
    for (const Span& hold : scans[t].holds) {
      const double d = hold_delay(hold, window, s);
      thread_total += d;
      if (complete_inside(hold, window)) per_hold.push_back(std::uint64_t(d + 0.5));
    }
    tm.gil.held_off_cpu_ns = std::uint64_t(thread_total + 0.5);
    tm.gil.hold_off_cpu = distribution_of(std::move(per_hold));
    if (!tm.info.role.empty()) roles[tm.info.role] += thread_total;
    total += thread_total;
  }
  for (auto& [role, ns] : roles) {
    if (auto it = out.roles.find(role); it != out.roles.end())
      it->second.held_off_cpu_ns = std::uint64_t(ns + 0.5);
  }
  out.summary.held_off_cpu_ns = std::uint64_t(total + 0.5);
  out.summary.sched_sampled = !recording.sched.empty();
}

}  // namespace gilhost::analysis::detail
