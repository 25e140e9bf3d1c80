// Interpreter start-up and top-level script execution with python3.12's exit semantics.
#include "python/interpreter.hpp"

#include <Python.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "build_info.hpp"
#include "python/gilhost_module.hpp"
#include "python/ref.hpp"

namespace gilhost::python {
namespace {

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

std::optional<int> run_script(const std::string& path) {
  if (!insert_sys_path0(script_directory(path))) return exit_status_from_exception();
  PyObject* main = PyImport_AddModule("__main__");  // borrowed
  PyObject* globals = PyModule_GetDict(main);       // borrowed
  Ref file(PyUnicode_DecodeFSDefault(path.c_str()));
  if (PyDict_SetItemString(globals, "__file__", file.get()) < 0 ||
      PyDict_SetItemString(globals, "__cached__", Py_None) < 0) {
    return exit_status_from_exception();
  }
  Ref code(compile_file(path));
  if (!code) return exit_status_from_exception();
  Ref result(PyEval_EvalCode(code.get(), globals, globals));
  if (!result) return exit_status_from_exception();
  return std::nullopt;
}

std::optional<int> run_code(const std::string& source) {
  if (!insert_sys_path0("")) return exit_status_from_exception();
  PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
  Ref code(Py_CompileString(source.c_str(), "<string>", Py_file_input));
  if (!code) return exit_status_from_exception();
  Ref result(PyEval_EvalCode(code.get(), globals, globals));
  if (!result) return exit_status_from_exception();
  return std::nullopt;
}

// python3.12 -m runs runpy._run_module_as_main, which executes in the real __main__ module.
std::optional<int> run_module(const std::string& name) {
  char cwd[4096];
  if (!insert_sys_path0(getcwd(cwd, sizeof cwd) ? cwd : "")) return exit_status_from_exception();
  Ref runpy(PyImport_ImportModule("runpy"));
  Ref result(runpy ? PyObject_CallMethod(runpy.get(), "_run_module_as_main", "si", name.c_str(), 1)
                   : nullptr);
  if (!result) return exit_status_from_exception();
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

}  // namespace

int exit_status_from_exception() {
  if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
    Ref exc(PyErr_GetRaisedException());
    return system_exit_status(exc.get());
  }
  bool interrupted = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
  PyErr_Print();
  return interrupted ? 130 : 1;
}

Interpreter::Interpreter(const std::vector<std::string>& argv) {
  if (PyImport_AppendInittab("gilhost", &init_gilhost_module) < 0) {
    throw StartupError("cannot register the gilhost module");
  }
  Config config;
  PyConfig* c = config.get();
  c->parse_argv = 0;  // gilhost parsed its own options; the script's argv is passed as is
  // Without this, sys.executable is whatever `python3` is first on PATH (possibly another
  // version), and multiprocessing's spawn would silently run that Python.
  if (access(build::kPythonExecutable, X_OK) == 0) {
    config.check(PyConfig_SetBytesString(c, &c->program_name, build::kPythonExecutable),
                 "program_name");
    config.check(PyConfig_SetBytesString(c, &c->executable, build::kPythonExecutable),
                 "executable");
  }
  std::vector<char*> raw;
  for (const std::string& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
  config.check(PyConfig_SetBytesArgv(c, Py_ssize_t(raw.size()), raw.data()), "argv");
  config.check(Py_InitializeFromConfig(c), "initialization");
}

Interpreter::~Interpreter() {
  if (!finalized_) finalize();
}

std::optional<int> Interpreter::run_main(MainKind kind, const std::string& target) {
  switch (kind) {
    case MainKind::kScript:
      return run_script(target);
    case MainKind::kModule:
      return run_module(target);
    case MainKind::kCode:
      return run_code(target);
  }
  return std::nullopt;
}

int Interpreter::finalize() {
  finalized_ = true;
  return Py_FinalizeEx() < 0 ? 120 : 0;
}

std::string Interpreter::executable() { return build::kPythonExecutable; }

std::string Interpreter::version() {
  std::string v = Py_GetVersion();
  return v.substr(0, v.find(' '));
}

}  // namespace gilhost::python
