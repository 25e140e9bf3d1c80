// Unit tests of summarize(): the statistics printed for --runs N.
#include <catch2/catch.hpp>
#include <cmath>

#include "analysis/stats.hpp"

using gilhost::analysis::ratio_of;
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

TEST_CASE("summarize: the outlier threshold is hyperfine's |x - median| / MAD > 14.826",
          "[stats]") {
  // 233, 234, 247: median 234, MAD 1, 247 is 13 MADs away: ordinary noise, not an outlier.
  CHECK(summarize({233, 234, 247}).outliers.empty());
  // median 10, MAD 1: 24.8 is 14.8 MADs away (kept), 24.9 is 14.9 (an outlier), on both sides.
  CHECK(summarize({9, 10, 10, 11, 24.8}).outliers.empty());
  CHECK(summarize({9, 10, 10, 11, 24.9}).outliers == std::vector<std::size_t>{4});
  CHECK(summarize({-4.9, 9, 10, 10, 11}).outliers == std::vector<std::size_t>{0});
}

TEST_CASE("summarize: MAD == 0 flags no outliers", "[stats]") {
  RunStats s = summarize({5, 5, 5, 5, 100});
  CHECK(s.median == 5.0);
  CHECK(s.outliers.empty());
  CHECK(s.max == 100.0);
}

TEST_CASE("ratio_of: mean ratio with the uncertainty propagated as hyperfine does", "[stats]") {
  // a: mean 20, sigma 2 (10 %); b: mean 10, sigma sqrt(0.75) ... use exact samples.
  RunStats a = summarize({18, 20, 22});  // mean 20, sigma 2
  RunStats b = summarize({9, 10, 11});   // mean 10, sigma 1
  gilhost::analysis::Ratio r = ratio_of(a, b);
  REQUIRE(r.value.has_value());
  CHECK(*r.value == Approx(2.0));
  REQUIRE(r.uncertainty.has_value());
  CHECK(*r.uncertainty == Approx(2.0 * std::sqrt(0.01 + 0.01)));  // 0.2828
}

TEST_CASE("ratio_of: one run has no uncertainty, a zero base no ratio", "[stats]") {
  CHECK_FALSE(ratio_of(summarize({5}), summarize({9, 10, 11})).uncertainty.has_value());
  CHECK(*ratio_of(summarize({5}), summarize({10})).value == Approx(0.5));
  CHECK_FALSE(ratio_of(summarize({5, 6}), summarize({0, 0})).value.has_value());
}
