// One role's figures in one run, pooled over the role's threads: shared by every report.
#include "report/role_run.hpp"

#include <algorithm>

namespace gilhost::report {

RoleRunFigures role_run_figures(const RunRecord& run, const cli::RoleSpec& spec) {
  RoleRunFigures out;
  analysis::Histogram latencies;
  for (const analysis::WorkerResult& w : run.phase.workers) {
    if (w.role != spec.name) continue;
    out.calls += w.calls;
    out.cpu_ns += w.cpu_ns;
    out.time_ns = std::max(out.time_ns, w.active_ns);
    latencies.merge(w.latency);
  }
  // Recordings made before active_ns existed: the phase's wall time, as they were reported.
  if (out.time_ns == 0) out.time_ns = run.phase.wall_ns;
  const double wall = double(out.time_ns);
  out.latency = analysis::distribution_of(latencies);
  out.calls_per_second = wall > 0 ? double(out.calls) * 1e9 / wall : 0.0;
  out.cpu_percent = wall > 0 ? 100.0 * double(out.cpu_ns) / wall : 0.0;
  if (run.gil && !spec.sub()) {
    auto it = run.gil->roles.find(spec.name);
    if (it != run.gil->roles.end()) out.gil = &it->second;
  }
  return out;
}

}  // namespace gilhost::report
