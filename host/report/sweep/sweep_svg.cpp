// render_line_chart: axes, ticks, polylines with one <title> tooltip per point, markers.
#include "report/sweep/sweep_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace gilhost::report {
namespace {

constexpr double kWidth = 640, kHeight = 300;
constexpr double kLeft = 72, kRight = 16, kTop = 32, kBottom = 44;
constexpr double kMinLabelGap = 52;  // px between x tick labels
constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                    "#9467bd", "#8c564b", "#e377c2", "#17becf"};

// Maps data values to pixels on one axis, linear or logarithmic.
struct Scale {
  double lo = 0, hi = 1, px_lo = 0, px_hi = 1;
  bool log = false;
  double operator()(double v) const {
    double a = log ? std::log10(lo) : lo, b = log ? std::log10(hi) : hi;
    double t = ((log ? std::log10(std::max(v, lo)) : v) - a) / (b - a);
    return px_lo + t * (px_hi - px_lo);
  }
};

double nice_step(double range) {
  double raw = range / 4, mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

// Data range of every series; the x range is padded (in log space) so end points sit inside.
std::pair<Scale, Scale> scales(const LineChart& c) {
  double x0 = 1e300, x1 = 0, y0 = 1e300, y1 = 0;
  for (const ChartSeries& s : c.series) {
    for (auto [x, y] : s.points) {
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
    for (auto [lo, hi] : s.ranges) y0 = std::min(y0, lo), y1 = std::max(y1, hi);
  }
  if (x1 <= 0) x0 = 1, x1 = 10;
  double pad = std::max(std::log10(x1 / x0) * 0.05, 0.1);
  Scale x{x0 / std::pow(10, pad), x1 * std::pow(10, pad), kLeft, kWidth - kRight, true};
  Scale y{0, y1 > 0 ? y1 * 1.1 : 1, kHeight - kBottom, kTop, c.log_y};
  if (c.log_y) {
    y.lo = std::pow(10, std::floor(std::log10(std::max(y0, 1.0))));
    y.hi = std::pow(10, std::ceil(std::log10(std::max(y1 * 1.01, y.lo * 10))));
  } else {
    y.hi = std::ceil(y.hi / nice_step(y.hi)) * nice_step(y.hi);
  }
  return {x, y};
}

std::vector<double> y_ticks(const Scale& y) {
  std::vector<double> ticks;
  if (!y.log) {
    for (double v = 0, step = nice_step(y.hi); v <= y.hi * 1.0001; v += step) ticks.push_back(v);
    return ticks;
  }
  bool few = std::log10(y.hi / y.lo) <= 2;  // label 2 and 5 too when there are few decades
  for (double d = y.lo; d <= y.hi * 1.0001; d *= 10) {
    for (double m : {1.0, 2.0, 5.0}) {
      if ((m == 1.0 || few) && d * m <= y.hi * 1.0001) ticks.push_back(d * m);
    }
  }
  return ticks;
}

std::string axes(const LineChart& c, const Scale& x, const Scale& y) {
  std::string out = fmt::format(
      "<text x=\"{}\" y=\"18\" class=\"title\">{}</text>\n"
      "<text x=\"14\" y=\"{}\" class=\"axis\" transform=\"rotate(-90 14 {})\">{}</text>\n",
      kLeft, xml_escape(c.title), (kTop + kHeight - kBottom) / 2, (kTop + kHeight - kBottom) / 2,
      xml_escape(c.y_label));
  for (double v : y_ticks(y)) {
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" class=\"grid\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" class=\"tick\" text-anchor=\"end\">{5}</text>\n",
        kLeft, kWidth - kRight, y(v), kLeft - 6, y(v) + 4, xml_escape(c.y_format(v)));
  }
  double last_label = -1e9;
  for (double v : c.x_ticks) {
    out += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"grid\"/>",
                       x(v), kTop, kHeight - kBottom);
    if (x(v) - last_label >= kMinLabelGap) {  // close intervals keep their line, not their label
      out +=
          fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                      x(v), kHeight - kBottom + 16, xml_escape(c.x_format(v)));
      last_label = x(v);
    }
    out += "\n";
  }
  return out + fmt::format(
                   "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">switch interval "
                   "(log scale)</text>\n",
                   (kLeft + kWidth - kRight) / 2, kHeight - 6);
}

// A vertical bar from y(lo) to y(hi) with 8 px caps.
std::string error_bar(double px, double lo, double hi, const std::string& colour) {
  return fmt::format(
      "<path class=\"errbar\" d=\"M{0:.1f} {1:.1f}V{2:.1f}M{3:.1f} {1:.1f}H{4:.1f}M{3:.1f} "
      "{2:.1f}H{4:.1f}\" stroke=\"{5}\"/>\n",
      px, lo, hi, px - 4, px + 4, colour);
}

std::string series_svg(const LineChart& c, const ChartSeries& s, const Scale& x, const Scale& y) {
  std::string pts, dots, colour = chart_colour(s.colour);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    auto [vx, vy] = s.points[i];
    std::string range;
    if (i < s.ranges.size()) {
      auto [lo, hi] = s.ranges[i];
      dots += error_bar(x(vx), y(lo), y(hi), colour);
      range = fmt::format(" (min … max over runs: {} … {})", c.y_format(lo), c.y_format(hi));
    }
    pts += fmt::format("{:.1f},{:.1f} ", x(vx), y(vy));
    dots += fmt::format(
        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"><title>{} at {}: {}{}</title>"
        "</circle>\n",
        x(vx), y(vy), colour, xml_escape(s.name), xml_escape(c.x_format(vx)),
        xml_escape(c.y_format(vy)), xml_escape(range));
  }
  return fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n",
                     pts, colour, s.dashed ? " stroke-dasharray=\"6 4\"" : "") +
         dots;
}

std::string legend(const LineChart& c) {
  std::string out = "<ul class=\"legend\">";
  for (const ChartSeries& s : c.series) {
    out += fmt::format("<li><span class=\"swatch{}\" style=\"border-color:{}\"></span>{}</li>",
                       s.dashed ? " dashed" : "", chart_colour(s.colour), xml_escape(s.name));
  }
  return out + "</ul>\n";
}

}  // namespace

std::string chart_colour(int i) {
  constexpr int n = int(std::size(kPalette));
  return kPalette[((i % n) + n) % n];
}

std::string render_line_chart(const LineChart& c) {
  auto [x, y] = scales(c);
  std::string out = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\">\n",
      kWidth, kHeight, kWidth, kHeight, xml_escape(c.title));
  out += axes(c, x, y);
  for (std::size_t i = 0; i < c.markers.size(); ++i) {  // labels stacked: markers may be close
    const ChartMarker& m = c.markers[i];
    out += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"marker\"/>"
        "<text x=\"{3:.1f}\" y=\"{4}\" class=\"marker-label\">{5}</text>\n",
        x(m.x), kTop, kHeight - kBottom, x(m.x) + 4, kTop + 12 + 12 * double(i),
        xml_escape(m.label));
  }
  for (const ChartSeries& s : c.series) out += series_svg(c, s, x, y);
  return out + "</svg>\n" + legend(c);
}

}  // namespace gilhost::report
