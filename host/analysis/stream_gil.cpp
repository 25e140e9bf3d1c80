// One GIL's state machine, holder timeline and whole-GIL figures, fed in global time order
// (docs/metrics.md). Every figure is accumulated as its events pass, into the current window.
#include <algorithm>

#include "analysis/stream_state.hpp"

namespace gilhost::analysis::detail {

using trace::EventKind;

void PairMap::add(std::uint32_t waiter, std::uint32_t holder, std::uint64_t ticks) {
  if (ticks == 0) return;
  if (2 * (used_ + 1) > cells_.size()) grow();
  const std::uint64_t key = std::uint64_t(waiter) << 32 | holder;
  std::size_t mask = cells_.size() - 1;
  std::size_t i = std::size_t((key * 0x9E3779B97F4A7C15ull) >> 20) & mask;
  while (cells_[i].ticks != 0 && cells_[i].key != key) i = (i + 1) & mask;
  if (cells_[i].ticks == 0) {
    cells_[i].key = key;
    ++used_;
  }
  cells_[i].ticks += ticks;
}

void PairMap::grow() {
  std::vector<Cell> old = std::move(cells_);
  cells_.assign(std::max<std::size_t>(16, old.size() * 2), Cell{});
  used_ = 0;
  for (const Cell& c : old)
    if (c.ticks) add(std::uint32_t(c.key >> 32), std::uint32_t(c.key), c.ticks);
}

ThreadGil& GilState::thread(std::uint32_t stream) {
  auto& slot = threads_[stream];
  if (!slot) {
    slot = std::make_unique<ThreadGil>();
    slot->stream = stream;
  }
  return *slot;
}

const ThreadGil* GilState::thread_or_null(std::uint32_t stream) const {
  auto it = threads_.find(stream);
  return it == threads_.end() ? nullptr : it->second.get();
}

void GilState::forget(std::uint32_t stream) {
  auto it = threads_.find(stream);
  if (it == threads_.end() || it->second->holding || it->second->waiting) return;
  threads_.erase(it);
}

// A new GIL (or a reused tracer index): nothing of the previous one carries over; the
// registering thread holds it from here (the tracer registers GILs only while held).
void GilState::registered(std::uint32_t stream, std::uint64_t ts, bool holder) {
  threads_.clear();
  holders_.clear();
  waiters_.clear();
  since_acquire_.clear();
  last_switcher_ = kNobody;
  any_forced_ = false;
  owner_ = kNobody;
  owner_since_ = now = std::max(now, ts);
  if (!holder) return;
  ThreadGil& t = thread(stream);
  t.gil_seen = t.holding = true;
  t.hold_begin_seen = false;  // it held the GIL before the tracer knew it
  t.hold_begin = ts;
  holders_.push_back(stream);
  owner_ = stream;
  owner_since_ = now = std::max(now, ts);
}

void GilState::on_event(std::uint32_t stream, const trace::Event& e, std::uint64_t ts,
                        std::uint32_t stack) {
  advance_time(ts);
  ThreadGil& t = thread(stream);
  switch (e.kind) {
    case EventKind::kRequest:
      return on_request(t, ts, stack);
    case EventKind::kAcquire:
      return on_acquire(t, ts, e.aux, e.flags);
    case EventKind::kRelease:
      return on_release(t, ts, e.aux, e.flags, stack);
    case EventKind::kForced:
      return on_forced(t);
    case EventKind::kDropRequest:
      return on_drop_request(t, ts);
    case EventKind::kHandoffBegin:
      return on_handoff(t, true, ts);
    case EventKind::kHandoffEnd:
      return on_handoff(t, false, ts);
    default:
      return;
  }
}

// The waiter count is constant between two events, so sampling it when time moves on gives the
// maximum over half-open waits: a wait that begins and ends at one instant never counts.
void GilState::advance_time(std::uint64_t ts) {
  if (ts <= now) return;
  if (window_.open && std::max(now, window_.begin) < std::min(ts, window_.end))
    max_waiters = std::max<std::uint64_t>(max_waiters, waiters_.size());
  now = ts;
}

// take_gil emits kRequest only for a thread that does not hold the GIL, once per call.
void GilState::on_request(ThreadGil& t, std::uint64_t ts, std::uint32_t stack) {
  if (t.holding || t.waiting) {
    ++t.malformed;
    return;
  }
  t.wait_stack = stack;
  t.waiting = t.gil_seen = true;
  t.wait_begin = t.wait_charged = ts;
  t.can_force = false;
  t.waiter_pos = waiters_.size();
  waiters_.push_back(&t);
}

void GilState::stop_waiting(ThreadGil& t, std::uint64_t ts) {
  charge(t, ts);
  wait_ticks += window_.clip(t.wait_begin, ts);
  if (window_.complete_inside(t.wait_begin, ts)) t.wait_h.record(ts - t.wait_begin);
  std::optional<std::uint64_t> piece;
  if (window_.complete_inside(t.wait_begin, ts)) piece = ts - t.wait_begin;
  add_figure(wait_stacks, t.stream, t.wait_stack, window_.clip(t.wait_begin, ts),
             window_.contains(ts), piece);
  ThreadGil* last = waiters_.back();
  waiters_[t.waiter_pos] = last;
  last->waiter_pos = t.waiter_pos;
  waiters_.pop_back();
  t.waiting = false;
}

// An acquire flagged kAcquireAtArm is the tracer's note that this thread already held the GIL
// when tracing started: a hold whose real start was not seen, and not an acquire of the window.
void GilState::on_acquire(ThreadGil& t, std::uint64_t ts, std::uint32_t aux, std::uint16_t flags) {
  const bool at_arm = (flags & trace::kAcquireAtArm) != 0;
  if (t.holding) {  // a second acquire: keep the open hold
    ++t.malformed;
    return;
  }
  if (t.waiting) {
    stop_waiting(t, ts);
  } else if (t.gil_seen && !at_arm) {
    ++t.malformed;  // no kRequest before it; the acquire itself is still real, so keep it
  }
  t.holding = t.gil_seen = true;
  t.hold_begin_seen = !at_arm;
  t.hold_begin = ts;
  t.acquire_aux = aux;
  t.can_force = false;
  t.open_delay_ns = 0;
  take(t, ts);
  if (at_arm) {
    last_switcher_ = t.stream;  // gil->last_holder is this thread's state
  } else {
    switch_seen(t.stream, true, ts, false);
  }
}

// drop_gil takes switch_mutex outside gil->mutex after its release when a drop request was
// still set then: CPython's FORCE_SWITCHING handshake, its own figure (not the verdict).
void GilState::on_forced(ThreadGil& t) {
  if (t.can_force) {
    t.handshakes += t.release_in_window ? 1 : 0;
  } else if (t.gil_seen) {
    ++t.malformed;
  }
  t.can_force = false;
}

// The verdict is CPython's, carried on the release (trace/event.hpp): nothing is inferred.
void GilState::on_release(ThreadGil& t, std::uint64_t ts, std::uint32_t aux, std::uint16_t flags,
                          std::uint32_t stack) {
  if (!t.holding && t.gil_seen) {
    ++t.malformed;
    return;
  }
  if (!t.holding) {
    // Held since before this stream began: the hold's begin is not seen.
    t.hold_begin = window_.open ? std::min(window_.begin, ts) : ts;
    t.hold_begin_seen = false;
    if (holders_.empty()) {  // nobody else held it meanwhile: the open segment was this hold
      holders_.push_back(t.stream);
      owner_ = t.stream;
    }
  } else if (t.hold_begin_seen && window_.complete_inside(t.hold_begin, ts)) {
    t.hold_h.record(ts - t.hold_begin);
  }
  const bool forced = (flags & trace::kReleaseForced) != 0;
  // switch_number before take_gil's increment on the acquire, after it on the release: one
  // more means CPython counted this acquire as a change of holding thread state.
  if (t.hold_begin_seen && window_.contains(t.hold_begin) &&
      std::uint32_t(aux - t.acquire_aux) == 1)
    ++t.switched;
  t.held_ticks += window_.clip(t.hold_begin, ts);
  charge_hold(t, ts, stack, t.hold_begin_seen && window_.complete_inside(t.hold_begin, ts));
  t.release_in_window = window_.contains(ts);
  if (t.release_in_window) {
    ++t.releases;
    t.forced += forced ? 1 : 0;
    t.pending += forced || (flags & trace::kReleaseRequestPending) ? 1 : 0;
    t.unclassified += flags & trace::kReleaseUnclassified ? 1 : 0;
  }
  if (window_.open && window_.clip(t.hold_begin, ts) > 0) {
    const bool complete = t.hold_begin_seen && window_.complete_inside(t.hold_begin, ts);
    t.unsampled.push_back({t.hold_begin, ts, t.open_delay_ns, complete});
  }
  t.open_delay_ns = 0;
  t.holding = false;
  t.gil_seen = t.can_force = true;
  const bool owned = owner_ == t.stream;
  give_up(t, ts);
  if (owned) flush_unsited(stack);
  switch_seen(t.stream, false, ts, forced);
}

// take_gil asks for a drop only while waiting; before the first GIL event the wait is unseen.
void GilState::on_drop_request(ThreadGil& t, std::uint64_t ts) {
  if (!t.waiting && t.gil_seen) {
    ++t.malformed;
    return;
  }
  if (window_.contains(ts)) ++t.drop_requests;
}

void GilState::on_handoff(ThreadGil& t, bool begin, std::uint64_t ts) {
  Pairer& p = t.handoff;
  if (begin) {
    if (p.open) {
      ++t.malformed;
      return;
    }
    p.open = p.seen = true;
    p.begin = ts;
    if (window_.contains(ts)) ++t.handoff_waits;
    return;
  }
  if (!p.open && p.seen) {
    ++t.malformed;
    return;
  }
  if (p.open && window_.complete_inside(p.begin, ts)) t.handoff_h.record(ts - p.begin);
  p.open = false;
  p.seen = true;
}

// The timeline has one owner per instant: where holds overlap (a broken invariant, counted),
// the earlier acquirer keeps the overlap, so who-blocked-whom rows still add up to the waits.
void GilState::take(ThreadGil& t, std::uint64_t ts) {
  if (!holders_.empty()) {
    if (window_.contains(ts)) ++overlapping;
  } else {
    charge_all(ts);
    owner_ = t.stream;
    owner_since_ = ts;
  }
  holders_.push_back(t.stream);
}

void GilState::give_up(ThreadGil& t, std::uint64_t ts) {
  auto it = std::find(holders_.begin(), holders_.end(), t.stream);
  if (it == holders_.end()) return;
  const bool was_owner = it == holders_.begin();
  holders_.erase(it);
  if (!was_owner) return;
  charge_all(ts);
  last_owner_ = t.stream;
  held_ticks += window_.clip(owner_since_, ts);
  owner_since_ = ts;
  owner_ = holders_.empty() ? kNobody : holders_.front();
}

// gil->last_holder is set by both take_gil and drop_gil: an acquire by another thread than the
// latest acquire or release is a holder change. A release is paired with the next acquire by
// another thread as a hand-off.
void GilState::switch_seen(std::uint32_t stream, bool acquire, std::uint64_t ts, bool forced) {
  if (acquire) {
    if (window_.contains(ts)) {
      ++acquires;
      holder_changes += stream != last_switcher_ ? 1 : 0;
    }
    for (const Release& r : since_acquire_) {
      if (r.stream == stream || !window_.contains(r.ts) || !window_.contains(ts)) continue;
      handoff_h.record(ts - r.ts);
      (r.forced ? handoff_forced_h : handoff_voluntary_h).record(ts - r.ts);
    }
    since_acquire_.clear();
  } else {
    since_acquire_.push_back({ts, stream, forced});
    if (forced && window_.contains(ts)) {
      if (any_forced_) achieved_interval_h.record(ts - last_forced_);
      any_forced_ = true;
      last_forced_ = ts;
    }
  }
  last_switcher_ = stream;
}

void GilState::charge(ThreadGil& w, std::uint64_t ts) {
  const std::uint64_t ticks = window_.clip(w.wait_charged, ts);
  blocked.add(w.stream, owner_, ticks);
  w.wait_charged = std::max(w.wait_charged, ts);
  if (ticks == 0) return;
  // Who held it and where: nobody (a hand-off gap), the owner's held section, or the owner's
  // stack at its release, not known yet.
  const ThreadGil* o = owner_ == kNobody ? nullptr : thread_or_null(owner_);
  if (o == nullptr) {
    blocked_code[{w.stream, w.wait_stack, kNobody, 0}] += ticks;
  } else if (o->in_section) {
    blocked_code[{w.stream, w.wait_stack, owner_, o->section_stack}] += ticks;
  } else {
    unsited_[{w.stream, w.wait_stack}] += ticks;
  }
}

void GilState::flush_unsited(std::uint32_t holder_stack) {
  for (const auto& [key, ticks] : unsited_)
    blocked_code[{key.first, key.second, last_owner_, holder_stack}] += ticks;
  unsited_.clear();
}

void GilState::add_figure(std::unordered_map<std::uint64_t, StackFigure>& m, std::uint32_t stream,
                          std::uint32_t stack, std::uint64_t ticks, bool ends_inside,
                          std::optional<std::uint64_t> piece) {
  if (ticks == 0 && !ends_inside) return;
  StackFigure& f = m[std::uint64_t(stream) << 32 | stack];
  f.ticks += ticks;
  f.count += ends_inside ? 1 : 0;
  if (piece) f.pieces.record(*piece);
}

// A hold's time outside its held sections goes to the stack of its release (`stack`), each
// section's to its own (held_section); `complete`: the whole hold lies inside the window.
void GilState::charge_hold(ThreadGil& t, std::uint64_t ts, std::uint32_t stack, bool complete) {
  const std::uint64_t clipped = window_.clip(t.hold_begin, ts);
  const std::uint64_t rest = clipped > t.section_clipped ? clipped - t.section_clipped : 0;
  std::optional<std::uint64_t> piece;
  const std::uint64_t raw = ts - t.hold_begin;
  if (complete) piece = raw > t.section_ticks ? raw - t.section_ticks : 0;
  add_figure(hold_stacks, t.stream, stack, rest, window_.contains(ts), piece);
  t.section_ticks = t.section_clipped = 0;
}

void GilState::held_section(std::uint32_t stream, bool begin, std::uint64_t ts,
                            std::uint32_t stack) {
  auto it = threads_.find(stream);
  if (it == threads_.end() || !it->second->holding) return;
  ThreadGil& t = *it->second;
  if (begin == t.in_section) return;  // unpaired: the hold's own figures count it
  if (owner_ == stream) charge_all(ts);
  if (begin) {
    t.in_section = true;
    t.section_begin = ts;
    t.section_stack = stack;
    return;
  }
  t.in_section = false;
  const std::uint64_t clipped = window_.clip(t.section_begin, ts);
  std::optional<std::uint64_t> piece;
  if (window_.complete_inside(t.section_begin, ts)) piece = ts - t.section_begin;
  add_figure(hold_stacks, stream, t.section_stack, clipped, window_.contains(ts), piece);
  t.section_ticks += ts - t.section_begin;
  t.section_clipped += clipped;
}

void GilState::charge_all(std::uint64_t ts) {
  for (ThreadGil* w : waiters_) charge(*w, ts);
}

// The delay of [a, b] is spread evenly over it (exact when the thread held the GIL throughout,
// the cpu=1 case; an estimate otherwise): each hold gets its overlap's share.
void GilState::sched_interval(std::uint32_t stream, std::uint64_t a, std::uint64_t b,
                              double delay_ns) {
  auto it = threads_.find(stream);
  if (it == threads_.end() || b <= a) return;
  ThreadGil& t = *it->second;
  const double per_tick = delay_ns / double(b - a);
  auto share = [&](std::uint64_t h0, std::uint64_t h1) {
    h0 = std::max({h0, a, window_.begin});
    h1 = std::min({h1, b, window_.end});
    return h1 > h0 ? per_tick * double(h1 - h0) : 0.0;
  };
  if (window_.open && window_.clip(a, b) > 0) t.sched_covered = true;
  for (ThreadGil::Piece& p : t.unsampled) p.delay_ns += share(p.begin, p.end);
  finish_pieces(t);
  if (t.holding) t.open_delay_ns += share(t.hold_begin, b);
}

// Holds whose delay is complete (a sample after their end was applied, or the window closed).
void GilState::finish_pieces(ThreadGil& t) {
  for (const ThreadGil::Piece& p : t.unsampled) {
    t.off_cpu_ns += p.delay_ns;
    if (p.complete) t.hold_off_cpu_h.record(std::uint64_t(p.delay_ns + 0.5));
  }
  t.unsampled.clear();
}

void GilState::close_window(std::optional<std::uint64_t> sn_end) {
  const std::uint64_t end = window_.end;
  advance_time(end);
  if (window_.open && end > now) now = end;
  charge_all(end);
  // A hold still open has no release stack yet: its time (and the waits it caused) outside
  // held sections goes to "not known" (stack 0).
  last_owner_ = owner_;
  flush_unsited(0);
  for (ThreadGil* w : waiters_)
    add_figure(wait_stacks, w->stream, w->wait_stack, window_.clip(w->wait_begin, end), false,
               std::nullopt);
  if (owner_ != kNobody) held_ticks += window_.clip(owner_since_, end);
  owner_since_ = std::max(owner_since_, end);
  for (ThreadGil* w : waiters_) wait_ticks += window_.clip(w->wait_begin, end);
  for (auto& [stream, t] : threads_) {
    finish_pieces(*t);
    if (!t->holding) continue;
    t->held_ticks += window_.clip(t->hold_begin, end);
    std::uint64_t open_rest = window_.clip(t->hold_begin, end);
    if (t->in_section) {
      const std::uint64_t s = window_.clip(t->section_begin, end);
      add_figure(hold_stacks, stream, t->section_stack, s, false, std::nullopt);
      open_rest -= std::min(open_rest, s);
    }
    open_rest -= std::min(open_rest, t->section_clipped);
    add_figure(hold_stacks, stream, 0, open_rest, false, std::nullopt);
    t->off_cpu_ns += t->open_delay_ns;
    // A hold still open has no release to read switch_number from; for the main GIL the value
    // at the window's end serves (nobody else can change it while the hold lasts).
    if (sn_end && t->hold_begin_seen && window_.contains(t->hold_begin) &&
        std::uint32_t(*sn_end) != t->acquire_aux)
      ++t->switched;
  }
}

void GilState::reset_figures() {
  held_ticks = wait_ticks = acquires = holder_changes = overlapping = max_waiters = malformed = 0;
  handoff_h.clear();
  handoff_voluntary_h.clear();
  handoff_forced_h.clear();
  achieved_interval_h.clear();
  blocked.clear();
  hold_stacks.clear();
  wait_stacks.clear();
  blocked_code.clear();
  unsited_.clear();
  for (auto& [stream, t] : threads_) t->reset_figures();
  // The next window must not see the hand-off of a release before it as its own.
  any_forced_ = false;
}

}  // namespace gilhost::analysis::detail
