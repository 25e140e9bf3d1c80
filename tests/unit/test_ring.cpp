// The tracer's per-thread ring: order, loss accounting and concurrent drain, without Python.
#include <catch2/catch.hpp>
#include <thread>

#include "trace/ring.hpp"

using gilhost::trace::Event;
using gilhost::trace::EventKind;
using gilhost::trace::Ring;

namespace {

Event event_at(std::uint64_t ts) { return Event{ts, EventKind::kMark, 0, 0, std::uint32_t(ts)}; }

}  // namespace

TEST_CASE("ring keeps order and counts what did not fit", "[ring]") {
  Ring ring(8);
  for (std::uint64_t i = 0; i < 10; ++i) ring.push(event_at(i));
  CHECK(ring.lost() == 2);
  std::vector<Event> out;
  CHECK(ring.drain_into(out) == 8);
  REQUIRE(out.size() == 8);
  for (std::uint64_t i = 0; i < 8; ++i) CHECK(out[i].ts_ns == i);
  ring.push(event_at(100));
  CHECK(ring.drain_into(out) == 1);
  CHECK(out.back().ts_ns == 100);
  CHECK(ring.lost() == 2);
}

TEST_CASE("ring drained concurrently delivers every event exactly once", "[ring]") {
  constexpr std::uint64_t kEvents = 200000;
  Ring ring(1024);
  std::vector<Event> out;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kEvents; ++i) ring.push(event_at(i));
    done = true;
  });
  while (!done.load()) ring.drain_into(out);
  producer.join();
  ring.drain_into(out);
  CHECK(out.size() + ring.lost() == kEvents);
  for (std::size_t i = 1; i < out.size(); ++i) REQUIRE(out[i].ts_ns > out[i - 1].ts_ns);
}
