// What a run keeps in its recording besides the analysis's inputs (record::Sink::context): the
// run's context, each measured window's host-side results, and how the run ended. `gilhost
// report` rebuilds the run's Report from these and the replayed windows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "analysis/run_result.hpp"
#include "cli/options.hpp"
#include "report/report_data.hpp"
#include "trace/event.hpp"

namespace gilhost::workload {

// Context keys, in the order a run writes them: "run" once (after the script's top level),
// "window" after each closed window, "end" once.
inline constexpr std::string_view kRunKey = "run";
inline constexpr std::string_view kWindowKey = "window";
inline constexpr std::string_view kEndKey = "end";

// One measured window as the host saw it: a worker phase (its configuration, whether it is
// kept in the report) or the script's whole execution.
struct WindowBlob {
  bool script = false;
  bool first_of_config = false;  // the first phase of its --workers configuration
  int config = -1;   // the configuration's index (runs are interleaved); -1 in older recordings
  bool kept = true;  // false: a warm-up run, measured but not reported
  cli::WorkerSet workers;
  analysis::PhaseResult phase;
  std::uint64_t switch_number_begin = 0, switch_number_end = 0, interval_us = 0;
  trace::GilCensus census;
  std::uint64_t script_wall_ns = 0;
};

struct EndBlob {
  std::string status = "complete";
  int exit_status = 0;
  bool abandoned = false;
};

// Encoders and decoders; decoders throw std::runtime_error with one line on a malformed blob.
std::string encode(const report::Context& c);
std::string encode(const WindowBlob& w);
std::string encode(const EndBlob& e);
report::Context decode_run(std::string_view bytes);
WindowBlob decode_window(std::string_view bytes);
EndBlob decode_end(std::string_view bytes);

}  // namespace gilhost::workload
