// The context block of every report: versions, machine, settings, argv, date.
#pragma once

#include "cli/options.hpp"
#include "report/report_data.hpp"
#include "workload/session.hpp"

namespace gilhost::workload {

report::Context make_context(const cli::RunOptions& options, const Session& session);
std::string cpu_model();

}  // namespace gilhost::workload
