// The sweep's recommendation: the interval that serves the latency role best while the
// throughput role keeps (almost) its best throughput. Pure: figures in, a decision out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/significance.hpp"
#include "report/sweep/sweep_data.hpp"

namespace gilhost::report {

struct RecommendPolicy {
  double throughput_floor = 0.95;  // eligible: throughput role calls/s >= floor × its best
  // Eligible points whose p99 is within this fraction of the lowest eligible p99 are tied; the
  // largest tied interval wins (fewer switches, and measured p99s are never exactly equal).
  double tie_tolerance = 0.01;
  std::uint64_t default_interval_ns = 5'000'000;  // CPython's default, shown for comparison
  // Below this many calls per run, a run's p99 is about its slowest call (one sample).
  double enough_latency_calls = 100;
  double significance = 0.05;  // Welch p below this: the chosen p99 differs from the default's
};

// One point seen by the rule: the latency role's p99 and the throughput role's calls/s there
// (each the mean over the point's runs).
struct PointChoice {
  std::uint64_t interval_ns = 0;
  double latency_p99_ns = 0;
  double throughput = 0;
  double fraction_of_best = 0;  // throughput / the best throughput of the sweep
  // σ / mean of the throughput over the point's runs; 0 with one run (no spread known).
  double throughput_relative_stddev = 0;
  double latency_calls = 0;  // calls of the latency role per run (mean): its p99's sample size
  analysis::RunStats latency_p99;  // the latency role's p99 over the point's runs
};

// How sure the measurement is that the rule's choice beats CPython's default interval: Welch's
// t-test of the latency role's p99 over the runs at the two points (docs/sweep.md).
enum class Confidence {
  kIsDefault,    // the rule chose the default: nothing to change
  kSignificant,  // the chosen p99 is lower than the default's beyond the noise (p < 0.05)
  kInsideNoise,  // the difference is within the noise (p >= 0.05, or not lower): keep the default
  kUntested,     // one run per point: the noise is unknown, keep the default until runs show it
  kNoDefault,    // the default was not measured, or failed the throughput floor: no comparison
};

// "is_default", "significant", "inside_noise", "untested", "no_default" (the JSON's words).
const char* to_string(Confidence c);

struct Recommendation {
  std::string workers;
  std::string error;  // non-empty: no recommendation, and why (the other fields are unset)
  PointChoice chosen;
  PointChoice best_throughput;               // the point with the highest throughput
  PointChoice lowest_latency;                // the lowest p99 of all points, eligible or not
  std::optional<PointChoice> default_point;  // policy.default_interval_ns, when it was swept
  std::size_t points = 0;                    // complete points the rule looked at
  // The point whose throughput varied most between runs: when that spread exceeds the margin
  // (1 - throughput_floor), which points pass the floor is partly chance.
  PointChoice noisiest;
  // The point where the latency role made the fewest calls, and how many points had fewer than
  // policy.enough_latency_calls.
  PointChoice fewest_latency_calls;
  std::size_t points_with_few_latency_calls = 0;
  Confidence confidence = Confidence::kNoDefault;
  std::optional<analysis::WelchTest> vs_default;  // chosen p99 against the default's
  // The interval to use: the chosen point's, or the default's when the difference is not shown.
  std::uint64_t recommended_ns = 0;
  bool ok() const { return error.empty(); }
};

// Applies the rule to the complete points of `points` whose workers are `workers` (the others
// are ignored). An error, not an exception, when a role is missing or nothing was measured.
Recommendation recommend(const std::vector<PointFigures>& points, const std::string& workers,
                         const std::string& latency_role, const std::string& throughput_role,
                         const RecommendPolicy& policy = {});

// One recommendation per --workers set; none when the sweep names no roles.
std::vector<Recommendation> recommendations(const SweepResult& sweep,
                                            const RecommendPolicy& policy = {});

}  // namespace gilhost::report
