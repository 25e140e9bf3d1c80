// StreamAnalyzer: the global time order over every thread's stream, windows and markers.
#include "analysis/stream.hpp"

#include <cmath>
#include <tuple>

#include "analysis/stream_state.hpp"

namespace gilhost::analysis {

using detail::GilState;
using detail::StreamState;
using trace::EventKind;

std::uint64_t TimeScale::ns_at(std::uint64_t ticks) const {
  if (ns_per_tick == 1.0 && ticks0 == ns0) return ticks;
  // As trace::Clock::to_ns, to the nanosecond: marks line up with the events they came from.
  const double d = double(std::int64_t(ticks - ticks0)) * ns_per_tick;
  return std::uint64_t(std::int64_t(ns0) + std::int64_t(d));
}

std::uint64_t TimeScale::ns_of(std::uint64_t duration_ticks) const {
  if (ns_per_tick == 1.0) return duration_ticks;
  return std::uint64_t(std::llround(double(duration_ticks) * ns_per_tick));
}

// Both edges of a hand-off happen inside gil->mutex in this order, and a drop request that
// falls at the instant of a release still targets that hold.
int event_rank(EventKind kind) {
  switch (kind) {
    case EventKind::kDropRequest:
    case EventKind::kStack:  // no effect of its own: it must never hold back its event
      return 0;
    case EventKind::kRelease:
    case EventKind::kForced:
      return 1;
    case EventKind::kAcquire:
      return 2;
    default:
      return 3;
  }
}

bool StreamAnalyzer::Head::operator>(const Head& o) const {
  return std::tie(ts, rank, stream) > std::tie(o.ts, o.rank, o.stream);
}

StreamAnalyzer::StreamAnalyzer() = default;
StreamAnalyzer::~StreamAnalyzer() = default;

StreamState& StreamAnalyzer::stream(std::uint32_t id) {
  auto& slot = streams_[id];
  if (!slot) {
    slot = std::make_unique<StreamState>();
    slot->id = id;
  }
  return *slot;
}

GilState& StreamAnalyzer::gil(std::uint8_t index) {
  if (gils_.size() <= index) gils_.resize(std::size_t(index) + 1);
  if (!gils_[index]) gils_[index] = std::make_unique<GilState>(window_);
  return *gils_[index];
}

void StreamAnalyzer::add_events(std::uint32_t id, const trace::Event* events, std::size_t n) {
  if (n == 0) return;
  StreamState& s = stream(id);
  const bool was_empty = !s.has_pending();
  if (was_empty) {
    s.pending.clear();
    s.head = 0;
  }
  s.pending.insert(s.pending.end(), events, events + n);
  pending_ += n;
  if (was_empty) heads_.push({events[0].ts_ns, event_rank(events[0].kind), id});
}

void StreamAnalyzer::add_lost(std::uint32_t id, std::uint64_t n) {
  if (n == 0) return;
  StreamState& s = stream(id);
  s.lost += n;
  s.active = true;
}

void StreamAnalyzer::declare(std::uint32_t id) { stream(id).active = true; }

void StreamAnalyzer::end_stream(std::uint32_t id) { stream(id).ended = true; }

void StreamAnalyzer::add_marker(const Marker& m) {
  auto it = std::upper_bound(markers_.begin() + std::ptrdiff_t(marker_head_), markers_.end(), m,
                             [](const Marker& a, const Marker& b) { return a.ts < b.ts; });
  markers_.insert(it, m);
}

void StreamAnalyzer::gil_registered(std::uint8_t index, std::uint32_t id, std::uint64_t ts,
                                    bool holder) {
  add_marker({ts, holder ? kGilHeld : kGilCreated, index, id, 0});
}

void StreamAnalyzer::sched_sample(std::uint32_t id, std::uint64_t ts, std::uint64_t delay_ns) {
  add_marker({ts, kSchedSample, 0, id, delay_ns});
  sampled_ = true;
}

void StreamAnalyzer::begin_window(std::uint64_t ts) { add_marker({ts, kWindowBegin, 0, 0, 0}); }

// The run-queue delay a stream accumulated since its previous sample, spread over the holds of
// every GIL it used. A thread's counters start at 0 when it is created, just before its first
// event: a stream whose first event came before any sample of it starts from there.
void StreamAnalyzer::apply_sample(StreamState& s, std::uint64_t ts, std::uint64_t delay_ns) {
  if (s.sampled && ts > s.sample_ts && delay_ns >= s.sample_delay_ns) {
    for (auto& g : gils_)
      if (g) g->sched_interval(s.id, s.sample_ts, ts, double(delay_ns - s.sample_delay_ns));
  }
}

void StreamAnalyzer::process_marker(const Marker& m) {
  if (m.type == kSchedSample) {
    StreamState& s = stream(m.stream);
    if (s.sampled && m.ts <= s.sample_ts) return;  // already applied at a window's end
    apply_sample(s, m.ts, m.delay_ns);
    s.sampled = true;
    s.sample_ts = m.ts;
    s.sample_delay_ns = m.delay_ns;
    return;
  }
  if (m.type == kWindowBegin) {
    // A window opened again before it was closed (a script's window given up for worker
    // phases): what it gathered is dropped, not carried into the new one.
    if (window_.open) {
      for (auto& g : gils_)
        if (g) g->reset_figures();
      for (auto& [id, st] : streams_) {
        const std::uint64_t lost = st->lost;  // losses are reported with the next window
        st->reset_figures();
        st->lost = lost;
        st->active = lost != 0;
      }
    }
    window_.open = true;
    window_.begin = m.ts;
    window_.end = ~std::uint64_t(0);
  } else {
    if (m.type == kGilHeld) stream(m.stream).active = true;
    gil(m.gil).registered(m.stream, std::max(m.ts, now_), m.type == kGilHeld);
  }
}

void StreamAnalyzer::process_native(StreamState& s, bool begin, std::uint64_t ts) {
  detail::Pairer& p = s.native;
  if (begin) {
    if (p.open) {
      ++s.malformed;
      return;
    }
    p.open = p.seen = true;
    p.begin = ts;
    if (window_.contains(ts)) ++s.native_sections;
    return;
  }
  if (p.open) {
    s.native_ticks += window_.clip(p.begin, ts);
  } else if (!p.seen) {  // open when the stream began
    s.native_ticks += window_.clip(window_.open ? std::min(window_.begin, ts) : ts, ts);
  } else {
    ++s.malformed;
    return;
  }
  p.open = false;
  p.seen = true;
}

void StreamAnalyzer::process_event(StreamState& s, const trace::Event& e) {
  std::uint64_t ts = e.ts_ns;
  // A stream that goes back in time, or an event that reached its ring after later ones were
  // processed, is repaired by holding the clock still: no span can have a negative length.
  if (ts < s.last_ts || ts < now_) {
    ++s.malformed;
    ts = std::max(s.last_ts, now_);
  }
  s.last_ts = now_ = ts;
  s.active = true;
  if (!s.event_seen && !s.sampled && sampled_) {
    s.sampled = true;  // created after the sampler's round: its counters start here at 0
    s.sample_ts = ts;
    s.sample_delay_ns = 0;
  }
  s.event_seen = true;
  const auto k = std::uint8_t(e.kind);
  if (k >= std::uint8_t(EventKind::kRequest) && k <= std::uint8_t(EventKind::kHandoffEnd)) {
    gil(e.gil).on_event(s.id, e, ts, s.stack);
    return;
  }
  switch (e.kind) {
    case EventKind::kStack:
      s.stack = e.aux;
      stacks_seen_ = true;
      return;
    case EventKind::kHeldBegin:
    case EventKind::kHeldEnd:
      // A held section's time goes to its own stack in the hold tables (GilState).
      for (auto& g : gils_)
        if (g) g->held_section(s.id, e.kind == EventKind::kHeldBegin, ts, s.stack);
      return;
    case EventKind::kCallBegin:
    case EventKind::kCallEnd:
      return;  // host-measured (worker latencies), drawn on timelines only
    case EventKind::kNativeBegin:
      return process_native(s, true, ts);
    case EventKind::kNativeEnd:
      return process_native(s, false, ts);
    case EventKind::kMark:
      if (window_.contains(ts)) s.marks.emplace_back(ts, e.aux);
      return;
    default:
      ++s.malformed;  // unknown kind: a newer tracer or a corrupt buffer
      return;
  }
}

void StreamAnalyzer::advance(std::uint64_t watermark) {
  for (;;) {
    const bool event = !heads_.empty() && heads_.top().ts <= watermark;
    const bool marker = marker_head_ < markers_.size() && markers_[marker_head_].ts <= watermark;
    if (!event && !marker) break;
    // A marker goes before the events of its instant: a window contains its first instant.
    if (marker && (!event || markers_[marker_head_].ts <= heads_.top().ts)) {
      process_marker(markers_[marker_head_++]);
      continue;
    }
    const Head top = heads_.top();
    heads_.pop();
    StreamState& s = *streams_.at(top.stream);
    const std::uint64_t marker_ts = marker ? markers_[marker_head_].ts : ~std::uint64_t(0);
    // Process this stream's events in a run, for as long as they come before every other head.
    // Its first event is the least of all (it was on top and no marker comes before it).
    for (bool first = true; s.has_pending(); first = false) {
      const trace::Event& e = s.pending[s.head];
      if (!first) {
        if (e.ts_ns > watermark || e.ts_ns >= marker_ts) break;
        if (!heads_.empty() && !(heads_.top() > Head{e.ts_ns, event_rank(e.kind), s.id})) break;
      }
      process_event(s, e);
      ++s.head;
      --pending_;
    }
    if (s.head == s.pending.size()) {
      s.pending.clear();
      s.head = 0;
    } else {
      if (s.head > 4096 && 2 * s.head > s.pending.size()) {
        s.pending.erase(s.pending.begin(), s.pending.begin() + std::ptrdiff_t(s.head));
        s.head = 0;
      }
      const trace::Event& e = s.pending[s.head];
      heads_.push({e.ts_ns, event_rank(e.kind), s.id});
    }
  }
  if (marker_head_ > 64 && 2 * marker_head_ > markers_.size()) {
    markers_.erase(markers_.begin(), markers_.begin() + std::ptrdiff_t(marker_head_));
    marker_head_ = 0;
  }
}

}  // namespace gilhost::analysis
