// Unit tests of Welch's t-test against values computed independently (scipy 1.10:
// scipy.stats.ttest_ind(b, a, equal_var=False), scipy.stats.t.sf, scipy.stats.beta.cdf).
#include <catch2/catch.hpp>
#include <cmath>

#include "analysis/significance.hpp"

using gilhost::analysis::incomplete_beta;
using gilhost::analysis::student_t_two_sided;
using gilhost::analysis::welch_test;

TEST_CASE("incomplete_beta and Student's t against scipy", "[significance]") {
  CHECK(incomplete_beta(0.3, 2.5, 4.0) == Approx(0.3521975859067672).epsilon(1e-10));
  CHECK(incomplete_beta(0, 2, 3) == 0);
  CHECK(incomplete_beta(1, 2, 3) == 1);
  CHECK(student_t_two_sided(2.0, 3.5) == Approx(0.1261385225759135).epsilon(1e-10));
  CHECK(student_t_two_sided(10, 1) == Approx(0.06345103486110712).epsilon(1e-10));
  CHECK(student_t_two_sided(0, 4) == Approx(1.0));
}

TEST_CASE("welch_test: the textbook example (15 against 15 samples)", "[significance]") {
  const std::vector<double> a1 = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
                                  21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
  const std::vector<double> a2 = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
                                  24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
  auto w = welch_test(a1, a2);
  REQUIRE(w.has_value());
  CHECK(w->t == Approx(2.455356398286006).epsilon(1e-10));
  CHECK(w->df == Approx(24.988529290231416).epsilon(1e-10));
  CHECK(w->p == Approx(0.021378001462866985).epsilon(1e-9));
}

TEST_CASE("welch_test: three runs against three, and unequal sizes", "[significance]") {
  auto w = welch_test({1000, 1010, 990}, {1100, 1090, 1120});
  REQUIRE(w.has_value());
  CHECK(w->t == Approx(9.803060746521968).epsilon(1e-10));
  CHECK(w->df == Approx(3.448275862068965).epsilon(1e-10));
  CHECK(w->p == Approx(0.0012271513537295898).epsilon(1e-9));
  auto u = welch_test({233, 234, 247}, {250, 252, 251, 249});
  REQUIRE(u.has_value());
  CHECK(u->t == Approx(2.7441064997422586).epsilon(1e-10));
  CHECK(u->p == Approx(0.10636184037386641).epsilon(1e-9));  // not significant at 0.05
}

TEST_CASE("welch_test: one run has no test; no noise is degenerate", "[significance]") {
  CHECK_FALSE(welch_test({5}, {5, 6}).has_value());
  auto same = welch_test({5, 5}, {5, 5, 5});
  REQUIRE(same.has_value());
  CHECK(same->p == 1);
  auto apart = welch_test({5, 5}, {6, 6});
  REQUIRE(apart.has_value());
  CHECK(apart->p == 0);
  CHECK(std::isinf(apart->t));
  CHECK(apart->t > 0);
}
