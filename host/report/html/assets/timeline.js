// The per-thread GIL timeline drawn on a canvas; layout.js decides where things land.
(function (GH) {
  'use strict';
  const L = GH.layout;
  const S = GH.tl = {
    LABEL_W: 150, AXIS_H: 30, ROW_H: 20, ROW_GAP: 16, PAD_R: 24, MIN_SPAN_NS: 100, MIN_MARK_PX: 2,
    rows: [], W: 1, v0: 0, v1: 1, detailEnd: 0, binNs: 0, pal: {}, hatch: null, pending: false,
  };
  S.plotWidth = () => Math.max(1, Math.floor(S.canvas.clientWidth - S.LABEL_W - S.PAD_R));
  S.view = () => ({v0: S.v0, v1: S.v1, width: S.plotWidth()});
  S.xOf = (t) => S.LABEL_W + L.xOf(S.view(), t);
  S.fmtT = (t) => GH.fmt.at(t, L.nsPerPx(S.view()));
  S.label = (id) => S.labels[id] !== undefined ? S.labels[id] : '#' + id;
  S.rowY = (i) => S.AXIS_H + i * (S.ROW_H + S.ROW_GAP) + S.ROW_GAP - 4;

  S.makeHatch = function () {
    const c = document.createElement('canvas');
    c.width = c.height = 6;
    const g = c.getContext('2d');
    g.fillStyle = S.pal.waitLight; g.fillRect(0, 0, 6, 6);
    g.strokeStyle = S.pal.wait; g.lineWidth = 1.6;
    g.beginPath();
    for (const o of [-6, 0, 6]) { g.moveTo(o, 6); g.lineTo(o + 6, 0); }
    g.stroke();
    return S.ctx.createPattern(c, 'repeat');
  };

  // Holds from the bottom, then native sections, then waits (hatched).
  S.row = function (row, y) {
    const view = S.view(), w = view.width;
    const xEnd = Math.min(w, Math.max(0, L.xOf(view, S.detailEnd)));
    const kinds = [['holds', S.pal.held], ['natives', S.pal.native], ['waits', S.hatch]];
    const base = new Float32Array(w);
    for (const [kind, style] of kinds) {
      const shares = L.spanShares(row[kind], view, xEnd);
      if (row.cov && xEnd < w) L.binShares(row.cov[kind], S.binNs, view, shares, xEnd);
      S.ctx.fillStyle = style;
      for (const c of L.columns(shares, base, S.ROW_H, S.MIN_MARK_PX))
        S.ctx.fillRect(S.LABEL_W + c.x, y + S.ROW_H - c.base - c.height, c.width, c.height);
    }
  };

  S.ticks = function (row, y) {
    const ctx = S.ctx, view = S.view();
    ctx.fillStyle = S.pal.forced;
    for (const {x} of L.instants(row.forced, view)) ctx.fillRect(S.LABEL_W + x - 0.5, y - 5, 1.5, 4);
    const visible = row.marks.filter(([t]) => t >= S.v0 && t <= S.v1);
    ctx.font = '10.5px system-ui, sans-serif'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
    for (const [t, id] of visible) {
      const x = S.xOf(t);
      ctx.fillStyle = S.pal.mark;
      ctx.fillRect(x - 0.75, y - 6, 1.5, S.ROW_H + 6);
      if (visible.length > 24) continue;
      const text = S.label(id), tw = ctx.measureText(text).width, right = S.LABEL_W + S.plotWidth();
      ctx.fillText(text, x + 4 + tw > right ? x - 4 - tw : x + 4, y - 3);
    }
  };

  S.axis = function (height) {
    const ctx = S.ctx;
    ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    for (const {t, label} of GH.fmt.ticks(S.v0, S.v1, S.plotWidth())) {
      const x = Math.round(S.xOf(t)) + 0.5;
      ctx.fillStyle = S.pal.grid; ctx.fillRect(x - 0.5, S.AXIS_H - 8, 1, height - S.AXIS_H + 8);
      ctx.fillStyle = S.pal.muted; ctx.fillText(label, x, S.AXIS_H - 12);
    }
    if (S.detailEnd < S.W && S.detailEnd <= S.v1) {  // where exact events give way to bins
      ctx.fillStyle = S.pal.ink; ctx.globalAlpha = 0.55;
      ctx.fillRect(Math.max(S.LABEL_W, S.xOf(S.detailEnd)), S.AXIS_H - 8, 1, height - S.AXIS_H + 8);
      ctx.globalAlpha = 1;
    }
  };

  // The thread's name, and under it the share of the window it held the GIL.
  S.rowLabel = function (row, y) {
    const ctx = S.ctx, x = S.LABEL_W - 12, held = row.held !== undefined;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.font = '12.5px system-ui, sans-serif'; ctx.fillStyle = S.pal.ink;
    ctx.fillText(row.name, x, y + S.ROW_H / 2 - (held ? 5 : 0), S.LABEL_W - 20);
    if (!held) return;
    ctx.font = '10.5px system-ui, sans-serif'; ctx.fillStyle = S.pal.muted;
    ctx.fillText((100 * row.held).toFixed(1) + ' % held', x, y + S.ROW_H / 2 + 8);
  };

  S.draw = function () {
    S.pending = false;
    if (!S.rows.length) return;  // nothing to show, e.g. a resize with no recording selected
    const ctx = S.ctx, dpr = window.devicePixelRatio || 1, width = S.canvas.clientWidth;
    const height = S.AXIS_H + S.rows.length * (S.ROW_H + S.ROW_GAP) + 6;
    S.canvas.style.height = height + 'px';
    S.canvas.width = Math.round(width * dpr); S.canvas.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (!S.hatch) S.hatch = S.makeHatch();
    S.rows.forEach((row, i) => {
      S.rowLabel(row, S.rowY(i));
      ctx.fillStyle = S.pal.track; ctx.fillRect(S.LABEL_W, S.rowY(i), S.plotWidth(), S.ROW_H);
    });
    S.axis(height);
    S.rows.forEach((row, i) => { S.row(row, S.rowY(i)); S.ticks(row, S.rowY(i)); });
    S.range.textContent = `showing ${S.fmtT(S.v0)} – ${S.fmtT(S.v1)} of ${GH.fmt.ns(S.W)}`;
  };
  S.request = function () {
    if (!S.pending) { S.pending = true; requestAnimationFrame(S.draw); }
  };
  S.setView = function (a, b) {
    Object.assign(S, L.clampView(a, b, S.W, S.MIN_SPAN_NS));
    S.request();
  };
})(globalThis.GH = globalThis.GH || {});
