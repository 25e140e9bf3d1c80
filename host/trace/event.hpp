// One GIL or host event as recorded by the tracer: the unit every analysis and export consumes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gilhost::trace {

// What happened. The GIL kinds are inferred from the pthread calls CPython 3.12 makes in
// Python/ceval_gil.c (take_gil / drop_gil); see docs/architecture.md, "The GIL tracer".
enum class EventKind : std::uint8_t {
  kRequest = 1,       // lock(&gil->mutex) by a thread not holding the GIL: take_gil starts waiting
  kAcquire = 2,       // lock(&gil->switch_mutex) inside gil->mutex: locked = 1 is stored next
  kRelease = 3,       // signal(&gil->cond): locked = 0 was just stored (flags: kRelease* below)
  kForced = 4,        // lock(&gil->switch_mutex) outside gil->mutex: drop_gil's FORCE_SWITCHING
                      // handshake (a drop request was still set after the release); not the verdict
  kDropRequest = 5,   // a waiter's timedwait timed out with the GIL still held: it asks for a drop
  kHandoffBegin = 6,  // the releaser waits on gil->switch_cond until another thread takes the GIL
  kHandoffEnd = 7,
  kCallBegin = 8,  // a worker starts one call of its function (aux = call index, low 32 bits)
  kCallEnd = 9,
  kNativeBegin = 10,  // a native kernel's GIL-released section starts (aux = kernel id)
  kNativeEnd = 11,
  kMark = 12,  // gilhost.mark(label) (aux = label id in the label table)
  // A native kernel's section run with the GIL held (hold_gil, release_gil=False): the C++ clock
  // around it, for checking GIL holds against (aux = kernel id).
  kHeldBegin = 13,
  kHeldEnd = 14,
  // The Python stack of this thread's next event (a release or kHeldBegin) and of everything it
  // waits for after it (aux = stack id in the recording's stack table; 0 = not known). Emitted
  // by the collector, stamped with the time of the event it describes; a stream's stack stays
  // the same until its next kStack (docs/metrics.md, "Stacks").
  kStack = 15,
  // One frame of the stack of the thread's next event, in its ring only (never analysed): the
  // collector turns a run of them into one kStack. ts_ns = code object address (0 for a
  // pseudo-frame), aux = instruction index or kernel id, flags = FrameKind.
  kFrame = 16,
};

// Event::flags of a kFrame.
enum FrameKind : std::uint16_t {
  kFrameCode = 0,        // a Python frame: code object + instruction index
  kFrameKernel = 1,      // a gilhost native kernel (aux = kernel id): the innermost frame
  kFrameNative = 2,      // the GIL was let go in C code called by the innermost Python frame
  kFrameTruncated = 3,   // outer frames beyond the depth limit were left out
  kFrameUnreadable = 4,  // this thread's interpreter is not watched: its stack is not read
  kFrameNone = 5         // the thread runs no Python code: its stack is empty
};

// Event::flags of a kRelease: CPython's own state at the moment of the release, read by the
// releasing thread while it held gil->mutex (interpose.cpp, release_site.cpp).
// - kReleaseForced: drop_gil was called by the eval breaker's pending-work handler in answer
//   to a drop request (3.12: _Py_HandlePending -> drop_gil); every other release (a blocking
//   call, PyEval_SaveThread and friends, a thread's last release) is voluntary.
// - kReleaseRequestPending: a drop request was set when the GIL was released (always for a
//   forced release; for a voluntary one, a waiter had asked but the holder released first).
// - kReleaseUnclassified: the code that released could not be identified (libpython without a
//   symbol table): neither forced nor voluntary is known.
inline constexpr std::uint16_t kReleaseForced = 1;
inline constexpr std::uint16_t kReleaseRequestPending = 2;
inline constexpr std::uint16_t kReleaseUnclassified = 4;
// Event::flags of a kAcquire: kAcquireAtArm marks the synthetic acquire recorded for the thread
// that held the GIL when tracing started (or a GIL was registered): the hold is real, its start
// was not seen.
inline constexpr std::uint16_t kAcquireAtArm = 1;

