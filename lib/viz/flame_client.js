/**
 * The script of the interactive HTML flame graph, run in the browser: canvas
 * drawing, tooltips, click to zoom, search with the matches' share, reset, and
 * the sandwich view of a function (merged callers above, callees below).
 *
 * `flameApp` is written into the page as its source text (`flameApp.toString()`),
 * so it must not use anything from outside its own body.
 *
 * @module
 */

/**
 * Starts the flame graph app on the page with the data of `lib/viz/html.ts`.
 *
 * @param {object} data the embedded flame graph data
 */
export function flameApp(data) {
  const ROW = 18;
  const FONT = "12px DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace";
  const $ = (id) => document.getElementById(id);
  const names = data.names, labels = data.labels, colors = data.colors;
  const diff = !!data.nodes.b;

  // --- values -------------------------------------------------------------
  const UNITS = {
    bytes: [["B", 1], ["kB", 1024], ["MB", 1024 ** 2], ["GB", 1024 ** 3], ["TB", 1024 ** 4], ["PB", 1024 ** 5]],
    time: [["ns", 1], ["us", 1e3], ["ms", 1e6], ["s", 1e9], ["hrs", 3600e9]],
  };
  function fmt(v) {
    if (v === 0) return "0";
    const sign = v < 0 ? "-" : "";
    v = Math.abs(v) * data.unit.factor;
    const units = UNITS[data.unit.kind];
    let text;
    if (!units) text = trim2(v) + (data.unit.name ? " " + data.unit.name : "");
    else {
      let u = units[0];
      for (const c of units) if (v / c[1] >= 1) u = c;
      text = trim2(v / u[1]) + u[0];
    }
    return text === "0" ? "0" : sign + text;
  }
  function trim2(x) {
    const s = x.toFixed(2);
    return s.endsWith(".00") ? s.slice(0, -3) : s;
  }
  function pct(v, total) {
    if (!total) return "0%";
    const r = Math.abs(v / total) * 100;
    if (r >= 99.95 && r <= 100.05) return "100%";
    if (r >= 1) return r.toFixed(2) + "%";
    return (r === 0 ? "0" : Number(r.toPrecision(2)).toString()) + "%";
  }
  function signed(v) {
    return (v > 0 ? "+" : v < 0 ? "-" : "±") + fmt(Math.abs(v));
  }

  // --- colours (the same scale as lib/viz/colors.ts) -------------------------
  function hslHex(h, s, l) {
    const a = s * Math.min(l, 1 - l);
    const f = (n) => {
      const k = (n + h / 30) % 12;
      const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
      return Math.round(c * 255).toString(16).padStart(2, "0");
    };
    return "#" + f(0) + f(8) + f(4);
  }
  function diffColor(c, b) {
    const m = Math.max(Math.abs(c), Math.abs(b));
    const rel = m === 0 ? 0 : (c - b) / m;
    const x = Math.pow(Math.min(1, Math.abs(rel)), 0.6);
    if (x < 0.04) return hslHex(0, 0, 0.9);
    return hslHex(rel > 0 ? 0 : 215, 0.2 + 0.7 * x, 0.92 - 0.3 * x);
  }

  // --- trees ----------------------------------------------------------------
  // A tree is columns in depth-first order: frame (name index, -1 for the
  // root), depth, total and self (and the base's), with parent, width and x
  // (offset in value units, children packed left from their parent) derived.
  function finish(t) {
    const n = t.f.length;
    t.n = n;
    t.p = new Int32Array(n);
    t.w = new Float64Array(n);
    t.x = new Float64Array(n);
    const last = [];
    const next = new Float64Array(n);
    let maxDepth = 0;
    for (let i = 0; i < n; i++) {
      const d = t.d[i];
      maxDepth = Math.max(maxDepth, d);
      t.w[i] = t.v[i] + (t.b ? t.b[i] : 0);
      t.p[i] = d === 0 ? -1 : last[d - 1];
      last[d] = i;
      if (t.p[i] >= 0) {
        t.x[i] = next[t.p[i]];
        next[t.p[i]] += t.w[i];
      }
      next[i] = t.x[i];
    }
    t.maxDepth = maxDepth;
    // Nodes of each depth, left to right, for hit testing.
    t.rows = [];
    for (let i = 0; i < n; i++) (t.rows[t.d[i]] ??= []).push(i);
    for (const r of t.rows) r.sort((a, b) => t.x[a] - t.x[b]);
    return t;
  }

  // Builds a tree from nested {frame, v, s, b, bs, kids: Map} objects, children heaviest first.
  function flatten(root) {
    const t = { f: [], d: [], v: [], s: [], b: diff ? [] : undefined, bs: diff ? [] : undefined };
    const stack = [[root, 0]];
    while (stack.length > 0) {
      const [node, d] = stack.pop();
      t.f.push(node.frame);
      t.d.push(d);
      t.v.push(node.v);
      t.s.push(node.s);
      if (diff) {
        t.b.push(node.b);
        t.bs.push(node.bs);
      }
      const kids = [...node.kids.values()].sort((a, b) =>
        (b.v + b.b) - (a.v + a.b) || (names[a.frame] < names[b.frame] ? -1 : 1)
      );
      for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k], d + 1]);
    }
    return finish(t);
  }

  function newNode(frame) {
    return { frame, v: 0, s: 0, b: 0, bs: 0, kids: new Map() };
  }
  function child(node, frame) {
    let c = node.kids.get(frame);
    if (!c) node.kids.set(frame, c = newNode(frame));
    return c;
  }

  const main = finish({
    f: data.nodes.f,
    d: data.nodes.d,
    v: data.nodes.v,
    s: data.nodes.s,
    b: data.nodes.b,
    bs: data.nodes.bs,
  });

  // Occurrences of frame `f` that are not inside another occurrence of it.
  function outermost(t, f) {
    const out = [];
    const open = []; // depth of the enclosing occurrence, if any
    for (let i = 0; i < t.n; i++) {
      while (open.length > 0 && open[open.length - 1] >= t.d[i]) open.pop();
      if (t.f[i] === f) {
        if (open.length === 0) out.push(i);
        open.push(t.d[i]);
      }
    }
    return out;
  }

  // The sandwich of frame f: callers merged from f upwards, callees merged from f downwards.
  function sandwich(f) {
    const occ = outermost(main, f);
    const callers = newNode(f), callees = newNode(f);
    for (const i of occ) {
      const v = main.v[i], b = diff ? main.b[i] : 0;
      callers.v += v;
      callers.b += b;
      callees.v += v;
      callees.b += b;
      callees.s += main.s[i];
      if (diff) callees.bs += main.bs[i];
      // Callers: walk up to the root's child.
      let node = callers;
      let a = main.p[i];
      if (a <= 0) {
        node.s += v;
        node.bs += b;
      }
      while (a > 0) {
        node = child(node, main.f[a]);
        node.v += v;
        node.b += b;
        if (main.p[a] <= 0) {
          node.s += v;
          node.bs += b;
        }
        a = main.p[a];
      }
      // Callees: merge the subtree of i (it is the range of nodes after i that are deeper).
      const path = [callees];
      for (let j = i + 1; j < main.n && main.d[j] > main.d[i]; j++) {
        const rel = main.d[j] - main.d[i];
        path.length = rel;
        const c = child(path[rel - 1], main.f[j]);
        c.v += main.v[j];
        c.s += main.s[j];
        if (diff) {
          c.b += main.b[j];
          c.bs += main.bs[j];
        }
        path.push(c);
      }
    }
    return { callers: flatten(callers), callees: flatten(callees), count: occ.length };
  }

  // --- search ---------------------------------------------------------------
  let matcher = null; // Uint8Array by name index, or null
  function setSearch(q) {
    if (q === "") {
      matcher = null;
      $("match").textContent = "";
      redraw();
      return;
    }
    let re;
    try {
      re = new RegExp(q, "i");
    } catch {
      re = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
    }
    matcher = new Uint8Array(names.length);
    for (let k = 0; k < names.length; k++) matcher[k] = re.test(names[k]) ? 1 : 0;
    // The share of the matches: each matching path counts once, not again under a matching caller.
    let sum = 0, baseSum = 0, count = 0;
    const open = [];
    for (let i = 1; i < main.n; i++) {
      while (open.length > 0 && open[open.length - 1] >= main.d[i]) open.pop();
      if (matcher[main.f[i]]) {
        count++;
        if (open.length === 0) {
          sum += main.v[i];
          if (diff) baseSum += main.b[i];
        }
        open.push(main.d[i]);
      }
    }
    const el = $("match");
    if (count === 0) el.textContent = "no match";
    else if (diff) {
      el.textContent = `matches: base ${fmt(baseSum)} → candidate ${fmt(sum)} (${signed(sum - baseSum)})`;
    } else el.textContent = `matches: ${fmt(sum)}, ${pct(sum, data.total)} of ${data.sampleType}`;
    redraw();
  }

  // --- drawing --------------------------------------------------------------
  function makeView(canvas, tree, upward) {
    const view = { canvas, tree, upward, zoom: 0, ancestors: new Set([0]) };
    view.setZoom = (z) => {
      view.zoom = z;
      view.ancestors = new Set();
      for (let a = z; a >= 0; a = tree.p[a]) view.ancestors.add(a);
      view.draw();
    };
    view.layout = (i) => {
      const W = canvas.clientWidth;
      const z = view.zoom;
      const rows = tree.maxDepth + 1;
      const y = upward ? (rows - 1 - tree.d[i]) * ROW : tree.d[i] * ROW;
      if (tree.d[i] <= tree.d[z]) {
        return view.ancestors.has(i) ? { x: 0, w: W, y, dim: i !== z } : null;
      }
      const scale = tree.w[z] > 0 ? W / tree.w[z] : 0;
      const x = (tree.x[i] - tree.x[z]) * scale;
      const w = tree.w[i] * scale;
      if (x >= W || x + w <= 0) return null;
      return { x, w, y, dim: false };
    };
    view.draw = () => {
      const dpr = globalThis.devicePixelRatio || 1;
      const W = canvas.clientWidth;
      const H = (tree.maxDepth + 1) * ROW;
      canvas.style.height = H + "px";
      canvas.width = Math.round(W * dpr);
      canvas.height = Math.round(H * dpr);
      const ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, W, H);
      ctx.font = FONT;
      ctx.textBaseline = "middle";
      const cw = ctx.measureText("MMMMMMMMMM").width / 10;
      for (let i = 0; i < tree.n; i++) {
        const l = view.layout(i);
        if (!l || l.w < 0.4) continue;
        const f = tree.f[i];
        let fill = diff ? diffColor(tree.v[i], tree.b[i]) : f < 0 ? "#e8e8e8" : colors[f];
        if (matcher && f >= 0 && matcher[f]) fill = "#f25cf0";
        ctx.globalAlpha = l.dim ? 0.55 : 1;
        ctx.fillStyle = fill;
        const w = l.w >= 3 ? l.w - 1 : l.w;
        ctx.fillRect(l.x, l.y, w, ROW - 1);
        if (diff && f >= 0 && w >= 4 && (tree.b[i] === 0 || tree.v[i] === 0)) {
          ctx.strokeStyle = tree.b[i] === 0 ? "#7a0000" : "#0b3a80";
          ctx.lineWidth = 1.5;
          ctx.setLineDash(tree.b[i] === 0 ? [] : [3, 2]);
          ctx.strokeRect(l.x + 0.75, l.y + 0.75, w - 1.5, ROW - 2.5);
          ctx.setLineDash([]);
        }
        const chars = Math.floor((w - 6) / cw);
        if (chars >= 3) {
          const label = f < 0 ? "root" : labels[f];
          const text = label.length <= chars ? label : label.slice(0, chars - 1) + "…";
          ctx.fillStyle = "#000";
          ctx.fillText(text, Math.max(l.x, 0) + 3, l.y + ROW / 2);
        }
      }
      ctx.globalAlpha = 1;
    };
    view.hit = (mx, my) => {
      const rows = tree.maxDepth + 1;
      let d = Math.floor(my / ROW);
      if (upward) d = rows - 1 - d;
      const row = tree.rows[d];
      if (!row) return -1;
      for (const i of row) {
        const l = view.layout(i);
        if (l && mx >= l.x && mx < l.x + l.w) return i;
      }
      return -1;
    };
    canvas.addEventListener("mousemove", (e) => {
      const r = canvas.getBoundingClientRect();
      const i = view.hit(e.clientX - r.left, e.clientY - r.top);
      if (i < 0) return hideTip();
      showTip(tree, i, e.clientX, e.clientY);
      canvas.style.cursor = "pointer";
    });
    canvas.addEventListener("mouseleave", hideTip);
    canvas.addEventListener("click", (e) => {
      const r = canvas.getBoundingClientRect();
      const i = view.hit(e.clientX - r.left, e.clientY - r.top);
      if (i < 0) return;
      hideTip();
      view.setZoom(i === view.zoom ? Math.max(0, tree.p[i]) : i);
      if (tree.f[i] >= 0) select(tree.f[i]);
    });
    return view;
  }

  function tipText(tree, i) {
    const name = tree.f[i] < 0 ? "root" : names[tree.f[i]];
    const lines = [name];
    if (!diff) {
      lines.push(`total ${fmt(tree.v[i])} (${pct(tree.v[i], data.total)})`);
      lines.push(`self ${fmt(tree.s[i])} (${pct(tree.s[i], data.total)})`);
    } else {
      const c = tree.v[i], b = tree.b[i];
      const rel = b !== 0 ? ` (${c >= b ? "+" : ""}${((c - b) / b * 100).toFixed(1)}%)` : "";
      lines.push(`base ${fmt(b)} → candidate ${fmt(c)}: ${signed(c - b)}${rel}`);
      lines.push(`self: base ${fmt(tree.bs[i])}, candidate ${fmt(tree.s[i])}`);
      if (b === 0) lines.push("only in the candidate");
      else if (c === 0) lines.push("only in the base");
    }
    return lines;
  }

  const tip = $("tip");
  function showTip(tree, i, cx, cy) {
    const lines = tipText(tree, i);
    tip.replaceChildren();
    lines.forEach((l, k) => {
      const div = document.createElement("div");
      div.textContent = l;
      if (k === 0) div.className = "name";
      tip.appendChild(div);
    });
    tip.hidden = false;
    const w = tip.offsetWidth, h = tip.offsetHeight;
    const x = cx + 14 + w > globalThis.innerWidth ? Math.max(4, cx - 14 - w) : cx + 14;
    const y = cy + 16 + h > globalThis.innerHeight ? Math.max(4, cy - 10 - h) : cy + 16;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() {
    tip.hidden = true;
  }

  // --- the page ---------------------------------------------------------------
  const mainView = makeView($("flame"), main, false);
  let sw = null; // the sandwich views, when shown
  let selected = -1;

  function select(f) {
    selected = f;
    const b = $("sandwich");
    b.disabled = false;
    b.textContent = "Sandwich: " + labels[f];
    b.title = "Callers and callees of " + names[f];
  }

  function redraw() {
    if (sw) {
      sw.callers.draw();
      sw.callees.draw();
    } else mainView.draw();
  }

  function showSandwich(f) {
    select(f);
    const s = sandwich(f);
    $("swtitle").textContent = `${names[f]}: ${
      diff
        ? `base ${fmt(s.callers.b[0])} → candidate ${fmt(s.callers.v[0])}`
        : `${fmt(s.callers.v[0])} (${pct(s.callers.v[0], data.total)})`
    } in ${s.count} call path${s.count === 1 ? "" : "s"}`;
    sw = { callers: makeView($("callers"), s.callers, true), callees: makeView($("callees"), s.callees, false) };
    $("main").hidden = true;
    $("sw").hidden = false;
    $("back").hidden = false;
    redraw();
  }

  function showMain() {
    sw = null;
    $("main").hidden = false;
    $("sw").hidden = true;
    $("back").hidden = true;
    redraw();
  }

  function reset() {
    $("search").value = "";
    matcher = null;
    $("match").textContent = "";
    mainView.zoom = 0;
    mainView.ancestors = new Set([0]);
    showMain();
  }

  let timer = 0;
  $("search").addEventListener("input", (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => setSearch(e.target.value), 120);
  });
  $("reset").addEventListener("click", reset);
  $("sandwich").addEventListener("click", () => selected >= 0 && showSandwich(selected));
  $("back").addEventListener("click", showMain);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") reset();
    else if (e.key === "/" && document.activeElement !== $("search")) {
      e.preventDefault();
      $("search").focus();
    }
  });
  globalThis.addEventListener("resize", redraw);
  // For scripted checks: the app's state and its actions.
  globalThis.flameGraph = {
    main,
    mainView,
    sandwich,
    showSandwich,
    setSearch,
    reset,
    tipText,
    get zoom() {
      return mainView.zoom;
    },
  };
  mainView.draw();
  // When the page was ready to use, from the start of navigation (for load-time measurements).
  globalThis.flameGraph.readyAt = performance.now();
}
