// What a switch-interval sweep measured: per point (interval × workers) and role, over the runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/stats.hpp"
#include "cli/options.hpp"
#include "report/report_data.hpp"

namespace gilhost::report {

inline constexpr int kSweepSchemaVersion = 1;

// One role at one point: each figure summarized over the point's measured runs (a run that
// stopped early included, as in `gilhost run`).
struct RoleFigures {
  std::string role;
  unsigned threads = 0;
  analysis::RunStats calls;  // per run, all of the role's threads
  analysis::RunStats calls_per_second;
  analysis::RunStats latency_p50_ns;  // per run: percentile of the role's pooled call latencies
  analysis::RunStats latency_p99_ns;
  std::optional<analysis::RunStats> held_fraction;  // needs the trace
};

// One interval × one --workers set.
struct PointFigures {
  std::uint64_t interval_ns = 0;
  std::string workers;              // "cpu=2,io=1"
  std::string status = "complete";  // of the point's runs: the first that did not complete
  std::size_t runs = 0;             // measured runs kept
  std::vector<RoleFigures> roles;   // in --workers order
  // Per second of wall time of the worker phase; they need the trace.
  std::optional<analysis::RunStats> forced_switches_per_second;
  std::optional<analysis::RunStats> holder_changes_per_second;

  const RoleFigures* role(std::string_view name) const;
  bool complete() const { return status == "complete" && runs > 0; }
};

// The whole sweep, as the reporters need it (raw runs are reduced to figures as they finish).
struct SweepResult {
  Context context;                          // switch_interval_ns is 0: it varies, see the points
  std::vector<std::uint64_t> intervals_ns;  // ascending, as swept
  std::vector<std::string> workers;         // the --workers sets, in order
  unsigned runs = 1;
  unsigned warmup = 0;
  std::optional<std::uint64_t> duration_ns;  // per run; or `calls` per worker thread
  std::optional<std::uint64_t> calls;
  std::string latency_role;  // both empty: no recommendation asked
  std::string throughput_role;
  bool default_added = false;        // 5 ms was not asked for but swept, for the comparison
  std::vector<PointFigures> points;  // interval-major, then --workers order
  std::string status = "complete";   // complete | failed | interrupted | timed_out
  int exit_status = 0;
  bool complete() const { return status == "complete"; }
};

// Reduces one point's measured runs to its figures (pure).
PointFigures point_figures(std::uint64_t interval_ns, const ConfigResult& config);

}  // namespace gilhost::report
