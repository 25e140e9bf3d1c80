// Holder changes, hand-offs and the achieved switch interval: one global order of acquires and
// releases, built once and walked forwards and backwards.
#include <algorithm>
#include <tuple>

#include "analysis/timeline.hpp"

namespace gilhost::analysis::detail {
namespace {

struct Switch {
  std::uint64_t ts = 0;
  int thread = 0;
  std::uint32_t seq = 0;  // position among the thread's own switches (wraps only past 2^32)
  std::uint8_t rank = 0;  // at equal ts releases (0) precede acquires (1): both inside gil->mutex
  bool acquire = false;
  bool forced = false;
};

bool before(const Switch& a, const Switch& b) {
  return std::tie(a.ts, a.rank, a.thread, a.seq) < std::tie(b.ts, b.rank, b.thread, b.seq);
}

// The release of a zero-length hold keeps rank 1 so that it stays after its own acquire.
void add_switches(const std::vector<Span>& holds, int thread, std::vector<Switch>& out) {
  for (std::size_t i = 0; i < holds.size(); ++i) {
    const Span& hold = holds[i];
    auto seq = static_cast<std::uint32_t>(2 * i);
    if (hold.begin_seen) out.push_back({hold.begin, thread, seq, 1, true, false});
    std::uint8_t rank = hold.begin_seen && hold.zero_length() ? 1 : 0;
    if (hold.end_seen) out.push_back({hold.end, thread, seq + 1, rank, false, hold.forced});
  }
}

std::vector<Switch> sorted_switches(const std::vector<ThreadScan>& scans) {
  std::vector<Switch> switches;
  std::vector<std::size_t> starts;
  for (std::size_t t = 0; t < scans.size(); ++t) {
    starts.push_back(switches.size());
    add_switches(scans[t].holds, static_cast<int>(t), switches);
  }
  merge_runs(switches, std::move(starts),
             [](const Switch& a, const Switch& b) { return before(a, b); });
  return switches;
}

// The previous holder is the thread of the latest acquire or release, as gil->last_holder is
// set by both take_gil and drop_gil; with none seen, the acquire counts as a change.
void count_acquires(const std::vector<Switch>& switches, const Window& window, GilSummary& out) {
  int last_thread = -1;
  for (const Switch& s : switches) {
    if (s.acquire && window.contains(s.ts)) {
      ++out.acquires;
      if (s.thread != last_thread) ++out.holder_changes;
    }
    last_thread = s.thread;
  }
}

struct HandoffSamples {
  std::vector<std::uint64_t> all, voluntary, forced;
};

HandoffSamples handoff_samples(const std::vector<Switch>& switches, const Window& window) {
  HandoffSamples samples;
  const Switch* next_acquire = nullptr;
  for (auto it = switches.rbegin(); it != switches.rend(); ++it) {
    if (it->acquire) {
      next_acquire = &*it;
      continue;
    }
    if (!next_acquire || next_acquire->thread == it->thread) continue;
    if (!window.contains(it->ts) || !window.contains(next_acquire->ts)) continue;
    std::uint64_t gap = next_acquire->ts - it->ts;
    samples.all.push_back(gap);
    (it->forced ? samples.forced : samples.voluntary).push_back(gap);
  }
  return samples;
}

std::vector<std::uint64_t> forced_intervals(const std::vector<Switch>& switches,
                                            const Window& window) {
  std::vector<std::uint64_t> intervals;
  const Switch* previous = nullptr;
  for (const Switch& s : switches) {
    if (s.acquire || !s.forced || !window.contains(s.ts)) continue;
    if (previous) intervals.push_back(s.ts - previous->ts);
    previous = &s;
  }
  return intervals;
}

}  // namespace

void fill_switch_figures(const std::vector<ThreadScan>& scans, const Window& window,
                         GilSummary& summary) {
  std::vector<Switch> switches = sorted_switches(scans);
  count_acquires(switches, window, summary);
  HandoffSamples handoffs = handoff_samples(switches, window);
  summary.handoff = distribution_of(std::move(handoffs.all));
  summary.handoff_voluntary = distribution_of(std::move(handoffs.voluntary));
  summary.handoff_forced = distribution_of(std::move(handoffs.forced));
  summary.achieved_interval = distribution_of(forced_intervals(switches, window));
}

}  // namespace gilhost::analysis::detail
