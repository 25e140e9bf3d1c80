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
  // Indices into the input of runs whose modified z-score |0.6745 (x - median) / MAD| exceeds
  // 3.5 (Iglewicz & Hoaglin, 1993). None when MAD == 0 (half or more of the runs are equal).
  std::vector<std::size_t> outliers;
};

// All fields are 0 / empty for no values.
RunStats summarize(const std::vector<double>& values);

}  // namespace gilhost::analysis
