// Names of phase outcomes as reports print them.
#include "analysis/run_result.hpp"

namespace gilhost::analysis {

const char* to_string(PhaseStatus s) {
  switch (s) {
    case PhaseStatus::kComplete:
      return "complete";
    case PhaseStatus::kFailed:
      return "failed";
    case PhaseStatus::kInterrupted:
      return "interrupted";
    case PhaseStatus::kTimedOut:
      return "timed_out";
  }
  return "unknown";
}

}  // namespace gilhost::analysis
