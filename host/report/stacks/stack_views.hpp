// What the stack reports share: every GIL's figures of a report, thread names, the stack table
// as text, and the per-role tables by code location (docs/metrics.md, "Stacks").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "report/report_data.hpp"

namespace gilhost::report {

// Visits the figures of every GIL in the report: the script's, then each run's main and
// sub-interpreter GILs, then the GILs the script created.
void for_each_gil(const Report& r, const std::function<void(const analysis::GilMetrics&)>& f);

// "cpu-0", else the Python thread name, else "tid N" (the tables' name for a thread).
std::string thread_label(const trace::ThreadInfo& info);
// Who a table row is about: the thread's role, else its name.
std::string who_of(const trace::ThreadInfo& info);

// One frame as the reports write it (analysis::frame_text), or "[unknown]" for stack 0.
std::vector<std::string> stack_frames(const analysis::StackTable& t, std::uint32_t stack);
// The innermost frame that names code ("[native]" and "[gilhost kernel]" frames skipped to
// the Python frame that called them), as "func (file:line)"; "[unknown]" when none.
std::string code_site(const analysis::StackTable& t, std::uint32_t stack);

// Every stack id the report's figures use.
std::set<std::uint32_t> used_stacks(const Report& r);

// One row of a "by code location" table: time, pieces and their p99, per (who, site).
struct SiteRow {
  std::string who, site;
  std::uint64_t ns = 0, count = 0, p99_ns = 0;
  double share = 0;  // of the table's total
};
// The largest rows of the hold (`holds`) or wait tables over the whole report.
std::vector<SiteRow> site_rows(const Report& r, bool holds, std::size_t limit);

struct BlockedSiteRow {
  std::string waiter, waiter_site, holder, holder_site;
  std::uint64_t ns = 0;
};
std::vector<BlockedSiteRow> blocked_site_rows(const Report& r, std::size_t limit);

// Whether the report has stacks (a traced run without --no-stacks).
bool has_stacks(const Report& r);

}  // namespace gilhost::report
