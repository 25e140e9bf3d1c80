// Classifies GIL releases by the code that made them: CPython's own decision, not a pattern.
//
// Only drop_gil signals gil->cond (Python/ceval_gil.c), so the return address of that
// pthread_cond_signal lies in drop_gil, or in the function drop_gil was inlined into. Walking up
// from there through the functions gil_layout.c lists as "machinery" (3.12: drop_gil itself), the
// first other function is the one that decided to release: the eval breaker's handler
// (_Py_HandlePending in 3.12, which calls drop_gil only when gil_drop_request is set) means a
// forced release; anything else (PyEval_SaveThread, PyEval_ReleaseThread, take_gil's exit path,
// _PyThreadState_DeleteCurrent, ...) a voluntary one.
//
// The frames have no frame pointers, so each call site's frame size is learned once with the
// unwinder (DWARF CFI) and kept in a small table; afterwards a verdict is a few loads from the
// current thread's own stack.
#include "trace/release_site.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unwind.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

#include "trace/event.hpp"
#include "trace/gil_layout.h"

namespace gilhost::trace {
namespace {

struct Range {
  std::uintptr_t lo = 0, hi = 0;
};

bool inside(const std::vector<Range>& ranges, std::uintptr_t pc) {
  for (const Range& r : ranges) {
    if (pc - r.lo < r.hi - r.lo) return true;
  }
  return false;
}

// The function symbols named in `names` (NULL-terminated), from the file's .symtab (local
// symbols such as drop_gil and 3.12's _Py_HandlePending are only there) or else its .dynsym.
std::vector<Range> find_functions(const char* path, std::uintptr_t base, const char* const* names,
                                  std::string* found) {
  std::vector<Range> out;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < off_t(sizeof(ElfW(Ehdr)))) {
    if (fd >= 0) close(fd);
    return out;
  }
  void* map = mmap(nullptr, std::size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return out;
  const auto* bytes = static_cast<const unsigned char*>(map);
  const auto* eh = reinterpret_cast<const ElfW(Ehdr)*>(bytes);
  const std::size_t size = std::size_t(st.st_size);
  const bool sane = std::memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
                    eh->e_shoff + std::size_t(eh->e_shnum) * sizeof(ElfW(Shdr)) <= size;
  const auto* sh = reinterpret_cast<const ElfW(Shdr)*>(bytes + (sane ? eh->e_shoff : 0));
  for (unsigned want : {unsigned(SHT_SYMTAB), unsigned(SHT_DYNSYM)}) {
    for (int i = 0; sane && out.empty() && i < eh->e_shnum; ++i) {
      if (sh[i].sh_type != want || sh[i].sh_link >= eh->e_shnum) continue;
      const ElfW(Shdr)& strs = sh[sh[i].sh_link];
      if (sh[i].sh_offset + sh[i].sh_size > size || strs.sh_offset + strs.sh_size > size) continue;
      const auto* syms = reinterpret_cast<const ElfW(Sym)*>(bytes + sh[i].sh_offset);
      const char* strtab = reinterpret_cast<const char*>(bytes + strs.sh_offset);
      for (const char* const* name = names; *name && out.empty(); ++name) {
        for (std::size_t k = 0; k < sh[i].sh_size / sizeof(ElfW(Sym)); ++k) {
          const ElfW(Sym)& s = syms[k];
          if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_size == 0) continue;
          if (s.st_name >= strs.sh_size || std::strcmp(strtab + s.st_name, *name) != 0) continue;
          out.push_back({base + s.st_value, base + s.st_value + s.st_size});
          if (found) *found = *name;
        }
      }
    }
  }
  munmap(map, size);
  return out;
}

struct Sites {
  bool ok = false;
  std::vector<Range> handler, machinery;
  ReleaseSiteInfo info;
};

Sites& sites() {
  static Sites s;
  return s;
}

Sites resolve() {
  Sites s;
  Dl_info dl{};
  link_map* lm = nullptr;
  if (dladdr1(gilhost_libpython_address(), &dl, reinterpret_cast<void**>(&lm), RTLD_DL_LINKMAP) ==
          0 ||
      lm == nullptr || dl.dli_fname == nullptr) {
    s.info.problem = "the loaded libpython was not found (dladdr)";
    return s;
  }
  s.info.libpython = dl.dli_fname;
  const gilhost_release_symbols* names = gilhost_release_symbols_of_version();
  s.handler = find_functions(dl.dli_fname, lm->l_addr, names->handler, &s.info.handler);
  for (const char* const* m = names->machinery; *m; ++m) {
    const char* one[] = {*m, nullptr};
    for (Range r : find_functions(dl.dli_fname, lm->l_addr, one, nullptr)) s.machinery.push_back(r);
  }
  if (s.handler.empty()) {
    s.info.problem = std::string("libpython has no symbol ") + names->handler[0] +
                     " (stripped?): releases cannot be classified as forced or voluntary";
    return s;
  }
  s.ok = true;
  return s;
}

// Frame sizes learned from the unwinder. `first`: the frame holding the pthread_cond_signal call
// (delta = its CFA - the interposer's anchor); otherwise delta = its CFA - its callee's CFA.
struct Step {
  std::uintptr_t pc;
  std::uintptr_t delta;
  bool first;
};
constexpr int kMaxSteps = 32;
Step g_steps[kMaxSteps];
std::atomic<int> g_step_count{0};
std::mutex g_learn_mu;

bool lookup(std::uintptr_t pc, bool first, std::uintptr_t& delta) {
  for (int i = 0, n = g_step_count.load(std::memory_order_acquire); i < n; ++i) {
    if (g_steps[i].pc == pc && g_steps[i].first == first) {
      delta = g_steps[i].delta;
      return true;
    }
  }
  return false;
}

void add_step(Step s) {
  std::uintptr_t unused;
  int n = g_step_count.load(std::memory_order_relaxed);
  if (n >= kMaxSteps || lookup(s.pc, s.first, unused)) return;
  g_steps[n] = s;
  g_step_count.store(n + 1, std::memory_order_release);
}

struct Frames {
  std::uintptr_t ip[kMaxSteps], cfa[kMaxSteps];
  int n = 0;
};

_Unwind_Reason_Code collect(struct _Unwind_Context* ctx, void* arg) {
  auto* f = static_cast<Frames*>(arg);
  if (f->n >= kMaxSteps) return _URC_END_OF_STACK;
  f->ip[f->n] = _Unwind_GetIP(ctx);
  f->cfa[f->n] = _Unwind_GetCFA(ctx);
  ++f->n;
  return _URC_NO_REASON;
}

// One full unwind of the current chain: records the frame sizes from drop_gil's frame up to the
// first frame outside the machinery. x86-64 keeps a frame's return address at its CFA - 8,
// which is checked against the unwinder's answer before anything is trusted.
__attribute__((noinline)) void learn(std::uintptr_t anchor, std::uintptr_t ra) {
  std::lock_guard lock(g_learn_mu);
  Frames f;
  _Unwind_Backtrace(collect, &f);
  int i = 0;
  while (i < f.n && f.ip[i] != ra) ++i;
  // The frames the verdict walks: drop_gil's (i), then machinery up to the deciding function.
  // libgcc's context k reports the CFA of the frame it returns into k from, i.e. the CFA of
  // the function containing ip[k - 1]: frame k's own CFA is cfa[k + 1].
  const Sites& s = sites();
  int last = i;
  while (last + 1 < f.n && inside(s.machinery, f.ip[last + 1])) ++last;
  if (last + 2 >= f.n) return;
  for (int j = i; j <= last; ++j) {
    if (*reinterpret_cast<const std::uintptr_t*>(f.cfa[j + 1] - 8) != f.ip[j + 1]) return;
  }
  add_step({ra, f.cfa[i + 1] - anchor, true});
  for (int j = i + 1; j <= last; ++j) add_step({f.ip[j], f.cfa[j + 1] - f.cfa[j], false});
}

bool step_delta(std::uintptr_t anchor, std::uintptr_t ra, std::uintptr_t pc, bool first,
                std::uintptr_t& delta) {
  if (lookup(pc, first, delta)) return true;
  learn(anchor, ra);
  return lookup(pc, first, delta);
}

}  // namespace

bool init_release_sites() {
  static std::once_flag once;
  std::call_once(once, [] { sites() = resolve(); });
  return sites().ok;
}

ReleaseSiteInfo release_site_info() {
  init_release_sites();
  return sites().info;
}

std::uint16_t release_verdict(std::uintptr_t anchor, std::uintptr_t ra) {
  const Sites& s = sites();
  if (!s.ok) return kReleaseUnclassified;
  if (inside(s.handler, ra)) return kReleaseForced;  // drop_gil inlined into the handler
  std::uintptr_t delta = 0;
  if (!step_delta(anchor, ra, ra, true, delta)) return kReleaseUnclassified;
  std::uintptr_t cfa = anchor + delta;
  for (int depth = 0; depth < 8; ++depth) {
    const std::uintptr_t pc = *reinterpret_cast<const std::uintptr_t*>(cfa - 8);
    if (inside(s.handler, pc)) return kReleaseForced;
    if (!inside(s.machinery, pc)) return 0;  // the releasing code is not the eval breaker
    if (!step_delta(anchor, ra, pc, false, delta)) return kReleaseUnclassified;
    cfa += delta;
  }
  return kReleaseUnclassified;
}

}  // namespace gilhost::trace
