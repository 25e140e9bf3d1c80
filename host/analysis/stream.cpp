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
  const std::size_t first = s.pending.size();
  s.pending.insert(s.pending.end(), events, events + n);
  pending_ += n;
  for (std::size_t i = first; i < s.pending.size(); ++i)
    if (s.pending[i].kind == EventKind::kForced) flag_forced_release(s, i);
  if (was_empty) heads_.push({events[0].ts_ns, event_rank(events[0].kind), id});
}

// drop_gil takes switch_mutex right after its release when a drop was asked (FORCE_SWITCHING):
// the release just before a kForced in its thread's stream is flagged forced, before the global
// order processes it. A release already processed (its kForced came more than a drain late)
// keeps the drop-request rule alone.
void StreamAnalyzer::flag_forced_release(StreamState& s, std::size_t forced_at) {
  const std::uint8_t gil = s.pending[forced_at].gil;
  for (std::size_t i = forced_at; i-- > s.head && forced_at - i <= 8;) {
    trace::Event& e = s.pending[i];
    if (e.gil != gil || std::uint8_t(e.kind) > std::uint8_t(EventKind::kHandoffEnd)) continue;
    if (e.kind == EventKind::kRelease) e.reserved |= trace::kReleaseForced;
    return;
  }
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

void StreamAnalyzer::gil_registered(std::uint8_t index, std::uint32_t id, std::uint64_t ts) {
  add_marker({ts, 1, index, id});
}

void StreamAnalyzer::begin_window(std::uint64_t ts) { add_marker({ts, 0, 0, 0}); }

void StreamAnalyzer::process_marker(const Marker& m) {
  if (m.type == 0) {
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
    stream(m.stream).active = true;
    gil(m.gil).registered(m.stream, std::max(m.ts, now_));
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
  const auto k = std::uint8_t(e.kind);
  if (k >= std::uint8_t(EventKind::kRequest) && k <= std::uint8_t(EventKind::kHandoffEnd)) {
    gil(e.gil).on_event(s.id, e.kind, ts, e.reserved);
    return;
  }
  switch (e.kind) {
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
