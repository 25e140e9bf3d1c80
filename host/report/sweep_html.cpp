// render_sweep_html: charts built from the same figures as the text report, on one static page.
#include "report/sweep_html.hpp"

#include <fmt/format.h>

#include <cmath>

#include "cli/units.hpp"
#include "report/sweep_recommend.hpp"
#include "report/sweep_report.hpp"
#include "report/sweep_svg.hpp"
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

// One series per role (or per role and percentile) of the figure `value`.
template <typename F>
std::vector<ChartSeries> role_series(const std::vector<const PointFigures*>& pts,
                                     const std::string& suffix, bool dashed, F value) {
  std::vector<ChartSeries> out;
  if (pts.empty()) return out;
  for (std::size_t i = 0; i < pts.front()->roles.size(); ++i) {
    ChartSeries s{pts.front()->roles[i].role + suffix, {}, dashed, int(i)};
    for (const PointFigures* p : pts)
      s.points.push_back({double(p->interval_ns), value(p->roles[i])});
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
       role_series(pts, "", false, [](auto& r) { return r.calls_per_second.mean; })) {
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
  lat.series = role_series(pts, " p50", false, [](auto& r) { return r.latency_p50_ns.mean; });
  for (ChartSeries& p99 :
       role_series(pts, " p99", true, [](auto& r) { return r.latency_p99_ns.mean; })) {
    lat.series.push_back(std::move(p99));
  }
  return lat;
}

LineChart switches_chart(const SweepResult& s, const std::vector<const PointFigures*>& pts,
                         const std::vector<ChartMarker>& m) {
  LineChart sw = base_chart(s, "Forced switches per second of wall time", "switches/s", m);
  ChartSeries forced{"forced switches/s", {}, false, 0};
  for (const PointFigures* p : pts) {
    if (p->forced_switches_per_second)
      forced.points.push_back({double(p->interval_ns), p->forced_switches_per_second->mean});
  }
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
  std::string out = "<dl>\n";
  auto item = [&](std::string_view k, const std::string& v) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", k, xml_escape(v));
  };
  item("script", c.script);
  item("date", c.date);
  item("gilhost", c.gilhost_version);
  item("Python", c.python_version + " (" + c.python_executable + ")");
  item("CPU", fmt::format("{} × {}", c.cpu_count, c.cpu_model));
  item("traced", c.traced ? "yes" : "no (--no-trace)");
  return out + "</dl>\n";
}

std::string section(const SweepResult& s, const std::string& w,
                    const std::vector<Recommendation>& recs) {
  std::string out = fmt::format("<h2>Workers {}</h2>\n", xml_escape(w));
  for (const Recommendation& r : recs) {
    if (r.workers != w) continue;
    out += fmt::format("<p class=\"recommendation\">{}</p>\n",
                       r.ok() ? fmt::format("Recommended switch interval: <b>{}</b> ({} p99 {}, "
                                            "{} at {:.1f} % of its best calls/s)",
                                            ns(double(r.chosen.interval_ns)), s.latency_role,
                                            ns(r.chosen.latency_p99_ns), s.throughput_role,
                                            100 * r.chosen.fraction_of_best)
                              : "No recommendation: " + xml_escape(r.error));
  }
  return out + charts(s, w, markers(recs, w));
}

}  // namespace

std::string render_sweep_html(const SweepResult& s) {
  std::vector<Recommendation> recs = recommendations(s);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>gilhost sweep: {0}</title>\n<style>{1}</style>\n</head>\n<body>\n"
      "<h1>gilhost sweep: {0}</h1>\n",
      xml_escape(s.context.script), assets::sweep_css());
  if (!s.complete()) {
    out += fmt::format(
        "<p class=\"partial\">PARTIAL RESULTS: the sweep ended early ({}, exit "
        "status {}).</p>\n",
        xml_escape(s.status), s.exit_status);
  }
  out += context_list(s);
  for (const std::string& w : s.workers) out += section(s, w, recs);
  out += "<h2>Report</h2>\n<pre>" + xml_escape(render_sweep_text(s)) + "</pre>\n";
  return out + "</body>\n</html>\n";
}

}  // namespace gilhost::report
