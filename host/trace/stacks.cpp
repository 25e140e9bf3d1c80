// Thread-side stack capture (stacks.hpp): walk, compare with the last stack sent, push.
#include "trace/stacks.hpp"

#include "trace/tracer.hpp"

namespace gilhost::trace {

CaptureFn g_capture = nullptr;
ThisThreadStateFn g_this_thread_state = nullptr;
std::atomic<std::uint64_t> g_code_generation{0};
thread_local std::uint32_t t_kernel = 0;

namespace {

// One captured stack: `n` code frames innermost first, and what surrounds them. Trivially
// destructible and zero-initialised, so the interposers use it as a plain TLS block.
struct Captured {
  gilhost_frame frames[kMaxStackDepth];
  int n;            // code frames stored
  bool truncated;   // the stack was deeper than kMaxStackDepth
  bool unreadable;  // the thread's interpreter is not watched
  bool native;      // let go in C code
  std::uint32_t kernel;
  bool same_as(const Captured& o) const {
    if (n != o.n || truncated != o.truncated || unreadable != o.unreadable || native != o.native ||
        kernel != o.kernel)
      return false;
    for (int i = 0; i < n; ++i)
      if (frames[i].code != o.frames[i].code || frames[i].lasti != o.frames[i].lasti) return false;
    return true;
  }
};

struct ThreadStacks {
  Captured now;
  Captured sent;
  bool sent_valid;                // `sent` is what the collector last received from this thread
  std::uint64_t sent_generation;  // g_code_generation when `sent` was read
  Event group[kMaxStackDepth + 4];
};
thread_local ThreadStacks t_stacks;

void capture(const void* tstate, bool native, Captured& c) {
  const int r = g_capture(tstate, c.frames, kMaxStackDepth);
  c.unreadable = r < 0;
  c.truncated = r > kMaxStackDepth;
  c.n = r < 0 ? 0 : (c.truncated ? kMaxStackDepth : r);
  c.kernel = t_kernel;
  c.native = native && c.kernel == 0 && c.n > 0;
}

std::size_t build_group(const Captured& c, int gil, Event* out) {
  std::size_t k = 0;
  const auto g = std::uint8_t(gil);
  if (c.unreadable) {
    out[k++] = Event{0, EventKind::kFrame, g, kFrameUnreadable, 0};
    return k;
  }
  if (c.kernel) out[k++] = Event{0, EventKind::kFrame, g, kFrameKernel, c.kernel - 1};
  if (c.native) out[k++] = Event{0, EventKind::kFrame, g, kFrameNative, 0};
  for (int i = 0; i < c.n; ++i)
    out[k++] = Event{std::uint64_t(std::uintptr_t(c.frames[i].code)), EventKind::kFrame, g,
                     kFrameCode, std::uint32_t(c.frames[i].lasti)};
  if (c.truncated) out[k++] = Event{0, EventKind::kFrame, g, kFrameTruncated, 0};
  if (k == 0) out[k++] = Event{0, EventKind::kFrame, g, kFrameNone, 0};
  return k;
}

}  // namespace

bool stack_sent() { return t_stacks.sent_valid; }

void emit_stacked(const void* tstate, std::uint64_t ticks, EventKind kind, int gil,
                  std::uint32_t aux, std::uint16_t flags, bool native) {
  const Event e{ticks, kind, std::uint8_t(gil), flags, aux};
  Ring* r = t_trace.ring;
  if (__builtin_expect(r == nullptr, 0)) {
    r = claim_ring();
    if (r == nullptr) return;
  }
  ThreadStacks& t = t_stacks;
  if (g_capture == nullptr) {
    r->push(e);
    return;
  }
  const std::uint64_t generation = g_code_generation.load(std::memory_order_acquire);
  capture(tstate, native, t.now);
  if (t.sent_valid && t.sent_generation == generation && t.now.same_as(t.sent)) {
    r->push(e);
    return;
  }
  std::size_t n = build_group(t.now, gil, t.group);
  t.group[n++] = e;
  if (r->push_n(t.group, n)) {
    t.sent = t.now;
    t.sent_valid = true;
    t.sent_generation = generation;
  }
}

}  // namespace gilhost::trace
