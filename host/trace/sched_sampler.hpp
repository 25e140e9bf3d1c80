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
  // Moves out every sample taken since the last call, in time order (tracer ticks): the
  // collector hands them to the streaming analysis.
  static void take_new(std::vector<SchedSample>& out);
};

}  // namespace gilhost::trace
