// Resolution of the command line and the GILHOST dict into one Plan.
#include "plan/plan.hpp"

#include "cli/units.hpp"

namespace gilhost::plan {
namespace {

template <typename T>
std::optional<T> first(const std::optional<T>& a, const std::optional<T>& b) {
  return a ? a : b;
}

std::vector<WorkerSet> resolve_isolation(std::vector<WorkerSet> sets, Isolation isolation,
                                         cli::Target target) {
  bool any_sub = false;
  for (WorkerSet& set : sets) {
    for (RoleSpec& r : set) {
      // Shared stays kDefault: it is what a role without ':' means, and prints without one.
      if (r.isolation == Isolation::kDefault && isolation == Isolation::kSub)
        r.isolation = isolation;
      any_sub = any_sub || r.sub();
    }
  }
  if (any_sub && target != cli::Target::kScript) {
    throw cli::UsageError(
        "sub-interpreter workers (:sub, --isolation subinterpreters) need a SCRIPT target, not "
        "-m or -c");
  }
  return sets;
}

}  // namespace

Plan resolve(const cli::RunOptions& o, const Settings& script) {
  const Settings& given = o.given;
  Plan p;
  p.target = o.target;
  p.target_value = o.target_value;
  const Settings& budget = given.has_budget() ? given : script;
  p.duration = budget.duration;
  p.calls = budget.calls;
  if (!p.duration && !p.calls) p.duration = kDefaultDuration;
  p.timeout = first(given.timeout, script.timeout).value_or(kDefaultTimeout);
  p.switch_interval = first(given.switch_interval, script.switch_interval);
  p.top_level_switch_interval = given.switch_interval;
  p.runs = first(given.runs, script.runs).value_or(kDefaultRuns);
  p.warmup = first(given.warmup, script.warmup).value_or(kDefaultWarmup);
  Isolation isolation = first(given.isolation, script.isolation).value_or(Isolation::kShared);
  p.worker_sets = resolve_isolation(
      given.worker_sets.empty() ? script.worker_sets : given.worker_sets, isolation, o.target);
  p.outputs = run_outputs(o);
  return p;
}

std::vector<Output> run_outputs(const cli::RunOptions& o) {
  return {{"--json", o.json_path},     {"--events", o.events_path}, {"--trace", o.trace_path},
          {"--html", o.html_path},     {"--csv", o.csv_path},       {"--markdown", o.markdown_path},
          {"--stacks", o.stacks_path}, {"--record", o.record_path}};
}

void check_outputs(const std::vector<Output>& outputs) {
  try {
    report::check_outputs(outputs);
  } catch (const std::runtime_error& e) {
    throw cli::UsageError(e.what());
  }
}

}  // namespace gilhost::plan
