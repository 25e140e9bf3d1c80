// Unit tests of the side-by-side comparison: option filtering for the host runs, medians over
// rounds, baselines per version, figures not seen, and the cross-check column.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "compare/comparison.hpp"
#include "compare/side_by_side.hpp"

using gilhost::compare::Comparison;
using Json = nlohmann::json;

namespace {

// One round's report of a host: configs "cpu=1" and "cpu=2" with the given calls/s and forced
// switches over a 1 s window; `consistent` = false breaks cpu=2's holder-change check.
Json round(double calls1, double calls2, int forced2, bool consistent = true) {
  auto run = [&](double calls, int forced, bool ok) {
    return Json{{"calls_per_second", calls},
                {"workers", Json::array({{{"role", "cpu"}, {"calls_per_second", calls}}})},
                {"gil",
                 {{"summary",
                   {{"window_ns", 1e9},
                    {"utilisation_fraction", 0.5},
                    {"holder_changes", forced},
                    {"switch_number_delta", ok ? forced : forced + 1},
                    {"drop_requests", forced},
                    {"forced_switches", forced},
                    {"lost_events", 0},
                    {"malformed_events", 0},
                    {"overlapping_holds", 0},
                    {"mean_waiters", 1.0}}},
                  {"threads", Json::array({{{"handoff_waits", forced / 2}}})}}}};
  };
  return Json{
      {"context", {{"python_version", "3.x"}}},
      {"configs", Json::array({{{"workers", "cpu=1"},
                                {"roles", {{"cpu", {}}}},
                                {"runs", Json::array({run(calls1, 0, true)})}},
                               {{"workers", "cpu=2"},
                                {"roles", {{"cpu", {}}}},
                                {"runs", Json::array({run(calls2, forced2, consistent)})}}})}};
}

const gilhost::compare::Row& row(const Comparison& c, std::size_t config, const char* label) {
  for (const auto& r : c.configs.at(config).rows) {
    if (r.label == label) return r;
  }
  FAIL("no row " << label);
  throw;
}

}  // namespace

TEST_CASE("without_options drops the options the launcher sets, in both spellings", "[compare]") {
  std::vector<std::string> in = {"--python",  "3.11,3.12", "--json=x.json", "--quiet",
                                 "--workers", "cpu=1",     "--runs",        "3"};
  auto out = gilhost::compare::without_options(in, {"--python", "--json", "--runs"}, {"--quiet"});
  CHECK(out == std::vector<std::string>{"--workers", "cpu=1"});
}

TEST_CASE("compute_tables: medians over rounds and throughput against each version's baseline",
          "[compare]") {
  Comparison c;
  c.hosts = {"3.11", "3.13"};
  c.python_versions = {"3.11.7", "3.13.0"};
  // 3.11 runs twice as fast as 3.13 in absolute terms; relative to its own cpu=1 both are 1x/2x.
  c.rounds = {{round(200, 200, 10), round(200, 220, 30), round(200, 180, 20)},
              {round(100, 100, 50), round(100, 110, 70), round(100, 90, 60)}};
  gilhost::compare::compute_tables(c);
  REQUIRE(c.configs.size() == 2);
  CHECK(c.configs[1].workers == "cpu=2");
  const auto& rel = row(c, 1, "throughput vs baseline");
  CHECK(*rel.values[0] == Approx(1.0));
  CHECK(*rel.values[1] == Approx(1.0));
  CHECK(*row(c, 0, "throughput vs baseline").values[0] == Approx(1.0));
  CHECK(*row(c, 1, "forced switches/s").values[0] == Approx(20));  // median of 10, 30, 20
  CHECK(*row(c, 1, "forced switches/s").values[1] == Approx(60));
  CHECK(*row(c, 1, "calls/s (this version only)").values[0] == Approx(200));
  CHECK(*row(c, 1, "forced releases that waited for the taker").values[1] == Approx(50));
  // cpu=1 had no forced switch: the share is not seen, not 0.
  CHECK_FALSE(row(c, 0, "forced releases that waited for the taker").values[0].has_value());
  CHECK(c.configs[1].checks == std::vector<bool>{true, true});
}

