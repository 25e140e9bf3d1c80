// Unit tests of `gilhost compare`: figures, verdicts and gates over two JSON reports.
#include <catch2/catch.hpp>
#include <cmath>

#include "cli/units.hpp"
#include "diff/diff.hpp"

using namespace gilhost;
using diff::Json;

namespace {

Json stats(std::vector<double> v) {
  double mean = 0;
  for (double x : v) mean += x / double(v.size());
  double sq = 0;
  for (double x : v) sq += (x - mean) * (x - mean);
  Json sd = v.size() > 1 ? Json(std::sqrt(sq / double(v.size() - 1))) : Json();
  return {{"n", v.size()}, {"mean", mean}, {"stddev", sd}, {"values", v}};
}

Json report(std::vector<double> cpu_rate, std::vector<double> io_p99,
            const std::string& python = "3.12.1") {
  Json roles = {{"cpu", {{"threads", 2}, {"calls_per_second", stats(cpu_rate)}}},
                {"io", {{"threads", 1}, {"latency_p99_ns", stats(io_p99)}}}};
  return {
      {"schema_version", 1},
      {"context", {{"python_version", python}, {"switch_interval_ns", 5000000}}},
      {"configs",
       Json::array({{{"workers", "cpu=2,io=1"}, {"summary", Json::object()}, {"roles", roles}}})}};
}

const diff::FigureDiff& figure(const diff::Diff& d, const std::string& role, const char* key) {
  for (const diff::FigureDiff& f : d.figures)
    if (f.role == role && std::string(f.spec->key) == key) return f;
  FAIL("no figure " << role << "." << key);
  throw 0;
}

}  // namespace

TEST_CASE("compare: each figure with its change, Welch's p and a verdict", "[diff]") {
  // calls/s {1000, 1010, 990} -> {1100, 1090, 1120}: t = 9.80, p = 0.00123 (scipy); faster.
  // io p99 {233, 234, 247} -> {250, 252, 251}: p = 0.0999 (scipy): no significant change.
  const Json a = report({1000, 1010, 990}, {233, 234, 247});
  const Json b = report({1100, 1090, 1120}, {250, 252, 251});
  const diff::Diff d = diff::diff_reports(a, b);
  const diff::FigureDiff& rate = figure(d, "cpu", "calls_per_second");
  REQUIRE(rate.test);
  CHECK(rate.test->p == Approx(0.0012271513537295898).epsilon(1e-9));
  CHECK(rate.verdict == "faster");
  CHECK(*rate.change_percent() == Approx(10.333333).epsilon(1e-6));
  const diff::FigureDiff& p99 = figure(d, "io", "latency_p99_ns");
  REQUIRE(p99.test);
  CHECK(p99.test->p == Approx(0.09988635383827603).epsilon(1e-9));
  CHECK(p99.verdict == "no significant change");
  // Lower latency is faster: the same runs the other way round.
  const diff::Diff back = diff::diff_reports(report({1, 1.1, 0.9}, {250, 252, 251}),
                                             report({1, 1.1, 0.9}, {100, 101, 102}));
  CHECK(figure(back, "io", "latency_p99_ns").verdict == "faster");
  CHECK(figure(back, "cpu", "calls_per_second").verdict == "no significant change");
}

TEST_CASE("compare: one run has no test", "[diff]") {
  const diff::Diff d = diff::diff_reports(report({1000}, {5}), report({900}, {5}));
  CHECK_FALSE(figure(d, "cpu", "calls_per_second").test);
  CHECK(figure(d, "cpu", "calls_per_second").verdict == "not tested (one run)");
}

TEST_CASE("compare: gates trip on a significant change past the threshold only", "[diff]") {
  const diff::Gate g = diff::parse_gate("calls_per_second<-5%");
  CHECK(g.op == '<');
  CHECK(g.percent == -5);
  CHECK(g.role.empty());
  // -10 % and significant: trips. -10 % inside the noise: does not. -3 %: does not.
  auto tripped = [&](std::vector<double> before, std::vector<double> after) {
    const diff::Diff d = diff::diff_reports(report(before, {1, 2}), report(after, {1, 2}));
    return diff::check_gates(d, {g}).at(0).tripped;
  };
  CHECK(tripped({1000, 1010, 990}, {900, 905, 895}));
  CHECK_FALSE(tripped({1000, 1300, 700}, {900, 1200, 600}));
  CHECK_FALSE(tripped({1000, 1010, 990}, {970, 975, 965}));
  const diff::Gate io = diff::parse_gate("io.latency_p99_ns>10%");
  CHECK(io.role == "io");
  const diff::Diff d =
      diff::diff_reports(report({1, 2}, {100, 101, 102}), report({1, 2}, {150, 151, 152}));
  CHECK(diff::check_gates(d, {io}).at(0).tripped);
  CHECK_THROWS_WITH(diff::check_gates(d, {diff::parse_gate("db.latency_p99_ns>10%")}),
                    Catch::Contains("neither report has latency_p99_ns for role db"));
}

TEST_CASE("compare: malformed gates are one-line usage errors", "[diff]") {
  for (const char* bad :
       {"calls_per_second", "calls_per_second<-5", "calls_per_second<x%", "speed<5%", "<5%",
        ".calls_per_second<5%", "cpu.forced_switches_per_second>5%"}) {
    CHECK_THROWS_AS(diff::parse_gate(bad), cli::UsageError);
  }
  CHECK_THROWS_WITH(diff::parse_gate("speed<5%"),
                    Catch::Contains("no figure 'speed' (figures: calls_per_second,"));
}

TEST_CASE("compare: reports of other workers, Python or switch interval are refused", "[diff]") {
  const Json a = report({1, 2}, {1, 2});
  CHECK(diff::mismatches(a, a).empty());
  Json b = report({1, 2}, {1, 2}, "3.13.0");
  b["context"]["switch_interval_ns"] = 1000000;
  b["configs"][0]["workers"] = "cpu=4";
  const auto why = diff::mismatches(a, b);
  REQUIRE(why.size() == 3);
  CHECK(why[0] == "different workers (--workers cpu=2,io=1 against --workers cpu=4)");
  CHECK(why[1] == "different Python versions (3.12.1 against 3.13.0)");
  CHECK(why[2] == "different switch intervals (5.00 ms against 1.00 ms)");
}
