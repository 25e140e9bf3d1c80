// assemble_run / assemble_script / replay_report (assemble.hpp).
#include "workload/assemble.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace gilhost::workload {
namespace {

// Per-GIL metrics of the phase's own-GIL sub-interpreters (the main GIL's are RunRecord::gil).
std::vector<report::GilRecord> sub_gil_metrics(const analysis::WindowResult& w,
                                               const analysis::PhaseResult& p) {
  std::vector<report::GilRecord> out;
  for (const analysis::PhaseResult::SubGil& g : p.sub_gils) {
    if (g.gil < 0) continue;
    report::GilRecord rec{g.gil, g.interpreter,
                          analysis::gil_metrics_of(w.metrics, std::uint8_t(g.gil), w.recording)};
    rec.metrics.summary.switch_number_delta = g.switch_number_end - g.switch_number_begin;
    rec.metrics.summary.switch_number_read = true;
    out.push_back(std::move(rec));
  }
  return out;
}

// The GILs the script's own interpreters made (not gilhost's :sub workers), one block each.
std::vector<report::GilRecord> script_gils(const analysis::WindowResult& w) {
  std::vector<report::GilRecord> out;
  const analysis::GilMetrics* main_gil =
      w.metrics.gils.empty() || !w.metrics.gils[0] ? nullptr : &*w.metrics.gils[0];
  for (const trace::GilEntry& e : w.recording.gils) {
    if (!e.created || e.gil == 0) continue;
    std::string who = "tid " + std::to_string(e.creator_tid);
    if (main_gil) {
      for (const analysis::ThreadMetrics& t : main_gil->threads)
        if (t.info.tid == e.creator_tid && !t.info.python_name.empty()) who = t.info.python_name;
    }
    auto same = [&](const report::GilRecord& g) { return g.gil == e.gil; };
    if (auto it = std::find_if(out.begin(), out.end(), same); it != out.end()) {
      it->interpreter += " and a later GIL at the same index";
      continue;
    }
    std::string name = "GIL " + std::to_string(e.gil) + " (created by " + who + ")";
    out.push_back(
        {e.gil, name, analysis::gil_metrics_of(w.metrics, std::uint8_t(e.gil), w.recording)});
  }
  return out;
}

}  // namespace

report::RunRecord assemble_run(analysis::PhaseResult phase, analysis::WindowResult& w,
                               bool keep_raw) {
  report::RunRecord rec;
  rec.sub_gils = sub_gil_metrics(w, phase);
  rec.gil = analysis::gil_metrics_of(w.metrics, 0, w.recording);
  rec.phase = std::move(phase);
  if (keep_raw) rec.recording = std::move(w.recording);
  return rec;
}

void assemble_script(report::Report& r, analysis::WindowResult& w, bool keep_raw) {
  r.script_gils = script_gils(w);
  r.script_gil = analysis::gil_metrics_of(w.metrics, 0, w.recording);
  if (keep_raw) r.script_recording = std::move(w.recording);
}

void complete_window(analysis::WindowResult& w, const WindowBlob& blob,
                     const report::Context& context) {
  w.recording.switch_number_begin = blob.switch_number_begin;
  w.recording.switch_number_end = blob.switch_number_end;
  w.recording.interval_us = blob.interval_us;
  w.recording.census = blob.census;
  // What the recording's CPython could read (3.13+: no drop request at a voluntary release).
  w.recording.drop_request_read = context.python.drop_request_at_release;
}

std::size_t raw_limit_for(const cli::RunOptions& o) {
  return o.events_path.empty() ? analysis::kRawEventsDrawn : ~std::size_t(0);
}

ReplayedReport replay_report(const std::string& path, bool keep_raw, std::size_t raw_limit) {
  ReplayedReport out;
  report::Report& r = out.report;
  analysis::AnalysisSink feed(keep_raw, raw_limit);
  bool window_ready = false;
  feed.on_close = [&] { window_ready = true; };
  feed.on_context = [&](std::string_view key, std::string_view bytes) {
    if (key == kRunKey) {
      r.context = decode_run(bytes);
    } else if (key == kEndKey) {
      EndBlob e = decode_end(bytes);
      r.status = e.status;
      r.exit_status = e.exit_status;
      r.abandoned = e.abandoned;
      out.ended = true;
    } else if (key == kWindowKey) {
      const WindowBlob blob = decode_window(bytes);
      if (!window_ready) throw std::runtime_error("a window record without its window");
      window_ready = false;
      analysis::WindowResult w = feed.take_window();
      complete_window(w, blob, r.context);
      ++out.windows;
      if (blob.script) {
        r.script_wall_ns = blob.script_wall_ns;
        assemble_script(r, w, keep_raw);
        return;
      }
      // Runs are interleaved (A B A B): each window names its configuration. Older recordings
      // ran each configuration's runs in a row.
      if (blob.config < 0 && (blob.first_of_config || r.configs.empty()))
        r.configs.push_back({blob.workers, {}});
      while (blob.config >= 0 && r.configs.size() <= std::size_t(blob.config))
        r.configs.push_back({blob.workers, {}});
      auto& config = blob.config < 0 ? r.configs.back() : r.configs[std::size_t(blob.config)];
      if (blob.kept) config.runs.push_back(assemble_run(blob.phase, w, keep_raw));
    }
  };
  out.read = record::replay(path, feed);
  r.stacks = feed.stacks();
  return out;
}

}  // namespace gilhost::workload
