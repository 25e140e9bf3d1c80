// One worker's own-GIL sub-interpreter (PEP 684): creation, the script loaded there, teardown.
#pragma once

#include <Python.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "python/ref.hpp"

namespace gilhost::workload {

// What a sub-interpreter needs to load the script as the main interpreter did.
struct SubScript {
  std::string path;               // the script file, run in the sub-interpreter's __main__
  std::vector<std::string> argv;  // sys.argv, as in the main interpreter
};

// Why a sub-interpreter could not be made ready, as one line naming the worker.
class SubInterpreterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Set when a sub-interpreter imported `_asyncio` on CPython < 3.12.4: finalizing the main
// interpreter would then abort ("free(): invalid pointer", gh-119213), so the process must end
// with _exit once its reports are written (end_session).
extern std::atomic<bool> g_skip_finalize;

// Lock order: creation and teardown run on the main thread only, one interpreter at a time
// (serialised by a host mutex, taken before any GIL: gh-123134), with the main GIL held on entry
// and on return. The worker thread only ever touches this interpreter through its own thread
// state (PyThreadState_New + PyEval_RestoreThread, never PyGILState_Ensure).
class SubInterpreter {
 public:
  // Creates the interpreter, loads the script, looks up `function` and, when `trace` is set,
  // registers the new GIL with the tracer. Throws SubInterpreterError.
  static std::unique_ptr<SubInterpreter> create(const SubScript& script, const std::string& worker,
                                                const std::string& function, bool trace);
  SubInterpreter(const SubInterpreter&) = delete;
  SubInterpreter& operator=(const SubInterpreter&) = delete;
  ~SubInterpreter();  // end() if not done; never throws

  PyInterpreterState* interp() const { return interp_; }
  PyObject* function() const { return function_.get(); }  // owned until end()
  int gil_index() const { return gil_index_; }            // -1 when untraced
  std::uint64_t switch_number() const;
  const std::string& label() const { return label_; }  // "sub:cpu-0"

  // Unregisters the GIL and ends the interpreter. Precondition: the main GIL is held and no
  // thread runs in this interpreter any more (its worker deleted its own thread state).
  void end();

 private:
  SubInterpreter() = default;
  void load(const SubScript& script, const std::string& function);
  void end_locked();                 // end() with g_lifecycle_mu held
  PyThreadState* tstate_ = nullptr;  // the creation thread state, the one Py_EndInterpreter takes
  PyInterpreterState* interp_ = nullptr;
  // Owned: a worker may rebind or delete the global it was found under while the phase runs.
  python::Ref function_;
  int gil_index_ = -1;
  const unsigned long* switch_number_ = nullptr;
  std::string worker_, label_;
};

}  // namespace gilhost::workload
