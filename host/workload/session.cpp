// Session start-up: interpreter, GIL registration, thread-name hook, tracer arming.
#include "workload/session.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/intervals.hpp"
#include "cli/units.hpp"
#include "python/python_error.hpp"
#include "python/ref.hpp"
#include "trace/py_frames.h"
#include "trace/tracer.hpp"
#include "workload/capabilities.hpp"
#include "workload/python_hooks.hpp"
#include "workload/runner.hpp"
#include "workload/stop_signals.hpp"

namespace gilhost::workload {
namespace {

void refresh_python_names() {
  if (PyDict_GetItemString(PyImport_GetModuleDict(), "threading") == nullptr) return;
  python::Ref threading(PyImport_ImportModule("threading"));
  python::Ref all(threading ? PyObject_CallMethod(threading.get(), "enumerate", nullptr) : nullptr);
  if (!all) {
    PyErr_Clear();
    return;
  }
  for (Py_ssize_t i = 0; i < PyList_Size(all.get()); ++i) {
    PyObject* t = PyList_GetItem(all.get(), i);
    python::Ref id(PyObject_GetAttrString(t, "native_id"));
    python::Ref name(PyObject_GetAttrString(t, "name"));
    if (id && name && PyLong_Check(id.get()) && PyUnicode_Check(name.get())) {
      trace::Tracer::set_python_name_of(int(PyLong_AsLong(id.get())), PyUnicode_AsUTF8(name.get()));
    }
    PyErr_Clear();
  }
}

// Every interpreter's GIL at the window's end, against the tracer's table. Precondition: the
// GIL is held (the interpreter list's entries stay valid).
struct CensusWalk {
  trace::GilCensus census;
  const void* main_gil;
  std::size_t mutex_offset;
};

void count_interpreter(const void* gil, int own, void* arg) {
  auto& w = *static_cast<CensusWalk*>(arg);
  if (gil == nullptr) return;  // being created or ended: no GIL right now
  if (!own) {
    ++w.census.shared_with_main;
    return;
  }
  if (gil == w.main_gil) return;
  ++w.census.own_gils;
  const void* mutex = static_cast<const char*>(gil) + w.mutex_offset;
  if (trace::Tracer::index_of(mutex) < 0) ++w.census.untraced;
}

trace::GilCensus take_census(const gilhost_gil_layout& main) {
  CensusWalk w{{}, main.gil, main.offset_mutex};
  w.census.taken = true;
  w.census.interpreters = gilhost_for_each_interpreter(count_interpreter, &w);
  return w.census;
}

}  // namespace

Session::Session(const python::Launch& launch, bool trace, std::size_t ring_events, bool stacks) {
  trace::Tracer::init(ring_events);
  // Stop signals wait until gilhost's handler is in place; the collector thread inherits the
  // blocked mask, so signals always reach the main thread.
  PythonStartSignals signals;
  interp_ = std::make_unique<python::Interpreter>(launch);
  check_gil_enabled();
  if (gilhost_read_gil_layout(PyInterpreterState_Main(), &layout_) != 0) {
    throw python::StartupError("the main interpreter has no GIL");
  }
  install_thread_naming();
  trace::Tracer::set_creation_pattern(layout_);
  if (trace) {
    if (trace::Tracer::register_gil(layout_) != 0) throw python::StartupError("tracer GIL table");
    // Code objects are copied before they are freed, so their names outlive them; a thread of an
    // interpreter without a watcher gets "[stack not read]" instead of a stack.
    if (stacks && gilhost_watch_code(trace::code_destroyed_hook) == 0)
      trace::Tracer::enable_stacks(gilhost_capture_frames, gilhost_view_code, [] {
        return static_cast<const void*>(PyGILState_GetThisThreadState());
      });
    trace::Tracer::arm(0);
    trace::Tracer::set_python_name("MainThread");
    install_fork_pause();
    traced_ = true;
  }
}

// Reached without finalize() only on an error path (an exception on its way to main). Python is
// finalized only when that is what finalize() would do anyway: this thread holds the GIL and no
// worker was abandoned. Otherwise Py_FinalizeEx could wait forever for a GIL a stuck thread
// holds, or crash on a thread state that is not this thread's: C stdio is flushed and Python
// is left as it is for the process exit.
Session::~Session() {
  if (!interp_) return;
    // Not PyGILState_Check(): it answers yes once a sub-interpreter existed (check disabled).
#if PY_VERSION_HEX >= 0x030D0000
  const bool holds_gil = PyThreadState_GetUnchecked() != nullptr;
#else
  const bool holds_gil = _PyThreadState_UncheckedGet() != nullptr;
#endif
  if (holds_gil && !workers_abandoned()) {
    finalize();
    return;
  }
  std::fflush(nullptr);
  (void)interp_.release();  // never finalized
}

std::uint64_t Session::switch_number() const {
  return __atomic_load_n(layout_.switch_number, __ATOMIC_ACQUIRE);
}

std::uint64_t Session::interval_us() const {
  return __atomic_load_n(layout_.interval, __ATOMIC_RELAXED);
}

trace::WindowResult Session::record(std::uint64_t begin, std::uint64_t end, std::uint64_t sn_begin,
                                    std::uint64_t sn_end, bool refresh_names) {
  if (refresh_names) refresh_python_names();
  trace::WindowResult w = trace::Tracer::close_window(begin, end, sn_end);
  w.recording.switch_number_begin = sn_begin;
  w.recording.switch_number_end = sn_end;
  w.recording.interval_us = interval_us();
  w.recording.drop_request_read = gilhost_drop_request_readable() != 0;
  if (refresh_names) w.recording.census = take_census(layout_);
  return w;
}

analysis::GilMetrics Session::gil_metrics(trace::WindowResult& w, int gil) {
  return analysis::gil_metrics_of(w.metrics, std::uint8_t(gil), w.recording);
}

void Session::set_switch_interval(std::chrono::nanoseconds interval) {
  // CPython stores (unsigned long)(1e6 * seconds): a truncation, so 249e-6 would become 248 us.
  // Half a microsecond more makes the truncation land on the intended whole microsecond.
  double us = double(cli::round_to_microseconds(interval).count()) / 1e3;
  double seconds = (us + 0.5) / 1e6;
  python::Ref sys(PyImport_ImportModule("sys"));
  python::Ref r(sys ? PyObject_CallMethod(sys.get(), "setswitchinterval", "d", seconds) : nullptr);
  if (!r) {
    std::string msg = python::PythonError::fetch("").what();
    throw cli::UsageError(fmt::format("--switch-interval: {}", msg));
  }
}

int Session::finalize() {
  if (!interp_) return 0;
  trace::Tracer::disarm();
  int status = interp_->finalize();
  interp_.reset();
  return status;
}

}  // namespace gilhost::workload
