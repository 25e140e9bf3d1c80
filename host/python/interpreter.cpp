// Interpreter start-up and top-level script execution with python3.12's exit semantics.
#include "python/interpreter.hpp"

#include <Python.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "build_info.hpp"
#include "python/compat.hpp"
#include "python/gilhost_module.hpp"
#include "python/ref.hpp"
#include "python_build.hpp"

namespace gilhost::python {
namespace {

// Written only by the thread that holds the main GIL (top level, thread join).
Ending g_ending = Ending::kNone;
std::string g_executable = build::kPythonExecutable;

// PyConfig with PyConfig_Clear on every path.
class Config {
 public:
  Config() { PyConfig_InitPythonConfig(&c_); }
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;
  ~Config() { PyConfig_Clear(&c_); }
  PyConfig* get() { return &c_; }
  void check(PyStatus s, const char* what) {
    if (PyStatus_Exception(s)) {
      throw StartupError(fmt::format("cannot start Python ({}): {}", what,
                                     s.err_msg ? s.err_msg : "unknown error"));
    }
  }

 private:
  PyConfig c_;
};

// The file to run is read by Python's own io.open_code and compiled from bytes, so PEP 263
// encoding declarations work as under python3.12.
// The path is decoded as Python decodes argv (the file-system encoding with surrogateescape), so
// a name that is not UTF-8 still opens.
PyObject* compile_file(const std::string& path) {
  Ref name(PyUnicode_DecodeFSDefault(path.c_str()));
  if (!name) return nullptr;
  Ref io(PyImport_ImportModule("io"));
  Ref f(io ? PyObject_CallMethod(io.get(), "open_code", "O", name.get()) : nullptr);
  Ref source(f ? PyObject_CallMethod(f.get(), "read", nullptr) : nullptr);
  if (f) {
    Ref closed(PyObject_CallMethod(f.get(), "close", nullptr));
  }
  if (!source) return nullptr;
  Ref builtins(PyImport_ImportModule("builtins"));
  return builtins ? PyObject_CallMethod(builtins.get(), "compile", "OOs", source.get(), name.get(),
                                        "exec")
                  : nullptr;
}

bool insert_sys_path0(const std::string& entry) {
  PyObject* path = PySys_GetObject("path");  // borrowed
  Ref item(PyUnicode_DecodeFSDefault(entry.c_str()));
  return path != nullptr && item && PyList_Insert(path, 0, item.get()) == 0;
}

std::string script_directory(const std::string& script) {
  char buf[4096];
  if (realpath(script.c_str(), buf) == nullptr) return ".";
  std::string full(buf);
  auto slash = full.rfind('/');
  return slash == 0 ? "/" : full.substr(0, slash);
}

// `file` is __main__.__file__ and the code's filename (absolute: tracebacks show it so); `path`
// the script as given, opened as python3.12 opens it.
std::optional<int> run_script(const std::string& path, const std::string& file, bool safe_path) {
  if (!safe_path && !insert_sys_path0(script_directory(path))) return exit_status_from_exception();
  PyObject* main = PyImport_AddModule("__main__");  // borrowed
  PyObject* globals = PyModule_GetDict(main);       // borrowed
  Ref name(PyUnicode_DecodeFSDefault(file.c_str()));
  if (!name || PyDict_SetItemString(globals, "__file__", name.get()) < 0 ||
      PyDict_SetItemString(globals, "__cached__", Py_None) < 0) {
    return exit_status_from_exception();
  }
  Ref code(compile_file(file));
  if (!code) return exit_status_from_exception(Ending::kNotStarted);
  Ref result(PyEval_EvalCode(code.get(), globals, globals));
  if (!result) return exit_status_from_exception();
  return std::nullopt;
}

// -c CODE (filename "<string>") and - (the source python3.12 would have read from stdin,
// filename "<stdin>", __file__ "<stdin>" as Python/pythonrun.c sets it); sys.path[0] is ''.
std::optional<int> run_source(const std::string& source, const char* filename, bool safe_path) {
  if (!safe_path && !insert_sys_path0("")) return exit_status_from_exception();
  PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
  if (std::strcmp(filename, "<stdin>") == 0) {
    Ref name(PyUnicode_FromString(filename));
    if (!name || PyDict_SetItemString(globals, "__file__", name.get()) < 0 ||
        PyDict_SetItemString(globals, "__cached__", Py_None) < 0) {
      return exit_status_from_exception();
    }
  }
  // From bytes, as python3.12 reads a file: a PEP 263 declaration in the source applies.
  Ref bytes(PyBytes_FromStringAndSize(source.data(), Py_ssize_t(source.size())));
  Ref builtins(bytes ? PyImport_ImportModule("builtins") : nullptr);
  Ref code(builtins ? PyObject_CallMethod(builtins.get(), "compile", "Oss", bytes.get(), filename,
                                          "exec")
                    : nullptr);
  if (!code) return exit_status_from_exception(Ending::kNotStarted);
  Ref result(PyEval_EvalCode(code.get(), globals, globals));
  if (!result) return exit_status_from_exception();
  return std::nullopt;
}

// runpy's own refusal of a module it cannot run (not found, a package without __main__): it
// raises SystemExit("<sys.executable>: <why>") before any of the module's code ran
// (Lib/runpy.py, _run_module_as_main). Precondition: an exception is pending; it stays.
bool runpy_refused() {
  if (!PyErr_ExceptionMatches(PyExc_SystemExit)) return false;
  Ref exc(compat::get_raised_exception());
  Ref code(PyObject_GetAttrString(exc.get(), "code"));
  bool refused = false;
  if (code && PyUnicode_Check(code.get())) {
    const char* text = PyUnicode_AsUTF8(code.get());
    std::string prefix = g_executable + ": ";
    refused = text != nullptr && std::strncmp(text, prefix.c_str(), prefix.size()) == 0;
  }
  PyErr_Clear();
  compat::set_raised_exception(exc.release());
  return refused;
}

// python3.12 -m runs runpy._run_module_as_main, which executes in the real __main__ module.
std::optional<int> run_module(const std::string& name, bool safe_path) {
  char cwd[4096];
  if (!safe_path && !insert_sys_path0(getcwd(cwd, sizeof cwd) ? cwd : "")) {
    return exit_status_from_exception();
  }
  Ref runpy(PyImport_ImportModule("runpy"));
  Ref result(runpy ? PyObject_CallMethod(runpy.get(), "_run_module_as_main", "si", name.c_str(), 1)
                   : nullptr);
  if (!result) {
    const bool refused = runpy_refused();
    std::optional<int> status = exit_status_from_exception();
    if (refused) g_ending = Ending::kNotStarted;
    return status;
  }
  return std::nullopt;
}

int system_exit_status(PyObject* exc) {
  Ref code(PyObject_GetAttrString(exc, "code"));
  if (!code || code.get() == Py_None) {
    PyErr_Clear();
    return 0;
  }
  if (PyLong_Check(code.get())) {
    int overflow = 0;
    long v = PyLong_AsLongAndOverflow(code.get(), &overflow);
    return overflow ? -1 : int(v);
  }
  // SystemExit("message"): python3.12 prints the object to stderr and exits 1.
  PyObject_Print(code.get(), stderr, Py_PRINT_RAW);
  std::fputc('\n', stderr);
  return 1;
}

// The argv python3.12 would be given: PyConfig parses it (parse_argv), so sys.argv, sys.orig_argv,
// the -X options and every flag are exactly python3.12's.
std::vector<std::string> python_argv(const Launch& l) {
  std::vector<std::string> argv = {l.executable};
  argv.insert(argv.end(), l.options.begin(), l.options.end());
  switch (l.kind) {
    case MainKind::kScript:
      argv.push_back(l.target);
      break;
    case MainKind::kModule:
      argv.insert(argv.end(), {"-m", l.target});
      break;
    case MainKind::kCode:
      argv.insert(argv.end(), {"-c", l.target});
      break;
    case MainKind::kStdin:
      argv.push_back("-");
      break;
  }
  argv.insert(argv.end(), l.args.begin(), l.args.end());
  return argv;
}

std::string narrow(const wchar_t* w) {
  if (w == nullptr) return "";
  char* bytes = Py_EncodeLocale(w, nullptr);
  std::string out = bytes ? bytes : "";
  PyMem_Free(bytes);
  return out;
}

}  // namespace

Ending last_ending() { return g_ending; }

int exit_status_from_exception(Ending if_exception) {
  if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
    g_ending = Ending::kSystemExit;
    Ref exc(compat::get_raised_exception());
    return system_exit_status(exc.get());
  }
  bool interrupted = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
  // An import that failed before anything ran is as good as not started.
  if (if_exception == Ending::kException && PyErr_ExceptionMatches(PyExc_ImportError) &&
      g_ending == Ending::kNotStarted) {
    if_exception = Ending::kNotStarted;
  }
  g_ending = interrupted ? Ending::kKeyboardInterrupt : if_exception;
  PyErr_Print();
  return interrupted ? 130 : 1;
}

