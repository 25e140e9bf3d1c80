// The run-queue delay sampler (sched_sampler.hpp). Linux keeps, per thread, the time spent
// runnable on a run queue (`/proc/PID/task/TID/schedstat`, second field, nanoseconds; see the
// kernel's Documentation/scheduler/sched-stats.rst).
#include "trace/sched_sampler.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "trace/clock.hpp"
#include "trace/quiet_thread.hpp"

namespace gilhost::trace {
namespace {

struct State {
  std::mutex mu;  // guards samples
  std::vector<SchedSample> samples;
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop = false;
  std::thread thread;
};
State& st() {
  static State* s = new State;  // never destroyed: a late sample after exit must not crash
  return *s;
}

bool read_schedstat(int tid, std::uint64_t& cpu_ns, std::uint64_t& delay_ns) {
  char path[64], buf[128];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/schedstat", tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = 0;
  char* end = nullptr;
  cpu_ns = std::strtoull(buf, &end, 10);
  delay_ns = std::strtoull(end, nullptr, 10);
  return true;
}

void sample_all() {
  std::vector<SchedSample> batch;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) {
      int tid = std::atoi(e->d_name);
      std::uint64_t cpu = 0, delay = 0;
      if (tid > 0 && read_schedstat(tid, cpu, delay)) batch.push_back({tid, 0, delay, cpu});
    }
    closedir(d);
  }
  const std::uint64_t now = now_ticks();
  for (SchedSample& s : batch) s.ts_ns = now;
  std::lock_guard lock(st().mu);
  st().samples.insert(st().samples.end(), batch.begin(), batch.end());
}

// Every 10 ms, or less often when a round itself takes longer than 0.5 ms (thousands of
// threads: a file to read per thread): the sampler never uses more than 5 % of one CPU, which
// the program measured would otherwise lose (docs/metrics.md, held_off_cpu).
void loop() {
  std::unique_lock lock(st().stop_mu);
  while (!st().stop) {
    lock.unlock();
    const auto t0 = std::chrono::steady_clock::now();
    sample_all();
    const auto took = std::chrono::steady_clock::now() - t0;
    lock.lock();
    const auto pause =
        std::max<std::chrono::steady_clock::duration>(std::chrono::milliseconds(10), 20 * took);
    st().stop_cv.wait_for(lock, pause, [] { return st().stop; });
  }
}

}  // namespace

void SchedSampler::start() {
  State& s = st();
  if (s.thread.joinable()) return;
  {
    std::lock_guard lock(s.stop_mu);
    s.stop = false;
  }
  sample_all();             // every thread alive now has a sample before anything is recorded
  AllSignalsBlocked quiet;  // the script's signals are never the sampler's
  s.thread = std::thread(loop);
}

void SchedSampler::stop() {
  State& s = st();
  if (!s.thread.joinable()) return;
  {
    std::lock_guard lock(s.stop_mu);
    s.stop = true;
  }
  s.stop_cv.notify_all();
  s.thread.join();
}

void SchedSampler::sample_now() { sample_all(); }

void SchedSampler::take_new(std::vector<SchedSample>& out) {
  out.clear();
  std::lock_guard lock(st().mu);
  out.swap(st().samples);
}

}  // namespace gilhost::trace
