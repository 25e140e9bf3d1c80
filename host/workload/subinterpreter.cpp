// Own-GIL sub-interpreters for :sub workers (docs/architecture.md, "Sub-interpreters").
#include "workload/subinterpreter.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "python/compat.hpp"
#include "python/ref.hpp"
#include "trace/gil_layout.h"
#include "trace/py_frames.h"
#include "trace/tracer.hpp"

namespace gilhost::workload {

std::atomic<bool> g_skip_finalize{false};

namespace {

std::mutex g_lifecycle_mu;  // one creation or teardown at a time (gh-123134)

// Lock order: the host mutex first, a GIL second. The caller holds the main GIL, so it lets go
// of it while it waits for the mutex. Precondition: the main GIL is held.
std::unique_lock<std::mutex> lock_lifecycle() {
  PyThreadState* ts = PyEval_SaveThread();
  std::unique_lock lock(g_lifecycle_mu);
  PyEval_RestoreThread(ts);
  return lock;
}

// The pending exception as "Type: message", one line; clears it.
std::string one_line_error() {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  std::string text = type ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "error";
  python::Ref str(value ? PyObject_Str(value) : nullptr);
  if (str && PyUnicode_Check(str.get())) text += std::string(": ") + PyUnicode_AsUTF8(str.get());
  PyErr_Clear();
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  for (char& c : text)
    if (c == '\n') c = ' ';
  return text;
}

#if GILHOST_HAS_PER_INTERPRETER_GIL
// Whether the main GIL is held by `ts` (PyGILState_Check is disabled once sub-interpreters
// exist): read from the GIL struct itself.
bool main_gil_held_by(PyThreadState* ts) {
  gilhost_gil_layout l{};
  if (gilhost_read_gil_layout(PyInterpreterState_Main(), &l) != 0) return false;
  return __atomic_load_n(l.locked, __ATOMIC_ACQUIRE) == 1 &&
         __atomic_load_n(l.last_holder, __ATOMIC_ACQUIRE) == ts;
}
#endif

PyThreadState* new_own_gil_interpreter(const std::string& worker) {
#if !GILHOST_HAS_PER_INTERPRETER_GIL
  // Refused on the command line already (check_isolation_supported); kept for other callers.
  throw SubInterpreterError(fmt::format(
      "worker {}: CPython {} has no per-interpreter GIL (PEP 684)", worker, PY_VERSION));
#else
  PyInterpreterConfig cfg = {
      .use_main_obmalloc = 0,
      .allow_fork = 0,
      .allow_exec = 0,
      .allow_threads = 1,
      .allow_daemon_threads = 0,
      .check_multi_interp_extensions = 1,  // required by use_main_obmalloc = 0
      .gil = PyInterpreterConfig_OWN_GIL,
  };
  // Tests make creation fail on purpose (an invalid config) to exercise the guard below.
  if (std::getenv("GILHOST_TEST_FAIL_SUBINTERPRETER") != nullptr) {
    cfg.check_multi_interp_extensions = 0;
  }
  PyThreadState* main_ts = PyThreadState_Get();
  PyThreadState* ts = nullptr;
  PyStatus st = Py_NewInterpreterFromConfig(&ts, &cfg);
  if (PyStatus_Exception(st) || ts == nullptr) {
    // 3.12.1 returns from a failed creation with the caller's thread state current but its GIL
    // released; the next release would be fatal ("drop_gil: GIL is not locked").
    if (!main_gil_held_by(main_ts)) PyEval_RestoreThread(main_ts);
    throw SubInterpreterError(fmt::format("worker {}: cannot create an own-GIL sub-interpreter: {}",
                                          worker, st.err_msg ? st.err_msg : "unknown error"));
  }
  return ts;  // current, holding the new GIL; the main GIL was released
#endif
}

constexpr const char* kLoader = R"PY(
import sys
sys.argv = list(__gilhost_argv)
sys.path.insert(0, __gilhost_dir)
del __gilhost_argv, __gilhost_dir
with open(__file__, 'rb') as __gilhost_f:
    __gilhost_code = compile(__gilhost_f.read(), __file__, 'exec')
del __gilhost_f
exec(__gilhost_code)
)PY";

void set_loader_inputs(PyObject* globals, const SubScript& script) {
  python::Ref argv(PyList_New(0));
  for (const std::string& a : script.argv) {
    python::Ref s(PyUnicode_DecodeFSDefault(a.c_str()));
    PyList_Append(argv.get(), s.get());
  }
  const std::size_t slash = script.path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string(".")
                          : slash == 0               ? std::string("/")
                                                     : script.path.substr(0, slash);
  python::Ref d(PyUnicode_DecodeFSDefault(dir.c_str()));
  python::Ref f(PyUnicode_DecodeFSDefault(script.path.c_str()));
  PyDict_SetItemString(globals, "__gilhost_argv", argv.get());
  PyDict_SetItemString(globals, "__gilhost_dir", d.get());
  PyDict_SetItemString(globals, "__file__", f.get());
}

// Each GIL has its own switch interval (gil->interval): a sub-interpreter starts at CPython's
// 5 ms, so it is given the main GIL's (--switch-interval or the script's GILHOST value).
void copy_switch_interval() {
  gilhost_gil_layout main{};
  if (gilhost_read_gil_layout(PyInterpreterState_Main(), &main) != 0) return;
  // +0.5 us: CPython truncates 1e6 * seconds (as Session::set_switch_interval).
  double seconds = (double(__atomic_load_n(main.interval, __ATOMIC_RELAXED)) + 0.5) / 1e6;
  python::Ref sys(PyImport_ImportModule("sys"));
  python::Ref r(sys ? PyObject_CallMethod(sys.get(), "setswitchinterval", "d", seconds) : nullptr);
  PyErr_Clear();
}

bool has_asyncio() { return PyDict_GetItemString(PyImport_GetModuleDict(), "_asyncio") != nullptr; }

// gh-119213 (fixed in 3.12.4 by PR #119425): `_asyncio` in an own-GIL sub-interpreter leaves
// objects of its obmalloc in the main interpreter, and Py_FinalizeEx later aborts.
void check_asyncio(const std::string& worker) {
  if (PY_VERSION_HEX >= 0x030C0400 || !has_asyncio() || g_skip_finalize.exchange(true)) return;
  std::fprintf(stderr,
               "gilhost: warning: worker %s's sub-interpreter imported _asyncio; CPython %s would "
               "abort while finalizing (gh-119213, fixed in 3.12.4): gilhost will exit without "
               "finalizing Python\n",
               worker.c_str(), PY_VERSION);
}

}  // namespace

