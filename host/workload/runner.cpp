// Worker threads: attach once with PyGILState_Ensure, wait at the barrier, call until told to stop.
#include "workload/runner.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "python/gilhost_module.hpp"
#include "python/interpreter.hpp"
#include "python/python_error.hpp"
#include "python/ref.hpp"
#include "trace/tracer.hpp"

namespace gilhost::workload {

std::atomic<int> g_stop_signal{0};

namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t cpu_ns(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

// Shared by the main thread and the workers of one phase. Lock order: `mu` is never held while
// taking the GIL (a worker holding the GIL may be waiting for `mu`).
struct Sync {
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
  PyObject* function = nullptr;
  analysis::WorkerResult result;
  unsigned long python_thread_id = 0;
  std::atomic<bool> finished{false};
};

// Records a worker's exception: SystemExit decides the exit status, anything else is exit 1.
void record_failure(Worker& w, Sync& sync) {
  bool system_exit = PyErr_ExceptionMatches(PyExc_SystemExit);
  std::optional<int> status;
  std::string text;
  if (system_exit) {
    status = python::exit_status_from_exception();
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

void call_loop(Worker& w, Sync& sync, const PhasePlan& plan) {
  const std::uint64_t max_calls = plan.calls.value_or(~0ull);
  w.result.latencies_ns.reserve(plan.calls ? std::size_t(std::min<std::uint64_t>(*plan.calls, 1u << 20))
                                           : 4096);
  while (!sync.stop.load(std::memory_order_relaxed) && w.result.calls < max_calls &&
         Clock::now() < sync.deadline) {
    trace::emit_host(trace::EventKind::kCallBegin, std::uint32_t(w.result.calls));
    auto t0 = Clock::now();
    python::Ref r(PyObject_CallNoArgs(w.function));
    auto t1 = Clock::now();
    trace::emit_host(trace::EventKind::kCallEnd, std::uint32_t(w.result.calls));
    if (!r) {
      record_failure(w, sync);
      return;
    }
    w.result.latencies_ns.push_back(std::uint64_t((t1 - t0).count()));
    ++w.result.calls;
  }
}

void worker_main(Worker& w, Sync& sync, const PhasePlan& plan) {
  pthread_setname_np(pthread_self(), w.result.name.substr(0, 15).c_str());
  w.result.tid = int(syscall(SYS_gettid));
  if (plan.trace) trace::Tracer::set_worker(w.identity.role, w.result.name);
  python::set_current_worker(&w.identity);
  PyGILState_STATE gstate = PyGILState_Ensure();  // one thread state for the worker's life
  w.python_thread_id = PyThread_get_thread_ident();
  PyThreadState* ts = PyEval_SaveThread();
  {
    std::unique_lock lock(sync.mu);
    ++sync.ready;
    sync.cv.notify_all();
    sync.cv.wait(lock, [&] { return sync.go; });
  }
  std::uint64_t cpu0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
  PyEval_RestoreThread(ts);
  call_loop(w, sync, plan);
  w.result.cpu_ns = cpu_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  PyGILState_Release(gstate);  // deletes the thread state and releases the GIL
  std::uint64_t end = trace::now_ticks();
  python::set_current_worker(nullptr);
  std::lock_guard lock(sync.mu);
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
      w->function = plan.functions[r];
      w->result.role = plan.roles[r].name;
      w->result.index = int(i);
      w->result.name = plan.roles[r].name + "-" + std::to_string(i);
      workers.push_back(std::move(w));
    }
  }
  return workers;
}

// Raises `exc` in every worker still running. Needs the GIL: called between RestoreThread and
// SaveThread by the main thread.
void interrupt_workers(const std::vector<std::unique_ptr<Worker>>& workers, PyObject* exc) {
  for (const auto& w : workers) {
    if (!w->finished) PyThreadState_SetAsyncExc(w->python_thread_id, exc);
  }
}

// Waits for every worker, stopping them on a signal or when the timeout passes.
analysis::PhaseStatus supervise(Sync& sync, const std::vector<std::unique_ptr<Worker>>& workers,
                                const PhasePlan& plan, PyThreadState* main_ts) {
  const auto started = Clock::now();
  auto planned_end = plan.duration ? started + *plan.duration : started;
  auto give_up = plan.timeout ? planned_end + *plan.timeout : Clock::time_point::max();
  analysis::PhaseStatus status = analysis::PhaseStatus::kComplete;
  std::unique_lock lock(sync.mu);
  while (sync.done < workers.size()) {
    sync.cv.wait_for(lock, std::chrono::milliseconds(20));
    if (sync.done == workers.size()) break;
    bool signalled = g_stop_signal.load() != 0;
    bool late = Clock::now() > give_up;
    if (!signalled && !late) continue;
    if (status != analysis::PhaseStatus::kComplete) continue;  // already asked them to stop
    status = signalled ? analysis::PhaseStatus::kInterrupted : analysis::PhaseStatus::kTimedOut;
    sync.stop = true;
    lock.unlock();
    PyEval_RestoreThread(main_ts);
    interrupt_workers(workers, signalled ? PyExc_KeyboardInterrupt : PyExc_TimeoutError);
    main_ts = PyEval_SaveThread();
    lock.lock();
  }
  return status;
}

}  // namespace

analysis::PhaseResult run_phase(const PhasePlan& plan) {
  Sync sync;
  auto workers = make_workers(plan);
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& w : workers) threads.emplace_back(worker_main, std::ref(*w), std::ref(sync), std::cref(plan));

  analysis::PhaseResult result;
  PyThreadState* main_ts = PyEval_SaveThread();
  {
    std::unique_lock lock(sync.mu);
    sync.cv.wait(lock, [&] { return sync.ready == workers.size(); });
    // Every worker is attached and waiting with the GIL free: the window starts here.
    result.switch_number_begin = plan.switch_number ? __atomic_load_n(plan.switch_number, __ATOMIC_ACQUIRE) : 0;
    result.begin_ticks = trace::now_ticks();
    result.process_cpu_ns = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    if (plan.duration) sync.deadline = Clock::now() + *plan.duration;
    sync.go = true;
  }
  auto wall0 = Clock::now();
  sync.cv.notify_all();
  result.status = supervise(sync, workers, plan, main_ts);
  for (auto& t : threads) t.join();
  result.wall_ns = std::uint64_t((Clock::now() - wall0).count());
  result.process_cpu_ns = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - result.process_cpu_ns;
  result.end_ticks = sync.last_end_ticks;
  result.switch_number_end = plan.switch_number ? __atomic_load_n(plan.switch_number, __ATOMIC_ACQUIRE) : 0;
  PyEval_RestoreThread(main_ts);
  if (sync.exit_status && result.status == analysis::PhaseStatus::kComplete) {
    result.status = analysis::PhaseStatus::kFailed;
  }
  result.exit_status = sync.exit_status;
  result.error_worker = sync.error_worker;
  result.error_text = sync.error_text;
  for (auto& w : workers) result.workers.push_back(std::move(w->result));
  return result;
}

}  // namespace gilhost::workload
