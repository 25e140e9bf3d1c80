// Host threads that take no signal meant for the script.
#pragma once

#include <pthread.h>
#include <signal.h>

namespace gilhost::trace {

// While alive, the calling thread blocks every signal but the synchronous faults; a thread
// started meanwhile inherits that mask (pthread_create copies it). gilhost's own threads (the
// tracer's collector, the scheduler sampler, the recording writer, the kernels' pool) start
// so: a process-directed signal (kill, sigwait/sigtimedwait in the script, a terminal's Ctrl-C)
// then always reaches a thread of the script, as under python3.12, where only those exist.
// SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP and SIGSYS stay open: a fault in such a thread is
// raised in that thread, and blocked it would end the process without faulthandler's report.
class AllSignalsBlocked {
 public:
  AllSignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) sigdelset(&all, sig);
    pthread_sigmask(SIG_BLOCK, &all, &old_);
  }
  ~AllSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  AllSignalsBlocked(const AllSignalsBlocked&) = delete;
  AllSignalsBlocked& operator=(const AllSignalsBlocked&) = delete;

 private:
  sigset_t old_;
};

}  // namespace gilhost::trace
