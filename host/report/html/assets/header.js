// The header every gilhost page shares (run report and sweep): brand, title, status badge,
// versions, and the banner of what the data lacks (degraded.js). Also GH.el, the one way pages
// make elements: text goes in with textContent, never as HTML.
(function (GH) {
  'use strict';
  const micro = (t) => GH.fmt.micro(t);

  GH.el = function (tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  };

  // The header: title with a status badge that is green only when nothing is missing, then the
  // banner of what the data lacks (degraded.js), so that no reader misses it.
  GH.header = function () {
    const h = GH.data.header, meta = GH.el('div', {class: 'meta'});
    const parts = ['gilhost ' + h.gilhost_version, 'CPython ' + h.python_version, h.cpu];
    if (h.switch_interval) parts.push('switch interval ' + micro(h.switch_interval));
    parts.push(h.date.replace('T', ' ').replace('Z', ' UTC'));
    for (const p of parts) meta.append(GH.el('span', {text: p}));
    const root = document.getElementById('header');
    root.replaceChildren(GH.el('div', {class: 'brand', text: GH.data.brand || 'gilhost report'}),
                         GH.el('h1', {text: h.script || 'gilhost report'}, GH.badge()), meta,
                         GH.banner());
  };
  GH.badge = function () {
    const b = GH.degraded.badge(GH.data, GH.degraded.items(GH.data));
    return GH.el('span', {class: 'status ' + b.level, id: 'status-badge', text: b.text});
  };
  GH.banner = function () {
    const list = GH.degraded.items(GH.data);
    const box = GH.el('ul', {class: 'degraded', id: 'degraded'});
    box.hidden = !list.length;
    for (const x of list) box.append(GH.el('li', {class: x.level, text: micro(x.text)}));
    return box;
  };

  // Pages that draw nothing but their header from the blob (the sweep page: its charts are
  // static SVG).
  GH.headerMain = function () {
    GH.data = JSON.parse(document.getElementById('gilhost-data').textContent);
    GH.header();
  };
})(globalThis.GH = globalThis.GH || {});
