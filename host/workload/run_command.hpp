// `gilhost run`: start Python, run the target, run the worker phases, write every report.
#pragma once

#include "cli/options.hpp"

namespace gilhost::workload {

// Returns the process exit status (python3.12's for the script, 1 for a failed worker, 130/143
// when interrupted). Throws cli::UsageError for mistakes found before any work was done.
int run_command(const cli::RunOptions& options);

// `gilhost report FILE`: the reports of a recording, as the run that made it wrote (or would
// have written) them. Returns 0, or 1 when the recording stops early or a report failed.
int report_command(const cli::ReportOptions& options);

// `gilhost info`: versions, paths, the GIL layout and the tracer self-check. Returns 0 when the
// self-check passes.
int info_command();

}  // namespace gilhost::workload
