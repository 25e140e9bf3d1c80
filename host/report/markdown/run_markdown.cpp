// render_markdown: | Workers | Role | Threads | Calls/s | Latency p50 | ... | Relative |
#include "report/markdown/run_markdown.hpp"

#include <fmt/format.h>

#include <cmath>

#include "cli/units.hpp"
#include "report/role_rows.hpp"
#include "report/run_comparison.hpp"

namespace gilhost::report {
namespace {

int decimals_for(double v) { return std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2; }

std::string rate(const analysis::RunStats& s) {
  const int d = decimals_for(s.mean);
  if (!s.stddev) return fmt::format("{:.{}f}", s.mean, d);
  return fmt::format("{:.{}f} ± {:.{}f}", s.mean, d, *s.stddev, d);
}

std::string ns(const std::optional<analysis::RunStats>& s) {
  return s ? cli::format_ns(s->mean) : "-";
}

// A cell may not hold a '|': the spec's roles never do, but the status line could.
std::string cell(std::string s) {
  for (std::size_t at = s.find('|'); at != std::string::npos; at = s.find('|', at + 2))
    s.replace(at, 1, "\\|");
  return s;
}

}  // namespace

std::string render_markdown(const Report& r) {
  std::string out =
      "| Workers | Role | Threads | Calls/s | Latency p50 | Latency p99 | CPU % | GIL held % "
      "| GIL wait p99 | Relative |\n"
      "|:---|:---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const RoleRow& row : role_rows(r)) {
    const std::string held =
        row.held_fraction ? fmt::format("{:.1f}", 100 * row.held_fraction->mean) : "-";
    const std::string rel = row.relative.value ? ratio_text(row.relative) : "-";
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {:.1f} | {} | {} | {} |\n",
                       cell(row.workers), cell(row.role), row.threads, rate(row.calls_per_second),
                       cli::format_ns(row.latency_p50_ns.mean),
                       cli::format_ns(row.latency_p99_ns.mean), row.cpu_percent.mean, held,
                       ns(row.wait_p99_ns), rel);
  }
  if (r.status != "complete")
    out += fmt::format("\n**Partial results**: {}.\n", cell(status_reason(r.status)));
  return out;
}

}  // namespace gilhost::report
