// render_folded (folded.hpp).
#include "report/stacks/folded.hpp"

#include <map>

#include "report/stacks/stack_views.hpp"

namespace gilhost::report {
namespace {

// A frame may not contain the separator or end the line.
std::string clean(std::string s) {
  for (char& c : s) {
    if (c == ';') c = ',';
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

std::vector<FoldedLine> folded_lines(const Report& r) {
  std::map<std::pair<bool, std::vector<std::string>>, std::uint64_t> lines;
  for_each_gil(r, [&](const analysis::GilMetrics& m) {
    auto add = [&](bool holds, const analysis::StackTime& s) {
      if (s.ns == 0) return;
      std::vector<std::string> frames{
          clean(thread_label(m.threads.at(std::size_t(s.thread)).info))};
      for (const std::string& f : stack_frames(r.stacks, s.stack)) frames.push_back(clean(f));
      lines[{!holds, std::move(frames)}] += s.ns;  // "holds" lines sort first, as in the file
    };
    for (const analysis::StackTime& s : m.hold_stacks) add(true, s);
    for (const analysis::StackTime& s : m.wait_stacks) add(false, s);
  });
  std::vector<FoldedLine> out;
  for (auto& [key, ns] : lines) out.push_back({!key.first, key.second, ns});
  return out;
}

std::string render_folded(const Report& r) {
  std::map<std::string, std::uint64_t> lines;
  for (const FoldedLine& l : folded_lines(r)) {
    std::string line = l.holds ? "holds GIL" : "waits for GIL";
    for (const std::string& f : l.frames) line += ";" + f;
    lines[line] += l.ns;
  }
  std::string out;
  for (const auto& [line, ns] : lines) out += line + " " + std::to_string(ns) + "\n";
  return out;
}

}  // namespace gilhost::report
