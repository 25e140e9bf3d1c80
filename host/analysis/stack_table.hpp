// The recording's table of Python stacks: locations (function, file, line) and stacks (lists of
// locations, outermost first), both interned, ids dense from 1 (docs/formats.md, "Stacks").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace gilhost::analysis {

struct Location {
  enum Kind : std::uint8_t {
    kPython = 0,     // function = __qualname__, file = co_filename, line (0: not known)
    kKernel = 1,     // a gilhost native kernel: function = its name
    kNative = 2,     // "[native]": the GIL was let go in C code called by the frame before it
    kTruncated = 3,  // "[truncated]": outer frames beyond the depth limit
    kUnreadable = 4  // "[stack not read]": the thread's interpreter is not watched
  };
  Kind kind = kPython;
  std::string function;
  std::string file;
  int line = 0;
  bool operator==(const Location&) const = default;
};

// How a location reads in reports: "hog (x.py:12)", "hold_gil [gilhost kernel]", "[native]".
std::string frame_text(const Location& l);

class StackTable {
 public:
  // Stack 0 is "not known" (no stack was captured for that time); location 0 is unused.
  static constexpr std::uint32_t kUnknown = 0;

  std::uint32_t intern_location(const Location& l);
  std::uint32_t intern_stack(const std::vector<std::uint32_t>& locations);

  const Location& location(std::uint32_t id) const { return locations_.at(id); }
  const std::vector<std::uint32_t>& stack(std::uint32_t id) const { return stacks_.at(id); }
  std::size_t locations() const { return locations_.size(); }
  std::size_t stacks() const { return stacks_.size(); }
  bool has_stack(std::uint32_t id) const { return id < stacks_.size(); }
  // The innermost location of a stack (0 for an empty or unknown stack).
  std::uint32_t leaf(std::uint32_t stack) const;

  // Entries added since the last call, as the bytes of one context("stacks") record; "" when
  // nothing is new. apply() adds such a record's entries, in order (throws on malformed bytes
  // or ids out of sequence).
  std::string take_new();
  void apply(std::string_view bytes);

 private:
  std::vector<Location> locations_{Location{}};
  std::vector<std::vector<std::uint32_t>> stacks_{{}};
  std::map<std::tuple<int, std::string, std::string, int>, std::uint32_t> location_ids_;
  std::map<std::vector<std::uint32_t>, std::uint32_t> stack_ids_;
  std::size_t sent_locations_ = 1, sent_stacks_ = 1;
};

// The context key of a stack table delta (record/journal.hpp, Sink::context).
inline constexpr std::string_view kStacksKey = "stacks";

}  // namespace gilhost::analysis
