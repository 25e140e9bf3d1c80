// The flame graphs of the run report: GIL hold time and wait time per Python stack, from the
// --stacks lines (docs/formats.md, "Folded stacks"). `tree` is pure (tests/js/flame.test.js);
// `GH.flames` draws an icicle per kind (outermost on top) that zooms into a frame on click.
(function (GH) {
  'use strict';

  // Lines [{frames: [thread, outer, ..., inner], ns}] -> {name, ns, children: [...]}; children
  // by time, largest first (ties by name), and a node's ns is the sum of its lines below it.
  function tree(lines) {
    const root = {name: 'all', ns: 0, children: []};
    for (const line of lines) {
      root.ns += line.ns;
      let node = root;
      for (const name of line.frames) {
        let child = node.children.find((c) => c.name === name);
        if (!child) {
          child = {name, ns: 0, children: []};
          node.children.push(child);
        }
        child.ns += line.ns;
        node = child;
      }
    }
    const order = (n) => {
      n.children.sort((a, b) => b.ns - a.ns || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      n.children.forEach(order);
    };
    order(root);
    return root;
  }

  // Rows of an icicle: one per depth, each node's left edge and width as fractions of `root`.
  function rows(root, minWidth) {
    const out = [];
    const walk = (node, depth, left) => {
      const width = root.ns ? node.ns / root.ns : 0;
      if (width < minWidth) return;
      (out[depth] = out[depth] || []).push({node, left, width});
      let x = left;
      for (const c of node.children) {
        walk(c, depth + 1, x);
        x += root.ns ? c.ns / root.ns : 0;
      }
    };
    walk(root, 0, 0);
    return out;
  }

  function draw(box, full, root, total) {
    box.textContent = '';
    for (const row of rows(root, 0.002)) {
      const line = GH.el('div', {class: 'flame-row'});
      for (const {node, left, width} of row) {
        const share = total ? (100 * node.ns / total).toFixed(1) : '0.0';
        const cell = GH.el('div', {class: 'flame-cell', text: node.name,
          title: `${node.name}\n${GH.fmt.ns(node.ns)} (${share} % of all)`});
        cell.style.left = `${(100 * left).toFixed(3)}%`;
        cell.style.width = `${(100 * width).toFixed(3)}%`;
        cell.addEventListener('click', () => draw(box, full, node === root ? full : node, total));
        line.append(cell);
      }
      box.append(line);
    }
  }

  GH.flame = {tree, rows};
  // The innermost frames of stack `id` (GH.data.stack_texts), innermost first: "" when unknown.
  GH.stackText = function (id, lead, frames) {
    const all = id && GH.data && GH.data.stack_texts && GH.data.stack_texts[id];
    if (!all || !all.length) return '';
    const shown = all.slice(-(frames || 3)).reverse();
    return lead + shown.join(' ← ') + (all.length > shown.length ? ' ← …' : '');
  };
  GH.flames = function () {
    const body = document.getElementById('flames-body');
    const f = GH.data.flames;
    if (!f) {
      body.append(GH.empty('No Python stacks were read (--no-stacks or --no-trace).'));
      return;
    }
    for (const [kind, title] of [['holds', 'Holding the GIL'], ['waits', 'Waiting for the GIL']]) {
      const root = tree(f[kind] || []);
      const box = GH.el('div', {class: 'flame'});
      body.append(GH.el('h3', {text: `${title}: ${GH.fmt.ns(root.ns)} (click a frame to zoom, ` +
          'the top row to zoom out)'}), box);
      if (!root.ns) {
        box.append(GH.empty('Nothing to show.'));
        continue;
      }
      draw(box, root, root, root.ns);
    }
  };
})(globalThis.GH = globalThis.GH || {});