// 16 bytes, so a cache line holds four. `gil` indexes the tracer's table of registered GILs
// (0 = the main interpreter's). `aux` meaning depends on `kind` (see above); for GIL kinds it
// holds the low 32 bits of gil->switch_number read while gil->mutex was held, or 0 (acquire:
// before take_gil's increment; release: after it).
struct Event {
  std::uint64_t ts_ns;  // CLOCK_MONOTONIC nanoseconds (see clock.hpp)
  EventKind kind;
  std::uint8_t gil;
  std::uint16_t flags;  // kRelease* / kAcquire* above; 0 for other kinds
  std::uint32_t aux;
};
static_assert(sizeof(Event) == 16);

// Who produced a stream of events. One per OS thread that touched a traced GIL or emitted a
// host event while the tracer was armed.
struct ThreadInfo {
  int tid = 0;              // OS thread id (gettid)
  std::string worker;       // "cpu-0" for gilhost workers, empty otherwise
  std::string role;         // "cpu" for gilhost workers, empty otherwise
  std::string python_name;  // threading.Thread name, "MainThread", or empty
  std::string os_name;      // pthread name at registration
  bool operator==(const ThreadInfo&) const = default;
};

// Every event of one thread, in the order it was recorded (timestamps non-decreasing).
struct ThreadEvents {
  ThreadInfo info;
  std::vector<Event> events;
  std::uint64_t lost = 0;  // events dropped because this thread's buffer was full
};

// One reading of a thread's /proc/self/task/TID/schedstat (trace/sched_sampler.hpp): cumulative
// CPU time and run-queue delay (runnable but not running) since the thread started.
struct SchedSample {
  int tid = 0;
  std::uint64_t ts_ns = 0;  // CLOCK_MONOTONIC nanoseconds, on the tracer's clock
  std::uint64_t run_delay_ns = 0;
  std::uint64_t cpu_ns = 0;
};

// One registration of a GIL in the tracer's table: index `gil` meant this GIL from `begin_ns`
// to `end_ns` (0: still registered). `created` = recognised at create_gil (a GIL the script's
// own interpreter made), else registered by gilhost itself (main GIL, :sub workers).
struct GilEntry {
  int gil = 0;
  int creator_tid = 0;
  std::uint64_t begin_ns = 0, end_ns = 0;
  bool created = false;
};

// Every interpreter of the process at the window's end (gil_layout.c walks the list): how many,
// how many share the main GIL (legacy sub-interpreters), how many own GILs were not traced.
struct GilCensus {
  bool taken = false;
  int interpreters = 0;
  int shared_with_main = 0;  // sub-interpreters on the main GIL (not a separate GIL)
  int own_gils = 0;          // GILs other than the main one
  int untraced = 0;          // of those, not in the tracer's table: their events were not seen
};

// A finished recording: what the analysis gets.
struct Recording {
  std::vector<ThreadEvents> threads;
  std::vector<std::string> labels;    // gilhost.mark() labels, indexed by Event::aux
  std::vector<std::string> kernels;   // native kernel names, indexed by Event::aux
  std::uint64_t lost_total = 0;       // includes events of threads that found no free slot
  std::uint64_t window_begin_ns = 0;  // the measured window (worker phase, or the whole script)
  std::uint64_t window_end_ns = 0;
  std::uint64_t switch_number_begin = 0;  // gil->switch_number at window begin / end (main GIL)
  std::uint64_t switch_number_end = 0;
  std::uint64_t interval_us = 0;  // gil->interval during the window
  // Whether releases carry kReleaseRequestPending for voluntary releases too: the drop request
  // is a per-interpreter flag up to 3.12, read at each release; from 3.13 it is a bit of the
  // holder's thread state (gh-112175), not read, so only forced releases say a request was set.
  bool drop_request_read = true;
  // Run-queue delay samples of every thread, sorted by tid then time: the last one before the
  // window, those inside it, and one taken at the window's end (empty when not sampled).
  std::vector<SchedSample> sched;
  std::vector<GilEntry> gils;  // registrations overlapping the window, by index then time
  GilCensus census;
  // Raw events kept for drawing stop here (0: all kept): a window with more events than the
  // drawing limit (analysis::kRawEventsDrawn) keeps its first ones; `raw_not_kept` counts the
  // rest. The figures always cover the whole window.
  std::uint64_t raw_cut_ns = 0;
  std::uint64_t raw_not_kept = 0;
};

}  // namespace gilhost::trace
