// The built-in `gilhost` Python module: native kernels, GIL holders and markers for scripts.
#pragma once

#include <Python.h>

#include <string>

namespace gilhost::python {

// PyInit function registered with PyImport_AppendInittab (multi-phase initialisation).
extern "C" PyObject* init_gilhost_module();

// What gilhost.worker() returns on the calling thread: set by the workload for its workers.
struct WorkerIdentity {
  std::string role;
  int index = -1;
};
void set_current_worker(const WorkerIdentity* identity);  // nullptr: not a worker
const WorkerIdentity* current_worker();

}  // namespace gilhost::python
