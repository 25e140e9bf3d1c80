// Unit tests of render_chrome_trace: the rules a trace viewer relies on, on a synthetic recording.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "report/trace/chrome_trace.hpp"
#include "synthetic_trace.hpp"

namespace {

using gilhost::report::render_chrome_trace;
using gilhost::testing::synthetic_report;
using Json = nlohmann::json;

Json parse(const std::string& text) {
  Json doc = Json::parse(text);  // throws on invalid JSON
  REQUIRE(doc.contains("traceEvents"));
  REQUIRE(doc["traceEvents"].is_array());
  return doc;
}

std::vector<Json> of_phase(const Json& doc, const std::string& ph) {
  std::vector<Json> out;
  for (const Json& e : doc["traceEvents"])
    if (e["ph"] == ph) out.push_back(e);
  return out;
}

std::vector<Json> timed(const Json& doc) {
  std::vector<Json> out;
  for (const Json& e : doc["traceEvents"])
    if (e["ph"] != "M") out.push_back(e);
  return out;
}

using Track = std::pair<int, int>;  // (pid, tid)
Track track(const Json& e) { return {e["pid"].get<int>(), e["tid"].get<int>()}; }

// On each track, any two X slices are disjoint or one contains the other (times in ns, rounded
// from the 3-decimal µs, so that the comparison is exact).
void check_nesting(const Json& doc) {
  std::map<Track, std::vector<std::pair<long long, long long>>> slices;
  for (const Json& e : of_phase(doc, "X")) {
    auto ns = [](const Json& v) { return std::llround(v.get<double>() * 1000); };
    long long b = ns(e["ts"]);
    slices[track(e)].push_back({b, b + ns(e["dur"])});
  }
  for (const auto& [t, list] : slices) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      for (std::size_t j = 0; j < list.size(); ++j) {
        auto [b1, e1] = list[i];
        auto [b2, e2] = list[j];
        bool disjoint = e1 <= b2 || e2 <= b1;
        bool contains = (b1 <= b2 && e2 <= e1) || (b2 <= b1 && e1 <= e2);
        INFO("track " << t.first << "/" << t.second << ": [" << b1 << ", " << e1 << ") vs [" << b2
                      << ", " << e2 << ")");
        CHECK((disjoint || contains));
      }
    }
  }
}

void check_names(const Json& doc) {
  std::set<Track> named;
  std::set<int> named_pids;
  for (const Json& e : of_phase(doc, "M")) {
    if (e["name"] == "thread_name") named.insert(track(e));
    if (e["name"] == "process_name") named_pids.insert(e["pid"].get<int>());
    if (e["name"] == "thread_name" || e["name"] == "process_name")
      CHECK(!e["args"]["name"].get<std::string>().empty());
  }
  for (const Json& e : timed(doc)) {
    if (e.value("s", "") == "g") continue;  // global instants belong to no track
    CHECK(named.count(track(e)) == 1);
    CHECK(named_pids.count(e["pid"].get<int>()) == 1);
  }
}

void check_flows(const Json& doc, std::size_t expected) {
  std::map<std::uint64_t, std::string> phases;
  for (const Json& e : timed(doc)) {
    if (e["ph"] != "s" && e["ph"] != "f") continue;
    phases[e["id"].get<std::uint64_t>()] += e["ph"].get<std::string>();
    if (e["ph"] == "f") CHECK(e["bp"] == "e");
  }
  CHECK(phases.size() == expected);
  for (const auto& [id, p] : phases) CHECK((p == "sf" || p == "fs"));
}

void check_no_unmatched_be(const Json& doc) {
  std::map<Track, int> depth;
  for (const Json& e : timed(doc)) {
    if (e["ph"] == "B") ++depth[track(e)];
    if (e["ph"] == "E") --depth[track(e)];
  }
  for (const auto& [t, d] : depth) CHECK(d == 0);
}

