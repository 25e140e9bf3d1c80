// Where spans land at a zoom level: shares per pixel, short spans kept visible and counted.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {load} = require('./load.js');

const L = load('layout.js').layout;

test('spans decode from [gap, length, ...] relative to the previous end', () => {
  const {b, e} = L.decode([10, 5, 0, 2, 100, 1]);
  assert.deepEqual([...b], [10, 15, 117]);
  assert.deepEqual([...e], [15, 17, 118]);
});

test('coverage levels decode to shares', () => {
  const levels = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  assert.deepEqual([...L.decodeLevels('0_', levels)], [0, 1]);
});

test('first span ending after a time, by binary search', () => {
  const e = [10, 20, 30];
  assert.equal(L.firstEndingAfter(e, 0), 0);
  assert.equal(L.firstEndingAfter(e, 20), 1);
  assert.equal(L.firstEndingAfter(e, 21), 2);
  assert.equal(L.firstEndingAfter(e, 31), 3);
});

test('a pixel column holds the share of its time the spans cover', () => {
  const view = {v0: 0, v1: 100, width: 10};  // 10 ns per pixel
  const sp = L.decode([0, 25, 25, 10]);      // [0, 25) and [50, 60)
  const {share, count} = L.spanShares(sp, view, 10);
  assert.deepEqual([...share].map((x) => Math.round(x * 100) / 100), [1, 1, 0.5, 0, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual([...count], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
});

test('spans narrower than a pixel add up and are counted', () => {
  const view = {v0: 0, v1: 1_000_000, width: 100};  // 10 µs per pixel
  // Five 100 ns holds inside pixel 3, one 1 ns hold in pixel 50.
  const pairs = [30_000, 100, 100, 100, 100, 100, 100, 100, 100, 100, 470_000 - 900, 1];
  const {share, count} = L.spanShares(L.decode(pairs), view, 100);
  assert.equal(count[3], 5);
  assert.ok(Math.abs(share[3] - 0.05) < 1e-6);
  assert.equal(count[50], 1);
});

test('a column any span touches is at least the minimum mark tall', () => {
  const view = {v0: 0, v1: 1_000_000, width: 100};
  const shares = L.spanShares(L.decode([500_000, 1]), view, 100);  // one 1 ns hold
  const base = new Float32Array(100);
  const cols = L.columns(shares, base, 20, 2);
  assert.deepEqual(cols, [{x: 50, width: 1, base: 0, height: 2}]);
  assert.equal(base[50], 2);
  // Without the minimum, a 1 ns hold in a 10 µs pixel would be 0.002 px tall: invisible.
  assert.deepEqual(L.columns(shares, new Float32Array(100), 20, 0), []);
});

test('equal neighbouring columns are drawn as one rectangle, stacked on the base', () => {
  const view = {v0: 0, v1: 100, width: 10};
  const holds = L.spanShares(L.decode([0, 40]), view, 10);
  const waits = L.spanShares(L.decode([0, 100]), view, 10);
  const base = new Float32Array(10);
  assert.deepEqual(L.columns(holds, base, 20, 2), [{x: 0, width: 4, base: 0, height: 20}]);
  assert.deepEqual(L.columns(waits, base, 20, 2), [{x: 4, width: 6, base: 0, height: 20}]);
});

test('past the exact events, columns take the bins\' mean share', () => {
  const view = {v0: 0, v1: 400, width: 4};
  const shares = {share: new Float32Array(4), count: new Uint32Array(4)};
  L.binShares(Float32Array.from([0, 1, 0.5, 0.5, 0, 0, 1, 1]), 50, view, shares, 2);
  assert.deepEqual([...shares.share], [0, 0, 0, 1]);
  assert.deepEqual([...shares.count], [0, 0, 0, 1]);
});

test('instants fall on pixels, several on one pixel counted once', () => {
  const view = {v0: 0, v1: 100, width: 10};
  assert.deepEqual(L.instants([1, 2, 55, 200], view), [{x: 0, n: 2, i: 0}, {x: 6, n: 1, i: 2}]);
});

test('zoom keeps the time under the cursor, within the window and the minimum span', () => {
  assert.deepEqual(L.zoom({v0: 0, v1: 1000}, 500, 0.5, 1000, 10), {v0: 250, v1: 750});
  assert.deepEqual(L.zoom({v0: 0, v1: 1000}, 0, 2, 1000, 10), {v0: 0, v1: 1000});
  assert.deepEqual(L.clampView(990, 995, 1000, 100), {v0: 900, v1: 1000});
  assert.deepEqual(L.clampView(-50, 50, 1000, 10), {v0: 0, v1: 100});
});

test('mark labels never overprint: right of the mark, else left, else hidden', () => {
  const items = [{x: 10, w: 30}, {x: 20, w: 30}, {x: 100, w: 30}, {x: 190, w: 30}];
  // 10 → [14, 44); 20 → right [24, 54) overlaps, left [-14, 16) is off the plot: hidden;
  // 100 → [104, 134); 190 → right would pass 200, so left: [156, 186).
  assert.deepEqual(L.placeLabels(items, 200), [14, null, 104, 156]);
  const placed = L.placeLabels(items, 200).map((l, i) => l === null ? null : [l, l + items[i].w])
      .filter(Boolean);
  for (let i = 1; i < placed.length; i++) assert.ok(placed[i][0] >= placed[i - 1][1]);
});
