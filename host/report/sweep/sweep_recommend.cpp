// The recommendation rule (docs/sweep.md, "The recommendation").
#include "report/sweep/sweep_recommend.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace gilhost::report {
namespace {

std::vector<const PointFigures*> points_of(const std::vector<PointFigures>& points,
                                           const std::string& workers) {
  std::vector<const PointFigures*> out;
  for (const PointFigures& p : points) {
    if (p.workers == workers) out.push_back(&p);
  }
  return out;
}

std::string missing_role(const PointFigures& p, const std::string& role, const char* option) {
  if (p.role(role) != nullptr) return "";
  std::vector<std::string> names;
  for (const RoleFigures& r : p.roles) names.push_back(r.role);
  return fmt::format("{} has no role '{}' ({}; roles: {})", p.workers, role, option,
                     fmt::join(names, ", "));
}

// The complete points where the latency role made calls (a p99 of no calls means nothing).
std::vector<PointChoice> choices(const std::vector<const PointFigures*>& points,
                                 const std::string& latency_role,
                                 const std::string& throughput_role) {
  std::vector<PointChoice> out;
  for (const PointFigures* p : points) {
    const RoleFigures* lat = p->role(latency_role);
    if (!p->complete() || lat->calls_per_second.mean <= 0) continue;
    const analysis::RunStats& rate = p->role(throughput_role)->calls_per_second;
    double spread = rate.stddev && rate.mean > 0 ? *rate.stddev / rate.mean : 0.0;
    out.push_back({p->interval_ns, lat->latency_p99_ns.mean, rate.mean, 0, spread, lat->calls.mean,
                   lat->latency_p99_ns});
  }
  return out;
}

// Among the eligible choices, the lowest p99; ties (within the tolerance) go to the larger
// interval.
PointChoice pick(const std::vector<PointChoice>& eligible, double tie_tolerance) {
  double lowest = std::min_element(eligible.begin(), eligible.end(), [](auto& a, auto& b) {
                    return a.latency_p99_ns < b.latency_p99_ns;
                  })->latency_p99_ns;
  PointChoice best = eligible.front();
  bool found = false;
  for (const PointChoice& c : eligible) {
    if (c.latency_p99_ns > lowest * (1 + tie_tolerance)) continue;
    if (!found || c.interval_ns > best.interval_ns) best = c;
    found = true;
  }
  return best;
}

// The rule picks the lowest p99 it sees; whether that beats the default by more than the runs'
// noise is a separate question, and a change of interval needs the answer yes.
void decide_confidence(Recommendation& r, const RecommendPolicy& policy) {
  r.recommended_ns = r.chosen.interval_ns;
  const bool default_eligible =
      r.default_point && r.default_point->fraction_of_best >= policy.throughput_floor;
  if (r.chosen.interval_ns == policy.default_interval_ns) {
    r.confidence = Confidence::kIsDefault;
    return;
  }
  if (!default_eligible) {
    r.confidence = Confidence::kNoDefault;
    return;
  }
  const analysis::RunStats &d = r.default_point->latency_p99, &c = r.chosen.latency_p99;
  r.vs_default =
      analysis::welch_test(d.n, d.mean, d.stddev.value_or(0), c.n, c.mean, c.stddev.value_or(0));
  if (!r.vs_default) {
    r.confidence = Confidence::kUntested;
  } else if (r.vs_default->p < policy.significance && c.mean < d.mean) {
    r.confidence = Confidence::kSignificant;
  } else {
    r.confidence = Confidence::kInsideNoise;
  }
  if (r.confidence != Confidence::kSignificant) r.recommended_ns = policy.default_interval_ns;
}

Recommendation decide(std::vector<PointChoice> all, Recommendation r,
                      const RecommendPolicy& policy) {
  auto by_throughput = [](auto& a, auto& b) { return a.throughput < b.throughput; };
  const double best = std::max_element(all.begin(), all.end(), by_throughput)->throughput;
  std::vector<PointChoice> eligible;
  for (PointChoice& c : all) {
    c.fraction_of_best = best > 0 ? c.throughput / best : 1.0;
    if (c.throughput >= policy.throughput_floor * best) eligible.push_back(c);
    if (c.interval_ns == policy.default_interval_ns) r.default_point = c;
    if (c.latency_calls < policy.enough_latency_calls) ++r.points_with_few_latency_calls;
  }
  r.best_throughput = *std::max_element(all.begin(), all.end(), by_throughput);
  r.noisiest = *std::max_element(all.begin(), all.end(), [](auto& a, auto& b) {
    return a.throughput_relative_stddev < b.throughput_relative_stddev;
  });
  r.fewest_latency_calls = *std::min_element(
      all.begin(), all.end(), [](auto& a, auto& b) { return a.latency_calls < b.latency_calls; });
  r.lowest_latency = pick(all, 0.0);
  r.chosen = pick(eligible, policy.tie_tolerance);
  r.points = all.size();
  decide_confidence(r, policy);
  return r;
}

}  // namespace

const char* to_string(Confidence c) {
  switch (c) {
    case Confidence::kIsDefault:
      return "is_default";
    case Confidence::kSignificant:
      return "significant";
    case Confidence::kInsideNoise:
      return "inside_noise";
    case Confidence::kUntested:
      return "untested";
    case Confidence::kNoDefault:
      break;
  }
  return "no_default";
}

Recommendation recommend(const std::vector<PointFigures>& points, const std::string& workers,
                         const std::string& latency_role, const std::string& throughput_role,
                         const RecommendPolicy& policy) {
  Recommendation r;
  r.workers = workers;
  std::vector<const PointFigures*> mine = points_of(points, workers);
  if (mine.empty()) {
    r.error = fmt::format("{}: nothing was measured", workers);
    return r;
  }
  r.error = missing_role(*mine.front(), latency_role, "--latency-role");
  if (r.error.empty()) r.error = missing_role(*mine.front(), throughput_role, "--throughput-role");
  if (!r.error.empty()) return r;
  std::vector<PointChoice> all = choices(mine, latency_role, throughput_role);
  if (all.empty()) {
    r.error = fmt::format("{}: no complete point with calls of '{}'", workers, latency_role);
    return r;
  }
  return decide(std::move(all), std::move(r), policy);
}

std::vector<Recommendation> recommendations(const SweepResult& sweep,
                                            const RecommendPolicy& policy) {
  std::vector<Recommendation> out;
  if (sweep.latency_role.empty() || sweep.throughput_role.empty()) return out;
  for (const std::string& w : sweep.workers) {
    out.push_back(recommend(sweep.points, w, sweep.latency_role, sweep.throughput_role, policy));
  }
  return out;
}

}  // namespace gilhost::report
