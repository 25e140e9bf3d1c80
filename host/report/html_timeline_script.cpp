// The HTML report's script, part 2: the per-thread GIL timeline drawn on a canvas.
#include "report/html_assets.hpp"

namespace gilhost::report::detail {

// Each pixel column of a row shows the share of its time the thread held the GIL (from the
// bottom), ran native code, and waited (hatched), whatever the zoom: spans wider than a pixel
// fill it, narrower ones add up, and past the exact events the per-bin shares take over. The
// cost follows the screen, not the recording: a binary search finds the first visible span.
std::string_view html_timeline_script() {
  return R"JS(
GH.tl = {
  LABEL_W: 150, AXIS_H: 30, ROW_H: 20, ROW_GAP: 16, PAD_R: 24, MIN_SPAN_NS: 100,
  rows: [], W: 1, v0: 0, v1: 1, detailEnd: 0, binNs: 0, pal: {}, hatch: null, pending: false,
};
(function (S) {
  S.decode = function (pairs) {
    const n = pairs.length >> 1, b = new Float64Array(n), e = new Float64Array(n);
    let last = 0;
    for (let i = 0; i < n; i++) {
      b[i] = last + pairs[2 * i];
      e[i] = b[i] + pairs[2 * i + 1];
      last = e[i];
    }
    return {b, e};
  };
  S.decodeLevels = function (text, levels) {
    const out = new Float32Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = levels.indexOf(text[i]) / 63;
    return out;
  };
  // Spans of one kind never overlap, so their ends are sorted too.
  S.firstEndingAfter = function (e, t) {
    let lo = 0, hi = e.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (e[m] < t) lo = m + 1; else hi = m; }
    return lo;
  };
  S.plotWidth = () => Math.max(1, S.canvas.clientWidth - S.LABEL_W - S.PAD_R);
  S.xOf = (t) => S.LABEL_W + (t - S.v0) / (S.v1 - S.v0) * S.plotWidth();
  // A time with as many decimals as one pixel of the current zoom can tell apart.
  S.fmtT = function (t) {
    const nsPerPx = (S.v1 - S.v0) / S.plotWidth();
    const [scale, unit] = t >= 1e9 ? [1e9, 's'] : t >= 1e6 ? [1e6, 'ms'] : t >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
    const d = Math.min(6, Math.max(0, Math.ceil(Math.log10(scale / Math.max(nsPerPx, 1)))));
    return (t / scale).toFixed(d) + ' ' + unit;
  };
  S.label = (id) => S.labels[id] !== undefined ? S.labels[id] : '#' + id;

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

  // Share of each pixel column [0, until) covered by the spans.
  S.spanShares = function (sp, until) {
    const w = S.plotWidth(), out = new Float32Array(w), nsPerPx = (S.v1 - S.v0) / w;
    const {b, e} = sp;
    for (let i = S.firstEndingAfter(e, S.v0); i < b.length && b[i] <= S.v1; i++) {
      const x0 = Math.max(0, (b[i] - S.v0) / nsPerPx), x1 = Math.min(until, (e[i] - S.v0) / nsPerPx);
      for (let px = Math.floor(x0); px < x1; px++) out[px] += Math.min(x1, px + 1) - Math.max(x0, px);
    }
    return out;
  };
  // Pixel columns [from, width) take the mean share of the bins they overlap.
  S.binShares = function (cov, shares, from) {
    const w = S.plotWidth(), nsPerPx = (S.v1 - S.v0) / w;
    for (let px = Math.max(0, Math.floor(from)); px < w; px++) {
      const t0 = S.v0 + px * nsPerPx, i0 = Math.floor(t0 / S.binNs);
      const i1 = Math.min(cov.length - 1, Math.floor((t0 + nsPerPx) / S.binNs));
      if (i0 >= cov.length) break;
      let sum = 0;
      for (let i = i0; i <= i1; i++) sum += cov[i];
      shares[px] = sum / (i1 - i0 + 1);
    }
  };
  // Stacked columns; runs of equal columns are drawn as one rectangle.
  S.columns = function (shares, base, style, y) {
    const ctx = S.ctx, H = S.ROW_H, w = shares.length;
    ctx.fillStyle = style;
    for (let px = 0; px < w;) {
      const h = Math.round(Math.min(1, shares[px]) * H * 2) / 2, b = Math.round(base[px] * H * 2) / 2;
      let end = px + 1;
      while (end < w && Math.round(Math.min(1, shares[end]) * H * 2) / 2 === h &&
             Math.round(base[end] * H * 2) / 2 === b) end++;
      if (h > 0) ctx.fillRect(S.LABEL_W + px, y + H - Math.min(H, b + h), end - px, Math.min(h, H - b));
      for (let k = px; k < end; k++) base[k] = Math.min(1, base[k] + Math.min(1, shares[k]));
      px = end;
    }
  };
  S.row = function (row, y) {
    const w = S.plotWidth(), xEnd = Math.min(w, Math.max(0, S.xOf(S.detailEnd) - S.LABEL_W));
    const holds = S.spanShares(row.holds, xEnd), natives = S.spanShares(row.natives, xEnd);
    const waits = S.spanShares(row.waits, xEnd);
    if (row.cov && xEnd < w) {
      S.binShares(row.cov.holds, holds, xEnd);
      S.binShares(row.cov.natives, natives, xEnd);
      S.binShares(row.cov.waits, waits, xEnd);
    }
    const base = new Float32Array(w);
    S.columns(holds, base, S.pal.held, y);
    S.columns(natives, base, S.pal.native, y);
    S.columns(waits, base, S.hatch, y);
  };

  S.ticks = function (row, y) {
    const ctx = S.ctx;
    ctx.fillStyle = S.pal.forced;
    let last = -1;
    for (let i = S.firstEndingAfter(row.forced, S.v0); i < row.forced.length; i++) {
      if (row.forced[i] > S.v1) break;
      const x = Math.round(S.xOf(row.forced[i]));
      if (x !== last) ctx.fillRect(x - 0.5, y - 5, 1.5, 4);
      last = x;
    }
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

  // Tick labels share one unit, chosen by the right edge, with the decimals the step needs.
  S.axis = function (height) {
    const ctx = S.ctx, span = S.v1 - S.v0, target = Math.max(2, S.plotWidth() / 120);
    const raw = span / target, p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
    const v1 = S.v1, [scale, unit] = v1 >= 1e9 ? [1e9, 's'] : v1 >= 1e6 ? [1e6, 'ms'] : v1 >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
    const d = Math.min(9, Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-9)));
    ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'alphabetic';
    for (let k = Math.ceil(S.v0 / step); k * step <= S.v1; k++) {
      const x = Math.round(S.xOf(k * step)) + 0.5;
      ctx.fillStyle = '#e7eaef'; ctx.fillRect(x - 0.5, S.AXIS_H - 8, 1, height - S.AXIS_H + 8);
      ctx.fillStyle = S.pal.muted; ctx.fillText((k * step / scale).toFixed(d) + ' ' + unit, x, S.AXIS_H - 12);
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
      const y = S.AXIS_H + i * (S.ROW_H + S.ROW_GAP) + S.ROW_GAP - 4;
      S.rowLabel(row, y);
      ctx.fillStyle = '#f0f2f5'; ctx.fillRect(S.LABEL_W, y, S.plotWidth(), S.ROW_H);
    });
    S.axis(height);
    S.rows.forEach((row, i) => {
      const y = S.AXIS_H + i * (S.ROW_H + S.ROW_GAP) + S.ROW_GAP - 4;
      S.row(row, y);
      S.ticks(row, y);
    });
    S.range.textContent = `showing ${S.fmtT(S.v0)} – ${S.fmtT(S.v1)} of ${GH.ns(S.W)}`;
  };
  S.request = function () {
    if (!S.pending) { S.pending = true; requestAnimationFrame(S.draw); }
  };
  S.setView = function (a, b) {
    const span = Math.min(Math.max(b - a, S.MIN_SPAN_NS), S.W);
    S.v0 = Math.max(0, Math.min(a, S.W - span));
    S.v1 = S.v0 + span;
    S.request();
  };
})(GH.tl);
)JS";
}

}  // namespace gilhost::report::detail
