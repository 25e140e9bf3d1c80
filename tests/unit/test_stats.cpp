// Unit tests of summarize(): the statistics printed for --runs N.
#include <catch2/catch.hpp>
#include <cmath>

#include "analysis/stats.hpp"

using gilhost::analysis::RunStats;
using gilhost::analysis::summarize;

TEST_CASE("summarize: no values gives an empty summary", "[stats]") {
  RunStats s = summarize({});
  CHECK(s.n == 0);
  CHECK_FALSE(s.stddev.has_value());
  CHECK(s.outliers.empty());
}

TEST_CASE("summarize: one run has no standard deviation", "[stats]") {
  RunStats s = summarize({3.0});
  CHECK(s.n == 1);
  CHECK(s.mean == 3.0);
  CHECK_FALSE(s.stddev.has_value());
  CHECK(s.min == 3.0);
  CHECK(s.max == 3.0);
  CHECK(s.median == 3.0);
  CHECK(s.outliers.empty());
}

TEST_CASE("summarize: sample standard deviation and even-n median", "[stats]") {
  RunStats s = summarize({4.0, 1.0, 3.0, 2.0});
  CHECK(s.n == 4);
  CHECK(s.mean == Approx(2.5));
  REQUIRE(s.stddev.has_value());
  CHECK(*s.stddev == Approx(std::sqrt(5.0 / 3.0)));  // n - 1 in the denominator
  CHECK(s.min == 1.0);
  CHECK(s.max == 4.0);
  CHECK(s.median == 2.5);
  CHECK(s.outliers.empty());
}

TEST_CASE("summarize: odd-n median is the middle value", "[stats]") {
  CHECK(summarize({7.0, 1.0, 100.0}).median == 7.0);
}

TEST_CASE("summarize: a far run is an outlier by the modified z-score", "[stats]") {
  // median 12.5, |deviations| .5 .5 1.5 1.5 2.5 87.5 -> MAD 1.5; z(100) = 39.3, z(10) = 1.12
  RunStats s = summarize({10, 11, 12, 13, 14, 100});
  CHECK(s.outliers == std::vector<std::size_t>{5});
}

TEST_CASE("summarize: the outlier threshold is |z| > 3.5 on both sides", "[stats]") {
  // median 10, MAD 1, so z = 0.6745 * |x - 10|: 5 -> 3.37 (kept), 6 -> 4.05 (outlier)
  CHECK(summarize({9, 10, 10, 11, 15}).outliers.empty());
  CHECK(summarize({9, 10, 10, 11, 16}).outliers == std::vector<std::size_t>{4});
  CHECK(summarize({4, 9, 10, 10, 11}).outliers == std::vector<std::size_t>{0});
}

TEST_CASE("summarize: MAD == 0 flags no outliers", "[stats]") {
  RunStats s = summarize({5, 5, 5, 5, 100});
  CHECK(s.median == 5.0);
  CHECK(s.outliers.empty());
  CHECK(s.max == 100.0);
}
