// The busy-machine warning shared by every output (text, JSON, HTML).
#include "report/busy_machine.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

#include "cli/options.hpp"

namespace gilhost::report {
namespace {

bool exceeds(std::optional<double> f) { return f && *f > analysis::kOffCpuWarnFraction; }

void widen(std::optional<double>& worst, std::optional<double> f) {
  if (f) worst = std::max(worst.value_or(0.0), *f);
}

}  // namespace

// Run-queue delay is sampled every 10 ms: over less held time than a few samples the share is
// too coarse to warn about (metrics.md, held_off_cpu).
constexpr std::uint64_t kMinHeldNs = 50'000'000;

std::optional<double> off_cpu_fraction(const analysis::GilMetrics& m) {
  if (!m.summary.sched_sampled || m.summary.held_ns < kMinHeldNs) return std::nullopt;
  return m.summary.held_off_cpu_fraction();
}

std::optional<double> off_cpu_fraction(const ConfigResult& c) {
  std::optional<double> worst;
  for (const RunRecord& run : c.runs) {
    if (run.gil) widen(worst, off_cpu_fraction(*run.gil));
    for (const GilRecord& g : run.sub_gils) widen(worst, off_cpu_fraction(g.metrics));
  }
  return worst;
}

std::string busy_machine_warning(const Report& r) {
  std::vector<std::string> where;
  std::optional<double> worst;
  for (const ConfigResult& c : r.configs) {
    if (std::optional<double> f = off_cpu_fraction(c); exceeds(f)) {
      where.push_back(cli::format_workers(c.workers));
      widen(worst, f);
    }
  }
  if (r.script_gil) {
    if (std::optional<double> f = off_cpu_fraction(*r.script_gil); exceeds(f)) {
      where.push_back("the script");
      widen(worst, f);
    }
  }
  if (where.empty()) return "";
  return fmt::format(
      "WARNING: busy machine: the GIL holder was runnable but not running for up to {:.0f} % of "
      "the time it held the GIL ({}; threshold {:.0f} %): these figures describe the machine's "
      "load, not the program. Close other programs, use --runs N, and compare with fewer "
      "threads than cores.",
      100 * *worst, fmt::join(where, ", "), 100 * analysis::kOffCpuWarnFraction);
}

std::string distortion_note(const ConfigResult& a, const ConfigResult& b) {
  std::vector<std::string> parts;
  for (const ConfigResult* c : {&a, &b}) {
    if (std::optional<double> f = off_cpu_fraction(*c); exceeds(f)) {
      parts.push_back(fmt::format("{} holder off-CPU {:.0f} % of held time",
                                  cli::format_workers(c->workers), 100 * *f));
    }
  }
  return parts.empty() ? "" : fmt::format(" (distorted: {})", fmt::join(parts, "; "));
}

}  // namespace gilhost::report
