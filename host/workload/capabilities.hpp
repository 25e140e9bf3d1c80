// The capabilities record of the embedded CPython (report::PythonCapabilities) and the checks
// that refuse what this version cannot do, each as one line before any work.
#pragma once

#include "cli/options.hpp"
#include "report/report_data.hpp"

namespace gilhost::workload {

// Precondition: the GIL is held, or no interpreter runs (gil_enabled is then the build's
// default: true unless free-threaded).
report::PythonCapabilities python_capabilities();

// Throws cli::UsageError when a set asks for own-GIL sub-interpreters (:sub) and this CPython
// has no per-interpreter GIL (3.11: PEP 684 came with 3.12).
void check_isolation_supported(const std::vector<cli::WorkerSet>& sets);

// Throws cli::UsageError on a free-threaded build whose GIL is disabled: there is no GIL to
// trace, and figures of zero would pretend otherwise. Precondition: the GIL (if any) is held.
void check_gil_enabled();

}  // namespace gilhost::workload
