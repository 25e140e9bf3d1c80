// Version facts of the embedded CPython, from python/compat.hpp and the layout probe.
#include "workload/capabilities.hpp"

#include <fmt/format.h>

#include "cli/units.hpp"
#include "python/compat.hpp"
#include "python/ref.hpp"
#include "python_build.hpp"
#include "trace/gil_layout.h"
#include "trace/release_site.hpp"

namespace gilhost::workload {
namespace {

// sys._is_gil_enabled() (3.13+); a build without it always has its GIL.
bool gil_enabled_now() {
  if (!Py_IsInitialized()) return !GILHOST_FREE_THREADED;  // a catalog's parent runs no Python
  python::Ref sys(PyImport_ImportModule("sys"));
  python::Ref fn(sys ? PyObject_GetAttrString(sys.get(), "_is_gil_enabled") : nullptr);
  if (!fn) {
    PyErr_Clear();
    return true;
  }
  python::Ref r(PyObject_CallNoArgs(fn.get()));
  if (!r) {
    PyErr_Clear();
    return true;
  }
  return PyObject_IsTrue(r.get()) == 1;
}

}  // namespace

report::PythonCapabilities python_capabilities() {
  report::PythonCapabilities c;
  c.host = build::kPythonMinor;
  c.per_interpreter_gil = GILHOST_HAS_PER_INTERPRETER_GIL;
  c.free_threaded = GILHOST_FREE_THREADED;
  c.gil_enabled = gil_enabled_now();
  c.gil_location = gilhost_gil_location();
  c.drop_request_location = gilhost_drop_request_location();
  // The private module behind interpreters (PEP 554/734) was renamed in 3.13.
  c.subinterpreters_module = PY_VERSION_HEX >= 0x030D0000 ? "_interpreters" : "_xxsubinterpreters";
  const trace::ReleaseSiteInfo sites = trace::release_site_info();
  if (sites.problem.empty()) {
    c.forced_path = sites.path;
  } else {
    c.forced_unknown = sites.problem;
  }
  c.drop_request_at_release = gilhost_drop_request_readable() != 0;
  return c;
}

void check_isolation_supported(const std::vector<cli::WorkerSet>& sets) {
  if (GILHOST_HAS_PER_INTERPRETER_GIL) return;
  for (const cli::WorkerSet& set : sets) {
    for (const cli::RoleSpec& r : set) {
      if (!r.sub()) continue;
      throw cli::UsageError(fmt::format(
          "{}=N:sub needs a GIL per interpreter (PEP 684, CPython 3.12+); CPython {} has one GIL "
          "per process: use --python 3.12 or newer",
          r.name, PY_VERSION));
    }
  }
}

void check_gil_enabled() {
  if (!GILHOST_FREE_THREADED || gil_enabled_now()) return;
  throw cli::UsageError(fmt::format(
      "CPython {} is a free-threaded build and its GIL is disabled (sys._is_gil_enabled() is "
      "False): there is no GIL to trace; PYTHON_GIL=1 re-enables it",
      PY_VERSION));
}

}  // namespace gilhost::workload
