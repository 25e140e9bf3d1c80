// Order statistics of duration samples (docs/metrics.md, "Distributions").
#include <algorithm>

#include "analysis/metrics.hpp"

namespace gilhost::analysis {
namespace {

// Nearest rank: the smallest sample with at least q% of the samples <= it, i.e. the
// ceil(q/100 * n)-th smallest. Integer arithmetic keeps p50 of 1..100 at exactly 50.
std::uint64_t nearest_rank(const std::vector<std::uint64_t>& sorted, std::uint64_t q) {
  std::uint64_t n = sorted.size();
  std::uint64_t rank = std::max<std::uint64_t>(1, (q * n + 99) / 100);
  return sorted[rank - 1];
}

}  // namespace

Distribution distribution_of(std::vector<std::uint64_t> samples) {
  Distribution d;
  if (samples.empty()) return d;
  std::sort(samples.begin(), samples.end());
  d.count = samples.size();
  for (std::uint64_t s : samples) d.total_ns += s;
  d.p50_ns = nearest_rank(samples, 50);
  d.p90_ns = nearest_rank(samples, 90);
  d.p99_ns = nearest_rank(samples, 99);
  d.max_ns = samples.back();
  return d;
}

}  // namespace gilhost::analysis
