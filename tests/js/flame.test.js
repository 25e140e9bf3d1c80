// The flame graph's tree: lines merged by frame, sums exact, children largest first.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {load} = require('./load.js');

const GH = load('format.js', 'flame.js');

test('lines merge into a tree whose nodes sum the time below them', () => {
  const root = GH.flame.tree([
    {frames: ['t1', 'main', 'a', 'hog'], ns: 30},
    {frames: ['t1', 'main', 'a'], ns: 5},
    {frames: ['t1', 'main', 'b'], ns: 40},
    {frames: ['t2', 'victim'], ns: 7},
  ]);
  assert.equal(root.ns, 82);
  assert.deepEqual(root.children.map((c) => [c.name, c.ns]), [['t1', 75], ['t2', 7]]);
  const main = root.children[0].children[0];
  assert.deepEqual(main.children.map((c) => [c.name, c.ns]), [['b', 40], ['a', 35]]);
  assert.deepEqual(main.children[1].children.map((c) => [c.name, c.ns]), [['hog', 30]]);
});

test('ties are ordered by name, and an empty list is an empty root', () => {
  const root = GH.flame.tree([{frames: ['z'], ns: 1}, {frames: ['y'], ns: 1}]);
  assert.deepEqual(root.children.map((c) => c.name), ['y', 'z']);
  assert.deepEqual(GH.flame.tree([]), {name: 'all', ns: 0, children: []});
});

test('rows place each frame at its share of the root, and drop slivers', () => {
  const root = GH.flame.tree([{frames: ['t', 'a'], ns: 99_000}, {frames: ['t', 'b'], ns: 1}]);
  const rows = GH.flame.rows(root, 0.002);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[2].map((c) => [c.node.name, c.left, c.width]), [['a', 0, 99_000 / 99_001]]);
});

test('a stack reads innermost first, three frames and an ellipsis', () => {
  GH.data = {stack_texts: {7: ['main', 'a', 'b', 'hog (x.py:5)'], 8: ['victim (x.py:9)']}};
  assert.equal(GH.stackText(7, ' in '), ' in hog (x.py:5) ← b ← a ← …');
  assert.equal(GH.stackText(8, ' in '), ' in victim (x.py:9)');
  assert.equal(GH.stackText(0, ' in '), '');
  assert.equal(GH.stackText(9, ' in '), '');
  delete GH.data;
});
