// Clock calibration: picks the tick source and maps ticks to CLOCK_MONOTONIC nanoseconds.
#include "trace/clock.hpp"

#include <fstream>
#include <string>

namespace gilhost::trace {
namespace {

std::uint64_t g_ticks0 = 0;
std::uint64_t g_ns0 = 0;

bool cpu_has_invariant_tsc() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) == 0) {
      return line.find(" constant_tsc") != std::string::npos &&
             line.find(" nonstop_tsc") != std::string::npos;
    }
  }
  return false;
}

bool kernel_trusts_tsc() {
  // The kernel demotes the TSC from clocksource when it finds it unsynchronised across CPUs;
  // trusting its verdict avoids cross-core timestamp inversions.
  std::ifstream f("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string source;
  return f >> source && source == "tsc";
}

// Reads ticks and ns as close together as possible (the pair with the shortest gap of a few).
void sample_pair(std::uint64_t& ticks, std::uint64_t& ns) {
  std::uint64_t best_gap = ~0ull;
  for (int i = 0; i < 5; ++i) {
    std::uint64_t a = monotonic_ns();
    std::uint64_t t = now_ticks();
    std::uint64_t b = monotonic_ns();
    if (b - a < best_gap) {
      best_gap = b - a;
      ticks = t;
      ns = a + (b - a) / 2;
    }
  }
}

}  // namespace

void Clock::init() {
#if GILHOST_HAVE_TSC
  g_use_tsc = cpu_has_invariant_tsc() && kernel_trusts_tsc();
#endif
  // No waiting for a calibration span: each pair is read within ~50 ns, so even a 1 ms
  // recording maps ticks to ns within 5e-5 (Clock::current fits from here to then).
  sample_pair(g_ticks0, g_ns0);
}

Clock Clock::current() {
  Clock c;
  c.ticks0_ = g_ticks0;
  c.ns0_ = g_ns0;
  if (!g_use_tsc) return c;
  std::uint64_t t1 = 0, n1 = 0;
  sample_pair(t1, n1);
  if (t1 > g_ticks0 && n1 > g_ns0) c.ns_per_tick_ = double(n1 - g_ns0) / double(t1 - g_ticks0);
  return c;
}

std::uint64_t Clock::to_ns(std::uint64_t ticks) const {
  if (!g_use_tsc) return ticks;
  double delta = double(std::int64_t(ticks - ticks0_)) * ns_per_tick_;
  return std::uint64_t(std::int64_t(ns0_) + std::int64_t(delta));
}

std::uint64_t Clock::ticks_of_ns(std::uint64_t ns) const {
  if (!g_use_tsc) return ns;
  return std::uint64_t(double(ns) / ns_per_tick_);
}

}  // namespace gilhost::trace
