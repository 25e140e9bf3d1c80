// The HTML report's style sheet: system fonts, a light page, a few colours that carry meaning.
#include "report/html_assets.hpp"

namespace gilhost::report::detail {

// --held, --wait and --native are also read by the timeline script, so the legend, the timeline
// and the histograms share one palette.
std::string_view html_style() {
  return R"CSS(
:root {
  --bg: #fbfbfa; --card: #ffffff; --ink: #1c2330; --muted: #667085; --line: #e4e7ec;
  --held: #3566b0; --wait: #d9952b; --wait-light: #f8e7c8; --native: #3f9a7a;
  --forced: #c8431b; --mark: #2b2f3a; --ok: #23804f; --bad: #c2331b;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { background: var(--bg); }
body {
  margin: 0; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, "Noto Sans", sans-serif; font-variant-numeric: tabular-nums;
}
header, main { max-width: 1320px; margin: 0 auto; padding: 0 28px; }
header { padding-top: 26px; padding-bottom: 8px; }
.brand { color: var(--muted); font-size: 12px; letter-spacing: .08em; text-transform: uppercase; }
h1 { font-size: 26px; margin: 2px 0 6px; font-weight: 650; letter-spacing: -.01em; }
h2 { font-size: 18px; margin: 0 0 12px; font-weight: 620; }
h3 { font-size: 14px; margin: 0 0 8px; font-weight: 600; }
.meta { color: var(--muted); }
.meta span + span::before { content: "·"; margin: 0 8px; color: #b0b6c0; }
.status { display: inline-block; margin-left: 10px; padding: 1px 9px; border-radius: 10px;
  font-size: 12px; font-weight: 600; vertical-align: 3px; }
.status.ok { background: #e3f3ea; color: var(--ok); }
.status.bad { background: #fbe5df; color: var(--bad); }
.partial { margin-top: 10px; padding: 8px 12px; border-left: 3px solid var(--bad);
  background: #fdf1ee; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 20px; margin: 18px 0; }
.sub { color: var(--muted); font-weight: 400; }
.note, .hint, .empty { color: var(--muted); margin: 8px 0 0; }
.empty { font-style: italic; }
.warn { color: var(--bad); }
.block + .block { margin-top: 22px; padding-top: 18px; border-top: 1px solid var(--line); }
table { border-collapse: collapse; }
table.grid { width: 100%; }
.grid th, .grid td { padding: 5px 10px; text-align: right; white-space: nowrap; }
.grid th:first-child, .grid td:first-child { text-align: left; }
.grid thead th { color: var(--muted); font-weight: 500; font-size: 12.5px;
  border-bottom: 1px solid var(--line); }
.grid tbody tr:nth-child(even) { background: #f7f8fa; }
.grid td.gil, .grid th.gil { background-clip: padding-box; }
.figures { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 12px 0 0; }
.figures div { display: flex; flex-direction: column; }
.figures dt { color: var(--muted); font-size: 12px; }
.figures dd { margin: 0; font-weight: 560; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 22px; margin-bottom: 10px; }
select, button { font: inherit; padding: 3px 8px; border: 1px solid #cfd4dc; border-radius: 6px;
  background: #fff; color: var(--ink); }
button { cursor: pointer; }
.legend { display: flex; gap: 16px; color: var(--muted); font-size: 12.5px; }
.legend i { display: inline-block; width: 18px; height: 10px; margin-right: 5px;
  vertical-align: -1px; border-radius: 2px; }
.legend .held { background: var(--held); }
.legend .wait { background: repeating-linear-gradient(135deg, var(--wait) 0 2px,
  var(--wait-light) 2px 5px); }
.legend .native { background: var(--native); }
.legend .forced { background: var(--forced); width: 3px; }
.legend .mark { background: var(--mark); width: 2px; }
.range { color: var(--muted); font-size: 12.5px; margin-left: auto; }
.tl-wrap { position: relative; user-select: none; }
#timeline-canvas { display: block; width: 100%; cursor: grab; }
#timeline-canvas.dragging { cursor: grabbing; }
.tip { position: absolute; pointer-events: none; background: rgba(28, 35, 48, .94); color: #fff;
  padding: 6px 9px; border-radius: 6px; font-size: 12px; line-height: 1.4; white-space: nowrap;
  z-index: 2; }
.hist-grid { display: grid; grid-template-columns: 130px 1fr 1fr; gap: 6px 22px;
  align-items: center; }
.hist-grid .colhead { color: var(--muted); font-size: 12.5px; }
.hist-grid svg { width: 100%; height: auto; display: block; }
.hist-name { font-weight: 600; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .bar-hold { fill: var(--held); }
svg .bar-wait { fill: var(--wait); }
svg .axis { stroke: #c9ced6; }
svg .p50 { stroke: var(--ink); stroke-dasharray: 4 3; }
svg .p99 { stroke: var(--ink); stroke-dasharray: 1 3; }
svg .interval { stroke: var(--forced); stroke-dasharray: 2 2; }
table.heat td, table.heat th { padding: 6px 12px; text-align: right; border: 1px solid #fff; }
table.heat th { color: var(--muted); font-weight: 500; font-size: 12.5px; }
table.heat td.name, table.heat th.name { text-align: left; color: var(--ink); font-weight: 500; }
table.heat td small { display: block; color: var(--muted); font-size: 11px; }
table.heat td.total { color: var(--muted); }
.check-ok { color: var(--ok); font-weight: 600; }
.check-bad { color: var(--bad); font-weight: 600; }
dl.context { display: grid; grid-template-columns: max-content 1fr; gap: 4px 20px; margin: 0; }
dl.context dt { color: var(--muted); }
dl.context dd { margin: 0; word-break: break-word; }
footer { max-width: 1320px; margin: 0 auto 30px; padding: 0 28px; color: var(--muted);
  font-size: 12px; }
)CSS";
}

}  // namespace gilhost::report::detail
