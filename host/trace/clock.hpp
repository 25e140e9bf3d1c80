// The tracer's one clock: invariant TSC ticks when the CPU has them, CLOCK_MONOTONIC otherwise.
#pragma once

#include <time.h>

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define GILHOST_HAVE_TSC 1
#else
#define GILHOST_HAVE_TSC 0
#endif

namespace gilhost::trace {

inline std::uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

// Set once at start-up by Clock::init(), read on every event.
inline bool g_use_tsc = false;

// A raw timestamp. With an invariant TSC (constant_tsc + nonstop_tsc, and the kernel's own
// clocksource is "tsc") this is ~9 ns instead of ~20 ns for clock_gettime on the machines we
// measure on.
inline std::uint64_t now_ticks() {
#if GILHOST_HAVE_TSC
  if (g_use_tsc) return __rdtsc();
#endif
  return monotonic_ns();
}

// A timestamp that is never older than the instructions before it: rdtsc alone may execute
// speculatively ahead of a lock acquisition it follows in program order; the lfence waits for
// them. Used for GIL acquires, so an acquire is never stamped before the release that made it
// possible; the other events do without it (the fence costs ~15 ns).
inline std::uint64_t now_ticks_ordered() {
#if GILHOST_HAVE_TSC
  if (g_use_tsc) {
    _mm_lfence();
    return __rdtsc();
  }
#endif
  return monotonic_ns();
}

// Converts ticks to CLOCK_MONOTONIC nanoseconds with one linear map for a whole recording, so
// the order of events is preserved exactly (the map is monotonic).
class Clock {
 public:
  // Decides TSC vs clock_gettime and takes the first calibration point. Call once, early.
  static void init();
  // The map from ticks to ns, fitted between init() and now. Cheap; call per recording.
  static Clock current();
  std::uint64_t to_ns(std::uint64_t ticks) const;
  std::uint64_t ticks_of_ns(std::uint64_t ns) const;  // inverse, for durations
  static const char* source() { return g_use_tsc ? "tsc" : "clock_monotonic"; }
  // The map's parameters, for code that converts durations itself (to_ns is the identity
  // without a TSC).
  bool identity() const { return !g_use_tsc; }
  std::uint64_t ticks0() const { return ticks0_; }
  std::uint64_t ns0() const { return ns0_; }
  double ns_per_tick() const { return ns_per_tick_; }

 private:
  std::uint64_t ticks0_ = 0;
  std::uint64_t ns0_ = 0;
  double ns_per_tick_ = 1.0;
};

}  // namespace gilhost::trace
