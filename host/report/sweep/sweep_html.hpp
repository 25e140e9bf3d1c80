// The --html export of `gilhost sweep`: one self-contained page of inline SVG charts.
#pragma once

#include <string>

#include "report/sweep/sweep_data.hpp"

namespace gilhost::report {

// Per --workers set: calls/s per role, latency p50/p99 per role and forced switches/s against
// the switch interval (log x axis), the recommended and default intervals marked; then the text
// report. No scripts, no external resources. Pure.
std::string render_sweep_html(const SweepResult& s);

}  // namespace gilhost::report
