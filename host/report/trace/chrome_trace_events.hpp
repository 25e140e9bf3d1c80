// The trace events of the Chrome trace, before the limit and serialization (chrome_trace.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/stack_table.hpp"
#include "trace/event.hpp"

namespace gilhost::report::detail {

// What a TraceEvent draws; the serializer turns each into its "ph" and fixed name.
enum class TraceKind : std::uint8_t {
  kHold,       // X "holds GIL" on the GIL track; a = 1 when the release was forced
  kWait,       // X "waits for GIL" on the GIL track
  kHandoff,    // X "hand-off wait" on the GIL track
  kCall,       // X <role>() on the calls track; a = call index
  kNative,     // X "native: <kernel>" on the calls track
  kDrop,       // i "drop request" on the waiter's GIL track
  kMark,       // i <label> on the calls track
  kFlowStart,  // s of the arrow drop request -> forced release; a = flow id
  kFlowEnd,    // f (bp "e") inside the forced hold; a = flow id
  kCounter,    // C "GIL": a = holds open, b = waits open
};

// kHold / kWait: b = 1 when `name` is the slice's Python stack ("outer;...;inner").
// One timed event; times are CLOCK_MONOTONIC ns (converted to µs when written).
struct TraceEvent {
  std::uint64_t ts = 0;
  std::uint64_t dur = 0;  // slices only
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::uint32_t name = 0;  // index into TraceBuild::names (calls, native sections, marks)
  int pid = 0;
  int tid = 0;
  TraceKind kind = TraceKind::kHold;
};

// A track (a Chrome "thread") or a process, for its name metadata.
struct TrackInfo {
  int pid = 0;
  int tid = 0;
  std::string name;
  int sort_index = 0;
};

// Everything the writer needs, accumulated over the recordings of a Report.
struct TraceBuild {
  std::vector<TraceEvent> events;
  std::vector<std::string> names;
  std::map<std::string, std::uint32_t> name_ids;
  std::vector<TrackInfo> processes;  // tid: a track of the process, for the metadata event
  std::vector<TrackInfo> tracks;
  int next_tid = 1;
  std::uint64_t next_flow = 1;

  std::uint32_t intern(const std::string& name);
  const analysis::StackTable* stacks = nullptr;  // names holds' and waits' stacks
};

// Adds one recording as a new process named `process_name`: per thread a GIL track (of GIL
// `gil`) and, when the thread has calls, native sections or marks, a calls track; the arrows of
// forced releases; and the "GIL" counter.
void add_recording(TraceBuild& build, const trace::Recording& recording,
                   const std::string& process_name, std::uint8_t gil = 0);

// The order events are written in: by time, then slices before instants, flows and counters,
// then longer slices first so that a parent precedes the children that begin with it.
bool trace_order(const TraceEvent& a, const TraceEvent& b);

}  // namespace gilhost::report::detail
