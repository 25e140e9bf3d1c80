// The embedded CPython 3.12: configured with PyConfig, running a script as python3.12 would.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gilhost::python {

enum class MainKind { kScript, kModule, kCode, kStdin };

// What python3.12 would be started with: `executable [options] SCRIPT | -m MODULE | -c CODE | -
// [args]`. The options are python3.12's own (-X dev, -u, -I, -W error, ...), read by PyConfig
// exactly as python3.12 reads them.
struct Launch {
  std::string executable;            // sys.executable (python/executable.hpp chooses it)
  std::vector<std::string> options;  // one token each: {"-X", "dev", "-u"}
  MainKind kind = MainKind::kScript;
  std::string target;  // the script's path, the module, the code; for kStdin the source read
  std::vector<std::string> args;  // sys.argv[1:]
};

// How the target's top level ended, as python3.12's command line tells them apart.
enum class Ending { kNone, kSystemExit, kException, kKeyboardInterrupt, kNotStarted };

// Raised when the interpreter cannot start; main prints it and exits 1.
class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Owns the one interpreter of the process. Construct on the main thread before any other
// thread touches Python; the constructor returns with the GIL held by the calling thread.
class Interpreter {
 public:
  // Starts CPython as python3.12 would start for `l`: the Python configuration (environment
  // variables honoured) with argv = executable, options, target and args parsed by PyConfig, so
  // that sys.argv, sys.orig_argv, sys.flags, -X options and a virtual environment (pyvenv.cfg
  // next to the executable) are python3.12's.
  explicit Interpreter(const Launch& l);
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
  ~Interpreter();

  // Runs the target in the real __main__ module (like python3.12 SCRIPT / -m / -c / -) and
  // returns nothing on success, or the exit status python3.12 would have had: SystemExit(n) ->
  // n, an uncaught exception -> traceback on stderr and 1, KeyboardInterrupt -> 130 (the caller
  // then dies by SIGINT: die_like_python).
  std::optional<int> run_main();

  // Flushes and finalizes. Returns 120 when flushing stdout/stderr failed (as python3.12).
  int finalize();

  static std::string executable();  // sys.executable that gilhost set
  static std::string version();     // Py_GetVersion's first word

 private:
  Launch launch_;
  std::string main_file_;   // __main__.__file__: PyConfig's run_filename (absolute, as 3.9+)
  bool safe_path_ = false;  // -P, -I or PYTHONSAFEPATH: no sys.path[0] for the target
  bool finalized_ = false;
};

// How the last top level (or join of the script's threads) ended, by exit_status_from_exception.
Ending last_ending();

// python3.12 ends a run whose KeyboardInterrupt was not caught by dying of SIGINT itself
// (Modules/main.c, exit_sigint), so that a shell sees the interrupt; 130 where it cannot. Call
// last, after the reports: does not return when `status` is 130 from such an interrupt.
int die_like_python(int status);

// Handles the pending exception as the python3.12 command line would at top level and returns
// the exit status. Precondition: the GIL is held and an exception is pending.
int exit_status_from_exception(Ending if_exception = Ending::kException);

}  // namespace gilhost::python
