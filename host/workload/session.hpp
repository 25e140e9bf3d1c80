// One interpreter plus the tracer armed on its GIL: the environment every command runs in.
#pragma once

#include <Python.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "python/interpreter.hpp"
#include "trace/event.hpp"
#include "trace/gil_layout.h"
#include "trace/tracer.hpp"

namespace gilhost::workload {

// Owns the interpreter; the constructor returns with the GIL held by the calling thread and,
// when `trace` is set, the tracer armed on the main GIL (armed while holding the GIL with no
// waiter, as the tracer requires). The destructor disarms before finalizing.
class Session {
 public:
  // `stacks`: traced runs also read the Python stack of each release (docs/metrics.md, "Stacks").
  Session(const python::Launch& launch, bool trace, std::size_t ring_events, bool stacks = true);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  python::Interpreter& interpreter() { return *interp_; }
  const gilhost_gil_layout& layout() const { return layout_; }
  bool traced() const { return traced_; }
  std::uint64_t switch_number() const;
  std::uint64_t interval_us() const;
  // Closes the measured window opened at `begin_ticks` (trace::Tracer::open_window): its
  // figures, and its raw events when kept, with thread names refreshed from threading.
  // Precondition: the GIL is held when `refresh_names` is set.
  trace::WindowResult record(std::uint64_t begin_ticks, std::uint64_t end_ticks,
                             std::uint64_t sn_begin, std::uint64_t sn_end,
                             bool refresh_names = true);
  // The figures of GIL `gil` (tracer index) in a closed window; call for sub-interpreter GILs
  // before the main one (0), whose figures are moved out.
  static analysis::GilMetrics gil_metrics(trace::WindowResult& w, int gil);
  // sys.setswitchinterval with `interval` rounded to whole microseconds (what CPython keeps).
  // Raises cli::UsageError when Python refuses.
  void set_switch_interval(std::chrono::nanoseconds interval);
  int finalize();  // disarm + Py_FinalizeEx

 private:
  std::unique_ptr<python::Interpreter> interp_;
  gilhost_gil_layout layout_{};
  bool traced_ = false;
};

}  // namespace gilhost::workload
