// Run-queue delay of GIL holders (off_cpu.cpp): the figure that says a busy machine distorted a
// measurement.
#pragma once

#include <vector>

#include "analysis/metrics.hpp"
#include "analysis/spans.hpp"
#include "analysis/thread_scan.hpp"

namespace gilhost::analysis::detail {

// Fills GilStats::held_off_cpu_ns / hold_off_cpu of out.threads (index = scan index) and of
// out.roles, and GilSummary::held_off_cpu_ns / threads_without_sched.
void fill_off_cpu(const trace::Recording& recording, const std::vector<ThreadScan>& scans,
                  const Window& window, GilMetrics& out);

}  // namespace gilhost::analysis::detail
