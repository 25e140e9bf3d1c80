// Debian's chromium driven by playwright-core (both installed by scripts/setup.sh), and real
// gilhost runs to load into it. A missing piece fails the test with the fix, never skips it.
'use strict';
const {execFileSync} = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

function fail(what) {
  throw new Error(`gilhost browser test: ${what}: run scripts/setup.sh`);
}

function chromiumPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], {encoding: 'utf8'}).trim();
  } catch {
    return fail('chromium not found on PATH (Debian package chromium)');
  }
}

function playwright() {
  try {
    return require('playwright-core');
  } catch {
    return fail('playwright-core not installed in tests/browser/node_modules');
  }
}

// The flags keep the browser off the network and out of any profile but a fresh one.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--no-first-run'];

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gilhost-chromium-'));
  const context = await playwright().chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(), headless: true, args: FLAGS,
    viewport: {width: 1280, height: 900}, timeout: 60_000,
  });
  const close = async () => {
    await context.close();
    fs.rmSync(profile, {recursive: true, force: true});
  };
  return {context, close};
}

// Opens a page and records every console error and uncaught exception on it.
async function open(context, file, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) errors.push('request ' + r.url()); });
  await page.goto('file://' + file);
  await page.waitForFunction(() => window.GH && GH.tl && GH.tl.rows.length > 0, null,
                             {timeout: 20_000});
  return {page, errors};
}

// One measured run and no warm-up unless a page asks for more: the pages draw one recording per
// run, and repetition is tested by the e2e suites (gilhost_test.py does the same).
function once(args) {
  if (args.some((a) => a === '--runs' || a === '--warmup')) return args;
  return [args[0], '--runs', '1', '--warmup', '0', ...args.slice(1)];
}

function gilhost(...args) {
  const bin = process.env.GILHOST_BIN;
  if (!bin) throw new Error('GILHOST_BIN is not set (ctest sets it)');
  return execFileSync(bin, once(args), {cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
                                  timeout: 120_000});
}

module.exports = {ROOT, launch, open, gilhost, chromiumPath};
