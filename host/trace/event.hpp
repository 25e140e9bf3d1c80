// One GIL or host event as recorded by the tracer: the unit every analysis and export consumes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gilhost::trace {

// What happened. The GIL kinds are inferred from the pthread calls CPython 3.12 makes in
// Python/ceval_gil.c (take_gil / drop_gil); see docs/architecture.md, "The GIL tracer".
enum class EventKind : std::uint8_t {
  kRequest = 1,  // lock(&gil->mutex) by a thread not holding the GIL: take_gil starts waiting
  kAcquire = 2,  // lock(&gil->switch_mutex) inside gil->mutex: locked = 1 is stored next
  kRelease = 3,  // signal(&gil->cond): locked = 0 was just stored
  kForced = 4,   // lock(&gil->switch_mutex) outside gil->mutex: the preceding release was forced
  kDropRequest = 5,   // a waiter's timedwait timed out with the GIL still held: it asks for a drop
  kHandoffBegin = 6,  // the releaser waits on gil->switch_cond until another thread takes the GIL
  kHandoffEnd = 7,
  kCallBegin = 8,  // a worker starts one call of its function (aux = call index, low 32 bits)
  kCallEnd = 9,
  kNativeBegin = 10,  // a native kernel's GIL-released section starts (aux = kernel id)
  kNativeEnd = 11,
  kMark = 12,  // gilhost.mark(label) (aux = label id in the label table)
};

// 16 bytes, so a cache line holds four. `gil` indexes the tracer's table of registered GILs
// (0 = the main interpreter's). `aux` meaning depends on `kind` (see above); for GIL kinds it
// holds the low 32 bits of gil->switch_number read while gil->mutex was held, or 0.
struct Event {
  std::uint64_t ts_ns;  // CLOCK_MONOTONIC nanoseconds (see clock.hpp)
  EventKind kind;
  std::uint8_t gil;
  std::uint16_t reserved;
  std::uint32_t aux;
};
static_assert(sizeof(Event) == 16);

// Event::reserved bit on a kRelease: the release was forced (the analysis sets it when kForced
// follows the release in its thread's stream; see analysis::StreamAnalyzer::add_events).
inline constexpr std::uint16_t kReleaseForced = 1;

// Who produced a stream of events. One per OS thread that touched a traced GIL or emitted a
// host event while the tracer was armed.
struct ThreadInfo {
  int tid = 0;              // OS thread id (gettid)
  std::string worker;       // "cpu-0" for gilhost workers, empty otherwise
  std::string role;         // "cpu" for gilhost workers, empty otherwise
  std::string python_name;  // threading.Thread name, "MainThread", or empty
  std::string os_name;      // pthread name at registration
};

// Every event of one thread, in the order it was recorded (timestamps non-decreasing).
struct ThreadEvents {
  ThreadInfo info;
  std::vector<Event> events;
  std::uint64_t lost = 0;  // events dropped because this thread's buffer was full
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
};

}  // namespace gilhost::trace
