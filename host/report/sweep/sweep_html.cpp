// render_sweep_html: charts built from the same figures as the text report, on one static page.
#include "report/sweep/sweep_html.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "cli/units.hpp"
#include "report/html/html_data.hpp"
#include "report/sweep/sweep_recommend.hpp"
#include "report/sweep/sweep_report.hpp"
#include "report/sweep/sweep_svg.hpp"
#include "report_assets.hpp"

namespace gilhost::report {
namespace {

std::string ns(double v) { return cli::format_ns(v); }

std::string per_second(double v) {
  if (v >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.3g}k", v / 1e3);
  return fmt::format("{:.3g}", v);
}

std::vector<const PointFigures*> points_of(const SweepResult& s, const std::string& workers) {
  std::vector<const PointFigures*> out;
  for (const PointFigures& p : s.points) {
    if (p.workers == workers && p.runs > 0) out.push_back(&p);
  }
  return out;
}

// A point at the mean over runs, with its min … max as the error bar when there are several.
void add_point(ChartSeries& s, double x, const analysis::RunStats& v) {
  s.points.push_back({x, v.mean});
  if (v.n > 1) s.ranges.push_back({v.min, v.max});
}

// One series per role (or per role and percentile) of the figure `value` (a RunStats).
template <typename F>
std::vector<ChartSeries> role_series(const std::vector<const PointFigures*>& pts,
                                     const std::string& suffix, bool dashed, F value) {
  std::vector<ChartSeries> out;
  if (pts.empty()) return out;
  for (std::size_t i = 0; i < pts.front()->roles.size(); ++i) {
    ChartSeries s{pts.front()->roles[i].role + suffix, {}, {}, dashed, int(i)};
    for (const PointFigures* p : pts) add_point(s, double(p->interval_ns), value(p->roles[i]));
    if (s.ranges.size() != s.points.size()) s.ranges.clear();  // bars for all points or none
    out.push_back(std::move(s));
  }
  return out;
}

LineChart base_chart(const SweepResult& s, std::string title, std::string y_label,
                     const std::vector<ChartMarker>& markers) {
  LineChart c;
  c.title = std::move(title);
  c.y_label = std::move(y_label);
  for (std::uint64_t i : s.intervals_ns) c.x_ticks.push_back(double(i));
  c.x_format = ns;
  c.y_format = per_second;
  c.markers = markers;
  return c;
}

std::vector<ChartMarker> markers(const std::vector<Recommendation>& recs, const std::string& w) {
  const double def = double(RecommendPolicy{}.default_interval_ns);
  for (const Recommendation& r : recs) {
    if (r.workers != w || !r.ok()) continue;
    if (double(r.chosen.interval_ns) == def) return {{def, "recommended = default"}};
    return {{double(r.chosen.interval_ns), "recommended"}, {def, "default"}};
  }
  return {};
}

// One chart per role: calls/s of different roles differ by orders of magnitude, and each axis
// starts at 0 so that a 5 % drop looks like one.
std::vector<LineChart> throughput_charts(const SweepResult& s,
                                         const std::vector<const PointFigures*>& pts,
                                         const std::vector<ChartMarker>& m) {
  std::vector<LineChart> out;
  for (ChartSeries& series :
       role_series(pts, "", false, [](auto& r) { return r.calls_per_second; })) {
    out.push_back(base_chart(s, "Throughput of " + series.name, "calls/s", m));
    out.back().series.push_back(std::move(series));
  }
  return out;
}

LineChart latency_chart(const SweepResult& s, const std::vector<const PointFigures*>& pts,
                        const std::vector<ChartMarker>& m) {
  LineChart lat = base_chart(s, "Latency per call (log scale)", "latency", m);
  lat.y_format = ns;
  lat.log_y = true;
  lat.series = role_series(pts, " p50", false, [](auto& r) { return r.latency_p50_ns; });
  for (ChartSeries& p99 :
       role_series(pts, " p99", true, [](auto& r) { return r.latency_p99_ns; })) {
    lat.series.push_back(std::move(p99));
  }
  return lat;
}

LineChart switches_chart(const SweepResult& s, const std::vector<const PointFigures*>& pts,
                         const std::vector<ChartMarker>& m) {
  LineChart sw = base_chart(s, "Forced switches per second of wall time", "switches/s", m);
  ChartSeries forced{"forced switches/s", {}, {}, false, 0};
  for (const PointFigures* p : pts) {
    if (p->forced_switches_per_second)
      add_point(forced, double(p->interval_ns), *p->forced_switches_per_second);
  }
  if (forced.ranges.size() != forced.points.size()) forced.ranges.clear();
  if (!forced.points.empty()) sw.series.push_back(std::move(forced));
  return sw;
}

std::string charts(const SweepResult& s, const std::string& w, const std::vector<ChartMarker>& m) {
  auto pts = points_of(s, w);
  std::vector<LineChart> all = throughput_charts(s, pts, m);
  all.push_back(latency_chart(s, pts, m));
  LineChart sw = switches_chart(s, pts, m);
  if (!sw.series.empty()) all.push_back(std::move(sw));  // none with --no-trace
  std::string out = "<div class=\"charts\">\n";
  for (const LineChart& c : all) out += "<div>" + render_line_chart(c) + "</div>\n";
  return out + "</div>\n";
}

std::string context_list(const SweepResult& s) {
  const Context& c = s.context;
  std::string out = "<section><h2>Context</h2><dl class=\"context\">\n";
  auto item = [&](std::string_view k, const std::string& v) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", k, xml_escape(v));
  };
  item("script", c.script);
  item("date", c.date);
  item("gilhost", c.gilhost_version);
  item("Python", c.python_version + " (" + c.python_executable + ")");
  item("CPU", fmt::format("{} × {}", c.cpu_count, c.cpu_model));
  item("traced", c.traced ? "yes" : "no (--no-trace)");
  item("runs per point", fmt::format("{} (+ {} warm-up)", s.runs, s.warmup));
  return out + "</dl></section>\n";
}

// What makes the figures less certain, for the banner: the sentences of the text's warnings,
// from the same data (sweep_report.hpp).
detail::HtmlJson caveats(const SweepResult& s) {
  detail::HtmlJson out = detail::HtmlJson::array();
  for (const std::string& c : sweep_caveats(s)) out.push_back(c);
  return out;
}

detail::HtmlJson page_data(const SweepResult& s) {
  std::string status_line = s.complete() ? ""
                                         : fmt::format("the sweep ended early ({}, exit status {})",
                                                       s.status, s.exit_status);
  detail::HtmlJson header = detail::html_header(s.context, s.status, status_line);
  header["warnings"] = caveats(s);
  return {{"brand", "gilhost sweep"},
          {"header", std::move(header)},
          {"traced", s.context.traced},
          {"summaries", detail::HtmlJson::array()},
          {"recordings", detail::HtmlJson::array()}};
}

// The same decision as the text: the rule's choice only when it beats the default beyond the
// noise (Recommendation::confidence).
std::string recommendation_html(const SweepResult& s, const Recommendation& r) {
  if (!r.ok()) return "No recommendation: " + xml_escape(r.error);
  const std::string rule =
      fmt::format("{} p99 {}, {} at {:.1f} % of its best calls/s", s.latency_role,
                  ns(r.chosen.latency_p99_ns), s.throughput_role, 100 * r.chosen.fraction_of_best);
  if (r.recommended_ns == r.chosen.interval_ns) {
    return fmt::format("Recommended switch interval: <b>{}</b> ({})", ns(double(r.recommended_ns)),
                       rule);
  }
  return fmt::format(
      "Recommended: keep CPython's default switch interval <b>{}</b> (the rule's choice, {}: {}, "
      "is {})",
      ns(double(r.recommended_ns)), ns(double(r.chosen.interval_ns)), rule,
      r.confidence == Confidence::kUntested ? "untested with one run per point"
                                            : "inside the noise of the default's");
}

std::string section(const SweepResult& s, const std::string& w,
                    const std::vector<Recommendation>& recs) {
  std::string out = fmt::format("<section><h2>Workers {}</h2>\n", xml_escape(w));
  for (const Recommendation& r : recs) {
    if (r.workers != w) continue;
    out += fmt::format("<p class=\"recommendation\">{}</p>\n", recommendation_html(s, r));
  }
  out += charts(s, w, markers(recs, w));
  out += fmt::format(
      "<p class=\"hint\">Each point is the mean over the point's {} measured run{}{}.</p>\n",
      s.runs, s.runs == 1 ? "" : "s", s.runs > 1 ? "; the bars span its min … max" : "");
  return out + "</section>\n";
}

}  // namespace

