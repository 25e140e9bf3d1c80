// One recording's timeline as the page works with it: rows in a stable order (workers by role in
// --workers order, then by index; then the main thread; then other threads by name), spans
// decoded, and the arrows from a drop request to the release it forced. Pure: no DOM.
(function (GH) {
  'use strict';
  const L = GH.layout;

  // "cpu-12" -> 12; names without a trailing number sort by name alone.
  const trailingNumber = (name) => {
    const m = /(\d+)$/.exec(name);
    return m ? Number(m[1]) : -1;
  };
  // Natural order: "Thread-2" before "Thread-10".
  const natural = (a, b) => a.localeCompare(b, 'en', {numeric: true});

  // The positions of `threads` ({name, role}) in display order. `roles`: role names in
  // --workers order; unknown roles follow, by name. Equal keys keep their recorded order.
  function order(threads, roles) {
    const rank = (t) => {
      if (t.role) {
        const r = roles.indexOf(t.role);
        return [0, r >= 0 ? r : roles.length];
      }
      return [t.name === 'MainThread' ? 1 : 2, 0];
    };
    const keyed = threads.map((t, i) => ({t, i, r: rank(t)}));
    keyed.sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] ||
        (a.t.role && b.t.role ? natural(a.t.role, b.t.role) : 0) ||
        (a.t.role ? trailingNumber(a.t.name) - trailingNumber(b.t.name) : 0) ||
        natural(a.t.name, b.t.name) || a.i - b.i);
    return keyed.map((k) => k.i);
  }

  // The blob's timeline -> rows in display order, with `forcings` re-indexed to them.
  function build(tl, roles) {
    const perm = order(tl.threads, roles || []), where = new Array(perm.length);
    perm.forEach((from, to) => { where[from] = to; });
    const rows = perm.map((i) => {
      const t = tl.threads[i];
      return {name: t.name, role: t.role || '', holds: L.decode(t.holds), waits: L.decode(t.waits),
              natives: L.decode(t.natives), kernels: t.native_kernels || [],
              handoffs: L.decode(t.handoffs || []), drops: t.drops || [], forced: t.forced || [],
              marks: t.marks || [], held: t.held_fraction, coverage: t.coverage,
              lost: t.lost || 0, holdStacks: t.hold_stacks || [], waitStacks: t.wait_stacks || []};
    });
    const forcings = (tl.forcings || []).map(([w, request, h, release]) =>
        ({waiter: where[w], request, holder: where[h], release}));
    return {W: Math.max(1, tl.window_ns), detailEnd: tl.detail_end_ns, rows, forcings,
            kernels: tl.kernels || [], labels: tl.labels || []};
  }

  // Span lookups shared by explain.js and story.js; times are integer ns.
  // Index of the span of `sp` containing t, or -1.
  function spanAt(sp, t) {
    const k = L.firstEndingAfter(sp.e, t);
    return k < sp.b.length && sp.b[k] <= t ? k : -1;
  }
  // Index of the last span ending at or before t, or -1.
  const lastEndingBy = (sp, t) => L.firstEndingAfter(sp.e, t + 0.5) - 1;
  // Index of the first span beginning at or after t, or sp.b.length.
  const firstBeginningFrom = (sp, t) => L.firstEndingAfter(sp.b, t);

  GH.model = {order, build, spanAt, lastEndingBy, firstBeginningFrom};
})(globalThis.GH = globalThis.GH || {});
