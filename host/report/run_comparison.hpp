// What the reports of one run say about its repetitions: each configuration against the first,
// role by role, and the runs that stand out. Data first; text, Markdown and HTML render it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/significance.hpp"
#include "analysis/stats.hpp"
#include "report/report_data.hpp"

namespace gilhost::report {

// Runs whose Welch p-value is below this differ by more than their noise (docs/metrics.md).
inline constexpr double kSignificance = 0.05;

// One role's calls/s in a configuration against the same role in the first configuration.
struct RoleComparison {
  std::string role;
  analysis::RunStats base, other;  // calls/s over the runs
  analysis::Ratio ratio;           // other / base
  std::optional<analysis::WelchTest> test;
};

struct ConfigComparison {
  std::string base, other;            // "cpu=1", "cpu=4"
  std::vector<RoleComparison> roles;  // the roles both have, in the base's order
  std::string distortion;             // busy_machine.hpp's note, or ""
};

// Every configuration after the first against the first; empty with fewer than two.
std::vector<ConfigComparison> compare_configs(const Report& r);

// Each role against the same role of the first configuration (never a sum of different roles'
// calls over one role's): "cpu: cpu=4 is 0.98 ± 0.03× cpu=1 · no significant difference (p =
// 0.41)".
inline constexpr std::string_view kComparisonTitle =
    "Comparison by each role's calls/s (ratio ± propagated σ, Welch's t-test)";
std::vector<std::string> comparison_lines(const Report& r);

// "0.98 ± 0.03×" (no ± with a single run), "n/a" without a ratio.
std::string ratio_text(const analysis::Ratio& r);

// "faster", "slower" or "no significant change" for a figure measured in both (higher is
// better when `higher_is_better`), "not tested (one run)" without a test.
std::string verdict(const std::optional<analysis::WelchTest>& t, double base_mean,
                    double other_mean, bool higher_is_better);

// One line per run of `c` whose total calls/s is an outlier (analysis::summarize), each with a
// fix that applies: a first run after `warmup` warm-ups ran cold, a later one was disturbed.
std::vector<std::string> outlier_warnings(const ConfigResult& c, unsigned warmup);

// Σ calls / the phase's wall time of one run.
double total_calls_per_second(const RunRecord& run);

}  // namespace gilhost::report
