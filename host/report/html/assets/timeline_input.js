// The timeline's input: zoom, pan, hover read-out, and loading a recording's rows.
(function (GH) {
  'use strict';
  const S = GH.tl, L = GH.layout;
  function tAt(clientX) {
    const r = S.canvas.getBoundingClientRect();
    return S.v0 + (clientX - r.left - S.LABEL_W) / S.plotWidth() * (S.v1 - S.v0);
  }
  function hit(sp, t, slack) {
    const k = L.firstEndingAfter(sp.e, t - slack);
    return k < sp.b.length && sp.b[k] <= t + slack ? k : -1;
  }
  function describeBin(row, t) {
    const i = Math.min(row.cov.holds.length - 1, Math.floor(t / S.binNs));
    const pct = (c) => Math.round(100 * c[i]) + ' %';
    return [`in this ${GH.fmt.ns(S.binNs)} bin: holds ${pct(row.cov.holds)}, waits ` +
            `${pct(row.cov.waits)}, native ${pct(row.cov.natives)}`,
            '(past the exact events: shares per bin)'];
  }
  function describe(row, t, slack) {
    if (t >= S.detailEnd && row.cov) return describeBin(row, t);
    const out = [], span = (sp, k) => `${GH.fmt.ns(sp.e[k] - sp.b[k])}, from ${S.fmtT(sp.b[k])}`;
    let k;
    if ((k = hit(row.holds, t, slack)) >= 0) out.push('holds the GIL: ' + span(row.holds, k));
    if ((k = hit(row.waits, t, slack)) >= 0) out.push('waits for the GIL: ' + span(row.waits, k));
    if ((k = hit(row.natives, t, slack)) >= 0) {
      const id = row.kernels[k], name = S.kernels[id] !== undefined ? S.kernels[id] : '#' + id;
      out.push(`native ${name}, GIL released: ` + span(row.natives, k));
    }
    let f = L.firstEndingAfter(row.forced, t - 4 * slack);
    if (f < row.forced.length && row.forced[f] <= t + 4 * slack)
      out.push('forced release at ' + S.fmtT(row.forced[f]));
    for (const [m, id] of row.marks)
      if (Math.abs(m - t) <= 4 * slack) out.push(`mark “${S.label(id)}” at ${S.fmtT(m)}`);
    if (!out.length) out.push('no GIL: native code, I/O, sleeping or idle');
    return out;
  }
  function hover(e) {
    const r = S.canvas.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
    const i = Math.floor((py - S.AXIS_H) / (S.ROW_H + S.ROW_GAP));
    if (i < 0 || i >= S.rows.length || px < S.LABEL_W || px > r.width - S.PAD_R) {
      S.tip.hidden = true;
      return;
    }
    const t = tAt(e.clientX), slack = (S.v1 - S.v0) / S.plotWidth() / 2;
    S.tip.replaceChildren(GH.el('b', {text: `${S.rows[i].name} · ${S.fmtT(t)}`}),
                          ...describe(S.rows[i], t, slack).map((s) => GH.el('div', {text: s})));
    S.tip.hidden = false;
    const left = px + 16 + S.tip.offsetWidth > r.width ? px - 16 - S.tip.offsetWidth : px + 16;
    S.tip.style.left = left + 'px';
    S.tip.style.top = py + 14 + 'px';
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
      S.drag = {x: e.clientX, v0: S.v0, v1: S.v1};
      c.classList.add('dragging');
      S.tip.hidden = true;
    });
    window.addEventListener('mousemove', (e) => {
      if (!S.drag) return e.target === c ? hover(e) : (S.tip.hidden = true);
      const dt = (e.clientX - S.drag.x) / S.plotWidth() * (S.drag.v1 - S.drag.v0);
      S.setView(S.drag.v0 - dt, S.drag.v1 - dt);
    });
    window.addEventListener('mouseup', () => { S.drag = null; c.classList.remove('dragging'); });
    c.addEventListener('mouseleave', () => { S.tip.hidden = true; });
    c.addEventListener('dblclick', () => S.setView(0, S.W));
    document.getElementById('timeline-reset').addEventListener('click', () => S.setView(0, S.W));
    window.addEventListener('resize', S.request);
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
    };
    const action = (GH.keys && GH.keys[e.key]) || actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  function hint() {
    let text = 'Wheel or + / − to zoom, drag or ← / → to pan, double-click or 0 to reset. ' +
        'Column height: share of the ' +
        'time (held from the bottom, then native, then waiting). Times from the window start.';
    if (S.detailEnd < S.W) {
      text += ` The recording is long: events are exact up to ${GH.fmt.ns(S.detailEnd)} (the ` +
          `vertical line); after it, shares per ${GH.fmt.ns(S.binNs)} bin.`;
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
               muted: v('--muted'), grid: v('--grid'), track: v('--track')};
      listen();
    },
    show(rec) {
      const tl = rec && rec.timeline, section = document.getElementById('timeline');
      for (const e of section.querySelectorAll('.legend, #timeline-reset, .tl-wrap, .hint'))
        e.hidden = !tl;
      S.empty.hidden = !!tl;
      S.empty.textContent = !GH.data.traced ? GH.noTrace
          : 'No raw events were kept for this recording: the timeline needs them.';
      S.range.textContent = '';
      if (!tl) { S.rows = []; return; }
      Object.assign(S, {labels: tl.labels, kernels: tl.kernels, W: Math.max(1, tl.window_ns),
                        detailEnd: tl.detail_end_ns, binNs: tl.bin_ns});
      const cov = (c) => c && {holds: L.decodeLevels(c.holds, tl.levels),
          waits: L.decodeLevels(c.waits, tl.levels), natives: L.decodeLevels(c.natives, tl.levels)};
      S.rows = tl.threads.map((t) => ({name: t.name, holds: L.decode(t.holds),
          waits: L.decode(t.waits), natives: L.decode(t.natives), kernels: t.native_kernels,
          forced: t.forced, marks: t.marks, cov: cov(t.coverage), held: t.held_fraction}));
      hint();
      S.setView(0, S.W);
    },
  };
})(globalThis.GH = globalThis.GH || {});
