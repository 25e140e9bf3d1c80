// Units and scales of the report pages: durations as the text report prints them, times at the
// resolution a zoom level can tell apart, and the ticks of a time axis. Pure: no DOM.
(function (GH) {
  'use strict';
  const UNITS = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];
  // A figure with no sample: the text report's "–", never "0 ns".
  const MISSING = '–';

  // The unit a value is shown in: the largest that keeps it >= 1 (ns below 1 µs).
  function unitOf(ns) {
    return UNITS.find(([scale]) => Math.abs(ns) >= scale) || UNITS[UNITS.length - 1];
  }

  // Durations with three significant digits, as cli::format_ns, with a real µ.
  function ns(value) {
    if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
    const [scale, unit] = unitOf(value);
    if (scale === 1) return Math.round(value) + ' ns';
    const v = value / scale, a = Math.abs(v);
    return v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2) + ' ' + unit;
  }

  // The C++ side writes "us"; pages show "µs".
  const micro = (text) => String(text).replace(/(\d) us\b/g, '$1 µs');

  // A time since the window start with as many decimals as one pixel (nsPerPx) can tell apart.
  function at(t, nsPerPx) {
    const [scale, unit] = unitOf(t);
    const d = Math.min(6, Math.max(0, Math.ceil(Math.log10(scale / Math.max(nsPerPx, 1)))));
    return (t / scale).toFixed(d) + ' ' + unit;
  }

  // A signed offset such as "+5.00 ms", from a reference time (the sentences of explain.js).
  const offset = (dt) => (dt < 0 ? '−' : '+') + ns(Math.abs(dt));

  // Ticks of [v0, v1] drawn `widthPx` wide, about one per `spacingPx`: steps of 1, 2 or 5 × 10^k,
  // labels in one unit chosen by the right edge, with the decimals the step needs.
  function ticks(v0, v1, widthPx, spacingPx = 120) {
    const span = v1 - v0, target = Math.max(2, widthPx / spacingPx);
    if (!(span > 0)) return [];
    const raw = span / target, p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw * (1 - 1e-12));
    const [scale, unit] = unitOf(v1);
    const d = Math.min(9, Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-9)));
    const out = [];
    for (let k = Math.ceil(v0 / step - 1e-9); k * step <= v1 * (1 + 1e-12); k++) {
      const t = k * step;
      out.push({t, label: (t / scale).toFixed(d) + ' ' + unit});
    }
    return out;
  }

  // Counts in a narrow space: 950, 97.5k, 1.49M.
  function count(n) {
    if (n < 1000) return String(n);
    if (n < 1e6) return (n / 1e3).toFixed(n < 1e4 ? 2 : n < 1e5 ? 1 : 0) + 'k';
    return (n / 1e6).toFixed(n < 1e7 ? 2 : n < 1e8 ? 1 : 0) + 'M';
  }

  GH.fmt = {count, MISSING, unitOf, ns, micro, at, offset, ticks};
})(globalThis.GH = globalThis.GH || {});
