// "Explain this moment": a sentence built from the events around a hold or a wait, saying who
// asked whom to drop the GIL, when it was let go and why, and who took it. Pure: no DOM.
//
// The mechanism it narrates is CPython 3.12's (Python/ceval_gil.c): a waiter's timed wait on
// gil->cond expires after the switch interval, it sets gil_drop_request (a drop request); the
// holder sees it at its next eval-breaker check and drops the GIL (a forced release); every other
// release is voluntary (a blocking call, a native section, the thread's end).
(function (GH) {
  'use strict';
  const M = GH.model, F = GH.fmt;
  const ns = (v) => F.ns(v);

  // The hold of another row that ended last at or before t (the GIL's previous holder).
  function previousHolder(model, row, t) {
    let best = null;
    model.rows.forEach((r, i) => {
      if (i === row) return;
      const k = M.lastEndingBy(r.holds, t);
      if (k >= 0 && (!best || r.holds.e[k] > best.end)) {
        best = {row: i, k, begin: r.holds.b[k], end: r.holds.e[k]};
      }
    });
    return best;
  }

  // The hold of another row that began first at or after t (the GIL's next holder).
  function nextHolder(model, row, t) {
    let best = null;
    model.rows.forEach((r, i) => {
      if (i === row) return;
      const k = M.firstBeginningFrom(r.holds, t);
      if (k < r.holds.b.length && (!best || r.holds.b[k] < best.begin)) {
        best = {row: i, k, begin: r.holds.b[k], end: r.holds.e[k]};
      }
    });
    return best;
  }

  // Holds of other rows overlapping (b, e), in time order: who had the GIL during a wait.
  function holdersDuring(model, row, b, e) {
    const out = [];
    model.rows.forEach((r, i) => {
      if (i === row) return;
      for (let k = GH.layout.firstEndingAfter(r.holds.e, b + 0.5); k < r.holds.b.length; k++) {
        if (r.holds.b[k] >= e) break;
        out.push({row: i, k, begin: r.holds.b[k], end: r.holds.e[k]});
      }
    });
    return out.sort((x, y) => x.begin - y.begin);
  }

  const forcingOf = (model, row, release) =>
    model.forcings.find((f) => f.holder === row && f.release === release);

  // Why a voluntary release happened: the native section the thread ran right after it (before
  // it held the GIL again), else the kinds of call that release the GIL outside gilhost.
  function whyReleased(model, row, release) {
    const r = model.rows[row], next = M.firstBeginningFrom(r.holds, release + 0.5);
    const until = next < r.holds.b.length ? r.holds.b[next] : Infinity;
    const k = M.firstBeginningFrom(r.natives, release);
    if (k < r.natives.b.length && r.natives.b[k] < until) {
      const id = r.kernels[k], name = model.kernels[id] !== undefined ? model.kernels[id] : '#' + id;
      return `to run the native section ${name} (GIL released)`;
    }
    return 'in a blocking call (time.sleep, I/O, a lock, a C extension) or because its Python work ended';
  }

  // "At +5.00 ms it asked cpu-0 to drop the GIL (drop request); cpu-0 let go 12 µs later at its
  // next eval-breaker check (forced)", or the voluntary release. `self` (a row) is called "it";
  // offsets are from `since`.
  function release(model, holderRow, end, f, since, self) {
    const call = (i) => (i === self ? 'it' : model.rows[i].name);
    const h = call(holderRow);
    if (f) {
      const more = model.forcings.filter((g) => g.holder === holderRow && g.release === end &&
                                                g !== f);
      const listed = more.slice(0, 3).map((g) => `${call(g.waiter)} at ${F.offset(g.request - since)}`);
      const again = more.length ? `; ${more.length} more before it let go: ${listed.join(', ')}` +
          (more.length > 3 ? ', …' : '') : '';
      return `At ${F.offset(f.request - since)} ${call(f.waiter)} asked ${h} to drop the GIL ` +
          `(drop request${again}); ${h} ` +
          `let go ${ns(end - f.request)} later at its next eval-breaker check (forced)` +
          late(end - f.request);
    }
    if (model.rows[holderRow].forced.includes(end)) {
      return `At ${F.offset(end - since)} ${h} let go at an eval-breaker check after a drop ` +
          'request (forced)';
    }
    return `At ${F.offset(end - since)} ${h} released the GIL voluntarily, ` +
        whyReleased(model, holderRow, end);
  }

  // A FORCE_SWITCHING hand-off of the releaser begun at its release (drop_gil: a forced releaser
  // waits on gil->switch_cond until another thread has taken the GIL and it is woken).
  function handoff(model, holderRow, end, takerBegin) {
    const r = model.rows[holderRow], k = M.firstBeginningFrom(r.handoffs, end);
    if (k >= r.handoffs.b.length || r.handoffs.b[k] > takerBegin) return '';
    return `; ${r.name} waited ${ns(r.handoffs.e[k] - r.handoffs.b[k])} in its hand-off ` +
        '(FORCE_SWITCHING: a forced releaser waits until another thread has the GIL)';
  }

  // A release long after the request: Python code reaches an eval-breaker check every few µs, so
  // the holder was not running Python (off-CPU, or in a C call that keeps the GIL). Inferred.
  const LATE_NS = 1e6;
  const late = (delay) => (delay > LATE_NS ? ' — long for an eval-breaker check, which running ' +
      'Python code reaches every few µs: the holder was probably off-CPU or in a long C call' : '');

  const names = (model, holds) => {
    const out = [];
    for (const h of holds) {
      const n = model.rows[h.row].name;
      if (out[out.length - 1] !== n) out.push(n);
    }
    return out.length > 5 ? out.slice(0, 4).join(' → ') + ' → …' : out.join(' → ');
  };

  // Past the exact events (a long recording, html_timeline.cpp) holds and waits are only
  // shares per bin: an account that needs them stops there and says so.
  const pastDetail = (model, t) => model.detailEnd < model.W && t > model.detailEnd;
  const detailNote = (model) => `The exact events end at ${ns(model.detailEnd)} (a long ` +
      'recording): what followed is only drawn as shares per bin.';

  function wait(model, row, k) {
    const r = model.rows[row], b = r.waits.b[k], e = r.waits.e[k], me = r.name;
    const parts = [`${me} waited ${ns(e - b)}` + (b === 0 ? ' (already waiting when the window ' +
        'opened)' : '') + '.'];
    const during = holdersDuring(model, row, b, e);
    const open = e >= model.W && M.spanAt(r.holds, e) < 0;
    if (during.length > 1) {
      const n = during.length - 1;
      parts.push(`Meanwhile the GIL changed hands ${n === 1 ? 'once' : n + ' times'} ` +
                 `(${names(model, during)}).`);
    }
    if (open) {
      parts.push('It was still waiting when the window closed.');
      return parts.join(' ');
    }
    if (pastDetail(model, e)) {
      parts.push(detailNote(model));
      return parts.join(' ');
    }
    const holder = previousHolder(model, row, e);
    if (!holder || holder.end < b) {
      parts.push(`Nobody held the GIL: it took it ${ns(e - b)} after asking (the time to wake up).`);
      return parts.join(' ');
    }
    const f = forcingOf(model, holder.row, holder.end);
    const mine = r.drops.filter((t) => t >= b && t <= e);
    let text = release(model, holder.row, holder.end, f, b, row);
    text += `; ${me} took the GIL ${ns(e - holder.end)} after that`;
    text += handoff(model, holder.row, holder.end, e) + '.';
    parts.push(text);
    // Requests made before the last holder's hold began went unanswered by that hold.
    const unanswered = mine.filter((t) => t < holder.begin);
    if (unanswered.length) {
      parts.push(`Its ${unanswered.length === 1 ? 'drop request' : unanswered.length + ' drop ' +
          'requests'} at ${unanswered.slice(0, 3).map((t) => F.offset(t - b)).join(', ')}` +
          `${unanswered.length > 3 ? ', …' : ''} ${unanswered.length === 1 ? 'was' : 'were'} not ` +
          'the one that ended this wait (another thread took the GIL, or a switch restarted its clock).');
    }
    return parts.join(' ');
  }

  function hold(model, row, k) {
    const r = model.rows[row], b = r.holds.b[k], e = r.holds.e[k], me = r.name;
    const parts = [`${me} held the GIL ${ns(e - b)}, from ${ns(b)} to ${ns(e)}` +
        (b === 0 ? ' (it held it when the window opened)' : '') + '.'];
    const w = M.lastEndingBy(r.waits, b);
    const prev = previousHolder(model, row, b);
    if (w >= 0 && r.waits.e[w] === b && b > 0) {
      parts.push(`It had waited ${ns(b - r.waits.b[w])} for it` +
          (prev ? `; ${model.rows[prev.row].name} had released it ${ns(b - prev.end)} before.` : '.'));
    }
    if (e >= model.W && !r.forced.includes(e)) {
      parts.push('It still held the GIL when the window closed.');
      return parts.join(' ');
    }
    if (pastDetail(model, e)) {
      parts.push(detailNote(model));
      return parts.join(' ');
    }
    const next = nextHolder(model, row, e);
    const f = forcingOf(model, row, e);
    let text = release(model, row, e, f, b, row);
    if (next) text += `; ${model.rows[next.row].name} took the GIL ${ns(next.begin - e)} after ` +
        'that' + handoff(model, row, e, next.begin) + '.';
    else text += '; nobody took the GIL again in the window.';
    parts.push(text);
    return parts.join(' ');
  }

  // What lies at time t on a row: {kind: 'hold' | 'wait', k} or null.
  function at(model, row, t) {
    const r = model.rows[row];
    let k = M.spanAt(r.holds, t);
    if (k >= 0) return {kind: 'hold', k, b: r.holds.b[k], e: r.holds.e[k]};
    k = M.spanAt(r.waits, t);
    if (k >= 0) return {kind: 'wait', k, b: r.waits.b[k], e: r.waits.e[k]};
    return null;
  }

  const sentence = (model, row, what) => (what.kind === 'hold' ? hold : wait)(model, row, what.k);

  GH.explain = {previousHolder, nextHolder, holdersDuring, whyReleased, wait, hold, at, sentence};
})(globalThis.GH = globalThis.GH || {});
