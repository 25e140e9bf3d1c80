// The GILHOST dict of a script: its defaults for workers, duration, switch interval and runs.
#pragma once

#include <Python.h>

#include "cli/options.hpp"

namespace gilhost::workload {

// Reads __main__.GILHOST (absent = no defaults) and fills every option the command line left
// unset. Precondition: the GIL is held. Throws cli::UsageError naming the bad key.
void apply_script_defaults(PyObject* main_globals, cli::RunOptions& options);

// Looks up each role's function in __main__. Throws cli::UsageError when a name is missing or
// not callable. Returns borrowed references (the module keeps them alive).
std::vector<PyObject*> resolve_functions(PyObject* main_globals, const cli::WorkerSet& roles);

}  // namespace gilhost::workload
