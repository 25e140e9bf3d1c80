// Statistics of one figure over repeated runs (--runs N): spread and outliers, honestly.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace gilhost::analysis {

struct RunStats {
  std::size_t n = 0;
  double mean = 0;
  std::optional<double> stddev;  // sample standard deviation (n - 1); none for n < 2
  double min = 0;
  double max = 0;
  double median = 0;  // mean of the two middle values when n is even
  // Indices into the input of runs whose modified z-score |x - median| / MAD exceeds
  // kOutlierThreshold, hyperfine's rule (Iglewicz & Hoaglin, 1993). None when MAD == 0 (half or
  // more of the runs are equal).
  std::vector<std::size_t> outliers;
};

// hyperfine's threshold (src/outlier_detection.rs): 1.4826 turns a MAD into a standard
// deviation's estimate, and a run is an outlier ten of those from the median. A stricter rule
// (Iglewicz & Hoaglin's 3.5 on 0.6745 (x - median) / MAD, about 5.2 MADs) flagged ordinary
// scheduler noise on three runs (247 against 233 and 234).
inline constexpr double kOutlierThreshold = 1.4826 * 10.0;

// `a / b` of two means, with the uncertainty propagated from both standard deviations
// (independent runs): none when either side has a single run, no value when `b` is 0.
struct Ratio {
  std::optional<double> value;
  std::optional<double> uncertainty;
};
Ratio ratio_of(const RunStats& a, const RunStats& b);

// All fields are 0 / empty for no values.
RunStats summarize(const std::vector<double>& values);

}  // namespace gilhost::analysis
