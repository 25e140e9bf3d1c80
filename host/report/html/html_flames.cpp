// flames_json (html_data.hpp): the HTML report's flame graph data.
#include <algorithm>
#include <map>

#include "report/html/html_data.hpp"
#include "report/stacks/folded.hpp"
#include "report/stacks/stack_views.hpp"

namespace gilhost::report::detail {

// The flame graphs' data: the --stacks lines, the largest kFlameLines of each kind (the rest is
// summed per thread as "[smaller stacks]"), or null without stacks.
constexpr std::size_t kFlameLines = 4000;

HtmlJson flames_json(const Report& r) {
  if (!has_stacks(r)) return nullptr;
  std::vector<FoldedLine> lines = folded_lines(r);
  HtmlJson out = {{"holds", HtmlJson::array()}, {"waits", HtmlJson::array()}};
  for (bool holds : {true, false}) {
    std::vector<const FoldedLine*> kind;
    for (const FoldedLine& l : lines)
      if (l.holds == holds) kind.push_back(&l);
    std::stable_sort(kind.begin(), kind.end(),
                     [](const FoldedLine* a, const FoldedLine* b) { return a->ns > b->ns; });
    std::map<std::string, std::uint64_t> rest;
    HtmlJson& list = out[holds ? "holds" : "waits"];
    for (std::size_t i = 0; i < kind.size(); ++i) {
      if (i < kFlameLines) {
        list.push_back({{"frames", kind[i]->frames}, {"ns", kind[i]->ns}});
      } else {
        rest[kind[i]->frames.front()] += kind[i]->ns;
      }
    }
    for (const auto& [thread, ns] : rest)
      list.push_back({{"frames", {thread, "[smaller stacks]"}}, {"ns", ns}});
  }
  return out;
}

HtmlJson stack_texts_json(const Report& r) {
  HtmlJson out = HtmlJson::object();
  if (!has_stacks(r)) return out;
  for (std::uint32_t id : used_stacks(r)) out[std::to_string(id)] = stack_frames(r.stacks, id);
  return out;
}

}  // namespace gilhost::report::detail
