// render_sweep_json: the sweep's points and recommendations after run's context block.
#include "report/json/json_report.hpp"
#include "report/sweep/sweep_recommend.hpp"
#include "report/sweep/sweep_report.hpp"

namespace gilhost::report {
namespace {

using Json = nlohmann::ordered_json;

Json stats_json(const analysis::RunStats& s) {
  return {{"n", s.n},
          {"mean", s.mean},
          {"stddev", s.stddev ? Json(*s.stddev) : Json()},
          {"min", s.min},
          {"max", s.max},
          {"median", s.median},
          {"outliers", s.outliers}};
}

Json optional_stats(const std::optional<analysis::RunStats>& s) {
  return s ? stats_json(*s) : Json();
}

Json point_json(const PointFigures& p) {
  Json roles = Json::object();
  for (const RoleFigures& r : p.roles) {
    roles[r.role] = {{"threads", r.threads},
                     {"calls", stats_json(r.calls)},
                     {"calls_per_second", stats_json(r.calls_per_second)},
                     {"latency_p50_ns", stats_json(r.latency_p50_ns)},
                     {"latency_p99_ns", stats_json(r.latency_p99_ns)},
                     {"held_fraction", optional_stats(r.held_fraction)}};
  }
  return {{"interval_ns", p.interval_ns},
          {"workers", p.workers},
          {"status", p.status},
          {"runs", p.runs},
          {"forced_switches_per_second", optional_stats(p.forced_switches_per_second)},
          {"holder_changes_per_second", optional_stats(p.holder_changes_per_second)},
          {"roles", std::move(roles)}};
}

Json choice_json(const PointChoice& c) {
  return {{"interval_ns", c.interval_ns},
          {"latency_p99_ns", c.latency_p99_ns},
          {"throughput_calls_per_second", c.throughput},
          {"throughput_fraction_of_best", c.fraction_of_best},
          {"throughput_relative_stddev", c.throughput_relative_stddev},
          {"latency_calls", c.latency_calls}};
}

Json recommendation_json(const Recommendation& r) {
  if (!r.ok()) {
    return {{"workers", r.workers}, {"error", r.error}, {"chosen", nullptr}};
  }
  return {
      {"workers", r.workers},
      {"error", nullptr},
      {"chosen", choice_json(r.chosen)},
      {"best_throughput", choice_json(r.best_throughput)},
      {"lowest_latency", choice_json(r.lowest_latency)},
      {"default", r.default_point ? choice_json(*r.default_point) : Json()},
      {"noisiest", choice_json(r.noisiest)},
      {"fewest_latency_calls", choice_json(r.fewest_latency_calls)},
      {"points_with_few_latency_calls", r.points_with_few_latency_calls},
      {"points", r.points},
      {"confidence", to_string(r.confidence)},
      {"vs_default",
       r.vs_default ? Json{{"t", r.vs_default->t}, {"df", r.vs_default->df}, {"p", r.vs_default->p}}
                    : Json()},
      {"recommended_interval_ns", r.recommended_ns}};
}

Json or_null(const std::string& s) { return s.empty() ? Json() : Json(s); }
template <typename T>
Json or_null(const std::optional<T>& v) {
  return v ? Json(*v) : Json();
}

Json settings_json(const SweepResult& s) {
  const RecommendPolicy policy;
  return {{"intervals_ns", s.intervals_ns},
          {"workers", s.workers},
          {"runs", s.runs},
          {"warmup", s.warmup},
          {"duration_ns", or_null(s.duration_ns)},
          {"calls", or_null(s.calls)},
          {"default_interval_added", s.default_added},
          {"latency_role", or_null(s.latency_role)},
          {"throughput_role", or_null(s.throughput_role)},
          {"throughput_floor_fraction", policy.throughput_floor},
          {"tie_tolerance_fraction", policy.tie_tolerance},
          {"significance", policy.significance}};
}

}  // namespace

std::string render_sweep_json(const SweepResult& s) {
  Json points = Json::array(), recs = Json::array();
  for (const PointFigures& p : s.points) points.push_back(point_json(p));
  for (const Recommendation& r : recommendations(s)) recs.push_back(recommendation_json(r));
  Json doc = {{"schema_version", kSweepSchemaVersion},
              {"context", context_json(s.context)},
              {"status", s.status},
              {"exit_status", s.exit_status},
              {"sweep", settings_json(s)},
              {"points", std::move(points)},
              {"recommendations", std::move(recs)}};
  return doc.dump(2) + "\n";
}

}  // namespace gilhost::report
