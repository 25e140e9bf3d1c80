// Worker threads: attach once with PyGILState_Ensure, wait at the barrier, call until told to stop.
#include "workload/runner.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>

#include "python/gilhost_module.hpp"
#include "python/interpreter.hpp"
#include "python/python_error.hpp"
#include "python/ref.hpp"
#include "trace/quiet_thread.hpp"
#include "trace/tracer.hpp"

namespace gilhost::workload {

namespace {

std::atomic<bool> g_abandoned{false};

// Set in a child made by os.fork() from a worker: the child has no supervisor to return to.
std::atomic<bool> g_in_forked_child{false};
[[maybe_unused]] const int kAtforkRegistered =
    pthread_atfork(nullptr, nullptr, [] { g_in_forked_child = true; });

// A worker's forked child ends when its call returns, flushing Python's stdio first, like a
// child process that ran off the end of its program.
[[noreturn]] void exit_forked_child() {
  PyErr_Clear();
  for (const char* name : {"stdout", "stderr"}) {
    PyObject* stream = PySys_GetObject(name);  // borrowed
    if (stream != nullptr && stream != Py_None) {
      python::Ref r(PyObject_CallMethod(stream, "flush", nullptr));
      PyErr_Clear();
    }
  }
  _exit(0);
}

using Clock = std::chrono::steady_clock;

std::uint64_t cpu_ns(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

// Shared by the main thread and the workers of one phase. Lock order: `mu` is never held while
// taking the GIL (a worker holding the GIL may be waiting for `mu`).
struct Sync {
  PhasePlan plan;  // a copy: abandoned workers may outlive the caller's
  std::mutex mu;
  std::condition_variable cv;
  unsigned ready = 0;
  unsigned done = 0;
  bool go = false;
  std::atomic<bool> stop{false};
  Clock::time_point deadline = Clock::time_point::max();
  std::uint64_t last_end_ticks = 0;
  std::string error_worker, error_text;
  std::optional<int> exit_status;
};

struct Worker {
  python::WorkerIdentity identity;
  python::Ref
      owned_function;  // a shared worker's own reference (a :sub one's is its interpreter's)
  PyObject* function = nullptr;
  SubInterpreter* sub = nullptr;  // a :sub worker's own interpreter, else the main one
  analysis::WorkerResult result;
  unsigned long python_thread_id = 0;
  // When the call in progress began (steady clock ns), 0 between calls: --timeout bounds it.
  std::atomic<std::int64_t> call_started_ns{0};
  std::atomic<bool> finished{false};
};

// Records a worker's exception: SystemExit decides the exit status, anything else is exit 1.
void record_failure(Worker& w, Sync& sync) {
  bool system_exit = PyErr_ExceptionMatches(PyExc_SystemExit);
  std::optional<int> status;
  std::string text;
  if (system_exit) {
    status = python::exit_status_from_exception();
    // sys.exit(0) from a worker still cut the plan short: the run is "failed", so its exit
    // status must say so too.
    if (*status == 0) {
      status = 1;
      text = "SystemExit(0): a worker ended the run before its plan was done (exit status 1)\n";
    }
  } else {
    text = python::format_pending_exception();
    status = 1;
  }
  std::lock_guard lock(sync.mu);
  if (!sync.exit_status) {
    sync.exit_status = status;
    sync.error_worker = w.result.name;
    sync.error_text = std::move(text);
  }
  sync.stop = true;
}

// A function that returns a coroutine or generator did not run the work it stands for (the
// functions that always do are refused before the phase: worker_checks.cpp). Sets TypeError.
bool ran_its_body(PyObject* result) {
  if (!PyCoro_CheckExact(result) && !PyGen_Check(result) && !PyAsyncGen_CheckExact(result)) {
    return true;
  }
  python::Ref closed(PyObject_CallMethod(result, "close", nullptr));  // no "never awaited"
  PyErr_Clear();
  PyErr_Format(PyExc_TypeError,
               "the worker function returned a %s without running it: call a function that "
               "runs it to the end (asyncio.run(...), or a loop over the generator)",
               Py_TYPE(result)->tp_name);
  return false;
}

void call_loop(Worker& w, Sync& sync, const PhasePlan& plan) {
  const std::uint64_t max_calls = plan.calls.value_or(~0ull);
  while (!sync.stop.load(std::memory_order_relaxed) && w.result.calls < max_calls &&
         Clock::now() < sync.deadline) {
    trace::emit_call(trace::EventKind::kCallBegin, std::uint32_t(w.result.calls));
    auto t0 = Clock::now();
    w.call_started_ns.store(t0.time_since_epoch().count(), std::memory_order_relaxed);
    python::Ref r(PyObject_CallNoArgs(w.function));
    w.call_started_ns.store(0, std::memory_order_relaxed);
    auto t1 = Clock::now();
    if (g_in_forked_child.load(std::memory_order_relaxed)) exit_forked_child();
    trace::emit_call(trace::EventKind::kCallEnd, std::uint32_t(w.result.calls));
    if (!r || !ran_its_body(r.get())) {
      record_failure(w, sync);
      return;
    }
    try {
      w.result.latency.record(std::uint64_t((t1 - t0).count()));
    } catch (const std::bad_alloc&) {  // a worker failure like any MemoryError, not terminate
      PyErr_NoMemory();
      record_failure(w, sync);
      return;
    }
    ++w.result.calls;
  }
}

// A :sub worker gets a thread state of its own interpreter, bound to this thread; a shared one
// the main interpreter's, through PyGILState_Ensure (never on a :sub thread: section 2 of
// cpython-gil-internals.md). Returns with the GIL released.
PyThreadState* attach(Worker& w, PyGILState_STATE& gstate) {
  w.python_thread_id = PyThread_get_thread_ident();  // the same in every interpreter
  if (w.sub != nullptr) {
    PyThreadState* ts = PyThreadState_New(w.sub->interp());
    PyEval_RestoreThread(ts);
    return PyEval_SaveThread();
  }
  gstate = PyGILState_Ensure();  // one thread state for the worker's life
  return PyEval_SaveThread();
}

// Deletes the thread state and releases the GIL. Precondition: the GIL is held.
void detach(Worker& w, PyGILState_STATE gstate) {
  if (w.sub != nullptr) {
    PyThreadState_Clear(PyThreadState_Get());
    // Leaves the creation thread state as the interpreter's only one, as Py_EndInterpreter needs.
    PyThreadState_DeleteCurrent();
  } else {
    PyGILState_Release(gstate);
  }
}

void worker_main(Worker& w, Sync& sync, const PhasePlan& plan) {
  pthread_setname_np(pthread_self(), w.result.name.substr(0, 15).c_str());
  w.result.tid = int(syscall(SYS_gettid));
  if (plan.trace) trace::Tracer::set_worker(w.identity.role, w.result.name);
  python::set_current_worker(&w.identity);
  PyGILState_STATE gstate{};
  PyThreadState* ts = attach(w, gstate);
  {
    std::unique_lock lock(sync.mu);
    ++sync.ready;
    sync.cv.notify_all();
    sync.cv.wait(lock, [&] { return sync.go; });
  }
  std::uint64_t cpu0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
  PyEval_RestoreThread(ts);
  call_loop(w, sync, plan);
  w.owned_function = python::Ref();  // with the GIL held, which the main thread may not have then
  w.result.cpu_ns = cpu_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  detach(w, gstate);
  python::set_current_worker(nullptr);
  std::lock_guard lock(sync.mu);
  // Stamped under `mu`, so the last worker's stamp is the latest: it ends the window, and the
  // tracer's analysis must not run past it before the window is closed.
  const bool last = sync.done + 1 == sync.ready;
  const std::uint64_t end = last ? trace::Tracer::stamp_window_end() : trace::now_ticks();
  sync.last_end_ticks = std::max(sync.last_end_ticks, end);
  ++sync.done;
  w.finished = true;
  sync.cv.notify_all();
}

std::vector<std::unique_ptr<Worker>> make_workers(const PhasePlan& plan) {
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t r = 0; r < plan.roles.size(); ++r) {
    for (unsigned i = 0; i < plan.roles[r].threads; ++i) {
      auto w = std::make_unique<Worker>();
      w->identity = {plan.roles[r].name, int(i)};
      w->owned_function = python::Ref::borrow(plan.functions[r]);
      w->function = w->owned_function.get();
      w->result.role = plan.roles[r].name;
      w->result.index = int(i);
      w->result.name = plan.roles[r].name + "-" + std::to_string(i);
      workers.push_back(std::move(w));
    }
  }
  return workers;
}

// Raises `exc` in every worker still running, from threads of their own: a worker stuck in C code
// may hold its GIL forever, and the supervisor must not wait for it (it still has to give up).
// PyThreadState_SetAsyncExc finds the thread among the calling thread's interpreter's threads
// (Python/pystate.c, v3.12.1), so a :sub worker is reached from a thread state of its own
// interpreter, with that interpreter's GIL held: one thread per sub-interpreter, so that one
// stuck holder never keeps the others' exception back.
std::vector<std::thread> interrupt_workers(const std::vector<std::unique_ptr<Worker>>& workers,
                                           PyObject* exc) {
  std::vector<unsigned long> shared;
  std::vector<std::thread> threads;
  trace::AllSignalsBlocked blocked;  // signals are for the main thread and the script's
  try {
    for (const auto& w : workers) {
      if (w->finished) continue;
      if (w->sub == nullptr) {
        shared.push_back(w->python_thread_id);
        continue;
      }
      threads.emplace_back([interp = w->sub->interp(), id = w->python_thread_id, exc] {
        pthread_setname_np(pthread_self(), "gilhost-stop");
        PyThreadState* ts = PyThreadState_New(interp);
        PyEval_RestoreThread(ts);
        PyThreadState_SetAsyncExc(id, exc);
        PyThreadState_Clear(ts);
        PyThreadState_DeleteCurrent();
      });
    }
    threads.emplace_back([ids = std::move(shared), exc] {
      pthread_setname_np(pthread_self(), "gilhost-stop");
      PyGILState_STATE g = PyGILState_Ensure();
      for (unsigned long id : ids) PyThreadState_SetAsyncExc(id, exc);
      PyGILState_Release(g);
    });
  } catch (const std::system_error& e) {
    // The workers still stop before their next call; one inside a long call is given up on
    // after the grace period, as one stuck in C code.
    spdlog::warn("cannot start a thread that interrupts the workers: {}", e.what());
  }
  return threads;
}

// Whether a running worker has been in one call for longer than `timeout`.
bool a_call_passed(const std::vector<std::unique_ptr<Worker>>& workers, Clock::time_point now,
                   std::chrono::nanoseconds timeout) {
  for (const auto& w : workers) {
    std::int64_t started = w->call_started_ns.load(std::memory_order_relaxed);
    if (started != 0 && !w->finished &&
        now - Clock::time_point(Clock::duration(started)) > timeout) {
      return true;
    }
  }
  return false;
}

// How long workers get, after being told to stop, before gilhost stops waiting for them.
constexpr auto kStopGrace = std::chrono::seconds(3);

struct Supervision {
  analysis::PhaseStatus status = analysis::PhaseStatus::kComplete;
  std::vector<std::thread> interrupters;
  bool abandoned = false;  // some worker never returned: it cannot be joined
};

// Waits for every worker, stopping them on a signal or when one call passes the timeout (the
// same rule with --duration and --calls); gives up on workers that ignore the stop (stuck in C
// code) kStopGrace later.
Supervision supervise(Sync& sync, const std::vector<std::unique_ptr<Worker>>& workers,
                      const PhasePlan& plan) {
  auto abandon_at = Clock::time_point::max();
  Supervision sv;
  std::unique_lock lock(sync.mu);
  while (sync.done < workers.size()) {
    sync.cv.wait_for(lock, std::chrono::milliseconds(20));
    if (sync.done == workers.size()) break;
    const auto now = Clock::now();
    if (now > abandon_at) {
      sv.abandoned = true;
      break;
    }
    bool signalled = g_stop_signal.load() != 0;
    if (sv.status != analysis::PhaseStatus::kComplete) continue;
    if (!signalled && !(plan.timeout && a_call_passed(workers, now, *plan.timeout))) continue;
    sv.status = signalled ? analysis::PhaseStatus::kInterrupted : analysis::PhaseStatus::kTimedOut;
    sync.stop = true;
    abandon_at = now + kStopGrace;
    sv.interrupters =
        interrupt_workers(workers, signalled ? PyExc_KeyboardInterrupt : PyExc_TimeoutError);
  }
  return sv;
}

// Workers that never returned keep running (and may hold the GIL): the phase is reported with
// the workers that did finish, and the caller must exit without touching Python again.
std::uint64_t peak_rss_bytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return std::uint64_t(ru.ru_maxrss) * 1024;  // Linux reports KiB
}

std::uint64_t read_switch_number(const PhasePlan& plan) {
  return plan.switch_number ? __atomic_load_n(plan.switch_number, __ATOMIC_ACQUIRE) : 0;
}

using Subs = std::vector<std::unique_ptr<SubInterpreter>>;

// One own-GIL sub-interpreter per thread of a :sub role, made by the calling thread (which holds
// the main GIL) before any worker exists. Throws SubInterpreterError; those made are ended.
Subs make_subinterpreters(std::vector<std::unique_ptr<Worker>>& workers, const PhasePlan& plan) {
  Subs subs;
  for (std::size_t r = 0, k = 0; r < plan.roles.size(); ++r) {
    for (unsigned i = 0; i < plan.roles[r].threads; ++i, ++k) {
      if (!plan.roles[r].sub()) continue;
      Worker& w = *workers[k];
      subs.push_back(
          SubInterpreter::create(plan.script, w.result.name, plan.roles[r].name, plan.trace));
      w.sub = subs.back().get();
      w.function = w.sub->function();
    }
  }
  return subs;
}

void read_sub_switch_numbers(const Subs& subs, analysis::PhaseResult& result, bool begin) {
  if (begin) {
    for (const auto& s : subs) result.sub_gils.push_back({s->gil_index(), s->label()});
  }
  for (std::size_t i = 0; i < subs.size(); ++i) {
    (begin ? result.sub_gils[i].switch_number_begin : result.sub_gils[i].switch_number_end) =
        subs[i]->switch_number();
  }
}

// Precondition: sync.mu is held (workers' `finished` flags are stable).
analysis::PhaseResult abandon(analysis::PhaseResult result,
                              std::vector<std::unique_ptr<Worker>>& workers,
                              std::vector<std::thread>& threads, Supervision& sv) {
  for (std::size_t i = 0; i < workers.size(); ++i) {
    if (workers[i]->finished) {
      threads[i].join();
      result.workers.push_back(std::move(workers[i]->result));
    } else {
      result.stuck_workers.push_back(workers[i]->result.name);
      threads[i].detach();
      (void)workers[i].release();  // the running thread still uses it
    }
  }
  for (std::thread& t : sv.interrupters) t.detach();
  result.abandoned = true;
  g_abandoned = true;
  result.end_ticks = trace::now_ticks();
  return result;
}

// Starts one thread per worker, with the stop signals blocked (they are the main thread's).
// Returns "" or why a thread could not be started (the ones before it are running).
std::string start_threads(std::vector<std::unique_ptr<Worker>>& workers,
                          std::vector<std::thread>& threads, Sync& sync) {
  StopSignalsBlocked blocked;
  threads.reserve(workers.size());
  for (auto& w : workers) {
    try {
      threads.emplace_back(worker_main, std::ref(*w), std::ref(sync), std::cref(sync.plan));
    } catch (const std::system_error& e) {
      return fmt::format("cannot start worker thread {} ({} of {}): {}", w->result.name,
                         threads.size() + 1, workers.size(), e.code().message());
    }
  }
  return {};
}

// A thread could not be started: those that were are released with the stop flag set, so they
// return before their first call, and joined; then the sub-interpreters are ended.
analysis::PhaseResult stop_started(std::vector<std::thread>& threads, Sync& sync, Subs& subs,
                                   std::string error) {
  PyThreadState* main_ts = PyEval_SaveThread();  // the workers attach before the barrier
  {
    std::lock_guard lock(sync.mu);
    sync.stop = true;
    sync.go = true;
  }
  sync.cv.notify_all();
  for (std::thread& t : threads) t.join();
  PyEval_RestoreThread(main_ts);
  for (auto& sub : subs) sub->end();
  analysis::PhaseResult result;
  result.status = analysis::PhaseStatus::kFailed;
  result.exit_status = 1;
  result.setup_error = std::move(error);
  return result;
}

}  // namespace

