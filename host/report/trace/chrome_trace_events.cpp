// add_recording: a recording's spans as Chrome trace events, one track per kind of nesting.
#include "report/trace/chrome_trace_events.hpp"

#include <algorithm>
#include <tuple>

#include "report/stacks/stack_views.hpp"
#include "report/trace_spans.hpp"

namespace gilhost::report::detail {
namespace {

// Holds, waits and hand-offs of one thread never overlap, so they share a track; calls and the
// native sections inside them overlap holds and waits without nesting, so they get another.
struct ThreadTracks {
  int gil = 0;
  int calls = 0;  // 0: the thread has no call, native section or mark
};

int add_track(TraceBuild& b, int pid, std::string name) {
  int tid = b.next_tid++;
  b.tracks.push_back({pid, tid, std::move(name), tid});
  return tid;
}

bool has_code(const ThreadSpans& s) {
  return !s.calls.empty() || !s.natives.empty() || !s.marks.empty();
}

void add_slices(TraceBuild& b, int pid, int tid, const std::vector<Interval>& spans, TraceKind kind,
                std::uint32_t name = 0) {
  const bool stacked = b.stacks && (kind == TraceKind::kHold || kind == TraceKind::kWait);
  for (const Interval& s : spans) {
    std::uint64_t a = kind == TraceKind::kHold ? (s.forced ? 1 : 0) : s.aux;
    std::uint64_t has_stack = 0;
    std::uint32_t slice_name = name;
    if (stacked && s.stack != 0 && b.stacks->has_stack(s.stack)) {
      std::string text;
      for (const std::string& f : stack_frames(*b.stacks, s.stack))
        text += (text.empty() ? "" : ";") + f;
      slice_name = b.intern(text);
      has_stack = 1;
    }
    b.events.push_back({s.begin, s.end - s.begin, a, has_stack, slice_name, pid, tid, kind});
  }
}

void add_code(TraceBuild& b, int pid, int tid, const ThreadSpans& s,
              const trace::ThreadEvents& thread, const trace::Recording& rec) {
  const std::string& role = thread.info.role;
  add_slices(b, pid, tid, s.calls, TraceKind::kCall, b.intern(role.empty() ? "call" : role + "()"));
  for (const Interval& n : s.natives) {
    std::uint32_t name = b.intern("native: " + table_name(rec.kernels, n.aux));
    b.events.push_back({n.begin, n.end - n.begin, 0, 0, name, pid, tid, TraceKind::kNative});
  }
  for (const Instant& m : s.marks) {
    std::uint32_t name = b.intern(table_name(rec.labels, m.aux));
    b.events.push_back({m.ts, 0, 0, 0, name, pid, tid, TraceKind::kMark});
  }
}

// The arrow ends 1 ns before the release so that it lies inside the hold's slice: a viewer
// binds a flow end ("bp": "e") to the slice open at that instant, and a slice is closed at its
// end time.
void add_flows(TraceBuild& b, int pid, const RecordingSpans& spans,
               const std::vector<ThreadTracks>& tracks) {
  for (const Forcing& f : spans.forcings) {
    const Interval& hold = spans.threads[f.holder].holds[f.hold];
    std::uint64_t end_ts = hold.end > hold.begin ? hold.end - 1 : hold.begin;
    std::uint64_t id = b.next_flow++;
    b.events.push_back(
        {f.request_ts, 0, id, 0, 0, pid, tracks[f.waiter].gil, TraceKind::kFlowStart});
    b.events.push_back({end_ts, 0, id, 0, 0, pid, tracks[f.holder].gil, TraceKind::kFlowEnd});
  }
}

// The number of open holds and waits after every instant where it changes.
void add_counter(TraceBuild& b, int pid, int tid, const RecordingSpans& spans) {
  struct Step {
    std::uint64_t ts;
    int holds, waits;
  };
  std::vector<Step> steps;
  for (const ThreadSpans& t : spans.threads) {
    for (const Interval& h : t.holds) steps.insert(steps.end(), {{h.begin, 1, 0}, {h.end, -1, 0}});
    for (const Interval& w : t.waits) steps.insert(steps.end(), {{w.begin, 0, 1}, {w.end, 0, -1}});
  }
  std::sort(steps.begin(), steps.end(), [](const Step& x, const Step& y) { return x.ts < y.ts; });
  std::int64_t holds = 0, waits = 0, shown_holds = -1, shown_waits = -1;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    holds += steps[i].holds;
    waits += steps[i].waits;
    bool last_at_ts = i + 1 == steps.size() || steps[i + 1].ts != steps[i].ts;
    if (!last_at_ts || (holds == shown_holds && waits == shown_waits)) continue;
    b.events.push_back({steps[i].ts, 0, std::uint64_t(holds), std::uint64_t(waits), 0, pid, tid,
                        TraceKind::kCounter});
    shown_holds = holds;
    shown_waits = waits;
  }
}

std::vector<ThreadTracks> add_tracks(TraceBuild& b, int pid, const trace::Recording& rec,
                                     const RecordingSpans& spans) {
  std::vector<ThreadTracks> tracks;
  for (std::size_t t = 0; t < rec.threads.size(); ++t) {
    std::string name = thread_display_name(rec.threads[t].info);
    ThreadTracks tt;
    tt.gil = add_track(b, pid, name + " · GIL");
    if (has_code(spans.threads[t])) tt.calls = add_track(b, pid, name + " · calls");
    tracks.push_back(tt);
  }
  return tracks;
}

int rank(TraceKind k) {
  switch (k) {
    case TraceKind::kHold:
    case TraceKind::kWait:
    case TraceKind::kHandoff:
    case TraceKind::kCall:
    case TraceKind::kNative:
      return 0;
    case TraceKind::kDrop:
    case TraceKind::kMark:
      return 1;
    case TraceKind::kFlowStart:
    case TraceKind::kFlowEnd:
      return 2;
    case TraceKind::kCounter:
      return 3;
  }
  return 4;
}

}  // namespace

