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

std::string render_folded(const Report& r) {
  std::map<std::string, std::uint64_t> lines;
  for_each_gil(r, [&](const analysis::GilMetrics& m) {
    auto add = [&](const char* kind, const analysis::StackTime& s) {
      if (s.ns == 0) return;
      std::string line = kind;
      line += ";" + clean(thread_label(m.threads.at(std::size_t(s.thread)).info));
      for (const std::string& f : stack_frames(r.stacks, s.stack)) line += ";" + clean(f);
      lines[line] += s.ns;
    };
    for (const analysis::StackTime& s : m.hold_stacks) add("holds GIL", s);
    for (const analysis::StackTime& s : m.wait_stacks) add("waits for GIL", s);
  });
  std::string out;
  for (const auto& [line, ns] : lines) out += line + " " + std::to_string(ns) + "\n";
  return out;
}

}  // namespace gilhost::report
