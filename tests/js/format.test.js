// Units and scales: the page prints what the text report prints.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {load} = require('./load.js');

const GH = load('format.js');
const {ns, at, ticks, offset, micro, MISSING} = GH.fmt;

test('durations have three significant digits, as cli::format_ns', () => {
  assert.equal(ns(0), '0 ns');
  assert.equal(ns(999), '999 ns');
  assert.equal(ns(1000), '1.00 µs');
  assert.equal(ns(12_345), '12.3 µs');
  assert.equal(ns(5_020_000), '5.02 ms');
  assert.equal(ns(123_400_000), '123 ms');
  assert.equal(ns(2e9), '2.00 s');
});

test('a figure without a value is "–", never "0 ns"', () => {
  assert.equal(MISSING, '–');
  for (const v of [null, undefined, NaN, Infinity]) assert.equal(ns(v), '–');
});

test('offsets carry their sign', () => {
  assert.equal(offset(5_000_000), '+5.00 ms');
  assert.equal(offset(-12_000), '−12.0 µs');
});

test('"us" from the C++ side reads "µs"', () => {
  assert.equal(micro('p50 12.0 us, 3 us'), 'p50 12.0 µs, 3 µs');
  assert.equal(micro('status'), 'status');
});

test('times have the decimals one pixel can tell apart', () => {
  assert.equal(at(1_234_567, 1000), '1.235 ms');  // 1 µs per pixel: µs resolution
  assert.equal(at(1_234_567, 100_000), '1.2 ms');
  assert.equal(at(1_234_567, 1), '1.234567 ms');
  assert.equal(at(500, 10), '500 ns');
});

test('axis ticks step by 1, 2 or 5 × 10^k in one unit', () => {
  const t = ticks(0, 10_000_000, 1200);  // 10 ms over 1200 px: about 10 ticks
  assert.deepEqual(t.map((x) => x.label).slice(0, 3), ['0 ms', '1 ms', '2 ms']);
  assert.equal(t.length, 11);
  const z = ticks(1_000_000, 1_000_500, 600);  // 500 ns span at 1 ms: labels in ms
  assert.ok(z.length >= 3 && z.length <= 7, String(z.length));
  for (const {t: v, label} of z) {
    assert.ok(v >= 1_000_000 && v <= 1_000_500);
    assert.match(label, /^1\.000\d+ ms$/);
  }
  const labels = z.map((x) => x.label);
  assert.equal(new Set(labels).size, labels.length, 'every label differs');
  assert.deepEqual(ticks(5, 5, 100), []);
});

test('counts fit a row label', () => {
  const {count} = GH.fmt;
  assert.deepEqual([950, 1234, 97_463, 194_927, 1_490_000, 25_000_000].map(count),
                   ['950', '1.23k', '97.5k', '195k', '1.49M', '25.0M']);
});
