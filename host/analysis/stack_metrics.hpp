// A window's stack figures (GilMetrics::hold_stacks, wait_stacks, blocked_code) from one GIL's
// state; part of StreamAnalyzer::close_window.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "analysis/metrics.hpp"
#include "analysis/stream.hpp"
#include "analysis/stream_state.hpp"

namespace gilhost::analysis::detail {

// `index`: stream -> GilMetrics::threads index (listed streams only; others are left out).
void stack_metrics(const GilState& g, const std::unordered_map<std::uint32_t, int>& index,
                   const TimeScale& scale, GilMetrics& out);

// A histogram of tick durations as one of ns (each bucket at its midpoint, so within the
// histogram's own 0.8 %).
Histogram scaled_histogram(const Histogram& ticks, const TimeScale& scale);

}  // namespace gilhost::analysis::detail
