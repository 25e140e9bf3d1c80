// A persistent worker pool that splits one call into chunks: the "intra-op threads" of matmul.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <exception>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace gilhost::kernels {

// Worker threads, named "gilhost-pool-N" (N from 0), that execute the chunks of batches.
//
// Concurrency: several threads may call run() at the same time (concurrent batches, as when
// several Python threads call a kernel with the GIL released). Batches queue up; an idle worker
// takes the next chunk of the oldest batch, and every caller also executes chunks of its own
// batch. So a batch always completes, even when all workers are busy with other batches, when
// the pool has no workers, or when a chunk itself calls run() on the same pool.
//
// Shutdown: shutdown() (also called by the destructor) stops the workers after their current
// chunk and joins them; run() keeps working afterwards, with every chunk on the caller.
//
// fork(): the workers exist only in the process that created them. In a forked child run()
// executes every chunk on the caller without touching the pool's (possibly locked) mutex, and
// grow() and shutdown() do nothing.
class ThreadPool {
 public:
  explicit ThreadPool(unsigned threads);
  ~ThreadPool();  // == shutdown(); never throws
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Calls fn(0) ... fn(chunks - 1), each exactly once, on the workers and the calling thread;
  // returns when all have returned. If chunks throw, the first exception caught is rethrown
  // here, after every chunk has finished. Precondition: fn is safe to call from several threads
  // at once.
  void run(unsigned chunks, const std::function<void(unsigned chunk)>& fn);

  // Adds workers until there are at least `threads`. Does nothing after shutdown().
  void grow(unsigned threads);

  // Worker count (the calling thread of run() not included).
  unsigned size() const;

  // Stops and joins the workers. Idempotent; never throws. When called on a worker (a chunk
  // that calls exit()), that worker is detached instead of joining itself.
  void shutdown() noexcept;

 private:
  struct Batch;

  bool forked_child() const;
  void work_loop(unsigned index);
  unsigned claim_locked(Batch& batch);
  void finish_locked(Batch& batch, std::exception_ptr error);
  void run_chunk_and_finish(std::unique_lock<std::mutex>& lock, Batch& batch);
  static void run_inline(unsigned chunks, const std::function<void(unsigned chunk)>& fn);

  const pid_t owner_pid_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_;  // signalled when a batch is queued or on shutdown
  std::list<Batch*> queue_;          // batches with unclaimed chunks, oldest first
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

// The process-wide pool of the kernels, grown to at least `at_least` workers (threads are
// created on first need, never removed). Its workers are stopped and joined during static
// destruction at exit; the pool object itself is never destroyed, so a thread that is still
// inside run() at exit (a Python daemon thread in a kernel) does not touch a dead mutex.
ThreadPool& shared_pool(unsigned at_least);

}  // namespace gilhost::kernels
