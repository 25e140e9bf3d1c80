// Navigation that tells the story, in a real browser on the convoy experiment: jumps to forced
// switches, drop requests, hand-offs and the longest waits (keys and buttons), click to explain
// and zoom, rows in a stable order, arrows drawn, short holds visible when zoomed out.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {launch, open, gilhost} = require('./browser.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gilhost-story-'));
const file = path.join(tmp, 'convoy.html');
let browser;

test.before(async () => {
  gilhost('run', '--quiet', '--duration', '300ms', '--html', file, 'experiments/convoy.py');
  browser = await launch();
});
test.after(async () => {
  if (browser) await browser.close();
  fs.rmSync(tmp, {recursive: true, force: true});
});

const state = (page) => page.evaluate(() => ({
  v0: GH.tl.v0, v1: GH.tl.v1, cursor: GH.tl.cursor,
  explain: document.getElementById('explain').hidden ? null
      : document.getElementById('explain-text').textContent,
  nav: document.getElementById('nav-status').textContent,
}));

test('rows: by role in --workers order (io first in convoy.py), then index, then the rest', async () => {
  const {page, errors} = await open(browser.context, file);
  assert.deepEqual(await page.evaluate(() => GH.tl.rows.map((r) => r.name)),
                   ['io-0', 'cpu-0', 'cpu-1', 'MainThread']);
  // The blocked matrix and the histograms follow the same order.
  const order = ['io-0', 'cpu-0', 'cpu-1', 'MainThread'];
  const waiters = await page.locator('#blocked-body tbody td.name').allTextContents();
  assert.ok(waiters.length >= 2 && waiters.every((n) => order.includes(n)), String(waiters));
  assert.deepEqual(waiters, order.filter((n) => waiters.includes(n)));
  assert.deepEqual(errors, []);
  await page.close();
});

test('f / F step through the forced switches and explain each from the events', async () => {
  const {page} = await open(browser.context, file);
  const forced = await page.evaluate(() => GH.tl.lists.forced.map((x) => ({t: x.t, row: x.row})));
  assert.ok(forced.length > 5, `${forced.length} forced switches`);
  await page.keyboard.press('f');
  let s = await state(page);
  assert.equal(s.cursor, forced[0].t);
  assert.equal(s.nav, `forced switch 1 of ${forced.length}`);
  assert.ok(s.v0 <= forced[0].t && forced[0].t <= s.v1, 'the view shows it');
  const holder = await page.evaluate((i) => GH.tl.rows[i].name, forced[0].row);
  assert.match(s.explain, new RegExp(`^${holder} held the GIL [0-9.]+ [mµ]?s, from .*` +
      ' asked it to drop the GIL \\(drop request[^)]*\\); it let go [0-9.]+ [nµm]?s later at ' +
      'its next eval-breaker check \\(forced\\)'));
  await page.keyboard.press('f');
  assert.equal((await state(page)).nav, `forced switch 2 of ${forced.length}`);
  await page.keyboard.press('Shift+F');
  s = await state(page);
  assert.equal(s.nav, `forced switch 1 of ${forced.length}`);
  assert.equal(s.cursor, forced[0].t);
  await page.keyboard.press('Escape');
  assert.equal((await state(page)).explain, null);
  await page.close();
});

test('w jumps to the longest wait first; the buttons jump too', async () => {
  const {page} = await open(browser.context, file);
  const longest = await page.evaluate(() => {
    const w = GH.tl.lists.wait[0];
    return {name: GH.tl.rows[w.row].name, text: GH.fmt.ns(w.e - w.b), b: w.b};
  });
  await page.keyboard.press('w');
  const s = await state(page);
  assert.ok(s.explain.startsWith(`${longest.name} waited ${longest.text}`), s.explain);
  assert.match(s.explain, /(took the GIL [0-9.]+ [nµm]?s after that|still waiting when the window closed)/);
  assert.equal(s.cursor, longest.b);
  // The buttons step from the cursor: to the next one, or they say there is none.
  for (const kind of ['drop', 'handoff', 'forced']) {
    const button = page.locator(`button.nav-${kind}[data-dir="1"]`);
    if (!(await page.evaluate((k) => GH.tl.lists[k].length, kind))) {
      assert.ok(await button.isDisabled(), `${kind}: nothing to jump to, the button is disabled`);
      continue;
    }
    const expected = await page.evaluate((k) => {
      const i = GH.story.step(GH.tl.lists[k], k, undefined, GH.tl.cursor, 1);
      return i < 0 ? null : `${i + 1} of ${GH.tl.lists[k].length}`;
    }, kind);
    await button.click();
    const nav = (await state(page)).nav;
    if (expected) assert.ok(nav.endsWith(' ' + expected), `${kind}: ${nav}`);
    else assert.match(nav, /^no .* after /);
  }
  await page.close();
});

test('clicking a wait explains it and zooms to it', async () => {
  const {page} = await open(browser.context, file);
  await page.locator('#timeline-canvas').scrollIntoViewIfNeeded();
  const target = await page.evaluate(() => {
    const S = GH.tl, w = S.lists.wait[0], r = S.canvas.getBoundingClientRect();
    return {x: r.left + S.xOf((w.b + w.e) / 2), y: r.top + S.rowY(w.row) + S.ROW_H / 2,
            b: w.b, e: w.e, name: S.rows[w.row].name};
  });
  await page.mouse.click(target.x, target.y);
  const s = await state(page);
  assert.ok(s.explain.startsWith(`${target.name} waited`), s.explain);
  assert.ok(s.v0 <= target.b && target.e <= s.v1, 'the wait is in view');
  assert.ok(s.v1 - s.v0 <= 2 * (target.e - target.b) + 1, 'zoomed to it');
  assert.deepEqual(await page.evaluate(() => [GH.tl.selected.kind, GH.tl.selected.b]),
                   ['wait', target.b]);
  await page.close();
});

test('every drop-request arrow is drawn and every short hold is visible zoomed out', async () => {
  const {page} = await open(browser.context, file);
  const r = await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => {
    const S = GH.tl, i = S.rows.findIndex((x) => x.name === 'io-0'), h = S.rows[i].holds;
    const dpr = window.devicePixelRatio || 1, y = Math.floor((S.rowY(i) + S.ROW_H - 1) * dpr);
    const px = S.ctx.getImageData(0, y, S.canvas.width, 1).data;
    const track = [0xf0, 0xf2, 0xf5];
    const columns = new Set();
    for (let k = 0; k < h.b.length; k++) columns.add(Math.floor(S.xOf(h.b[k]) * dpr));
    let blank = 0;
    for (const x of columns) {
      const o = 4 * x;
      if (px[o] === track[0] && px[o + 1] === track[1] && px[o + 2] === track[2]) blank++;
    }
    const shortest = Math.min(...Array.from(h.e, (e, k) => e - h.b[k]));
    done({holds: h.b.length, columns: columns.size, blank, shortest, hiddenArrows: S.hiddenArrows,
          forcings: S.model.forcings.length, nsPerPx: (S.v1 - S.v0) / S.plotWidth()});
  })));
  assert.ok(r.holds > 5 && r.shortest < r.nsPerPx / 4, JSON.stringify(r));  // well below a pixel
  assert.equal(r.blank, 0, JSON.stringify(r));
  assert.ok(r.forcings > 0);
  assert.equal(r.hiddenArrows, 0);
  await page.close();
});
