// The sweep's recommendation: the interval that serves the latency role best while the
// throughput role keeps (almost) its best throughput. Pure: figures in, a decision out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
};

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
