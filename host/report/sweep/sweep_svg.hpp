// Inline SVG line charts for the sweep page: log-scale x axis, error bars, no scripts, no network.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "report/markup.hpp"

namespace gilhost::report {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), x > 0
  // Error bars: (low, high) of each point, in its order, e.g. min … max over runs; none if empty.
  std::vector<std::pair<double, double>> ranges;
  bool dashed = false;
  int colour = 0;  // index into the palette
};

struct ChartMarker {  // a vertical line at x, e.g. the recommended interval
  double x = 0;
  std::string label;
};

struct LineChart {
  std::string title;
  std::string y_label;
  std::vector<double> x_ticks;  // labelled x values (the swept intervals)
  std::function<std::string(double)> x_format;
  std::function<std::string(double)> y_format;
  bool log_y = false;  // for figures that span decades (latencies)
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;
};

// An <svg> element followed by its legend (an HTML list). Pure.
std::string render_line_chart(const LineChart& chart);

// The palette's colour `i` (wraps), as "#rrggbb".
std::string chart_colour(int i);

}  // namespace gilhost::report