int die_like_python(int status) {
  if (status != 130 || g_ending != Ending::kKeyboardInterrupt) return status;
  std::fflush(nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  if (sigaction(SIGINT, &dfl, nullptr) == 0) {
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
    kill(getpid(), SIGINT);
  }
  return status;  // SIGINT could not end the process: 130, as python3.12 falls back to
}

Interpreter::Interpreter(const Launch& l) : launch_(l) {
  if (PyImport_AppendInittab("gilhost", &init_gilhost_module) < 0) {
    throw StartupError("cannot register the gilhost module");
  }
  const std::vector<std::string> argv = python_argv(l);
  std::vector<char*> raw;
  for (const std::string& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
  // Pre-initialized from the same argv, as python3.12's main does (Modules/main.c, pymain_init):
  // -E, -I, -X dev and -X utf8 choose the memory allocator and the locale before PyConfig exists.
  PyPreConfig pre;
  PyPreConfig_InitPythonConfig(&pre);
  PyStatus ps = Py_PreInitializeFromBytesArgs(&pre, Py_ssize_t(raw.size()), raw.data());
  if (PyStatus_Exception(ps)) {
    throw StartupError(fmt::format("cannot start Python (pre-initialization): {}",
                                   ps.err_msg ? ps.err_msg : "unknown error"));
  }
  Config config;
  PyConfig* c = config.get();
  // Without an executable, sys.executable is whatever `python3` comes first on PATH (possibly
  // another version), and multiprocessing's spawn would silently run that Python. It is also
  // where getpath.py looks for a venv's pyvenv.cfg (its directory or the one above).
  config.check(PyConfig_SetBytesString(c, &c->program_name, l.executable.c_str()), "program_name");
  config.check(PyConfig_SetBytesString(c, &c->executable, l.executable.c_str()), "executable");
  config.check(PyConfig_SetBytesArgv(c, Py_ssize_t(raw.size()), raw.data()), "argv");
  config.check(PyConfig_Read(c), "configuration");
  spdlog::debug("python argv: {}", fmt::join(argv, " "));
  config.check(Py_InitializeFromConfig(c), "initialization");
  g_executable = narrow(c->executable);
  main_file_ = l.kind == MainKind::kScript ? narrow(c->run_filename) : "";
  safe_path_ = c->safe_path != 0;
  spdlog::debug("sys.executable {}, sys.prefix from {}", g_executable, narrow(c->prefix));
}

Interpreter::~Interpreter() {
  if (!finalized_) finalize();
}

std::optional<int> Interpreter::run_main() {
  g_ending = Ending::kNotStarted;  // until the target's code runs
  std::optional<int> status;
  switch (launch_.kind) {
    case MainKind::kScript:
      status = run_script(launch_.target, main_file_, safe_path_);
      break;
    case MainKind::kModule:
      status = run_module(launch_.target, safe_path_);
      break;
    case MainKind::kCode:
      status = run_source(launch_.target, "<string>", safe_path_);
      break;
    case MainKind::kStdin:
      status = run_source(launch_.target, "<stdin>", safe_path_);
      break;
  }
  if (!status) g_ending = Ending::kNone;
  return status;
}

int Interpreter::finalize() {
  finalized_ = true;
  return Py_FinalizeEx() < 0 ? 120 : 0;
}

std::string Interpreter::executable() { return g_executable; }

std::string Interpreter::version() {
  std::string v = Py_GetVersion();
  return v.substr(0, v.find(' '));
}

}  // namespace gilhost::python
