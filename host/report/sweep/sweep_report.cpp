// render_sweep_text: the sweep table, hyperfine-style (mean ± σ only with several runs), then the
// recommendation with the figures behind it.
#include "report/sweep/sweep_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cli/units.hpp"
#include "report/sweep/sweep_recommend.hpp"

namespace gilhost::report {
namespace {

using Row = std::vector<std::string>;
constexpr std::string_view kIndent = "  ";
constexpr std::size_t kRateColumn = 3;

// Columns count code points, so that "±" (two UTF-8 bytes) takes one.
std::size_t display_width(std::string_view s) {
  return std::size_t(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string rate(double v) {
  return fmt::format("{:.{}f}", v, std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2);
}
std::string ns(double v) { return cli::format_ns(v); }
std::string pct(double v) { return fmt::format("{:.1f}", v); }

std::string pad(std::string_view s, std::size_t width, bool right) {
  std::string fill(width - std::min(width, display_width(s)), ' ');
  return right ? fill + std::string(s) : std::string(s) + fill;
}

// Columns 1 and 2 (workers, role) are text and left-aligned; the others are right-aligned.
std::string render_table(const Row& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> widths;
  for (const std::string& cell : header) widths.push_back(display_width(cell));
  for (const Row& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));
  }
  auto emit = [&](const Row& row) {
    std::string line(kIndent);
    for (std::size_t i = 0; i < row.size(); ++i)
      line += (i ? "  " : "") + pad(row[i], widths[i], i != 1 && i != 2);
    line.erase(line.find_last_not_of(' ') + 1);
    return line + "\n";
  };
  std::string out = emit(header);
  for (const Row& row : rows) out += emit(row);
  return out;
}

// "605 ± 12" when the point has several runs, the ± signs aligned down the column.
std::vector<std::string> rate_cells(const std::vector<const analysis::RunStats*>& stats) {
  std::size_t mean_width = 0, sigma_width = 0;
  for (const auto* s : stats) {
    mean_width = std::max(mean_width, rate(s->mean).size());
    if (s->stddev) sigma_width = std::max(sigma_width, rate(*s->stddev).size());
  }
  std::vector<std::string> cells;
  for (const auto* s : stats) {
    std::string mean = pad(rate(s->mean), mean_width, true);
    if (sigma_width == 0) {
      cells.push_back(mean);
    } else if (s->stddev) {
      cells.push_back(mean + " ± " + pad(rate(*s->stddev), sigma_width, true));
    } else {  // a point with one run among points with several: no σ to show
      cells.push_back(mean + std::string(sigma_width + 3, ' '));
    }
  }
  return cells;
}

Row role_row(const PointFigures& p, const RoleFigures& r, bool first_of_interval) {
  bool first_of_point = &r == &p.roles.front();
  std::string switches =
      p.forced_switches_per_second ? rate(p.forced_switches_per_second->mean) : "-";
  return {first_of_interval && first_of_point ? ns(double(p.interval_ns)) : "",
          first_of_point ? p.workers : "",
          r.role,
          "",  // calls/s: filled by rate_cells
          ns(r.latency_p50_ns.mean),
          ns(r.latency_p99_ns.mean),
          first_of_point ? switches : "",
          r.held_fraction ? pct(100 * r.held_fraction->mean) : "-"};
}

// Points whose last run stopped early: their figures include that run.
std::string incomplete_points(const SweepResult& s) {
  std::string out;
  for (const PointFigures& p : s.points) {
    if (p.status == "complete") continue;
    out += fmt::format("{}{} · {}: {} (the figures include the run that stopped)\n", kIndent,
                       ns(double(p.interval_ns)), p.workers, p.status);
  }
  return out;
}

std::string table(const SweepResult& s) {
  std::vector<Row> rows;
  std::vector<const analysis::RunStats*> rates;
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const PointFigures& p = s.points[i];
    bool first_of_interval = i == 0 || s.points[i - 1].interval_ns != p.interval_ns;
    for (const RoleFigures& r : p.roles) {
      rows.push_back(role_row(p, r, first_of_interval));
      rates.push_back(&r.calls_per_second);
    }
  }
  std::vector<std::string> cells = rate_cells(rates);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i][kRateColumn] = cells[i];
  return render_table({"interval", "workers", "role", "calls/s", "latency p50", "latency p99",
                       "switches/s", "held %"},
                      rows) +
         incomplete_points(s);
}

