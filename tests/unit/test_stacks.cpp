// Stacks without Python: the location table reader, the stack table's record round trip.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "analysis/stack_table.hpp"
#include "trace/stack_interner.hpp"

using gilhost::analysis::Location;
using gilhost::analysis::StackTable;

TEST_CASE("stacks: lines from a location table, entry by entry", "[stacks]") {
  // One entry of each form (Objects/codeobject.c; InternalDocs/locations.md), first line 10:
  const std::string table = {
      char(0xEA), 0x04,                    // no columns (13), 3 units, line +2      -> 12
      char(0xD0), 0x01, 0x05,              // one line (10), 1 unit, line +0         -> 12
      char(0xF9),                          // no location (15), 2 units              -> none
      char(0xF0), 0x03, 0x00, 0x01, 0x02,  // long (14), 1 unit, line -1      -> 11
      char(0x81), 0x12,                    // short (0), 2 units, same line          -> 11
  };
  const int expected[] = {12, 12, 12, 12, 0, 0, 11, 11, 11};
  for (int lasti = 0; lasti < 9; ++lasti) {
    INFO("lasti " << lasti);
    CHECK(gilhost::trace::line_of(table, 10, lasti) == expected[lasti]);
  }
  CHECK(gilhost::trace::line_of(table, 10, 9) == 0);   // past the table
  CHECK(gilhost::trace::line_of(table, 10, -1) == 0);  // not started
  CHECK(gilhost::trace::line_of("", 10, 0) == 0);
}

TEST_CASE("stacks: a table's deltas rebuild it with the same ids", "[stacks]") {
  StackTable live;
  const std::uint32_t a = live.intern_location({Location::kPython, "a", "x.py", 3});
  const std::uint32_t k = live.intern_location({Location::kKernel, "hold_gil", "", 0});
  CHECK(live.intern_location({Location::kPython, "a", "x.py", 3}) == a);
  const std::uint32_t s1 = live.intern_stack({a, k});
  const std::uint32_t s0 = live.intern_stack({});
  CHECK(live.intern_stack({a, k}) == s1);
  StackTable replayed;
  replayed.apply(live.take_new());
  CHECK(live.take_new().empty());
  const std::uint32_t b = live.intern_location({Location::kPython, "b", "y.py", 0});
  const std::uint32_t s2 = live.intern_stack({b, a, k});
  replayed.apply(live.take_new());
  REQUIRE(replayed.stacks() == live.stacks());
  REQUIRE(replayed.locations() == live.locations());
  CHECK(replayed.stack(s1) == live.stack(s1));
  CHECK(replayed.stack(s2) == std::vector<std::uint32_t>{b, a, k});
  CHECK(replayed.stack(s0).empty());
  CHECK(replayed.location(k) == live.location(k));
  CHECK(replayed.leaf(s2) == k);
  CHECK(gilhost::analysis::frame_text(replayed.location(a)) == "a (x.py:3)");
  CHECK(gilhost::analysis::frame_text(replayed.location(b)) == "b (y.py)");
  CHECK(gilhost::analysis::frame_text(replayed.location(k)) == "hold_gil [gilhost kernel]");
  // A delta applied twice, or out of order, is refused.
  StackTable other;
  StackTable fresh;
  fresh.intern_location({Location::kNative, "", "", 0});
  const std::string delta = fresh.take_new();
  other.apply(delta);
  CHECK_THROWS_AS(other.apply(delta), std::runtime_error);
  CHECK_THROWS_AS(StackTable().apply("\x05"), std::runtime_error);
}
