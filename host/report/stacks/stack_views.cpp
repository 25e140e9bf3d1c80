// Shared views of a report's stack figures (stack_views.hpp).
#include "report/stacks/stack_views.hpp"

#include <algorithm>
#include <tuple>

namespace gilhost::report {

using analysis::GilMetrics;
using analysis::Location;

void for_each_gil(const Report& r, const std::function<void(const GilMetrics&)>& f) {
  if (r.script_gil) f(*r.script_gil);
  for (const ConfigResult& c : r.configs) {
    for (const RunRecord& run : c.runs) {
      if (run.gil) f(*run.gil);
      for (const GilRecord& g : run.sub_gils) f(g.metrics);
    }
  }
  for (const GilRecord& g : r.script_gils) f(g.metrics);
}

std::string thread_label(const trace::ThreadInfo& info) {
  if (!info.worker.empty()) return info.worker;
  if (!info.python_name.empty()) return info.python_name;
  return "tid " + std::to_string(info.tid);
}

std::string who_of(const trace::ThreadInfo& info) {
  return info.role.empty() ? thread_label(info) : info.role;
}

std::vector<std::string> stack_frames(const analysis::StackTable& t, std::uint32_t stack) {
  if (stack == analysis::StackTable::kUnknown || !t.has_stack(stack)) return {"[unknown]"};
  std::vector<std::string> out;
  for (std::uint32_t id : t.stack(stack)) out.push_back(analysis::frame_text(t.location(id)));
  return out;
}

std::string code_site(const analysis::StackTable& t, std::uint32_t stack) {
  if (stack == analysis::StackTable::kUnknown || !t.has_stack(stack)) return "[unknown]";
  const std::vector<std::uint32_t>& s = t.stack(stack);
  if (s.empty()) return "[no Python code]";
  std::string suffix;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    const Location& l = t.location(*it);
    if (l.kind == Location::kKernel) {
      suffix = " → " + l.function;
    } else if (l.kind == Location::kNative && suffix.empty()) {
      suffix = " [native]";
    } else if (l.kind == Location::kPython) {
      return analysis::frame_text(l) + suffix;
    }
  }
  return analysis::frame_text(t.location(s.back()));
}

std::set<std::uint32_t> used_stacks(const Report& r) {
  std::set<std::uint32_t> out;
  for_each_gil(r, [&](const GilMetrics& m) {
    for (const auto& s : m.hold_stacks) out.insert(s.stack);
    for (const auto& s : m.wait_stacks) out.insert(s.stack);
    for (const auto& b : m.blocked_code) out.insert({b.waiter_stack, b.holder_stack});
  });
  out.erase(analysis::StackTable::kUnknown);
  return out;
}

bool has_stacks(const Report& r) { return r.stacks.stacks() > 1; }

std::vector<SiteRow> site_rows(const Report& r, bool holds, std::size_t limit) {
  struct Acc {
    std::uint64_t ns = 0, count = 0;
    analysis::Histogram h;
  };
  std::map<std::pair<std::string, std::string>, Acc> acc;
  std::uint64_t total = 0;
  for_each_gil(r, [&](const GilMetrics& m) {
    for (const analysis::StackTime& s : holds ? m.hold_stacks : m.wait_stacks) {
      const std::string who = who_of(m.threads.at(std::size_t(s.thread)).info);
      Acc& a = acc[{who, code_site(r.stacks, s.stack)}];
      a.ns += s.ns;
      a.count += s.count;
      a.h.merge(s.pieces);
      total += s.ns;
    }
  });
  std::vector<SiteRow> rows;
  for (const auto& [key, a] : acc) {
    rows.push_back({key.first, key.second, a.ns, a.count, a.h.percentile(99),
                    total ? double(a.ns) / double(total) : 0.0});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const SiteRow& a, const SiteRow& b) { return a.ns > b.ns; });
  if (limit && rows.size() > limit) rows.resize(limit);
  return rows;
}

std::vector<BlockedSiteRow> blocked_site_rows(const Report& r, std::size_t limit) {
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::uint64_t> acc;
  for_each_gil(r, [&](const GilMetrics& m) {
    auto who = [&](int i) -> std::string {
      if (i == -1) return "(nobody)";
      if (i < 0 || std::size_t(i) >= m.threads.size()) return "?";
      return who_of(m.threads[std::size_t(i)].info);
    };
    for (const analysis::BlockedCode& b : m.blocked_code) {
      const std::string hsite = b.holder == -1 ? "(hand-off)" : code_site(r.stacks, b.holder_stack);
      acc[{who(b.waiter), code_site(r.stacks, b.waiter_stack), who(b.holder), hsite}] += b.ns;
    }
  });
  std::vector<BlockedSiteRow> rows;
  for (const auto& [k, ns] : acc)
    rows.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), ns});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const BlockedSiteRow& a, const BlockedSiteRow& b) { return a.ns > b.ns; });
  if (limit && rows.size() > limit) rows.resize(limit);
  return rows;
}

}  // namespace gilhost::report
