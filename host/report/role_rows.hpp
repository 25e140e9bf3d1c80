// One row per configuration and role, summarized over the runs: what the CSV and Markdown
// tables of `gilhost run` show (hyperfine's --export-csv / --export-markdown, per role).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/stats.hpp"
#include "report/report_data.hpp"

namespace gilhost::report {

struct RoleRow {
  std::string workers;  // "cpu=2,io=1"
  std::string role;
  unsigned threads = 0;
  analysis::RunStats calls_per_second, latency_p50_ns, latency_p99_ns, cpu_percent;
  std::optional<analysis::RunStats> held_fraction, wait_p50_ns, wait_p99_ns;  // need the trace
  // calls/s against the same role of the first configuration (1 for the first itself); none
  // when the first has no such role.
  analysis::Ratio relative;
};

std::vector<RoleRow> role_rows(const Report& r);

}  // namespace gilhost::report
