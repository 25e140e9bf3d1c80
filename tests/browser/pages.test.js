// Degraded data at the top of the page, the sweep page, and the page from 700 px to a projector
// and on paper, in a real browser.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {launch, open, gilhost} = require('./browser.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gilhost-pages-'));
const lost = path.join(tmp, 'lost.html'), sweep = path.join(tmp, 'sweep.html');
let browser;

test.before(async () => {
  // Two threads emitting events faster than a small trace buffer drains: events are lost.
  gilhost('run', '--quiet', '--workers', 'tight=2', '--calls', '10', '--trace-buffer', '1024',
          '--html', lost, 'tests/e2e/scripts/faults.py');
  gilhost('sweep', '--quiet', '--switch-interval', '1ms,5ms', '--runs', '2', '--duration', '100ms',
          '--workers', 'cpu=1,io=1', '--latency-role', 'io', '--throughput-role', 'cpu',
          '--html', sweep, 'experiments/convoy.py');
  browser = await launch();
});
test.after(async () => {
  if (browser) await browser.close();
  fs.rmSync(tmp, {recursive: true, force: true});
});

test('lost events: the badge is not green and the banner says so first', async () => {
  const {page, errors} = await open(browser.context, lost);
  assert.deepEqual(errors, []);
  const badge = page.locator('#status-badge');
  assert.equal(await badge.textContent(), 'complete · data missing');
  assert.equal(await badge.getAttribute('class'), 'status bad');
  const first = await page.locator('#degraded li').first().textContent();
  assert.match(first, /^[\d,]+ events lost \(a trace buffer was full\) in tight=2 · run 1: .*Raise --trace-buffer\.$/);
  // The banner sits in the header, above the summary.
  const [banner, summary] = await Promise.all(['#degraded', '#summary'].map(
      (s) => page.locator(s).boundingBox()));
  assert.ok(banner.y < summary.y);
  await page.close();
});

test('the sweep page: the report\'s header and style, caveats in the banner, error bars', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('file://' + sweep);
  await page.waitForSelector('#status-badge');
  assert.deepEqual(errors, []);
  assert.equal(await page.textContent('.brand'), 'gilhost sweep');
  const pre = await page.textContent('pre');
  const warnings = pre.split('\n').filter((l) => l.includes('warning: ')).length;
  const items = await page.locator('#degraded li').allTextContents();
  assert.equal(items.length, warnings, items.join('\n'));
  assert.equal(await page.textContent('#status-badge'),
               warnings ? 'complete · with warnings' : 'complete');
  // Two runs per point: every point of every chart has its min … max bar.
  assert.equal(await page.locator('svg.chart path.errbar').count(),
               await page.locator('svg.chart circle').count());
  // The same palette as the run report.
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement)
      .getPropertyValue('--held').trim()), '#3566b0');
  await page.close();
});

test('from 700 px to a projector nothing overflows sideways, and print drops the controls', async () => {
  for (const width of [700, 1920]) {
    const {page, errors} = await open(browser.context, lost, {width, height: 900});
    const [scroll, inner] = await page.evaluate(() =>
        [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= inner, `${width} px: the page is ${scroll} px wide`);
    assert.deepEqual(errors, []);
    if (width === 700) {
      await page.emulateMedia({media: 'print'});
      assert.equal(await page.evaluate(() =>
          getComputedStyle(document.getElementById('timeline-nav')).display), 'none');
    }
    await page.close();
  }
});
