// Utilisation, waiters and who-blocked-whom: sweeps over holds and waits sorted once.
#include "analysis/timeline.hpp"

#include <algorithm>
#include <functional>
#include <tuple>
#include <utility>

namespace gilhost::analysis::detail {
namespace {

struct HoldRef {
  Span span;  // a copy: the sweeps below stay within one contiguous array
  int thread;
};

// Sorted by begin, then end, so that a zero-length hold never looks like it covers the next.
bool hold_before(const HoldRef& a, const HoldRef& b) {
  return std::tie(a.span.begin, a.span.end, a.thread) <
         std::tie(b.span.begin, b.span.end, b.thread);
}

std::vector<HoldRef> sorted_holds(const std::vector<ThreadScan>& scans) {
  std::vector<HoldRef> holds;
  std::vector<std::size_t> starts;
  for (std::size_t t = 0; t < scans.size(); ++t) {
    starts.push_back(holds.size());
    for (const Span& span : scans[t].holds) holds.push_back({span, static_cast<int>(t)});
  }
  merge_runs(holds, std::move(starts),
             [](const HoldRef& a, const HoldRef& b) { return hold_before(a, b); });
  return holds;
}

// A thread's own holds are disjoint, so any earlier-begun hold still open belongs to another
// thread: gil->mutex makes that impossible, hence an invariant check.
std::uint64_t count_overlapping(const std::vector<HoldRef>& holds, const Window& window) {
  std::uint64_t overlapping = 0;
  std::uint64_t max_end = 0;
  bool any = false;
  for (const HoldRef& hold : holds) {
    const Span& span = hold.span;
    if (any && span.begin_seen && window.contains(span.begin) && max_end > span.begin) {
      ++overlapping;
    }
    max_end = std::max(max_end, span.end);
    any = true;
  }
  return overlapping;
}

// Where holds overlap (a broken invariant), the earlier acquirer keeps the overlap, so every
// instant has exactly one owner and the blocked matrix rows still add up to the waits.
std::vector<Segment> segments_of(const std::vector<HoldRef>& holds, const Window& window) {
  std::vector<Segment> segments;
  std::uint64_t cursor = window.begin;
  for (const HoldRef& hold : holds) {
    std::uint64_t lo = std::max(hold.span.begin, cursor);
    std::uint64_t hi = std::min(hold.span.end, window.end);
    if (hi <= lo) continue;
    if (lo > cursor) segments.push_back({cursor, lo, -1});
    segments.push_back({lo, hi, hold.thread});
    cursor = hi;
  }
  if (cursor < window.end) segments.push_back({cursor, window.end, -1});
  return segments;
}

std::uint64_t held_ns_of(const std::vector<Segment>& segments) {
  std::uint64_t held = 0;
  for (const Segment& segment : segments)
    held += segment.holder >= 0 ? segment.end - segment.begin : 0;
  return held;
}

// Per-waiter accumulator indexed by holder + 1; it remembers which cells it touched so that
// clearing it costs nothing with thousands of short-lived threads.
class BlockedRow {
 public:
  explicit BlockedRow(std::size_t threads) : ns_(threads + 1, 0) {}

  void add(int holder, std::uint64_t ns) {
    std::uint64_t& cell = ns_[static_cast<std::size_t>(holder + 1)];
    if (cell == 0) touched_.push_back(holder);
    cell += ns;
  }

  // Moves the non-zero cells into `out` and clears the row.
  void flush(std::map<int, std::uint64_t>& out) {
    for (int holder : touched_)
      out[holder] = std::exchange(ns_[static_cast<std::size_t>(holder + 1)], 0);
    touched_.clear();
  }

  bool empty() const { return touched_.empty(); }

 private:
  std::vector<std::uint64_t> ns_;
  std::vector<int> touched_;
};

// Charges one clipped wait [lo, hi) to the holders of the segments it overlaps.
void charge_wait(std::uint64_t lo, std::uint64_t hi, const std::vector<Segment>& segments,
                 BlockedRow& row) {
  auto it = std::upper_bound(segments.begin(), segments.end(), lo,
                             [](std::uint64_t ts, const Segment& s) { return ts < s.begin; });
  if (it != segments.begin()) --it;
  for (; it != segments.end() && it->begin < hi; ++it) {
    std::uint64_t from = std::max(lo, it->begin);
    std::uint64_t to = std::min(hi, it->end);
    if (to > from) row.add(it->holder, to - from);
  }
}

BlockedMatrix blocked_of(const std::vector<ThreadScan>& scans, const std::vector<Segment>& segments,
                         const Window& window) {
  BlockedMatrix blocked;
  BlockedRow row(scans.size());
  for (std::size_t t = 0; t < scans.size(); ++t) {
    for (const Span& wait : scans[t].waits) {
      std::uint64_t lo = std::max(wait.begin, window.begin);
      std::uint64_t hi = std::min(wait.end, window.end);
      if (hi > lo) charge_wait(lo, hi, segments, row);
    }
    if (!row.empty()) row.flush(blocked[static_cast<int>(t)]);
  }
  return blocked;
}

// Waits are half-open [request, acquire): a zero-length wait is never counted as waiting.
std::uint64_t max_waiters_of(const std::vector<ThreadScan>& scans, const Window& window) {
  std::vector<std::pair<std::uint64_t, int>> steps;  // (ts, -1 end | +1 begin): ends sort first
  std::vector<std::size_t> starts;
  for (const ThreadScan& scan : scans) {
    starts.push_back(steps.size());
    for (const Span& wait : scan.waits) {
      std::uint64_t lo = std::max(wait.begin, window.begin);
      std::uint64_t hi = std::min(wait.end, window.end);
      if (hi <= lo) continue;
      steps.emplace_back(lo, +1);
      steps.emplace_back(hi, -1);
    }
  }
  merge_runs(steps, std::move(starts), std::less<>());
  std::int64_t open = 0;
  std::int64_t most = 0;
  for (const auto& step : steps) most = std::max(most, open += step.second);
  return static_cast<std::uint64_t>(most);
}

std::uint64_t total_wait_ns(const std::vector<ThreadScan>& scans, const Window& window) {
  std::uint64_t total = 0;
  for (const ThreadScan& scan : scans) {
    for (const Span& wait : scan.waits) total += clipped_ns(wait, window);
  }
  return total;
}

double fraction(std::uint64_t part, std::uint64_t whole) {
  return whole ? double(part) / double(whole) : 0.0;
}

}  // namespace

BlockedMatrix fill_hold_figures(const std::vector<ThreadScan>& scans, const Window& window,
                                GilSummary& summary) {
  std::vector<HoldRef> holds = sorted_holds(scans);
  std::vector<Segment> segments = segments_of(holds, window);
  summary.window_ns = window.length();
  summary.held_ns = held_ns_of(segments);
  summary.free_ns = summary.window_ns - summary.held_ns;
  summary.utilisation = fraction(summary.held_ns, summary.window_ns);
  summary.overlapping_holds = count_overlapping(holds, window);
  // The time integral of the number of open waits is the sum of their clipped lengths.
  summary.mean_waiters = fraction(total_wait_ns(scans, window), summary.window_ns);
  summary.max_waiters = max_waiters_of(scans, window);
  return blocked_of(scans, segments, window);
}

}  // namespace gilhost::analysis::detail
