// The slots of an interleaved measurement and the step told before each run (no Python.h: the
// progress bar and its tests need only these).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>

#include "cli/options.hpp"

namespace gilhost::workload {

// One configuration of a measurement: a --workers set, and for a sweep point its interval
// (set with sys.setswitchinterval before each of its runs).
struct Slot {
  cli::WorkerSet set;
  std::optional<std::chrono::nanoseconds> interval;
};

// Told before each run: which slot, whether it is a warm-up, its number (from 1) among `count`
// of its kind, and the run's place among all of them (`step` from 1 of `steps`).
struct RunStep {
  std::size_t slot = 0;
  bool warmup = false;
  unsigned number = 0, count = 0;
  std::size_t step = 0, steps = 0;
};
using StepAnnouncer = std::function<void(const RunStep&)>;

}  // namespace gilhost::workload
