// --python: which per-version host runs a command, and starting it (docs/architecture.md,
// "One host per CPython version").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "build_info.hpp"

namespace gilhost::select {

// The directory of the running binary: the launcher and every gilhost-3.X host live there.
std::string binary_dir();

// The hosts built with this gilhost whose binary is present, in version order.
std::vector<const build::HostBuild*> available_hosts();

// "3.11, 3.12, 3.13" (or "none").
std::string available_list();

// Resolves a --python value: versions ("3.13"), python executables (their version is asked) and
// comma-separated lists of them, without duplicates. Throws cli::UsageError naming the
// versions available when one has no host.
std::vector<const build::HostBuild*> resolve(std::string_view spec);

// The host binary's path for `h`.
std::string host_path(const build::HostBuild& h);

// Throws HostUnavailable (one line, exit 2) when `h`'s libpython or binary is gone.
void check_runnable(const build::HostBuild& h);

// Replaces this process with `h`'s host running `argv` (argv[0] is replaced). Checks first;
// throws HostUnavailable when it cannot.
[[noreturn]] void exec_host(const build::HostBuild& h, char** argv);

// Runs `argv` on host `h` in a child and returns its exit status (128 + signal when killed).
// A stop signal (SIGINT, SIGTERM, SIGHUP) reaching this process meanwhile is passed on to it.
int run_host(const build::HostBuild& h, const std::vector<std::string>& argv);

const build::HostBuild* default_host();

// In a host built for `self` ("3.13"): returns when --python `spec` selects this host alone;
// otherwise execs the host it selects, or the launcher for several versions.
void stay_or_switch(std::string_view spec, std::string_view self, char** argv);

}  // namespace gilhost::select
