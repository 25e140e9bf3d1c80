// Distributions of duration samples from a log-bucketed histogram (docs/metrics.md,
// "Distributions").
#include "analysis/metrics.hpp"

namespace gilhost::analysis {

Distribution distribution_of(const Histogram& h) {
  Distribution d;
  d.count = h.count();
  d.total_ns = h.total();
  d.min_ns = h.min();
  d.p50_ns = h.percentile(50);
  d.p90_ns = h.percentile(90);
  d.p99_ns = h.percentile(99);
  d.max_ns = h.max();
  return d;
}

Distribution distribution_of(const std::vector<std::uint64_t>& samples) {
  Histogram h;
  for (std::uint64_t s : samples) h.record(s);
  return distribution_of(h);
}

}  // namespace gilhost::analysis