std::uint32_t TraceBuild::intern(const std::string& name) {
  auto [it, added] = name_ids.try_emplace(name, std::uint32_t(names.size()));
  if (added) names.push_back(name);
  return it->second;
}

void add_recording(TraceBuild& b, const trace::Recording& rec, const std::string& process_name,
                   std::uint8_t gil) {
  int pid = int(b.processes.size()) + 1;
  RecordingSpans spans = recording_spans(rec, gil);
  std::vector<ThreadTracks> tracks = add_tracks(b, pid, rec, spans);
  // A process without threads still needs a track for its name and counter events.
  int first_tid = tracks.empty() ? add_track(b, pid, "GIL") : tracks.front().gil;
  b.processes.push_back({pid, first_tid, process_name, pid});
  for (std::size_t t = 0; t < rec.threads.size(); ++t) {
    const ThreadSpans& s = spans.threads[t];
    add_slices(b, pid, tracks[t].gil, s.holds, TraceKind::kHold);
    add_slices(b, pid, tracks[t].gil, s.waits, TraceKind::kWait);
    add_slices(b, pid, tracks[t].gil, s.handoffs, TraceKind::kHandoff);
    for (const Instant& d : s.drops)
      b.events.push_back({d.ts, 0, 0, 0, 0, pid, tracks[t].gil, TraceKind::kDrop});
    if (tracks[t].calls) add_code(b, pid, tracks[t].calls, s, rec.threads[t], rec);
  }
  add_flows(b, pid, spans, tracks);
  add_counter(b, pid, first_tid, spans);
}

bool trace_order(const TraceEvent& a, const TraceEvent& b) {
  return std::make_tuple(a.ts, rank(a.kind), b.dur, a.pid, a.tid) <
         std::make_tuple(b.ts, rank(b.kind), a.dur, b.pid, b.tid);
}

}  // namespace gilhost::report::detail