bool workers_abandoned() { return g_abandoned.load(); }

analysis::PhaseResult run_phase(const PhasePlan& caller_plan) {
  const auto setup0 = Clock::now();
  // Heap-allocated and leaked when workers are abandoned: a stuck worker that returns later
  // must still find its Sync and plan alive.
  auto sync_owner = std::make_unique<Sync>();
  Sync& sync = *sync_owner;
  sync.plan = caller_plan;
  const PhasePlan& plan = sync.plan;
  auto workers = make_workers(plan);
  analysis::PhaseResult result;
  Subs subs;
  try {
    subs = make_subinterpreters(workers, plan);
  } catch (const SubInterpreterError& e) {  // those already made were ended
    result.status = analysis::PhaseStatus::kFailed;
    result.exit_status = 1;
    result.setup_error = e.what();
    return result;
  }
  std::vector<std::thread> threads;
  // The GIL is free while the threads start, so each attaches as soon as it runs: held here,
  // thousands of threads would all wait in take_gil (waking every switch interval to ask for a
  // drop that C++ code never grants) until the last one is started.
  PyThreadState* main_ts = PyEval_SaveThread();
  if (std::string error = start_threads(workers, threads, sync); !error.empty()) {
    PyEval_RestoreThread(main_ts);
    return stop_started(threads, sync, subs, std::move(error));
  }
  {
    std::unique_lock lock(sync.mu);
    sync.cv.wait(lock, [&] { return sync.ready == workers.size(); });
    // Every worker is attached and waiting with the GIL free: the window starts here.
    result.switch_number_begin = read_switch_number(plan);
    read_sub_switch_numbers(subs, result, true);
    result.begin_ticks = trace::Tracer::open_window();
    result.process_cpu_ns = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    if (plan.duration) sync.deadline = Clock::now() + *plan.duration;
    sync.go = true;
  }
  auto wall0 = Clock::now();
  result.setup_ns = std::uint64_t((wall0 - setup0).count());
  sync.cv.notify_all();
  Supervision sv = supervise(sync, workers, plan);
  result.status = sv.status;
  if (!sv.abandoned) {
    for (auto& t : threads) t.join();
    for (std::thread& t : sv.interrupters) t.join();
  }
  result.wall_ns = std::uint64_t((Clock::now() - wall0).count());
  result.process_cpu_ns = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - result.process_cpu_ns;
  result.switch_number_end = read_switch_number(plan);
  if (!sv.abandoned) read_sub_switch_numbers(subs, result, false);
  result.peak_rss_bytes = peak_rss_bytes();
  std::unique_lock lock(sync.mu);  // abandoned workers may still write to sync
  if (sync.exit_status && result.status == analysis::PhaseStatus::kComplete) {
    result.status = analysis::PhaseStatus::kFailed;
  }
  result.exit_status = sync.exit_status;
  result.error_worker = sync.error_worker;
  result.error_text = sync.error_text;
  if (sv.abandoned) {
    result = abandon(std::move(result), workers, threads, sv);
    lock.unlock();
    (void)sync_owner.release();
    for (auto& sub : subs) (void)sub.release();  // a stuck worker may still run in it
    return result;
  }
  lock.unlock();
  result.end_ticks = sync.last_end_ticks;
  for (auto& w : workers) result.workers.push_back(std::move(w->result));
  PyEval_RestoreThread(main_ts);
  for (auto& sub : subs) sub->end();
  return result;
}

}  // namespace gilhost::workload
