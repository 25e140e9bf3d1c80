// Row order, "Explain this moment" sentences and the jump lists, on hand-made timelines.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {load} = require('./load.js');

const GH = load('format.js', 'layout.js', 'model.js', 'explain.js', 'story.js');

// Absolute [begin, end] spans -> the blob's [gap, length, ...] encoding.
function pairs(spans) {
  const out = [];
  let last = 0;
  for (const [b, e] of spans) { out.push(b - last, e - b); last = e; }
  return out;
}
function thread(name, role, spans) {
  return {name, role, holds: pairs(spans.holds || []), waits: pairs(spans.waits || []),
          natives: pairs(spans.natives || []), native_kernels: spans.kernels || [],
          handoffs: pairs(spans.handoffs || []), drops: spans.drops || [],
          forced: spans.forced || [], marks: []};
}

// cpu-1 waits 5.021 ms while cpu-0 holds; its drop request at +5.00 ms forces cpu-0 to let go
// 12 µs later, and cpu-1 takes the GIL 9 µs after that. Then cpu-1 releases voluntarily to run
// the native section "sleep", and cpu-0 takes it back.
const forcedTimeline = {
  window_ns: 20_000_000, detail_end_ns: 20_000_000, kernels: ['sleep'], labels: [],
  threads: [
    thread('cpu-1', 'cpu', {waits: [[1_000_000, 6_021_000]], drops: [6_000_000],
                            holds: [[6_021_000, 8_000_000]], natives: [[8_000_050, 9_000_000]],
                            kernels: [0]}),
    thread('cpu-0', 'cpu', {holds: [[0, 6_012_000], [8_000_020, 20_000_000]],
                            waits: [[6_012_000, 8_000_020]], forced: [6_012_000]}),
  ],
  forcings: [[0, 6_000_000, 1, 6_012_000]],
};

test('rows: workers by role in --workers order and by index, then MainThread, then by name', () => {
  const threads = [{name: 'cpu-10', role: 'cpu'}, {name: 'Thread-10', role: ''},
                   {name: 'io-0', role: 'io'}, {name: 'cpu-2', role: 'cpu'},
                   {name: 'MainThread', role: ''}, {name: 'Thread-2', role: ''},
                   {name: 'cpu-0', role: 'cpu'}, {name: 'x-1', role: 'x'}];
  const names = (roles) => GH.model.order(threads, roles).map((i) => threads[i].name);
  assert.deepEqual(names(['io', 'cpu']),
                   ['io-0', 'cpu-0', 'cpu-2', 'cpu-10', 'x-1', 'MainThread', 'Thread-2', 'Thread-10']);
  assert.deepEqual(names(['cpu', 'io']).slice(0, 5), ['cpu-0', 'cpu-2', 'cpu-10', 'io-0', 'x-1']);
  // The recorded order does not matter: the same threads in reverse give the same rows.
  const reversed = [...threads].reverse();
  assert.deepEqual(GH.model.order(reversed, ['io', 'cpu']).map((i) => reversed[i].name),
                   names(['io', 'cpu']));
});

test('rows: the forcings follow the threads to their rows', () => {
  const m = GH.model.build(forcedTimeline, ['cpu']);
  assert.deepEqual(m.rows.map((r) => r.name), ['cpu-0', 'cpu-1']);
  assert.deepEqual(m.forcings, [{waiter: 1, request: 6_000_000, holder: 0, release: 6_012_000}]);
});

test('a wait ended by its own drop request, in one sentence', () => {
  const m = GH.model.build(forcedTimeline, ['cpu']);
  assert.equal(GH.explain.wait(m, 1, 0),
               'cpu-1 waited 5.02 ms. At +5.00 ms it asked cpu-0 to drop the GIL (drop request); ' +
               'cpu-0 let go 12.0 µs later at its next eval-breaker check (forced); cpu-1 took the ' +
               'GIL 9.00 µs after that.');
});

