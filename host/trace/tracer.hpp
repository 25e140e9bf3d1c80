// The GIL tracer: registered GILs, per-thread event rings, the collector, and recordings.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/analysis_sink.hpp"
#include "record/journal.hpp"
#include "trace/clock.hpp"
#include "trace/event.hpp"
#include "trace/gil_layout.h"
#include "trace/ring.hpp"
#include "trace/stacks.hpp"

namespace gilhost::trace {

inline constexpr int kMaxGils = 32;

// What the interposers compare against. Written only while the tracer is disarmed or while the
// registering thread holds every GIL involved, read without locks on every pthread call.
struct GilAddrs {
  void* mutex = nullptr;
  void* cond = nullptr;
  void* switch_mutex = nullptr;
  void* switch_cond = nullptr;
  const unsigned long* switch_number = nullptr;
  const int* locked = nullptr;
  const int* drop_request = nullptr;         // the owning interpreter's gil_drop_request
  const void* const* last_holder = nullptr;  // gil->last_holder: the releasing thread state
};

// Hot-path state, defined in tracer.cpp. `g_lo`/`g_span` bound every registered GIL struct;
// span 0 means disarmed, so "is this a GIL object?" is a single unsigned compare.
extern std::uintptr_t g_lo;
extern std::uintptr_t g_span;
extern GilAddrs g_gils[kMaxGils];
extern int g_gil_count;

// create_gil's order of pthread_*_init calls on a `_gil_runtime_state` (3.12: mutex,
// switch_mutex, cond, switch_cond) as offsets in the struct; `size` 0 = not known yet.
struct CreationPattern {
  std::size_t size = 0;
  std::size_t mutex = 0, switch_mutex = 0, cond = 0, switch_cond = 0;
};
extern CreationPattern g_creation;

inline bool is_gil_candidate(const void* p) {
  return std::uintptr_t(p) - __atomic_load_n(&g_lo, __ATOMIC_RELAXED) <
         __atomic_load_n(&g_span, __ATOMIC_RELAXED);
}

// Per-thread tracer state: trivially destructible, so access from the interposers is a plain
// TLS load with no guard.
struct ThreadTrace {
  Ring* ring;
  std::uint64_t in_mutex;  // bit g: this thread holds g_gils[g].mutex
  std::uint64_t holds;     // bit g: this thread holds GIL g
  unsigned long switch_number_before_wait;
  // lock(&gil->mutex) by a non-holder is a request only once take_gil waits or acquires: 3.13's
  // signal_active_thread (_PyEval_AddPendingCall) locks it too (Python/ceval_gil.c, v3.13.0).
  std::uint64_t request_pending;  // bit g: gil g's mutex was locked, no request emitted yet
  std::uint64_t request_ticks;    // when it was locked
  bool dead;                      // the thread is exiting: events from here on are counted as lost
};
extern thread_local ThreadTrace t_trace;

Ring* claim_ring();  // slow path: first event of a thread

inline void emit_at(std::uint64_t ticks, EventKind kind, int gil, std::uint32_t aux,
                    std::uint16_t flags = 0) {
  Ring* r = t_trace.ring;
  if (__builtin_expect(r == nullptr, 0)) {
    r = claim_ring();
    if (r == nullptr) return;
  }
  r->push(Event{ticks, kind, std::uint8_t(gil), flags, aux});
}

inline void emit(EventKind kind, int gil, std::uint32_t aux, std::uint16_t flags = 0) {
  emit_at(now_ticks(), kind, gil, aux, flags);
}

// Host-side events (worker calls, native sections, marks): recorded only while armed.
bool armed();
inline void emit_host(EventKind kind, std::uint32_t aux) {
  if (armed()) emit(kind, 0, aux);
}

// A host event with the calling thread's Python stack (`tstate`: its own thread state, GIL
// held): the stack of what runs until its end (a held native section).
inline void emit_host_stacked(const void* tstate, EventKind kind, std::uint32_t aux) {
  if (armed()) emit_stacked(tstate, now_ticks(), kind, 0, aux, 0, false);
}

// Worker call events are only for timelines and event lists: emitted only while raw events are
// kept (Tracer::keep_events), since the worker measures its own latencies.
extern std::atomic<bool> g_trace_calls;
inline void emit_call(EventKind kind, std::uint32_t aux) {
  if (g_trace_calls.load(std::memory_order_relaxed)) emit_host(kind, aux);
}

using WindowResult = analysis::WindowResult;

// For gilhost_watch_code (trace/py_frames.h): Tracer::code_destroyed.
void code_destroyed_hook(const void* code);

struct TracerStatus {
  bool armed = false;
  int gils = 0;
  int threads = 0;
  std::uint64_t events = 0;   // drained from the rings since init
  std::uint64_t pending = 0;  // drained, not yet analysed (the collector's lag)
  std::uint64_t lost = 0;
  std::size_t ring_capacity = 0;
};

// The process-wide tracer. Life cycle: init() once at start-up (before any thread exists),
// register_gil() + arm() with the GIL held and no waiter, snapshot() per measured window,
// disarm() before Py_FinalizeEx.
class Tracer {
 public:
  static void init(std::size_t ring_capacity_events);
  // Returns the GIL's index, or -1 when the table is full.
  // Registering while armed is safe with the caller holding that GIL and no waiter on it; a
  // freed index is reused, with the caller's per-thread bits reset.
  static int register_gil(const gilhost_gil_layout& layout);
  // Removes GIL `index` (never 0, the main GIL) before its memory is freed (Py_EndInterpreter),
  // so that a later GIL at the same heap address is not mistaken for it. Precondition: the
  // caller holds that GIL and every other thread that ever used it has exited, so no thread is
  // inside a traced call on it and no thread keeps a stale holds/in_mutex bit for the index.
  static void unregister_gil(int index);
  // create_gil's sequence was seen on a GIL struct (interpose.cpp): registers it, not held by
  // the caller, preferring an index never used. Nobody else knows the GIL yet. -1 when full.
  static int register_created_gil(const gilhost_gil_layout& layout);
  // destroy_gil's pthread_cond_destroy(&gil->cond): unregisters a GIL found by its cond.
  static void unregister_destroyed_gil(const void* cond);
  // The index of the registered GIL whose struct's mutex is `mutex`, or -1.
  static int index_of(const void* mutex);
  // The offsets create_gil's pthread_*_init calls follow (from the main GIL's layout probe).
  static void set_creation_pattern(const gilhost_gil_layout& layout);
  // Marks the calling thread as the holder of GIL `gil` (it must hold it) and starts tracing.
  static void arm(int holder_gil);
  static void disarm();
  // Around a fork of the script's (os.fork): the collector and the sampler stop, so that the
  // process has the script's threads only when CPython counts them for its "multi-threaded"
  // warning, and start again after (events wait in the rings meanwhile). No-ops unarmed.
  static void pause_threads();
  static void resume_threads();
  // Worker calls are traced as events only when set (a timeline will show them); the figures
  // never need them (workers measure their own latencies).
  static void keep_events(bool keep);
  // From now on every input of the analysis is also written to `writer` (the recording file,
  // record/journal.hpp), until finish_recording(). A write error drops the recording, never the
  // analysis; finish_recording() returns it ("" when the file is complete).
  static void start_recording(std::unique_ptr<record::Writer> writer);
  static void record_context(std::string_view key, std::string_view bytes);
  static std::string finish_recording();
  static bool recording();  // a recording file is being written
  // Who-blocked-whom pairs listed per GIL and window (0 = all); the rest is summed.
  static void set_blocked_limit(std::size_t pairs);
  // Opens a measured window now and returns its begin (ticks): the collector analyses every
  // event after it into the window's figures. A plain timestamp while disarmed.
  static std::uint64_t open_window();
  // Closes the window opened at `begin_ticks` at `end_ticks`: drains every ring, analyses up
  // to the end and returns the figures (and the raw events since the previous window, when
  // kept). Events after `end_ticks` stay for the next window.
  // `main_sn_end`: the main GIL's switch_number at the end (for a hold still open there).
  static WindowResult close_window(std::uint64_t begin_ticks, std::uint64_t end_ticks,
                                   std::optional<std::uint64_t> main_sn_end = std::nullopt);
  // A timestamp that will end the open window: the analysis stops there until close_window.
  // For ends decided before the closing thread gets to close_window (the last worker's exit).
  static std::uint64_t stamp_window_end();
  static std::uint32_t intern_label(std::string_view label);
  static std::uint32_t intern_kernel(std::string_view name);
  // Identity of the calling thread as reports should show it.
  static void set_worker(std::string_view role, std::string_view worker);
  static void set_python_name(std::string_view name);
  static void set_python_name_of(int tid, std::string_view name);
  static TracerStatus status();
  // Python stacks (docs/metrics.md, "Stacks"): from now on releases and gilhost's held native
  // sections carry the stack read by `capture`, code objects are read with `view`. Call once,
  // before arm(), from the host (its CPython's trace/py_frames.c).
  static void enable_stacks(CaptureFn capture, ViewCodeFn view, ThisThreadStateFn this_tstate);
  static bool stacks_enabled() { return g_capture != nullptr; }
  // A code object is about to be freed (its interpreter's code watcher, GIL held).
  static void code_destroyed(const void* code);
  // The stacks and locations sent to the analysis so far.
  static analysis::StackTable stack_table();
  static const GilAddrs& gil(int index) { return g_gils[index]; }
};

}  // namespace gilhost::trace
