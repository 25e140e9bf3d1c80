// JSON text of the recording's context blobs (recording_blobs.hpp). Every field a report shows
// is kept, so that `gilhost report` writes what `gilhost run` wrote, byte for byte.
#include "workload/recording_blobs.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "report/json/json_report.hpp"

namespace gilhost::workload {
namespace {

using Json = nlohmann::json;

Json histogram_json(const analysis::Histogram& h) {
  const analysis::Histogram::Parts p = h.parts();
  return {p.first, p.counts, p.count, p.total, p.min, p.max};
}

analysis::Histogram histogram_of(const Json& j) {
  analysis::Histogram::Parts p;
  p.first = j.at(0).get<std::uint32_t>();
  p.counts = j.at(1).get<std::vector<std::uint64_t>>();
  p.count = j.at(2).get<std::uint64_t>();
  p.total = j.at(3).get<std::uint64_t>();
  p.min = j.at(4).get<std::uint64_t>();
  p.max = j.at(5).get<std::uint64_t>();
  return analysis::Histogram::from_parts(std::move(p));
}

Json phase_json(const analysis::PhaseResult& p) {
  Json workers = Json::array();
  for (const analysis::WorkerResult& w : p.workers) {
    workers.push_back({{"role", w.role},
                       {"index", w.index},
                       {"name", w.name},
                       {"tid", w.tid},
                       {"calls", w.calls},
                       {"latency", histogram_json(w.latency)},
                       {"cpu_ns", w.cpu_ns},
                       {"active_ns", w.active_ns}});
  }
  Json subs = Json::array();
  for (const auto& g : p.sub_gils)
    subs.push_back({g.gil, g.interpreter, g.switch_number_begin, g.switch_number_end});
  Json j = {{"workers", workers},
            {"wall_ns", p.wall_ns},
            {"setup_ns", p.setup_ns},
            {"process_cpu_ns", p.process_cpu_ns},
            {"peak_rss_bytes", p.peak_rss_bytes},
            {"begin_ticks", p.begin_ticks},
            {"end_ticks", p.end_ticks},
            {"switch_number_begin", p.switch_number_begin},
            {"switch_number_end", p.switch_number_end},
            {"status", int(p.status)},
            {"error_worker", p.error_worker},
            {"error_text", p.error_text},
            {"setup_error", p.setup_error},
            {"sub_gils", subs},
            {"abandoned", p.abandoned},
            {"stuck_workers", p.stuck_workers}};
  if (p.exit_status) j["exit_status"] = *p.exit_status;
  return j;
}

analysis::PhaseResult phase_of(const Json& j) {
  analysis::PhaseResult p;
  for (const Json& w : j.at("workers")) {
    analysis::WorkerResult r;
    r.role = w.at("role").get<std::string>();
    r.index = w.at("index").get<int>();
    r.name = w.at("name").get<std::string>();
    r.tid = w.at("tid").get<int>();
    r.calls = w.at("calls").get<std::uint64_t>();
    r.latency = histogram_of(w.at("latency"));
    r.cpu_ns = w.at("cpu_ns").get<std::uint64_t>();
    r.active_ns = w.value("active_ns", std::uint64_t(0));  // absent from older recordings
    p.workers.push_back(std::move(r));
  }
  p.wall_ns = j.at("wall_ns").get<std::uint64_t>();
  p.setup_ns = j.at("setup_ns").get<std::uint64_t>();
  p.process_cpu_ns = j.at("process_cpu_ns").get<std::uint64_t>();
  p.peak_rss_bytes = j.at("peak_rss_bytes").get<std::uint64_t>();
  p.begin_ticks = j.at("begin_ticks").get<std::uint64_t>();
  p.end_ticks = j.at("end_ticks").get<std::uint64_t>();
  p.switch_number_begin = j.at("switch_number_begin").get<std::uint64_t>();
  p.switch_number_end = j.at("switch_number_end").get<std::uint64_t>();
  const int status = j.at("status").get<int>();
  if (status < 0 || status > int(analysis::PhaseStatus::kTimedOut))
    throw std::runtime_error("unknown phase status " + std::to_string(status));
  p.status = analysis::PhaseStatus(status);
  if (j.contains("exit_status")) p.exit_status = j.at("exit_status").get<int>();
  p.error_worker = j.at("error_worker").get<std::string>();
  p.error_text = j.at("error_text").get<std::string>();
  p.setup_error = j.at("setup_error").get<std::string>();
  for (const Json& g : j.at("sub_gils")) {
    p.sub_gils.push_back({g.at(0).get<int>(), g.at(1).get<std::string>(),
                          g.at(2).get<std::uint64_t>(), g.at(3).get<std::uint64_t>()});
  }
  p.abandoned = j.at("abandoned").get<bool>();
  p.stuck_workers = j.at("stuck_workers").get<std::vector<std::string>>();
  return p;
}

template <typename F>
auto decoding(std::string_view what, std::string_view bytes, F&& f) {
  try {
    return f(Json::parse(bytes));
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("the recording's ") + std::string(what) +
                             " record does not decode: " + e.what());
  }
}

// Text of a blob; a name or traceback that is not UTF-8 is kept with replacement characters
// rather than failing the run.
std::string text(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

// The JSON report's own context block: a recording keeps what the report shows.
std::string encode(const report::Context& c) {
  return report::context_json(c).dump(-1, ' ', false, Json::error_handler_t::replace);
}

report::Context decode_run(std::string_view bytes) {
  return decoding("run", bytes, [](const Json& j) {
    report::Context c;
    c.gilhost_version = j.at("gilhost_version").get<std::string>();
    c.python_version = j.at("python_version").get<std::string>();
    c.python_executable = j.at("python_executable").get<std::string>();
    c.cpu_model = j.at("cpu_model").get<std::string>();
    c.cpu_count = j.at("cpu_count").get<unsigned>();
    c.switch_interval_ns = j.at("switch_interval_ns").get<std::uint64_t>();
    c.argv = j.at("argv").get<std::vector<std::string>>();
    c.date = j.at("date").get<std::string>();
    c.clock_source = j.at("clock_source").get<std::string>();
    c.traced = j.at("traced").get<bool>();
    c.script = j.at("script").get<std::string>();
    c.runs = j.value("runs", 0u);  // absent from older recordings
    c.warmup = j.value("warmup", 0u);
    // The recording host's CPython, not the replaying one's: which figures exist (a recording
    // without the record keeps the defaults).
    if (j.contains("python_capabilities")) {
      const Json& p = j.at("python_capabilities");
      auto str = [&](const char* key) {
        return p.at(key).is_null() ? std::string() : p.at(key).get<std::string>();
      };
      c.python.host = str("host");
      c.python.per_interpreter_gil = p.at("per_interpreter_gil").get<bool>();
      c.python.free_threaded = p.at("free_threaded").get<bool>();
      c.python.gil_enabled = p.at("gil_enabled").get<bool>();
      c.python.gil_location = str("gil_location");
      c.python.drop_request_location = str("drop_request_location");
      c.python.subinterpreters_module = str("subinterpreters_module");
      c.python.forced_path = str("forced_path");
      c.python.forced_unknown = str("forced_unknown");
      c.python.drop_request_at_release = p.at("drop_request_at_release").get<bool>();
    }
    return c;
  });
}

std::string encode(const WindowBlob& w) {
  Json workers = Json::array();
  for (const cli::RoleSpec& r : w.workers) workers.push_back({r.name, r.threads, int(r.isolation)});
  const trace::GilCensus& c = w.census;
  return text(
      Json{{"script", w.script},
           {"first_of_config", w.first_of_config},
           {"config", w.config},
           {"kept", w.kept},
           {"workers", workers},
           {"phase", phase_json(w.phase)},
           {"switch_number_begin", w.switch_number_begin},
           {"switch_number_end", w.switch_number_end},
           {"interval_us", w.interval_us},
           {"census", {c.taken, c.interpreters, c.shared_with_main, c.own_gils, c.untraced}},
           {"script_wall_ns", w.script_wall_ns}});
}

WindowBlob decode_window(std::string_view bytes) {
  return decoding("window", bytes, [](const Json& j) {
    WindowBlob w;
    w.script = j.at("script").get<bool>();
    w.first_of_config = j.at("first_of_config").get<bool>();
    w.config = j.value("config", -1);
    w.kept = j.at("kept").get<bool>();
    for (const Json& r : j.at("workers")) {
      const int isolation = r.at(2).get<int>();
      if (isolation < 0 || isolation > int(cli::Isolation::kSub))
        throw std::runtime_error("the recording's window record has an unknown isolation");
      w.workers.push_back(
          {r.at(0).get<std::string>(), r.at(1).get<unsigned>(), cli::Isolation(isolation)});
    }
    w.phase = phase_of(j.at("phase"));
    w.switch_number_begin = j.at("switch_number_begin").get<std::uint64_t>();
    w.switch_number_end = j.at("switch_number_end").get<std::uint64_t>();
    w.interval_us = j.at("interval_us").get<std::uint64_t>();
    const Json& c = j.at("census");
    w.census = {c.at(0).get<bool>(), c.at(1).get<int>(), c.at(2).get<int>(), c.at(3).get<int>(),
                c.at(4).get<int>()};
    w.script_wall_ns = j.at("script_wall_ns").get<std::uint64_t>();
    return w;
  });
}

std::string encode(const EndBlob& e) {
  return text(
      Json{{"status", e.status}, {"exit_status", e.exit_status}, {"abandoned", e.abandoned}});
}

EndBlob decode_end(std::string_view bytes) {
  return decoding("end", bytes, [](const Json& j) {
    return EndBlob{j.at("status").get<std::string>(), j.at("exit_status").get<int>(),
                   j.at("abandoned").get<bool>()};
  });
}

}  // namespace gilhost::workload
