// point_figures: the figures a sweep reports, reduced from one point's runs.
#include <algorithm>

#include "report/role_run.hpp"
#include "report/sweep/sweep_data.hpp"

namespace gilhost::report {
namespace {

double per_second(double count, std::uint64_t wall_ns) {
  return wall_ns ? count * 1e9 / double(wall_ns) : 0.0;
}

struct RoleRun {
  double calls = 0, calls_per_second = 0, latency_p50_ns = 0, latency_p99_ns = 0;
  std::optional<double> held_fraction;
};

RoleRun role_run(const RunRecord& run, const cli::RoleSpec& spec) {
  RoleRunFigures f = role_run_figures(run, spec);
  RoleRun r{double(f.calls), f.calls_per_second, double(f.latency.p50_ns), double(f.latency.p99_ns),
            std::nullopt};
  if (f.gil) r.held_fraction = f.gil->held_fraction;
  return r;
}

RoleFigures role_figures(const cli::RoleSpec& spec, const std::vector<RunRecord>& runs) {
  std::vector<double> calls, rate, p50, p99, held;
  for (const RunRecord& run : runs) {
    RoleRun r = role_run(run, spec);
    calls.push_back(r.calls);
    rate.push_back(r.calls_per_second);
    p50.push_back(r.latency_p50_ns);
    p99.push_back(r.latency_p99_ns);
    if (r.held_fraction) held.push_back(*r.held_fraction);
  }
  RoleFigures f{spec.name,
                spec.threads,
                analysis::summarize(calls),
                analysis::summarize(rate),
                analysis::summarize(p50),
                analysis::summarize(p99),
                std::nullopt};
  if (!held.empty()) f.held_fraction = analysis::summarize(held);
  return f;
}

// Switches per second of wall time, over the runs that were traced.
void switch_rates(const std::vector<RunRecord>& runs, PointFigures& p) {
  std::vector<double> forced, changes;
  for (const RunRecord& run : runs) {
    if (!run.gil) continue;
    forced.push_back(per_second(double(run.gil->summary.forced_switches), run.phase.wall_ns));
    changes.push_back(per_second(double(run.gil->summary.holder_changes), run.phase.wall_ns));
  }
  if (forced.empty()) return;
  p.forced_switches_per_second = analysis::summarize(forced);
  p.holder_changes_per_second = analysis::summarize(changes);
}

}  // namespace

const RoleFigures* PointFigures::role(std::string_view name) const {
  auto it = std::find_if(roles.begin(), roles.end(),
                         [&](const RoleFigures& r) { return r.role == name; });
  return it == roles.end() ? nullptr : &*it;
}

PointFigures point_figures(std::uint64_t interval_ns, const ConfigResult& config) {
  PointFigures p;
  p.interval_ns = interval_ns;
  p.workers = cli::format_workers(config.workers);
  p.runs = config.runs.size();
  for (const RunRecord& run : config.runs) {
    if (run.phase.status != analysis::PhaseStatus::kComplete) {
      p.status = analysis::to_string(run.phase.status);
      break;
    }
  }
  for (const cli::RoleSpec& spec : config.workers)
    p.roles.push_back(role_figures(spec, config.runs));
  switch_rates(config.runs, p);
  return p;
}

}  // namespace gilhost::report
