// Whether two sets of runs differ more than their noise: Welch's t-test (docs/metrics.md,
// "Comparing two reports").
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace gilhost::analysis {

// Welch's unequal-variances t-test of the means of `a` and `b`, two-sided. Chosen over
// Mann-Whitney U because gilhost runs are few (3 by default): with 3 runs against 3 the
// smallest two-sided U p-value is 2/20 = 0.1, so U could never call a change significant.
struct WelchTest {
  double t = 0;   // (mean b - mean a) / sqrt(var a / n_a + var b / n_b)
  double df = 0;  // Welch-Satterthwaite degrees of freedom
  double p = 1;   // two-sided p-value from Student's t with df degrees of freedom
};

// None when either side has fewer than two runs (no variance to test against). When both
// variances are 0 the test is degenerate: p = 1 for equal means, 0 otherwise (t = ±inf).
std::optional<WelchTest> welch_test(const std::vector<double>& a, const std::vector<double>& b);
// The same from each side's count, mean and sample standard deviation (a report's summary).
std::optional<WelchTest> welch_test(std::size_t n_a, double mean_a, double sd_a, std::size_t n_b,
                                    double mean_b, double sd_b);

// P(|T| >= |t|) for Student's t with `df` > 0 degrees of freedom.
double student_t_two_sided(double t, double df);

// The regularized incomplete beta function I_x(a, b), 0 <= x <= 1, a, b > 0.
double incomplete_beta(double x, double a, double b);

}  // namespace gilhost::analysis
