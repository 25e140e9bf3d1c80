// render_text: hyperfine-style figures (mean ± σ, min … max) in columns sized to their content.
#include "report/text/text_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include "analysis/stats.hpp"
#include "cli/units.hpp"
#include "report/busy_machine.hpp"
#include "report/role_run.hpp"
#include "report/run_comparison.hpp"
#include "report/stacks/stacks_text.hpp"

namespace gilhost::report {
namespace {

using analysis::Distribution;
using analysis::GilStats;
using analysis::GilSummary;
using Row = std::vector<std::string>;
using Values = std::vector<double>;

constexpr std::string_view kIndent = "  ";
constexpr std::string_view kNoTrace = "(--no-trace: no GIL figures)";
constexpr std::size_t kCallsPerSecondColumn = 3;

// Columns count code points, so that "±", "…" and "✓" (several UTF-8 bytes) take one.
std::size_t display_width(std::string_view s) {
  return std::size_t(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string fixed(double v, int decimals) { return fmt::format("{:.{}f}", v, decimals); }
int decimals_for(double v) { return std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2; }
std::string rate(double v) { return fixed(v, decimals_for(v)); }
std::string pct(double v) { return fixed(v, 1); }
std::string whole(double v) { return fixed(v, 0); }
std::string ns(double v) { return cli::format_ns(v); }
std::string mark(bool ok) { return ok ? "✓" : "✗"; }
double mean(const Values& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}
std::string mean_or_dash(const Values& v, std::string (*format)(double)) {
  return v.empty() ? "-" : format(mean(v));
}

// First column left-aligned, the others right-aligned, two spaces between columns.
std::string render_table(const Row& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> widths(header.size(), 0);
  auto measure = [&](const Row& row) {
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  };
  auto emit = [&](const Row& row) {
    std::string line(kIndent);
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string fill(widths[i] - display_width(row[i]), ' ');
      line += (i ? "  " : "") + (i ? fill + row[i] : row[i] + fill);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    return line + "\n";
  };
  measure(header);
  for (const Row& row : rows) measure(row);
  std::string out = emit(header);
  for (const Row& row : rows) out += emit(row);
  return out;
}

// field(x) for each x of `items`; null pointers (runs without GIL figures) are skipped.
template <typename T, typename F>
Values collect(const std::vector<T>& items, F field) {
  Values v;
  for (const T& x : items) {
    if constexpr (std::is_pointer_v<T>) {
      if (x) v.push_back(double(field(*x)));
    } else {
      v.push_back(double(field(x)));
    }
  }
  return v;
}

std::string pad_left(const std::string& s, std::size_t width) {
  return std::string(width - std::min(width, display_width(s)), ' ') + s;
}

// "605 ± 12" with several runs (no σ from a single sample), the ± signs aligned across rows.
void add_sigma(std::vector<Row>& rows, const std::vector<Values>& calls_per_s, std::size_t col) {
  std::vector<std::string> sigmas;
  std::size_t mean_width = 0, sigma_width = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    analysis::RunStats s = analysis::summarize(calls_per_s[i]);
    sigmas.push_back(s.stddev ? fixed(*s.stddev, decimals_for(s.mean)) : "");
    mean_width = std::max(mean_width, display_width(rows[i][col]));
    sigma_width = std::max(sigma_width, display_width(sigmas.back()));
  }
  if (sigma_width == 0) return;
  for (std::size_t i = 0; i < rows.size(); ++i)
    rows[i][col] = pad_left(rows[i][col], mean_width) + " ± " + pad_left(sigmas[i], sigma_width);
}

// Each cell is the mean over runs; calls/s gets its σ later (add_sigma).
Row role_row(const cli::RoleSpec& spec, const std::vector<RoleRunFigures>& runs, bool traced) {
  auto m = [&](auto field) { return mean(collect(runs, field)); };
  Row row = {spec.name,
             std::to_string(spec.threads),
             whole(m([](const RoleRunFigures& r) { return double(r.calls); })),
             rate(m([](const RoleRunFigures& r) { return r.calls_per_second; })),
             ns(m([](const RoleRunFigures& r) { return double(r.latency.p50_ns); })),
             ns(m([](const RoleRunFigures& r) { return double(r.latency.p99_ns); })),
             pct(m([](const RoleRunFigures& r) { return r.cpu_percent; }))};
  if (!traced) return row;
  std::vector<const GilStats*> gils;
  for (const RoleRunFigures& r : runs) gils.push_back(r.gil);
  auto g = [&](auto field, auto format) { return mean_or_dash(collect(gils, field), format); };
  row.push_back(g([](auto& s) { return 100 * s.held_fraction; }, pct));
  row.push_back(g([](auto& s) { return s.wait.p50_ns; }, ns));
  row.push_back(g([](auto& s) { return s.wait.p99_ns; }, ns));
  row.push_back(g([](auto& s) { return s.forced_releases; }, whole));
  return row;
}

Row role_header(bool traced) {
  Row h = {"role", "threads", "calls", "calls/s", "latency p50", "latency p99", "CPU %"};
  if (traced) h.insert(h.end(), {"held %", "wait p50", "wait p99", "forced"});
  return h;
}

std::string min_max(const Values& v) {
  analysis::RunStats s = analysis::summarize(v);
  return rate(s.min) + " … " + rate(s.max);
}

std::string outlier_lines(const Report& r, const ConfigResult& c) {
  std::string out;
  for (const std::string& w : outlier_warnings(c, r.context.warmup))
    out += fmt::format("{}{}\n", kIndent, w);
  return out;
}

// Every GIL of the process at the window's end (main GIL figures only): a GIL the tracer does not
// know is one whose events were never seen.
std::string census_part(const GilSummary& g) {
  const trace::GilCensus& c = g.census;
  if (!c.taken) return "";
  const int gils = c.own_gils + 1, traced = gils - c.untraced;
  std::string out = fmt::format(" · GILs traced {} of {} {}", traced, gils, mark(c.untraced == 0));
  if (c.untraced)
    out += fmt::format(" ({} GIL{} not traced: {} events are missing)", c.untraced,
                       c.untraced > 1 ? "s" : "", c.untraced > 1 ? "their" : "its");
  if (c.shared_with_main)
    out += fmt::format(" · {} sub-interpreter{} on the main GIL", c.shared_with_main,
                       c.shared_with_main > 1 ? "s" : "");
  return out;
}

std::string check_line(const std::vector<const GilSummary*>& s) {
  std::uint64_t changes = 0, switches = 0, delta = 0, overlaps = 0, lost = 0, malformed = 0,
                unclassified = 0;
  std::vector<std::string> bad_runs;
  bool window_ok = true, read = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    changes += s[i]->holder_changes;
    switches += s[i]->thread_state_switches;
    delta += s[i]->switch_number_delta;
    overlaps += s[i]->overlapping_holds;
    lost += s[i]->lost_events;
    malformed += s[i]->malformed_events;
    unclassified += s[i]->unclassified_releases;
    read = read && s[i]->switch_number_read;
    if (s[i]->switch_number_read && s[i]->thread_state_switches != s[i]->switch_number_delta)
      bad_runs.push_back(std::to_string(i + 1));
    window_ok = window_ok && s[i]->held_ns + s[i]->free_ns == s[i]->window_ns;
  }
  bool ok = bad_runs.empty();
  std::string runs = s.size() > 1 ? fmt::format(" ({} runs)", s.size()) : "";
  // CPython's switch_number counts changes of holding thread state; the tracer sees each one as
  // switch_number growing during a hold. OS-thread holder changes differ when one thread changes
  // thread state (a legacy sub-interpreter), which is shown, not flagged.
  std::string out =
      read ? fmt::format("{}check{}: thread-state switches {} {} switch_number Δ {} {}", kIndent,
                         runs, switches, ok ? "=" : "≠", delta, mark(ok))
           : fmt::format(
                 "{}check{}: thread-state switches {} (this GIL's switch_number is not "
                 "read)",
                 kIndent, runs, switches);
  if (!ok && s.size() > 1)
    out += fmt::format(" (run{} {})", bad_runs.size() > 1 ? "s" : "", fmt::join(bad_runs, ", "));
  if (changes != switches) {
    out += fmt::format(" · holder changes {} between OS threads{}", changes,
                       switches > changes ? " (the other switches changed thread state on one "
                                            "thread: a sub-interpreter or a new thread state)"
                                          : "");
  }
  out += fmt::format(" · held + free {} window {}", window_ok ? "=" : "≠", mark(window_ok));
  out += fmt::format(" · overlapping holds {} {}", overlaps, mark(overlaps == 0));
  if (malformed) out += fmt::format(" · malformed events {} ✗", malformed);
  if (unclassified) out += fmt::format(" · releases not classified {} ✗", unclassified);
  out += census_part(*s.back());
  out += fmt::format(" · events lost {} {}\n", lost, mark(lost == 0));
  if (lost) {
    out += fmt::format(
        "{}WARNING: {} events were lost, the GIL figures above are incomplete: "
        "raise --trace-buffer\n",
        kIndent, lost);
  }
  return out;
}

// The releases that were not forced, and the holders' run-queue delay inside their holds, the
// worst run (metrics.md: voluntary_with_request, handshakes, held_off_cpu).
std::string release_line(const std::vector<const GilSummary*>& s) {
  double worst = -1, pending = 0, handshakes = 0;
  bool read = true;
  for (const GilSummary* g : s) {
    read = read && g->drop_request_read;
    if (g->sched_sampled && g->held_ns) worst = std::max(worst, g->held_off_cpu_fraction());
    pending += double(g->voluntary_with_request) / double(s.size());
    handshakes += double(g->handshakes) / double(s.size());
  }
  std::string off = worst < 0 ? "unknown (not sampled)"
                              : fmt::format("{} % of held time{}{}", pct(100 * worst),
                                            s.size() > 1 ? " (worst run)" : "",
                                            worst > analysis::kOffCpuWarnFraction ? " ✗" : "");
  // From 3.13 the request is a bit of the holder's thread state: not read at a release, so the
  // count is unknown rather than 0 (metrics.md, voluntary_with_request).
  const std::string voluntary =
      read ? whole(pending) + " voluntary releases with a request pending"
           : "voluntary releases with a request pending: not measured on this CPython";
  return fmt::format("{}{} · {} handshakes · GIL held but holder off-CPU: {}\n", kIndent, voluntary,
                     whole(handshakes), off);
}

// `first` opens the first line (wall time, CPU); the GIL figures are means over `s`.
std::string gil_lines(const std::string& first, const std::vector<const GilSummary*>& s) {
  std::uint64_t max_waiters = 0;
  for (const GilSummary* g : s) max_waiters = std::max(max_waiters, g->max_waiters);
  auto m = [&](auto field) { return mean(collect(s, field)); };
  // A p50 over runs that had no sample at all is shown as "–", not as 0 ns.
  auto p50 = [&](auto dist) {
    std::vector<const GilSummary*> with;
    for (const GilSummary* g : s) {
      if (dist(*g).count) with.push_back(g);
    }
    return with.empty() ? std::string("–")
                        : ns(mean(collect(with, [&](auto& g) { return dist(g).p50_ns; })));
  };
  std::string out = fmt::format("{}{} · GIL utilisation {} %\n", kIndent, first,
                                pct(100 * m([](auto& g) { return g.utilisation; })));
  out += fmt::format(
      "{}{} drop requests · {} forced switches · switch interval p50 {} (configured {})\n", kIndent,
      whole(m([](auto& g) { return g.drop_requests; })),
      whole(m([](auto& g) { return g.forced_switches; })),
      p50([](auto& g) -> const Distribution& { return g.achieved_interval; }),
      ns(m([](auto& g) { return g.configured_interval_ns; })));
  out += release_line(s);
  out +=
      fmt::format("{}hand-off p50 {} voluntary / {} forced · waiters mean {:.2f}, max {}\n",
                  kIndent, p50([](auto& g) -> const Distribution& { return g.handoff_voluntary; }),
                  p50([](auto& g) -> const Distribution& { return g.handoff_forced; }),
                  m([](auto& g) { return g.mean_waiters; }), max_waiters);
  return out + check_line(s);
}

// "sub:cpu-0" -> "GIL of cpu-0's sub-interpreter".
std::string interpreter_title(const std::string& interpreter) {
  const std::string worker = interpreter.substr(interpreter.find(':') + 1);
  return fmt::format("GIL of {}'s sub-interpreter", worker);
}

// One block per own-GIL sub-interpreter (means over runs, matched by interpreter name), then
// the total over every GIL; nothing when the configuration has no :sub worker.
std::string sub_gil_blocks(const ConfigResult& c) {
  std::vector<std::string> names;
  for (const RunRecord& run : c.runs) {
    for (const GilRecord& g : run.sub_gils) {
      if (std::find(names.begin(), names.end(), g.interpreter) == names.end())
        names.push_back(g.interpreter);
    }
  }
  if (names.empty()) return "";
  std::string out;
  double held_total = 0;
  for (const std::string& name : names) {
    std::vector<const GilSummary*> s;
    for (const RunRecord& run : c.runs) {
      for (const GilRecord& g : run.sub_gils)
        if (g.interpreter == name) s.push_back(&g.metrics.summary);
    }
    held_total += mean(collect(s, [](auto& g) { return g.utilisation; }));
    out += gil_lines(interpreter_title(name), s);
  }
  double main_util = mean(collect(
      c.runs, [](const RunRecord& run) { return run.gil ? run.gil->summary.utilisation : 0.0; }));
  return out + fmt::format(
                   "{}all {} GILs (main + {} sub-interpreters): held {} % of one CPU in "
                   "total\n",
                   kIndent, names.size() + 1, names.size(), pct(100 * (held_total + main_util)));
}

std::string config_summary(const Report& r, const ConfigResult& c) {
  Values walls, cpus;
  std::vector<const GilSummary*> gils;
  for (const RunRecord& run : c.runs) {
    walls.push_back(double(run.phase.wall_ns));
    cpus.push_back(run.phase.cpu_percent());
    if (run.gil) gils.push_back(&run.gil->summary);
  }
  std::string first =
      fmt::format("{}wall {} · process CPU {} %", c.runs.size() > 1 ? "mean per run: " : "",
                  ns(mean(walls)), pct(mean(cpus)));
  if (!r.context.traced || gils.empty()) return fmt::format("{}{} {}\n", kIndent, first, kNoTrace);
  return gil_lines(first, gils) + sub_gil_blocks(c);
}

std::string interval_part(const Context& c) {
  return c.switch_interval_ns ? " · switch interval " + ns(double(c.switch_interval_ns)) : "";
}

std::string config_block(const Report& r, const ConfigResult& c) {
  double wall = mean(collect(c.runs, [](const RunRecord& run) { return run.phase.wall_ns; }));
  std::string out =
      fmt::format("Workers {} · {} run{} × {}{}\n", cli::format_workers(c.workers), c.runs.size(),
                  c.runs.size() == 1 ? "" : "s", ns(wall), interval_part(r.context));
  if (c.runs.empty()) return fmt::format("{}{}(no measured run)\n", out, kIndent);
  std::vector<Row> rows;
  std::vector<Values> rates;
  std::vector<std::string> ranges;
  for (const cli::RoleSpec& spec : c.workers) {
    std::vector<RoleRunFigures> runs;
    for (const RunRecord& run : c.runs) runs.push_back(role_run_figures(run, spec));
    rows.push_back(role_row(spec, runs, r.context.traced));
    rates.push_back(collect(runs, [](const RoleRunFigures& x) { return x.calls_per_second; }));
    ranges.push_back(spec.name + " " + min_max(rates.back()));
  }
  add_sigma(rows, rates, kCallsPerSecondColumn);
  out += render_table(role_header(r.context.traced), rows);
  if (c.runs.size() > 1)
    out += fmt::format("{}calls/s min … max: {}\n", kIndent, fmt::join(ranges, " · "));
  return out + outlier_lines(r, c) + config_summary(r, c);
}

std::string thread_name(const trace::ThreadInfo& info) {
  if (!info.worker.empty()) return info.worker;
  if (!info.python_name.empty()) return info.python_name;
  return "tid " + std::to_string(info.tid);
}

constexpr std::size_t kMaxScriptRows = 20;

// The threads that held the script's GIL longest, as a table (all of them are in the JSON: a
// script may start thousands).
std::string script_threads(const analysis::GilMetrics& gil) {
  std::vector<const analysis::ThreadMetrics*> threads;
  for (const analysis::ThreadMetrics& t : gil.threads) threads.push_back(&t);
  std::stable_sort(threads.begin(), threads.end(),
                   [](auto* a, auto* b) { return a->gil.held_fraction > b->gil.held_fraction; });
  std::vector<Row> rows;
  for (std::size_t i = 0; i < std::min(threads.size(), kMaxScriptRows); ++i) {
    const analysis::ThreadMetrics& t = *threads[i];
    rows.push_back({thread_name(t.info), std::to_string(t.gil.hold.count),
                    pct(100 * t.gil.held_fraction), ns(double(t.gil.wait.p50_ns)),
                    ns(double(t.gil.wait.p99_ns)), std::to_string(t.gil.forced_releases)});
  }
  std::string out =
      render_table({"thread", "holds", "held %", "wait p50", "wait p99", "forced"}, rows);
  if (threads.size() > kMaxScriptRows) {
    out += fmt::format("{}… and {} more threads (all in --json)\n", kIndent,
                       threads.size() - kMaxScriptRows);
  }
  return out;
}

std::string script_block(const Report& r) {
  std::string wall = ns(double(r.script_wall_ns));
  std::string out =
      fmt::format("Script {} · wall {}{}\n", r.context.script, wall, interval_part(r.context));
  if (!r.script_gil) return fmt::format("{}{}{}\n", out, kIndent, kNoTrace);
  out += script_threads(*r.script_gil);
  out += gil_lines("wall " + wall, {&r.script_gil->summary});
  for (const GilRecord& g : r.script_gils) out += gil_lines(g.interpreter, {&g.metrics.summary});
  return out;
}

// The run whose worker raised: its traceback's last line says why the run stopped.
const analysis::PhaseResult* first_error(const Report& r) {
  for (const ConfigResult& c : r.configs) {
    for (const RunRecord& run : c.runs)
      if (!run.phase.error_worker.empty()) return &run.phase;
  }
  return nullptr;
}

std::string partial_line(const Report& r) {
  std::string why = status_reason(r.status);
  if (const analysis::PhaseResult* p = first_error(r)) {
    std::string text = p->error_text.substr(0, p->error_text.find_last_not_of("\n ") + 1);
    text = text.substr(text.find_last_of('\n') + 1);
    why += fmt::format(" (worker {}{}{})", p->error_worker, text.empty() ? "" : ": ", text);
  }
  return fmt::format("PARTIAL RESULTS: {}; exit status {}\n\n", why, r.exit_status);
}

std::string comparison(const Report& r) {
  std::string out = std::string(kComparisonTitle) + ":\n";
  for (const std::string& line : comparison_lines(r)) out += fmt::format("{}{}\n", kIndent, line);
  return out;
}

}  // namespace

std::string render_text(const Report& r) {
  std::vector<std::string> blocks;
  for (const ConfigResult& c : r.configs) blocks.push_back(config_block(r, c));
  if (r.script_gil || r.configs.empty()) blocks.push_back(script_block(r));
  if (r.configs.size() >= 2) blocks.push_back(comparison(r));
  if (std::string s = stacks_text(r); !s.empty()) blocks.push_back(std::move(s));
  std::string out = r.status == "complete" ? "" : partial_line(r);
  if (std::string w = busy_machine_warning(r); !w.empty()) out += w + "\n\n";
  return out + fmt::format("{}", fmt::join(blocks, "\n"));
}

std::string render_script_brief(const Report& r) {
  if (!r.script_gil || !r.script_gils.empty()) return render_text(r);
  const GilSummary& g = r.script_gil->summary;
  const std::size_t threads = r.script_gil->threads.size();
  std::string out =
      fmt::format("gilhost: {} · wall {} · GIL held {} % · {} thread{} · {} forced switches{}\n",
                  r.context.script, ns(double(r.script_wall_ns)), pct(100 * g.utilisation), threads,
                  threads == 1 ? "" : "s", whole(g.forced_switches), interval_part(r.context));
  if (threads > 1) {
    out += script_threads(*r.script_gil);
    // Where threads contend, the code that held the GIL and the code that waited for it.
    if (std::string s = stacks_text(r); !s.empty()) out += "\n" + s;
  }
  // A figure or cross-check marked ✗ is never left out.
  for (const std::string& line : {release_line({&g}), check_line({&g})}) {
    if (line.find("✗") != std::string::npos) out += line;
  }
  if (r.status != "complete" && r.status != "failed") out = partial_line(r) + out;
  return out;
}

}  // namespace gilhost::report
