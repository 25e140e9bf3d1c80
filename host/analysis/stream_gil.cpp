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
void GilState::registered(std::uint32_t stream, std::uint64_t ts) {
  threads_.clear();
  holders_.clear();
  waiters_.clear();
  since_acquire_.clear();
  last_switcher_ = kNobody;
  any_drop_request_ = any_forced_ = false;
  ThreadGil& t = thread(stream);
  t.gil_seen = t.holding = true;
  t.hold_begin_seen = false;  // it held the GIL before the tracer knew it
  t.hold_begin = ts;
  holders_.push_back(stream);
  owner_ = stream;
  owner_since_ = now = std::max(now, ts);
}

void GilState::on_event(std::uint32_t stream, EventKind kind, std::uint64_t ts,
                        std::uint16_t flags) {
  advance_time(ts);
  ThreadGil& t = thread(stream);
  switch (kind) {
    case EventKind::kRequest:
      return on_request(t, ts);
    case EventKind::kAcquire:
      return on_acquire(t, ts);
    case EventKind::kRelease:
      return on_release(t, ts, (flags & trace::kReleaseForced) != 0);
    case EventKind::kForced:
      // drop_gil takes switch_mutex outside gil->mutex after a release when a drop was asked.
      if (!t.can_force && t.gil_seen) ++t.malformed;
      t.can_force = false;
      return;
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
void GilState::on_request(ThreadGil& t, std::uint64_t ts) {
  if (t.holding || t.waiting) {
    ++t.malformed;
    return;
  }
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
  ThreadGil* last = waiters_.back();
  waiters_[t.waiter_pos] = last;
  last->waiter_pos = t.waiter_pos;
  waiters_.pop_back();
  t.waiting = false;
}

void GilState::on_acquire(ThreadGil& t, std::uint64_t ts) {
  if (t.holding) {  // a second acquire: keep the open hold
    ++t.malformed;
    return;
  }
  if (t.waiting) {
    stop_waiting(t, ts);
  } else if (t.gil_seen) {
    ++t.malformed;  // no kRequest before it; the acquire itself is still real, so keep it
  }
  t.holding = t.gil_seen = t.hold_begin_seen = true;
  t.hold_begin = ts;
  t.can_force = false;
  take(t, ts);
  switch_seen(t.stream, true, ts, false);
}

void GilState::on_release(ThreadGil& t, std::uint64_t ts, bool flagged_forced) {
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
  const bool forced = forced_release(t, flagged_forced);
  t.held_ticks += window_.clip(t.hold_begin, ts);
  if (window_.contains(ts)) {
    ++t.releases;
    t.forced += forced ? 1 : 0;
  }
  t.holding = false;
  t.gil_seen = t.can_force = true;
  give_up(t, ts);
  switch_seen(t.stream, false, ts, forced);
}

// THE classification of a release (docs/metrics.md, forced_switches): forced when a waiter's
// drop request fell inside the hold it ends, or when the release is flagged forced (CPython's
// FORCE_SWITCHING handshake followed it). take_gil asks only while the GIL is locked and nobody
// switched, so a request can only target the hold it falls in; the handshake alone is not
// enough: drop_gil skips it whenever the woken waiter has already reset the request, which on a
// loaded 2-vCPU VM is most of the time.
bool GilState::forced_release(const ThreadGil& t, bool flagged_forced) const {
  return flagged_forced || (any_drop_request_ && last_drop_request_ >= t.hold_begin);
}

// take_gil asks for a drop only while waiting; before the first GIL event the wait is unseen.
void GilState::on_drop_request(ThreadGil& t, std::uint64_t ts) {
  if (!t.waiting && t.gil_seen) {
    ++t.malformed;
    return;
  }
  if (window_.contains(ts)) ++t.drop_requests;
  any_drop_request_ = true;
  last_drop_request_ = ts;
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
  blocked.add(w.stream, owner_, window_.clip(w.wait_charged, ts));
  w.wait_charged = std::max(w.wait_charged, ts);
}

void GilState::charge_all(std::uint64_t ts) {
  for (ThreadGil* w : waiters_) charge(*w, ts);
}

void GilState::close_window() {
  const std::uint64_t end = window_.end;
  advance_time(end);
  if (window_.open && end > now) now = end;
  charge_all(end);
  if (owner_ != kNobody) held_ticks += window_.clip(owner_since_, end);
  owner_since_ = std::max(owner_since_, end);
  for (ThreadGil* w : waiters_) wait_ticks += window_.clip(w->wait_begin, end);
  for (auto& [stream, t] : threads_)
    if (t->holding) t->held_ticks += window_.clip(t->hold_begin, end);
}

void GilState::reset_figures() {
  held_ticks = wait_ticks = acquires = holder_changes = overlapping = max_waiters = malformed = 0;
  handoff_h.clear();
  handoff_voluntary_h.clear();
  handoff_forced_h.clear();
  achieved_interval_h.clear();
  blocked.clear();
  for (auto& [stream, t] : threads_) t->reset_figures();
  // The next window must not see the hand-off of a release before it as its own.
  any_forced_ = false;
}

}  // namespace gilhost::analysis::detail
