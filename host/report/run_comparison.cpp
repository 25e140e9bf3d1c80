// Configurations against the first, role by role, and outlier runs (docs/metrics.md,
// "Comparisons" and "Repeated runs").
#include "report/run_comparison.hpp"

#include <fmt/format.h>

#include <cmath>

#include "cli/options.hpp"
#include "report/busy_machine.hpp"
#include "report/role_run.hpp"

namespace gilhost::report {
namespace {

std::vector<double> role_rates(const ConfigResult& c, const cli::RoleSpec& spec) {
  std::vector<double> v;
  for (const RunRecord& run : c.runs) v.push_back(role_run_figures(run, spec).calls_per_second);
  return v;
}

const cli::RoleSpec* find_role(const cli::WorkerSet& set, const std::string& name) {
  for (const cli::RoleSpec& r : set)
    if (r.name == name) return &r;
  return nullptr;
}

int decimals_for(double v) { return std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2; }

}  // namespace

double total_calls_per_second(const RunRecord& run) {
  std::uint64_t calls = 0;
  for (const auto& w : run.phase.workers) calls += w.calls;
  return run.phase.wall_ns ? double(calls) * 1e9 / double(run.phase.wall_ns) : 0.0;
}

std::vector<ConfigComparison> compare_configs(const Report& r) {
  std::vector<ConfigComparison> out;
  if (r.configs.size() < 2) return out;
  const ConfigResult& base = r.configs.front();
  for (std::size_t i = 1; i < r.configs.size(); ++i) {
    const ConfigResult& c = r.configs[i];
    ConfigComparison cmp{cli::format_workers(base.workers),
                         cli::format_workers(c.workers),
                         {},
                         distortion_note(c, base)};
    for (const cli::RoleSpec& spec : base.workers) {
      const cli::RoleSpec* other = find_role(c.workers, spec.name);
      if (other == nullptr) continue;
      const std::vector<double> a = role_rates(base, spec), b = role_rates(c, *other);
      RoleComparison rc{spec.name, analysis::summarize(a), analysis::summarize(b), {}, {}};
      rc.ratio = analysis::ratio_of(rc.other, rc.base);
      rc.test = analysis::welch_test(a, b);
      cmp.roles.push_back(std::move(rc));
    }
    out.push_back(std::move(cmp));
  }
  return out;
}

std::vector<std::string> comparison_lines(const Report& r) {
  std::vector<std::string> out;
  for (const ConfigComparison& c : compare_configs(r)) {
    if (c.roles.empty())
      out.push_back(fmt::format("{}: no role in common with {}{}", c.other, c.base, c.distortion));
    for (const RoleComparison& role : c.roles) {
      const std::string test =
          role.test ? fmt::format(" · {} difference (p = {:.2g})",
                                  role.test->p < kSignificance ? "a significant" : "no significant",
                                  role.test->p)
                    : "";
      out.push_back(fmt::format("{}: {} is {} {}{}{}", role.role, c.other, ratio_text(role.ratio),
                                c.base, test, c.distortion));
    }
  }
  return out;
}

std::string ratio_text(const analysis::Ratio& r) {
  if (!r.value) return "n/a";
  if (!r.uncertainty) return fmt::format("{:.2f}×", *r.value);
  return fmt::format("{:.2f} ± {:.2f}×", *r.value, *r.uncertainty);
}

std::string verdict(const std::optional<analysis::WelchTest>& t, double base_mean,
                    double other_mean, bool higher_is_better) {
  if (!t) return "not tested (one run)";
  if (t->p >= kSignificance || other_mean == base_mean) return "no significant change";
  return (other_mean > base_mean) == higher_is_better ? "faster" : "slower";
}

std::vector<std::string> outlier_warnings(const ConfigResult& c, unsigned warmup) {
  std::vector<double> totals;
  for (const RunRecord& run : c.runs) totals.push_back(total_calls_per_second(run));
  const analysis::RunStats s = analysis::summarize(totals);
  std::vector<std::string> out;
  for (std::size_t i : s.outliers) {
    // A slow first run is the cold start a warm-up absorbs; any other outlier is a run that
    // something else disturbed, which more runs outvote (the mean then moves less).
    const bool cold = i == 0 && totals[i] < s.median;
    const std::string fix =
        cold ? fmt::format("the first run ran cold: raise --warmup (now {})", warmup)
             : fmt::format(
                   "another program took the CPU during it: raise --runs (now {}) or "
                   "use a quieter machine",
                   c.runs.size());
    const int d = decimals_for(s.median);
    out.push_back(fmt::format("warning: run {} is an outlier ({:.{}f} calls/s, median {:.{}f}): {}",
                              i + 1, totals[i], d, s.median, d, fix));
  }
  return out;
}

}  // namespace gilhost::report
