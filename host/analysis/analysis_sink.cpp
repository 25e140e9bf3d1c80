// AnalysisSink: the record::Sink calls, applied to a StreamAnalyzer (analysis_sink.hpp).
#include "analysis/analysis_sink.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace gilhost::analysis {

using Json = nlohmann::json;

std::string encode(const CloseParams& p) {
  Json gils = Json::array();
  for (const trace::GilEntry& e : p.gils)
    gils.push_back({e.gil, e.creator_tid, e.begin_ns, e.end_ns, e.created});
  Json j = {{"begin", p.begin_ticks},
            {"ticks0", p.scale.ticks0},
            {"ns0", p.scale.ns0},
            {"ns_per_tick", p.scale.ns_per_tick},
            {"blocked_limit", p.blocked_limit},
            {"unslotted_lost", p.unslotted_lost},
            {"gils", gils},
            {"kernels", p.kernels}};
  if (p.main_sn_end) j["main_sn_end"] = *p.main_sn_end;
  return j.dump();
}

CloseParams decode_close(std::string_view bytes) {
  try {
    const Json j = Json::parse(bytes);
    CloseParams p;
    p.begin_ticks = j.at("begin").get<std::uint64_t>();
    p.scale.ticks0 = j.at("ticks0").get<std::uint64_t>();
    p.scale.ns0 = j.at("ns0").get<std::uint64_t>();
    p.scale.ns_per_tick = j.at("ns_per_tick").get<double>();
    p.blocked_limit = j.at("blocked_limit").get<std::size_t>();
    p.unslotted_lost = j.at("unslotted_lost").get<std::uint64_t>();
    for (const Json& g : j.at("gils")) {
      p.gils.push_back({g.at(0).get<int>(), g.at(1).get<int>(), g.at(2).get<std::uint64_t>(),
                        g.at(3).get<std::uint64_t>(), g.at(4).get<bool>()});
    }
    p.kernels = j.at("kernels").get<std::vector<std::string>>();
    if (j.contains("main_sn_end")) p.main_sn_end = j.at("main_sn_end").get<std::uint64_t>();
    return p;
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("a window's parameters do not decode: ") + e.what());
  }
}

void AnalysisSink::add_events(std::uint32_t stream, const trace::Event* events, std::size_t n) {
  analyzer_.add_events(stream, events, n);
  if (!keep_raw_ || n == 0) return;
  std::vector<trace::Event>& kept = raw_[stream].events;
  for (std::size_t i = 0; i < n; ++i) {
    // Past the limit the timelines stop at the first event not kept, for every thread alike.
    if (events[i].ts_ns < raw_cut_ && raw_kept_ >= raw_limit_) raw_cut_ = events[i].ts_ns;
    if (events[i].ts_ns >= raw_cut_) {
      ++raw_not_kept_;
      continue;
    }
    kept.push_back(events[i]);
    ++raw_kept_;
  }
}

void AnalysisSink::add_lost(std::uint32_t stream, std::uint64_t n) {
  analyzer_.add_lost(stream, n);
  if (keep_raw_ && n) raw_[stream].lost += n;
}

void AnalysisSink::end_stream(std::uint32_t stream) {
  analyzer_.end_stream(stream);
  ended_.push_back(stream);
  if (auto it = raw_.find(stream); it != raw_.end()) it->second.ended = true;
}

void AnalysisSink::thread_info(std::uint32_t stream, const trace::ThreadInfo& info) {
  infos_[stream] = info;
}

void AnalysisSink::label(std::uint32_t id, std::string_view text) {
  if (labels_.size() <= id) labels_.resize(std::size_t(id) + 1);
  labels_[id] = text;
}

void AnalysisSink::gil_registered(std::uint8_t gil, std::uint32_t stream, std::uint64_t ts) {
  analyzer_.gil_registered(gil, stream == kNoHolder ? 0 : stream, ts, stream != kNoHolder);
}

