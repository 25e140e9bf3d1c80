// Welch's t-test and the Student's t distribution it needs (docs/metrics.md).
#include "analysis/significance.hpp"

#include <cmath>
#include <limits>
#include <numeric>

namespace gilhost::analysis {
namespace {

// The continued fraction of I_x(a, b) (modified Lentz's method), valid for x < (a + 1) / (a + b
// + 2); the other side comes from the symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
double beta_fraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300, kEpsilon = 1e-15;
  constexpr int kMaxTerms = 500;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxTerms; ++m) {
    const double m2 = 2.0 * m;
    // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    c = 1 + num / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    c = 1 + num / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < kEpsilon) break;
  }
  return h;
}

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

double variance_of(const std::vector<double>& v, double mean) {
  double s = 0;
  for (double x : v) s += (x - mean) * (x - mean);
  return s / double(v.size() - 1);
}

}  // namespace

double incomplete_beta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // x^a (1-x)^b / (a B(a, b)), through logarithms of the gamma function.
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(x, a, b) / a;
  return 1 - front * beta_fraction(1 - x, b, a) / b;
}

double student_t_two_sided(double t, double df) {
  if (std::isinf(t)) return 0;
  // P(|T| >= |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2).
  return incomplete_beta(df / (df + t * t), df / 2, 0.5);
}

std::optional<WelchTest> welch_test(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < 2 || b.size() < 2) return std::nullopt;
  const double ma = mean_of(a), mb = mean_of(b);
  return welch_test(a.size(), ma, std::sqrt(variance_of(a, ma)), b.size(), mb,
                    std::sqrt(variance_of(b, mb)));
}

std::optional<WelchTest> welch_test(std::size_t n_a, double ma, double sd_a, std::size_t n_b,
                                    double mb, double sd_b) {
  if (n_a < 2 || n_b < 2) return std::nullopt;
  const double va = sd_a * sd_a / double(n_a), vb = sd_b * sd_b / double(n_b);
  WelchTest w;
  if (va + vb == 0) {  // no noise at all: any difference is certain, none is none
    w.t = ma == mb ? 0 : std::copysign(std::numeric_limits<double>::infinity(), mb - ma);
    w.df = double(n_a + n_b - 2);
    w.p = ma == mb ? 1 : 0;
    return w;
  }
  w.t = (mb - ma) / std::sqrt(va + vb);
  w.df = (va + vb) * (va + vb) / (va * va / double(n_a - 1) + vb * vb / double(n_b - 1));
  w.p = student_t_two_sided(w.t, w.df);
  return w;
}

}  // namespace gilhost::analysis
