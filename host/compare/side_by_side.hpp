// `gilhost run --python 3.11,3.12,3.13 EXPERIMENT`: the experiment on every host, rounds
// interleaved (3.11, 3.12, 3.13, 3.11, ...), results side by side. Runs in the launcher.
#pragma once

#include <vector>

#include "build_info.hpp"
#include "cli/options.hpp"

namespace gilhost::compare {

// Returns the exit status: 0, or the status of the first host run that failed (the rounds
// completed until then are still reported). Throws cli::UsageError before any run for options
// a comparison cannot honour.
int run_side_by_side(const cli::Invocation& inv, const std::vector<const build::HostBuild*>& hosts);

// gilhost's own tokens without the options the launcher sets itself for each host run.
std::vector<std::string> without_options(const std::vector<std::string>& tokens,
                                         const std::vector<std::string>& with_value,
                                         const std::vector<std::string>& flags);

}  // namespace gilhost::compare
