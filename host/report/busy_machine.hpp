// Was the machine too busy for the figures? Holders descheduled while holding the GIL
// (GilSummary::held_off_cpu_ns) make a GIL-bound run look slower than the program is.
#pragma once

#include <optional>
#include <string>

#include "report/report_data.hpp"

namespace gilhost::report {

// The largest share of held time a holder spent runnable but not running, over the runs and
// GILs of `c` (main and :sub); nullopt when no run was sampled.
std::optional<double> off_cpu_fraction(const ConfigResult& c);
std::optional<double> off_cpu_fraction(const analysis::GilMetrics& m);

// The warning every output opens with when some configuration (or the script run) exceeded
// analysis::kOffCpuWarnFraction, with the fix; empty otherwise.
std::string busy_machine_warning(const Report& r);

// " (distorted: cpu=1 holder off-CPU 48 % of held time)" for the comparison line, or "".
std::string distortion_note(const ConfigResult& a, const ConfigResult& b);

}  // namespace gilhost::report
