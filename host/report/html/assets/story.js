// The moments a reader jumps between: forced switches, drop requests, hand-offs (in time order)
// and the longest waits (longest first). Pure: no DOM.
(function (GH) {
  'use strict';
  const M = GH.model;

  // Each item: {t, row, kind, k, b, e, focus}: the time jumped to, the span explained and
  // outlined ([b, e]), and the range brought into view (focus, [from, to]).
  function lists(model) {
    const forced = [], drop = [], handoff = [], wait = [];
    // One forced switch per forced release, however many requests asked for it (the first).
    const seen = new Set();
    for (const f of model.forcings) {
      const h = model.rows[f.holder].holds, k = M.spanAt(h, f.release - 0.5);
      if (k < 0 || seen.has(f.holder + ':' + k)) continue;
      seen.add(f.holder + ':' + k);
      forced.push({t: f.release, row: f.holder, kind: 'hold', k, b: h.b[k], e: h.e[k],
                   focus: [f.request, f.release]});
    }
    model.rows.forEach((r, row) => {
      for (const t of r.drops) {
        const k = M.spanAt(r.waits, t);
        drop.push(k >= 0 ? {t, row, kind: 'wait', k, b: r.waits.b[k], e: r.waits.e[k]}
                         : {t, row, kind: 'instant', k: -1, b: t, e: t});
      }
      for (let k = 0; k < r.handoffs.b.length; k++) {
        // The hand-off follows the releaser's hold: that hold is what it explains.
        const h = M.lastEndingBy(r.holds, r.handoffs.b[k]);
        const b = h >= 0 ? r.holds.b[h] : r.handoffs.b[k];
        handoff.push({t: r.handoffs.b[k], row, kind: h >= 0 ? 'hold' : 'instant', k: h, b,
                      e: h >= 0 ? r.holds.e[h] : r.handoffs.b[k], focus: [b, r.handoffs.e[k]]});
      }
      for (let k = 0; k < r.waits.b.length; k++)
        wait.push({t: r.waits.b[k], row, kind: 'wait', k, b: r.waits.b[k], e: r.waits.e[k]});
    });
    const byTime = (a, b) => a.t - b.t || a.row - b.row;
    forced.sort(byTime); drop.sort(byTime); handoff.sort(byTime);
    wait.sort((a, b) => (b.e - b.b) - (a.e - a.b) || byTime(a, b));
    return {forced, drop, handoff, wait};
  }

  // The item after (dir = 1) or before (dir = -1) the current one. Time-ordered lists step from
  // time t (the cursor) when there is no current index; ranked lists step by rank.
  function step(list, kind, current, t, dir) {
    if (!list.length) return -1;
    if (kind === 'wait' || current !== undefined && current >= 0 && list[current] &&
        list[current].t === t) {
      const base = current === undefined || current < 0 ? (dir > 0 ? -1 : list.length) : current;
      const i = base + dir;
      return i >= 0 && i < list.length ? i : -1;
    }
    if (dir > 0) {
      const i = list.findIndex((x) => x.t > t);
      return i;
    }
    for (let i = list.length - 1; i >= 0; i--) if (list[i].t < t) return i;
    return -1;
  }

  // The view that shows [b, e] in the middle half of the screen, at least minSpan wide.
  function focus(b, e, W, minSpan) {
    const span = Math.max((e - b) * 2, minSpan), mid = (b + e) / 2;
    return GH.layout.clampView(mid - span / 2, mid + span / 2, W, minSpan);
  }

  GH.story = {lists, step, focus};
})(globalThis.GH = globalThis.GH || {});
