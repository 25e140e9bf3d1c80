// `gilhost run`: start Python, run the target, run the worker phases, write every report.
#pragma once

#include "cli/options.hpp"

namespace gilhost::workload {

// Returns the process exit status (python3.12's for the script, 1 for a failed worker, 130/143
// when interrupted). Throws cli::UsageError for mistakes found before any work was done.
int run_command(const cli::RunOptions& options);

// `gilhost info`: versions, paths, the GIL layout and the tracer self-check. Returns 0 when the
// self-check passes.
int info_command();

}  // namespace gilhost::workload
