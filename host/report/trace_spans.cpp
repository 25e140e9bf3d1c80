// recording_spans: the analysis's own span pairing (thread_scan), plus calls, clipped for drawing.
#include "report/trace_spans.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "analysis/spans.hpp"
#include "analysis/thread_scan.hpp"

namespace gilhost::report::detail {
namespace {

using analysis::detail::Span;
using analysis::detail::Window;
using trace::EventKind;

// A span wholly outside the window is dropped; a zero-length one counts when inside it.
bool visible(const Span& s, const Window& w) {
  if (s.begin == s.end) return w.contains(s.begin);
  return s.end > w.begin && s.begin < w.end;
}

Interval clip(const Span& s, const Window& w, std::uint32_t aux = 0) {
  Interval out;
  out.begin = std::clamp(s.begin, w.begin, w.end);
  out.end = std::clamp(s.end, out.begin, w.end);
  out.aux = aux;
  out.complete = analysis::detail::complete_inside(s, w);
  out.forced = s.forced;
  out.release_seen = s.end_seen && w.contains(s.end);
  return out;
}

constexpr std::size_t kDropped = ~std::size_t(0);

// `positions`, when given, receives for each span its index in the result, or kDropped.
std::vector<Interval> clip_all(const std::vector<Span>& spans, const Window& w,
                               std::vector<std::size_t>* positions = nullptr) {
  std::vector<Interval> out;
  for (const Span& s : spans) {
    bool keep = visible(s, w);
    if (positions) positions->push_back(keep ? out.size() : kDropped);
    if (keep) out.push_back(clip(s, w));
  }
  return out;
}

// Calls are host events the analysis does not pair (they are host-measured), and its native
// sections keep no kernel id, so both are paired here with the analysis's edge rules
// (docs/metrics.md, "Spans"): an end before any begin began before the stream.
std::vector<Interval> pair_host(const std::vector<trace::Event>& events, EventKind begin_kind,
                                EventKind end_kind, const Window& w) {
  std::vector<Interval> out;
  bool open = false, seen = false;
  Span span;
  std::uint32_t aux = 0;
  std::uint64_t last = 0;
  for (const trace::Event& e : events) {
    last = std::max(last, e.ts_ns);  // a stream that goes back in time is held still
    if (e.kind == begin_kind && !open) {
      open = seen = true;
      span = {last, last};
      aux = e.aux;
    } else if (e.kind == end_kind && (open || !seen)) {
      if (!open) span = {std::min(w.begin, last), last, /*begin_seen=*/false};
      if (!open) aux = e.aux;
      span.end = last;
      if (visible(span, w)) out.push_back(clip(span, w, aux));
      open = false;
      seen = true;
    }
  }
  Span tail{span.begin, std::max(span.begin, w.end), true, /*end_seen=*/false};
  if (open && visible(tail, w)) out.push_back(clip(tail, w, aux));
  return out;
}

using analysis::detail::ThreadScan;

// The stack of a thread at `ts`: its latest kStack stamped at or before it (0 before any).
class StackAt {
 public:
  explicit StackAt(const std::vector<trace::Event>& events) {
    for (const trace::Event& e : events)
      if (e.kind == EventKind::kStack) changes_.emplace_back(e.ts_ns, e.aux);
  }
  std::uint32_t operator()(std::uint64_t ts) const {
    auto it = std::upper_bound(changes_.begin(), changes_.end(), ts,
                               [](std::uint64_t t, const auto& c) { return t < c.first; });
    return it == changes_.begin() ? 0 : std::prev(it)->second;
  }
  bool empty() const { return changes_.empty(); }

