// render_json: Report -> JSON text. Run-level figures in full, role figures summarized over runs.
#include "report/json/json_report.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "analysis/stats.hpp"
#include "report/busy_machine.hpp"
#include "report/role_run.hpp"
#include "report/stacks/stacks_json.hpp"

namespace gilhost::report {
namespace {

using Json = nlohmann::ordered_json;
using analysis::Distribution;
using analysis::GilMetrics;
using analysis::GilStats;

// The name the text table shows: worker, else Python thread name, else "tid N".
std::string thread_name(const trace::ThreadInfo& info) {
  if (!info.worker.empty()) return info.worker;
  if (!info.python_name.empty()) return info.python_name;
  return "tid " + std::to_string(info.tid);
}

Json distribution_json(const Distribution& d) {
  return {{"count", d.count},   {"total_ns", d.total_ns}, {"mean_ns", d.mean_ns()},
          {"p50_ns", d.p50_ns}, {"p90_ns", d.p90_ns},     {"p99_ns", d.p99_ns},
          {"min_ns", d.min_ns}, {"max_ns", d.max_ns}};
}

// `drop_request_read`: false where CPython's drop request is not readable at a voluntary release
// (3.13+, GilSummary::drop_request_read): the count would only repeat forced_releases.
Json gil_stats_json(const GilStats& g, bool drop_request_read) {
  return {{"held_fraction", g.held_fraction},
          {"hold", distribution_json(g.hold)},
          {"wait", distribution_json(g.wait)},
          {"releases", g.releases},
          {"forced_releases", g.forced_releases},
          {"drop_requests", g.drop_requests},
          {"request_pending_releases",
           drop_request_read ? Json(g.request_pending_releases) : Json(nullptr)},
          {"handshakes", g.handshakes},
          {"unclassified_releases", g.unclassified_releases},
          {"held_off_cpu_ns", g.held_off_cpu_ns},
          {"hold_off_cpu", distribution_json(g.hold_off_cpu)},
          {"handoff_waits", g.handoff_waits},
          {"handoff_wait", distribution_json(g.handoff_wait)},
          {"native_sections", g.native_sections},
          {"native_ns", g.native_ns}};
}

Json summary_json(const analysis::GilSummary& s) {
  return {
      {"window_ns", s.window_ns},
      {"held_ns", s.held_ns},
      {"free_ns", s.free_ns},
      {"utilisation_fraction", s.utilisation},
      {"acquires", s.acquires},
      {"holder_changes", s.holder_changes},
      {"thread_state_switches", s.thread_state_switches},
      {"drop_requests", s.drop_requests},
      {"forced_switches", s.forced_switches},
      {"request_pending_releases",
       s.drop_request_read ? Json(s.request_pending_releases) : Json(nullptr)},
      {"voluntary_with_request",
       s.drop_request_read ? Json(s.voluntary_with_request) : Json(nullptr)},
      {"handshakes", s.handshakes},
      {"unclassified_releases", s.unclassified_releases},
      {"held_off_cpu_ns", s.sched_sampled ? Json(s.held_off_cpu_ns) : Json(nullptr)},
      {"held_off_cpu_fraction", s.sched_sampled ? Json(s.held_off_cpu_fraction()) : Json(nullptr)},
      {"handoff", distribution_json(s.handoff)},
      {"handoff_voluntary", distribution_json(s.handoff_voluntary)},
      {"handoff_forced", distribution_json(s.handoff_forced)},
      {"achieved_interval", distribution_json(s.achieved_interval)},
      {"configured_interval_ns", s.configured_interval_ns},
      {"mean_waiters", s.mean_waiters},
      {"max_waiters", s.max_waiters},
      {"switch_number_delta", s.switch_number_delta},
      {"overlapping_holds", s.overlapping_holds},
      {"lost_events", s.lost_events},
      {"malformed_events", s.malformed_events}};
}

Json thread_json(const analysis::ThreadMetrics& t, std::size_t index, bool drop_request_read) {
  Json j = {{"index", index},
            {"name", thread_name(t.info)},
            {"tid", t.info.tid},
            {"worker", t.info.worker},
            {"role", t.info.role},
            {"python_name", t.info.python_name},
            {"os_name", t.info.os_name},
            {"lost_events", t.lost}};
  j.update(gil_stats_json(t.gil, drop_request_read));
  return j;
}

Json blocked_json(const GilMetrics& m) {
  auto name = [&](int i) -> Json {
    if (i < 0 || std::size_t(i) >= m.threads.size()) return nullptr;
    return thread_name(m.threads[std::size_t(i)].info);
  };
  Json list = Json::array();
  for (const auto& [waiter, row] : m.blocked) {
    for (const auto& [holder, ns] : row) {
      list.push_back({{"waiter", name(waiter)},
                      {"waiter_index", waiter},
                      {"holder", name(holder)},
                      {"holder_index", holder},
                      {"ns", ns}});
    }
  }
  return list;
}

Json gil_json(const GilMetrics& m) {
  Json threads = Json::array();
  for (std::size_t i = 0; i < m.threads.size(); ++i)
    threads.push_back(thread_json(m.threads[i], i, m.summary.drop_request_read));
  Json roles = Json::object();
  for (const auto& [role, stats] : m.roles)
    roles[role] = gil_stats_json(stats, m.summary.drop_request_read);
  Json marks = Json::array();
  for (const auto& [ts, label] : m.marks) marks.push_back({{"ts_ns", ts}, {"label", label}});
  return {{"summary", summary_json(m.summary)},
          {"threads", std::move(threads)},
          {"roles", std::move(roles)},
          {"blocked", blocked_json(m)},
          {"blocked_pairs", m.blocked_pairs},
          {"blocked_other_ns", m.blocked_other_ns},
          {"labels", m.labels},
          {"marks", std::move(marks)},
          {"stacks", stacks_json(m)}};
}

double per_second(double count, std::uint64_t wall_ns) {
  return wall_ns ? count * 1e9 / double(wall_ns) : 0.0;
}

double cpu_percent(std::uint64_t cpu_ns, std::uint64_t wall_ns) {
  return wall_ns ? 100.0 * double(cpu_ns) / double(wall_ns) : 0.0;
}

Json worker_json(const analysis::WorkerResult& w, std::uint64_t phase_wall_ns) {
  Distribution latency = analysis::distribution_of(w.latency);
  const std::uint64_t wall_ns = w.active_ns ? w.active_ns : phase_wall_ns;
  return {{"name", w.name},
          {"role", w.role},
          {"index", w.index},
          {"tid", w.tid},
          {"calls", w.calls},
          {"active_ns", wall_ns},
          {"calls_per_second", per_second(double(w.calls), wall_ns)},
          {"cpu_ns", w.cpu_ns},
          {"cpu_percent", cpu_percent(w.cpu_ns, wall_ns)},
          {"latency_mean_ns", latency.mean_ns()},
          {"latency_p50_ns", latency.p50_ns},
          {"latency_p90_ns", latency.p90_ns},
          {"latency_p99_ns", latency.p99_ns},
          {"latency_max_ns", latency.max_ns}};
}

std::uint64_t total_calls(const analysis::PhaseResult& p) {
  std::uint64_t calls = 0;
  for (const auto& w : p.workers) calls += w.calls;
  return calls;
}

// Every traced GIL of the run: the main interpreter's (index 0) and each :sub worker's own.
Json gils_json(const RunRecord& run) {
  Json gils = Json::array();
  if (run.gil) {
    gils.push_back({{"gil", 0}, {"interpreter", "main"}, {"metrics", gil_json(*run.gil)}});
  }
  for (const GilRecord& g : run.sub_gils) {
    gils.push_back(
        {{"gil", g.gil}, {"interpreter", g.interpreter}, {"metrics", gil_json(g.metrics)}});
  }
  return gils;
}

Json run_json(const RunRecord& run, std::size_t index) {
  const analysis::PhaseResult& p = run.phase;
  Json workers = Json::array();
  for (const auto& w : p.workers) workers.push_back(worker_json(w, p.wall_ns));
  Json exit_status = p.exit_status ? Json(*p.exit_status) : Json(nullptr);
  return {{"index", index},
          {"status", analysis::to_string(p.status)},
          {"exit_status", std::move(exit_status)},
          {"error_worker", p.error_worker},
          {"error_text", p.error_text},
          {"wall_ns", p.wall_ns},
          {"setup_ns", p.setup_ns},
          {"process_cpu_ns", p.process_cpu_ns},
          {"cpu_percent", p.cpu_percent()},
          {"peak_rss_bytes", p.peak_rss_bytes},
          {"calls", total_calls(p)},
          {"calls_per_second", per_second(double(total_calls(p)), p.wall_ns)},
          {"switch_number_begin", p.switch_number_begin},
          {"switch_number_end", p.switch_number_end},
          {"workers", std::move(workers)},
          {"gil", run.gil ? gil_json(*run.gil) : Json(nullptr)},
          {"gils", gils_json(run)}};
}

// Named figures of one run, in output order; a figure a run lacks (no GIL) is simply absent.
using Figures = std::vector<std::pair<std::string, double>>;

Figures role_figures(const RunRecord& run, const cli::RoleSpec& spec) {
  RoleRunFigures r = role_run_figures(run, spec);
  const Distribution& lat = r.latency;
  Figures f = {{"calls", double(r.calls)},
               {"time_ns", double(r.time_ns)},
               {"calls_per_second", r.calls_per_second},
               {"cpu_percent", r.cpu_percent},
               {"latency_mean_ns", lat.mean_ns()},
               {"latency_p50_ns", double(lat.p50_ns)},
               {"latency_p90_ns", double(lat.p90_ns)},
               {"latency_p99_ns", double(lat.p99_ns)},
               {"latency_max_ns", double(lat.max_ns)}};
  if (!r.gil) return f;
  const GilStats& g = *r.gil;
  f.insert(f.end(), {{"held_fraction", g.held_fraction},
                     {"hold_p50_ns", double(g.hold.p50_ns)},
                     {"hold_p99_ns", double(g.hold.p99_ns)},
                     {"wait_p50_ns", double(g.wait.p50_ns)},
                     {"wait_p99_ns", double(g.wait.p99_ns)},
                     {"forced_releases", double(g.forced_releases)},
                     {"drop_requests", double(g.drop_requests)}});
  return f;
}

Figures config_figures(const RunRecord& run) {
  const analysis::PhaseResult& p = run.phase;
  Figures f = {{"wall_ns", double(p.wall_ns)},
               {"cpu_percent", p.cpu_percent()},
               {"calls_per_second", per_second(double(total_calls(p)), p.wall_ns)}};
  if (!run.gil) return f;
  const analysis::GilSummary& s = run.gil->summary;
  f.insert(f.end(),
           {{"utilisation_fraction", s.utilisation},
            {"drop_requests", double(s.drop_requests)},
            {"forced_switches", double(s.forced_switches)},
            {"forced_switches_per_second", per_second(double(s.forced_switches), p.wall_ns)},
            {"achieved_interval_p50_ns", double(s.achieved_interval.p50_ns)},
            {"handoff_p50_ns", double(s.handoff.p50_ns)},
            {"handoff_voluntary_p50_ns", double(s.handoff_voluntary.p50_ns)},
            {"handoff_forced_p50_ns", double(s.handoff_forced.p50_ns)},
            {"mean_waiters", s.mean_waiters}});
  return f;
}

// summarize() over runs; outliers are reported as run indices, even when some runs lack a figure.
Json stats_json(const std::vector<double>& values, const std::vector<std::size_t>& runs) {
  analysis::RunStats s = analysis::summarize(values);
  Json outliers = Json::array();
  for (std::size_t i : s.outliers) outliers.push_back(runs[i]);
  return {{"n", s.n},
          {"mean", s.mean},
          {"stddev", s.stddev ? Json(*s.stddev) : Json()},
          {"min", s.min},
          {"max", s.max},
          {"median", s.median},
          {"values", values},
          {"outliers", std::move(outliers)}};
}

Json aggregate(const std::vector<Figures>& per_run) {
  std::vector<std::string> keys;
  for (const Figures& f : per_run) {
    for (const auto& [key, value] : f)
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  Json out = Json::object();
  for (const std::string& key : keys) {
    std::vector<double> values;
    std::vector<std::size_t> runs;
    for (std::size_t r = 0; r < per_run.size(); ++r) {
      for (const auto& [k, value] : per_run[r]) {
        if (k != key) continue;
        values.push_back(value);
        runs.push_back(r);
      }
    }
    out[key] = stats_json(values, runs);
  }
  return out;
}

Json config_json(const ConfigResult& c) {
  Json roles = Json::object();
  for (const cli::RoleSpec& spec : c.workers) {
    std::vector<Figures> per_run;
    for (const RunRecord& run : c.runs) per_run.push_back(role_figures(run, spec));
    roles[spec.name] = {{"threads", spec.threads}};
    roles[spec.name].update(aggregate(per_run));
  }
  std::vector<Figures> totals;
  Json runs = Json::array();
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    totals.push_back(config_figures(c.runs[i]));
    runs.push_back(run_json(c.runs[i], i));
  }
  return {{"workers", cli::format_workers(c.workers)},
          {"summary", aggregate(totals)},
          {"roles", std::move(roles)},
          {"runs", std::move(runs)}};
}

}  // namespace

Json context_json(const Context& c) {
  return {
      {"gilhost_version", c.gilhost_version},
      {"python_version", c.python_version},
      {"python_executable", c.python_executable},
      {"python_capabilities",
       {{"host", c.python.host},
        {"per_interpreter_gil", c.python.per_interpreter_gil},
        {"free_threaded", c.python.free_threaded},
        {"gil_enabled", c.python.gil_enabled},
        {"gil_location", c.python.gil_location},
        {"drop_request_location", c.python.drop_request_location},
        {"subinterpreters_module", c.python.subinterpreters_module},
        {"forced_path", c.python.forced_path.empty() ? Json(nullptr) : Json(c.python.forced_path)},
        {"forced_unknown",
         c.python.forced_unknown.empty() ? Json(nullptr) : Json(c.python.forced_unknown)},
        {"drop_request_at_release", c.python.drop_request_at_release}}},
      {"cpu_model", c.cpu_model},
      {"cpu_count", c.cpu_count},
      {"switch_interval_ns", c.switch_interval_ns},
      {"argv", c.argv},
      {"date", c.date},
      {"clock_source", c.clock_source},
      {"traced", c.traced},
      {"script", c.script},
      {"runs", c.runs},
      {"warmup", c.warmup}};
}

Json script_gils_json(const Report& r) {
  Json gils = Json::array();
  for (const GilRecord& g : r.script_gils)
    gils.push_back(
        {{"gil", g.gil}, {"interpreter", g.interpreter}, {"metrics", gil_json(g.metrics)}});
  return gils;
}

// Warnings a reader must see before trusting the figures (the text report's opening lines).
Json warnings_json(const Report& r) {
  Json out = Json::array();
  if (std::string w = busy_machine_warning(r); !w.empty()) out.push_back(w);
  return out;
}

std::string render_json(const Report& r) {
  Json configs = Json::array();
  for (const ConfigResult& c : r.configs) configs.push_back(config_json(c));
  Json doc = {{"schema_version", kSchemaVersion},
              {"context", context_json(r.context)},
              {"status", r.status},
              {"exit_status", r.exit_status},
              {"warnings", warnings_json(r)},
              {"configs", std::move(configs)},
              {"script_wall_ns", r.script_wall_ns},
              {"script_gil", r.script_gil ? gil_json(*r.script_gil) : Json(nullptr)},
              {"script_gils", script_gils_json(r)},
              {"stack_table", stack_table_json(r)}};
  return doc.dump(2) + "\n";
}

}  // namespace gilhost::report