const Json* find_thread(const Json& doc, int pid, const std::string& name) {
  for (const Json& e : doc["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["pid"] == pid &&
        e["args"]["name"] == name)
      return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("chrome trace: structure a viewer accepts", "[chrome_trace]") {
  Json doc = parse(render_chrome_trace(synthetic_report(2), 0));
  CHECK(doc["displayTimeUnit"] == "ns");
  CHECK(doc["otherData"]["truncated"] == false);
  CHECK(doc["otherData"]["context"]["script"] == "exp.py");
  check_names(doc);
  check_nesting(doc);
  check_no_unmatched_be(doc);
  check_flows(doc, 4);  // two forced releases per run, two runs
  for (const Json& e : timed(doc)) CHECK(e["ts"].get<double>() >= 0.0);
  std::set<std::string> processes;
  for (const Json& e : of_phase(doc, "M"))
    if (e["name"] == "process_name") processes.insert(e["args"]["name"].get<std::string>());
  CHECK(processes == std::set<std::string>{"cpu=2 · run 1", "cpu=2 · run 2"});
}

TEST_CASE("chrome trace: tracks and names per thread", "[chrome_trace]") {
  Json doc = parse(render_chrome_trace(synthetic_report(1), 0));
  CHECK(find_thread(doc, 1, "cpu-0 · GIL"));
  CHECK(find_thread(doc, 1, "cpu-0 · calls"));
  CHECK(find_thread(doc, 1, "cpu-1 · calls"));
  CHECK(find_thread(doc, 1, "Thread-1 · GIL"));
  CHECK(find_thread(doc, 1, "Thread-1 · calls"));  // its mark needs a track
  std::size_t sort_indices = 0;
  for (const Json& e : of_phase(doc, "M")) sort_indices += e["name"] == "thread_sort_index";
  CHECK(sort_indices == 6);
}

TEST_CASE("chrome trace: slices in µs from the earliest window begin", "[chrome_trace]") {
  Json doc = parse(render_chrome_trace(synthetic_report(1), 0));
  int gil1 = (*find_thread(doc, 1, "cpu-1 · GIL"))["tid"];
  bool found = false;
  for (const Json& e : of_phase(doc, "X")) {
    if (e["tid"] != gil1 || e["name"] != "holds GIL" || e["ts"].get<double>() != 1000.0) continue;
    found = true;
    CHECK(e["dur"].get<double>() == Approx(5000.0));  // 2 ms -> 7 ms, window begins at 1 ms
    CHECK(e["args"]["forced"] == true);               // cpu-0's drop request at 6.8 ms
  }
  CHECK(found);
  // The hold cpu-0 had when the stream began is clipped to the window: ts 0, 0.5 ms.
  int gil0 = (*find_thread(doc, 1, "cpu-0 · GIL"))["tid"];
  for (const Json& e : of_phase(doc, "X")) {
    if (e["tid"] == gil0 && e["ts"].get<double>() == 0.0) {
      CHECK(e["name"] == "holds GIL");
      CHECK(e["dur"].get<double>() == Approx(500.0));
    }
  }
  // The last hold never ends in the stream: it is closed at the window end (10 ms).
  int gil2 = (*find_thread(doc, 1, "Thread-1 · GIL"))["tid"];
  for (const Json& e : of_phase(doc, "X")) {
    if (e["tid"] == gil2 && e["name"] == "holds GIL")
      CHECK(e["ts"].get<double>() + e["dur"].get<double>() == Approx(10000.0));
  }
}

TEST_CASE("chrome trace: calls, native sections, marks and counters", "[chrome_trace]") {
  Json doc = parse(render_chrome_trace(synthetic_report(1), 0));
  std::multiset<std::string> names;
  for (const Json& e : timed(doc)) names.insert(e["name"].get<std::string>());
  CHECK(names.count("cpu()") == 5);
  CHECK(names.count("native: matmul") == 1);
  CHECK(names.count("phase one") == 1);
  CHECK(names.count("phase two") == 1);
  CHECK(names.count("drop request") == 2);
  CHECK(names.count("hand-off wait") == 1);
  std::vector<Json> counters = of_phase(doc, "C");
  REQUIRE(!counters.empty());
  int max_waiters = 0;
  for (const Json& c : counters) {
    CHECK(c["args"]["held"].get<int>() <= 1);
    max_waiters = std::max(max_waiters, c["args"]["waiters"].get<int>());
  }
  CHECK(max_waiters == 2);
}

TEST_CASE("chrome trace: the limit keeps the beginning and records the cut", "[chrome_trace]") {
  std::size_t all = timed(parse(render_chrome_trace(synthetic_report(2), 0))).size();
  const std::size_t limit = 20;
  REQUIRE(all > limit);
  Json doc = parse(render_chrome_trace(synthetic_report(2), limit));
  std::vector<Json> events = timed(doc);
  CHECK(events.size() <= limit);
  const Json& other = doc["otherData"];
  CHECK(other["truncated"] == true);
  double cut = other["cut_at_us"];
  CHECK(other["events_omitted"].get<std::size_t>() + events.size() == all + 1);
  const Json& note = events.back();
  CHECK(note["ph"] == "i");
  CHECK(note["ts"].get<double>() == Approx(cut));
  CHECK(note["name"].get<std::string>().find("trace cut here (") == 0);
  CHECK(note["name"].get<std::string>().find("raise --trace-limit") != std::string::npos);
  for (const Json& e : of_phase(doc, "X"))
    CHECK(e["ts"].get<double>() + e["dur"].get<double>() <= cut + 1e-9);
  for (const Json& e : events) CHECK(e["ts"].get<double>() <= cut + 1e-9);
  check_names(doc);
  check_nesting(doc);
  check_no_unmatched_be(doc);
  std::size_t starts = of_phase(doc, "s").size();
  check_flows(doc, starts);
  CHECK(of_phase(doc, "f").size() == starts);
}

TEST_CASE("chrome trace: a report without recordings is an empty trace", "[chrome_trace]") {
  Json doc = parse(render_chrome_trace(synthetic_report(1, /*traced=*/false), 100));
  CHECK(doc["traceEvents"].empty());
  CHECK(doc["otherData"]["truncated"] == false);
}
