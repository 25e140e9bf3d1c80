// gilhost: parse the command line, run the command, map every failure to one line and a status.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

#include "cli/guarded.hpp"
#include "cli/options.hpp"
#include "cli/units.hpp"
#include "python/interpreter.hpp"
#include "python_build.hpp"
#include "select/python_select.hpp"
#include "workload/run_command.hpp"
#include "workload/runner.hpp"
#include "workload/sweep_command.hpp"

namespace {

void setup_logging(int level) {
  auto logger = spdlog::stderr_color_mt("gilhost");
  logger->set_pattern("gilhost: %^%l%$: %v");
  logger->set_level(static_cast<spdlog::level::level_enum>(level));
  spdlog::set_default_logger(logger);
}

int dispatch(int argc, char** argv) {
  gilhost::cli::Invocation inv = gilhost::cli::parse_command_line(argc, argv);
  // --python naming another version: that version's host runs the command.
  if (!inv.python.empty())
    gilhost::select::stay_or_switch(inv.python, gilhost::build::kPythonMinor, argv);
  setup_logging(inv.log_level);
  switch (inv.command) {
    case gilhost::cli::Command::kHelp:
    case gilhost::cli::Command::kVersion:
      std::fputs(inv.help_text.c_str(), stdout);
      if (!inv.help_text.empty() && inv.help_text.back() != '\n') std::fputc('\n', stdout);
      return 0;
    case gilhost::cli::Command::kUsage:
      std::fputs(inv.help_text.c_str(), stderr);
      return 2;
    case gilhost::cli::Command::kInfo:
      return gilhost::workload::info_command();
    case gilhost::cli::Command::kRun:
      return gilhost::workload::run_command(inv.run);
    case gilhost::cli::Command::kSweep:
      return gilhost::workload::sweep_command(inv.sweep);
    case gilhost::cli::Command::kReport:
      return gilhost::workload::report_command(inv.report);
  }
  return 0;
}

}  // namespace

// After a worker was abandoned (it may hold the GIL and still run), the process ends at once:
// exit() would run static destructors under that thread's feet.
static int finish(int status) {
  if (gilhost::workload::workers_abandoned()) {
    std::fflush(nullptr);
    _exit(status);
  }
  return gilhost::python::die_like_python(status);
}

int main(int argc, char** argv) {
  // finish() changes nothing unless a worker was abandoned, and then every path must end at once.
  return finish(gilhost::cli::run_guarded([&] { return dispatch(argc, argv); }));
}
