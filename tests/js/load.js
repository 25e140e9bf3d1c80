// Loads the report pages' pure modules (host/report/html/assets) the way the page does: plain
// scripts sharing one global GH. They run in this realm (so that assert's deep equality sees
// ordinary objects and arrays), with no DOM, and GH is taken off the global object afterwards.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const ASSETS = path.join(__dirname, '..', '..', 'host', 'report', 'html', 'assets');

function load(...names) {
  delete globalThis.GH;
  for (const name of names) {
    const file = path.join(ASSETS, name);
    vm.runInThisContext(fs.readFileSync(file, 'utf8'), {filename: file});
  }
  const GH = globalThis.GH;
  delete globalThis.GH;
  return GH;
}

module.exports = {load, ASSETS};
