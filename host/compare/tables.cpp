// Side-by-side figures: medians over interleaved rounds of each host's JSON report.
#include <algorithm>
#include <functional>
#include <map>

#include "compare/comparison.hpp"

namespace gilhost::compare {
namespace {

using Json = nlohmann::json;

std::optional<double> median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::optional<double> number(const Json& j, const Json::json_pointer& p) {
  if (!j.contains(p)) return std::nullopt;
  const Json& v = j.at(p);
  if (!v.is_number()) return std::nullopt;
  return v.get<double>();
}

bool script_only(const Json& doc) {
  return doc.value("configs", Json::array()).empty() && doc.contains("script_gil") &&
         !doc["script_gil"].is_null();
}

// The measured run of config `i` in one round's report (a copy), or nothing. A script run
// without workers is one pseudo-configuration: the script's GIL over its whole execution, and
// the own GILs of the sub-interpreters it made (script_gils, shaped like a run's gils).
std::optional<Json> run_of(const Json& doc, std::size_t i) {
  if (script_only(doc)) {
    if (i != 0) return std::nullopt;
    Json r{{"gil", doc["script_gil"]}};
    if (doc.contains("script_gils") && doc["script_gils"].is_array())
      r["gils"] = doc["script_gils"];
    return r;
  }
  if (!doc.contains("configs") || i >= doc["configs"].size()) return std::nullopt;
  const Json& runs = doc["configs"][i]["runs"];
  if (runs.empty()) return std::nullopt;
  return runs[0];
}

double per_second(const Json& summary, const char* key) {
  double window = summary.value("window_ns", 0.0);
  return window > 0 ? summary.value(key, 0.0) / (window / 1e9) : 0.0;
}

// One figure of one run (the main GIL's summary and threads), nullopt when it was not seen.
using Extract = std::function<std::optional<double>(const Json& run, const Json* baseline)>;
struct FigureDef {
  std::string label, unit;
  Extract get;
};

std::optional<double> gil_fig(const Json& run, const char* key) {
  return number(run, Json::json_pointer("/gil/summary/" + std::string(key)));
}

// The forced/voluntary verdict of every release of this GIL is known: a version whose
// libpython hides the chain (metrics.md, "unclassified") has no forced figure, rather than 0.
bool classified(const Json& summary) { return summary.value("unclassified_releases", 0) == 0; }

// A figure that rests on the verdict, for the main GIL: unseen when any release was not
// classified.
std::optional<double> verdict_fig(const Json& run, const char* key) {
  if (!run.contains("gil") || !run["gil"].contains("summary")) return std::nullopt;
  if (!classified(run["gil"]["summary"])) return std::nullopt;
  return gil_fig(run, key);
}

std::vector<FigureDef> gil_figures() {
  using P = Json::json_pointer;
  return {
      {"throughput vs baseline", "x",
       [](const Json& r, const Json* b) -> std::optional<double> {
         double base = b ? b->value("calls_per_second", 0.0) : 0.0;
         if (base <= 0) return std::nullopt;
         return r.value("calls_per_second", 0.0) / base;
       }},
      {"calls/s (this version only)", "/s",
       [](const Json& r, const Json*) { return number(r, P("/calls_per_second")); }},
      {"GIL held", "%",
       [](const Json& r, const Json*) -> std::optional<double> {
         auto u = gil_fig(r, "utilisation_fraction");
         return u ? std::optional(*u * 100) : std::nullopt;
       }},
      {"holder changes/s", "/s",
       [](const Json& r, const Json*) -> std::optional<double> {
         if (!r.contains(P("/gil/summary"))) return std::nullopt;
         return per_second(r["gil"]["summary"], "holder_changes");
       }},
      {"drop requests/s", "/s",
       [](const Json& r, const Json*) -> std::optional<double> {
         if (!r.contains(P("/gil/summary"))) return std::nullopt;
         return per_second(r["gil"]["summary"], "drop_requests");
       }},
      {"forced switches/s", "/s",
       [](const Json& r, const Json*) -> std::optional<double> {
         if (!verdict_fig(r, "forced_switches")) return std::nullopt;
         return per_second(r["gil"]["summary"], "forced_switches");
       }},
      // FORCE_SWITCHING: the releaser of a forced switch waits on switch_cond until the next
      // holder took the GIL, unless it already had (drop_gil, Python/ceval_gil.c).
      {"forced releases that waited for the taker", "%",
       [](const Json& r, const Json*) -> std::optional<double> {
         auto forced = verdict_fig(r, "forced_switches");
         if (!forced || *forced <= 0 || !r.contains(P("/gil/threads"))) return std::nullopt;
         double waits = 0;
         for (const Json& t : r["gil"]["threads"]) waits += t.value("handoff_waits", 0.0);
         return 100.0 * waits / *forced;
       }},
      {"hand-off p50 (forced)", "ns",
       [](const Json& r, const Json*) -> std::optional<double> {
         auto n = verdict_fig(r, "handoff_forced/count");
         return n && *n > 0 ? gil_fig(r, "handoff_forced/p50_ns") : std::nullopt;
       }},
      {"hand-off p50 (voluntary)", "ns",
       [](const Json& r, const Json*) -> std::optional<double> {
         auto n = verdict_fig(r, "handoff_voluntary/count");
         return n && *n > 0 ? gil_fig(r, "handoff_voluntary/p50_ns") : std::nullopt;
       }},
      {"mean waiters", "", [](const Json& r, const Json*) { return gil_fig(r, "mean_waiters"); }},
      {"own GILs: forced switches/s", "/s",
       [](const Json& r, const Json*) -> std::optional<double> {
         if (!r.contains("gils")) return std::nullopt;
         double sum = 0;
         bool any = false;
         for (const Json& g : r["gils"]) {
           if (g.value("interpreter", "") == "main") continue;
           if (!classified(g["metrics"]["summary"])) return std::nullopt;
           any = true;
           sum += per_second(g["metrics"]["summary"], "forced_switches");
         }
         return any ? std::optional(sum) : std::nullopt;
       }},
  };
}

// Per role: throughput against the role's own baseline figure, wait p50/p99 on the main GIL.
std::vector<FigureDef> role_figures(const std::string& role) {
  auto role_calls = [role](const Json& r) -> std::optional<double> {
    if (!r.contains("workers")) return std::nullopt;
    double sum = 0;
    bool any = false;
    for (const Json& w : r["workers"]) {
      if (w.value("role", "") != role) continue;
      any = true;
      sum += w.value("calls_per_second", 0.0);
    }
    return any ? std::optional(sum) : std::nullopt;
  };
  auto wait = [role](const char* p) {
    return [role, p](const Json& r, const Json*) {
      return number(r, Json::json_pointer("/gil/roles/" + role + "/wait/" + p));
    };
  };
  return {{role + " throughput vs baseline", "x",
           [role_calls](const Json& r, const Json* b) -> std::optional<double> {
             auto mine = role_calls(r);
             auto base = b ? role_calls(*b) : std::nullopt;
             if (!mine || !base || *base <= 0) return std::nullopt;
             return *mine / *base;
           }},
          {role + " wait p50", "ns", wait("p50_ns")},
          {role + " wait p99", "ns", wait("p99_ns")}};
}

// The text report's check line (docs/metrics.md, "Cross-checks"): CPython's thread-state
// switches as traced = switch_number delta (holder changes between OS threads in reports that
// predate that figure), nothing lost, malformed, overlapping or unclassified.
bool checks_pass(const Json& run) {
  const Json* s = run.contains("gil") ? &run["gil"]["summary"] : nullptr;
  if (s == nullptr || s->is_null()) return false;
  const char* switches =
      s->contains("thread_state_switches") ? "thread_state_switches" : "holder_changes";
  return s->value(switches, -1) == s->value("switch_number_delta", -2) &&
         s->value("lost_events", 1) == 0 && s->value("malformed_events", 1) == 0 &&
         s->value("overlapping_holds", 1) == 0 && s->value("unclassified_releases", 0) == 0;
}

std::vector<std::string> role_names(const Comparison& c, std::size_t i) {
  std::vector<std::string> names;
  for (const auto& rounds : c.rounds) {
    for (const Json& doc : rounds) {
      if (!doc.contains("configs") || i >= doc["configs"].size()) continue;
      for (const auto& [name, _] : doc["configs"][i]["roles"].items()) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
  }
  return names;
}

}  // namespace

void compute_tables(Comparison& c) {
  std::size_t n_configs = 0;
  for (const auto& rounds : c.rounds) {
    for (const Json& doc : rounds)
      n_configs =
          std::max(n_configs,
                   script_only(doc) ? std::size_t(1) : doc.value("configs", Json::array()).size());
  }
  c.configs.clear();
  for (std::size_t i = 0; i < n_configs; ++i) {
    ConfigTable t;
    std::vector<FigureDef> defs = gil_figures();
    for (const std::string& role : role_names(c, i)) {
      for (FigureDef& d : role_figures(role)) defs.push_back(std::move(d));
    }
    for (const auto& rounds : c.rounds) {
      bool ok = !rounds.empty();
      for (const Json& doc : rounds) {
        std::optional<Json> run = run_of(doc, i);
        ok = ok && run && checks_pass(*run);
        if (t.workers.empty() && run) {
          t.workers = script_only(doc) ? "(none: the script's whole run)"
                                       : doc["configs"][i].value("workers", "");
        }
      }
      t.checks.push_back(ok);
    }
    for (const FigureDef& d : defs) {
      Row row{d.label, d.unit, {}};
      for (const auto& rounds : c.rounds) {
        std::vector<double> seen;
        for (const Json& doc : rounds) {
          std::optional<Json> run = run_of(doc, i);
          if (!run) continue;
          std::optional<Json> base = run_of(doc, 0);
          if (auto v = d.get(*run, base ? &*base : nullptr)) seen.push_back(*v);
        }
        row.values.push_back(median(seen));
      }
      t.rows.push_back(std::move(row));
    }
    c.configs.push_back(std::move(t));
  }
}

}  // namespace gilhost::compare
