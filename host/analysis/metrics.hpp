// GIL metrics computed from a Recording: the numbers gilhost exists to report (docs/metrics.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/histogram.hpp"
#include "trace/event.hpp"

namespace gilhost::analysis {

// Order statistics of a set of durations, in nanoseconds. Count, total, min and max are exact;
// percentiles use the nearest-rank definition (docs/metrics.md), read from a log-bucketed
// histogram: within 0.78 % of the exact nearest-rank sample (exact below 128 ns).
struct Distribution {
  std::uint64_t count = 0;
  std::uint64_t total_ns = 0;
  std::uint64_t p50_ns = 0;
  std::uint64_t p90_ns = 0;
  std::uint64_t p99_ns = 0;
  std::uint64_t max_ns = 0;
  std::uint64_t min_ns = 0;
  double mean_ns() const { return count ? double(total_ns) / double(count) : 0.0; }
};

Distribution distribution_of(const std::vector<std::uint64_t>& samples);
Distribution distribution_of(const Histogram& samples);

// GIL figures of one thread (or one role: the union of its threads' samples).
struct GilStats {
  // Distributions hold complete samples only: both events observed and inside the window.
  Distribution hold;  // acquire -> release of this thread
  Distribution wait;  // request -> acquire of this thread
  std::uint64_t releases = 0;
  std::uint64_t forced_releases = 0;           // releases the eval breaker made for a drop request
  std::uint64_t request_pending_releases = 0;  // releases with a drop request set (forced or not)
  std::uint64_t handshakes = 0;                // releases followed by kForced (FORCE_SWITCHING)
  std::uint64_t unclassified_releases = 0;     // releases whose code was not identified
  std::uint64_t drop_requests = 0;             // drop requests this thread made while waiting
  std::uint64_t handoff_waits = 0;    // kHandoffBegin count (releaser blocked on switch_cond)
  Distribution handoff_wait;          // kHandoffBegin -> kHandoffEnd
  std::uint64_t native_sections = 0;  // kNativeBegin count
  std::uint64_t native_ns = 0;        // total time in GIL-released native sections
  double held_fraction = 0;           // hold time clipped to the window / window (includes the
                                      // holds cut by the window edges, unlike `hold`)
  std::uint64_t held_off_cpu_ns = 0;  // run-queue delay while holding (off_cpu.cpp, estimated)
  Distribution hold_off_cpu;          // the same per complete hold
};

struct ThreadMetrics {
  trace::ThreadInfo info;
  GilStats gil;
  std::uint64_t lost = 0;
};

// Figures of the whole GIL over the window.
struct GilSummary {
  std::uint64_t window_ns = 0;
  std::uint64_t held_ns = 0;  // union of hold intervals inside the window
  std::uint64_t free_ns = 0;  // window_ns - held_ns
  double utilisation = 0;     // held_ns / window_ns
  std::uint64_t acquires = 0;
  std::uint64_t holder_changes = 0;  // acquires by a thread other than the previous holder
  // Acquires CPython itself counted as a switch (a new holding thread state: `switch_number`
  // grew during the hold). Differs from holder_changes when one OS thread changes thread state
  // (a legacy sub-interpreter's run_string, a fresh PyGILState tstate): that is
  // `same_thread_state_switches` = thread_state_switches - (holder changes it also counts).
  std::uint64_t thread_state_switches = 0;
  std::uint64_t drop_requests = 0;
  std::uint64_t forced_switches = 0;  // forced releases (the eval breaker's, for a request)
  std::uint64_t request_pending_releases = 0;  // releases with a drop request set
  std::uint64_t voluntary_with_request = 0;    // request_pending_releases - forced ones
  std::uint64_t handshakes = 0;                // FORCE_SWITCHING handshakes (kForced)
  Distribution handoff;                        // release -> next acquire by another thread
  Distribution handoff_voluntary;
  Distribution handoff_forced;
  Distribution achieved_interval;  // time between consecutive forced releases
  std::uint64_t configured_interval_ns = 0;
  // GIL held but holder off-CPU: the holders' run-queue delay inside their holds (estimated
  // from 10 ms schedstat samples; docs/metrics.md). Unknown when !sched_sampled.
  std::uint64_t held_off_cpu_ns = 0;
  bool sched_sampled = false;
  std::uint64_t threads_without_sched = 0;  // holders whose samples do not cover their holds
  double held_off_cpu_fraction() const {
    return held_ns ? double(held_off_cpu_ns) / double(held_ns) : 0.0;
  }
  double mean_waiters = 0;  // time-weighted mean number of threads waiting
  std::uint64_t max_waiters = 0;
  // Cross-checks (docs/metrics.md, "Cross-checks").
  std::uint64_t switch_number_delta = 0;
  bool switch_number_read = false;  // false: this GIL's switch_number was not read at the edges
  // false: request_pending_releases and voluntary_with_request are not measured (CPython 3.13+:
  // the drop request is a per-thread bit, trace::Recording::drop_request_read).
  bool drop_request_read = true;
  std::uint64_t overlapping_holds = 0;  // acquire while another thread holds: must be 0
  std::uint64_t lost_events = 0;
  std::uint64_t malformed_events = 0;  // events ignored or repaired (docs/metrics.md): should be 0
  std::uint64_t unclassified_releases = 0;  // releases neither forced nor voluntary: should be 0
  trace::GilCensus census;  // main GIL only: every interpreter's GIL at the window's end
};

// blocked[waiter][holder] = ns that `waiter` spent waiting while `holder` held the GIL.
// Keys are ThreadMetrics indices; the holder index -1 means "nobody held it" (hand-off gaps).
using BlockedMatrix = std::map<int, std::map<int, std::uint64_t>>;

struct BlockedPair {
  int waiter = 0;
  int holder = 0;
  std::uint64_t ns = 0;
};

// How many who-blocked-whom pairs a window lists by default, largest first (the rest is summed
// in GilMetrics::blocked_other_ns), so reports stay linear in the number of threads.
inline constexpr std::size_t kBlockedPairsListed = 100;

// Time one thread spent holding or waiting for the GIL with one Python stack (docs/metrics.md,
// "Stacks"); `thread` indexes GilMetrics::threads, `stack` the report's stack table (0: not
// known). `pieces`: the durations it came in (ns), those complete inside the window.
struct StackTime {
  int thread = 0;
  std::uint32_t stack = 0;
  std::uint64_t ns = 0;
  std::uint64_t count = 0;
  Histogram pieces;
};

// Waiting charged to a waiter's stack and the holder's stack at that time (holder -1, stack 0:
// nobody held it).
struct BlockedCode {
  int waiter = 0;
  std::uint32_t waiter_stack = 0;
  int holder = -1;
  std::uint32_t holder_stack = 0;
  std::uint64_t ns = 0;
};

struct GilMetrics {
  GilSummary summary;
  // By thread then stack; empty without stacks.
  std::vector<StackTime> hold_stacks, wait_stacks;
  std::vector<BlockedCode> blocked_code;  // largest first
  std::vector<ThreadMetrics> threads;
  std::map<std::string, GilStats> roles;  // by role name; threads without a role are not here
  BlockedMatrix blocked;                  // the largest pairs (all of them when asked)
  std::uint64_t blocked_pairs = 0;        // non-zero pairs in the window, listed or not
  std::uint64_t blocked_other_ns = 0;     // waiting time of the pairs not listed
  std::vector<std::string> labels;
  std::vector<std::pair<std::uint64_t, std::string>> marks;  // (ts_ns, label) in the window
};

// Computes every metric over [recording.window_begin_ns, recording.window_end_ns], by feeding
// the recording through the streaming analysis (stream.hpp) as the tracer's collector does.
// `blocked_limit` pairs of who-blocked-whom are listed (0 = all).
GilMetrics compute_metrics(const trace::Recording& recording,
                           std::size_t blocked_limit = kBlockedPairsListed);

// The same for the GIL with tracer index `gil` (Event::gil); compute_metrics uses 0. Host events
// (native sections, marks) are included whatever their gil field; switch_number_delta is only
// filled for gil 0, the one whose switch numbers the Recording carries.
GilMetrics compute_gil_metrics(const trace::Recording& recording, std::uint8_t gil,
                               std::size_t blocked_limit = kBlockedPairsListed);

// Above this share of held time spent runnable-but-not-running, reports warn that the machine
// was too busy for the figures to describe the program (docs/metrics.md, held_off_cpu).
inline constexpr double kOffCpuWarnFraction = 0.10;

}  // namespace gilhost::analysis
