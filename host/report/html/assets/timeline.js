// The per-thread GIL timeline drawn on a canvas; layout.js decides where things land.
(function (GH) {
  'use strict';
  const L = GH.layout;
  const S = GH.tl = {
    LABEL_W: 150, AXIS_H: 30, ROW_H: 20, ROW_GAP: 16, PAD_R: 24, MIN_SPAN_NS: 100,
    MIN_MARK_PX: 2,   // a column any span touches is at least this tall: short holds stay visible
    ARROW_PX: 6,      // arrows are drawn while they average 6 px apart or more (or number 20 at
                      // most); past that the range line says to zoom in
    rows: [], W: 1, v0: 0, v1: 1, detailEnd: 0, binNs: 0, pal: {}, hatch: null, pending: false,
    cursor: undefined, selected: null, hiddenLabels: 0, hiddenArrows: 0,
  };
  // Narrow screens give the plot more room.
  S.labelW = () => (S.canvas.clientWidth < 800 ? 96 : S.LABEL_W);
  S.plotWidth = () => Math.max(1, Math.floor(S.canvas.clientWidth - S.labelW() - S.PAD_R));
  S.view = () => ({v0: S.v0, v1: S.v1, width: S.plotWidth()});
  S.xOf = (t) => S.labelW() + L.xOf(S.view(), t);
  S.fmtT = (t) => GH.fmt.at(t, L.nsPerPx(S.view()));
  S.label = (id) => S.labels[id] !== undefined ? S.labels[id] : '#' + id;
  S.rowY = (i) => S.AXIS_H + i * (S.ROW_H + S.ROW_GAP) + S.ROW_GAP - 4;
  S.height = () => S.AXIS_H + S.rows.length * (S.ROW_H + S.ROW_GAP) + 6;

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
    const view = S.view(), w = view.width, x0 = S.labelW();
    const xEnd = Math.min(w, Math.max(0, L.xOf(view, S.detailEnd)));
    const kinds = [['holds', S.pal.held], ['natives', S.pal.native], ['waits', S.hatch]];
    const base = new Float32Array(w);
    for (const [kind, style] of kinds) {
      const shares = L.spanShares(row[kind], view, xEnd);
      if (row.cov && xEnd < w) L.binShares(row.cov[kind], S.binNs, view, shares, xEnd);
      S.ctx.fillStyle = style;
      for (const c of L.columns(shares, base, S.ROW_H, S.MIN_MARK_PX))
        S.ctx.fillRect(x0 + c.x, y + S.ROW_H - c.base - c.height, c.width, c.height);
    }
    // Hand-off waits: a band under the row, at least MIN_MARK_PX wide.
    const h = L.spanShares(row.handoffs, view, xEnd);
    S.ctx.fillStyle = S.pal.handoff;
    for (let px = 0; px < w; px++) {
      if (!h.count[px]) continue;
      let end = px + 1;
      while (end < w && h.count[end]) end++;
      S.ctx.fillRect(x0 + px, y + S.ROW_H + 1, Math.max(S.MIN_MARK_PX, end - px), 3);
      px = end;
    }
  };

  // Above the row: forced releases (red ticks), drop requests (amber triangles), marks.
  S.ticks = function (row, y) {
    const ctx = S.ctx, view = S.view(), x0 = S.labelW();
    ctx.fillStyle = S.pal.forced;
    for (const {x} of L.instants(row.forced, view)) ctx.fillRect(x0 + x - 0.75, y - 5, 1.5, 5);
    ctx.fillStyle = S.pal.drop;
    for (const {x} of L.instants(row.drops, view)) {
      ctx.beginPath();
      ctx.moveTo(x0 + x - 3, y - 7); ctx.lineTo(x0 + x + 3, y - 7); ctx.lineTo(x0 + x, y - 2);
      ctx.fill();
    }
    const visible = row.marks.filter(([t]) => t >= S.v0 && t <= S.v1);
    ctx.font = '10.5px system-ui, sans-serif'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
    const items = visible.map(([t, id]) => ({x: L.xOf(view, t), w: ctx.measureText(S.label(id)).width}));
    const lefts = L.placeLabels(items, view.width);
    visible.forEach(([, id], i) => {
      ctx.fillStyle = S.pal.mark;
      ctx.fillRect(x0 + items[i].x - 0.75, y - 6, 1.5, S.ROW_H + 6);
      if (lefts[i] === null) { S.hiddenLabels++; return; }
      ctx.fillText(S.label(id), x0 + lefts[i], y - 3);
    });
  };

  // From each drop request (on the waiter's row) to the release it forced (on the holder's).
  S.arrows = function () {
    const ctx = S.ctx, view = S.view();
    const inView = S.model.forcings.filter((f) => f.release >= S.v0 && f.request <= S.v1);
    if (inView.length > Math.max(20, S.plotWidth() / S.ARROW_PX)) {
      S.hiddenArrows = inView.length;
      return;
    }
    ctx.strokeStyle = S.pal.forced; ctx.fillStyle = S.pal.forced; ctx.lineWidth = 1.2;
    ctx.globalAlpha = 0.8;
    for (const f of inView) {
      const x1 = S.labelW() + L.xOf(view, f.request), x2 = S.labelW() + L.xOf(view, f.release);
      const y1 = S.rowY(f.waiter) - 4, down = f.holder > f.waiter;
      const y2 = down ? S.rowY(f.holder) - 1 : S.rowY(f.holder) + S.ROW_H + 1;
      ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
      const a = Math.atan2(y2 - y1, x2 - x1);
      ctx.beginPath();
      ctx.moveTo(x2, y2);
      ctx.lineTo(x2 - 6 * Math.cos(a - 0.4), y2 - 6 * Math.sin(a - 0.4));
      ctx.lineTo(x2 - 6 * Math.cos(a + 0.4), y2 - 6 * Math.sin(a + 0.4));
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  };

  // Where the cursor's time label goes on the axis: {left, width, text}, or null.
  S.cursorBox = function () {
    if (S.cursor === undefined || S.cursor < S.v0 || S.cursor > S.v1) return null;
    const x = Math.round(S.xOf(S.cursor)) + 0.5, text = S.fmtT(S.cursor);
    S.ctx.font = '600 11px system-ui, sans-serif';
    const width = S.ctx.measureText(text).width + 10;
    const left = Math.min(Math.max(x - width / 2, S.labelW()), S.labelW() + S.plotWidth() - width);
    return {x, left, width, text};
  };

  S.axis = function (height) {
    const ctx = S.ctx, box = S.cursorBox();
    ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    for (const {t, label} of GH.fmt.ticks(S.v0, S.v1, S.plotWidth())) {
      const x = Math.round(S.xOf(t)) + 0.5, half = ctx.measureText(label).width / 2;
      ctx.fillStyle = S.pal.grid; ctx.fillRect(x - 0.5, S.AXIS_H - 8, 1, height - S.AXIS_H + 8);
      if (box && x + half + 3 > box.left && x - half - 3 < box.left + box.width) continue;
      ctx.fillStyle = S.pal.muted; ctx.fillText(label, x, S.AXIS_H - 12);
    }
    if (S.detailEnd < S.W && S.detailEnd <= S.v1) {  // where exact events give way to bins
      ctx.fillStyle = S.pal.ink; ctx.globalAlpha = 0.55;
      ctx.fillRect(Math.max(S.labelW(), S.xOf(S.detailEnd)), S.AXIS_H - 8, 1, height - S.AXIS_H + 8);
      ctx.globalAlpha = 1;
    }
  };

  // The time cursor across every row, its time in a box on the axis; the selected span outlined.
  S.overlay = function (height) {
    const ctx = S.ctx;
    if (S.selected) {
      const {row, b, e} = S.selected, y = S.rowY(row);
      const x1 = S.xOf(Math.max(b, S.v0)), x2 = S.xOf(Math.min(e, S.v1));
      if (x2 >= S.labelW() && x1 <= S.labelW() + S.plotWidth()) {
        ctx.strokeStyle = S.pal.ink; ctx.lineWidth = 2;
        const w = Math.max(3, x2 - x1);
        ctx.strokeRect(x1 - (w - (x2 - x1)) / 2 - 1, y - 2, w + 2, S.ROW_H + 4);
      }
    }
    const box = S.cursorBox();
    if (!box) return;
    const {x, left, width: w, text} = box;
    ctx.strokeStyle = S.pal.ink; ctx.lineWidth = 1; ctx.setLineDash([4, 3]);
    ctx.beginPath(); ctx.moveTo(x, S.AXIS_H - 6); ctx.lineTo(x, height); ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillStyle = S.pal.ink; ctx.fillRect(left, S.AXIS_H - 26, w, 17);
    ctx.fillStyle = '#fff'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    ctx.fillText(text, left + w / 2, S.AXIS_H - 17.5);
  };

  // The thread's name, and under it the share of the window it held the GIL, or in red how many
  // of its events were lost (its row is then incomplete).
  S.rowLabel = function (row, y) {
    const ctx = S.ctx, x = S.labelW() - 12, second = row.held !== undefined || row.lost;
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.font = '12.5px system-ui, sans-serif'; ctx.fillStyle = S.pal.ink;
    ctx.fillText(row.name, x, y + S.ROW_H / 2 - (second ? 5 : 0), S.labelW() - 20);
    if (!second) return;
    ctx.font = '10.5px system-ui, sans-serif';
    ctx.fillStyle = row.lost ? S.pal.bad : S.pal.muted;
    const text = row.lost ? `${GH.fmt.count(row.lost)} events lost`
                          : (100 * row.held).toFixed(1) + ' % held';
    ctx.fillText(text, x, y + S.ROW_H / 2 + 8, S.labelW() - 20);
  };

  S.draw = function () {
    S.pending = false;
    if (!S.rows.length) return;  // nothing to show, e.g. a resize with no recording selected
    const ctx = S.ctx, dpr = window.devicePixelRatio || 1, width = S.canvas.clientWidth;
    const height = S.height();
    S.canvas.style.height = height + 'px';
    S.canvas.width = Math.round(width * dpr); S.canvas.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (!S.hatch) S.hatch = S.makeHatch();
    S.hiddenLabels = 0; S.hiddenArrows = 0;
    S.rows.forEach((row, i) => {
      S.rowLabel(row, S.rowY(i));
      ctx.fillStyle = S.pal.track; ctx.fillRect(S.labelW(), S.rowY(i), S.plotWidth(), S.ROW_H);
    });
    S.axis(height);
    S.rows.forEach((row, i) => { S.row(row, S.rowY(i)); S.ticks(row, S.rowY(i)); });
    S.arrows();
    S.overlay(height);
    const notes = [];
    if (S.hiddenArrows) notes.push(`${S.hiddenArrows} drop-request arrows: zoom in to draw them`);
    if (S.hiddenLabels) notes.push(`${S.hiddenLabels} mark labels hidden where they would overlap`);
    S.range.textContent = `showing ${S.fmtT(S.v0)} – ${S.fmtT(S.v1)} of ${GH.fmt.ns(S.W)}` +
        (notes.length ? ' · ' + notes.join(' · ') : '');
  };
  S.request = function () {
    if (!S.pending) { S.pending = true; requestAnimationFrame(S.draw); }
  };
  S.setView = function (a, b) {
    Object.assign(S, L.clampView(a, b, S.W, S.MIN_SPAN_NS));
    S.request();
  };
})(globalThis.GH = globalThis.GH || {});
