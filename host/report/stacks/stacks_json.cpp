// stacks_json / stack_table_json (stacks_json.hpp).
#include "report/stacks/stacks_json.hpp"

#include <set>

#include "report/stacks/stack_views.hpp"

namespace gilhost::report {
namespace {

using Json = nlohmann::ordered_json;

Json times_json(const std::vector<analysis::StackTime>& v) {
  Json out = Json::array();
  for (const analysis::StackTime& s : v) {
    out.push_back({{"thread_index", s.thread},
                   {"stack", s.stack},
                   {"ns", s.ns},
                   {"count", s.count},
                   {"p99_ns", s.pieces.percentile(99)},
                   {"max_ns", s.pieces.max()}});
  }
  return out;
}

const char* kind_name(analysis::Location::Kind k) {
  switch (k) {
    case analysis::Location::kKernel:
      return "kernel";
    case analysis::Location::kNative:
      return "native";
    case analysis::Location::kTruncated:
      return "truncated";
    case analysis::Location::kUnreadable:
      return "unreadable";
    case analysis::Location::kPython:
      break;
  }
  return "python";
}

}  // namespace

Json stacks_json(const analysis::GilMetrics& m) {
  std::uint64_t held = 0, waited = 0;
  for (const auto& s : m.hold_stacks) held += s.ns;
  for (const auto& s : m.wait_stacks) waited += s.ns;
  Json blocked = Json::array();
  for (const analysis::BlockedCode& b : m.blocked_code) {
    blocked.push_back({{"waiter_index", b.waiter},
                       {"waiter_stack", b.waiter_stack},
                       {"holder_index", b.holder},
                       {"holder_stack", b.holder_stack},
                       {"ns", b.ns}});
  }
  return {{"hold_ns", held},
          {"wait_ns", waited},
          {"holds", times_json(m.hold_stacks)},
          {"waits", times_json(m.wait_stacks)},
          {"blocked", std::move(blocked)}};
}

Json stack_table_json(const Report& r) {
  if (!has_stacks(r)) return nullptr;
  const analysis::StackTable& t = r.stacks;
  Json stacks = Json::object();
  std::set<std::uint32_t> locations;
  for (std::uint32_t id : used_stacks(r)) {
    if (!t.has_stack(id)) continue;
    stacks[std::to_string(id)] = t.stack(id);
    locations.insert(t.stack(id).begin(), t.stack(id).end());
  }
  Json locs = Json::object();
  for (std::uint32_t id : locations) {
    const analysis::Location& l = t.location(id);
    Json j = {{"kind", kind_name(l.kind)}, {"text", analysis::frame_text(l)}};
    if (l.kind == analysis::Location::kPython) {
      j["function"] = l.function;
      j["file"] = l.file;
      j["line"] = l.line;
    } else if (l.kind == analysis::Location::kKernel) {
      j["function"] = l.function;
    }
    locs[std::to_string(id)] = std::move(j);
  }
  return {{"max_depth", 64}, {"stacks", std::move(stacks)}, {"locations", std::move(locs)}};
}

}  // namespace gilhost::report
