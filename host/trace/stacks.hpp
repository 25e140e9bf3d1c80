// Python stacks of GIL events: captured by the thread that makes the pthread call, as code
// object + instruction pairs, sent through its ring only when they changed (docs/metrics.md,
// "Stacks"; docs/architecture.md, "Stacks").
#pragma once

#include <atomic>
#include <cstdint>

#include "trace/event.hpp"
#include "trace/py_frames.h"

namespace gilhost::trace {

// The most Python frames kept per stack, innermost first; a deeper stack keeps its innermost
// 64 and is marked truncated (a "[truncated]" outermost frame).
inline constexpr int kMaxStackDepth = 64;

using CaptureFn = int (*)(const void* tstate, gilhost_frame* out, int max);
using ViewCodeFn = int (*)(const void* code, gilhost_code_view* out);

// The host's stack reader (trace/py_frames.c of its CPython); null: stacks are not captured.
extern CaptureFn g_capture;

// The gilhost kernel the calling thread runs now (kernel id + 1; 0: none), set by the module
// glue around each kernel: it is the innermost frame of the stacks captured meanwhile.
extern thread_local std::uint32_t t_kernel;

// The calling thread's own thread state when it holds no GIL (PyGILState_GetThisThreadState),
// for the stack of its first request; null when stacks are off.
using ThisThreadStateFn = const void* (*)();
extern ThisThreadStateFn g_this_thread_state;

// Counts code objects freed (Tracer::code_destroyed): a thread's stack equal to the one it sent,
// pointer for pointer, names the same code only if no code object was freed in between (a
// freed one's address is soon reused by a new one).
extern std::atomic<std::uint64_t> g_code_generation;

// Whether the calling thread sent a stack already (the analysis knows its current one).
bool stack_sent();

// Stamps and emits one event of the calling thread preceded by its Python stack (the frames of
// `tstate`, which must be the caller's own) when that stack differs from the last one it sent.
// `native`: the GIL is let go in C code called from the innermost frame (a "[native]" frame).
void emit_stacked(const void* tstate, std::uint64_t ticks, EventKind kind, int gil,
                  std::uint32_t aux, std::uint16_t flags, bool native);

}  // namespace gilhost::trace
