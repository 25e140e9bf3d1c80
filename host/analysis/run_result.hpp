// What one worker phase measured on the host side: calls, latencies, CPU, wall time, errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/histogram.hpp"

namespace gilhost::analysis {

struct WorkerResult {
  std::string role;
  int index = 0;
  std::string name;  // "cpu-0"
  int tid = 0;
  std::uint64_t calls = 0;
  Histogram latency;         // ns per completed call, in fixed memory (docs/metrics.md)
  std::uint64_t cpu_ns = 0;  // CLOCK_THREAD_CPUTIME_ID over the worker phase
  // steady clock from the barrier's release to this thread's end of calls: with --calls each
  // thread stops on its own, and a role's rate is its calls over its own time (metrics.md).
  std::uint64_t active_ns = 0;
};

enum class PhaseStatus { kComplete, kFailed, kInterrupted, kTimedOut };
const char* to_string(PhaseStatus s);

struct PhaseResult {
  std::vector<WorkerResult> workers;
  std::uint64_t wall_ns = 0;         // barrier release -> last worker detached
  std::uint64_t setup_ns = 0;        // phase start -> barrier release: creating sub-interpreters
                                     // and loading the script there, starting and attaching threads
  std::uint64_t process_cpu_ns = 0;  // CLOCK_PROCESS_CPUTIME_ID over the same span
  std::uint64_t peak_rss_bytes = 0;  // the process's peak resident set so far (getrusage)
  std::uint64_t begin_ticks = 0;     // tracer clock, for the recording window
  std::uint64_t end_ticks = 0;
  std::uint64_t switch_number_begin = 0;
  std::uint64_t switch_number_end = 0;
  PhaseStatus status = PhaseStatus::kComplete;
  std::optional<int> exit_status;  // set when the phase decides the process's exit status
  std::string error_worker;        // the worker whose exception stopped the run
  std::string error_text;          // its formatted traceback
  std::string setup_error;         // one line: a sub-interpreter could not be made ready
  // The own-GIL sub-interpreters of :sub workers: tracer GIL index (-1 untraced), "sub:cpu-0",
  // and their GIL's switch_number at the window's ends.
  struct SubGil {
    int gil = -1;
    std::string interpreter;
    std::uint64_t switch_number_begin = 0, switch_number_end = 0;
  };
  std::vector<SubGil> sub_gils;
  // Workers that ignored the stop (stuck in C code) and were left running: the process can no
  // longer use Python and must exit once the reports are written.
  bool abandoned = false;
  std::vector<std::string> stuck_workers;
  double cpu_percent() const {
    return wall_ns ? 100.0 * double(process_cpu_ns) / double(wall_ns) : 0.0;
  }
};

}  // namespace gilhost::analysis
