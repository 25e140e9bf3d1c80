// The pthread interposers: libpython's calls bind here (the executable is linked with -rdynamic),
// each forwards to glibc after one compare, and the GIL's own calls become events.
//
// What each call means in Python/ceval_gil.c (take_gil / drop_gil; the same calls in 3.11-3.13):
//   lock(&gil->mutex), thread not holding the GIL   -> request (take_gil starts), emitted with
//                          that time once the thread waits on gil->cond or acquires (3.13 also
//                          locks it in signal_active_thread, which neither waits nor acquires)
//   timedwait(&gil->cond) == ETIMEDOUT, still locked, switch_number unchanged -> drop request
//   lock(&gil->switch_mutex) inside gil->mutex      -> acquire (locked = 1 follows)
//   signal(&gil->cond)                              -> release (locked = 0 was just stored)
//   lock(&gil->switch_mutex) outside gil->mutex     -> FORCE_SWITCHING handshake (kForced)
// Whether a release was forced is decided from the code that made it (release_site.cpp).
//   wait(&gil->switch_cond)                         -> the releaser waits for the next holder
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include <cstdio>
#include <cstdlib>

#include "trace/release_site.hpp"
#include "trace/tracer.hpp"

namespace gilhost::trace {
namespace {

using MutexFn = int (*)(pthread_mutex_t*);
using MutexInitFn = int (*)(pthread_mutex_t*, const pthread_mutexattr_t*);
using CondInitFn = int (*)(pthread_cond_t*, const pthread_condattr_t*);
using SignalFn = int (*)(pthread_cond_t*);
using WaitFn = int (*)(pthread_cond_t*, pthread_mutex_t*);
using TimedWaitFn = int (*)(pthread_cond_t*, pthread_mutex_t*, const struct timespec*);

// glibc exports pthread_cond_* twice (GLIBC_2.2.5 compat and GLIBC_2.3.2); libpython binds the
// 2.3.2 ones, so they are looked up by version. The mutex functions have one version.
void* resolve(const char* name, const char* version) {
  void* f = version ? dlvsym(RTLD_NEXT, name, version) : dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    std::fprintf(stderr, "gilhost: cannot resolve %s: %s\n", name, dlerror());
    std::abort();
  }
  return f;
}

// Each pointer starts at a resolver that installs the real function on first use, so the
// interposers work even when called before any constructor ran, with no branch afterwards.
int lock_first(pthread_mutex_t* m);
int unlock_first(pthread_mutex_t* m);
int signal_first(pthread_cond_t* c);
int wait_first(pthread_cond_t* c, pthread_mutex_t* m);
int timedwait_first(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* t);
int mutex_init_first(pthread_mutex_t* m, const pthread_mutexattr_t* a);
int cond_init_first(pthread_cond_t* c, const pthread_condattr_t* a);
int cond_destroy_first(pthread_cond_t* c);

MutexFn real_lock = lock_first;
MutexFn real_unlock = unlock_first;
SignalFn real_signal = signal_first;
WaitFn real_wait = wait_first;
TimedWaitFn real_timedwait = timedwait_first;
MutexInitFn real_mutex_init = mutex_init_first;
CondInitFn real_cond_init = cond_init_first;
SignalFn real_cond_destroy = cond_destroy_first;

int lock_first(pthread_mutex_t* m) {
  real_lock = reinterpret_cast<MutexFn>(resolve("pthread_mutex_lock", nullptr));
  return real_lock(m);
}
int unlock_first(pthread_mutex_t* m) {
  real_unlock = reinterpret_cast<MutexFn>(resolve("pthread_mutex_unlock", nullptr));
  return real_unlock(m);
}
int signal_first(pthread_cond_t* c) {
  real_signal = reinterpret_cast<SignalFn>(resolve("pthread_cond_signal", "GLIBC_2.3.2"));
  return real_signal(c);
}
int wait_first(pthread_cond_t* c, pthread_mutex_t* m) {
  real_wait = reinterpret_cast<WaitFn>(resolve("pthread_cond_wait", "GLIBC_2.3.2"));
  return real_wait(c, m);
}
int timedwait_first(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* t) {
  real_timedwait = reinterpret_cast<TimedWaitFn>(resolve("pthread_cond_timedwait", "GLIBC_2.3.2"));
  return real_timedwait(c, m, t);
}

int mutex_init_first(pthread_mutex_t* m, const pthread_mutexattr_t* a) {
  real_mutex_init = reinterpret_cast<MutexInitFn>(resolve("pthread_mutex_init", nullptr));
  return real_mutex_init(m, a);
}
int cond_init_first(pthread_cond_t* c, const pthread_condattr_t* a) {
  real_cond_init = reinterpret_cast<CondInitFn>(resolve("pthread_cond_init", "GLIBC_2.3.2"));
  return real_cond_init(c, a);
}
int cond_destroy_first(pthread_cond_t* c) {
  real_cond_destroy = reinterpret_cast<SignalFn>(resolve("pthread_cond_destroy", "GLIBC_2.3.2"));
  return real_cond_destroy(c);
}

// The last pthread_*_init calls of this thread (address | 1 for a condition variable): create_gil
// (Python/ceval_gil.c) initialises a new GIL's mutex, switch_mutex, cond and switch_cond in that
// order, which identifies a `_gil_runtime_state` from the layout probe's offsets.
thread_local std::uintptr_t t_inits[3];

void note_init(std::uintptr_t tagged) {
  t_inits[0] = t_inits[1];
  t_inits[1] = t_inits[2];
  t_inits[2] = tagged;
}

// Called after pthread_cond_init(c): is `c` the switch_cond of a GIL create_gil is making?
void check_gil_created(const void* c) {
  const CreationPattern& p = g_creation;
  if (p.size == 0 || !armed()) return;
  const std::uintptr_t base = std::uintptr_t(c) - p.switch_cond;
  if (t_inits[0] != base + p.mutex || t_inits[1] != base + p.switch_mutex ||
      t_inits[2] != ((base + p.cond) | 1)) {
    return;
  }
  gilhost_gil_layout layout{};
  if (gilhost_layout_of_own_gil(reinterpret_cast<void*>(base), &layout) != 0) return;
  Tracer::register_created_gil(layout);
}

// Finds the GIL whose member `field` is `p`; -1 if none.
template <void* GilAddrs::*field>
inline int gil_with(const void* p) {
  for (int i = 0, n = __atomic_load_n(&g_gil_count, __ATOMIC_ACQUIRE); i < n; ++i) {
    if (__atomic_load_n(&(g_gils[i].*field), __ATOMIC_ACQUIRE) == p) return i;
  }
  return -1;
}

std::uint32_t low32(const unsigned long* p) {
  return std::uint32_t(__atomic_load_n(p, __ATOMIC_RELAXED));
}

// The request of a take_gil that now waits or acquires (see the table at the top).
inline void emit_pending_request(int g) {
  const std::uint64_t bit = 1ull << g;
  if (!(t_trace.request_pending & bit)) return;
  t_trace.request_pending &= ~bit;
  // A thread's stack cannot change while it does not hold the GIL, so a wait is charged to the
  // stack of its last release; only a thread that never sent one (its first take_gil: a new
  // thread) is read here, through its own thread state.
  if (g_capture != nullptr && !stack_sent()) {
    emit_stacked(g_this_thread_state(), t_trace.request_ticks, EventKind::kRequest, g, 0, 0, false);
    return;
  }
  emit_at(t_trace.request_ticks, EventKind::kRequest, g, 0);
}

__attribute__((noinline)) int traced_lock(pthread_mutex_t* m) {
  if (int g = gil_with<&GilAddrs::mutex>(m); g >= 0) {
    const std::uint64_t bit = 1ull << g;
    if (!(t_trace.holds & bit)) {
      t_trace.request_pending |= bit;
      t_trace.request_ticks = now_ticks();
    }
    int r = real_lock(m);
    t_trace.in_mutex |= bit;
    return r;
  }
  if (int g = gil_with<&GilAddrs::switch_mutex>(m); g >= 0) {
    const std::uint64_t bit = 1ull << g;
    const unsigned long* sn = __atomic_load_n(&g_gils[g].switch_number, __ATOMIC_ACQUIRE);
    int r = real_lock(m);
    if (t_trace.in_mutex & bit) {
      emit_pending_request(g);
      t_trace.holds |= bit;
      emit_at(now_ticks_ordered(), EventKind::kAcquire, g, low32(sn));
    } else {
      emit(EventKind::kForced, g, 0);
    }
    return r;
  }
  return real_lock(m);
}

__attribute__((noinline)) int traced_unlock(pthread_mutex_t* m) {
  if (int g = gil_with<&GilAddrs::mutex>(m); g >= 0) {
    t_trace.in_mutex &= ~(1ull << g);
    t_trace.request_pending &= ~(1ull << g);  // left without waiting or acquiring: no request
  }
  return real_unlock(m);
}

// drop_gil signals gil->cond with gil->mutex held right after storing locked = 0: the verdict
// (which code released, release_site.cpp) and the drop request are read here, at the release.
__attribute__((noinline)) int traced_signal(pthread_cond_t* c, void* ra) {
  if (int g = gil_with<&GilAddrs::cond>(c); g >= 0) {
    t_trace.holds &= ~(1ull << g);
    const unsigned long* sn = __atomic_load_n(&g_gils[g].switch_number, __ATOMIC_ACQUIRE);
    const int* drop = __atomic_load_n(&g_gils[g].drop_request, __ATOMIC_ACQUIRE);
    std::uint16_t flags =
        release_verdict(std::uintptr_t(__builtin_frame_address(0)), std::uintptr_t(ra));
    if (flags & kReleaseForced || (drop && __atomic_load_n(drop, __ATOMIC_RELAXED)))
      flags |= kReleaseRequestPending;
    if (g_capture == nullptr) {
      emit(EventKind::kRelease, g, low32(sn), flags);
    } else {
      // drop_gil stored the releasing thread state in gil->last_holder before taking
      // gil->mutex (Python/ceval_gil.c; a final release passes NULL and leaves the thread's own
      // there): its frames are this thread's and cannot change while it is in this call. A
      // release that is not the eval breaker's was made by C code the innermost frame called.
      const void* const* lh = __atomic_load_n(&g_gils[g].last_holder, __ATOMIC_ACQUIRE);
      const void* tstate = lh ? __atomic_load_n(lh, __ATOMIC_RELAXED) : nullptr;
      const bool native = !(flags & (kReleaseForced | kReleaseUnclassified));
      emit_stacked(tstate, now_ticks(), EventKind::kRelease, g, low32(sn), flags, native);
    }
  }
  return real_signal(c);
}

__attribute__((noinline)) int traced_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  int g = gil_with<&GilAddrs::switch_cond>(c);
  if (g < 0) return real_wait(c, m);
  emit(EventKind::kHandoffBegin, g, 0);
  int r = real_wait(c, m);
  emit(EventKind::kHandoffEnd, g, 0);
  return r;
}

