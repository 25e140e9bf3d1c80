// The run report's page: header, summary tables, histograms, blocked matrix, cross-checks,
// context and the recording selector. Plain ES2017 without libraries: the page must work offline
// and from file://. Everything it shows comes from the JSON blob; text goes in with textContent,
// never as HTML.
(function (GH) {
  'use strict';
  const ns = (v) => GH.fmt.ns(v), micro = (t) => GH.fmt.micro(t);

  GH.empty = (text) => GH.el('p', {class: 'empty', text});
  GH.noTrace = 'The GIL was not traced (--no-trace): there are no GIL figures.';
  // The namespace of an <svg> the HTML parser made, which spares the page any URL.
  GH.svgNS = () => document.getElementById('svg-namespace').namespaceURI;
  GH.svg = function (parent, tag, attrs, text) {
    const e = document.createElementNS(GH.svgNS(), tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.append(e);
    return e;
  };

  // Names in the timeline's row order (model.js): roles in --workers order, then by index.
  GH.byRows = function (names, rec) {
    const roles = GH.data.roles || [], known = {};
    for (const t of (rec && rec.timeline && rec.timeline.threads) || []) known[t.name] = t.role;
    const threads = names.map((name) => ({name, role: known[name] !== undefined ? known[name]
        : roles.includes(name) ? name : ''}));
    return GH.model.order(threads, roles);
  };

  GH.table = function (columns, rows) {
    const head = GH.el('tr', {}, ...columns.map((c) => GH.el('th', {text: c})));
    const body = rows.map((r) => GH.el('tr', {}, ...r.map((c) => GH.el('td', {text: micro(c)}))));
    return GH.el('div', {class: 'scroll'}, GH.el('table', {class: 'grid'},
        GH.el('thead', {}, head), GH.el('tbody', {}, ...body)));
  };

  GH.summary = function () {
    const root = document.getElementById('summary-body');
    for (const s of GH.data.summaries) {
      const block = GH.el('div', {class: 'block'}, GH.el('h3', {text: micro(s.title)}));
      if (s.rows.length) block.append(GH.table(s.columns, s.rows));
      const figures = GH.el('dl', {class: 'figures'});
      for (const [k, v] of s.figures)
        figures.append(GH.el('div', {}, GH.el('dt', {text: k}), GH.el('dd', {text: micro(v)})));
      block.append(figures);
      for (const n of s.notes)
        block.append(GH.el('p', {class: n.startsWith('warning') ? 'note warn' : 'note', text: n}));
      root.append(block);
    }
    if (!GH.data.traced) root.append(GH.empty(GH.noTrace));
    if (GH.data.comparison.length) {
      const block = GH.el('div', {class: 'block'}, GH.el('h3', {text: "Comparison by each role's calls/s"}));
      for (const line of GH.data.comparison) block.append(GH.el('p', {class: 'note', text: line}));
      root.append(block);
    }
  };

  // Log-x histogram: slot 0 is below 1 µs, slots 1..35 the log bins, slot 36 is 10 s and more.
  GH.histogram = function (h, side, kind, intervalNs) {
    const W = 520, H = 150, L = 34, R = 10, T = 16, B = 24, slots = side.counts.length;
    const sw = (W - L - R) / slots, top = Math.max(1, ...side.counts);
    const svg = GH.svg(null, 'svg', {viewBox: `0 0 ${W} ${H}`});
    const add = (tag, attrs, text) => GH.svg(svg, tag, attrs, text);
    const xOf = (v) => L + sw * (1 + h.bins_per_decade * Math.log10(v / h.min_ns));
    side.counts.forEach((c, i) => {
      if (!c) return;
      const bh = (H - T - B) * c / top;
      add('rect', {x: L + i * sw + 0.5, y: H - B - bh, width: sw - 1, height: bh,
                   class: 'bar-' + kind}).append(GH.svg(null, 'title', {}, c + ' samples'));
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
    const marker = (v, cls, label, left) => {
      if (!(v >= h.min_ns)) return;
      const x = Math.min(xOf(v), W - R);
      add('line', {x1: x, x2: x, y1: T - 4, y2: H - B, class: cls});
      add('text', {x: left ? x - 3 : x + 3, y: T - 5, 'text-anchor': left ? 'end' : 'start'}, label);
    };
    if (side.n) { marker(side.p50_ns, 'p50', 'p50', true); marker(side.p99_ns, 'p99', 'p99', false); }
    if (kind === 'hold' && intervalNs) marker(intervalNs, 'interval', '');
    return svg;
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
    for (const i of GH.byRows(h.groups.map((g) => g.name), rec)) {
      const g = h.groups[i];
      const caption = (s) => `n = ${s.n}` + (s.n ? ` · p50 ${ns(s.p50_ns)} · p99 ${ns(s.p99_ns)}` : '');
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
    // Rows and columns in the timeline's order; "nobody" stays last.
    const nobody = b.holders.findIndex((x) => x.startsWith('nobody'));
    const cols = GH.byRows(b.holders, rec).filter((j) => j !== nobody);
    if (nobody >= 0) cols.push(nobody);
    const head = GH.el('tr', {}, GH.el('th', {class: 'name', text: 'waiter ↓  holder →'}),
                       ...cols.map((j) => GH.el('th', {text: b.holders[j]})),
                       GH.el('th', {text: 'total wait'}));
    const rows = GH.byRows(b.waiters, rec).map((i) => {
      const w = b.waiters[i], total = b.ns[i].reduce((a, x) => a + x, 0);
      const cells = cols.map((j) => b.ns[i][j]).map((v) => {
        const share = total ? v / total : 0;
        const td = GH.el('td', {text: v ? ns(v) : GH.fmt.MISSING},
                         v ? GH.el('small', {text: (100 * share).toFixed(1) + ' %'}) : null);
        if (v) td.style.background = `rgba(217, 149, 43, ${(0.08 + 0.72 * share).toFixed(3)})`;
        return td;
      });
      return GH.el('tr', {}, GH.el('td', {class: 'name', text: w}), ...cells,
                   GH.el('td', {class: 'total', text: ns(total)}));
    });
    root.append(GH.el('div', {class: 'scroll'}, GH.el('table', {class: 'heat'},
                    GH.el('thead', {}, head), GH.el('tbody', {}, ...rows))),
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
               `${ns(c.held_ns)} + ${ns(c.free_ns)} = ${ns(c.window_ns)}`),
          cell(c.overlapping_holds === 0, String(c.overlapping_holds)),
          cell(c.lost_events === 0, String(c.lost_events)),
          cell(c.malformed_events === 0, String(c.malformed_events)));
    });
    const cols = ['recording', 'holder changes = switch_number Δ', 'held + free = window',
                  'overlapping holds', 'events lost', 'malformed events'];
    root.append(GH.el('div', {class: 'scroll'}, GH.el('table', {class: 'grid'},
        GH.el('thead', {}, GH.el('tr', {}, ...cols.map((c) => GH.el('th', {text: c})))),
        GH.el('tbody', {}, ...rows))));
    if (recs.some((r) => r.checks.lost_events))
      root.append(GH.el('p', {class: 'note warn', text: 'Events were lost: the GIL figures are ' +
          'incomplete (see the top of the page). Raise --trace-buffer.'}));
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
    GH.data = JSON.parse(document.getElementById('gilhost-data').textContent);
    GH.header();
    GH.summary();
    GH.checks();
    if (GH.flames) GH.flames();
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
})(globalThis.GH = globalThis.GH || {});
