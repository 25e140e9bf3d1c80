// The collector's side of stacks: frames from the rings -> locations and stack ids, with the
// code objects they name resolved while those are alive (docs/architecture.md, "Stacks").
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/stack_table.hpp"
#include "trace/event.hpp"
#include "trace/stacks.hpp"

namespace gilhost::trace {

// What gilhost keeps of one code object: copied once, so nothing reads the object afterwards.
struct CodeCopy {
  std::string qualname, filename, linetable;
  int firstlineno = 0;
  std::unordered_map<std::int32_t, std::uint32_t> locations;  // instruction index -> location
};

// The line of instruction `lasti` (code units) from a copy of co_linetable, as
// PyCode_Addr2Line computes it (Objects/codeobject.c, the 3.11+ location table); 0 when the
// instruction has no line or lies outside the table.
int line_of(const std::string& linetable, int firstlineno, int lasti);

class StackInterner {
 public:
  // The host's code reader (trace/py_frames.c).
  void set_view(ViewCodeFn view) { view_ = view; }
  // A code object is about to be freed (its interpreter's watcher; the GIL is held): what the
  // rings may still name is copied now. `ticks`: when, on the tracer's clock.
  void code_destroyed(const void* code, std::uint64_t ticks);
  // Replaces each run of kFrame events in `events` by one kStack event before the event it
  // describes. Kernel names come from `kernels`. Precondition: the caller drains the rings.
  using KernelName = std::function<std::string(std::uint32_t id)>;
  void translate(std::vector<Event>& events, const KernelName& kernel_name);
  // Copies of code objects freed before `ticks` are dropped: every drain that starts after a
  // code object's end has taken all the frames that named it.
  void forget_before(std::uint64_t ticks);
  analysis::StackTable& table() { return table_; }
  std::size_t copies() const { return live_.size() + dead_.size(); }

 private:
  struct Dead {
    std::uint64_t ticks;
    CodeCopy copy;
  };
  CodeCopy* code_at(const void* code, std::uint64_t ticks);
  bool copy_code(const void* code, CodeCopy& out);
  std::uint32_t frame_location(const Event& f, std::uint64_t ticks, const KernelName& kernel_name);

  ViewCodeFn view_ = nullptr;
  std::mutex mu_;  // live_ and dead_: the collector and the threads that free code objects
  std::unordered_map<const void*, CodeCopy> live_;
  std::unordered_multimap<const void*, Dead> dead_;
  analysis::StackTable table_;  // the collector's only
  std::vector<std::uint32_t> scratch_;
  std::vector<Event> out_;
};

}  // namespace gilhost::trace
