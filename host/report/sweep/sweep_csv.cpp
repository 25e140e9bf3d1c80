// render_sweep_csv: one row per point and role (RFC 4180 quoting), units in the column names.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "report/csv/csv_field.hpp"
#include "report/sweep/sweep_report.hpp"

namespace gilhost::report {
namespace {

constexpr const char* kHeader =
    "interval_ns,workers,role,threads,status,runs,calls_mean,calls_per_second_mean,"
    "calls_per_second_stddev,latency_p50_ns,latency_p99_ns,forced_switches_per_second,"
    "holder_changes_per_second,held_percent,sweep_status";

using csv::field;
using csv::number;
std::string mean_or_empty(const std::optional<analysis::RunStats>& s) {
  return s ? number(s->mean) : "";
}

std::string row(const SweepResult& s, const PointFigures& p, const RoleFigures& r) {
  const analysis::RunStats& rate = r.calls_per_second;
  std::vector<std::string> cells = {std::to_string(p.interval_ns),
                                    field(p.workers),
                                    field(r.role),
                                    std::to_string(r.threads),
                                    p.status,
                                    std::to_string(p.runs),
                                    number(r.calls.mean),
                                    number(rate.mean),
                                    rate.stddev ? number(*rate.stddev) : "",
                                    number(r.latency_p50_ns.mean),
                                    number(r.latency_p99_ns.mean),
                                    mean_or_empty(p.forced_switches_per_second),
                                    mean_or_empty(p.holder_changes_per_second),
                                    r.held_fraction ? number(100 * r.held_fraction->mean) : "",
                                    s.status};
  return fmt::format("{}\n", fmt::join(cells, ","));
}

}  // namespace

std::string render_sweep_csv(const SweepResult& s) {
  std::string out = std::string(kHeader) + "\n";
  for (const PointFigures& p : s.points) {
    for (const RoleFigures& r : p.roles) out += row(s, p, r);
  }
  return out;
}

}  // namespace gilhost::report
