// `gilhost sweep`: the worker sets at each switch interval, in one interpreter, and a
// recommendation.
#pragma once

#include "cli/options.hpp"

namespace gilhost::workload {

// Returns the process exit status: 0, 1 for a failed worker, 124 on --timeout, 130/143 when
// interrupted (the partial sweep is still reported). Throws cli::UsageError for mistakes found
// before any measurement (a role that no --workers set has, a missing function, an output path).
int sweep_command(const cli::SweepOptions& options);

}  // namespace gilhost::workload
