// Every asset the build embeds: scripts parse, keep to the one shared global GH, and nothing in
// any asset can end the inline <script> or <style> element it is pasted into.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const {ASSETS} = require('./load.js');

const files = fs.readdirSync(ASSETS).filter((f) => /\.(js|css)$/.test(f));

test('the asset folder holds the page\'s scripts and style sheets', () => {
  for (const f of ['format.js', 'layout.js', 'model.js', 'explain.js', 'story.js', 'degraded.js',
                   'header.js', 'page.js', 'timeline.js', 'timeline_input.js', 'flame.js', 'style.css',
                   'sweep.css']) {
    assert.ok(files.includes(f), f);
  }
});

for (const f of files) {
  const text = fs.readFileSync(path.join(ASSETS, f), 'utf8');
  test(`${f}: safe to inline`, () => {
    assert.doesNotMatch(text, /<\/(script|style)/i);
    assert.doesNotMatch(text, /<!--/);
    assert.doesNotMatch(text, /https?:\/\/|@import|url\(/, 'nothing from the network');
  });
  if (!f.endsWith('.js')) continue;
  test(`${f}: parses, strict, one IIFE on the global GH`, () => {
    assert.doesNotThrow(() => new vm.Script(text, {filename: f}));
    assert.match(text, /^\(function \(GH\) \{\n  'use strict';$/m);
    assert.match(text, /\}\)\(globalThis\.GH = globalThis\.GH \|\| \{\}\);\n$/);
  });
}
