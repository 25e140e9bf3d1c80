// Gathers the facts a reader needs to compare two reports: what ran, where, and when.
#include "workload/context.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fstream>
#include <thread>

#include "build_info.hpp"
#include "trace/clock.hpp"
#include "workload/capabilities.hpp"

namespace gilhost::workload {

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

report::Context make_context(const cli::RunOptions& o, const Session& s) {
  return make_context(o, s.interval_us() * 1000, s.traced());
}

report::Context make_context(const cli::RunOptions& o, std::uint64_t switch_interval_ns,
                             bool traced) {
  report::Context c;
  c.gilhost_version = build::kVersion;
  c.python_version = python::Interpreter::version();
  c.python_executable = python::Interpreter::executable();
  c.python = python_capabilities();
  c.cpu_model = cpu_model();
  c.cpu_count = std::thread::hardware_concurrency();
  c.switch_interval_ns = switch_interval_ns;
  c.argv = o.argv;
  c.date = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
  c.clock_source = trace::Clock::source();
  c.traced = traced;
  c.script = o.target == cli::Target::kScript   ? o.target_value
             : o.target == cli::Target::kModule ? "-m " + o.target_value
             : o.target == cli::Target::kStdin  ? "-"
                                                : "-c";
  return c;
}

}  // namespace gilhost::workload
