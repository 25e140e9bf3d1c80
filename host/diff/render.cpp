// The text of `gilhost compare`: one table per configuration, then the gates.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli/units.hpp"
#include "diff/diff.hpp"
#include "report/run_comparison.hpp"

namespace gilhost::diff {
namespace {

using Row = std::vector<std::string>;

std::size_t width_of(const std::string& s) {
  return std::size_t(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string value(double v, const FigureSpec& spec) {
  if (std::string_view(spec.unit) == "ns") return cli::format_ns(v);
  if (std::string_view(spec.unit) == "%") return fmt::format("{:.1f} %", 100 * v);
  return fmt::format("{:.{}f}", v, std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2);
}

std::string side(const Side& s, const FigureSpec& spec) {
  return s.stddev ? value(s.mean, spec) + " ± " + value(*s.stddev, spec) : value(s.mean, spec);
}

std::string change(const FigureDiff& f) {
  const auto c = f.change_percent();
  if (!c) return "n/a";
  if (!f.ratio.uncertainty) return fmt::format("{:+.1f} %", *c);
  return fmt::format("{:+.1f} ± {:.1f} %", *c, 100 * *f.ratio.uncertainty);
}

// First column left-aligned, the others right-aligned but the last (the verdict).
std::string table(const std::vector<Row>& rows) {
  std::vector<std::size_t> w(rows.front().size(), 0);
  for (const Row& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], width_of(r[i]));
  std::string out;
  for (const Row& r : rows) {
    std::string line = "  ";
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string fill(w[i] - width_of(r[i]), ' ');
      const bool left = i < 2 || i + 1 == r.size();
      line += (i ? "  " : "") + (left ? r[i] + fill : fill + r[i]);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

std::string runs_of(const std::vector<const FigureDiff*>& figs) {
  std::size_t a = 0, b = 0;
  for (const FigureDiff* f : figs) {
    a = std::max(a, f->base.n);
    b = std::max(b, f->other.n);
  }
  return fmt::format("{} run{} against {}", a, a == 1 ? "" : "s", b);
}

std::string gate_lines(const std::vector<GateResult>& gates) {
  if (gates.empty()) return "";
  std::string out = "\nGates (a significant change past the threshold fails):\n";
  const Gate* current = nullptr;
  for (const GateResult& g : gates) {
    if (g.gate != current) {
      current = g.gate;
      out += fmt::format("  {}\n", g.gate->text);
    }
    const FigureDiff& f = *g.figure;
    out += fmt::format("    {} · {}: {} ({}){}\n", f.workers, f.role.empty() ? "all roles" : f.role,
                       change(f), f.verdict, g.tripped ? " ✗ FAILED" : " ✓");
  }
  return out;
}

}  // namespace

std::string render_text(const Diff& d, const std::vector<GateResult>& gates,
                        const std::string& base_path, const std::string& other_path) {
  std::string out = fmt::format(
      "Comparing {} against {} (mean ± σ over the runs; change ± its propagated uncertainty; "
      "Welch's t-test, significant at p < {:g})\n",
      other_path, base_path, report::kSignificance);
  std::vector<std::string> order;
  for (const FigureDiff& f : d.figures)
    if (std::find(order.begin(), order.end(), f.workers) == order.end()) order.push_back(f.workers);
  for (const std::string& w : order) {
    std::vector<const FigureDiff*> figs;
    for (const FigureDiff& f : d.figures)
      if (f.workers == w) figs.push_back(&f);
    std::vector<Row> rows = {{"role", "figure", "base", "new", "change", "p", "verdict"}};
    for (const FigureDiff* f : figs) {
      rows.push_back({f->role.empty() ? "-" : f->role, f->spec->label, side(f->base, *f->spec),
                      side(f->other, *f->spec), change(*f),
                      f->test ? fmt::format("{:.2g}", f->test->p) : "-", f->verdict});
    }
    out += fmt::format("\nWorkers {} · {}\n", w, runs_of(figs)) + table(rows);
  }
  for (const std::string& w : d.unmatched)
    out += fmt::format("\nWorkers {}: in one report only, not compared\n", w);
  return out + gate_lines(gates);
}

int compare_command(const cli::CompareOptions& o) {
  std::vector<Gate> gates;  // checked before either report is read
  for (const std::string& text : o.fail_if) gates.push_back(parse_gate(text));
  const Json base = load_report(o.base), other = load_report(o.other);
  if (const auto why = mismatches(base, other); !why.empty() && !o.force) {
    std::string all;
    for (const std::string& w : why) all += (all.empty() ? "" : "; ") + w;
    throw cli::UsageError(
        fmt::format("{} and {} do not measure the same thing: {} (--force "
                    "compares them anyway)",
                    o.base, o.other, all));
  }
  const Diff d = diff_reports(base, other);
  if (d.figures.empty()) {
    throw cli::UsageError(
        fmt::format("{} and {} have no configuration in common", o.base, o.other));
  }
  const std::vector<GateResult> results = check_gates(d, gates);
  std::fputs(render_text(d, results, o.base, o.other).c_str(), stdout);
  const bool failed =
      std::any_of(results.begin(), results.end(), [](const GateResult& g) { return g.tripped; });
  return failed ? 1 : 0;
}

}  // namespace gilhost::diff
