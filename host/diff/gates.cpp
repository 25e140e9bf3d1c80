// --fail-if gates of `gilhost compare`: [ROLE.]FIGURE<-N% or [ROLE.]FIGURE>N%.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "cli/units.hpp"
#include "diff/diff.hpp"
#include "report/run_comparison.hpp"

namespace gilhost::diff {
namespace {

using cli::UsageError;

std::string known_figures() {
  std::string out;
  for (const FigureSpec& s : figure_specs()) out += (out.empty() ? "" : ", ") + std::string(s.key);
  return out;
}

[[noreturn]] void bad(const std::string& text, const std::string& why) {
  throw UsageError(fmt::format("--fail-if '{}': {}", cli::shown(text), why));
}

}  // namespace

Gate parse_gate(const std::string& text) {
  Gate g;
  g.text = text;
  const std::size_t op = text.find_first_of("<>");
  if (op == std::string::npos || op == 0)
    bad(text, "expected [ROLE.]FIGURE<-N% or [ROLE.]FIGURE>N% (e.g. calls_per_second<-5%)");
  g.op = text[op];
  std::string name = text.substr(0, op), value = text.substr(op + 1);
  if (const std::size_t dot = name.find('.'); dot != std::string::npos) {
    g.role = name.substr(0, dot);
    name = name.substr(dot + 1);
    if (g.role.empty()) bad(text, "an empty role name before '.'");
  }
  for (const FigureSpec& s : figure_specs())
    if (name == s.key) g.spec = &s;
  if (g.spec == nullptr)
    bad(text, fmt::format("no figure '{}' (figures: {})", name, known_figures()));
  if (!g.role.empty() && !g.spec->per_role)
    bad(text, fmt::format("{} is a figure of the whole configuration, not of a role", name));
  if (value.size() < 2 || value.back() != '%')
    bad(text, "the threshold is a change in percent, e.g. -5% or 10%");
  value.pop_back();
  char* end = nullptr;
  g.percent = std::strtod(value.c_str(), &end);
  if (end != value.c_str() + value.size() || !std::isfinite(g.percent))
    bad(text, fmt::format("'{}' is not a number of percent", cli::shown(value)));
  return g;
}

std::vector<GateResult> check_gates(const Diff& d, const std::vector<Gate>& gates) {
  std::vector<GateResult> out;
  for (const Gate& g : gates) {
    bool applied = false;
    for (const FigureDiff& f : d.figures) {
      if (f.spec != g.spec || (!g.role.empty() && f.role != g.role)) continue;
      applied = true;
      const std::optional<double> change = f.change_percent();
      // A change inside the noise never fails a build: only a significant one, or, with one
      // run on a side (no test possible), the means alone.
      const bool significant = !f.test || f.test->p < report::kSignificance;
      const bool passed = change && (g.op == '<' ? *change < g.percent : *change > g.percent);
      out.push_back({&g, &f, significant && passed});
    }
    if (!applied) {
      throw UsageError(fmt::format("--fail-if '{}': neither report has {}{}", cli::shown(g.text),
                                   g.spec->key, g.role.empty() ? "" : " for role " + g.role));
    }
  }
  return out;
}

}  // namespace gilhost::diff
