// The GILHOST dict of a script, read by the command line's rules (plan/settings.hpp), and the
// worker functions it names.
#pragma once

#include <Python.h>

#include <vector>

#include "cli/options.hpp"
#include "plan/plan.hpp"

namespace gilhost::workload {

// A GILHOST value checked and converted. Throws cli::UsageError naming the bad key.
// Precondition (all functions here): the GIL is held.
plan::Settings settings_of(PyObject* gilhost);

// Before the top level runs: the GILHOST of the target's source when it is a constant, or that
// the source has none; kUnknown for -m, unreadable or computed ones. Throws cli::UsageError for
// a constant one that breaks a rule.
plan::ScriptSettings read_script_settings(const cli::RunOptions& o);

// After the top level ran: __main__.GILHOST (absent = no settings).
plan::Settings script_settings(PyObject* main_globals);

// Role names beyond ASCII are confirmed by Python's own rule (str.isidentifier). Throws
// cli::UsageError naming the setting as written in `source`.
void check_names(const plan::Settings& s, plan::Source source);

// Looks up each role's function in __main__. Throws cli::UsageError when a name is missing or
// not callable. Returns borrowed references (the module keeps them alive).
std::vector<PyObject*> resolve_functions(PyObject* main_globals, const cli::WorkerSet& roles);

// Every role of every set names a function a worker can call and measure: it exists, takes no
// arguments, and is not a generator or async def function (whose call returns without running
// the body). Throws cli::UsageError saying how to wrap it.
void check_worker_functions(PyObject* main_globals, const plan::Plan& plan);

}  // namespace gilhost::workload
