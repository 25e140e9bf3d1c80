// The HTML report in a real browser: pages from real gilhost runs load without a console error
// or a network request, and the timeline zooms, pans, answers keys, switches recordings and
// reads out what lies under the pointer.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {launch, open, gilhost} = require('./browser.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gilhost-browser-'));
const pages = {};
let browser;

test.before(async () => {
  // The convoy experiment: an I/O thread behind two CPU threads, and alone (two recordings).
  pages.convoy = path.join(tmp, 'convoy.html');
  gilhost('run', '--quiet', '--duration', '300ms', '--html', pages.convoy, 'experiments/convoy.py');
  browser = await launch();
});
test.after(async () => {
  if (browser) await browser.close();
  fs.rmSync(tmp, {recursive: true, force: true});
});

const view = (page) => page.evaluate(() => ({v0: GH.tl.v0, v1: GH.tl.v1, W: GH.tl.W}));

test('the convoy report loads with no console error and no request', async () => {
  const {page, errors} = await open(browser.context, pages.convoy);
  assert.deepEqual(errors, []);
  assert.match(await page.textContent('h1'), /convoy\.py/);
  assert.equal(await page.locator('#summary-body table').count(), 2);  // two configurations
  await page.close();
});

test('the timeline zooms with the wheel and pans by dragging', async () => {
  const {page} = await open(browser.context, pages.convoy);
  const canvas = page.locator('#timeline-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const whole = await view(page);
  assert.equal(whole.v0, 0);
  assert.equal(whole.v1, whole.W);
  await page.mouse.move(box.x + box.width / 2, box.y + 50);
  await page.mouse.wheel(0, -600);
  await page.waitForFunction((w) => GH.tl.v1 - GH.tl.v0 < w, whole.W);
  const zoomed = await view(page);
  assert.ok(zoomed.v1 - zoomed.v0 < whole.W / 2, JSON.stringify(zoomed));
  await page.mouse.move(box.x + box.width / 2, box.y + 50);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 200, box.y + 50, {steps: 4});
  await page.mouse.up();
  const panned = await view(page);
  assert.ok(panned.v0 > zoomed.v0, 'dragging left shows later times');
  assert.ok(Math.abs((panned.v1 - panned.v0) - (zoomed.v1 - zoomed.v0)) < 1, 'same zoom');
  await canvas.dblclick({position: {x: box.width / 2, y: 50}});
  assert.deepEqual(await view(page), whole);
  await page.close();
});

test('keys zoom, pan and reset the timeline', async () => {
  const {page} = await open(browser.context, pages.convoy);
  const whole = await view(page);
  await page.keyboard.press('+');
  let v = await view(page);
  assert.ok(Math.abs((v.v1 - v.v0) - whole.W / 2) < 1, JSON.stringify(v));
  await page.keyboard.press('ArrowRight');
  const right = await view(page);
  assert.ok(Math.abs(right.v0 - (v.v0 + (v.v1 - v.v0) / 4)) < 1, JSON.stringify(right));
  await page.keyboard.press('-');
  await page.keyboard.press('0');
  assert.deepEqual(await view(page), whole);
  await page.close();
});

test('the selector switches recordings', async () => {
  const {page} = await open(browser.context, pages.convoy);
  const options = await page.locator('#recording-select option').allTextContents();
  assert.equal(options.length, 2);
  assert.ok(options.every((o) => / · run 1$/.test(o)), String(options));
  // It opens on the recording where the GIL changed hands most: the one with CPU threads.
  assert.match(await page.textContent('#timeline-label'), /cpu=2/);
  const busyRows = await page.evaluate(() => GH.tl.rows.map((r) => r.name));
  await page.selectOption('#recording-select', {index: options.findIndex((o) => !/cpu/.test(o))});
  assert.match(await page.textContent('#timeline-label'), /io=1 · run 1/);
  const aloneRows = await page.evaluate(() => GH.tl.rows.map((r) => r.name));
  assert.ok(busyRows.includes('cpu-0') && busyRows.includes('io-0'), String(busyRows));
  assert.ok(!aloneRows.includes('cpu-0') && aloneRows.includes('io-0'), String(aloneRows));
  await page.close();
});

test('the tooltip reads out the hold under the pointer', async () => {
  const {page} = await open(browser.context, pages.convoy);
  await page.locator('#timeline-canvas').scrollIntoViewIfNeeded();
  // The longest hold of any thread, and where it is drawn: the widest slice on the canvas (a
  // thread's own longest hold can be narrower than a pixel when the machine is busy).
  const target = await page.evaluate(() => {
    const S = GH.tl;
    let best = {i: 0, k: 0, d: -1};
    S.rows.forEach((row, i) => {
      const h = row.holds;
      for (let j = 0; j < h.b.length; j++) {
        if (h.e[j] - h.b[j] > best.d) best = {i, k: j, d: h.e[j] - h.b[j]};
      }
    });
    const h = S.rows[best.i].holds, k = best.k;
    const r = S.canvas.getBoundingClientRect();
    return {x: r.left + S.xOf((h.b[k] + h.e[k]) / 2), y: r.top + S.rowY(best.i) + S.ROW_H / 2,
            name: S.rows[best.i].name,
            stack: GH.stackText(S.rows[best.i].holdStacks[k], ' until it let go in '),
            text: `holds the GIL${GH.stackText(S.rows[best.i].holdStacks[k],
                ' until it let go in ')}: ${GH.fmt.ns(h.e[k] - h.b[k])}, from ${S.fmtT(h.b[k])}`};
  });
  await page.mouse.move(target.x, target.y);
  await page.waitForFunction(() => !GH.tl.tip.hidden);
  const tip = await page.textContent('#timeline-tip');
  assert.ok(tip.startsWith(`${target.name} · `), tip);
  assert.ok(tip.includes(target.text), `${tip} lacks ${target.text}`);
  // The longest hold is a worker's: the tooltip names the code that let it go (unless the hold
  // was still open at the window's end, with no release and so no stack yet).
  const stacks = await page.evaluate(() => GH.tl.rows.flatMap((r) => r.holdStacks));
  assert.ok(stacks.some((id) => id > 0));
  assert.ok(target.stack === '' || / until it let go in (cpu|io) \(/.test(target.stack),
            target.stack);
  await page.close();
});

test('the flame graphs draw the stacks and zoom into a frame', async () => {
  const {page, errors} = await open(browser.context, pages.convoy);
  assert.deepEqual(errors, []);
  const holds = page.locator('#flames-body .flame').first();
  await holds.scrollIntoViewIfNeeded();
  const names = await holds.locator('.flame-cell').allTextContents();
  assert.equal(names[0], 'all');
  assert.ok(names.includes('cpu-0'), names.slice(0, 12).join(' | '));
  assert.ok(names.some((n) => n.startsWith('cpu (')), names.slice(0, 12).join(' | '));
  // A click on a thread's frame makes it the whole width.
  const cell = holds.locator('.flame-cell', {hasText: /^cpu-0$/}).first();
  await cell.click();
  const top = holds.locator('.flame-row').first().locator('.flame-cell');
  assert.equal(await top.count(), 1);
  assert.equal(await top.textContent(), 'cpu-0');
  assert.match(await top.getAttribute('style'), /width: 100(\.000)?%/);
  await page.close();
});
