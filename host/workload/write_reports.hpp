// The reports of a run (or of its recording): the table, then each export on its own.
#pragma once

#include "cli/options.hpp"
#include "report/report_data.hpp"

namespace gilhost::workload {

// The table on stdout (stderr when a report goes to stdout, or for a script without workers,
// whose stdout stays its own), then --json, --events, --trace and --html of `o`. Failures
// update r.status / r.exit_status as report::write_reports says; returns false after one.
bool write_reports(const cli::RunOptions& o, report::Report& r);

// Whether `o` asks for a report drawn from raw events (--events, --trace, --html): those come
// from a recording of the run.
bool keeps_recordings(const cli::RunOptions& o);

}  // namespace gilhost::workload
