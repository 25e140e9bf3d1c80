// render_html: the page skeleton around the data blob, the style sheet and the scripts.
#include "report/html/html_report.hpp"

#include <fmt/format.h>

#include "report/html/html_data.hpp"
#include "report/markup.hpp"
#include "report_assets.hpp"

namespace gilhost::report {
namespace {

// The page's script: host/report/html/assets/*.js in dependency order (pure modules first).
std::string page_script() {
  std::string out;
  for (std::string_view part :
       {assets::format_js(), assets::layout_js(), assets::model_js(), assets::explain_js(),
        assets::story_js(), assets::degraded_js(), assets::header_js(), assets::page_js(),
        assets::timeline_js(), assets::timeline_input_js(), assets::flame_js()}) {
    out += part;
    out += '\n';
  }
  return out;
}

// Every section exists in the static page, so that the structure is there before (or without)
// the script; the script fills them from the blob.
constexpr std::string_view kBody = R"HTML(
<header id="header"></header>
<main>
<section id="summary"><h2>Summary</h2><div id="summary-body"></div></section>
<section id="timeline">
  <h2>GIL timeline <span class="sub" id="timeline-label"></span></h2>
  <div class="toolbar">
    <label id="recording-picker">Recording <select id="recording-select"></select></label>
    <span class="legend"><span><i class="held"></i>holds GIL</span><span><i class="wait"></i>waits
      for GIL</span><span><i class="native"></i>native, GIL released</span><span><i
      class="handoff"></i>hand-off wait</span><span><i class="drop"></i>drop request</span><span><i
      class="forced"></i>forced release</span><span><i class="arrow"></i>request → release it
      forced</span><span><i class="mark"></i>mark</span></span>
    <button id="timeline-reset" type="button">Reset zoom</button>
    <span class="range" id="timeline-range"></span>
  </div>
  <div class="nav" id="timeline-nav" aria-label="Jump to"></div>
  <div class="tl-wrap"><canvas id="timeline-canvas" role="img"
    aria-label="GIL timeline: one row per thread; the explanation below says it in words">
    </canvas><div id="timeline-tip" class="tip" hidden></div></div>
  <div class="explain" id="explain" hidden role="status"><b>Explain this moment</b>
    <span id="explain-text"></span><button id="explain-close" type="button"
    aria-label="Close the explanation">×</button></div>
  <p class="hint" id="timeline-hint">Wheel to zoom, drag to pan, double-click to reset. Times
    are from the start of the measured window.</p>
</section>
<section id="histograms"><h2>Hold and wait times <span class="sub" id="histograms-label"></span>
  </h2><div id="histograms-body"></div></section>
<section id="blocked"><h2>Who blocked whom <span class="sub" id="blocked-label"></span></h2>
  <div id="blocked-body"></div></section>
<section id="flames"><h2>Python code holding and waiting for the GIL</h2>
  <div id="flames-body"></div></section>
<section id="checks"><h2>Cross-checks</h2><div id="checks-body"></div></section>
<section id="context"><h2>Context</h2><div id="context-body"></div></section>
</main>
<footer>Made by gilhost. Every figure is defined in docs/metrics.md; this page in
  docs/formats.md, “HTML report”.</footer>
<svg id="svg-namespace" width="0" height="0" aria-hidden="true"></svg>
<noscript><p>This report draws its tables and charts with JavaScript.</p></noscript>
)HTML";

}  // namespace

// JSON inside <script> ends at the first "</script"; "<" only occurs inside JSON strings, where
// \u003c means the same character, so escaping every one also defuses "<!--".
std::string detail::script_safe_json(const detail::HtmlJson& data) {
  std::string json = data.dump(-1, ' ', false, detail::HtmlJson::error_handler_t::replace);
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_html(const Report& r) {
  std::string title =
      "gilhost · " + xml_escape(r.context.script.empty() ? "report" : r.context.script);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body>{}"
      "<script type=\"application/json\" id=\"gilhost-data\">{}</script>\n"
      "<script>{}GH.main();\n</script>\n</body>\n</html>\n",
      title, assets::style_css(), kBody, detail::script_safe_json(detail::html_data(r)),
      page_script());
}

}  // namespace gilhost::report
