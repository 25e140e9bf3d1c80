// Internal state of the streaming analysis: the window, one thread's stream, one GIL.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/histogram.hpp"
#include "trace/event.hpp"

namespace gilhost::analysis::detail {

inline constexpr std::uint32_t kNobody = ~std::uint32_t(0);

// The measured window while it is open: [begin, end], end unknown (max) until it closes.
struct OpenWindow {
  bool open = false;
  std::uint64_t begin = 0;
  std::uint64_t end = ~std::uint64_t(0);

  bool contains(std::uint64_t ts) const { return open && ts >= begin && ts <= end; }
  // Length of [lo, hi] inside the window.
  std::uint64_t clip(std::uint64_t lo, std::uint64_t hi) const {
    if (!open) return 0;
    lo = std::max(lo, begin);
    hi = std::min(hi, end);
    return hi > lo ? hi - lo : 0;
  }
  bool complete_inside(std::uint64_t lo, std::uint64_t hi) const {
    return contains(lo) && contains(hi);
  }
};

// Pairs begin/end events of one kind in one thread's stream (hand-off waits, native sections).
// An end before any begin means the span was open when the stream started: its begin is not
// seen and is taken as the window's begin.
struct Pairer {
  bool open = false;
  bool seen = false;
  std::uint64_t begin = 0;
};

// What one thread did with one GIL: the state machine (docs/metrics.md, "Inputs") and the
// thread's figures over the current window.
struct ThreadGil {
  std::uint32_t stream = 0;
  bool gil_seen = false;  // a kRequest, kAcquire or kRelease of this GIL was seen
  bool holding = false;
  bool waiting = false;
  bool can_force = false;          // the last GIL event was a release that kForced may follow
  bool hold_begin_seen = false;    // false: held since before its stream or the GIL's registration
  bool release_in_window = false;  // the last release was inside the window (for kForced)
  std::uint64_t hold_begin = 0;
  std::uint32_t acquire_aux = 0;  // switch_number before take_gil's increment (trace/event.hpp)
  std::uint64_t wait_begin = 0;
  std::uint64_t wait_charged = 0;  // who-blocked-whom has been charged up to here
  std::size_t waiter_pos = 0;      // index in GilState::waiters_ while waiting
  Pairer handoff;
  // Run-queue delay of the holds (off_cpu.cpp's rule, applied as samples pass): holds closed
  // since the stream's last sample, with the delay already attributed to them, and the open
  // hold's share so far.
  struct Piece {
    std::uint64_t begin, end;
    double delay_ns;
    bool complete;  // complete inside the window: a sample of hold_off_cpu
  };
  std::vector<Piece> unsampled;
  double open_delay_ns = 0;
  // Stacks (docs/metrics.md, "Stacks"): the stack the current wait is charged to, and the held
  // native sections of the current hold, charged to their own stacks, not the release's.
  std::uint32_t wait_stack = 0;
  bool in_section = false;
  std::uint64_t section_begin = 0;
  std::uint32_t section_stack = 0;
  std::uint64_t section_ticks = 0;    // closed sections of the current hold
  std::uint64_t section_clipped = 0;  // the same, inside the window
  // Figures of the current window.
  Histogram hold_h, wait_h, handoff_h, hold_off_cpu_h;
  std::uint64_t releases = 0, forced = 0, pending = 0, handshakes = 0, unclassified = 0;
  std::uint64_t drop_requests = 0, handoff_waits = 0, switched = 0;
  std::uint64_t held_ticks = 0, malformed = 0;
  double off_cpu_ns = 0;
  bool sched_covered = false;  // a sample interval of its stream fell inside the window

  void reset_figures() {
    hold_h.clear();
    wait_h.clear();
    handoff_h.clear();
    hold_off_cpu_h.clear();
    releases = forced = pending = handshakes = unclassified = 0;
    drop_requests = handoff_waits = switched = held_ticks = malformed = 0;
    off_cpu_ns = 0;
    open_delay_ns = 0;  // the open hold's earlier part belonged to the window just reported
    unsampled.clear();
    sched_covered = false;
    section_clipped = 0;
  }
};

// Time charged to one (thread, stack): held or waited, with the pieces it came in.
struct StackFigure {
  std::uint64_t ticks = 0;
  std::uint64_t count = 0;  // pieces ending inside the window
  Histogram pieces;         // pieces complete inside the window
};

// (waiter, its stack, holder or kNobody, the holder's stack) -> ticks waited.
struct CodePair {
  std::uint32_t waiter, waiter_stack, holder, holder_stack;
  auto operator<=>(const CodePair&) const = default;
};

// One OS thread's stream: its unprocessed events, host-event state and window figures.
struct StreamState {
  std::uint32_t id = 0;
  std::vector<trace::Event> pending;
  std::size_t head = 0;  // first unprocessed event in `pending`
  std::uint64_t last_ts = 0;
  std::uint32_t stack = 0;  // the stack of its latest kStack (0: none yet)
  bool ended = false;
  bool active = false;  // listed in the current window's threads
  std::uint64_t lost = 0;
  Pairer native;
  std::uint64_t native_sections = 0, native_ticks = 0, malformed = 0;
  bool event_seen = false;
  // The stream's latest run-queue delay sample (schedstat), in ticks and ns.
  bool sampled = false;
  std::uint64_t sample_ts = 0, sample_delay_ns = 0;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> marks;  // (ts, label id) in the window

