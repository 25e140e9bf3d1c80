// One role's figures in one run, pooled over the role's threads: shared by every report.
#pragma once

#include <cstdint>

#include "analysis/metrics.hpp"
#include "cli/options.hpp"
#include "report/report_data.hpp"

namespace gilhost::report {

struct RoleRunFigures {
  std::uint64_t calls = 0;
  std::uint64_t cpu_ns = 0;
  // The role's own time: the barrier's release to its last thread's end of calls. With
  // --duration it is the phase's length for every role; with --calls N a fast role ends first,
  // and its rate is not divided by the slowest role's time.
  std::uint64_t time_ns = 0;
  double calls_per_second = 0;              // calls / time
  double cpu_percent = 0;                   // Σ thread CPU / time × 100 (100 % = one core)
  analysis::Distribution latency;           // every call of every thread of the role
  const analysis::GilStats* gil = nullptr;  // the main GIL's figures of the role; none without a
                                            // trace, nor for a :sub role (its threads hold their
                                            // own interpreters' GILs)
};

RoleRunFigures role_run_figures(const RunRecord& run, const cli::RoleSpec& spec);

}  // namespace gilhost::report
