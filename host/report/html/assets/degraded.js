// What the data is missing, for the banner at the top of a page and its status badge: the badge
// is green only for a complete run with nothing missing. Pure: no DOM.
//
// Besides the run status and the cross-checks of every recording, it reads, when present,
// checks.untraced_gils (GILs that existed in the window but were not traced),
// checks.off_cpu_fraction with checks.off_cpu_threshold (the share of held time the holder was
// runnable but not running, and the level that calls the machine busy), and header.warnings
// (report-level warnings as sentences).
(function (GH) {
  'use strict';
  const ns = (v) => GH.fmt.ns(v);

  const where = (labels) => labels.length > 3
      ? `${labels.slice(0, 3).join(', ')} and ${labels.length - 3} more` : labels.join(', ');

  // [{level: 'bad' | 'warn', text}], worst first.
  function items(data) {
    const h = data.header || {}, out = [];
    if (h.status && h.status !== 'complete') {
      out.push({level: 'bad', text: `PARTIAL RESULTS: ${h.status_line || h.status}; the ` +
                'measured window was cut short.'});
    }
    const recs = (data.recordings || []).filter((r) => r.checks);
    const failing = (test) => recs.filter((r) => test(r.checks)).map((r) => r.label);
    const lost = recs.reduce((a, r) => a + (r.checks.lost_events || 0), 0);
    if (lost) {
      out.push({level: 'bad', text: `${lost.toLocaleString('en')} events lost (a trace buffer ` +
                `was full) in ${where(failing((c) => c.lost_events > 0))}: the GIL figures there ` +
                'are incomplete. Raise --trace-buffer.'});
    }
    const untraced = recs.reduce((a, r) => a + (r.checks.untraced_gils || 0), 0);
    if (untraced) {
      out.push({level: 'bad', text: `${untraced} GIL${untraced > 1 ? 's' : ''} not traced in ` +
                `${where(failing((c) => c.untraced_gils > 0))}: threads on them look idle.`});
    }
    const rules = [
      // CPython's switch_number counts thread-state switches (older data: holder changes).
      [(c) => (c.thread_state_switches ?? c.holder_changes) !== c.switch_number_delta,
       'holder changes ≠ switch_number Δ: some changes of the GIL\'s holder were not seen'],
      [(c) => c.held_ns + c.free_ns !== c.window_ns, 'held + free ≠ window'],
      [(c) => c.overlapping_holds > 0, 'overlapping holds: two threads seemed to hold the GIL'],
      [(c) => c.malformed_events > 0, 'malformed events in the trace'],
    ];
    for (const [test, text] of rules) {
      const labels = failing(test);
      if (labels.length) out.push({level: 'bad', text: `Cross-check ✗ (${text}) in ${where(labels)}.`});
    }
    const busy = failing((c) => c.off_cpu_fraction > (c.off_cpu_threshold ?? Infinity));
    if (busy.length) {
      const worst = Math.max(...recs.map((r) => r.checks.off_cpu_fraction || 0));
      out.push({level: 'warn', text: `Busy machine: the GIL's holder was off-CPU for up to ` +
                `${(100 * worst).toFixed(1)} % of its held time in ${where(busy)}; comparisons ` +
                'there are distorted. Close other programs or use --runs.'});
    }
    for (const w of h.warnings || []) out.push({level: 'warn', text: w});
    for (const s of data.summaries || []) {
      for (const n of s.notes || [])
        if (n.startsWith('warning')) out.push({level: 'warn', text: n.replace(/^warning: /, '')});
    }
    if (data.traced === false) {
      out.push({level: 'warn', text: 'The GIL was not traced (--no-trace): there are no GIL figures.'});
    }
    return out;
  }

  // The badge: {text, level: 'ok' | 'warn' | 'bad'}.
  function badge(data, list) {
    const status = (data.header && data.header.status) || 'complete';
    if (list.some((x) => x.level === 'bad')) {
      return {text: status === 'complete' ? 'complete · data missing' : status, level: 'bad'};
    }
    if (list.length) return {text: status + ' · with warnings', level: 'warn'};
    return {text: status, level: 'ok'};
  }

  GH.degraded = {items, badge, where, ns};
})(globalThis.GH = globalThis.GH || {});
