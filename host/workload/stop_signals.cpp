// The stop signals' handler and who owns the signals when (see stop_signals.hpp).
#include "workload/stop_signals.hpp"

#include <Python.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>

#include "python/ref.hpp"
#include "report/atomic_file.hpp"

namespace gilhost::workload {

std::atomic<int> g_stop_signal{0};

namespace {

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kMaxSignal = 65;

// Everything the handler reads is lock-free and written before the handler is installed.
std::atomic<int> g_count{0};
std::atomic<bool> g_second_exits{true};
bool g_ignored_at_start[kMaxSignal] = {};
bool g_started = false;
const pid_t g_host_pid = getpid();
// The action each signal has outside gilhost's phases: the original one before Python starts,
// then Python's or the script's.
struct sigaction g_script_action[kMaxSignal] = {};

// Counts a stop signal; the second one ends the process at once (async-signal-safe).
void count_stop(int sig) {
  if (g_count.fetch_add(1) == 0) {
    g_stop_signal.store(sig);
  } else if (g_second_exits.load()) {
    report::remove_files_for_exit();
    _exit(128 + g_stop_signal.load());
  }
}

void on_stop_signal(int sig) {
  const int saved_errno = errno;
  count_stop(sig);
  errno = saved_errno;
}

bool is_ours(const struct sigaction& a) { return a.sa_handler == on_stop_signal; }

void install_ours(int sig) {
  if (g_ignored_at_start[sig]) return;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(sig, &sa, nullptr);
}

// Remembers the current action of `sig` as the script's unless it is gilhost's own.
void remember_script_action(int sig) {
  struct sigaction cur {};
  sigaction(sig, nullptr, &cur);
  if (!is_ours(cur)) g_script_action[sig] = cur;
}

void start_once() {
  if (g_started) return;
  g_started = true;
  for (int sig : kStopSignals) {
    sigaction(sig, nullptr, &g_script_action[sig]);
    g_ignored_at_start[sig] = g_script_action[sig].sa_handler == SIG_IGN;
  }
  // A child made by fork() (os.fork, multiprocessing) is the script's process: it gets the
  // actions python3.12 would have given it, and no stop of its parent.
  pthread_atfork(nullptr, nullptr, [] {
    for (int sig : kStopSignals) {
      struct sigaction cur {};
      sigaction(sig, nullptr, &cur);
      if (is_ours(cur)) sigaction(sig, &g_script_action[sig], nullptr);
    }
    g_count.store(0);
    g_stop_signal.store(0);
  });
}

sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kStopSignals) sigaddset(&set, sig);
  return set;
}

}  // namespace

int stop_signal_count() { return g_count.load(); }

int interrupted_status() {
  const int sig = g_stop_signal.load();
  return 128 + (sig != 0 ? sig : SIGINT);
}

void own_stop_signals(bool second_exits) {
  start_once();
  g_second_exits.store(second_exits);
  for (int sig : kStopSignals) {
    remember_script_action(sig);
    install_ours(sig);
  }
}

PythonStartSignals::PythonStartSignals() {
  start_once();
  sigset_t set = stop_set();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  for (int sig : kStopSignals) sigaction(sig, &g_script_action[sig], nullptr);
}

PythonStartSignals::~PythonStartSignals() {
  own_stop_signals(g_second_exits.load());
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

StopSignalsBlocked::StopSignalsBlocked() {
  sigset_t set = stop_set();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
}

StopSignalsBlocked::~StopSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr); }

namespace {

// The Python-level handler of SIGTERM/SIGHUP while the script's top level runs: counts the stop
// and raises KeyboardInterrupt in the main thread. A Python handler (unlike a C one calling
// PyErr_SetInterruptEx, which goes through SIGINT's handler, ignored in a background job)
// also interrupts a blocking call such as time.sleep: Python's C handler makes it return EINTR
// and run the handler (PEP 475).
PyObject* py_stop(PyObject*, PyObject* args) {
  int sig = 0;
  PyObject* frame = nullptr;
  if (!PyArg_ParseTuple(args, "iO:gilhost_stop", &sig, &frame)) return nullptr;
  if (getpid() != g_host_pid) {
    // A fork child (multiprocessing's Process.terminate() may come before the child's
    // register_at_fork hook removed this handler): the default action, as under python3.12.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, nullptr);
    raise(sig);
  }
  count_stop(sig);
  PyErr_SetNone(PyExc_KeyboardInterrupt);
  return nullptr;
}

PyMethodDef kStopDef = {"gilhost_stop", py_stop, METH_VARARGS,
                        "gilhost's SIGTERM/SIGHUP handler while the script's top level runs"};

PyObject* stop_function() {
  static PyObject* fn = PyCFunction_New(&kStopDef, nullptr);  // kept for the process
  return fn;
}

// signal.getsignal(sig) is gilhost's handler / SIG_DFL. Precondition: the GIL is held.
bool python_handler_is(PyObject* signal_module, int sig, PyObject* handler) {
  python::Ref cur(PyObject_CallMethod(signal_module, "getsignal", "i", sig));
  return cur && cur.get() == handler;
}

void set_python_handler(PyObject* signal_module, int sig, PyObject* handler) {
  python::Ref r(PyObject_CallMethod(signal_module, "signal", "iO", sig, handler));
}

// CPython's own C-level action for a signal whose Python handler is gilhost_stop.
struct sigaction g_python_action[kMaxSignal] = {};

// The C-level handler laid over CPython's while gilhost_stop is the Python handler. In a fork
// child the signal must kill at once, as SIG_DFL does under python3.12: a flag CPython's handler
// trips before PyOS_AfterFork_Child runs is cleared there by _PySignal_AfterFork (bpo-9535), so
// multiprocessing's Process.terminate() right after start() would otherwise be lost and the
// child sleep on. Only async-signal-safe calls (getpid, sigaction, raise).
void on_script_stop_signal(int sig) {
  if (getpid() != g_host_pid) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    raise(sig);
    return;
  }
  g_python_action[sig].sa_handler(sig);
}

