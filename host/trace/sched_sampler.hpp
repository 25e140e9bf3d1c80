// Run-queue delay of every thread of the process, sampled off the hot path from
// /proc/self/task/TID/schedstat: how long each thread was runnable but not running.
#pragma once

#include <cstdint>
#include <vector>

#include "trace/event.hpp"

namespace gilhost::trace {

// A sampling thread reads every thread's schedstat every 10 ms while the tracer is armed, and
// once more on demand (sample_now) so that a window's end is covered exactly. Samples are kept
// in tracer ticks until taken.
class SchedSampler {
 public:
  static void start();
  static void stop();
  static void sample_now();
  // The samples up to `end_ticks` (plus the last one before `begin_ticks`), converted with
  // `to_ns`; with `consume`, samples before `end_ticks` are dropped except the last one of each
  // thread, which still opens the next window.
  template <typename ToNs>
  static std::vector<SchedSample> take(std::uint64_t begin_ticks, std::uint64_t end_ticks,
                                       bool consume, ToNs to_ns) {
    std::vector<SchedSample> raw = take_raw(begin_ticks, end_ticks, consume);
    for (SchedSample& s : raw) s.ts_ns = to_ns(s.ts_ns);
    return raw;
  }

 private:
  static std::vector<SchedSample> take_raw(std::uint64_t begin_ticks, std::uint64_t end_ticks,
                                           bool consume);
};

}  // namespace gilhost::trace