std::unique_ptr<SubInterpreter> SubInterpreter::create(const SubScript& script,
                                                       const std::string& worker,
                                                       const std::string& function, bool trace) {
  auto lock = lock_lifecycle();
  PyThreadState* main_ts = PyThreadState_Get();
  std::unique_ptr<SubInterpreter> sub(new SubInterpreter());
  sub->worker_ = worker;
  sub->label_ = "sub:" + worker;
  sub->tstate_ = new_own_gil_interpreter(worker);
  sub->interp_ = PyThreadState_GetInterpreter(sub->tstate_);
  gilhost_gil_layout layout{};
  if (gilhost_read_gil_layout(sub->interp_, &layout) == 0) {
    sub->switch_number_ = layout.switch_number;
    // We hold the new GIL and nobody else knows it exists: no waiter, as register_gil needs.
    if (trace) sub->gil_index_ = trace::Tracer::register_gil(layout);
    // Each interpreter has its own code watchers: without one its stacks are not read.
    if (trace && trace::Tracer::stacks_enabled()) gilhost_watch_code(trace::code_destroyed_hook);
    if (trace && sub->gil_index_ < 0) {
      spdlog::warn(
          "worker {}: the tracer's table of {} GILs is full: its sub-interpreter's GIL "
          "is not traced (use fewer :sub threads)",
          worker, trace::kMaxGils);
    }
  }
  try {
    copy_switch_interval();
    sub->load(script, function);
  } catch (...) {
    PyEval_SaveThread();
    PyEval_RestoreThread(main_ts);
    sub->end_locked();
    throw;
  }
  PyEval_SaveThread();  // releases the new GIL; its worker takes it with its own thread state
  PyEval_RestoreThread(main_ts);
  return sub;
}

void SubInterpreter::load(const SubScript& script, const std::string& function) {
  PyObject* main = PyImport_AddModule("__main__");  // borrowed
  PyObject* globals = main ? PyModule_GetDict(main) : nullptr;
  if (globals == nullptr) throw SubInterpreterError("worker " + worker_ + ": no __main__");
  set_loader_inputs(globals, script);
  python::Ref r(PyRun_String(kLoader, Py_file_input, globals, globals));
  if (!r) {
    if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
      PyErr_Clear();
      throw SubInterpreterError(fmt::format(
          "worker {}: the script called sys.exit() while loading in its sub-interpreter", worker_));
    }
    throw SubInterpreterError(
        fmt::format("worker {}: cannot load {} in an own-GIL sub-interpreter: {}", worker_,
                    script.path, one_line_error()));
  }
  check_asyncio(worker_);
  function_ = python::Ref::borrow(PyDict_GetItemString(globals, function.c_str()));
  if (!function_ || !PyCallable_Check(function_.get())) {
    throw SubInterpreterError(
        fmt::format("worker {}: the script defines no function {}() in its sub-interpreter",
                    worker_, function));
  }
}

std::uint64_t SubInterpreter::switch_number() const {
  return switch_number_ ? __atomic_load_n(switch_number_, __ATOMIC_ACQUIRE) : 0;
}

void SubInterpreter::end() {
  if (tstate_ == nullptr) return;
  auto lock = lock_lifecycle();
  end_locked();
}

void SubInterpreter::end_locked() {
  if (tstate_ == nullptr) return;
  PyThreadState* main_ts = PyEval_SaveThread();
  PyEval_RestoreThread(tstate_);  // takes this interpreter's GIL; its worker is gone
  check_asyncio(worker_);
  // Before the GIL's memory is freed: a later GIL at the same address must not match this entry.
  if (gil_index_ >= 0) trace::Tracer::unregister_gil(gil_index_);
  gil_index_ = -1;
  switch_number_ = nullptr;
  function_ = python::Ref();   // with this interpreter's GIL held
  gilhost_unwatch_code();      // its code objects are still reported while they are freed
  Py_EndInterpreter(tstate_);  // needs the interpreter's only thread state, current
  tstate_ = nullptr;
  PyEval_RestoreThread(main_ts);
}

SubInterpreter::~SubInterpreter() { end(); }

}  // namespace gilhost::workload
