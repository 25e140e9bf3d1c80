// `gilhost sweep`: the script's top level once, then every interval × workers set, then reports.
#include "workload/sweep_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "cli/units.hpp"
#include "report/output_paths.hpp"
#include "report/report_outputs.hpp"
#include "report/sweep/sweep_html.hpp"
#include "report/sweep/sweep_recommend.hpp"
#include "report/sweep/sweep_report.hpp"
#include "workload/context.hpp"
#include "workload/phases.hpp"
#include "workload/progress.hpp"
#include "workload/script_settings.hpp"
#include "workload/stop_signals.hpp"
#include "workload/test_hooks.hpp"

namespace gilhost::workload {
namespace {

using cli::UsageError;
using std::chrono::nanoseconds;

// A role option must name a role of at least one --workers set (sets without it get "no
// recommendation" and the reason).
void check_role(const std::string& role, const char* option, const plan::Plan& plan) {
  if (role.empty()) return;
  std::vector<std::string> names;
  for (const cli::WorkerSet& set : plan.worker_sets) {
    for (const cli::RoleSpec& r : set) {
      if (r.name == role) return;
      if (std::find(names.begin(), names.end(), r.name) == names.end()) names.push_back(r.name);
    }
  }
  throw UsageError(fmt::format("{}: no role '{}' in the workers (roles: {})", option, role,
                               fmt::join(names, ", ")));
}

// What a sweep needs of its plan; checked before the top level runs when the command line and
// the script's source tell, else right after it.
void check_plan(const cli::SweepOptions& so, const plan::Plan& plan) {
  if (plan.worker_sets.empty()) {
    throw UsageError(
        "sweep: no workers to run: give --workers NAME=N or a GILHOST dict with "
        "'workers'");
  }
  check_role(so.latency_role, "--latency-role", plan);
  check_role(so.throughput_role, "--throughput-role", plan);
}

// Whether the workers are settled before the top level: given on the command line (which wins),
// or the source shows the script's GILHOST (or that it has none).
bool plan_is_known(const plan::Plan& plan, const plan::ScriptSettings& known) {
  return known.state != plan::ScriptSettings::State::kUnknown || !plan.worker_sets.empty();
}

// The recommendation compares with CPython's default interval, so it is measured too.
bool add_default_interval(cli::SweepOptions& so) {
  const nanoseconds def(report::RecommendPolicy{}.default_interval_ns);
  auto& v = so.intervals;
  if (so.latency_role.empty() || std::find(v.begin(), v.end(), def) != v.end()) return false;
  v.insert(std::upper_bound(v.begin(), v.end(), def), def);
  return true;
}

report::SweepResult make_result(const cli::SweepOptions& so, const plan::Plan& plan,
                                const Session& s) {
  report::SweepResult r;
  r.context = make_context(so.run, 0, s.traced());  // the interval varies: see the points
  for (nanoseconds i : so.intervals) r.intervals_ns.push_back(std::uint64_t(i.count()));
  for (const cli::WorkerSet& set : plan.worker_sets) r.workers.push_back(cli::format_workers(set));
  r.runs = plan.runs;
  r.warmup = plan.warmup;
  if (plan.duration) r.duration_ns = std::uint64_t(plan.duration->count());
  r.calls = plan.calls;
  r.latency_role = so.latency_role;
  r.throughput_role = so.throughput_role;
  return r;
}

// On a terminal the bar says where the sweep is; elsewhere each run is logged, as in `run`.
RunAnnouncer announcer(ProgressBar& bar, std::size_t step, const std::string& label) {
  return [&bar, step, label](bool warmup, unsigned number, unsigned count) {
    std::string what = count > 1 || warmup ? fmt::format("{} · {} {}/{}", label,
                                                         warmup ? "warm-up" : "run", number, count)
                                           : label;
    if (bar.enabled()) {
      bar.show(step, what);
    } else {
      spdlog::info("{}", what);
    }
  };
}

void sweep_points(Session& s, const cli::SweepOptions& so, const plan::Plan& plan,
                  report::SweepResult& r, Outcome& out) {
  ProgressBar bar(so.intervals.size() * plan.worker_sets.size());
  std::size_t step = 0;
  for (nanoseconds interval : so.intervals) {
    s.set_switch_interval(interval);
    for (const cli::WorkerSet& set : plan.worker_sets) {
      if (stop_requested(out)) return;
      const std::string label = cli::format_duration(interval) + " · " + cli::format_workers(set);
      ++step;
      report::ConfigResult cfg = run_config(s, so.run, plan, set, out, announcer(bar, step, label));
      bar.clear();
      if (!cfg.runs.empty()) {
        r.points.push_back(report::point_figures(std::uint64_t(interval.count()), cfg));
      }
      if (!out.complete()) return;
    }
  }
}

void write_reports(const cli::SweepOptions& so, report::SweepResult& r) {
  report::Verdict v{r.status, r.exit_status};
  const bool report_on_stdout = report::is_stdout(so.json_path) || report::is_stdout(so.csv_path) ||
                                report::is_stdout(so.html_path);
  if (!so.run.quiet) {
    report::write_table(report::render_sweep_text(r), report_on_stdout ? stderr : stdout, v);
  }
  report::write_reports(
      {
          {"--json", so.json_path, [&r] { return report::render_sweep_json(r); }},
          {"--csv", so.csv_path, [&r] { return report::render_sweep_csv(r); }},
          {"--html", so.html_path, [&r] { return report::render_sweep_html(r); }},
      },
      v, [] { return g_stop_signal.load(); });
}

// A script that ends the program at its top level leaves nothing to sweep.
int top_level_ended(Session& s, int status) {
  if (g_stop_signal.load() != 0 || status == 130) {  // stopped before anything was measured
    return end_session(s, {"interrupted", status, false});
  }
  std::fprintf(stderr,
               "gilhost: error: the script ended the program at its top level (exit status "
               "%d): a sweep needs it to return, leaving its functions to call\n",
               status);
  return end_session(s, {"failed", status != 0 ? status : 1, false});
}

}  // namespace

int sweep_command(const cli::SweepOptions& options) {
  cli::SweepOptions so = options;
  install_test_hooks();
  check_target(so.run, false);
  own_stop_signals();  // from here on a stop is gilhost's to handle (stop_signals.hpp)
  plan::check_outputs({{"--json", so.json_path}, {"--csv", so.csv_path}, {"--html", so.html_path}});
  so.run = with_stdin_read(so.run);
  Session s(launch_of(so.run), !so.run.no_trace, so.run.trace_buffer);
  plan::ScriptSettings known;
  plan::Plan plan = plan_before_top_level(so.run, known);
  if (plan_is_known(plan, known)) check_plan(so, plan);
  std::optional<int> status = g_stop_signal.load() != 0 ? std::optional(interrupted_status())
                                                        : run_top_level(s, so.run, plan);
  if (in_fork_child()) return end_fork_child(s, status);
  if (status) return top_level_ended(s, *status);
  plan.switch_interval.reset();  // each point sets its own
  check_plan(so, plan);
  bool default_added = add_default_interval(so);

  report::SweepResult r = make_result(so, plan, s);
  r.default_added = default_added;
  Outcome out;
  sweep_points(s, so, plan, r, out);
  r.status = out.status;
  r.exit_status = out.exit_status;
  write_reports(so, r);
  out.status = r.status;
  out.exit_status = r.exit_status;
  return end_session(s, out);
}

}  // namespace gilhost::workload
