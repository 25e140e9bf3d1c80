// Unit tests of render_html: parts present, nothing fetched from the network, the data blob intact.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "report/html/html_data.hpp"
#include "report/html/html_report.hpp"
#include "synthetic_trace.hpp"

namespace {

using gilhost::report::render_html;
using gilhost::testing::synthetic_report;
using Json = nlohmann::json;

constexpr const char* kBlobOpen = R"(<script type="application/json" id="gilhost-data">)";

std::string blob_text(const std::string& html) {
  std::size_t begin = html.find(kBlobOpen);
  REQUIRE(begin != std::string::npos);
  begin += std::string(kBlobOpen).size();
  std::size_t end = html.find("</script>", begin);
  REQUIRE(end != std::string::npos);
  return html.substr(begin, end - begin);
}

Json blob(const std::string& html) { return Json::parse(blob_text(html)); }

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Spans of a timeline thread, decoded from [gap, length, ...] as the page's script does.
std::vector<std::pair<long long, long long>> decode(const Json& pairs) {
  std::vector<std::pair<long long, long long>> out;
  long long last = 0;
  for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) {
    long long begin = last + pairs[i].get<long long>();
    last = begin + pairs[i + 1].get<long long>();
    out.push_back({begin, last});
  }
  return out;
}

}  // namespace

TEST_CASE("html: one page with every part", "[html]") {
  std::string html = render_html(synthetic_report(2));
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find(R"(<meta charset="utf-8">)") != std::string::npos);
  for (const char* id : {"header", "summary", "timeline", "histograms", "blocked", "checks",
                         "context", "timeline-canvas", "recording-select"}) {
    INFO(id);
    CHECK(html.find(std::string("id=\"") + id + "\"") != std::string::npos);
  }
  for (const char* heading :
       {"<h2>Summary</h2>", "<h2>GIL timeline", "<h2>Hold and wait times", "<h2>Who blocked whom",
        "<h2>Cross-checks</h2>", "<h2>Context</h2>"}) {
    INFO(heading);
    CHECK(html.find(heading) != std::string::npos);
  }
  CHECK(html.find("<style>") != std::string::npos);
  CHECK(html.find("GH.main();") != std::string::npos);
  // Every script of host/report/html/assets, embedded by the build, in dependency order.
  std::size_t last = 0;
  for (const char* part : {"GH.fmt = ", "GH.layout = ", "GH.main = function",
                           "const S = GH.tl = ", "GH.timeline = {"}) {
    INFO(part);
    std::size_t at = html.find(part);
    CHECK(at != std::string::npos);
    CHECK(at > last);
    last = at;
  }
  CHECK(html.find("--held: #3566b0") != std::string::npos);  // the style sheet
  CHECK(html.find("<title>gilhost · exp.py</title>") != std::string::npos);
}

TEST_CASE("html: nothing is fetched from the network", "[html]") {
  std::string html = render_html(synthetic_report(2));
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK_FALSE(std::regex_search(html, std::regex(R"(\b(src|href)\s*=)", std::regex::icase)));
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(count(html, "<script") == 2);  // the data blob and the inline script
}

TEST_CASE("html: the data blob parses back", "[html]") {
  std::string html = render_html(synthetic_report(2));
  std::string text = blob_text(html);
  CHECK(text.find("</") == std::string::npos);
  Json d = Json::parse(text);
  CHECK(d["header"]["script"] == "exp.py");
  CHECK(d["header"]["status"] == "complete");
  CHECK(d["traced"] == true);
  REQUIRE(d["summaries"].size() == 1);
  const Json& s = d["summaries"][0];
  CHECK(s["title"] == "Workers cpu=2 · 2 runs × 10.0 ms · switch interval 5.00 ms");
  CHECK(s["columns"].size() == 12);
  CHECK(s["rows"][0][0] == "cpu");
  CHECK(s["rows"][0][3] == "400 ± 0");  // calls/s with σ over two runs, as in the text report
  REQUIRE(d["recordings"].size() == 2);
  const Json& rec = d["recordings"][0];
  CHECK(rec["label"] == "cpu=2 · run 1");
  CHECK(rec["checks"]["holder_changes"] == 4);
  CHECK(rec["checks"]["switch_number_delta"] == 4);
  CHECK(rec["blocked"]["waiters"] == Json({"cpu-0", "cpu-1", "Thread-1"}));
  CHECK(rec["histograms"]["groups"].size() == 2);
  CHECK(rec["histograms"]["groups"][0]["hold"]["n"] == 3);
  REQUIRE(rec["timeline"]["threads"].size() == 3);
  CHECK(rec["timeline"]["window_ns"] == 10'000'000);
  CHECK(rec["timeline"]["detail_end_ns"] == 10'000'000);  // small: every span is exact
  CHECK(rec["timeline"]["threads"][0]["coverage"].is_null());
}

