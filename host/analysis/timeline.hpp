// Whole-GIL figures that need every thread's spans at once: one global sort, then sweeps.
#pragma once

#include <cstdint>
#include <vector>

#include "analysis/metrics.hpp"
#include "analysis/spans.hpp"
#include "analysis/thread_scan.hpp"

namespace gilhost::analysis::detail {

// A maximal stretch of the window with one holder (-1: nobody held the GIL).
struct Segment {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  int holder = -1;
};

// Sets held_ns, free_ns, utilisation, overlapping_holds, mean_waiters and max_waiters, and
// returns who-blocked-whom. `scans` is indexed like Recording::threads.
BlockedMatrix fill_hold_figures(const std::vector<ThreadScan>& scans, const Window& window,
                                GilSummary& summary);

// Sets acquires, holder_changes, handoff*, and achieved_interval from the globally ordered
// sequence of acquires and releases (switches.cpp).
void fill_switch_figures(const std::vector<ThreadScan>& scans, const Window& window,
                         GilSummary& summary);

}  // namespace gilhost::analysis::detail
