// Unit tests of the report writers (text, JSON, events file) and of the atomic file writer.
#include <dirent.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "report/atomic_file.hpp"
#include "report/events/events_file.hpp"
#include "report/json/json_report.hpp"
#include "report/output_paths.hpp"
#include "report/report_data.hpp"
#include "report/role_run.hpp"
#include "report/run_comparison.hpp"
#include "report/text/text_report.hpp"

namespace {

using namespace gilhost;
using report::Report;
using report::RunRecord;
using trace::EventKind;

// ---- A fixed synthetic Report --------------------------------------------------------------

analysis::Distribution dist(std::uint64_t count, std::uint64_t p50, std::uint64_t p99) {
  return {count, count * p50, p50, (p50 + p99) / 2, p99, p99 + p99 / 4};
}

analysis::GilStats gil_stats(double held, std::uint64_t wait_p50, std::uint64_t wait_p99,
                             std::uint64_t forced) {
  analysis::GilStats g;
  g.hold = dist(400, 5'000'000, 5'200'000);
  g.wait = dist(400, wait_p50, wait_p99);
  g.releases = 400;
  g.forced_releases = forced;
  g.drop_requests = forced * 2;
  g.held_fraction = held;
  return g;
}

trace::ThreadInfo info(int tid, std::string worker, std::string role, std::string python_name) {
  return {tid, std::move(worker), std::move(role), std::move(python_name), "gilhost"};
}

analysis::GilSummary summary(std::uint64_t wall_ns, std::uint64_t switch_delta) {
  analysis::GilSummary s;
  s.window_ns = wall_ns;
  s.held_ns = wall_ns / 10 * 9;
  s.free_ns = wall_ns - s.held_ns;
  s.utilisation = 0.9;
  s.acquires = 1250;
  s.holder_changes = 1200;
  s.thread_state_switches = 1200;
  s.drop_requests = 830;
  s.forced_switches = 410;
  s.handoff = dist(1200, 20'000, 90'000);
  s.handoff_voluntary = dist(790, 12'000, 40'000);
  s.handoff_forced = dist(410, 45'000, 95'000);
  s.achieved_interval = dist(409, 5'080'000, 5'900'000);
  s.configured_interval_ns = 5'000'000;
  s.mean_waiters = 1.45;
  s.max_waiters = 2;
  s.switch_number_delta = switch_delta;
  s.switch_number_read = true;
  return s;
}

analysis::GilMetrics gil_metrics(std::uint64_t wall_ns, std::uint64_t switch_delta) {
  analysis::GilMetrics m;
  m.summary = summary(wall_ns, switch_delta);
  m.threads = {{info(101, "cpu-0", "cpu", ""), gil_stats(0.45, 5'100'000, 10'200'000, 205), 0},
               {info(102, "cpu-1", "cpu", ""), gil_stats(0.44, 5'000'000, 10'100'000, 205), 0},
               {info(103, "io-0", "io", ""), gil_stats(0.01, 4'900'000, 9'900'000, 0), 0}};
  m.roles = {{"cpu", gil_stats(0.89, 5'050'000, 10'150'000, 410)},
             {"io", gil_stats(0.01, 4'900'000, 9'900'000, 0)}};
  m.blocked = {{0, {{1, 900'000'000}, {-1, 1'000'000}}}, {2, {{0, 500'000}}}};
  m.labels = {"phase one"};
  m.marks = {{1'500'000, "phase one"}};
  return m;
}

analysis::WorkerResult worker(std::string role, int index, std::uint64_t calls,
                              std::uint64_t latency_ns, std::uint64_t cpu_ns) {
  analysis::WorkerResult w;
  w.role = role;
  w.index = index;
  w.name = role + "-" + std::to_string(index);
  w.tid = 101 + index;
  w.calls = calls;
  for (std::uint64_t i = 0; i < calls; ++i) w.latency.record(latency_ns + i % 10 * 1000);
  w.cpu_ns = cpu_ns;
  return w;
}

// `scale` varies the call counts from run to run, so that several runs have a spread.
RunRecord run_record(double scale, bool traced, std::uint64_t switch_delta = 1200) {
  constexpr std::uint64_t kWall = 2'000'000'000;
  RunRecord run;
  auto calls = [&](double base) { return std::uint64_t(base * scale); };
  run.phase.workers = {worker("cpu", 0, calls(600), 3'200'000, 995'000'000),
                       worker("cpu", 1, calls(610), 3'150'000, 990'000'000),
                       worker("io", 0, calls(200), 50'000, 24'000'000)};
  run.phase.wall_ns = kWall;
  run.phase.process_cpu_ns = 2'016'000'000;
  run.phase.switch_number_begin = 7;
  run.phase.switch_number_end = 7 + switch_delta;
  if (traced) run.gil = gil_metrics(kWall, switch_delta);
  return run;
}

report::Context context(bool traced) {
  report::Context c;
  c.gilhost_version = "0.1.0";
  c.python_version = "3.12.3";
  c.python_executable = "/usr/bin/python3.12";
  c.cpu_model = "Test CPU @ 3.00GHz";
  c.cpu_count = 8;
  c.switch_interval_ns = 5'000'000;
  c.argv = {"gilhost", "run", "--workers", "cpu=2,io=1", "exp.py"};
  c.date = "2024-05-01T12:00:00Z";
  c.clock_source = "tsc";
  c.traced = traced;
  c.script = "exp.py";
  return c;
}

Report make_report(int runs, bool traced = true) {
  Report r;
  r.context = context(traced);
  report::ConfigResult config{{{"cpu", 2}, {"io", 1}}, {}};
  const double scales[] = {1.0, 1.02, 0.98, 1.01, 0.99};
  for (int i = 0; i < runs; ++i) config.runs.push_back(run_record(scales[i % 5], traced));
  r.configs.push_back(std::move(config));
  return r;
}

// ---- Helpers -------------------------------------------------------------------------------

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_line_starting(const std::string& text, const std::string& prefix) {
  for (const std::string& line : lines_of(text))
    if (line.rfind(prefix, 0) == 0) return true;
  return false;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

// ---- Text ----------------------------------------------------------------------------------

TEST_CASE("text: one row per role and the GIL columns", "[report][text]") {
  std::string text = report::render_text(make_report(1));
  CHECK(has_line_starting(text, "Workers cpu=2,io=1 · 1 run × 2.00 s · switch interval 5.00 ms"));
  CHECK(has_line_starting(text, "  role  threads"));
  CHECK(has_line_starting(text, "  cpu         2"));
  CHECK(has_line_starting(text, "  io          1"));
  CHECK(contains(text, "held %"));
  CHECK(contains(text, "wait p99"));
  CHECK(contains(text, "hand-off p50 12.0 us voluntary / 45.0 us forced"));
  CHECK_FALSE(contains(text, "PARTIAL"));
}

TEST_CASE("text: cross-check line says ✓ when switch_number agrees", "[report][text]") {
  std::string text = report::render_text(make_report(1));
  CHECK(contains(text, "thread-state switches 1200 = switch_number Δ 1200 ✓"));
  CHECK(contains(text, "held + free = window ✓"));
  CHECK(contains(text, "overlapping holds 0 ✓"));
  CHECK(contains(text, "events lost 0 ✓"));
  CHECK_FALSE(contains(text, "WARNING"));
}

TEST_CASE("text: cross-check line says ✗ when it does not", "[report][text]") {
  Report r = make_report(3);
  r.configs[0].runs[1] = run_record(1.0, true, 1207);
  r.configs[0].runs[2].gil->summary.lost_events = 12;
  std::string text = report::render_text(r);
  CHECK(contains(text,
                 "check (3 runs): thread-state switches 3600 ≠ switch_number Δ 3607 ✗ (run 2)"));
  CHECK(contains(text, "events lost 12 ✗"));
  CHECK(contains(text, "WARNING: 12 events were lost"));
}

TEST_CASE("text: mean ± σ and min … max only with several runs", "[report][text]") {
  std::string one = report::render_text(make_report(1));
  CHECK_FALSE(contains(one, "± "));
  CHECK_FALSE(contains(one, "min … max"));
  std::string three = report::render_text(make_report(3));
  CHECK(contains(three, "± "));
  CHECK(has_line_starting(three, "  calls/s min … max: cpu "));
  CHECK(contains(three, "mean per run: wall 2.00 s"));
}

TEST_CASE("text: an outlier run is named with a hint", "[report][text]") {
  Report r = make_report(5);
  r.configs[0].runs[3] = run_record(0.5, true);
  std::string text = report::render_text(r);
  CHECK(contains(text, "warning: run 4 is an outlier"));
  // Not the first run: a warm-up would not have helped, more runs outvote it.
  CHECK(contains(text,
                 "another program took the CPU during it: raise --runs (now 5) or use a "
                 "quieter machine"));
  CHECK_FALSE(contains(text, "--warmup"));
}

TEST_CASE("text: a slow first run asks for a warm-up more than the one given", "[report][text]") {
  Report r = make_report(5);
  r.context.warmup = 1;
  r.configs[0].runs[0] = run_record(0.5, true);
  std::string text = report::render_text(r);
  CHECK(contains(text, "warning: run 1 is an outlier"));
  CHECK(contains(text, "the first run ran cold: raise --warmup (now 1)"));
}

TEST_CASE("text: runs within hyperfine's outlier threshold give no warning", "[report][text]") {
  Report r = make_report(3);
  // Totals 233, 234 and 247 calls/s, the numbers a median/MAD rule at 3.5 flagged.
  const double totals[] = {233, 234, 247};
  for (std::size_t i = 0; i < 3; ++i) {
    auto& phase = r.configs[0].runs[i].phase;
    std::uint64_t calls = 0;
    for (const auto& w : phase.workers) calls += w.calls;
    phase.wall_ns = std::uint64_t(double(calls) * 1e9 / totals[i]);
  }
  CHECK_FALSE(contains(report::render_text(r), "outlier"));
}

TEST_CASE("text: --no-trace drops the GIL columns", "[report][text]") {
  std::string text = report::render_text(make_report(2, false));
  CHECK(contains(text, "(--no-trace: no GIL figures)"));
  CHECK_FALSE(contains(text, "held %"));
  CHECK_FALSE(contains(text, "wait p50"));
  CHECK_FALSE(contains(text, "check:"));
  CHECK(has_line_starting(text, "  cpu "));
}

TEST_CASE("text: a partial run says so first, with the failing worker", "[report][text]") {
  Report r = make_report(1);
  r.status = "failed";
  r.exit_status = 1;
  r.configs[0].runs[0].phase.status = analysis::PhaseStatus::kFailed;
  r.configs[0].runs[0].phase.error_worker = "cpu-1";
  r.configs[0].runs[0].phase.error_text =
      "Traceback (most recent call last):\n  File \"exp.py\", line 3\nZeroDivisionError: "
      "division by zero\n";
  std::vector<std::string> lines = lines_of(report::render_text(r));
  REQUIRE(!lines.empty());
  CHECK(lines[0] ==
        "PARTIAL RESULTS: the run failed (worker cpu-1: ZeroDivisionError: division "
        "by zero); exit status 1");
  r.status = "interrupted";
  r.configs[0].runs[0].phase.error_worker.clear();
  CHECK(lines_of(report::render_text(r))[0] ==
        "PARTIAL RESULTS: the run was interrupted; exit status 1");
}

TEST_CASE("text: a configuration without a measured run says so", "[report][text]") {
  Report r = make_report(0);
  r.status = "interrupted";
  r.exit_status = 130;
  std::string text = report::render_text(r);
  CHECK(contains(text,
                 "Workers cpu=2,io=1 · 0 runs × 0 ns · switch interval 5.00 ms\n"
                 "  (no measured run)\n"));
  auto j = nlohmann::json::parse(report::render_json(r));
  CHECK(j["configs"][0]["runs"].empty());
  CHECK(j["configs"][0]["roles"]["cpu"] == nlohmann::json{{"threads", 2}});  // no figures
}

TEST_CASE("text: several configurations end with a comparison", "[report][text]") {
  Report r = make_report(1);
  Report other = make_report(1);
  other.configs[0].workers = {{"cpu", 4}};
  for (auto& w : other.configs[0].runs[0].phase.workers) w.calls /= 2;
  r.configs.push_back(other.configs[0]);
  std::string text = report::render_text(r);
  // Like with like: the cpu role against the cpu role (io is only in the first).
  CHECK(contains(text,
                 "Comparison by each role's calls/s (ratio ± propagated σ, Welch's "
                 "t-test):\n  cpu: cpu=4 is 0.50× cpu=2,io=1\n"));
  CHECK_FALSE(contains(text, "io: cpu=4"));
}

TEST_CASE("text: a comparison over runs carries the propagated σ and the test", "[report][text]") {
  Report r = make_report(3);
  Report other = make_report(3);
  other.configs[0].workers = {{"cpu", 2}};
  for (auto& run : other.configs[0].runs) {
    run.phase.workers.pop_back();  // no io worker
    for (auto& w : run.phase.workers) {
      w.calls *= 2;
      w.active_ns = run.phase.wall_ns;
    }
  }
  r.configs.push_back(other.configs[0]);
  std::vector<report::ConfigComparison> cmp = report::compare_configs(r);
  REQUIRE(cmp.size() == 1);
  REQUIRE(cmp[0].roles.size() == 1);
  const report::RoleComparison& cpu = cmp[0].roles[0];
  CHECK(cpu.role == "cpu");
  REQUIRE(cpu.ratio.value);
  CHECK(*cpu.ratio.value == Approx(2.0));
  REQUIRE(cpu.ratio.uncertainty);
  const double a = *cpu.base.stddev / cpu.base.mean, b = *cpu.other.stddev / cpu.other.mean;
  CHECK(*cpu.ratio.uncertainty == Approx(2.0 * std::sqrt(a * a + b * b)));
  REQUIRE(cpu.test);
  CHECK(contains(report::render_text(r), fmt::format("  cpu: cpu=2 is 2.00 ± {:.2f}× cpu=2,io=1 · ",
                                                     *cpu.ratio.uncertainty)));
}

TEST_CASE("--calls: each role's calls/s is over its own time, not the slowest role's", "[report]") {
  Report r = make_report(1);
  auto& phase = r.configs[0].runs[0].phase;
  phase.wall_ns = 4'000'000'000;
  for (auto& w : phase.workers) {
    w.calls = 100;
    w.active_ns = w.role == "io" ? 4'000'000'000 : 1'000'000'000;  // cpu ended after 1 s
  }
  report::RoleRunFigures cpu = report::role_run_figures(r.configs[0].runs[0], {"cpu", 2});
  CHECK(cpu.time_ns == 1'000'000'000);
  CHECK(cpu.calls_per_second == Approx(200));  // 2 threads × 100 calls in 1 s, not in 4 s
  auto j = nlohmann::json::parse(report::render_json(r));
  CHECK(j["configs"][0]["roles"]["cpu"]["calls_per_second"]["mean"] == Approx(200));
  CHECK(j["configs"][0]["roles"]["io"]["calls_per_second"]["mean"] == Approx(25));
  CHECK(j["configs"][0]["roles"]["cpu"]["calls_per_second"]["values"] ==
        nlohmann::json::array({200.0}));
}

TEST_CASE("text: a script run without workers has a per-thread table", "[report][text]") {
  Report r;
  r.context = context(true);
  r.script_wall_ns = 3'000'000'000;
  r.script_gil = gil_metrics(3'000'000'000, 1200);
  r.script_gil->threads[0].info = info(200, "", "", "MainThread");
  r.script_gil->threads[1].info = info(201, "", "", "Thread-1 (work)");
  r.script_gil->threads[2].info = info(202, "", "", "");
  std::string text = report::render_text(r);
  CHECK(has_line_starting(text, "Script exp.py · wall 3.00 s"));
  CHECK(has_line_starting(text, "  thread           holds  held %"));
  CHECK(has_line_starting(text, "  MainThread "));
  CHECK(has_line_starting(text, "  Thread-1 (work) "));
  CHECK(has_line_starting(text, "  tid 202 "));
  CHECK(contains(text, "thread-state switches 1200 = switch_number Δ 1200 ✓"));
}

TEST_CASE("text: output matches the golden file", "[report][text][golden]") {
  Report r = make_report(3);
  Report single = make_report(1);
  single.configs[0].workers = {{"cpu", 2}};
  single.configs[0].runs[0].phase.workers.pop_back();  // no io worker
  r.configs.push_back(single.configs[0]);
  std::string actual = report::render_text(r);
  auto path = std::filesystem::path(__FILE__).parent_path() / "golden" / "text_report.txt";
  if (std::getenv("GILHOST_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    WARN("rewrote " << path.string());
  }
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> want = lines_of(expected), got = lines_of(actual);
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    std::string w = i < want.size() ? want[i] : "<end of file>";
    std::string g = i < got.size() ? got[i] : "<end of output>";
    INFO("golden " << path.string() << " differs at line " << i + 1 << "\n  expected: " << w
                   << "\n  actual:   " << g << "\n(set GILHOST_UPDATE_GOLDEN=1 to regenerate)");
    REQUIRE(w == g);
  }
  CHECK(actual == expected);
}

// ---- JSON ----------------------------------------------------------------------------------

TEST_CASE("json: schema version, context and status come first", "[report][json]") {
  auto j = nlohmann::ordered_json::parse(report::render_json(make_report(1)));
  std::vector<std::string> top;
  for (auto& [key, value] : j.items()) top.push_back(key);
  CHECK(top == std::vector<std::string>{"schema_version", "context", "status", "exit_status",
                                        "warnings", "configs", "script_wall_ns", "script_gil",
                                        "script_gils", "stack_table"});
  CHECK(j["schema_version"] == report::kSchemaVersion);
  for (const char* key : {"gilhost_version", "python_version", "python_executable", "cpu_model",
                          "cpu_count", "switch_interval_ns", "argv", "date", "clock_source",
                          "traced", "script", "python_capabilities"}) {
    CHECK(j["context"].contains(key));
  }
  CHECK(j["context"]["switch_interval_ns"] == 5'000'000);
  CHECK(j["status"] == "complete");
  CHECK(j["script_gil"].is_null());
}

TEST_CASE("json: per-run figures equal the inputs, with units in key names", "[report][json]") {
  Report r = make_report(1);
  auto j = nlohmann::json::parse(report::render_json(r));
  const auto& config = j["configs"][0];
  CHECK(config["workers"] == "cpu=2,io=1");
  const auto& run = config["runs"][0];
  CHECK(run["wall_ns"] == 2'000'000'000);
  CHECK(run["cpu_percent"].get<double>() == Approx(100.8));
  CHECK(run["switch_number_end"] == 1207);
  const auto& w = run["workers"][2];
  CHECK(w["name"] == "io-0");
  // 54,000 exactly; the histogram's bucket midpoint is within 0.78 % (docs/metrics.md).
  CHECK(std::abs(w["latency_p50_ns"].get<double>() - 54'000) <= 54'000 / 128.0);
  CHECK_FALSE(w.contains("latencies_ns"));
  const analysis::GilSummary& in = r.configs[0].runs[0].gil->summary;
  const auto& s = run["gil"]["summary"];
  CHECK(s["window_ns"] == in.window_ns);
  CHECK(s["held_ns"] == in.held_ns);
  CHECK(s["utilisation_fraction"] == in.utilisation);
  CHECK(s["holder_changes"] == in.holder_changes);
  CHECK(s["switch_number_delta"] == in.switch_number_delta);
  CHECK(s["forced_switches"] == in.forced_switches);
  CHECK(s["handoff_forced"]["p50_ns"] == in.handoff_forced.p50_ns);
  CHECK(s["achieved_interval"]["p99_ns"] == in.achieved_interval.p99_ns);
  CHECK(s["mean_waiters"] == in.mean_waiters);
  CHECK(s["lost_events"] == 0);
  CHECK(run["gil"]["roles"]["cpu"]["held_fraction"] == 0.89);
  CHECK(run["gil"]["threads"][1]["wait"]["p99_ns"] == 10'100'000);
}

TEST_CASE("a drop request not read at releases (3.13+) is unknown, not zero", "[report]") {
  Report r = make_report(1);
  analysis::GilMetrics& m = *r.configs[0].runs[0].gil;
  m.summary.request_pending_releases = m.summary.forced_switches;
  m.summary.voluntary_with_request = 0;
  m.summary.drop_request_read = false;
  const std::string text = report::render_text(r);
  CHECK(contains(text, "voluntary releases with a request pending: not measured on this CPython"));
  CHECK_FALSE(contains(text, "0 voluntary releases with a request pending"));
  auto j = nlohmann::json::parse(report::render_json(r));
  const auto& gil = j["configs"][0]["runs"][0]["gil"];
  CHECK(gil["summary"]["voluntary_with_request"].is_null());
  CHECK(gil["summary"]["request_pending_releases"].is_null());
  CHECK(gil["threads"][0]["request_pending_releases"].is_null());
  CHECK(gil["summary"]["forced_switches"] == m.summary.forced_switches);  // still measured
  m.summary.drop_request_read = true;
  auto read = nlohmann::json::parse(report::render_json(r));
  CHECK(read["configs"][0]["runs"][0]["gil"]["summary"]["voluntary_with_request"] == 0);
}

TEST_CASE("json: who-blocked-whom is a list with thread names", "[report][json]") {
  auto j = nlohmann::json::parse(report::render_json(make_report(1)));
  const auto& blocked = j["configs"][0]["runs"][0]["gil"]["blocked"];
  REQUIRE(blocked.size() == 3);
  CHECK(blocked[0]["waiter"] == "cpu-0");
  CHECK(blocked[0]["holder"].is_null());  // nobody held the GIL: a hand-off gap
  CHECK(blocked[0]["holder_index"] == -1);
  CHECK(blocked[1]["holder"] == "cpu-1");
  CHECK(blocked[1]["ns"] == 900'000'000);
  CHECK(j["configs"][0]["runs"][0]["gil"]["marks"][0]["label"] == "phase one");
}

TEST_CASE("json: role figures are summarized over runs", "[report][json]") {
  auto one = nlohmann::json::parse(report::render_json(make_report(1)));
  const auto& cps1 = one["configs"][0]["roles"]["cpu"]["calls_per_second"];
  CHECK(cps1["n"] == 1);
  CHECK(cps1["stddev"].is_null());
  CHECK(cps1["mean"].get<double>() == Approx(605.0));
  auto three = nlohmann::json::parse(report::render_json(make_report(3)));
  const auto& roles = three["configs"][0]["roles"];
  CHECK(roles["cpu"]["threads"] == 2);
  CHECK(roles["cpu"]["calls_per_second"]["n"] == 3);
  CHECK(roles["cpu"]["calls_per_second"]["stddev"].is_number());
  CHECK(roles["cpu"]["calls_per_second"]["min"] < roles["cpu"]["calls_per_second"]["max"]);
  for (const char* key : {"calls", "cpu_percent", "latency_p50_ns", "latency_p99_ns",
                          "held_fraction", "wait_p50_ns", "wait_p99_ns", "forced_releases"}) {
    CHECK(roles["io"].contains(key));
  }
  CHECK(three["configs"][0]["summary"]["wall_ns"]["median"] == 2e9);
}

TEST_CASE("json: --no-trace has null gil and no GIL role figures", "[report][json]") {
  auto j = nlohmann::json::parse(report::render_json(make_report(1, false)));
  CHECK(j["context"]["traced"] == false);
  CHECK(j["configs"][0]["runs"][0]["gil"].is_null());
  CHECK_FALSE(j["configs"][0]["roles"]["cpu"].contains("held_fraction"));
  CHECK(j["configs"][0]["roles"]["cpu"].contains("calls_per_second"));
}

// ---- Events file ---------------------------------------------------------------------------

namespace {

struct ParsedRecording {
  std::string id;
  std::vector<std::vector<std::string>> threads;  // decoded fields after "thread"
  std::vector<std::string> labels, kernels;
  std::size_t declared = 0;
  std::map<std::string, std::size_t> kinds;
  std::map<std::size_t, std::size_t> per_thread;
  bool sorted = true;
};

std::string decode(const std::string& field) {
  if (field == "-") return "";
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    bool escape = field[i] == '%' && i + 2 < field.size();
    out += escape ? char(std::stoi(field.substr(i + 1, 2), nullptr, 16)) : field[i];
    i += escape ? 2 : 0;
  }
  return out;
}

void parse_line(const std::vector<std::string>& f, std::vector<ParsedRecording>& out,
                std::uint64_t& last_ts) {
  ParsedRecording& rec = out.back();
  if (f[0] == "thread") {
    rec.threads.push_back({f[2], decode(f[3]), decode(f[4]), f[5], decode(f[6]), decode(f[7])});
  } else if (f[0] == "label") {
    rec.labels.push_back(decode(f[2]));
  } else if (f[0] == "kernel") {
    rec.kernels.push_back(decode(f[2]));
  } else if (f[0] == "events") {
    rec.declared = std::stoul(f[1]);
  } else if (std::isdigit(static_cast<unsigned char>(f[0][0]))) {
    REQUIRE(f.size() == 6);
    std::uint64_t ts = std::stoull(f[0]);
    rec.sorted = rec.sorted && ts >= last_ts;
    last_ts = ts;
    ++rec.kinds[f[2]];
    ++rec.per_thread[std::stoul(f[1])];
  }
}

std::vector<ParsedRecording> parse_events(const std::string& text) {
  std::vector<std::string> lines = lines_of(text);
  REQUIRE(!lines.empty());
  REQUIRE(lines[0] == report::kEventsHeader);
  std::vector<ParsedRecording> out;
  std::uint64_t last_ts = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f;
    std::istringstream in(lines[i]);
    for (std::string word; in >> word;) f.push_back(word);
    if (f.empty() || f[0][0] == '#') continue;
    if (f[0] == "recording") {
      out.emplace_back().id = lines[i].substr(10);
      last_ts = 0;
      continue;
    }
    REQUIRE(!out.empty());
    parse_line(f, out, last_ts);
  }
  return out;
}

trace::Recording small_recording() {
  using trace::Event;
  trace::Recording rec;
  rec.window_begin_ns = 1000;
  rec.window_end_ns = 9000;
  rec.labels = {"phase one", "100%"};
  rec.kernels = {"matmul"};
  trace::ThreadEvents a{info(11, "cpu-0", "cpu", ""), {}, 0};
  a.events = {Event{1000, EventKind::kRequest, 0, 0, 0}, Event{1100, EventKind::kAcquire, 0, 0, 5},
              Event{3000, EventKind::kRelease, 0, 3, 5}, Event{3000, EventKind::kForced, 0, 0, 5},
              Event{4000, EventKind::kMark, 0, 0, 1}};
  trace::ThreadEvents b{info(12, "", "", "Thread 1 (io)"), {}, 3};
  b.events = {
      Event{1500, EventKind::kRequest, 0, 0, 0}, Event{2000, EventKind::kDropRequest, 0, 0, 5},
      Event{3050, EventKind::kAcquire, 0, 0, 6}, Event{3500, EventKind::kNativeBegin, 0, 0, 0},
      Event{3600, EventKind::kNativeEnd, 0, 0, 0}};
  rec.threads = {a, b, trace::ThreadEvents{info(13, "-", "", ""), {}, 0}};
  return rec;
}

}  // namespace

TEST_CASE("events: the file reads back with the same counts and names", "[report][events]") {
  Report r = make_report(2);
  r.configs[0].runs[1].recording = small_recording();
  r.script_recording = small_recording();
  std::string text = report::render_events(r);
  std::vector<ParsedRecording> recs = parse_events(text);
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].id == "0 1");
  CHECK(recs[1].id == "script");
  for (const ParsedRecording& rec : recs) {
    CHECK(rec.declared == 10);
    CHECK(rec.sorted);
    CHECK(rec.per_thread == std::map<std::size_t, std::size_t>{{0, 5}, {1, 5}});
    CHECK(rec.kinds == std::map<std::string, std::size_t>{{"request", 2},
                                                          {"acquire", 2},
                                                          {"release", 1},
                                                          {"forced", 1},
                                                          {"mark", 1},
                                                          {"drop_request", 1},
                                                          {"native_begin", 1},
                                                          {"native_end", 1}});
    REQUIRE(rec.threads.size() == 3);
    CHECK(rec.threads[0] == std::vector<std::string>{"11", "cpu-0", "", "0", "cpu", "gilhost"});
    CHECK(rec.threads[1][2] == "Thread 1 (io)");
    CHECK(rec.threads[1][3] == "3");
    CHECK(rec.threads[2][1] == "-");  // a worker literally named "-" is not "no worker"
    CHECK(rec.labels == std::vector<std::string>{"phase one", "100%"});
    CHECK(rec.kernels == std::vector<std::string>{"matmul"});
  }
  CHECK(contains(text, "\nthread 1 12 - Thread%201%20(io) 3 - gilhost\n"));
  CHECK(contains(text, "\n3000 0 release 0 5 3\n3000 0 forced 0 5 0\n3050 1 acquire 0 6 0\n"));
}

TEST_CASE("events: without kept recordings only the header is written", "[report][events]") {
  CHECK(report::render_events(make_report(1)) == "# gilhost events v1\n");
  CHECK(report::event_kind_name(EventKind::kHandoffEnd) == "handoff_end");
  CHECK(report::event_kind_name(static_cast<EventKind>(99)) == "kind99");
  CHECK(report::encode_field("a b\tc%") == "a%20b%09c%25");
}

// ---- Atomic file ---------------------------------------------------------------------------

namespace {

std::filesystem::path make_temp_dir() {
  std::string name = (std::filesystem::temp_directory_path() / "gilhost-test-XXXXXX").string();
  REQUIRE(::mkdtemp(name.data()) != nullptr);
  return name;
}

std::vector<std::string> entries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  return names;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("atomic file: replaces the content and leaves no temporary file", "[report][file]") {
  std::filesystem::path dir = make_temp_dir();
  std::string path = (dir / "out.json").string();
  report::write_output(path, "old");
  report::write_output(path, "new content\n");
  CHECK(slurp(path) == "new content\n");
  CHECK(entries(dir) == std::vector<std::string>{"out.json"});
  auto perms = std::filesystem::status(path).permissions();
  CHECK((perms & std::filesystem::perms::others_read) != std::filesystem::perms::none);
  report::check_writable(path);
  CHECK(entries(dir) == std::vector<std::string>{"out.json"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("atomic file: a missing directory fails with the path and the reason", "[report][file]") {
  std::filesystem::path dir = make_temp_dir();
  std::string path = (dir / "missing" / "out.json").string();
  CHECK_THROWS_WITH(report::write_output(path, "x"),
                    "cannot write " + path + ": No such file or directory");
  CHECK_THROWS_WITH(report::check_writable(path),
                    "cannot write " + path + ": No such file or directory");
  CHECK_THROWS_WITH(report::check_writable(dir.string()),
                    "cannot write " + dir.string() + ": is a directory");
  CHECK(entries(dir).empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("output paths: what each kind of path names", "[report][file]") {
  using Kind = report::OutputTarget::Kind;
  std::filesystem::path dir = make_temp_dir();
  const std::string file = (dir / "real.json").string(), link = (dir / "link.json").string();
  std::filesystem::create_symlink("real.json", link);
  CHECK(report::resolve_output(file).kind == Kind::kReplace);
  report::OutputTarget via_link = report::resolve_output(link);
  CHECK(via_link.kind == Kind::kReplace);
  CHECK(via_link.path == (dir / "real.json").string());
  CHECK(report::resolve_output("/dev/null").kind == Kind::kInPlace);
  for (const char* out : {"-", "/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"}) {
    report::OutputTarget t = report::resolve_output(out);
    CHECK(t.kind == Kind::kFd);
    CHECK(t.fd == 1);
    CHECK(report::is_stdout(out));
  }
  CHECK_THROWS_WITH(report::resolve_output(dir.string()),
                    "cannot write " + dir.string() + ": is a directory");
  CHECK_THROWS_WITH(report::check_outputs({{"--json", file}, {"--trace", link}}),
                    "--json and --trace name the same file '" + link + "': give each its own");
  CHECK_THROWS_WITH(report::check_outputs({{"--json", "-"}, {"--html", "/dev/stdout"}}),
                    "--json and --html both go to standard output: at most one report can");
  CHECK_NOTHROW(report::check_outputs({{"--json", "/dev/null"}, {"--html", "/dev/null"}}));
  // A name at the file system's limit: the temporary name is a short one.
  const std::string longest = (dir / std::string(255, 'n')).string();
  report::write_output(longest, "x");
  CHECK(slurp(longest) == "x");
  std::filesystem::remove_all(dir);
}

// ---- Sub-interpreter GILs ------------------------------------------------------------------

namespace {

Report report_with_sub_gils() {
  Report r = make_report(1);
  RunRecord& run = r.configs[0].runs[0];
  run.sub_gils.push_back({1, "sub:cpu-0", gil_metrics(2'000'000'000, 0)});
  run.sub_gils.push_back({2, "sub:cpu-1", gil_metrics(2'000'000'000, 3)});
  run.sub_gils.back().metrics.summary.holder_changes = 3;
  run.sub_gils.back().metrics.summary.thread_state_switches = 3;
  return r;
}

}  // namespace

TEST_CASE("text: one block per sub-interpreter GIL and a total", "[report][text]") {
  std::string text = report::render_text(report_with_sub_gils());
  CHECK(has_line_starting(text, "  GIL of cpu-0's sub-interpreter · GIL utilisation"));
  CHECK(has_line_starting(text, "  GIL of cpu-1's sub-interpreter · GIL utilisation"));
  CHECK(contains(text, "thread-state switches 3 = switch_number Δ 3 ✓"));
  CHECK(has_line_starting(text, "  all 3 GILs (main + 2 sub-interpreters): held"));
  CHECK_FALSE(contains(report::render_text(make_report(1)), "sub-interpreter"));
}

TEST_CASE("json: runs[].gils lists the main GIL then each sub-interpreter's", "[report][json]") {
  auto j = nlohmann::json::parse(report::render_json(report_with_sub_gils()));
  const auto& gils = j["configs"][0]["runs"][0]["gils"];
  REQUIRE(gils.size() == 3);
  CHECK(gils[0]["gil"] == 0);
  CHECK(gils[0]["interpreter"] == "main");
  CHECK(gils[0]["metrics"] == j["configs"][0]["runs"][0]["gil"]);
  CHECK(gils[2]["gil"] == 2);
  CHECK(gils[2]["interpreter"] == "sub:cpu-1");
  CHECK(gils[2]["metrics"]["summary"]["switch_number_delta"] == 3);
  auto plain = nlohmann::json::parse(report::render_json(make_report(1)));
  CHECK(plain["configs"][0]["runs"][0]["gils"].size() == 1);
}

// A holder runnable but not running for more than kOffCpuWarnFraction of its held time makes
// every output open with the warning, and the comparison says which side was distorted.
TEST_CASE("busy machine: warning on top and in the comparison, none below the threshold",
          "[report][busy]") {
  Report r = make_report(1);
  r.configs.push_back(r.configs[0]);
  r.configs[1].workers = {{"cpu", 1}};
  auto set_off_cpu = [](RunRecord& run, double fraction) {
    run.gil->summary.sched_sampled = true;
    run.gil->summary.held_off_cpu_ns = std::uint64_t(fraction * double(run.gil->summary.held_ns));
  };
  set_off_cpu(r.configs[0].runs[0], 0.02);
  set_off_cpu(r.configs[1].runs[0], 0.02);
  std::string quiet = report::render_text(r);
  CHECK(quiet.find("WARNING: busy machine") == std::string::npos);
  CHECK(quiet.find("distorted") == std::string::npos);
  CHECK(contains(quiet, "GIL held but holder off-CPU: 2.0 % of held time\n"));
  CHECK(nlohmann::json::parse(report::render_json(r))["warnings"].empty());

  set_off_cpu(r.configs[1].runs[0], 0.48);
  std::string busy = report::render_text(r);
  CHECK(busy.rfind("WARNING: busy machine: the GIL holder was runnable but not running for up "
                   "to 48 % of the time it held the GIL (cpu=1;",
                   0) == 0);
  CHECK(contains(busy, "GIL held but holder off-CPU: 48.0 % of held time ✗\n"));
  CHECK(
      contains(busy, "is 1.00× cpu=2,io=1 (distorted: cpu=1 holder off-CPU 48 % of held time)\n"));
  auto warnings = nlohmann::json::parse(report::render_json(r))["warnings"];
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].get<std::string>().rfind("WARNING: busy machine", 0) == 0);
}
