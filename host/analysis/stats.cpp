// Summary statistics over runs (docs/metrics.md, "Repeated runs").
#include "analysis/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gilhost::analysis {
namespace {

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::optional<double> sample_stddev(const std::vector<double>& values, double mean) {
  if (values.size() < 2) return std::nullopt;
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / double(values.size() - 1));
}

std::vector<std::size_t> mad_outliers(const std::vector<double>& values, double median) {
  std::vector<double> deviations;
  for (double v : values) deviations.push_back(std::fabs(v - median));
  double mad = median_of(deviations);
  std::vector<std::size_t> outliers;
  if (mad == 0) return outliers;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::fabs(values[i] - median) / mad > kOutlierThreshold) outliers.push_back(i);
  }
  return outliers;
}

}  // namespace

RunStats summarize(const std::vector<double>& values) {
  RunStats stats;
  if (values.empty()) return stats;
  stats.n = values.size();
  stats.mean = std::accumulate(values.begin(), values.end(), 0.0) / double(stats.n);
  stats.stddev = sample_stddev(values, stats.mean);
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  stats.min = *lo;
  stats.max = *hi;
  stats.median = median_of(values);
  stats.outliers = mad_outliers(values, stats.median);
  return stats;
}

Ratio ratio_of(const RunStats& num, const RunStats& den) {
  Ratio r;
  if (num.n == 0 || den.n == 0 || den.mean == 0) return r;
  r.value = num.mean / den.mean;
  // Propagation of uncertainty for a quotient of independent figures, as hyperfine's
  // relative speed: sigma_r = r * sqrt((sigma_a / a)^2 + (sigma_b / b)^2).
  if (num.stddev && den.stddev && num.mean != 0) {
    const double a = *num.stddev / num.mean, b = *den.stddev / den.mean;
    r.uncertainty = std::fabs(*r.value) * std::sqrt(a * a + b * b);
  }
  return r;
}

}  // namespace gilhost::analysis
