// The one place a gilhost binary turns an escaping exception into one line and an exit status
// (the launcher and every host share it): usage errors and unavailable hosts exit 2, anything
// else 1.
#pragma once

#include <cstdio>
#include <exception>

#include "cli/units.hpp"

namespace gilhost::cli {

template <class Body>
int run_guarded(Body body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::fprintf(stderr, "gilhost: error: %s\n", e.what());
    return 2;
  } catch (const HostUnavailable& e) {
    std::fprintf(stderr, "gilhost: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {  // PythonError included: its text is already one line
    std::fprintf(stderr, "gilhost: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace gilhost::cli
