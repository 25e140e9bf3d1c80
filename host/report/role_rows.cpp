// role_rows (role_rows.hpp).
#include "report/role_rows.hpp"

#include "report/role_run.hpp"

namespace gilhost::report {
namespace {

template <typename F>
analysis::RunStats over(const std::vector<RoleRunFigures>& runs, F field) {
  std::vector<double> v;
  for (const RoleRunFigures& x : runs) v.push_back(double(field(x)));
  return analysis::summarize(v);
}

template <typename F>
std::optional<analysis::RunStats> over_gil(const std::vector<RoleRunFigures>& runs, F field) {
  std::vector<double> v;
  for (const RoleRunFigures& x : runs)
    if (x.gil) v.push_back(double(field(*x.gil)));
  if (v.empty()) return std::nullopt;
  return analysis::summarize(v);
}

const RoleRow* base_row(const std::vector<RoleRow>& rows, const std::string& workers,
                        const std::string& role) {
  for (const RoleRow& r : rows)
    if (r.workers == workers && r.role == role) return &r;
  return nullptr;
}

}  // namespace

std::vector<RoleRow> role_rows(const Report& r) {
  std::vector<RoleRow> rows;
  for (const ConfigResult& c : r.configs) {
    if (c.runs.empty()) continue;
    for (const cli::RoleSpec& spec : c.workers) {
      std::vector<RoleRunFigures> runs;
      for (const RunRecord& run : c.runs) runs.push_back(role_run_figures(run, spec));
      RoleRow row{
          cli::format_workers(c.workers), spec.name, spec.threads, {}, {}, {}, {}, {}, {}, {}, {}};
      row.calls_per_second = over(runs, [](auto& x) { return x.calls_per_second; });
      row.latency_p50_ns = over(runs, [](auto& x) { return x.latency.p50_ns; });
      row.latency_p99_ns = over(runs, [](auto& x) { return x.latency.p99_ns; });
      row.cpu_percent = over(runs, [](auto& x) { return x.cpu_percent; });
      row.held_fraction = over_gil(runs, [](auto& g) { return g.held_fraction; });
      row.wait_p50_ns = over_gil(runs, [](auto& g) { return g.wait.p50_ns; });
      row.wait_p99_ns = over_gil(runs, [](auto& g) { return g.wait.p99_ns; });
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty()) return rows;
  const std::string first = rows.front().workers;
  for (RoleRow& row : rows) {
    if (const RoleRow* base = base_row(rows, first, row.role)) {
      row.relative = row.workers == first
                         ? analysis::Ratio{1.0, std::nullopt}
                         : analysis::ratio_of(row.calls_per_second, base->calls_per_second);
    }
  }
  return rows;
}

}  // namespace gilhost::report
