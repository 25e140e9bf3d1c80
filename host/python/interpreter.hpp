// The embedded CPython 3.12: configured with PyConfig, running a script as python3.12 would.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gilhost::python {

enum class MainKind { kScript, kModule, kCode };

// Raised when the interpreter cannot start; main prints it and exits 1.
class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Owns the one interpreter of the process. Construct on the main thread before any other
// thread touches Python; the constructor returns with the GIL held by the calling thread.
class Interpreter {
 public:
  // `argv` becomes sys.argv. Uses the Python configuration (environment variables honoured, as
  // python3.12 does), sys.executable = the real python3.12 gilhost was built against.
  explicit Interpreter(const std::vector<std::string>& argv);
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
  ~Interpreter();

  // Runs the target in the real __main__ module (like python3.12 SCRIPT / -m / -c) and returns
  // nothing on success, or the exit status python3.12 would have had: SystemExit(n) -> n, an
  // uncaught exception -> traceback on stderr and 1, KeyboardInterrupt -> 130.
  std::optional<int> run_main(MainKind kind, const std::string& target);

  // Flushes and finalizes. Returns 120 when flushing stdout/stderr failed (as python3.12).
  int finalize();

  static std::string executable();  // sys.executable that gilhost sets
  static std::string version();     // Py_GetVersion's first word

 private:
  bool finalized_ = false;
};

// Handles the pending exception as the python3.12 command line would at top level and returns
// the exit status. Precondition: the GIL is held and an exception is pending.
int exit_status_from_exception();

}  // namespace gilhost::python
