// Turns the event stream of one OS thread into spans (holds, waits, hand-offs, native sections).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "analysis/spans.hpp"
#include "trace/event.hpp"

namespace gilhost::analysis::detail {

// What one thread did with one GIL, plus its host events. Spans are in stream order; a thread's
// holds are disjoint, and so are its waits, and no wait overlaps one of its holds.
struct ThreadScan {
  std::vector<Span> holds;                                     // kAcquire -> kRelease
  std::vector<Span> waits;                                     // kRequest -> kAcquire
  std::vector<Span> handoffs;                                  // kHandoffBegin -> kHandoffEnd
  std::vector<Span> natives;                                   // kNativeBegin -> kNativeEnd
  std::uint64_t drop_requests = 0;                             // kDropRequest inside the window
  std::vector<std::uint64_t> drop_request_ts;                  // every kDropRequest, in order
  std::vector<std::pair<std::uint64_t, std::uint32_t>> marks;  // (ts, label id) inside the window
  std::uint64_t malformed = 0;  // events ignored or repaired (docs/metrics.md, "Malformed")
};

// GIL kinds count only when Event::gil == `gil`; host kinds (call, native, mark) count whatever
// their gil field says, since they are not about one GIL.
ThreadScan scan_thread(const std::vector<trace::Event>& events, std::uint8_t gil,
                       const Window& window);

}  // namespace gilhost::analysis::detail