void AnalysisSink::sched_sample(const trace::SchedSample& s) {
  analyzer_.sched_sample(std::uint32_t(s.tid), s.ts_ns, s.run_delay_ns);
}

void AnalysisSink::context(std::string_view key, std::string_view bytes) {
  if (key == "close") {
    params_ = decode_close(bytes);
  } else if (key == kStacksKey) {
    stacks_.apply(bytes);
  } else if (on_context) {
    on_context(key, bytes);
  }
}

trace::ThreadInfo AnalysisSink::info_of(std::uint32_t stream) const {
  auto it = infos_.find(stream);
  return it == infos_.end() ? trace::ThreadInfo{} : it->second;
}

// Each stream's raw events up to `end`, converted to ns; later ones stay for the next window.
// Marks are renumbered to the recording's own label table (the labels its marks use).
void AnalysisSink::cut_raw(std::uint64_t end, trace::Recording& rec) {
  std::unordered_map<std::uint32_t, std::uint32_t> local;
  for (auto it = raw_.begin(); it != raw_.end();) {
    Raw& r = it->second;
    auto last =
        std::upper_bound(r.events.begin(), r.events.end(), end,
                         [](std::uint64_t t, const trace::Event& e) { return t < e.ts_ns; });
    if (last != r.events.begin() || r.lost) {
      trace::ThreadEvents te{info_of(it->first), {r.events.begin(), last}, r.lost};
      for (trace::Event& e : te.events) {
        e.ts_ns = params_.scale.ns_at(e.ts_ns);
        if (e.kind != trace::EventKind::kMark || e.aux >= labels_.size()) continue;
        auto [l, added] = local.emplace(e.aux, std::uint32_t(rec.labels.size()));
        if (added) rec.labels.push_back(labels_[e.aux]);
        e.aux = l->second;
      }
      rec.threads.push_back(std::move(te));
      r.events.erase(r.events.begin(), last);
      r.lost = 0;
    }
    it = r.ended && r.events.empty() ? raw_.erase(it) : std::next(it);
  }
}

void AnalysisSink::close_window(std::uint64_t end) {
  last_ = WindowResult{};
  last_.metrics = analyzer_.close_window(
      end, params_.scale, [this](std::uint32_t s) { return info_of(s); }, labels_,
      params_.blocked_limit, params_.main_sn_end);
  trace::Recording& rec = last_.recording;
  if (keep_raw_) {
    cut_raw(end, rec);
    if (raw_cut_ != ~std::uint64_t(0)) {
      rec.raw_cut_ns = params_.scale.ns_at(std::min(raw_cut_, end));
      rec.raw_not_kept = raw_not_kept_;
      // Events already gathered past the cut belonged to this window or (drained before it
      // closed) the next: those of the next are lost to its timeline, which starts clean.
      for (auto& [s, r] : raw_) r.events.clear();
    }
    raw_cut_ = ~std::uint64_t(0);
    raw_not_kept_ = 0;
    raw_kept_ = 0;
    for (const auto& [s, r] : raw_) raw_kept_ += r.events.size();
  }
  rec.window_begin_ns = params_.scale.ns_at(params_.begin_ticks);
  rec.window_end_ns = params_.scale.ns_at(end);
  rec.lost_total = last_.metrics.lost + params_.unslotted_lost;
  for (const trace::GilEntry& e : params_.gils) {
    rec.gils.push_back({e.gil, e.creator_tid, params_.scale.ns_at(e.begin_ns),
                        e.end_ns ? params_.scale.ns_at(e.end_ns) : 0, e.created});
  }
  rec.kernels = params_.kernels;
  // Identities of ended streams the analysis has let go of are no longer needed.
  std::erase_if(ended_, [this](std::uint32_t s) {
    if (analyzer_.has_stream(s)) return false;
    infos_.erase(s);
    return true;
  });
  ++windows_;
  if (on_close) on_close();
}

}  // namespace gilhost::analysis
