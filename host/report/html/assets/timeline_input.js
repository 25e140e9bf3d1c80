// The timeline's input: zoom, pan, hover read-out, click to explain and zoom, the jump buttons
// and keys, and loading a recording's rows.
(function (GH) {
  'use strict';
  const S = GH.tl, L = GH.layout, ns = (v) => GH.fmt.ns(v);

  function tAt(clientX) {
    const r = S.canvas.getBoundingClientRect();
    return S.v0 + (clientX - r.left - S.labelW()) / S.plotWidth() * (S.v1 - S.v0);
  }
  function rowAt(clientY) {
    const y = clientY - S.canvas.getBoundingClientRect().top;
    const i = Math.floor((y - S.AXIS_H) / (S.ROW_H + S.ROW_GAP));
    return i >= 0 && i < S.rows.length ? i : -1;
  }
  // Spans of `sp` within t ± slack: how many, their total, and the first.
  function hits(sp, t, slack) {
    let n = 0, total = 0, first = -1;
    for (let k = L.firstEndingAfter(sp.e, t - slack); k < sp.b.length && sp.b[k] <= t + slack; k++) {
      if (first < 0) first = k;
      n++;
      total += Math.min(sp.e[k], t + slack) - Math.max(sp.b[k], t - slack);
    }
    return {n, total, first};
  }
  function describeBin(row, t) {
    const i = Math.min(row.cov.holds.length - 1, Math.floor(t / S.binNs));
    const pct = (c) => Math.round(100 * c[i]) + ' %';
    return [`in this ${ns(S.binNs)} bin: holds ${pct(row.cov.holds)}, waits ` +
            `${pct(row.cov.waits)}, native ${pct(row.cov.natives)}`,
            '(past the exact events: shares per bin)'];
  }
  // One line per kind under the pointer; several spans in one pixel are counted, not dropped.
  function describe(row, t, slack) {
    if (t >= S.detailEnd && row.cov) return describeBin(row, t);
    const out = [], span = (sp, k) => `${ns(sp.e[k] - sp.b[k])}, from ${S.fmtT(sp.b[k])}`;
    const line = (sp, what, name) => {
      const h = hits(sp, t, slack);
      if (h.n === 1) out.push(`${what(h.first)}: ${span(sp, h.first)}`);
      else if (h.n > 1) out.push(`${h.n} ${name} in this pixel, ${ns(h.total)} in all`);
    };
    line(row.holds, (k) => 'holds the GIL' + GH.stackText(row.holdStacks[k], ' until it let go in '),
         'holds');
    line(row.waits, (k) => 'waits for the GIL' + GH.stackText(row.waitStacks[k], ' in '), 'waits');
    line(row.natives, (k) => {
      const id = row.kernels[k], name = S.kernels[id] !== undefined ? S.kernels[id] : '#' + id;
      return `native ${name}, GIL released`;
    }, 'native sections');
    line(row.handoffs, () => 'hand-off wait (releaser waits for a taker)', 'hand-off waits');
    const near = (times, what) => {
      const f = L.firstEndingAfter(times, t - 4 * slack);
      if (f < times.length && times[f] <= t + 4 * slack) out.push(what + ' at ' + S.fmtT(times[f]));
    };
    near(row.forced, 'forced release');
    near(row.drops, 'drop request');
    for (const [m, id] of row.marks)
      if (Math.abs(m - t) <= 4 * slack) out.push(`mark “${S.label(id)}” at ${S.fmtT(m)}`);
    if (!out.length) out.push('no GIL: native code, I/O, sleeping or idle');
    if (row.lost) out.push(`${row.lost.toLocaleString('en')} of this thread's events were lost: ` +
                           'its spans may be merged or missing');
    return out;
  }
  function hover(e) {
    const r = S.canvas.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
    const i = rowAt(e.clientY);
    if (i < 0 || px < S.labelW() || px > r.width - S.PAD_R) {
      S.tip.hidden = true;
      return;
    }
    const t = tAt(e.clientX), slack = (S.v1 - S.v0) / S.plotWidth() / 2;
    S.tip.replaceChildren(GH.el('b', {text: `${S.rows[i].name} · ${S.fmtT(t)}`}),
                          ...describe(S.rows[i], t, slack).map((s) => GH.el('div', {text: s})),
                          GH.el('div', {class: 'tip-hint', text: 'click to explain and zoom'}));
    S.tip.hidden = false;
    const left = px + 16 + S.tip.offsetWidth > r.width ? px - 16 - S.tip.offsetWidth : px + 16;
    S.tip.style.left = Math.max(0, left) + 'px';
    S.tip.style.top = py + 14 + 'px';
  }

  // The explanation panel: a sentence built from the events (explain.js).
  function explain(item) {
    const box = document.getElementById('explain');
    S.selected = item && item.kind !== 'instant' ? item : null;
    if (!item) { box.hidden = true; S.request(); return; }
    const row = S.rows[item.row];
    const text = S.selected ? GH.explain.sentence(S.model, item.row, item)
        : `${row.name} at ${ns(item.t)}: neither holding nor waiting for the GIL (native code, ` +
          'I/O, sleeping or idle).';
    document.getElementById('explain-text').textContent = text;
    box.hidden = false;
    S.request();
  }
  // Click: the hold or wait under the pointer is explained, zoomed to, and the cursor set there.
  function click(clientX, clientY) {
    const i = rowAt(clientY), t = tAt(clientX);
    if (i < 0 || t < S.v0 || t > S.v1) return;
    if (S.binNs && t >= S.detailEnd) { S.cursor = t; return S.request(); }
    S.cursor = t;
    const what = GH.explain.at(S.model, i, t);
    if (!what) return explain({row: i, kind: 'instant', t});
    explain({row: i, ...what, t});
    const v = GH.story.focus(what.b, what.e, S.W, S.MIN_SPAN_NS);
    S.setView(v.v0, v.v1);
  }

  // Jumps: next / previous of a kind from the cursor (waits: by length, longest first).
  const KINDS = [['forced', 'forced switch', 'f', 'forced switches'],
                 ['drop', 'drop request', 'd', 'drop requests'],
                 ['handoff', 'hand-off', 'h', 'hand-offs'], ['wait', 'longest wait', 'w', 'waits']];
  function jump(kind, dir) {
    const list = S.lists[kind];
    const i = GH.story.step(list, kind, S.nav[kind], S.cursor === undefined ? -1 : S.cursor, dir);
    if (i < 0) {  // say so, rather than do nothing
      const [, name] = KINDS.find(([k]) => k === kind);
      document.getElementById('nav-status').textContent = !list.length ? `no ${name} here`
          : kind === 'wait' ? `no ${dir > 0 ? 'shorter' : 'longer'} wait`
          : `no ${name} ${dir > 0 ? 'after' : 'before'} ${S.fmtT(S.cursor || 0)}`;
      return;
    }
    S.nav = {[kind]: i};
    const item = list[i];
    S.cursor = item.t;
    explain(item);
    const [from, to] = item.focus || [item.b, item.e];
    const v = GH.story.focus(from, to, S.W, S.MIN_SPAN_NS);
    S.setView(v.v0, v.v1);
    status(kind, i);
  }
  function status(kind, i) {
    const [, name] = KINDS.find(([k]) => k === kind);
    document.getElementById('nav-status').textContent =
        `${name} ${i + 1} of ${S.lists[kind].length}`;
  }
  function navBar() {
    const bar = document.getElementById('timeline-nav');
    bar.replaceChildren();
    for (const [kind, name, key, plural] of KINDS) {
      const n = S.lists[kind].length;
      const button = (dir, text, label) => {
        const b = GH.el('button', {type: 'button', class: 'nav-' + kind, 'data-dir': dir,
                                   title: `${label} ${name} (${dir > 0 ? key : key.toUpperCase()})`,
                                   'aria-label': `${label} ${name}`, text});
        b.disabled = !n;
        b.addEventListener('click', () => jump(kind, dir));
        return b;
      };
      bar.append(GH.el('span', {class: 'nav-group'}, button(-1, '◀', 'previous'),
          GH.el('span', {class: 'nav-name', text: `${plural} (${n})`}), button(1, '▶', 'next')));
    }
    bar.append(GH.el('span', {class: 'nav-status', id: 'nav-status'}));
  }

  function listen() {
    const c = S.canvas;
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {  // a trackpad's sideways swipe pans
        const dt = e.deltaX * unit / S.plotWidth() * (S.v1 - S.v0);
        return S.setView(S.v0 + dt, S.v1 + dt);
      }
      const f = Math.exp(e.deltaY * unit * 0.002), t = Math.min(S.v1, Math.max(S.v0, tAt(e.clientX)));
      S.setView(t - (t - S.v0) * f, t + (S.v1 - t) * f);
    }, {passive: false});
    c.addEventListener('mousedown', (e) => {
      if (e.button !== 0) return;
      S.drag = {x: e.clientX, y: e.clientY, v0: S.v0, v1: S.v1, moved: false};
      c.classList.add('dragging');
      S.tip.hidden = true;
    });
    window.addEventListener('mousemove', (e) => {
      if (!S.drag) return e.target === c ? hover(e) : (S.tip.hidden = true);
      if (Math.abs(e.clientX - S.drag.x) > 3) S.drag.moved = true;
      if (!S.drag.moved) return;
      const dt = (e.clientX - S.drag.x) / S.plotWidth() * (S.drag.v1 - S.drag.v0);
      S.setView(S.drag.v0 - dt, S.drag.v1 - dt);
    });
    window.addEventListener('mouseup', (e) => {
      const d = S.drag;
      S.drag = null;
      c.classList.remove('dragging');
      if (d && !d.moved && e.detail < 2) click(d.x, d.y);
    });
    c.addEventListener('mouseleave', () => { S.tip.hidden = true; });
    c.addEventListener('dblclick', () => S.setView(0, S.W));
    document.getElementById('timeline-reset').addEventListener('click', () => S.setView(0, S.W));
    document.getElementById('explain-close').addEventListener('click', () => explain(null));
    window.addEventListener('resize', S.request);
    window.addEventListener('beforeprint', S.draw);
    document.addEventListener('keydown', key);
  }

  // Keys act on the timeline anywhere on the page, except where they edit or choose something.
  function key(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || !S.rows.length) return;
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName)) return;
    const span = S.v1 - S.v0, mid = S.cursor !== undefined && S.cursor >= S.v0 && S.cursor <= S.v1
        ? S.cursor : (S.v0 + S.v1) / 2;
    const zoom = (f) => { const v = L.zoom(S, mid, f, S.W, S.MIN_SPAN_NS); S.setView(v.v0, v.v1); };
    const actions = {
      '+': () => zoom(0.5), '=': () => zoom(0.5), '-': () => zoom(2), '_': () => zoom(2),
      ArrowLeft: () => S.setView(S.v0 - span / 4, S.v1 - span / 4),
      ArrowRight: () => S.setView(S.v0 + span / 4, S.v1 + span / 4),
      '0': () => S.setView(0, S.W), Home: () => S.setView(0, S.W),
      Escape: () => explain(null),
    };
    for (const [kind, , k] of KINDS) {
      actions[k] = () => jump(kind, 1);
      actions[k.toUpperCase()] = () => jump(kind, -1);
    }
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  function hint() {
    let text = 'Wheel or + / − to zoom, drag or ← / → to pan, double-click or 0 to reset; click ' +
        'a hold or a wait to explain it and zoom to it; f d h w jump to the next forced switch, ' +
        'drop request, hand-off, longest wait (with Shift: previous). Column height: share of ' +
        'the time (held from the bottom, then native, then waiting); a column any span touches ' +
        `is at least ${S.MIN_MARK_PX} px tall. Times from the window start.`;
    if (S.detailEnd < S.W) {
      text += ` The recording is long: events are exact up to ${ns(S.detailEnd)} (the ` +
          `vertical line); after it, shares per ${ns(S.binNs)} bin.`;
    }
    document.getElementById('timeline-hint').textContent = text;
  }

  GH.timeline = {
    init() {
      S.canvas = document.getElementById('timeline-canvas');
      S.ctx = S.canvas.getContext('2d');
      S.tip = document.getElementById('timeline-tip');
      S.range = document.getElementById('timeline-range');
      S.empty = GH.el('p', {class: 'empty'});
      S.canvas.parentElement.after(S.empty);
      const css = getComputedStyle(document.documentElement), v = (n) => css.getPropertyValue(n).trim();
      S.pal = {held: v('--held'), wait: v('--wait'), waitLight: v('--wait-light'),
               native: v('--native'), forced: v('--forced'), mark: v('--mark'), ink: v('--ink'),
               muted: v('--muted'), bad: v('--bad'), grid: v('--grid'), track: v('--track'),
               drop: v('--drop'), handoff: v('--handoff')};
      listen();
    },
    show(rec) {
      const tl = rec && rec.timeline, section = document.getElementById('timeline');
      for (const e of section.querySelectorAll('.legend, #timeline-reset, .tl-wrap, .hint, .nav'))
        e.hidden = !tl;
      S.empty.hidden = !!tl;
      S.empty.textContent = !GH.data.traced ? GH.noTrace
          : 'No raw events were kept for this recording: the timeline needs them.';
      S.range.textContent = '';
      Object.assign(S, {cursor: undefined, selected: null, nav: {}});
      document.getElementById('explain').hidden = true;
      if (!tl) { S.rows = []; return; }
      S.model = GH.model.build(tl, GH.data.roles);
      Object.assign(S, {labels: tl.labels, kernels: tl.kernels, W: S.model.W,
                        detailEnd: tl.detail_end_ns, binNs: tl.bin_ns});
      const cov = (c) => c && {holds: L.decodeLevels(c.holds, tl.levels),
          waits: L.decodeLevels(c.waits, tl.levels), natives: L.decodeLevels(c.natives, tl.levels)};
      S.rows = S.model.rows;
      for (const r of S.rows) r.cov = cov(r.coverage);
      S.lists = GH.story.lists(S.model);
      navBar();
      hint();
      S.setView(0, S.W);
    },
  };
})(globalThis.GH = globalThis.GH || {});
