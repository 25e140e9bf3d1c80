// The HTML report's script, part 1: header, tables, histograms, blocked matrix and the selector.
#include "report/html_assets.hpp"

namespace gilhost::report::detail {

// Plain ES2017 without libraries: the page must work offline and from file://. Everything it
// shows comes from the JSON blob; text goes in with textContent, never as HTML.
std::string_view html_script() {
  return R"JS(
'use strict';
const GH = {};
GH.data = JSON.parse(document.getElementById('gilhost-data').textContent);
GH.el = function (tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
};
// Durations as the text report prints them (three significant digits), with a real µ.
GH.ns = function (ns) {
  const units = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs']];
  for (const [scale, unit] of units) {
    if (ns >= scale) {
      const v = ns / scale;
      return v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2) + ' ' + unit;
    }
  }
  return Math.round(ns) + ' ns';
};
// The namespace of an <svg> the HTML parser made, which spares the page any URL.
GH.svgNS = document.getElementById('svg-namespace').namespaceURI;
GH.micro = (text) => String(text).replace(/(\d) us\b/g, '$1 µs');
GH.empty = (text) => GH.el('p', {class: 'empty', text});
GH.noTrace = 'The GIL was not traced (--no-trace): there are no GIL figures.';

GH.header = function () {
  const h = GH.data.header, meta = GH.el('div', {class: 'meta'});
  const parts = ['gilhost ' + h.gilhost_version, 'CPython ' + h.python_version, h.cpu];
  if (h.switch_interval) parts.push('switch interval ' + GH.micro(h.switch_interval));
  parts.push(h.date.replace('T', ' ').replace('Z', ' UTC'));
  for (const p of parts) meta.append(GH.el('span', {text: p}));
  const ok = h.status === 'complete';
  const title = GH.el('h1', {text: h.script || 'gilhost report'},
                      GH.el('span', {class: 'status ' + (ok ? 'ok' : 'bad'), text: h.status}));
  const root = document.getElementById('header');
  root.append(GH.el('div', {class: 'brand', text: 'gilhost report'}), title, meta);
  if (!ok) root.append(GH.el('div', {class: 'partial', text: 'PARTIAL RESULTS: ' + h.status_line}));
};

GH.table = function (columns, rows) {
  const head = GH.el('tr', {}, ...columns.map((c) => GH.el('th', {text: c})));
  const body = rows.map((r) => GH.el('tr', {}, ...r.map((c) => GH.el('td', {text: GH.micro(c)}))));
  return GH.el('table', {class: 'grid'}, GH.el('thead', {}, head), GH.el('tbody', {}, ...body));
};

GH.summary = function () {
  const root = document.getElementById('summary-body');
  for (const s of GH.data.summaries) {
    const block = GH.el('div', {class: 'block'}, GH.el('h3', {text: GH.micro(s.title)}));
    if (s.rows.length) block.append(GH.table(s.columns, s.rows));
    const figures = GH.el('dl', {class: 'figures'});
    for (const [k, v] of s.figures)
      figures.append(GH.el('div', {}, GH.el('dt', {text: k}), GH.el('dd', {text: GH.micro(v)})));
    block.append(figures);
    for (const n of s.notes)
      block.append(GH.el('p', {class: n.startsWith('warning') ? 'note warn' : 'note', text: n}));
    root.append(block);
  }
  if (!GH.data.traced) root.append(GH.empty(GH.noTrace));
  if (GH.data.comparison.length) {
    const block = GH.el('div', {class: 'block'}, GH.el('h3', {text: 'Comparison by total calls/s'}));
    for (const line of GH.data.comparison) block.append(GH.el('p', {class: 'note', text: line}));
    root.append(block);
  }
};

// Log-x histogram: slot 0 is below 1 µs, slots 1..35 the log bins, slot 36 is 10 s and more.
GH.histogram = function (h, side, kind, intervalNs) {
  const W = 520, H = 150, L = 34, R = 10, T = 16, B = 24, slots = side.counts.length;
  const sw = (W - L - R) / slots, top = Math.max(1, ...side.counts);
  const svg = document.createElementNS(GH.svgNS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const add = (tag, attrs, text) => {
    const e = document.createElementNS(GH.svgNS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  const xOf = (ns) => L + sw * (1 + h.bins_per_decade * Math.log10(ns / h.min_ns));
  side.counts.forEach((c, i) => {
    if (!c) return;
    const bh = (H - T - B) * c / top;
    add('rect', {x: L + i * sw + 0.5, y: H - B - bh, width: sw - 1, height: bh,
                 class: 'bar-' + kind}).append(GH.svgTitle(c + ' samples'));
  });
  add('line', {x1: L, x2: W - R, y1: H - B, y2: H - B, class: 'axis'});
  const labels = ['1µs', '10µs', '100µs', '1ms', '10ms', '100ms', '1s', '10s'];
  labels.forEach((t, k) => {
    const x = L + sw * (1 + k * h.bins_per_decade);
    add('line', {x1: x, x2: x, y1: H - B, y2: H - B + 4, class: 'axis'});
    add('text', {x, y: H - 8, 'text-anchor': 'middle'}, t);
  });
  add('text', {x: L - 4, y: T + 4, 'text-anchor': 'end'}, String(top));
  add('text', {x: L - 4, y: H - B, 'text-anchor': 'end'}, '0');
  // p50 is labelled left of its line and p99 right of it, so that close lines stay readable.
  const marker = (ns, cls, label, left) => {
    if (!(ns >= h.min_ns)) return;
    const x = Math.min(xOf(ns), W - R);
    add('line', {x1: x, x2: x, y1: T - 4, y2: H - B, class: cls});
    add('text', {x: left ? x - 3 : x + 3, y: T - 5, 'text-anchor': left ? 'end' : 'start'}, label);
  };
  if (side.n) { marker(side.p50_ns, 'p50', 'p50', true); marker(side.p99_ns, 'p99', 'p99', false); }
  if (kind === 'hold' && intervalNs) marker(intervalNs, 'interval', '');
  return svg;
};
GH.svgTitle = function (text) {
  const t = document.createElementNS(GH.svgNS, 'title');
  t.textContent = text;
  return t;
};

GH.histograms = function (rec) {
  const root = document.getElementById('histograms-body');
  root.replaceChildren();
  if (!GH.data.traced) return root.append(GH.empty(GH.noTrace));
  const h = rec && rec.histograms;
  if (!h) return root.append(GH.empty('No raw events were kept for this recording.'));
  if (!h.groups.length) return root.append(GH.empty('No complete hold or wait in the window.'));
  const grid = GH.el('div', {class: 'hist-grid'}, GH.el('div'),
      GH.el('div', {class: 'colhead', text: 'hold: acquire → release (dashed: p50, dotted: p99, red: switch interval)'}),
      GH.el('div', {class: 'colhead', text: 'wait: request → acquire'}));
  for (const g of h.groups) {
    const caption = (s) => `n = ${s.n}` + (s.n ? ` · p50 ${GH.ns(s.p50_ns)} · p99 ${GH.ns(s.p99_ns)}` : '');
    grid.append(GH.el('div', {class: 'hist-name', text: g.name}),
                GH.el('div', {}, GH.histogram(h, g.hold, 'hold', h.switch_interval_ns),
                      GH.el('div', {class: 'note', text: caption(g.hold)})),
                GH.el('div', {}, GH.histogram(h, g.wait, 'wait', 0),
                      GH.el('div', {class: 'note', text: caption(g.wait)})));
  }
  root.append(grid, GH.el('p', {class: 'hint', text: 'Complete holds and waits inside the window, ' +
      'in log-spaced bins (5 per decade); the leftmost bar is below 1 µs. Threads pooled by role.'}));
};

GH.blocked = function (rec) {
  const root = document.getElementById('blocked-body');
  root.replaceChildren();
  if (!GH.data.traced) return root.append(GH.empty(GH.noTrace));
  const b = rec && rec.blocked;
  if (!b || !b.waiters.length) return root.append(GH.empty('No thread waited for the GIL.'));
  const head = GH.el('tr', {}, GH.el('th', {class: 'name', text: 'waiter ↓  holder →'}),
                     ...b.holders.map((h) => GH.el('th', {text: h})),
                     GH.el('th', {text: 'total wait'}));
  const rows = b.waiters.map((w, i) => {
    const total = b.ns[i].reduce((a, x) => a + x, 0);
    const cells = b.ns[i].map((ns) => {
      const share = total ? ns / total : 0;
      const td = GH.el('td', {text: ns ? GH.ns(ns) : '–'},
                       ns ? GH.el('small', {text: (100 * share).toFixed(1) + ' %'}) : null);
      if (ns) td.style.background = `rgba(217, 149, 43, ${(0.08 + 0.72 * share).toFixed(3)})`;
      return td;
    });
    return GH.el('tr', {}, GH.el('td', {class: 'name', text: w}), ...cells,
                 GH.el('td', {class: 'total', text: GH.ns(total)}));
  });
  root.append(GH.el('table', {class: 'heat'}, GH.el('thead', {}, head), GH.el('tbody', {}, ...rows)),
              GH.el('p', {class: 'hint', text: 'Time each thread spent waiting for the GIL while ' +
                  'the column\'s thread held it, and its share of that waiter\'s total wait. ' +
                  '"nobody": hand-off gaps, when the GIL was free but not yet taken.'}));
};

GH.checks = function () {
  const root = document.getElementById('checks-body');
  const recs = GH.data.recordings.filter((r) => r.checks);
  if (!recs.length) return root.append(GH.empty(GH.noTrace));
  const cell = (ok, text) => GH.el('td', {}, GH.el('span', {class: ok ? 'check-ok' : 'check-bad',
                                                           text: (ok ? '✓ ' : '✗ ') + text}));
  const rows = recs.map((r) => {
    // CPython counts thread-state switches; OS-thread holder changes are shown beside them.
    const c = r.checks, same = c.thread_state_switches === c.switch_number_delta;
    const os = c.holder_changes === c.thread_state_switches ? '' :
        ` (holder changes ${c.holder_changes})`;
    return GH.el('tr', {}, GH.el('td', {text: r.label}),
        cell(same, `${c.thread_state_switches} ${same ? '=' : '≠'} ${c.switch_number_delta}${os}`),
        cell(c.held_ns + c.free_ns === c.window_ns,
             `${GH.ns(c.held_ns)} + ${GH.ns(c.free_ns)} = ${GH.ns(c.window_ns)}`),
        cell(c.overlapping_holds === 0, String(c.overlapping_holds)),
        cell(c.lost_events === 0, String(c.lost_events)),
        cell(c.malformed_events === 0, String(c.malformed_events)));
  });
  const cols = ['recording', 'holder changes = switch_number Δ', 'held + free = window',
                'overlapping holds', 'events lost', 'malformed events'];
  const table = GH.el('table', {class: 'grid'},
      GH.el('thead', {}, GH.el('tr', {}, ...cols.map((c) => GH.el('th', {text: c})))),
      GH.el('tbody', {}, ...rows));
  root.append(table);
  if (recs.some((r) => r.checks.lost_events))
    root.append(GH.el('p', {class: 'note warn', text: 'Events were lost: the GIL figures are ' +
        'incomplete. Raise --trace-buffer.'}));
};

GH.context = function () {
  const dl = GH.el('dl', {class: 'context'});
  for (const [k, v] of GH.data.context) dl.append(GH.el('dt', {text: k}), GH.el('dd', {text: v}));
  document.getElementById('context-body').append(dl);
};

GH.show = function (index) {
  const rec = GH.data.recordings[index];
  for (const id of ['timeline-label', 'histograms-label', 'blocked-label'])
    document.getElementById(id).textContent = rec ? '· ' + rec.label : '';
  GH.histograms(rec);
  GH.blocked(rec);
  GH.timeline.show(rec);
};

GH.main = function () {
  GH.header();
  GH.summary();
  GH.checks();
  GH.context();
  const select = document.getElementById('recording-select');
  GH.data.recordings.forEach((r, i) => select.append(GH.el('option', {value: i, text: r.label})));
  if (GH.data.recordings.length < 2) document.getElementById('recording-picker').hidden = true;
  select.addEventListener('change', () => GH.show(Number(select.value)));
  GH.timeline.init();
  // Open on the recording where the GIL changed hands most: where there is something to see.
  let first = 0;
  GH.data.recordings.forEach((r, i) => {
    const changes = (x) => (x.checks ? x.checks.holder_changes : -1);
    if (changes(r) > changes(GH.data.recordings[first])) first = i;
  });
  select.value = first;
  GH.show(first);
};
)JS";
}

}  // namespace gilhost::report::detail
