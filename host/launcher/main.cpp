// gilhost, the launcher: parses the command line, then execs the host of the CPython --python
// selects (default: the build's default version), or runs an experiment on several hosts side
// by side. It links no libpython, so a host whose libpython is gone is one clear line.
#include <cstdio>
#include <exception>

#include "cli/guarded.hpp"
#include "cli/options.hpp"
#include "cli/units.hpp"
#include "compare/side_by_side.hpp"
#include "select/python_select.hpp"

namespace {

using gilhost::build::HostBuild;

// `gilhost info --python 3.11,3.13`: each host's info in turn.
int info_each(const std::vector<const HostBuild*>& hosts, int argc, char** argv) {
  std::vector<std::string> args = gilhost::compare::without_options(
      std::vector<std::string>(argv, argv + argc), {"--python"}, {});
  int worst = 0;
  for (const HostBuild* h : hosts) {
    std::printf("== CPython %s (gilhost-%s)\n", h->version, h->minor);
    std::fflush(stdout);
    worst = std::max(worst, gilhost::select::run_host(*h, args));
  }
  return worst;
}

int launch(int argc, char** argv) {
  gilhost::cli::Invocation inv = gilhost::cli::parse_command_line(argc, argv);
  if (inv.command == gilhost::cli::Command::kUsage) {  // `gilhost` alone: a usage error
    std::fputs(inv.help_text.c_str(), stderr);
    return 2;
  }
  if (inv.command == gilhost::cli::Command::kHelp ||
      inv.command == gilhost::cli::Command::kVersion) {
    std::fputs(inv.help_text.c_str(), stdout);
    if (!inv.help_text.empty() && inv.help_text.back() != '\n') std::fputc('\n', stdout);
    return 0;
  }
  std::vector<const HostBuild*> hosts;
  if (inv.python.empty()) {
    hosts.push_back(gilhost::select::default_host());
  } else {
    hosts = gilhost::select::resolve(inv.python);
  }
  if (hosts.size() == 1) gilhost::select::exec_host(*hosts[0], argv);
  switch (inv.command) {
    case gilhost::cli::Command::kRun:
      return gilhost::compare::run_side_by_side(inv, hosts);
    case gilhost::cli::Command::kInfo:
      return info_each(hosts, argc, argv);
    default:
      throw gilhost::cli::UsageError(
          "sweep: --python takes one version (run compares several side by side)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  return gilhost::cli::run_guarded([&] { return launch(argc, argv); });
}