__attribute__((noinline)) int traced_timedwait(pthread_cond_t* c, pthread_mutex_t* m,
                                               const struct timespec* t) {
  int g = gil_with<&GilAddrs::cond>(c);
  if (g < 0) return real_timedwait(c, m, t);
  emit_pending_request(g);
  // gil->mutex is held before and after the wait, so these reads are consistent; the test is
  // take_gil's own: timed out, still locked, nobody switched meanwhile.
  // A copy: the entry may be unregistered while this thread waits (its GIL is still alive).
  const GilAddrs a{nullptr,
                   nullptr,
                   nullptr,
                   nullptr,
                   __atomic_load_n(&g_gils[g].switch_number, __ATOMIC_ACQUIRE),
                   __atomic_load_n(&g_gils[g].locked, __ATOMIC_ACQUIRE)};
  unsigned long before = __atomic_load_n(a.switch_number, __ATOMIC_RELAXED);
  int r = real_timedwait(c, m, t);
  if (r == ETIMEDOUT && __atomic_load_n(a.locked, __ATOMIC_RELAXED) == 1 &&
      __atomic_load_n(a.switch_number, __ATOMIC_RELAXED) == before) {
    emit(EventKind::kDropRequest, g, std::uint32_t(before));
  }
  return r;
}

}  // namespace
}  // namespace gilhost::trace