std::string budget(const SweepResult& s) {
  std::string each = s.duration_ns ? ns(double(*s.duration_ns))
                                   : fmt::format("{} calls per thread", s.calls.value_or(0));
  std::string warmup =
      s.warmup ? fmt::format(" (after {} warm-up{})", s.warmup, s.warmup == 1 ? "" : "s") : "";
  return fmt::format("{} run{} × {} per point{}", s.runs, s.runs == 1 ? "" : "s", each, warmup);
}

std::string heading(const SweepResult& s) {
  std::string out =
      fmt::format("Sweep of {} · {} interval{} × {} configuration{} · {}\n", s.context.script,
                  s.intervals_ns.size(), s.intervals_ns.size() == 1 ? "" : "s", s.workers.size(),
                  s.workers.size() == 1 ? "" : "s", budget(s));
  out += s.context.traced
             ? fmt::format("{}switches/s = forced switches per second of wall time\n", kIndent)
             : fmt::format("{}(--no-trace: no GIL figures)\n", kIndent);
  if (s.default_added) {
    out += fmt::format("{}{} (CPython's default) was added for the comparison\n", kIndent,
                       ns(double(RecommendPolicy{}.default_interval_ns)));
  }
  return out;
}

std::string partial_line(const SweepResult& s) {
  std::string why = s.status == "failed"        ? "a worker failed"
                    : s.status == "interrupted" ? "the sweep was interrupted"
                    : s.status == "timed_out"   ? "a worker phase ran past --timeout"
                                                : "status " + s.status;
  return fmt::format("PARTIAL RESULTS: {} ({} of {} points measured); exit status {}\n\n", why,
                     s.points.size(), s.intervals_ns.size() * s.workers.size(), s.exit_status);
}

// "1.58 ms: lat p99 1.90 ms · cpu 9650 calls/s = 97.1 % of the best"
std::string figures(const SweepResult& s, const PointChoice& c) {
  return fmt::format("{}: {} p99 {} · {} {} calls/s = {} % of the best", ns(double(c.interval_ns)),
                     s.latency_role, ns(c.latency_p99_ns), s.throughput_role, rate(c.throughput),
                     pct(100 * c.fraction_of_best));
}

// Why the point with the lowest p99 was not chosen.
std::string lowest_line(const SweepResult& s, const Recommendation& r, const RecommendPolicy& pol) {
  const PointChoice& low = r.lowest_latency;
  if (low.interval_ns == r.chosen.interval_ns) return "";
  std::string why =
      low.fraction_of_best < pol.throughput_floor
          ? fmt::format("below {:g} %, excluded", 100 * pol.throughput_floor)
          : fmt::format("within {:g} % of the chosen p99, a tie that goes to the larger interval",
                        100 * pol.tie_tolerance);
  return fmt::format("{}lowest p99 {}: {}\n", kIndent, figures(s, low), why);
}

// "1.58 ms: lat p99 1.90 ms ± 0.10 ms (3 runs)"
std::string p99_text(const SweepResult& s, const PointChoice& c) {
  const analysis::RunStats& p = c.latency_p99;
  return fmt::format("{}: {} p99 {}{}", ns(double(c.interval_ns)), s.latency_role, ns(p.mean),
                     p.stddev ? " ± " + ns(*p.stddev) : "");
}

// The line under the rule that says how sure the choice is against the default.
std::string confidence_line(const SweepResult& s, const Recommendation& r,
                            const RecommendPolicy& pol) {
  const std::string def = ns(double(pol.default_interval_ns));
  switch (r.confidence) {
    case Confidence::kIsDefault:
      return fmt::format("{}confidence: the rule chose CPython's default, {}: nothing to change\n",
                         kIndent, def);
    case Confidence::kSignificant:
      return fmt::format(
          "{}confidence: {} is below the default's ({}) beyond the noise (Welch p = {:.2g}, {} "
          "and {} runs)\n",
          kIndent, p99_text(s, r.chosen), p99_text(s, *r.default_point), r.vs_default->p,
          r.chosen.latency_p99.n, r.default_point->latency_p99.n);
    case Confidence::kInsideNoise:
      return fmt::format(
          "{}confidence: the chosen {} is inside the noise of the default's ({}; Welch p = "
          "{:.2g}): keep the default\n",
          kIndent, p99_text(s, r.chosen), p99_text(s, *r.default_point), r.vs_default->p);
    case Confidence::kUntested:
      return fmt::format(
          "{}confidence: not tested: with one run per point the noise is unknown: keep the "
          "default until --runs 3 or more shows the difference\n",
          kIndent);
    case Confidence::kNoDefault:
      break;
  }
  return fmt::format(
      "{}confidence: not compared with the default ({} {}): the rule's choice stands\n", kIndent,
      def, r.default_point ? "fails the throughput floor" : "was not measured");
}

