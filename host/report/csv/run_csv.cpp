// render_csv: RFC 4180 quoting, numbers as printed by fmt's shortest round-trip form.
#include "report/csv/run_csv.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "report/csv/csv_field.hpp"
#include "report/role_rows.hpp"

namespace gilhost::report {
namespace {

constexpr const char* kHeader =
    "workers,role,threads,runs,calls_per_second_mean,calls_per_second_stddev,"
    "calls_per_second_median,calls_per_second_min,calls_per_second_max,latency_p50_ns,"
    "latency_p99_ns,cpu_percent,held_percent,wait_p50_ns,wait_p99_ns,relative,relative_stddev,"
    "status";

using csv::field;
using csv::number;
std::string optional(const std::optional<double>& v) { return v ? number(*v) : ""; }
std::string mean_of(const std::optional<analysis::RunStats>& s, double scale = 1) {
  return s ? number(scale * s->mean) : "";
}

}  // namespace

std::string render_csv(const Report& r) {
  std::string out = std::string(kHeader) + "\n";
  for (const RoleRow& row : role_rows(r)) {
    const analysis::RunStats& rate = row.calls_per_second;
    std::vector<std::string> cells = {field(row.workers),
                                      field(row.role),
                                      std::to_string(row.threads),
                                      std::to_string(rate.n),
                                      number(rate.mean),
                                      optional(rate.stddev),
                                      number(rate.median),
                                      number(rate.min),
                                      number(rate.max),
                                      number(row.latency_p50_ns.mean),
                                      number(row.latency_p99_ns.mean),
                                      number(row.cpu_percent.mean),
                                      mean_of(row.held_fraction, 100),
                                      mean_of(row.wait_p50_ns),
                                      mean_of(row.wait_p99_ns),
                                      optional(row.relative.value),
                                      optional(row.relative.uncertainty),
                                      field(r.status)};
    out += fmt::format("{}\n", fmt::join(cells, ","));
  }
  return out;
}

}  // namespace gilhost::report
