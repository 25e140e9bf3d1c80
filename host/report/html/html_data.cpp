// html_data: the JSON blob of the HTML report (header, summaries, recordings, context).
#include "report/html/html_data.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <numeric>
#include <optional>
#include <unordered_map>

#include "analysis/analysis_sink.hpp"
#include "cli/units.hpp"
#include "report/run_comparison.hpp"

namespace gilhost::report::detail {
namespace {

// Spans embedded over all timelines of a report, shared among its recordings; each gets at least
// kMinSpanBudget. Past its share a timeline is coalesced (html_timeline.cpp).
constexpr std::size_t kTotalSpanBudget = 600'000;
constexpr std::size_t kMinSpanBudget = 50'000;

HtmlJson blocked_json(const analysis::GilMetrics& m) {
  std::vector<int> holders;
  for (const auto& [waiter, row] : m.blocked) {
    for (const auto& [holder, ns] : row)
      if (std::find(holders.begin(), holders.end(), holder) == holders.end())
        holders.push_back(holder);
  }
  // Threads in index order, then "nobody" (-1), the hand-off gaps.
  std::sort(holders.begin(), holders.end());
  if (!holders.empty() && holders.front() < 0)
    std::rotate(holders.begin(), holders.begin() + 1, holders.end());
  auto name = [&](int i) {
    return i < 0 || std::size_t(i) >= m.threads.size()
               ? std::string("nobody (hand-off)")
               : thread_display_name(m.threads[std::size_t(i)].info);
  };
  HtmlJson waiters = HtmlJson::array(), columns = HtmlJson::array(), cells = HtmlJson::array();
  for (int h : holders) columns.push_back(name(h));
  for (const auto& [waiter, row] : m.blocked) {
    waiters.push_back(name(waiter));
    HtmlJson line = HtmlJson::array();
    for (int h : holders) line.push_back(row.count(h) ? row.at(h) : 0);
    cells.push_back(std::move(line));
  }
  return {
      {"waiters", std::move(waiters)}, {"holders", std::move(columns)}, {"ns", std::move(cells)}};
}

HtmlJson checks_json(const analysis::GilSummary& s) {
  return {{"holder_changes", s.holder_changes},
          {"thread_state_switches", s.thread_state_switches},
          {"untraced_gils", s.census.untraced},
          {"switch_number_delta", s.switch_number_delta},
          {"window_ns", s.window_ns},
          {"held_ns", s.held_ns},
          {"free_ns", s.free_ns},
          {"overlapping_holds", s.overlapping_holds},
          {"lost_events", s.lost_events},
          {"malformed_events", s.malformed_events}};
}

std::string first_error(const Report& r) {
  for (const ConfigResult& c : r.configs) {
    for (const RunRecord& run : c.runs) {
      const analysis::PhaseResult& p = run.phase;
      if (p.error_worker.empty()) continue;
      std::string text = p.error_text.substr(0, p.error_text.find_last_not_of("\n ") + 1);
      text = text.substr(text.find_last_of('\n') + 1);
      return fmt::format(" (worker {}{}{})", p.error_worker, text.empty() ? "" : ": ", text);
    }
  }
  return "";
}

// The text report's PARTIAL RESULTS line, without its prefix; empty for a complete run.
std::string status_line(const Report& r) {
  if (r.status == "complete") return "";
  return fmt::format("{}{}; exit status {}", status_reason(r.status), first_error(r),
                     r.exit_status);
}

}  // namespace

HtmlJson html_header(const Context& c, const std::string& status, const std::string& status_line) {
  return {
      {"script", c.script},
      {"gilhost_version", c.gilhost_version},
      {"python_version", c.python_version},
      {"cpu", fmt::format("{} × {}", c.cpu_model, c.cpu_count)},
      {"switch_interval", c.switch_interval_ns ? cli::format_ns(double(c.switch_interval_ns)) : ""},
      {"date", c.date},
      {"status", status},
      {"status_line", status_line},
      // Report-level warnings as sentences, shown at the top of the page (degraded.js): the
      // place for facts that make the figures unreliable and belong to no single recording.
      {"warnings", HtmlJson::array()}};
}

namespace {

// Which figures this CPython gives (docs/gil-internals.md, "Figures per version"); an old
// report without the record (no host) shows nothing rather than a guess.
std::string forced_verdict(const PythonCapabilities& p) {
  if (!p.forced_path.empty()) return "from the release's call chain: " + p.forced_path;
  return p.forced_unknown.empty() ? "-" : "unknown: " + p.forced_unknown;
}

HtmlJson context_json(const Report& r) {
  const Context& c = r.context;
  return HtmlJson::array(
      {{"script", c.script},
       {"command line", fmt::format("{}", fmt::join(c.argv, " "))},
       {"gilhost", c.gilhost_version},
       {"Python", c.python_version + " (" + c.python_executable + ")"},
       {"forced/voluntary", forced_verdict(c.python)},
       {"drop request",
        c.python.drop_request_location.empty()
            ? "-"
            : c.python.drop_request_location +
                  (c.python.drop_request_at_release
                       ? " (read at every release)"
                       : " (not read at a release: voluntary releases with a request pending "
                         "not measured)")},
       {"CPU", fmt::format("{} · {} online CPUs", c.cpu_model, c.cpu_count)},
       {"switch interval",
        c.switch_interval_ns ? cli::format_ns(double(c.switch_interval_ns)) : "-"},
       {"clock source", c.clock_source},
       {"date (UTC)", c.date},
       {"GIL trace", c.traced ? "on" : "off (--no-trace)"},
       {"status", fmt::format("{} · exit status {}", r.status, r.exit_status)}});
}

HtmlJson comparison_json(const Report& r) {
  HtmlJson out = HtmlJson::array();
  for (const std::string& line : comparison_lines(r)) out.push_back(line);
  return out;
}

// A run with sub-interpreters: one entry per interpreter's GIL, each drawing only its threads
// (the cross-checks and blocked matrix come from that GIL's own metrics).
void add_interpreter_groups(HtmlJson& out, const std::string& label, const RunRecord& run,
                            std::size_t budget) {
  auto add = [&](std::uint8_t g, const analysis::GilMetrics& metrics, const std::string& name) {
    trace::Recording rec = recording_of_gil(*run.recording, g);
    analysis::GilMetrics drawn = analysis::compute_gil_metrics(rec, g);
    out.push_back(html_recording(label + " · " + name, &metrics, &rec, budget, g, &drawn));
  };
  add(0, *run.gil, "main GIL");
  for (const GilRecord& sub : run.sub_gils) {
    add(std::uint8_t(sub.gil), sub.metrics, "GIL of " + sub.interpreter);
  }
}

// The kHtmlThreadsDrawn threads that held the GIL longest in the window, in recording order.
trace::Recording longest_holders(const trace::Recording& rec, const RecordingSpans& spans) {
  std::vector<std::pair<std::uint64_t, std::size_t>> held;
  for (std::size_t t = 0; t < spans.threads.size(); ++t) {
    std::uint64_t ns = 0;
    for (const Interval& h : spans.threads[t].holds) ns += h.end - h.begin;
    held.emplace_back(ns, t);
  }
  std::stable_sort(held.begin(), held.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  held.resize(std::min(held.size(), kHtmlThreadsDrawn));
  std::vector<std::size_t> keep;
  for (const auto& [ns, t] : held) keep.push_back(t);
  std::sort(keep.begin(), keep.end());
  trace::Recording out = rec;
  out.threads.clear();
  for (std::size_t t : keep) out.threads.push_back(rec.threads[t]);
  return out;
}

HtmlJson recordings_json(const Report& r) {
  std::size_t n = r.script_gil ? 1 : 0;
  for (const ConfigResult& c : r.configs) n += c.runs.size();
  std::size_t budget = std::max(kMinSpanBudget, kTotalSpanBudget / std::max<std::size_t>(n, 1));
  HtmlJson out = HtmlJson::array();
  for (const ConfigResult& c : r.configs) {
    for (std::size_t i = 0; i < c.runs.size(); ++i) {
      const RunRecord& run = c.runs[i];
      if (!run.gil) continue;
      std::string label = fmt::format("{} · run {}", cli::format_workers(c.workers), i + 1);
      if (run.sub_gils.empty() || !run.recording) {
        out.push_back(
            html_recording(label, &*run.gil, run.recording ? &*run.recording : nullptr, budget));
        continue;
      }
      add_interpreter_groups(out, label, run, budget);
    }
  }
  if (r.script_gil) {
    const trace::Recording* rec = r.script_recording ? &*r.script_recording : nullptr;
    out.push_back(html_recording("script " + r.context.script, &*r.script_gil, rec, budget));
  }
  return out;
}

}  // namespace

HtmlJson html_recording(const std::string& label, const analysis::GilMetrics* gil,
                        const trace::Recording* recording, std::size_t span_budget,
                        std::uint8_t gil_index, const analysis::GilMetrics* drawn) {
  if (drawn == nullptr) drawn = gil;
  HtmlJson out = {{"label", label},
                  {"timeline", nullptr},
                  {"histograms", nullptr},
                  {"blocked", nullptr},
                  {"checks", nullptr}};
  if (gil) {
    out["blocked"] = blocked_json(*gil);
    out["checks"] = checks_json(gil->summary);
  }
  if (recording) {
    RecordingSpans spans = recording_spans(*recording, gil_index);
    std::optional<trace::Recording> fewer;
    if (recording->threads.size() > kHtmlThreadsDrawn) {
      fewer = longest_holders(*recording, spans);
      spans = recording_spans(*fewer, gil_index);
    }
    const trace::Recording& shown = fewer ? *fewer : *recording;
    out["timeline"] = html_timeline(shown, spans, span_budget);
    if (fewer) {
      out["timeline"]["threads_not_drawn"] = recording->threads.size() - shown.threads.size();
    }
    if (recording->raw_cut_ns) {
      out["timeline"]["raw_cut_s"] =
          double(recording->raw_cut_ns - recording->window_begin_ns) / 1e9;
      out["timeline"]["raw_not_kept"] = recording->raw_not_kept;
    }
    // The row labels show each thread's held share, from the metrics.
    std::unordered_map<int, double> held;
    if (drawn)
      for (const analysis::ThreadMetrics& t : drawn->threads)
        held[t.info.tid] = t.gil.held_fraction;
    HtmlJson& threads = out["timeline"]["threads"];
    for (std::size_t t = 0; t < threads.size() && t < shown.threads.size(); ++t) {
      if (auto it = held.find(shown.threads[t].info.tid); it != held.end())
        threads[t]["held_fraction"] = it->second;
    }
    if (drawn)
      out["histograms"] =
          html_histograms(*recording, recording_spans(*recording, gil_index), *drawn);
  }
  return out;
}

// Role names in --workers order of first appearance: the page sorts threads by them.
HtmlJson roles_json(const Report& r) {
  HtmlJson out = HtmlJson::array();
  for (const ConfigResult& c : r.configs) {
    for (const cli::RoleSpec& spec : c.workers)
      if (std::find(out.begin(), out.end(), spec.name) == out.end()) out.push_back(spec.name);
  }
  return out;
}

HtmlJson html_data(const Report& r) {
  HtmlJson recordings = recordings_json(r);
  HtmlJson header = html_header(r.context, r.status, status_line(r));
  for (const HtmlJson& rec : recordings) {
    if (rec["timeline"].is_object() && rec["timeline"].contains("raw_cut_s")) {
      header["warnings"].push_back(fmt::format(
          "{}: the timeline and histograms stop at {:.3f} s: {} events past the {} a window keeps "
          "for drawing were not kept; the figures and tables cover the whole window",
          rec["label"].get<std::string>(), rec["timeline"]["raw_cut_s"].get<double>(),
          rec["timeline"]["raw_not_kept"].get<std::uint64_t>(), analysis::kRawEventsDrawn));
    }
    if (!rec["timeline"].is_object() || !rec["timeline"].contains("threads_not_drawn")) continue;
    const std::size_t left = rec["timeline"]["threads_not_drawn"].get<std::size_t>();
    header["warnings"].push_back(fmt::format(
        "{}: the timeline draws the {} threads that held the GIL longest; {} more are in the "
        "figures and tables only",
        rec["label"].get<std::string>(), rec["timeline"]["threads"].size(), left));
  }
  return {{"header", std::move(header)},
          {"traced", r.context.traced},
          {"roles", roles_json(r)},
          {"summaries", html_summaries(r)},
          {"comparison", comparison_json(r)},
          {"recordings", std::move(recordings)},
          {"context", context_json(r)},
          {"flames", flames_json(r)},
          {"stack_texts", stack_texts_json(r)}};
}

}  // namespace gilhost::report::detail