std::string render_recommendation(const SweepResult& s, const Recommendation& r) {
  if (!r.ok()) return fmt::format("No recommendation for {}: {}\n", r.workers, r.error);
  const RecommendPolicy pol;
  const bool keep = r.recommended_ns != r.chosen.interval_ns;
  std::string out =
      keep ? fmt::format("Recommendation for {}: keep CPython's default switch interval {}\n",
                         r.workers, ns(double(r.recommended_ns)))
           : fmt::format(
                 "Recommendation for {}: switch interval {} (sys.setswitchinterval({:g}))\n",
                 r.workers, ns(double(r.chosen.interval_ns)), double(r.chosen.interval_ns) / 1e9);
  out += fmt::format(
      "{}rule: the lowest {} p99 with {} calls/s ≥ {:g} % of its best ({} at {}), over {} "
      "point{}{}\n",
      kIndent, s.latency_role, s.throughput_role, 100 * pol.throughput_floor,
      rate(r.best_throughput.throughput), ns(double(r.best_throughput.interval_ns)), r.points,
      r.points == 1 ? "" : "s", s.complete() ? "" : " (partial sweep)");
  out += fmt::format("{}chosen {}\n", kIndent, figures(s, r.chosen));
  out += lowest_line(s, r, pol);
  if (r.default_point) {
    out += fmt::format("{}default {}\n", kIndent, figures(s, *r.default_point));
  } else {
    out +=
        fmt::format("{}default {}: not measured\n", kIndent, ns(double(pol.default_interval_ns)));
  }
  out += confidence_line(s, r, pol);
  for (const std::string& c : recommendation_caveats(s, r))
    out += fmt::format("{}warning: {}\n", kIndent, c);
  return out;
}

}  // namespace

std::vector<std::string> recommendation_caveats(const SweepResult& s, const Recommendation& r) {
  std::vector<std::string> out;
  if (!r.ok()) return out;
  const RecommendPolicy pol;
  // Runs that disagree by more than the margin make the choice partly chance.
  const double margin = 1 - pol.throughput_floor;
  if (r.noisiest.throughput_relative_stddev > margin) {
    out.push_back(fmt::format(
        "{} calls/s varies by {} % between runs at {} (σ / mean), more than the {:g} % margin: "
        "use more --runs (now {}) or a quieter machine",
        s.throughput_role, pct(100 * r.noisiest.throughput_relative_stddev),
        ns(double(r.noisiest.interval_ns)), 100 * margin, s.runs));
  }
  // A p99 needs enough calls per run to be more than the slowest call.
  if (r.points_with_few_latency_calls != 0) {
    const PointChoice& few = r.fewest_latency_calls;
    out.push_back(fmt::format(
        "{} made fewer than {:g} calls per run at {} of {} points ({:.0f} at {}): a p99 there is "
        "about the slowest call; use a longer --duration",
        s.latency_role, pol.enough_latency_calls, r.points_with_few_latency_calls, r.points,
        few.latency_calls, ns(double(few.interval_ns))));
  }
  if (r.confidence == Confidence::kInsideNoise) {
    out.push_back(fmt::format(
        "the chosen interval's {} p99 is inside the noise of the default's (Welch p = {:.2g}): "
        "keep the default, or use more --runs (now {}) to tell them apart",
        s.latency_role, r.vs_default->p, s.runs));
  }
  return out;
}

std::vector<std::string> sweep_caveats(const SweepResult& s) {
  std::vector<std::string> out;
  if (s.runs < 2) {
    out.push_back(
        "1 run per point: the charts have no error bars, the noise between runs is unknown and "
        "no recommendation can be shown to beat the default; use --runs 3 or more.");
  }
  for (const Recommendation& r : recommendations(s)) {
    for (const std::string& c : recommendation_caveats(s, r)) out.push_back(r.workers + ": " + c);
  }
  return out;
}

std::string render_sweep_text(const SweepResult& s) {
  std::string out = s.complete() ? "" : partial_line(s);
  out += heading(s) + table(s) + "\n";
  if (s.latency_role.empty()) {
    return out + "give --latency-role and --throughput-role for a recommendation\n";
  }
  std::vector<std::string> blocks;
  for (const Recommendation& r : recommendations(s)) blocks.push_back(render_recommendation(s, r));
  for (std::size_t i = 0; i < blocks.size(); ++i) out += (i ? "\n" : "") + blocks[i];
  return out;
}

}  // namespace gilhost::report
