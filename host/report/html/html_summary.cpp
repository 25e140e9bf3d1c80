// html_summaries: the text report's tables and summary lines as display strings for the HTML page.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "analysis/stats.hpp"
#include "cli/units.hpp"
#include "report/html/html_data.hpp"
#include "report/role_run.hpp"
#include "report/run_comparison.hpp"
#include "report/trace_spans.hpp"

namespace gilhost::report::detail {
namespace {

using analysis::GilStats;
using analysis::GilSummary;
using Values = std::vector<double>;

std::string ns(double v) { return cli::format_ns(v); }
std::string fixed(double v, int d) { return fmt::format("{:.{}f}", v, d); }
int decimals_for(double v) { return std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2; }
std::string rate(double v) { return fixed(v, decimals_for(v)); }
std::string pct(double v) { return fixed(v, 1); }
double mean(const Values& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

template <typename T, typename F>
Values collect(const std::vector<T>& items, F field) {
  Values v;
  for (const T& x : items) v.push_back(double(field(x)));
  return v;
}

// Mean over the runs that have GIL figures, "-" when none has.
template <typename F>
std::string gil_mean(const std::vector<RoleRunFigures>& runs, F field,
                     std::string (*format)(double)) {
  Values v;
  for (const RoleRunFigures& r : runs)
    if (r.gil) v.push_back(double(field(*r.gil)));
  return v.empty() ? "-" : format(mean(v));
}

// A percentile's mean over the runs whose distribution has a sample; "–" when none has, as the
// text report shows it, rather than a 0 ns nobody measured.
template <typename D>
std::string percentile_mean(const std::vector<RoleRunFigures>& runs, D dist, bool p99) {
  Values v;
  for (const RoleRunFigures& r : runs) {
    const analysis::Distribution* d = dist(r);
    if (d && d->count) v.push_back(double(p99 ? d->p99_ns : d->p50_ns));
  }
  return v.empty() ? "–" : ns(mean(v));
}

HtmlJson role_row(const cli::RoleSpec& spec, const std::vector<RoleRunFigures>& runs, bool traced) {
  auto latency = [](const RoleRunFigures& r) { return &r.latency; };
  auto hold = [](const RoleRunFigures& r) { return r.gil ? &r.gil->hold : nullptr; };
  auto wait = [](const RoleRunFigures& r) { return r.gil ? &r.gil->wait : nullptr; };
  Values rates = collect(runs, [](const RoleRunFigures& r) { return r.calls_per_second; });
  analysis::RunStats s = analysis::summarize(rates);
  std::string calls_per_s = rate(s.mean);
  if (s.stddev) calls_per_s += " ± " + fixed(*s.stddev, decimals_for(s.mean));  // as the text
  HtmlJson row = {
      spec.name,
      std::to_string(spec.threads),
      fixed(mean(collect(runs, [](const RoleRunFigures& r) { return double(r.calls); })), 0),
      calls_per_s,
      percentile_mean(runs, latency, false),
      percentile_mean(runs, latency, true),
      pct(mean(collect(runs, [](const RoleRunFigures& r) { return r.cpu_percent; })))};
  if (!traced) return row;
  auto whole = [](double v) { return fixed(v, 0); };
  row.push_back(gil_mean(
      runs, [](const GilStats& g) { return 100 * g.held_fraction; }, pct));
  bool any_gil = std::any_of(runs.begin(), runs.end(), [](auto& x) { return x.gil != nullptr; });
  for (auto [dist, p99] : {std::pair{+hold, false}, {+wait, false}, {+wait, true}})
    row.push_back(any_gil ? percentile_mean(runs, dist, p99) : "-");
  row.push_back(gil_mean(
      runs, [](const GilStats& g) { return g.forced_releases; }, +whole));
  return row;
}

HtmlJson role_columns(bool traced) {
  HtmlJson c = {"role", "threads", "calls", "calls/s", "latency p50", "latency p99", "CPU %"};
  if (traced) {
    for (const char* name : {"held %", "hold p50", "wait p50", "wait p99", "forced"})
      c.push_back(name);
  }
  return c;
}

// The summary lines of the text report as (label, value) pairs; means over the runs.
HtmlJson gil_figures(const std::vector<const GilSummary*>& s) {
  auto m = [&](auto field) { return mean(collect(s, field)); };
  auto p50 = [&](auto dist) {  // over the runs with a sample, else "–" (as the text report)
    Values v;
    for (const GilSummary* g : s)
      if (dist(*g).count) v.push_back(double(dist(*g).p50_ns));
    return v.empty() ? std::string("–") : ns(mean(v));
  };
  using analysis::Distribution;
  std::uint64_t max_waiters = 0;
  for (const GilSummary* g : s) max_waiters = std::max(max_waiters, g->max_waiters);
  return HtmlJson::array(
      {{"GIL utilisation", pct(100 * m([](auto g) { return g->utilisation; })) + " %"},
       {"drop requests", fixed(m([](auto g) { return g->drop_requests; }), 0)},
       {"forced switches", fixed(m([](auto g) { return g->forced_switches; }), 0)},
       {"switch interval p50",
        p50([](const GilSummary& g) -> const Distribution& { return g.achieved_interval; }) +
            " (configured " + ns(m([](auto g) { return g->configured_interval_ns; })) + ")"},
       {"hand-off p50",
        p50([](const GilSummary& g) -> const Distribution& { return g.handoff_voluntary; }) +
            " voluntary / " +
            p50([](const GilSummary& g) -> const Distribution& { return g.handoff_forced; }) +
            " forced"},
       {"waiters", fmt::format("mean {:.2f}, max {}", m([](auto g) { return g->mean_waiters; }),
                               max_waiters)}});
}

void add_outlier_notes(const Report& r, const ConfigResult& c, HtmlJson& notes) {
  for (const std::string& w : outlier_warnings(c, r.context.warmup)) notes.push_back(w);
}

std::string interval_part(const Context& c) {
  return c.switch_interval_ns ? " · switch interval " + ns(double(c.switch_interval_ns)) : "";
}

// One row per role, and with several runs the calls/s range of each role.
void add_role_rows(const Report& r, const ConfigResult& c, HtmlJson& out) {
  std::vector<std::string> ranges;
  for (const cli::RoleSpec& spec : c.workers) {
    std::vector<RoleRunFigures> runs;
    for (const RunRecord& run : c.runs) runs.push_back(role_run_figures(run, spec));
    out["rows"].push_back(role_row(spec, runs, r.context.traced));
    analysis::RunStats s =
        analysis::summarize(collect(runs, [](auto& x) { return x.calls_per_second; }));
    ranges.push_back(spec.name + " " + rate(s.min) + " … " + rate(s.max));
  }
  if (c.runs.size() > 1)
    out["notes"].push_back(fmt::format("calls/s min … max: {}", fmt::join(ranges, " · ")));
}

HtmlJson config_summary(const Report& r, const ConfigResult& c) {
  double wall = mean(collect(c.runs, [](const RunRecord& run) { return run.phase.wall_ns; }));
  HtmlJson out = {
      {"title",
       fmt::format("Workers {} · {} run{} × {}{}", cli::format_workers(c.workers), c.runs.size(),
                   c.runs.size() == 1 ? "" : "s", ns(wall), interval_part(r.context))},
      {"columns", role_columns(r.context.traced)},
      {"rows", HtmlJson::array()},
      {"notes", HtmlJson::array()},
      {"figures", HtmlJson::array()}};
  if (c.runs.empty()) {
    out["notes"].push_back("no measured run");
    return out;
  }
  add_role_rows(r, c, out);
  add_outlier_notes(r, c, out["notes"]);
  out["figures"].push_back({c.runs.size() > 1 ? "wall (mean per run)" : "wall", ns(wall)});
  double cpu = mean(collect(c.runs, [](const RunRecord& x) { return x.phase.cpu_percent(); }));
  out["figures"].push_back({"process CPU", pct(cpu) + " %"});
  std::vector<const GilSummary*> gils;
  for (const RunRecord& run : c.runs)
    if (run.gil) gils.push_back(&run.gil->summary);
  if (gils.empty()) return out;
  for (HtmlJson& f : gil_figures(gils)) out["figures"].push_back(std::move(f));
  return out;
}

HtmlJson script_summary(const Report& r) {
  std::string wall = ns(double(r.script_wall_ns));
  HtmlJson out = {{"title", fmt::format("Script {} · wall {}{}", r.context.script, wall,
                                        interval_part(r.context))},
                  {"columns", {"thread", "holds", "held %", "wait p50", "wait p99", "forced"}},
                  {"rows", HtmlJson::array()},
                  {"notes", HtmlJson::array()},
                  {"figures", HtmlJson::array({{"wall", wall}})}};
  if (!r.script_gil) return out;
  for (const analysis::ThreadMetrics& t : r.script_gil->threads) {
    out["rows"].push_back({thread_display_name(t.info), std::to_string(t.gil.hold.count),
                           pct(100 * t.gil.held_fraction),
                           t.gil.wait.count ? ns(double(t.gil.wait.p50_ns)) : "–",
                           t.gil.wait.count ? ns(double(t.gil.wait.p99_ns)) : "–",
                           std::to_string(t.gil.forced_releases)});
  }
  for (HtmlJson& f : gil_figures({&r.script_gil->summary})) out["figures"].push_back(std::move(f));
  return out;
}

}  // namespace

HtmlJson html_summaries(const Report& r) {
  HtmlJson out = HtmlJson::array();
  for (const ConfigResult& c : r.configs) out.push_back(config_summary(r, c));
  if (r.script_gil || r.configs.empty()) out.push_back(script_summary(r));
  return out;
}

}  // namespace gilhost::report::detail