// Lays on_script_stop_signal over the C-level action CPython just installed, with its flags
// (no SA_RESTART: a blocking call still returns EINTR and runs the Python handler, PEP 475).
void overlay_script_stop_signal(int sig) {
  struct sigaction cur {};
  sigaction(sig, nullptr, &cur);
  if ((cur.sa_flags & SA_SIGINFO) != 0 || cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN) {
    return;
  }
  g_python_action[sig] = cur;
  cur.sa_handler = on_script_stop_signal;
  sigaction(sig, &cur, nullptr);
}

// SIG_DFL again where gilhost's Python handler is. Precondition: the main thread, GIL held.
void remove_python_stop_handlers() {
  python::Ref signal_module(PyImport_ImportModule("signal"));
  python::Ref dfl(signal_module ? PyObject_GetAttrString(signal_module.get(), "SIG_DFL") : nullptr);
  for (int sig : {SIGTERM, SIGHUP}) {
    if (dfl && python_handler_is(signal_module.get(), sig, stop_function())) {
      set_python_handler(signal_module.get(), sig, dfl.get());
    }
  }
  PyErr_Clear();
}

// In a fork child (multiprocessing's fork start method, os.fork) the script's process must die
// of SIGTERM as under python3.12 (Process.terminate): gilhost's Python handlers are removed.
PyObject* py_after_fork(PyObject*, PyObject*) {
  remove_python_stop_handlers();
  Py_RETURN_NONE;
}

PyMethodDef kAfterForkDef = {"gilhost_after_fork", py_after_fork, METH_NOARGS,
                             "removes gilhost's signal handlers in a fork child"};

void register_after_fork(PyObject* os_module) {
  static bool done = false;
  if (done || os_module == nullptr) return;
  done = true;
  python::Ref fn(PyCFunction_New(&kAfterForkDef, nullptr));
  python::Ref register_at_fork(PyObject_GetAttrString(os_module, "register_at_fork"));
  python::Ref kwargs(Py_BuildValue("{sO}", "after_in_child", fn.get()));
  python::Ref empty(PyTuple_New(0));
  if (register_at_fork && kwargs && empty) {
    python::Ref r(PyObject_Call(register_at_fork.get(), empty.get(), kwargs.get()));
  }
}

}  // namespace

ScriptPhase::ScriptPhase() {
  start_once();
  PyObject* pending = PyErr_GetRaisedException();
  // The C-level actions Python (or the script) gave the signals: SIGINT's is Python's own.
  for (int sig : kStopSignals) {
    remember_script_action(sig);
    sigaction(sig, &g_script_action[sig], nullptr);
  }
  python::Ref os_module(PyImport_ImportModule("os"));
  register_after_fork(os_module.get());
  python::Ref signal_module(PyImport_ImportModule("signal"));
  python::Ref dfl(signal_module ? PyObject_GetAttrString(signal_module.get(), "SIG_DFL") : nullptr);
  for (int sig : {SIGTERM, SIGHUP}) {
    if (dfl && !g_ignored_at_start[sig] && python_handler_is(signal_module.get(), sig, dfl.get())) {
      set_python_handler(signal_module.get(), sig, stop_function());
      overlay_script_stop_signal(sig);
    }
  }
  PyErr_Clear();
  PyErr_SetRaisedException(pending);
}

ScriptPhase::~ScriptPhase() {
  PyObject* pending = PyErr_GetRaisedException();
  remove_python_stop_handlers();
  PyErr_SetRaisedException(pending);
  own_stop_signals(g_second_exits.load());
}

void give_back_stop_signals() {
  if (!g_started) return;
  for (int sig : kStopSignals) {
    struct sigaction cur {};
    sigaction(sig, nullptr, &cur);
    if (is_ours(cur)) sigaction(sig, &g_script_action[sig], nullptr);
  }
}

}  // namespace gilhost::workload