TEST_CASE("html: timeline spans are the recording's, from the window begin", "[html]") {
  Json d = blob(render_html(synthetic_report(1)));
  const Json& threads = d["recordings"][0]["timeline"]["threads"];
  using Spans = std::vector<std::pair<long long, long long>>;
  CHECK(decode(threads[0]["holds"]) == Spans{{0, 500'000}, {6'010'000, 8'000'000}});
  CHECK(decode(threads[1]["holds"]) == Spans{{1'000'000, 6'000'000}, {8'000'500, 9'000'000}});
  CHECK(decode(threads[1]["natives"]) == Spans{{6'300'000, 7'300'000}});
  CHECK(decode(threads[2]["holds"]) == Spans{{9'000'500, 10'000'000}});  // closed at window end
  CHECK(threads[1]["forced"] == Json({6'000'000}));
  CHECK(threads[0]["forced"] == Json({500'000}));
  CHECK(threads[0]["marks"] == Json({{6'500'000, 1}}));
  CHECK(d["recordings"][0]["timeline"]["labels"] == Json({"phase one", "phase two"}));
  // Drop requests, hand-off waits and the arrows from a request to the release it forced.
  CHECK(threads[1]["drops"] == Json({450'000}));
  CHECK(threads[0]["drops"] == Json({5'800'000}));
  CHECK(decode(threads[1]["handoffs"]) == Spans{{6'000'200, 6'010'500}});
  CHECK(d["recordings"][0]["timeline"]["forcings"] ==
        Json({{1, 450'000, 0, 500'000}, {0, 5'800'000, 1, 6'000'000}}));
  CHECK(d["roles"] == Json({"cpu"}));
  CHECK(threads[0]["lost"] == 0);
}

TEST_CASE("html: a percentile without a sample is –, not 0 ns", "[html]") {
  auto r = synthetic_report(1);
  // No voluntary hand-off and no wait of the cpu role in this run.
  r.configs[0].runs[0].gil->summary.handoff_voluntary = {};
  r.configs[0].runs[0].gil->roles["cpu"].wait = {};
  Json d = blob(render_html(r));
  const Json& s = d["summaries"][0];
  auto figure = [&](const std::string& name) {
    for (const Json& f : s["figures"])
      if (f[0] == name) return f[1].get<std::string>();
    return std::string("(absent)");
  };
  CHECK(figure("hand-off p50") == "– voluntary / 10.0 us forced");
  const Json& cpu = s["rows"][0];
  REQUIRE(s["columns"][9] == "wait p50");
  CHECK(cpu[9] == "–");
  CHECK(cpu[10] == "–");
  CHECK(cpu[8] != "–");  // hold p50 has samples
}

TEST_CASE("html: names cannot close the script element", "[html]") {
  auto r = synthetic_report(1);
  r.context.script = "</script><script>alert(1)</script>";
  r.configs[0].runs[0].recording->labels[0] = "<!-- </script>";
  std::string html = render_html(r);
  CHECK(count(html, "</script>") == 2);
  CHECK(html.find("<title>gilhost · &lt;/script&gt;&lt;script&gt;") != std::string::npos);
  Json d = blob(html);
  CHECK(d["header"]["script"] == "</script><script>alert(1)</script>");
  CHECK(d["recordings"][0]["timeline"]["labels"][0] == "<!-- </script>");
}

TEST_CASE("html: an untraced report shows the table and no GIL figures", "[html]") {
  Json d = blob(render_html(synthetic_report(1, /*traced=*/false)));
  CHECK(d["traced"] == false);
  CHECK(d["recordings"].empty());
  const Json& s = d["summaries"][0];
  CHECK(s["columns"] ==
        Json({"role", "threads", "calls", "calls/s", "latency p50", "latency p99", "CPU %"}));
  CHECK(s["rows"][0][2] == "4");
  for (const Json& f : s["figures"]) CHECK(f[0] != "GIL utilisation");
}

TEST_CASE("html: a long recording is exact up to the budget, then binned", "[html]") {
  using gilhost::testing::event_at;
  using K = gilhost::trace::EventKind;
  gilhost::trace::Recording r;
  r.window_begin_ns = 0;
  r.window_end_ns = 4'000'000;
  r.threads.resize(2);
  // Two threads alternate 100 ns holds: each holds half of every 200 ns bin.
  for (std::uint64_t i = 0; i < 40'000; ++i) {
    auto& t = r.threads[i % 2].events;
    t.push_back(event_at(i * 100, K::kAcquire));
    t.push_back(event_at(i * 100 + 100, K::kRelease));
  }
  auto spans = gilhost::report::detail::recording_spans(r);
  Json tl = gilhost::report::detail::html_timeline(r, spans, 100);
  CHECK(tl["detail_end_ns"] == 10'000);  // the 101st span begins at 10 µs
  REQUIRE(tl["bin_ns"] == 200);          // 20 000 bins over 4 ms
  std::size_t embedded = 0;
  for (const Json& t : tl["threads"]) embedded += t["holds"].size() / 2;
  CHECK(embedded == 100);
  std::string levels = tl["levels"];
  std::string holds = tl["threads"][0]["coverage"]["holds"];
  CHECK(holds.size() * tl["bin_ns"].get<std::size_t>() >= 4'000'000);
  CHECK(levels.find(holds[holds.size() / 2]) == 32);  // ceil(0.5 × 63)
}
