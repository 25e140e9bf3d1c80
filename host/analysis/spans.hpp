// Internal building blocks of the analysis: the measured window and time spans cut from streams.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "trace/event.hpp"

namespace gilhost::analysis::detail {

// The closed interval [begin, end] of a Recording; end >= begin even for a bogus recording.
struct Window {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;

  std::uint64_t length() const { return end - begin; }
  bool contains(std::uint64_t ts) const { return ts >= begin && ts <= end; }
};

inline Window window_of(const trace::Recording& recording) {
  return {recording.window_begin_ns, std::max(recording.window_begin_ns, recording.window_end_ns)};
}

// One interval of a thread's stream (a hold, a wait, a hand-off wait, a native section).
// Always end >= begin. An edge that was not observed is synthesised from the window
// (docs/metrics.md, "Inputs and conventions"), which makes the span an incomplete sample.
struct Span {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  bool begin_seen = true;  // false: began before the thread's first event; begin <= window begin
  bool end_seen = true;    // false: never closed; end = max(begin, window end)
  // Holds only, from the release's Event::flags (CPython's state at the release, trace/event.hpp):
  bool forced = false;           // the eval breaker released in answer to a drop request
  bool request_pending = false;  // a drop request was set at the release
  bool unclassified = false;     // the releasing code was not identified
  bool handshake = false;        // its release was followed by kForced (FORCE_SWITCHING)
  bool switched =
      false;  // take_gil incremented switch_number for it (release aux - acquire aux = 1)
  std::uint32_t sn_acquire = 0;  // the acquire's aux: switch_number before take_gil's increment

  bool zero_length() const { return begin == end; }
};

// Length of the part of `span` inside the window.
inline std::uint64_t clipped_ns(const Span& span, const Window& window) {
  std::uint64_t lo = std::max(span.begin, window.begin);
  std::uint64_t hi = std::min(span.end, window.end);
  return hi > lo ? hi - lo : 0;
}

// Complete samples only: both edges observed and inside the window, so a distribution is not
// biased by holds or waits that the window edges cut short.
inline bool complete_inside(const Span& span, const Window& window) {
  return span.begin_seen && span.end_seen && span.begin >= window.begin && span.end <= window.end;
}

// Sorts `items`, the concatenation of runs that are each already sorted (one per thread, in
// stream order), by merging neighbouring runs pairwise: O(n log runs) instead of a full sort.
// `starts` holds the index where each run begins.
template <typename T, typename Less>
void merge_runs(std::vector<T>& items, std::vector<std::size_t> starts, Less less) {
  std::vector<std::size_t> bounds = std::move(starts);
  bounds.push_back(items.size());
  auto at = [&items](std::size_t i) { return items.begin() + static_cast<std::ptrdiff_t>(i); };
  for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
    assert(std::is_sorted(at(bounds[i]), at(bounds[i + 1]), less));
  }
  while (bounds.size() > 2) {
    std::vector<std::size_t> next;
    for (std::size_t i = 0; i + 2 < bounds.size(); i += 2) {
      std::inplace_merge(at(bounds[i]), at(bounds[i + 1]), at(bounds[i + 2]), less);
      next.push_back(bounds[i]);
    }
    if (bounds.size() % 2 == 0) next.push_back(bounds[bounds.size() - 2]);  // odd run count
    next.push_back(bounds.back());
    bounds = std::move(next);
  }
}

}  // namespace gilhost::analysis::detail
