// The figures of `gilhost compare`: each one both reports have, with Welch's t-test over the
// runs and a verdict (docs/metrics.md, "Comparing two reports").
#include <cmath>

#include "diff/diff.hpp"
#include "report/run_comparison.hpp"

namespace gilhost::diff {
namespace {

// A figure's summary in a report (json_report.cpp's stats_json): n, mean, stddev (null for one
// run). None when the report lacks the figure (--no-trace has no GIL figures).
std::optional<Side> side_of(const Json& parent, const char* key) {
  if (!parent.is_object() || !parent.contains(key)) return std::nullopt;
  const Json& s = parent.at(key);
  if (!s.is_object() || !s.contains("n") || !s.contains("mean") || !s.at("mean").is_number())
    return std::nullopt;
  Side out{s.at("n").get<std::size_t>(), s.at("mean").get<double>(), std::nullopt};
  if (out.n == 0) return std::nullopt;
  if (s.contains("stddev") && s.at("stddev").is_number()) out.stddev = s.at("stddev").get<double>();
  return out;
}

analysis::RunStats as_stats(const Side& s) {
  analysis::RunStats r;
  r.n = s.n;
  r.mean = s.mean;
  r.stddev = s.stddev;
  return r;
}

std::string verdict_of(const FigureDiff& f) {
  if (!f.test) return "not tested (one run)";
  if (f.test->p >= report::kSignificance || f.other.mean == f.base.mean)
    return "no significant change";
  const bool up = f.other.mean > f.base.mean;
  switch (f.spec->better) {
    case Better::kHigher:
      return up ? "faster" : "slower";
    case Better::kLower:
      return up ? "slower" : "faster";
    case Better::kNeither:
      break;
  }
  return up ? "higher" : "lower";
}

std::optional<FigureDiff> figure_diff(const std::string& workers, const std::string& role,
                                      const FigureSpec& spec, const Json& a, const Json& b) {
  std::optional<Side> sa = side_of(a, spec.key), sb = side_of(b, spec.key);
  if (!sa || !sb) return std::nullopt;
  FigureDiff f{workers, role, &spec, *sa, *sb, {}, {}, {}};
  f.ratio = analysis::ratio_of(as_stats(f.other), as_stats(f.base));
  f.test = analysis::welch_test(sa->n, sa->mean, sa->stddev.value_or(0), sb->n, sb->mean,
                                sb->stddev.value_or(0));
  f.verdict = verdict_of(f);
  return f;
}

const Json* config_named(const Json& report, const std::string& workers) {
  for (const Json& c : report.at("configs"))
    if (c.value("workers", "") == workers) return &c;
  return nullptr;
}

}  // namespace

const std::vector<FigureSpec>& figure_specs() {
  static const std::vector<FigureSpec> specs = {
      {"calls_per_second", "calls/s", "/s", Better::kHigher, true},
      {"latency_p50_ns", "latency p50", "ns", Better::kLower, true},
      {"latency_p99_ns", "latency p99", "ns", Better::kLower, true},
      {"held_fraction", "GIL held", "%", Better::kNeither, true},
      {"wait_p50_ns", "GIL wait p50", "ns", Better::kLower, true},
      {"wait_p99_ns", "GIL wait p99", "ns", Better::kLower, true},
      {"forced_switches_per_second", "forced switches/s", "/s", Better::kNeither, false},
  };
  return specs;
}

std::optional<double> FigureDiff::change_percent() const {
  if (!ratio.value) return std::nullopt;
  return (*ratio.value - 1) * 100;
}

Diff diff_reports(const Json& base, const Json& other) {
  Diff d;
  for (const Json& ca : base.at("configs")) {
    const std::string workers = ca.value("workers", "");
    const Json* cb = config_named(other, workers);
    if (cb == nullptr) {
      d.unmatched.push_back(workers);
      continue;
    }
    const Json roles_a = ca.value("roles", Json::object()),
               roles_b = cb->value("roles", Json::object());
    for (const auto& [role, ra] : roles_a.items()) {
      if (!roles_b.contains(role)) continue;
      for (const FigureSpec& spec : figure_specs()) {
        if (!spec.per_role) continue;
        if (auto f = figure_diff(workers, role, spec, ra, roles_b.at(role)))
          d.figures.push_back(*f);
      }
    }
    for (const FigureSpec& spec : figure_specs()) {
      if (spec.per_role) continue;
      const Json sa = ca.value("summary", Json::object()),
                 sb = cb->value("summary", Json::object());
      if (auto f = figure_diff(workers, "", spec, sa, sb)) d.figures.push_back(*f);
    }
  }
  for (const Json& cb : other.at("configs")) {
    const std::string workers = cb.value("workers", "");
    if (config_named(base, workers) == nullptr) d.unmatched.push_back(workers);
  }
  return d;
}

}  // namespace gilhost::diff
