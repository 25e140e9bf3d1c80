// `gilhost info`: what gilhost runs on, where the GIL is, and whether the tracer counts right.
#include <fmt/format.h>
#include <spdlog/version.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "build_info.hpp"
#include "python/executable.hpp"
#include "python_build.hpp"
#include "trace/clock.hpp"
#include "trace/release_site.hpp"
#include "trace/tracer.hpp"
#include "workload/capabilities.hpp"
#include "workload/context.hpp"
#include "workload/run_command.hpp"
#include "workload/self_check.hpp"

namespace gilhost::workload {
namespace {

void print_layout(const gilhost_gil_layout& l) {
  fmt::print("GIL layout (struct _gil_runtime_state, {} bytes, from the {} headers)\n", l.size,
             build::kPythonVersion);
  fmt::print("  address          {}\n", l.gil);
  fmt::print("  interval         +{:<4} = {} us\n", l.offset_interval, *l.interval);
  fmt::print("  last_holder      +{}\n", l.offset_last_holder);
  fmt::print("  locked           +{:<4} = {}\n", l.offset_locked, *l.locked);
  fmt::print("  switch_number    +{:<4} = {}\n", l.offset_switch_number, *l.switch_number);
  fmt::print("  cond / mutex     +{} / +{}\n", l.offset_cond, l.offset_mutex);
  fmt::print("  switch_cond / switch_mutex  +{} / +{}\n", l.offset_switch_cond,
             l.offset_switch_mutex);
}

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

// The libpython the dynamic loader actually mapped (LD_LIBRARY_PATH may pick another copy than
// the one found at build time), and what the release classifier found in it.
void print_libpython() {
  const trace::ReleaseSiteInfo info = trace::release_site_info();
  const std::string loaded = info.libpython.empty() ? "unknown" : real_path(info.libpython);
  fmt::print("libpython        {} (loaded)\n", loaded);
  if (loaded != real_path(build::kLibpython)) {
    fmt::print(
        "  warning: gilhost was built against {}: the loaded copy differs; the GIL layout\n"
        "  is only valid for the headers it was built with\n",
        build::kLibpython);
  }
  if (info.problem.empty()) {
    fmt::print("  forced releases  classified by return address: {} found in its symbol table\n",
               info.handler);
  } else {
    fmt::print("  warning: {}\n", info.problem);
  }
}

// What this version's host measures and what it cannot (docs/gil-internals.md, "Figures per
// version"): the same record every report's context carries.
void print_figures(const report::PythonCapabilities& c) {
  fmt::print("figures on this CPython (host {})\n", c.host);
  fmt::print("  GIL              {}\n", c.gil_location);
  fmt::print("  forced/voluntary {}\n", c.forced_path.empty()
                                            ? "unknown: " + c.forced_unknown
                                            : "from the release's call chain: " + c.forced_path);
  fmt::print("  drop request     {}\n", c.drop_request_location);
  fmt::print("                   {}\n",
             c.drop_request_at_release
                 ? "read at every release: voluntary releases with a request pending counted"
                 : "not read at a release: voluntary releases with a request pending not "
                   "measured");
  fmt::print("  :sub workers     {}\n", c.per_interpreter_gil
                                            ? "yes (a GIL per interpreter, PEP 684)"
                                            : "no (one GIL per process; PEP 684 came in 3.12)");
  fmt::print("  interpreters     {}\n", c.subinterpreters_module);
  if (c.free_threaded)
    fmt::print("  free-threaded    GIL {}\n", c.gil_enabled ? "re-enabled" : "disabled");
}

}  // namespace

int info_command() {
  Session s(python::Launch{python::choose_executable(""), {}, python::MainKind::kCode, "", {}},
            true, 1 << 16);
  fmt::print("gilhost          {}\n", build::kVersion);
  fmt::print("CPython          {} (built against {})\n", python::Interpreter::version(),
             build::kPythonVersion);
  fmt::print("fmt              {}.{}.{}\n", FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
             FMT_VERSION % 100);
  fmt::print("spdlog           {}.{}.{}\n", SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH);
  print_libpython();
  fmt::print("stdlib           {}\n", build::kPythonStdlib);
  fmt::print("sys.executable   {}\n", python::Interpreter::executable());
  fmt::print("switch interval  {} us\n", s.interval_us());
  fmt::print("CPU              {} ({} cores)\n", cpu_model(), std::thread::hardware_concurrency());
  fmt::print("tracer clock     {}\n", trace::Clock::source());
  print_layout(s.layout());
  print_figures(python_capabilities());

  const unsigned rounds = 1000;
  SelfCheck c = run_self_check(s, rounds);
  fmt::print("self-check       {} rounds of GIL ping-pong between two threads\n", rounds);
  fmt::print("  acquires seen  {} (expected {})\n", c.acquires, c.turns);
  fmt::print("  holder changes {} vs switch_number delta {}\n", c.holder_changes,
             c.switch_number_delta);
  fmt::print("  events lost    {}, overlapping holds {}\n", c.lost, c.overlapping_holds);
  fmt::print("  result         {}\n", c.passed() ? "PASS" : "FAIL");
  std::fflush(stdout);
  int fin = s.finalize();
  return c.passed() ? fin : 1;
}

}  // namespace gilhost::workload
