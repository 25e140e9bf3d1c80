// Per-thread state machine over the GIL and host events (docs/metrics.md, "Inputs").
#include "analysis/thread_scan.hpp"

#include <algorithm>

namespace gilhost::analysis::detail {
namespace {

using trace::EventKind;

// Pairs begin/end events of one kind. An end before any begin means the span was open when the
// thread's stream started: it is kept with a synthetic begin (no earlier event to contradict it).
class SpanPairer {
 public:
  bool open(std::uint64_t ts) {
    if (open_) return false;
    open_ = seen_ = true;
    begin_ = ts;
    return true;
  }

  bool close(std::uint64_t ts, const Window& window, std::vector<Span>& out) {
    if (open_) {
      out.push_back({begin_, ts});
    } else if (!seen_) {
      out.push_back({std::min(window.begin, ts), ts, /*begin_seen=*/false});
    } else {
      return false;
    }
    open_ = false;
    seen_ = true;
    return true;
  }

  void finish(const Window& window, std::vector<Span>& out) {
    if (open_) out.push_back({begin_, std::max(begin_, window.end), true, /*end_seen=*/false});
    open_ = false;
  }

 private:
  bool open_ = false;
  bool seen_ = false;
  std::uint64_t begin_ = 0;
};

bool is_gil_kind(EventKind kind) {
  return kind >= EventKind::kRequest && kind <= EventKind::kHandoffEnd;
}

bool is_host_kind(EventKind kind) {
  return kind >= EventKind::kCallBegin && kind <= EventKind::kHeldEnd;
}

class Scanner {
 public:
  Scanner(std::uint8_t gil, const Window& window) : gil_(gil), window_(window) {}

  void feed(const trace::Event& event) {
    if (is_gil_kind(event.kind) && event.gil != gil_) return;
    if (!is_gil_kind(event.kind) && !is_host_kind(event.kind)) {
      ++out_.malformed;  // unknown kind: a newer tracer or a corrupt buffer
      return;
    }
    dispatch(event.kind, monotonic(event.ts_ns), event.aux, event.flags);
  }

  ThreadScan finish() {
    if (holding_) {
      out_.holds.push_back(open_at_end(hold_begin_));
      out_.holds.back().begin_seen = hold_begin_seen_;
      out_.holds.back().sn_acquire = acquire_aux_;
    }
    if (waiting_) out_.waits.push_back(open_at_end(wait_begin_));
    handoff_.finish(window_, out_.handoffs);
    native_.finish(window_, out_.natives);
    return std::move(out_);
  }

 private:
  // A stream that goes back in time is repaired by holding the clock still, so that no span
  // can have a negative length.
  std::uint64_t monotonic(std::uint64_t ts) {
    if (ts < last_ts_) {
      ++out_.malformed;
      return last_ts_;
    }
    return last_ts_ = ts;
  }

  Span open_at_end(std::uint64_t begin) const {
    return {begin, std::max(begin, window_.end), true, /*end_seen=*/false};
  }

  void dispatch(EventKind kind, std::uint64_t ts, std::uint32_t aux, std::uint16_t flags) {
    switch (kind) {
      case EventKind::kRequest:
        return on_request(ts);
      case EventKind::kAcquire:
        return on_acquire(ts, aux, flags);
      case EventKind::kRelease:
        return on_release(ts, aux, flags);
      case EventKind::kForced:
        return on_forced();
      case EventKind::kDropRequest:
        return on_drop_request(ts);
      case EventKind::kHandoffBegin:
        return count_if_bad(handoff_.open(ts));
      case EventKind::kHandoffEnd:
        return count_if_bad(handoff_.close(ts, window_, out_.handoffs));
      case EventKind::kNativeBegin:
        return count_if_bad(native_.open(ts));
      case EventKind::kNativeEnd:
        return count_if_bad(native_.close(ts, window_, out_.natives));
      case EventKind::kMark:
        if (window_.contains(ts)) out_.marks.emplace_back(ts, aux);
        return;
      default:
        return;  // call events are host-measured, not analysed here
    }
  }