 private:
  std::vector<std::pair<std::uint64_t, std::uint32_t>> changes_;
};

ThreadSpans thread_spans(const trace::ThreadEvents& thread, const ThreadScan& scan, const Window& w,
                         std::vector<std::size_t>& hold_positions) {
  ThreadSpans out;
  out.holds = clip_all(scan.holds, w, &hold_positions);
  out.waits = clip_all(scan.waits, w);
  if (const StackAt stack_at(thread.events); !stack_at.empty()) {
    for (Interval& h : out.holds) h.stack = h.release_seen ? stack_at(h.end) : 0;
    for (Interval& x : out.waits) x.stack = stack_at(x.begin);
  }
  out.handoffs = clip_all(scan.handoffs, w);
  out.calls = pair_host(thread.events, EventKind::kCallBegin, EventKind::kCallEnd, w);
  out.natives = pair_host(thread.events, EventKind::kNativeBegin, EventKind::kNativeEnd, w);
  for (std::uint64_t ts : scan.drop_request_ts)
    if (w.contains(ts)) out.drops.push_back({ts, 0});
  for (const auto& [ts, id] : scan.marks) out.marks.push_back({ts, id});
  return out;
}

// A forced hold (its release flagged by the tracer) is linked to the drop requests that fell
// inside it: a request targets the hold in progress. Holds of one GIL do not overlap, so the
// hold containing a request is the last one begun before it.
struct HoldRef {
  std::uint64_t begin, end;
  std::size_t thread, index;
};

std::vector<HoldRef> holds_by_begin(const std::vector<ThreadScan>& scans) {
  std::vector<HoldRef> holds;
  for (std::size_t t = 0; t < scans.size(); ++t) {
    for (std::size_t i = 0; i < scans[t].holds.size(); ++i) {
      const Span& h = scans[t].holds[i];
      if (h.end_seen && h.forced) holds.push_back({h.begin, h.end, t, i});
    }
  }
  std::sort(holds.begin(), holds.end(),
            [](const HoldRef& a, const HoldRef& b) { return a.begin < b.begin; });
  return holds;
}

// The forcings (request -> forced release) whose request is in the window.
std::vector<Forcing> forcings_of(const std::vector<ThreadScan>& scans, const Window& w) {
  std::vector<HoldRef> holds = holds_by_begin(scans);
  std::vector<Forcing> out;
  for (std::size_t t = 0; t < scans.size(); ++t) {
    for (std::uint64_t ts : scans[t].drop_request_ts) {
      auto it = std::upper_bound(holds.begin(), holds.end(), ts,
                                 [](std::uint64_t x, const HoldRef& h) { return x < h.begin; });
      if (it == holds.begin() || ts > std::prev(it)->end) continue;
      const HoldRef& h = *std::prev(it);
      if (w.contains(ts) && h.thread != t) out.push_back({t, ts, h.thread, h.index});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Forcing& a, const Forcing& b) { return a.request_ts < b.request_ts; });
  return out;
}

// Forcing::hold indexes the scan's holds until clipping has dropped those outside the window.
void reindex(std::vector<Forcing>& forcings, const std::vector<std::vector<std::size_t>>& positions,
             const std::vector<ThreadSpans>& threads) {
  std::vector<Forcing> kept;
  for (Forcing f : forcings) {
    f.hold = positions[f.holder][f.hold];
    // A hold released after the window has no visible release to point at.
    if (f.hold != kDropped && threads[f.holder].holds[f.hold].release_seen) kept.push_back(f);
  }
  forcings = std::move(kept);
}

}  // namespace

RecordingSpans recording_spans(const trace::Recording& recording, std::uint8_t gil) {
  Window w = analysis::detail::window_of(recording);
  std::vector<ThreadScan> scans;
  for (const trace::ThreadEvents& thread : recording.threads)
    scans.push_back(analysis::detail::scan_thread(thread.events, gil, w));
  RecordingSpans out;
  out.window_begin = w.begin;
  out.window_end = w.end;
  out.forcings = forcings_of(scans, w);
  std::vector<std::vector<std::size_t>> positions(scans.size());
  for (std::size_t t = 0; t < scans.size(); ++t)
    out.threads.push_back(thread_spans(recording.threads[t], scans[t], w, positions[t]));
  reindex(out.forcings, positions, out.threads);
  return out;
}

trace::Recording recording_of_gil(const trace::Recording& recording, std::uint8_t gil) {
  trace::Recording out = recording;
  out.threads.clear();
  for (const trace::ThreadEvents& t : recording.threads) {
    bool mine = false, other = false;
    for (const trace::Event& e : t.events) {
      if (e.kind > trace::EventKind::kHandoffEnd) continue;  // host events belong to no GIL
      (e.gil == gil ? mine : other) = true;
    }
    if (mine || (gil == 0 && !other)) out.threads.push_back(t);
  }
  return out;
}

std::string thread_display_name(const trace::ThreadInfo& info) {
  if (!info.worker.empty()) return info.worker;
  if (!info.python_name.empty()) return info.python_name;
  return "tid " + std::to_string(info.tid);
}

std::string table_name(const std::vector<std::string>& table, std::uint32_t id) {
  return id < table.size() ? table[id] : fmt::format("#{}", id);
}

}  // namespace gilhost::report::detail