// The run report's style sheet and header (header.js, with the banner of caveats); the charts
// are static SVG, so the page reads without its script too.
std::string render_sweep_html(const SweepResult& s) {
  std::vector<Recommendation> recs = recommendations(s);
  std::string title = xml_escape(s.context.script);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>gilhost sweep · {0}</title>\n<style>{1}{2}</style>\n</head>\n<body>\n"
      "<header id=\"header\"><div class=\"brand\">gilhost sweep</div><h1>{0}</h1>{3}</header>\n"
      "<main>\n",
      title, assets::style_css(), assets::sweep_css(),
      s.complete() ? ""
                   : fmt::format("<p class=\"partial\">PARTIAL RESULTS: the sweep ended early "
                                 "({}, exit status {}).</p>",
                                 xml_escape(s.status), s.exit_status));
  for (const std::string& w : s.workers) out += section(s, w, recs);
  out +=
      "<section><h2>Report</h2>\n<pre>" + xml_escape(render_sweep_text(s)) + "</pre></section>\n";
  out += context_list(s);
  out +=
      "</main>\n<footer>Made by gilhost sweep; this page is described in docs/sweep.md.</footer>\n";
  out += "<script type=\"application/json\" id=\"gilhost-data\">" +
         detail::script_safe_json(page_data(s)) + "</script>\n<script>";
  for (std::string_view part : {assets::format_js(), assets::degraded_js(), assets::header_js()}) {
    out += part;
    out += '\n';
  }
  return out + "GH.headerMain();\n</script>\n</body>\n</html>\n";
}

}  // namespace gilhost::report