  void count_if_bad(bool ok) { out_.malformed += ok ? 0 : 1; }

  // take_gil emits kRequest only for a thread that does not hold the GIL, once per call.
  void on_request(std::uint64_t ts) {
    if (holding_ || waiting_) return count_if_bad(false);
    waiting_ = gil_seen_ = true;
    wait_begin_ = ts;
    can_force_ = false;
  }

  // An acquire flagged kAcquireAtArm is the tracer's note that this thread already held the
  // GIL when tracing started: a hold whose real start was not seen.
  void on_acquire(std::uint64_t ts, std::uint32_t aux, std::uint16_t flags) {
    if (holding_) return count_if_bad(false);  // a second acquire: keep the open hold
    const bool at_arm = flags & trace::kAcquireAtArm;
    if (waiting_) {
      out_.waits.push_back({wait_begin_, ts});
      waiting_ = false;
    } else if (gil_seen_ && !at_arm) {
      ++out_.malformed;  // no kRequest before it; the acquire itself is still real, so keep it
    }
    holding_ = gil_seen_ = true;
    hold_begin_ = ts;
    hold_begin_seen_ = !at_arm;
    acquire_aux_ = aux;
    can_force_ = false;
  }

  // The verdict is CPython's, carried on the release (trace/event.hpp): nothing is inferred.
  void on_release(std::uint64_t ts, std::uint32_t aux, std::uint16_t flags) {
    if (holding_) {
      out_.holds.push_back({hold_begin_, ts, hold_begin_seen_});
      // switch_number before take_gil's increment on the acquire, after it on the release: one
      // more means CPython counted this acquire as a change of holding thread state.
      out_.holds.back().switched = hold_begin_seen_ && std::uint32_t(aux - acquire_aux_) == 1;
      out_.holds.back().sn_acquire = acquire_aux_;
    } else if (!gil_seen_) {
      // Held since before this stream began (the thread that armed the tracer).
      out_.holds.push_back({std::min(window_.begin, ts), ts, /*begin_seen=*/false});
    } else {
      return count_if_bad(false);
    }
    Span& hold = out_.holds.back();
    hold.forced = flags & trace::kReleaseForced;
    hold.request_pending = hold.forced || (flags & trace::kReleaseRequestPending);
    hold.unclassified = flags & trace::kReleaseUnclassified;
    holding_ = false;
    gil_seen_ = can_force_ = true;
  }

  // drop_gil takes switch_mutex outside gil->mutex after its release when a drop request was
  // still set then: CPython's FORCE_SWITCHING handshake, its own figure (not the verdict).
  void on_forced() {
    if (can_force_) {
      out_.holds.back().handshake = true;
      can_force_ = false;
    } else if (gil_seen_) {
      ++out_.malformed;
    }
  }

  // take_gil asks for a drop only while waiting; before the first GIL event the wait is unseen.
  void on_drop_request(std::uint64_t ts) {
    if (!waiting_ && gil_seen_) return count_if_bad(false);
    if (window_.contains(ts)) ++out_.drop_requests;
    out_.drop_request_ts.push_back(ts);
  }

  std::uint8_t gil_;
  Window window_;
  ThreadScan out_;
  std::uint64_t last_ts_ = 0;
  bool gil_seen_ = false;  // a kRequest, kAcquire or kRelease of this GIL was seen
  bool holding_ = false;
  bool hold_begin_seen_ = true;
  std::uint32_t acquire_aux_ = 0;
  bool waiting_ = false;
  bool can_force_ = false;  // the last GIL event was a release that kForced may still mark
  std::uint64_t hold_begin_ = 0;
  std::uint64_t wait_begin_ = 0;
  SpanPairer handoff_;
  SpanPairer native_;
};

}  // namespace

ThreadScan scan_thread(const std::vector<trace::Event>& events, std::uint8_t gil,
                       const Window& window) {
  Scanner scanner(gil, window);
  for (const trace::Event& event : events) scanner.feed(event);
  return scanner.finish();
}

}  // namespace gilhost::analysis::detail
