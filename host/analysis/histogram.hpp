// A log-bucketed histogram of durations in fixed memory, for percentiles of any number of samples.
#pragma once

#include <cstdint>
#include <vector>

namespace gilhost::analysis {

// Values below 128 have a bucket each (exact). Above, every power of two [2^m, 2^(m+1)) is split
// into 64 equal buckets of width 2^(m-6), as HdrHistogram does with two significant digits:
// a bucket's midpoint is within 1/128 = 0.78 % of every value in it (docs/metrics.md,
// "Distributions"). Count, total, min and max are exact. Memory: 8 bytes per bucket between the
// lowest and highest one used (at most 3,776 buckets for the whole 64-bit range).
class Histogram {
 public:
  static constexpr int kSubBits = 6;  // 64 buckets per power of two
  static constexpr std::uint64_t kExactBelow = std::uint64_t(2) << kSubBits;  // 128

  void record(std::uint64_t v) { record_n(v, 1); }
  void record_n(std::uint64_t v, std::uint64_t n);
  void merge(const Histogram& other);
  void clear() { *this = Histogram(); }

  std::uint64_t count() const { return count_; }
  std::uint64_t total() const { return total_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  // Nearest rank (the ceil(q/100 * n)-th smallest sample, q in 0..100) reported as its
  // bucket's midpoint, clamped to [min, max]; 0 for no samples.
  std::uint64_t percentile(std::uint64_t q) const;
  std::size_t memory_bytes() const { return counts_.capacity() * sizeof(std::uint64_t); }

  // Everything a histogram holds, for storing it (a recording's run results) and back:
  // from_parts(h.parts()) equals h.
  struct Parts {
    std::uint32_t first = 0;
    std::vector<std::uint64_t> counts;
    std::uint64_t count = 0, total = 0, min = 0, max = 0;
  };
  Parts parts() const { return {first_, counts_, count_, total_, min(), max_}; }
  static Histogram from_parts(Parts p);

  // The bucket arithmetic, public for tests: index of a value, and the bucket's [lo, hi].
  static std::uint32_t index_of(std::uint64_t v);
  static std::uint64_t lowest_of(std::uint32_t index);
  static std::uint64_t highest_of(std::uint32_t index);

  // Visits the non-empty buckets in value order as (lowest value, highest value, count).
  template <typename F>
  void for_each_bucket(F&& f) const {
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      if (counts_[i] == 0) continue;
      auto index = std::uint32_t(first_ + i);
      f(lowest_of(index), highest_of(index), counts_[i]);
    }
  }

 private:
  std::vector<std::uint64_t> counts_;  // buckets first_ .. first_ + size - 1
  std::uint32_t first_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t min_ = ~std::uint64_t(0);
  std::uint64_t max_ = 0;
};

}  // namespace gilhost::analysis
