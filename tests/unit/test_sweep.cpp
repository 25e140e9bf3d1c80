// Unit tests of `gilhost sweep`: interval lists, the command line, the recommendation rule,
// per-point figures and the text, JSON, CSV and HTML outputs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/intervals.hpp"
#include "cli/options.hpp"
#include "cli/units.hpp"
#include "report/json/json_report.hpp"
#include "report/sweep/sweep_html.hpp"
#include "report/sweep/sweep_recommend.hpp"
#include "report/sweep/sweep_report.hpp"
#include "report/sweep/sweep_svg.hpp"
#include "workload/progress.hpp"

namespace {

using namespace gilhost;
using namespace std::chrono_literals;
using report::PointFigures;
using report::Recommendation;
using report::RoleFigures;
using report::SweepResult;

std::vector<std::int64_t> micros(const std::vector<std::chrono::nanoseconds>& v) {
  std::vector<std::int64_t> out;
  for (auto d : v) out.push_back(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
  return out;
}

// ---- Interval lists --------------------------------------------------------------------------

TEST_CASE("intervals: a range is log-spaced, ends included, whole microseconds", "[sweep]") {
  CHECK(micros(cli::parse_interval_list("500us..5ms:3", "--si")) ==
        std::vector<std::int64_t>{500, 1581, 5000});
  auto seven = micros(cli::parse_interval_list("100us..50ms", "--si"));
  REQUIRE(seven.size() == 7);
  CHECK(seven.front() == 100);
  CHECK(seven.back() == 50000);
  CHECK(seven[3] == 2236);  // 100 us × 500^(1/2)
}

TEST_CASE("intervals: a list is sorted, rounded and without duplicates", "[sweep]") {
  CHECK(micros(cli::parse_interval_list("5ms,1ms,5ms,10ms", "--si")) ==
        std::vector<std::int64_t>{1000, 5000, 10000});
  CHECK(micros(cli::parse_interval_list("1.4us,1.6us", "--si")) == std::vector<std::int64_t>{1, 2});
  CHECK(micros(cli::parse_interval_list("1us..3us:9", "--si")) ==
        std::vector<std::int64_t>{1, 2, 3});  // rounding merges close points
  CHECK(micros(cli::parse_interval_list("2ms", "--si")) == std::vector<std::int64_t>{2000});
}

TEST_CASE("intervals: mistakes are usage errors that say what is wrong", "[sweep]") {
  auto error_of = [](const char* text) {
    try {
      cli::parse_interval_list(text, "--switch-interval");
    } catch (const cli::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("5ms..1ms"), Catch::Contains("from the shorter interval to the longer"));
  CHECK_THAT(error_of("1ms..5ms:1"), Catch::Contains("at least 2 points"));
  CHECK_THAT(error_of("1ms..5ms:x"), Catch::Contains("not a positive whole number"));
  CHECK_THAT(error_of("1ms..5ms:1000"), Catch::Contains("out of range"));
  CHECK_THAT(error_of("0.1us"), Catch::Contains("below 1us"));
  CHECK_THAT(error_of("fast"), Catch::Contains("not a duration"));
  CHECK_THAT(error_of("1ms,,2ms"), Catch::Contains("not a duration"));
}

// ---- Command line ----------------------------------------------------------------------------

cli::Invocation parse(std::vector<std::string> args) {
  args.insert(args.begin(), "gilhost");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return cli::parse_command_line(int(argv.size()), argv.data());
}

std::string usage_error(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const cli::UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST_CASE("command line: sweep options end at the script", "[sweep]") {
  cli::Invocation inv = parse({"sweep", "--switch-interval", "1ms,2ms", "--workers", "cpu=2",
                               "--latency-role", "cpu", "--throughput-role", "cpu", "--csv",
                               "o.csv", "--duration", "100ms", "s.py", "--csv", "x"});
  REQUIRE(inv.command == cli::Command::kSweep);
  CHECK(micros(inv.sweep.intervals) == std::vector<std::int64_t>{1000, 2000});
  CHECK(inv.sweep.run.target_value == "s.py");
  CHECK(inv.sweep.run.args == std::vector<std::string>{"--csv", "x"});
  CHECK(inv.sweep.csv_path == "o.csv");
  CHECK(inv.sweep.run.given.worker_sets.size() == 1);
  CHECK(inv.sweep.latency_role == "cpu");
  CHECK(*inv.sweep.run.given.duration == 100ms);
}

TEST_CASE("command line: sweep mistakes", "[sweep]") {
  CHECK_THAT(usage_error({"sweep", "s.py"}), Catch::Contains("--switch-interval is required"));
  CHECK_THAT(usage_error({"sweep", "--switch-interval", "1ms..2ms"}),
             Catch::Contains("sweep: no script given"));
  CHECK_THAT(
      usage_error({"sweep", "--switch-interval", "1ms..2ms", "--latency-role", "io", "s.py"}),
      Catch::Contains("--latency-role needs --throughput-role"));
  CHECK_THAT(usage_error({"sweep", "--switch-interval", "1ms", "--latency-role", "i-o",
                          "--throughput-role", "cpu", "s.py"}),
             Catch::Contains("not a role name"));
  CHECK_THAT(usage_error({"sweep", "--switch-interval", "1ms", "--events", "e", "s.py"}),
             Catch::Contains("--events"));
}

TEST_CASE("command line: run keeps its option tokens for a catalog's children", "[sweep]") {
  cli::Invocation inv = parse({"-v", "run", "--calls", "3", "--json=o.json", "dir", "a"});
  REQUIRE(inv.command == cli::Command::kRun);
  CHECK(inv.run.global_args == std::vector<std::string>{"-v"});
  CHECK(inv.run.option_args == std::vector<std::string>{"--calls", "3", "--json=o.json"});
  CHECK(inv.run.target_value == "dir");
  CHECK(inv.run.args == std::vector<std::string>{"a"});
}

// ---- Synthetic points ------------------------------------------------------------------------

analysis::RunStats one(double v) { return analysis::summarize({v}); }

RoleFigures role(std::string name, double rate, double p99, double held = 0.5) {
  return {std::move(name), 1, one(rate * 1.5), one(rate), one(p99 / 2), one(p99), one(held)};
}

// A point of "cpu=1,io=1": cpu calls/s `cpu_rate`, io p99 `io_p99` (ns).
PointFigures point(std::uint64_t interval_us, double cpu_rate, double io_p99,
                   std::string workers = "cpu=1,io=1") {
  PointFigures p;
  p.interval_ns = interval_us * 1000;
  p.workers = std::move(workers);
  p.runs = 1;
  p.roles = {role("cpu", cpu_rate, 200'000, 0.9), role("io", 100, io_p99, 0.01)};
  p.forced_switches_per_second = one(1e9 / double(p.interval_ns));
  p.holder_changes_per_second = one(2e9 / double(p.interval_ns));
  return p;
}

// ---- The recommendation rule -----------------------------------------------------------------

TEST_CASE("recommend: the lowest p99 among points that keep 95 % of the best throughput",
          "[sweep]") {
  // 100 us has the lowest io p99 but costs the cpu role 20 %: excluded.
  std::vector<PointFigures> pts = {point(100, 8000, 300'000), point(500, 9600, 900'000),
                                   point(1000, 9900, 1'500'000), point(5000, 10000, 6'000'000)};
  Recommendation r = report::recommend(pts, "cpu=1,io=1", "io", "cpu");
  REQUIRE(r.ok());
  CHECK(r.chosen.interval_ns == 500'000);
  CHECK(r.chosen.latency_p99_ns == 900'000);
  CHECK(r.chosen.fraction_of_best == Approx(0.96));
  CHECK(r.lowest_latency.interval_ns == 100'000);
  CHECK(r.lowest_latency.fraction_of_best == Approx(0.8));
  CHECK(r.best_throughput.interval_ns == 5'000'000);
  REQUIRE(r.default_point);
  CHECK(r.default_point->latency_p99_ns == 6'000'000);
  CHECK(r.points == 4);
}

TEST_CASE("recommend: exactly 95 % of the best is still eligible", "[sweep]") {
  std::vector<PointFigures> pts = {point(100, 9500, 300'000), point(5000, 10000, 6'000'000)};
  CHECK(report::recommend(pts, "cpu=1,io=1", "io", "cpu").chosen.interval_ns == 100'000);
}

TEST_CASE("recommend: ties go to the larger interval", "[sweep]") {
  std::vector<PointFigures> exact = {point(1000, 10000, 2'000'000), point(2000, 10000, 2'000'000),
                                     point(500, 10000, 2'000'000)};
  CHECK(report::recommend(exact, "cpu=1,io=1", "io", "cpu").chosen.interval_ns == 2'000'000);
  // Within the 1 % tolerance of the lowest p99: still a tie.
  std::vector<PointFigures> close = {point(1000, 10000, 2'000'000), point(2000, 10000, 2'015'000),
                                     point(4000, 10000, 2'500'000)};
  Recommendation r = report::recommend(close, "cpu=1,io=1", "io", "cpu");
  CHECK(r.chosen.interval_ns == 2'000'000);
  CHECK(r.lowest_latency.interval_ns == 1'000'000);
  // Outside it: the lowest wins.
  report::RecommendPolicy strict;
  strict.tie_tolerance = 0;
  CHECK(report::recommend(close, "cpu=1,io=1", "io", "cpu", strict).chosen.interval_ns ==
        1'000'000);
}

TEST_CASE("recommend: a missing role is a clear error, not an exception", "[sweep]") {
  std::vector<PointFigures> pts = {point(1000, 10000, 2'000'000)};
  Recommendation r = report::recommend(pts, "cpu=1,io=1", "net", "cpu");
  CHECK_FALSE(r.ok());
  CHECK(r.error == "cpu=1,io=1 has no role 'net' (--latency-role; roles: cpu, io)");
  r = report::recommend(pts, "cpu=1,io=1", "io", "gpu");
  CHECK_THAT(r.error, Catch::Contains("no role 'gpu' (--throughput-role"));
  r = report::recommend(pts, "cpu=4", "io", "cpu");
  CHECK_THAT(r.error, Catch::Contains("cpu=4: nothing was measured"));
}

TEST_CASE("recommend: incomplete points and points without latency calls are skipped", "[sweep]") {
  std::vector<PointFigures> pts = {point(100, 10000, 100'000), point(1000, 10000, 900'000),
                                   point(2000, 10000, 800'000)};
  pts[0].status = "interrupted";
  pts[2].roles[1].calls_per_second = one(0);
  Recommendation r = report::recommend(pts, "cpu=1,io=1", "io", "cpu");
  REQUIRE(r.ok());
  CHECK(r.chosen.interval_ns == 1'000'000);
  CHECK(r.points == 1);
  pts[1].status = "failed";
  CHECK_THAT(report::recommend(pts, "cpu=1,io=1", "io", "cpu").error,
             Catch::Contains("no complete point"));
}

TEST_CASE("recommendations: one per workers set, each judged on its own points", "[sweep]") {
  SweepResult s;
  s.workers = {"cpu=1,io=1", "cpu=2"};
  s.latency_role = "io";
  s.throughput_role = "cpu";
  s.points = {point(1000, 10000, 900'000), point(1000, 20000, 0, "cpu=2")};
  s.points[1].roles.pop_back();
  std::vector<Recommendation> recs = report::recommendations(s);
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].ok());
  CHECK_THAT(recs[1].error, Catch::Contains("cpu=2 has no role 'io'"));
  s.latency_role.clear();
  CHECK(report::recommendations(s).empty());
}

// ---- Figures of a point ----------------------------------------------------------------------

report::RunRecord run_of(std::uint64_t cpu_calls, std::uint64_t io_latency_ns, double scale) {
  report::RunRecord run;
  analysis::WorkerResult cpu{"cpu", 0, "cpu-0", 1, cpu_calls, {}, 0};
  for (std::uint64_t i = 0; i < cpu_calls; ++i) cpu.latency.record(1000);
  analysis::WorkerResult io{"io", 0, "io-0", 2, 100, {}, 0};
  for (std::uint64_t i = 0; i < 100; ++i) io.latency.record(i < 98 ? 10 : io_latency_ns);
  run.phase.workers = {cpu, io};
  run.phase.wall_ns = std::uint64_t(1e9 * scale);
  analysis::GilMetrics gil;
  gil.summary.forced_switches = 200;
  gil.summary.holder_changes = 400;
  gil.roles["cpu"].held_fraction = 0.9;
  run.gil = gil;
  return run;
}

TEST_CASE("point_figures: per role over the runs, switches per second of wall", "[sweep]") {
  report::ConfigResult cfg{{{"cpu", 1}, {"io", 1}}, {run_of(1000, 5000, 1), run_of(3000, 7000, 2)}};
  PointFigures p = report::point_figures(2'000'000, cfg);
  CHECK(p.workers == "cpu=1,io=1");
  CHECK(p.complete());
  CHECK(p.runs == 2);
  REQUIRE(p.roles.size() == 2);
  CHECK(p.roles[0].calls_per_second.mean == Approx(1250));  // 1000/1 s and 3000/2 s
  REQUIRE(p.roles[0].calls_per_second.stddev);
  CHECK(p.role("io")->latency_p99_ns.mean == Approx(6000));  // nearest rank: the 99th of 100
  CHECK(p.role("io")->latency_p50_ns.mean == Approx(10));
  CHECK(p.role("cpu")->held_fraction->mean == Approx(0.9));
  CHECK_FALSE(p.role("io")->held_fraction);                  // no GIL figures for the role
  CHECK(p.forced_switches_per_second->mean == Approx(150));  // 200/1 s and 200/2 s
  CHECK(p.holder_changes_per_second->mean == Approx(300));
  cfg.runs[1].phase.status = analysis::PhaseStatus::kInterrupted;
  CHECK(report::point_figures(2'000'000, cfg).status == "interrupted");
}

// ---- Outputs ---------------------------------------------------------------------------------

SweepResult sweep(bool roles) {
  SweepResult s;
  s.context.gilhost_version = "0.1.0";
  s.context.python_version = "3.12.3";
  s.context.cpu_count = 2;
  s.context.date = "2024-05-01T12:00:00Z";
  s.context.script = "exp.py";
  s.intervals_ns = {100'000, 1'000'000, 5'000'000};
  s.workers = {"cpu=1,io=1"};
  s.duration_ns = 150'000'000;
  if (roles) s.latency_role = "io", s.throughput_role = "cpu";
  s.points = {point(100, 8000, 300'000), point(1000, 9900, 1'500'000),
              point(5000, 10000, 6'000'000)};
  return s;
}

TEST_CASE("sweep text: the table and the recommendation with its figures", "[sweep]") {
  const char* expected =
      R"(Sweep of exp.py · 3 intervals × 1 configuration · 1 run × 150 ms per point
  switches/s = forced switches per second of wall time
  interval  workers     role  calls/s  latency p50  latency p99  switches/s  held %
    100 us  cpu=1,io=1  cpu      8000       100 us       200 us       10000    90.0
                        io        100       150 us       300 us                 1.0
   1.00 ms  cpu=1,io=1  cpu      9900       100 us       200 us        1000    90.0
                        io        100       750 us      1.50 ms                 1.0
   5.00 ms  cpu=1,io=1  cpu     10000       100 us       200 us         200    90.0
                        io        100      3.00 ms      6.00 ms                 1.0

Recommendation for cpu=1,io=1: keep CPython's default switch interval 5.00 ms
  rule: the lowest io p99 with cpu calls/s ≥ 95 % of its best (10000 at 5.00 ms), over 3 points
  chosen 1.00 ms: io p99 1.50 ms · cpu 9900 calls/s = 99.0 % of the best
  lowest p99 100 us: io p99 300 us · cpu 8000 calls/s = 80.0 % of the best: below 95 %, excluded
  default 5.00 ms: io p99 6.00 ms · cpu 10000 calls/s = 100.0 % of the best
  confidence: not tested: with one run per point the noise is unknown: keep the default until --runs 3 or more shows the difference
)";
  CHECK(report::render_sweep_text(sweep(true)) == expected);
  CHECK_THAT(report::render_sweep_text(sweep(false)),
             Catch::EndsWith("\ngive --latency-role and --throughput-role for a recommendation\n"));
}

TEST_CASE("sweep text: several runs show mean ± σ; a partial sweep says so", "[sweep]") {
  SweepResult s = sweep(true);
  s.points[0].roles[0].calls_per_second = analysis::summarize({7900, 8100});
  s.points.pop_back();
  s.points.back().status = "interrupted";
  s.status = "interrupted";
  s.exit_status = 130;
  std::string text = report::render_sweep_text(s);
  CHECK_THAT(text, Catch::StartsWith("PARTIAL RESULTS: the sweep was interrupted (2 of 3 points "
                                     "measured); exit status 130\n"));
  CHECK_THAT(text, Catch::Contains("cpu   8000 ± 141       100 us"));
  CHECK_THAT(text, Catch::Contains("io     100             150 us"));
  CHECK_THAT(text, Catch::Contains("1.00 ms · cpu=1,io=1: interrupted"));
  CHECK_THAT(text, Catch::Contains("over 1 point (partial sweep)"));
  CHECK_THAT(text, Catch::Contains("default 5.00 ms: not measured"));
  CHECK_THAT(text, !Catch::Contains("warning"));  // σ / mean 1.8 %: within the 5 % margin
}

TEST_CASE("sweep text: a latency role with few calls per run is flagged", "[sweep]") {
  SweepResult s = sweep(true);
  s.points[2].roles[1].calls = one(12);
  Recommendation r = report::recommend(s.points, "cpu=1,io=1", "io", "cpu");
  CHECK(r.fewest_latency_calls.interval_ns == 5'000'000);
  CHECK(r.points_with_few_latency_calls == 1);
  CHECK_THAT(report::render_sweep_text(s),
             Catch::Contains("  warning: io made fewer than 100 calls per run at 1 of 3 points (12 "
                             "at 5.00 ms): a p99 there is about the slowest call; use a longer "
                             "--duration\n"));
}

TEST_CASE("sweep text: runs that disagree more than the margin are flagged", "[sweep]") {
  SweepResult s = sweep(true);
  s.points[1].roles[0].calls_per_second = analysis::summarize({9000, 10800});
  Recommendation r = report::recommend(s.points, "cpu=1,io=1", "io", "cpu");
  CHECK(r.noisiest.interval_ns == 1'000'000);
  CHECK(r.noisiest.throughput_relative_stddev == Approx(1272.79 / 9900).epsilon(1e-4));
  CHECK_THAT(report::render_sweep_text(s),
             Catch::Contains("  warning: cpu calls/s varies by 12.9 % between runs at 1.00 ms (σ / "
                             "mean), more than the 5 % margin: use more --runs (now 1) or a "
                             "quieter machine\n"));
}

// Three runs per point: the io p99 of the chosen point and of the default, each over 3 runs.
SweepResult three_runs(std::vector<double> chosen_p99, std::vector<double> default_p99) {
  SweepResult s = sweep(true);
  s.runs = 3;
  for (PointFigures& p : s.points) p.runs = 3;
  s.points[1].roles[1].latency_p99_ns = analysis::summarize(chosen_p99);
  s.points[2].roles[1].latency_p99_ns = analysis::summarize(default_p99);
  return s;
}

TEST_CASE("sweep: a choice beyond the noise of the default is recommended, with its p", "[sweep]") {
  // Welch's t of {1.4, 1.5, 1.6} ms against {5.9, 6.0, 6.1} ms: t = -55.1, df = 4, p = 6.5e-7.
  SweepResult s = three_runs({1.4e6, 1.5e6, 1.6e6}, {5.9e6, 6.0e6, 6.1e6});
  Recommendation r = report::recommend(s.points, "cpu=1,io=1", "io", "cpu");
  CHECK(r.confidence == report::Confidence::kSignificant);
  CHECK(r.recommended_ns == 1'000'000);
  REQUIRE(r.vs_default);
  CHECK(r.vs_default->p < 1e-5);
  const std::string text = report::render_sweep_text(s);
  CHECK_THAT(text, Catch::Contains("Recommendation for cpu=1,io=1: switch interval 1.00 ms "
                                   "(sys.setswitchinterval(0.001))\n"));
  CHECK_THAT(text,
             Catch::Contains("  confidence: 1.00 ms: io p99 1.50 ms ± 100 us is below the "
                             "default's (5.00 ms: io p99 6.00 ms ± 100 us) beyond the noise"));
  CHECK(report::sweep_caveats(s).empty());
}

TEST_CASE("sweep: a choice inside the noise keeps the default, in the text and the banner",
          "[sweep]") {
  // {1, 3, 8} ms against {5.9, 6.0, 6.1} ms: the means differ, the runs overlap (p = 0.44).
  SweepResult s = three_runs({1e6, 3e6, 8e6}, {5.9e6, 6.0e6, 6.1e6});
  Recommendation r = report::recommend(s.points, "cpu=1,io=1", "io", "cpu");
  CHECK(r.chosen.interval_ns == 1'000'000);  // the rule's pick is unchanged
  CHECK(r.confidence == report::Confidence::kInsideNoise);
  CHECK(r.recommended_ns == 5'000'000);
  const std::string text = report::render_sweep_text(s);
  CHECK_THAT(text, Catch::Contains("Recommendation for cpu=1,io=1: keep CPython's default switch "
                                   "interval 5.00 ms\n"));
  CHECK_THAT(text, !Catch::Contains("sys.setswitchinterval"));
  const std::vector<std::string> caveats = report::sweep_caveats(s);
  REQUIRE(caveats.size() == 1);
  CHECK_THAT(caveats[0], Catch::StartsWith("cpu=1,io=1: the chosen interval's io p99 is inside "
                                           "the noise of the default's"));
  CHECK_THAT(text, Catch::Contains("  warning: " + caveats[0].substr(12) + "\n"));
  const std::string html = report::render_sweep_html(s);
  CHECK_THAT(html, Catch::Contains("Recommended: keep CPython's default switch interval"));
  CHECK_THAT(html, Catch::Contains("the noise of the default's (Welch p = "));
  auto j = nlohmann::json::parse(report::render_sweep_json(s));
  CHECK(j["recommendations"][0]["confidence"] == "inside_noise");
  CHECK(j["recommendations"][0]["recommended_interval_ns"] == 5'000'000);
  CHECK(j["recommendations"][0]["vs_default"]["p"].get<double>() > 0.05);
}

TEST_CASE("sweep JSON: schema version, run's context block, points, recommendation", "[sweep]") {
  SweepResult s = sweep(true);
  auto j = nlohmann::json::parse(report::render_sweep_json(s));
  CHECK(j["schema_version"] == 1);
  report::Report only_context;
  only_context.context = s.context;
  CHECK(j["context"] == nlohmann::json::parse(report::render_json(only_context))["context"]);
  CHECK(j["status"] == "complete");
  CHECK(j["sweep"]["intervals_ns"] == std::vector<std::uint64_t>{100'000, 1'000'000, 5'000'000});
  CHECK(j["sweep"]["throughput_floor_fraction"] == 0.95);
  REQUIRE(j["points"].size() == 3);
  CHECK(j["points"][1]["roles"]["io"]["latency_p99_ns"]["mean"] == 1.5e6);
  CHECK(j["points"][1]["forced_switches_per_second"]["mean"] == 1000.0);
  CHECK(j["points"][1]["roles"]["cpu"]["calls_per_second"]["stddev"].is_null());
  CHECK(j["recommendations"][0]["chosen"]["interval_ns"] == 1'000'000);
  CHECK(j["recommendations"][0]["error"].is_null());
  CHECK(j["recommendations"][0]["default"]["interval_ns"] == 5'000'000);
  CHECK(nlohmann::json::parse(report::render_sweep_json(sweep(false)))["recommendations"].empty());
}

TEST_CASE("sweep CSV: a header with units, one quoted row per point and role", "[sweep]") {
  std::string csv = report::render_sweep_csv(sweep(true));
  CHECK_THAT(csv, Catch::StartsWith(
                      "interval_ns,workers,role,threads,status,runs,calls_mean,"
                      "calls_per_second_mean,calls_per_second_stddev,latency_p50_ns,latency_p99_ns,"
                      "forced_switches_per_second,holder_changes_per_second,held_percent,"
                      "sweep_status\n"));
  CHECK_THAT(csv, Catch::Contains("\n1000000,\"cpu=1,io=1\",io,1,complete,1,150,100,,750000,"
                                  "1500000,1000,2000,1,complete\n"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);
}

TEST_CASE("sweep HTML: self-contained, one chart per figure, intervals on the axis", "[sweep]") {
  std::string html = report::render_sweep_html(sweep(true));
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::EndsWith("</html>\n"));
  for (const char* part :
       {"Throughput of cpu", "Throughput of io", "Latency per call", "Forced switches per second",
        "io p99", "recommended", ">1.00 ms<", "switch interval (log scale)",
        "Recommended: keep CPython's default switch interval"}) {
    CHECK_THAT(html, Catch::Contains(part));
  }
  for (const char* banned : {"http://", "https://", "<link", "src=", "href="}) {
    CHECK_THAT(html, !Catch::Contains(banned));
  }
  // The run report's style sheet and header script, and the caveats as data for its banner.
  CHECK_THAT(html, Catch::Contains("<script type=\"application/json\" id=\"gilhost-data\">"));
  CHECK_THAT(html, Catch::Contains("GH.headerMain();"));
  CHECK_THAT(html, Catch::Contains("--held: #3566b0"));
  CHECK_THAT(html,
             Catch::Contains("\"warnings\":[\"1 run per point: the charts have no error bars"));
  CHECK(std::count(html.begin(), html.end(), '<') > 100);
  SweepResult partial = sweep(false);
  partial.status = "interrupted";
  CHECK_THAT(report::render_sweep_html(partial), Catch::Contains("PARTIAL RESULTS"));
}

TEST_CASE("progress bar: step, label and the share already done", "[sweep]") {
  CHECK(workload::ProgressBar::line(3, 4, "5.00 ms · cpu=2,io=1", 8) ==
        "[3/4] 5.00 ms · cpu=2,io=1 ▕████░░░░▏");
  CHECK(workload::ProgressBar::line(1, 14, "x", 4) == "[1/14] x ▕░░░░▏");
}

}  // namespace

TEST_CASE("progress bar: the ETA is the mean step time times the steps left", "[sweep]") {
  using std::chrono::seconds;
  CHECK_FALSE(workload::ProgressBar::eta(seconds(0), 0, 8));  // nothing done: no estimate
  CHECK(*workload::ProgressBar::eta(seconds(6), 3, 8) == seconds(10));
  CHECK(workload::ProgressBar::line(5, 8, "run cpu=4 1/3", 4, seconds(10)) ==
        "[5/8] run cpu=4 1/3 ▕██░░▏ ETA 10 s");
  CHECK_THAT(workload::ProgressBar::line(2, 8, "x", 4, seconds(125)),
             Catch::EndsWith(" ETA 2 min 05 s"));
}

TEST_CASE("sweep chart: each point's min … max is an error bar inside the axis", "[sweep]") {
  report::LineChart c;
  c.title = "t";
  c.x_ticks = {1e6, 1e7};
  c.x_format = [](double v) { return std::to_string(int(v)); };
  c.y_format = [](double v) { return std::to_string(int(v)); };
  c.series.push_back({"cpu", {{1e6, 100}, {1e7, 200}}, {{90, 110}, {150, 260}}, false, 0});
  std::string svg = report::render_line_chart(c);
  std::size_t bars = 0;
  for (std::size_t at = svg.find("class=\"errbar\""); at != std::string::npos;
       at = svg.find("class=\"errbar\"", at + 1))
    ++bars;
  CHECK(bars == 2);
  CHECK_THAT(svg, Catch::Contains("cpu at 10000000: 200 (min … max over runs: 150 … 260)"));
  // The y axis reaches the top of the highest bar (260), not only the highest mean.
  CHECK_THAT(svg, Catch::Contains(">300</text>"));
}
