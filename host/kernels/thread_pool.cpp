#include "kernels/thread_pool.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <iterator>
#include <utility>

#include "trace/quiet_thread.hpp"

namespace gilhost::kernels {

// One run() call. It lives on the caller's stack; every field after `chunks` is guarded by
// ThreadPool::mutex_. The caller returns only once done == chunks, so a thread that has claimed
// a chunk may use the batch until it has counted that chunk as done.
struct ThreadPool::Batch {
  const std::function<void(unsigned chunk)>* fn;
  unsigned chunks;
  unsigned next = 0;                   // first unclaimed chunk
  unsigned done = 0;                   // chunks that have returned or thrown
  std::exception_ptr error{};          // the first exception a chunk threw
  std::condition_variable finished{};  // notified when done reaches chunks
};

namespace {

void set_worker_name(unsigned index) {
  // Linux allows 15 bytes: past index 99 the name is truncated, which only costs uniqueness.
  char name[16];
  std::snprintf(name, sizeof name, "gilhost-pool-%u", index);
  pthread_setname_np(pthread_self(), name);
}

// In a forked child the workers' std::thread handles name threads of the parent, and glibc has
// recycled their descriptors, so neither join() (hangs) nor detach() is safe and destroying a
// joinable std::thread calls std::terminate. The handles are parked here forever instead.
void forget_threads(std::vector<std::thread>& threads) {
  static auto& orphans = *new std::vector<std::thread>;
  std::move(threads.begin(), threads.end(), std::back_inserter(orphans));
  threads.clear();
}

}  // namespace

ThreadPool::ThreadPool(unsigned threads) : owner_pid_(getpid()) {
  try {
    grow(threads);
  } catch (...) {
    shutdown();  // the destructor does not run for a throwing constructor
    throw;
  }
}

ThreadPool::~ThreadPool() { shutdown(); }

bool ThreadPool::forked_child() const { return getpid() != owner_pid_; }

void ThreadPool::grow(unsigned threads) {
  if (forked_child()) return;
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  // The workers start with every signal blocked: a process-directed signal (a stop, or one the
  // script waits for) must reach the host's or the script's threads, never a pool thread. A
  // failed start throws std::system_error with the workers made so far kept.
  trace::AllSignalsBlocked quiet;
  while (workers_.size() < threads) {
    const auto index = static_cast<unsigned>(workers_.size());
    workers_.emplace_back([this, index] { work_loop(index); });
  }
}

unsigned ThreadPool::size() const {
  if (forked_child()) return 0;
  std::lock_guard lock(mutex_);
  return static_cast<unsigned>(workers_.size());
}

void ThreadPool::shutdown() noexcept {
  if (forked_child()) {
    forget_threads(workers_);
    return;
  }
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    workers.swap(workers_);
  }
  work_cv_.notify_all();
  for (std::thread& worker : workers) {
    // A chunk that calls exit() runs the static destructors, and so this, on a worker.
    if (worker.get_id() == std::this_thread::get_id()) {
      worker.detach();
    } else {
      worker.join();
    }
  }
}

void ThreadPool::run(unsigned chunks, const std::function<void(unsigned chunk)>& fn) {
  if (chunks <= 1 || forked_child()) {
    run_inline(chunks, fn);
    return;
  }
  Batch batch{&fn, chunks};
  std::unique_lock lock(mutex_);
  if (!stopping_ && !workers_.empty()) {
    queue_.push_back(&batch);
    // Wake no more workers than can get a chunk; busy ones look at the queue when they finish.
    const std::size_t helpers = std::min<std::size_t>(chunks - 1, workers_.size());
    for (std::size_t i = 0; i < helpers; ++i) work_cv_.notify_one();
  }
  // The caller claims chunk 0 before releasing the mutex, then keeps claiming until none is
  // left: this is what makes a batch finish when no worker is free.
  while (batch.next < batch.chunks) run_chunk_and_finish(lock, batch);
  batch.finished.wait(lock, [&batch] { return batch.done == batch.chunks; });
  if (batch.error) std::rethrow_exception(batch.error);
}

void ThreadPool::work_loop(unsigned index) {
  set_worker_name(index);
  std::unique_lock lock(mutex_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    // Queued batches are left to their callers, which run every unclaimed chunk themselves.
    if (stopping_) return;
    run_chunk_and_finish(lock, *queue_.front());
  }
}

// Precondition: `lock` holds mutex_ and `batch` has an unclaimed chunk. Returns with the lock
// held again.
void ThreadPool::run_chunk_and_finish(std::unique_lock<std::mutex>& lock, Batch& batch) {
  const unsigned chunk = claim_locked(batch);
  lock.unlock();
  std::exception_ptr error;
  try {
    (*batch.fn)(chunk);
  } catch (...) {
    error = std::current_exception();
  }
  lock.lock();
  finish_locked(batch, std::move(error));
}

unsigned ThreadPool::claim_locked(Batch& batch) {
  const unsigned chunk = batch.next++;
  if (batch.next == batch.chunks) queue_.remove(&batch);
  return chunk;
}

void ThreadPool::finish_locked(Batch& batch, std::exception_ptr error) {
  if (error && !batch.error) batch.error = std::move(error);
  // Notified with the mutex held: the caller can only see done == chunks, and destroy the
  // batch with its condition variable, after this thread has released the mutex.
  if (++batch.done == batch.chunks) batch.finished.notify_one();
}

void ThreadPool::run_inline(unsigned chunks, const std::function<void(unsigned chunk)>& fn) {
  std::exception_ptr first_error;
  for (unsigned chunk = 0; chunk < chunks; ++chunk) {
    try {
      fn(chunk);
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

ThreadPool& shared_pool(unsigned at_least) {
  // Never destroyed (see the header): only its workers are stopped, by `stopper`, during static
  // destruction. Both are created on the first call, which registers the stopper with atexit.
  static ThreadPool& pool = *new ThreadPool(0);
  struct Stopper {
    ~Stopper() { pool.shutdown(); }
  };
  static const Stopper stopper;
  pool.grow(at_least);
  return pool;
}

}  // namespace gilhost::kernels
