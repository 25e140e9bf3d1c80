// A Recording cut into per-thread spans clipped to its window: what the timeline writers draw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "trace/event.hpp"

namespace gilhost::report::detail {

// One span of a thread, clipped to the window (begin <= end). `complete`: both edges observed and
// inside the window, the condition for a Distribution sample (docs/metrics.md, "Complete
// samples"), so that histograms drawn from these spans agree with the metrics.
struct Interval {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint32_t aux = 0;  // calls: call index; native sections: kernel id
  bool complete = false;
  bool forced = false;        // holds only: a drop request fell inside it (as in the metrics)
  bool release_seen = false;  // holds only: its release is inside the window
  // Holds: the thread's stack at the release (0: not seen); waits: its stack at the request
  // (docs/metrics.md, "Stacks"; an id of the report's stack table).
  std::uint32_t stack = 0;
};

// An instant of a thread inside the window.
struct Instant {
  std::uint64_t ts = 0;
  std::uint32_t aux = 0;  // marks: label id
};

struct ThreadSpans {
  std::vector<Interval> holds;     // acquire -> release
  std::vector<Interval> waits;     // request -> acquire
  std::vector<Interval> handoffs;  // hand-off begin -> end (the releaser waits for a taker)
  std::vector<Interval> calls;     // one call of the worker's function
  std::vector<Interval> natives;   // a native kernel running with the GIL released
  std::vector<Instant> drops;      // drop requests
  std::vector<Instant> marks;      // gilhost.mark()
};

// A drop request and the release it forced: the request fell inside that hold of another thread.
struct Forcing {
  std::size_t waiter = 0;  // thread index of the request
  std::uint64_t request_ts = 0;
  std::size_t holder = 0;  // thread index of the hold
  std::size_t hold = 0;    // index in threads[holder].holds
};

struct RecordingSpans {
  std::uint64_t window_begin = 0;
  std::uint64_t window_end = 0;      // >= window_begin
  std::vector<ThreadSpans> threads;  // indexed like Recording::threads
  std::vector<Forcing> forcings;     // by request time
};

// Spans of GIL `gil` (tracer index; 0 = the main GIL, as compute_metrics) plus every thread's
// host events. Spans that lie wholly outside the window are dropped; the others are clipped.
RecordingSpans recording_spans(const trace::Recording& recording, std::uint8_t gil = 0);

// The threads of `recording` that belong to GIL `gil`'s group: those with a GIL event of that
// GIL, and for the main GIL (0) also those with no GIL event of another one. Sub-interpreter
// workers thus appear once, with their own interpreter's GIL.
trace::Recording recording_of_gil(const trace::Recording& recording, std::uint8_t gil);

// The name the text report shows: worker, else Python thread name, else "tid N".
std::string thread_display_name(const trace::ThreadInfo& info);

// The label of a mark or the name of a kernel; an id outside its table becomes "#<id>", as in
// the metrics.
std::string table_name(const std::vector<std::string>& table, std::uint32_t id);

}  // namespace gilhost::report::detail