  bool has_pending() const { return head < pending.size(); }
  void reset_figures() {
    lost = native_sections = native_ticks = malformed = 0;
    marks.clear();
    active = false;
  }
};

// A sparse who-blocked-whom map, open addressing: (waiter, holder or kNobody) -> ticks.
class PairMap {
 public:
  void add(std::uint32_t waiter, std::uint32_t holder, std::uint64_t ticks);
  template <typename F>
  void for_each(F&& f) const {
    for (const Cell& c : cells_)
      if (c.ticks) f(std::uint32_t(c.key >> 32), std::uint32_t(c.key), c.ticks);
  }
  std::size_t size() const { return used_; }
  void clear() {
    cells_.clear();
    used_ = 0;
  }

 private:
  struct Cell {
    std::uint64_t key = 0;
    std::uint64_t ticks = 0;  // 0: empty
  };
  void grow();
  std::vector<Cell> cells_;
  std::size_t used_ = 0;
};

// One GIL: its threads' state machines, the holder timeline and the window's whole-GIL figures.
class GilState {
 public:
  explicit GilState(const OpenWindow& window) : window_(window) {}

  // `holder`: the registering stream holds it (gilhost registers its own GILs only while held);
  // else nobody does yet (a GIL recognised when the script's interpreter created it).
  void registered(std::uint32_t stream, std::uint64_t ts, bool holder);
  // `stack`: the stream's current stack (its latest kStack).
  void on_event(std::uint32_t stream, const trace::Event& e, std::uint64_t ts, std::uint32_t stack);
  // A gilhost kernel section run with the GIL held began or ended in `stream` (its stack at the
  // begin is `stack`): while it lasts, the hold is charged to that stack.
  void held_section(std::uint32_t stream, bool begin, std::uint64_t ts, std::uint32_t stack);
  // Spreads the run-queue delay `delay_ns` a stream accumulated over [a, b] (ticks) evenly over
  // that interval, onto the holds of it that this GIL saw (docs/metrics.md, held_off_cpu).
  void sched_interval(std::uint32_t stream, std::uint64_t a, std::uint64_t b, double delay_ns);
  // Charges open spans up to the window's end (set by the caller), for the window's figures;
  // `sn_end` (main GIL only) closes the switch_number check of a hold still open then.
  void close_window(std::optional<std::uint64_t> sn_end);
  void reset_figures();
  void forget(std::uint32_t stream);  // an ended stream, after its last report

  const ThreadGil* thread_or_null(std::uint32_t stream) const;
  std::uint64_t now = 0;  // latest timestamp this GIL's events reached
  // Whole-GIL figures of the current window.
  std::uint64_t held_ticks = 0, wait_ticks = 0, acquires = 0, holder_changes = 0;
  std::uint64_t overlapping = 0, max_waiters = 0, malformed = 0;
  Histogram handoff_h, handoff_voluntary_h, handoff_forced_h, achieved_interval_h;
  PairMap blocked;
  std::unordered_map<std::uint64_t, StackFigure> hold_stacks, wait_stacks;  // stream << 32 | stack
  std::map<CodePair, std::uint64_t> blocked_code;

 private:
  ThreadGil& thread(std::uint32_t stream);
  void advance_time(std::uint64_t ts);
  void on_request(ThreadGil& t, std::uint64_t ts, std::uint32_t stack);
  void on_acquire(ThreadGil& t, std::uint64_t ts, std::uint32_t aux, std::uint16_t flags);
  void on_release(ThreadGil& t, std::uint64_t ts, std::uint32_t aux, std::uint16_t flags,
                  std::uint32_t stack);
  void charge_hold(ThreadGil& t, std::uint64_t ts, std::uint32_t stack, bool complete);
  void add_figure(std::unordered_map<std::uint64_t, StackFigure>& m, std::uint32_t stream,
                  std::uint32_t stack, std::uint64_t ticks, bool ends_inside,
                  std::optional<std::uint64_t> piece);
  void flush_unsited(std::uint32_t holder_stack);
  void on_forced(ThreadGil& t);
  void on_drop_request(ThreadGil& t, std::uint64_t ts);
  void on_handoff(ThreadGil& t, bool begin, std::uint64_t ts);
  void take(ThreadGil& t, std::uint64_t ts);
  void give_up(ThreadGil& t, std::uint64_t ts);
  void switch_seen(std::uint32_t stream, bool acquire, std::uint64_t ts, bool forced);
  void charge_all(std::uint64_t ts);
  void charge(ThreadGil& w, std::uint64_t ts);
  void stop_waiting(ThreadGil& t, std::uint64_t ts);
  void finish_pieces(ThreadGil& t);

  const OpenWindow& window_;
  std::unordered_map<std::uint32_t, std::unique_ptr<ThreadGil>> threads_;
  std::vector<std::uint32_t> holders_;  // threads holding, in acquire order (normally 0 or 1)
  std::uint32_t owner_ = kNobody;       // holder of the current segment of the timeline
  std::uint64_t owner_since_ = 0;
  std::vector<ThreadGil*> waiters_;
  std::uint32_t last_switcher_ = kNobody;  // thread of the latest acquire or release
  struct Release {
    std::uint64_t ts;
    std::uint32_t stream;
    bool forced;
  };
  std::vector<Release> since_acquire_;  // releases since the latest acquire
  // Waiting charged during the owner's hold outside its held sections: the holder's stack is
  // that of its release, known when it comes (waiter, waiter stack) -> ticks.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> unsited_;
  std::uint32_t last_owner_ = kNobody;  // the owner whose segment just ended
  bool any_forced_ = false;
  std::uint64_t last_forced_ = 0;
};

}  // namespace gilhost::analysis::detail