using namespace gilhost::trace;

extern "C" {

int pthread_mutex_lock(pthread_mutex_t* m) noexcept {
  if (__builtin_expect(!is_gil_candidate(m), 1)) return real_lock(m);
  return traced_lock(m);
}

int pthread_mutex_unlock(pthread_mutex_t* m) noexcept {
  if (__builtin_expect(!is_gil_candidate(m), 1)) return real_unlock(m);
  return traced_unlock(m);
}

int pthread_cond_signal(pthread_cond_t* c) noexcept {
  if (__builtin_expect(!is_gil_candidate(c), 1)) return real_signal(c);
  return traced_signal(c, __builtin_return_address(0));
}

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  if (__builtin_expect(!is_gil_candidate(c), 1)) return real_wait(c, m);
  return traced_wait(c, m);
}

int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* t) {
  if (__builtin_expect(!is_gil_candidate(c), 1)) return real_timedwait(c, m, t);
  return traced_timedwait(c, m, t);
}

// A new interpreter's GIL is made with these (create_gil) and ended with pthread_cond_destroy
// (destroy_gil): rare calls, so the pattern check costs nothing on the GIL's hot path.
int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* a) noexcept {
  note_init(std::uintptr_t(m));
  return real_mutex_init(m, a);
}

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* a) noexcept {
  int r = real_cond_init(c, a);
  check_gil_created(c);
  note_init(std::uintptr_t(c) | 1);
  return r;
}

int pthread_cond_destroy(pthread_cond_t* c) noexcept {
  if (__builtin_expect(is_gil_candidate(c), 0)) Tracer::unregister_destroyed_gil(c);
  return real_cond_destroy(c);
}

}  // extern "C"
