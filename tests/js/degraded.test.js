// The banner of missing data and the status badge: green only when nothing is missing.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {load} = require('./load.js');

const GH = load('format.js', 'degraded.js');
const D = GH.degraded;

const checks = (extra) => ({holder_changes: 4, switch_number_delta: 4, window_ns: 10, held_ns: 6,
                            free_ns: 4, overlapping_holds: 0, lost_events: 0, malformed_events: 0,
                            ...extra});
const data = (recordings, header = {}, more = {}) =>
    ({header: {status: 'complete', ...header}, traced: true, summaries: [], recordings, ...more});

test('a complete run with every check passing is green and has no banner', () => {
  const d = data([{label: 'cpu=2 · run 1', checks: checks()}]);
  assert.deepEqual(D.items(d), []);
  assert.deepEqual(D.badge(d, []), {text: 'complete', level: 'ok'});
});

test('lost events turn the badge red and are named first', () => {
  const d = data([{label: 'cpu=2 · run 1', checks: checks({lost_events: 1_490_000})},
                  {label: 'cpu=2 · run 2', checks: checks()}]);
  const items = D.items(d);
  assert.equal(items[0].level, 'bad');
  assert.equal(items[0].text, '1,490,000 events lost (a trace buffer was full) in cpu=2 · run 1: ' +
               'the GIL figures there are incomplete. Raise --trace-buffer.');
  assert.deepEqual(D.badge(d, items), {text: 'complete · data missing', level: 'bad'});
});

test('a partial run, failed cross-checks and untraced GILs are listed', () => {
  const d = data([{label: 'a', checks: checks({switch_number_delta: 5, untraced_gils: 2})}],
                 {status: 'interrupted', status_line: 'the run was interrupted; exit status 130'});
  const texts = D.items(d).map((x) => x.text);
  assert.equal(texts[0], 'PARTIAL RESULTS: the run was interrupted; exit status 130; the ' +
               'measured window was cut short.');
  assert.ok(texts.includes('2 GILs not traced in a: threads on them look idle.'), String(texts));
  assert.ok(texts.some((t) => t.startsWith('Cross-check ✗ (holder changes ≠ switch_number Δ')));
  assert.equal(D.badge(d, D.items(d)).text, 'interrupted');
});

test('a busy machine, report warnings and outlier notes are warnings, not green', () => {
  const d = data([{label: 'a', checks: checks({off_cpu_fraction: 0.31, off_cpu_threshold: 0.1})}],
                 {warnings: ['the machine was busy']},
                 {summaries: [{notes: ['calls/s min … max: cpu 1 … 2',
                                       'warning: run 3 is an outlier (352 calls/s, median 698)']}]});
  const items = D.items(d);
  assert.deepEqual(items.map((x) => x.level), ['warn', 'warn', 'warn']);
  assert.match(items[0].text, /^Busy machine: the GIL's holder was off-CPU for up to 31\.0 %/);
  assert.equal(items[1].text, 'the machine was busy');
  assert.equal(items[2].text, 'run 3 is an outlier (352 calls/s, median 698)');
  assert.deepEqual(D.badge(d, items), {text: 'complete · with warnings', level: 'warn'});
});

test('an untraced run is a warning', () => {
  const d = data([], {}, {traced: false});
  assert.equal(D.items(d).length, 1);
  assert.equal(D.badge(d, D.items(d)).level, 'warn');
});

test('long lists of recordings are shortened', () => {
  assert.equal(D.where(['a', 'b', 'c', 'd', 'e']), 'a, b, c and 2 more');
});