TEST_CASE("compute_tables: one inconsistent round turns that version's check off", "[compare]") {
  Comparison c;
  c.hosts = {"3.12"};
  c.python_versions = {"3.12.1"};
  c.rounds = {{round(100, 100, 5), round(100, 100, 5, false)}};
  gilhost::compare::compute_tables(c);
  CHECK(c.configs[1].checks == std::vector<bool>{false});
  CHECK(c.configs[0].checks == std::vector<bool>{true});
  // Thread-state switches are the check where reported (a legacy sub-interpreter changes thread
  // state on one OS thread: switch_number counts it, holder changes do not).
  Json legacy = round(100, 100, 5, false);
  legacy["configs"][1]["runs"][0]["gil"]["summary"]["thread_state_switches"] = 6;
  Json unclassified = round(100, 100, 5);
  unclassified["configs"][1]["runs"][0]["gil"]["summary"]["unclassified_releases"] = 3;
  c.rounds = {{legacy}};
  gilhost::compare::compute_tables(c);
  CHECK(c.configs[1].checks == std::vector<bool>{true});
  c.rounds = {{unclassified}};
  gilhost::compare::compute_tables(c);
  CHECK(c.configs[1].checks == std::vector<bool>{false});
  // Releases whose verdict is unknown leave the forced figures unseen, not 0.
  CHECK_FALSE(row(c, 1, "forced switches/s").values[0].has_value());
  CHECK(row(c, 1, "drop requests/s").values[0].has_value());
}

TEST_CASE("compute_tables: a script run's own GILs are summed; none on 3.11 is not 0",
          "[compare]") {
  auto script_round = [](Json gils) {
    Json doc = round(0, 0, 0);
    Json summary = doc["configs"][1]["runs"][0]["gil"];
    doc["configs"] = Json::array();
    doc["script_gil"] = summary;
    if (!gils.is_null()) doc["script_gils"] = std::move(gils);
    return doc;
  };
  auto own = [](int forced) {
    return Json{{"interpreter", "sub (created by MainThread)"},
                {"metrics", {{"summary", {{"window_ns", 5e8}, {"forced_switches", forced}}}}}};
  };
  Comparison c;
  c.hosts = {"3.11", "3.13"};
  c.python_versions = {"3.11.7", "3.13.0"};
  c.rounds = {{script_round(Json::array())}, {script_round(Json::array({own(10), own(20)}))}};
  gilhost::compare::compute_tables(c);
  REQUIRE(c.configs.size() == 1);
  const auto& r = row(c, 0, "own GILs: forced switches/s");
  CHECK_FALSE(r.values[0].has_value());  // 3.11 made no own GIL: not seen
  CHECK(*r.values[1] == Approx(60));     // 10 / 0.5 s + 20 / 0.5 s
}

TEST_CASE("renderers say calls/s are not comparable and show unseen figures as a dash",
          "[compare]") {
  Comparison c;
  c.hosts = {"3.11", "3.12"};
  c.python_versions = {"3.11.7", "3.12.1"};
  c.script = "x.py";
  c.rounds_planned = 1;
  c.rounds = {{round(100, 100, 4)}, {round(100, 100, 4)}};
  c.contexts = {Json(nullptr), Json(nullptr)};
  gilhost::compare::compute_tables(c);
  const std::string text = gilhost::compare::render_text(c);
  CHECK(text.find("not comparable across CPython versions") != std::string::npos);
  CHECK(text.find("–") != std::string::npos);
  Json doc = Json::parse(gilhost::compare::render_json(c));
  CHECK(doc["kind"] == "side_by_side");
  CHECK(doc["hosts"] == Json::array({"3.11", "3.12"}));
  CHECK(gilhost::compare::render_html(c).find("CPython 3.12") != std::string::npos);
}
