// The tracer's self-check: two threads pass the GIL a known number of times.
#pragma once

#include <cstdint>

#include "workload/session.hpp"

namespace gilhost::workload {

struct SelfCheck {
  std::uint64_t turns = 0;           // GIL acquisitions forced by the ping-pong (2 per round)
  std::uint64_t acquires = 0;        // acquire events the tracer saw from the two threads
  std::uint64_t holder_changes = 0;  // from the metrics
  std::uint64_t switch_number_delta = 0;
  std::uint64_t lost = 0;
  std::uint64_t overlapping_holds = 0;
  bool passed() const {
    return acquires == turns && holder_changes == switch_number_delta && lost == 0 &&
           overlapping_holds == 0;
  }
};

// Runs `rounds` ping-pong rounds. Precondition: the calling thread holds the GIL and the
// session traces; returns with the GIL held.
SelfCheck run_self_check(Session& session, unsigned rounds);

}  // namespace gilhost::workload
