// Which code released the GIL: the eval breaker answering a drop request (forced) or anything
// else (voluntary), decided from the return-address chain of drop_gil's pthread_cond_signal.
#pragma once

#include <cstdint>
#include <string>

namespace gilhost::trace {

// Resolves, once, the address ranges of the functions gil_layout.c names for this CPython
// (gilhost_release_symbols_of_version) in the symbol table of the libpython actually loaded.
// Idempotent; later calls return the first answer. Never throws.
bool init_release_sites();

// What init_release_sites found, for `gilhost info`: the libpython file and the handler, or why
// releases cannot be classified.
struct ReleaseSiteInfo {
  std::string libpython;  // the loaded file (dladdr), empty if unknown
  std::string handler;    // the handler symbol found, empty if none
  std::string problem;    // why releases are unclassified, empty when they are classified
};
ReleaseSiteInfo release_site_info();

// The verdict for one release, as Event::flags bits (kReleaseForced, kReleaseUnclassified).
// `anchor` is __builtin_frame_address(0) of the interposer's traced function and `ra` the return
// address of pthread_cond_signal (inside drop_gil). Called with gil->mutex held; the first release
// from a new call chain learns its frame sizes with the unwinder, later ones only read the stack.
std::uint16_t release_verdict(std::uintptr_t anchor, std::uintptr_t ra);

}  // namespace gilhost::trace