test('the forced hold, told from the holder\'s side', () => {
  const m = GH.model.build(forcedTimeline, ['cpu']);
  assert.equal(GH.explain.hold(m, 0, 0),
               'cpu-0 held the GIL 6.01 ms, from 0 ns to 6.01 ms (it held it when the window ' +
               'opened). At +6.00 ms cpu-1 asked it to drop the GIL (drop request); it let go ' +
               '12.0 µs later at its next eval-breaker check (forced); cpu-1 took the GIL 9.00 µs ' +
               'after that.');
});

test('a voluntary release names the native section that followed it', () => {
  const m = GH.model.build(forcedTimeline, ['cpu']);
  assert.equal(GH.explain.hold(m, 1, 0),
               'cpu-1 held the GIL 1.98 ms, from 6.02 ms to 8.00 ms. It had waited 5.02 ms for ' +
               'it; cpu-0 had released it 9.00 µs before. At +1.98 ms it released the GIL ' +
               'voluntarily, to run the native section sleep (GIL released); cpu-0 took the GIL ' +
               '20 ns after that.');
  assert.match(GH.explain.wait(m, 0, 0), /At \+1\.99 ms cpu-1 released the GIL voluntarily, to run the native section sleep/);
});

test('without a native section the release is a blocking call, and an open hold says so', () => {
  const tl = structuredClone(forcedTimeline);
  tl.threads[0] = thread('cpu-1', 'cpu', {waits: [[1_000_000, 6_021_000]], drops: [6_000_000],
                                          holds: [[6_021_000, 8_000_000]]});
  const m = GH.model.build(tl, ['cpu']);
  assert.match(GH.explain.hold(m, 1, 0), /released the GIL voluntarily, in a blocking call \(time\.sleep, I\/O/);
  assert.match(GH.explain.hold(m, 0, 1), /It still held the GIL when the window closed\.$/);
});

test('a wait through several holders counts the changes and the requests that went unanswered', () => {
  // io-0 waits [1, 10] ms; cpu-0 and cpu-1 pass the GIL between them; io-0's request at 6 ms
  // is answered by cpu-1 taking over; its request at 9.5 ms forces cpu-0 at 10 ms.
  const tl = {
    window_ns: 20_000_000, detail_end_ns: 20_000_000, kernels: [], labels: [],
    threads: [
      thread('io-0', 'io', {waits: [[1_000_000, 10_000_010]], drops: [6_000_000, 9_500_000],
                            holds: [[10_000_010, 10_000_020]]}),
      thread('cpu-0', 'cpu', {holds: [[0, 6_000_100], [8_000_000, 10_000_000]], forced: [10_000_000]}),
      thread('cpu-1', 'cpu', {holds: [[6_000_200, 8_000_000]],
                              handoffs: [[8_000_000, 8_000_000]]}),
    ],
    forcings: [[0, 6_000_000, 1, 6_000_100], [0, 9_500_000, 1, 10_000_000]],
  };
  const m = GH.model.build(tl, ['cpu', 'io']);
  assert.deepEqual(m.rows.map((r) => r.name), ['cpu-0', 'cpu-1', 'io-0']);
  const s = GH.explain.wait(m, 2, 0);
  assert.ok(s.startsWith('io-0 waited 9.00 ms. Meanwhile the GIL changed hands 2 times ' +
                         '(cpu-0 → cpu-1 → cpu-0). At +8.50 ms it asked cpu-0 to drop the GIL'), s);
  assert.match(s, /io-0 took the GIL 10 ns after that\. Its drop request at \+5\.00 ms was not the one/);
});

test('explain.at finds the hold or wait under a time', () => {
  const m = GH.model.build(forcedTimeline, ['cpu']);
  assert.deepEqual(GH.explain.at(m, 1, 3_000_000), {kind: 'wait', k: 0, b: 1_000_000, e: 6_021_000});
  assert.deepEqual(GH.explain.at(m, 1, 7_000_000), {kind: 'hold', k: 0, b: 6_021_000, e: 8_000_000});
  assert.equal(GH.explain.at(m, 1, 500_000), null);
});

test('jump lists: forced switches and drop requests in time order, waits longest first', () => {
  const m = GH.model.build(forcedTimeline, ['cpu']);
  const l = GH.story.lists(m);
  assert.deepEqual(l.forced.map((x) => [x.t, x.row, x.kind, x.k]), [[6_012_000, 0, 'hold', 0]]);
  assert.deepEqual(l.drop.map((x) => [x.t, x.row, x.kind, x.k]), [[6_000_000, 1, 'wait', 0]]);
  assert.deepEqual(l.wait.map((x) => x.e - x.b), [5_021_000, 1_988_020]);
  const S = GH.story;
  assert.equal(S.step(l.wait, 'wait', undefined, 0, 1), 0);
  assert.equal(S.step(l.wait, 'wait', 0, 0, 1), 1);
  assert.equal(S.step(l.wait, 'wait', 1, 0, 1), -1);
  assert.equal(S.step(l.drop, 'drop', undefined, 0, 1), 0);
  assert.equal(S.step(l.drop, 'drop', undefined, 6_000_000, 1), -1);
  assert.equal(S.step(l.drop, 'drop', undefined, 7_000_000, -1), 0);
});

test('past the exact events of a long recording, an account stops and says so', () => {
  const tl = {...structuredClone(forcedTimeline), detail_end_ns: 7_000_000};
  const m = GH.model.build(tl, ['cpu']);
  assert.equal(GH.explain.hold(m, 1, 0),
               'cpu-1 held the GIL 1.98 ms, from 6.02 ms to 8.00 ms. It had waited 5.02 ms for ' +
               'it; cpu-0 had released it 9.00 µs before. The exact events end at 7.00 ms (a ' +
               'long recording): what followed is only drawn as shares per bin.');
  assert.match(GH.explain.wait(m, 1, 0), /cpu-1 took the GIL 9\.00 µs after that\.$/);
});

test('a release forced by several requests is one forced switch', () => {
  const tl = structuredClone(forcedTimeline);
  tl.threads[0].drops = [5_000_000, 6_000_000];
  tl.forcings = [[0, 5_000_000, 1, 6_012_000], [0, 6_000_000, 1, 6_012_000]];
  const l = GH.story.lists(GH.model.build(tl, ['cpu']));
  assert.deepEqual(l.forced.map((x) => [x.t, x.b, x.e, x.focus]),
                   [[6_012_000, 0, 6_012_000, [5_000_000, 6_012_000]]]);
  assert.equal(l.drop.length, 2);
});

test('focus puts a span in the middle half of the view', () => {
  assert.deepEqual(GH.story.focus(1000, 2000, 10_000, 100), {v0: 500, v1: 2500});
  assert.deepEqual(GH.story.focus(0, 10, 10_000, 100), {v0: 0, v1: 100});
});

test('a forced releaser\'s hand-off, a late release and a repeated request are told', () => {
  const tl = {
    window_ns: 30_000_000, detail_end_ns: 30_000_000, kernels: [], labels: [],
    threads: [
      thread('cpu-0', 'cpu', {holds: [[0, 12_000_000]], handoffs: [[12_000_000, 12_050_000]]}),
      thread('cpu-1', 'cpu', {waits: [[1_000_000, 12_000_040]], drops: [6_000_000, 11_000_000],
                              holds: [[12_000_040, 30_000_000]]}),
    ],
    forcings: [[1, 6_000_000, 0, 12_000_000], [1, 11_000_000, 0, 12_000_000]],
  };
  const m = GH.model.build(tl, ['cpu']);
  assert.equal(GH.explain.wait(m, 1, 0),
               'cpu-1 waited 11.0 ms. At +5.00 ms it asked cpu-0 to drop the GIL (drop request; 1 ' +
               'more before it let go: it at +10.0 ms); cpu-0 let go 6.00 ms later at its next eval-breaker ' +
               'check (forced) — long for an eval-breaker check, which running Python code ' +
               'reaches every few µs: the holder was probably off-CPU or in a long C call; cpu-1 ' +
               'took the GIL 40 ns after that; cpu-0 waited 50.0 µs in its hand-off ' +
               '(FORCE_SWITCHING: a forced releaser waits until another thread has the GIL).');
});
