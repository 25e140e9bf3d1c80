// Histogram: bucket arithmetic and nearest-rank percentiles (docs/metrics.md, "Distributions").
#include "analysis/histogram.hpp"

#include <algorithm>
#include <bit>
#include <utility>

namespace gilhost::analysis {
namespace {

constexpr std::uint64_t kSub = std::uint64_t(1) << Histogram::kSubBits;  // buckets per octave

}  // namespace

std::uint32_t Histogram::index_of(std::uint64_t v) {
  if (v < kExactBelow) return std::uint32_t(v);
  const int m = 63 - std::countl_zero(v);         // v in [2^m, 2^(m+1)), m >= kSubBits + 1
  const int shift = m - kSubBits;                 // bucket width 2^shift
  const std::uint64_t sub = (v >> shift) - kSub;  // 0 .. kSub - 1
  return std::uint32_t(kExactBelow + std::uint64_t(m - kSubBits - 1) * kSub + sub);
}

std::uint64_t Histogram::lowest_of(std::uint32_t index) {
  if (index < kExactBelow) return index;
  const std::uint64_t octave = (index - kExactBelow) / kSub;  // m - kSubBits - 1
  const std::uint64_t sub = (index - kExactBelow) % kSub;
  const int shift = int(octave) + 1;
  return (kSub + sub) << shift;
}

std::uint64_t Histogram::highest_of(std::uint32_t index) {
  if (index < kExactBelow) return index;
  const int shift = int((index - kExactBelow) / kSub) + 1;
  return lowest_of(index) + ((std::uint64_t(1) << shift) - 1);
}

void Histogram::record_n(std::uint64_t v, std::uint64_t n) {
  if (n == 0) return;
  const std::uint32_t i = index_of(v);
  if (counts_.empty()) {
    first_ = i;
    counts_.assign(1, 0);
  } else if (i < first_) {
    counts_.insert(counts_.begin(), first_ - i, 0);
    first_ = i;
  } else if (i - first_ >= counts_.size()) {
    counts_.resize(i - first_ + 1, 0);
  }
  counts_[i - first_] += n;
  count_ += n;
  total_ += v * n;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

Histogram Histogram::from_parts(Parts p) {
  Histogram h;
  h.counts_ = std::move(p.counts);
  h.first_ = p.first;
  h.count_ = p.count;
  h.total_ = p.total;
  h.min_ = p.count ? p.min : ~std::uint64_t(0);
  h.max_ = p.max;
  return h;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  // Grow to cover both ranges once, then add bucket by bucket.
  const std::uint32_t lo = counts_.empty() ? other.first_ : std::min(first_, other.first_);
  const std::uint32_t hi = std::uint32_t(std::max<std::uint64_t>(
      counts_.empty() ? 0 : first_ + counts_.size(), other.first_ + other.counts_.size()));
  if (counts_.empty()) {
    counts_.assign(hi - lo, 0);
  } else {
    counts_.insert(counts_.begin(), first_ - lo, 0);
    counts_.resize(hi - lo, 0);
  }
  first_ = lo;
  for (std::size_t i = 0; i < other.counts_.size(); ++i)
    counts_[other.first_ - lo + i] += other.counts_[i];
  count_ += other.count_;
  total_ += other.total_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::uint64_t Histogram::percentile(std::uint64_t q) const {
  if (count_ == 0) return 0;
  // Integer arithmetic keeps p50 of 1..100 at exactly 50, as the nearest-rank definition wants.
  const std::uint64_t rank = std::max<std::uint64_t>(1, (q * count_ + 99) / 100);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen < rank) continue;
    const auto index = std::uint32_t(first_ + i);
    const std::uint64_t lo = lowest_of(index), hi = highest_of(index);
    return std::clamp(lo + (hi - lo) / 2, min_, max_);
  }
  return max_;
}

}  // namespace gilhost::analysis
