// The context block of every report: versions, machine, settings, argv, date.
#pragma once

#include "cli/options.hpp"
#include "report/report_data.hpp"
#include "workload/session.hpp"

namespace gilhost::workload {

report::Context make_context(const cli::RunOptions& options, const Session& session);
// Without a session (a catalog's parent, which starts no interpreter): the interval and whether
// the runs are traced are given.
report::Context make_context(const cli::RunOptions& options, std::uint64_t switch_interval_ns,
                             bool traced);
std::string cpu_model();

}  // namespace gilhost::workload
