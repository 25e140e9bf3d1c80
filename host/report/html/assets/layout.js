// Where a timeline row's spans land on screen at one zoom level. Pure: numbers in, numbers out.
//
// Each pixel column shows the share of its time a thread held the GIL (from the bottom), ran
// native code and waited, whatever the zoom: spans wider than a pixel fill it, narrower ones add
// up, and past the exact events the per-bin shares take over. The cost follows the screen, not
// the recording: a binary search finds the first visible span.
(function (GH) {
  'use strict';

  // Spans arrive as [gap, length, gap, length, ...] in ns, each gap from the end of the previous
  // span (the first from the window start): small integers keep the blob compact.
  function decode(pairs) {
    const n = pairs.length >> 1, b = new Float64Array(n), e = new Float64Array(n);
    let last = 0;
    for (let i = 0; i < n; i++) {
      b[i] = last + pairs[2 * i];
      e[i] = b[i] + pairs[2 * i + 1];
      last = e[i];
    }
    return {b, e};
  }

  // One character per bin, its index in `levels` / 63 the share of the bin covered.
  function decodeLevels(text, levels) {
    const out = new Float32Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = levels.indexOf(text[i]) / 63;
    return out;
  }

  // First index whose end is at or after t. Spans of one kind never overlap, so their ends are
  // sorted too; so are sorted instants.
  function firstEndingAfter(e, t) {
    let lo = 0, hi = e.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (e[m] < t) lo = m + 1; else hi = m;
    }
    return lo;
  }

  // A view: the time range [v0, v1] drawn over `width` pixel columns.
  const nsPerPx = (view) => (view.v1 - view.v0) / view.width;
  const xOf = (view, t) => (t - view.v0) / nsPerPx(view);

  // Share of each pixel column [0, until) covered by the spans, and how many spans touch it.
  function spanShares(sp, view, until) {
    const w = view.width, share = new Float32Array(w), count = new Uint32Array(w);
    const per = nsPerPx(view), {b, e} = sp;
    for (let i = firstEndingAfter(e, view.v0); i < b.length && b[i] <= view.v1; i++) {
      const x0 = Math.max(0, (b[i] - view.v0) / per), x1 = Math.min(until, (e[i] - view.v0) / per);
      if (x0 >= until) break;
      const last = Math.min(w - 1, Math.max(Math.floor(x0), Math.ceil(x1) - 1));
      for (let px = Math.floor(x0); px <= last; px++) {
        share[px] += Math.max(0, Math.min(x1, px + 1) - Math.max(x0, px));
        count[px]++;
      }
    }
    return {share, count};
  }

  // Pixel columns [from, width) take the mean share of the bins they overlap.
  function binShares(cov, binNs, view, shares, from) {
    const w = view.width, per = nsPerPx(view);
    for (let px = Math.max(0, Math.floor(from)); px < w; px++) {
      const t0 = view.v0 + px * per, i0 = Math.floor(t0 / binNs);
      // The bins overlapping [t0, t0 + per): a bin starting exactly at the column's end is not.
      const i1 = Math.min(cov.length - 1, Math.max(i0, Math.ceil((t0 + per) / binNs) - 1));
      if (i0 >= cov.length) break;
      let sum = 0;
      for (let i = i0; i <= i1; i++) sum += cov[i];
      shares.share[px] = sum / (i1 - i0 + 1);
      shares.count[px] = sum > 0 ? 1 : 0;
    }
  }

  // Runs of equal columns [{x, width, base, height}] in pixels of a row `rowH` tall, stacking on
  // `base` (shares already drawn, updated). Half-pixel steps; a column that any span touches is
  // at least `minPx` tall, so that a short hold stays visible at every zoom.
  function columns(shares, base, rowH, minPx) {
    const out = [], w = shares.share.length;
    const height = (px) => {
      if (!shares.count[px]) return 0;
      const h = Math.round(Math.min(1, shares.share[px]) * rowH * 2) / 2;
      return Math.min(rowH, Math.max(h, minPx));
    };
    for (let px = 0; px < w;) {
      const h = height(px), b = Math.round(base[px] * 2) / 2;
      let end = px + 1;
      while (end < w && height(end) === h && Math.round(base[end] * 2) / 2 === b) end++;
      const drawn = Math.min(h, rowH - b);
      if (drawn > 0) out.push({x: px, width: end - px, base: b, height: drawn});
      for (let k = px; k < end; k++) base[k] = Math.min(rowH, base[k] + drawn);
      px = end;
    }
    return out;
  }

  // Instants in view as pixel positions, one per pixel column, with how many fell on it.
  function instants(times, view) {
    const out = [];
    for (let i = firstEndingAfter(times, view.v0); i < times.length && times[i] <= view.v1; i++) {
      const x = Math.round(xOf(view, times[i]));
      if (out.length && out[out.length - 1].x === x) out[out.length - 1].n++;
      else out.push({x, n: 1, i});
    }
    return out;
  }

  // The view after zooming by `factor` (< 1 zooms in) around time t, kept inside [0, W] and at
  // least minSpan wide.
  function zoom(view, t, factor, W, minSpan) {
    return clampView(t - (t - view.v0) * factor, t + (view.v1 - t) * factor, W, minSpan);
  }
  function clampView(a, b, W, minSpan) {
    const span = Math.min(Math.max(b - a, minSpan), W);
    const v0 = Math.max(0, Math.min(a, W - span));
    return {v0, v1: v0 + span};
  }

  // Labels for marks at pixel x, `w` wide ({x, w} sorted by x): right of the mark, else left of
  // it when that is what fits the plot [0, right); a label that would touch one already placed is
  // hidden, never overprinted. The left edge of each, or null when hidden.
  function placeLabels(items, right, gap = 4) {
    const out = [];
    let end = -Infinity;
    for (const {x, w} of items) {
      const candidates = [x + gap, x - gap - w].filter((l) => l >= 0 && l + w <= right);
      const left = candidates.find((l) => l >= end + gap);
      if (left === undefined) { out.push(null); continue; }
      out.push(left);
      end = left + w;
    }
    return out;
  }

  GH.layout = {placeLabels, decode, decodeLevels, firstEndingAfter, nsPerPx, xOf, spanShares, binShares,
               columns, instants, zoom, clampView};
})(globalThis.GH = globalThis.GH || {});
