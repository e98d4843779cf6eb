/**
 * The interactive HTML flame graph: one self-contained page (no network, no
 * external script or style) holding the tree as data and the app of
 * `flame_client.js`: zoom, search, reset, sandwich view, tooltips.
 *
 * @module
 */
import { unitKind } from "../format/units.ts";
import { diffColor, packageColor } from "./colors.ts";
import { flameApp } from "./flame_client.js";
import { visibleNodes, widthOf } from "./flame.ts";
import type { FlameDoc } from "./flamegraph.ts";
import { xmlEscape } from "./svg.ts";

/** What the HTML keeps of the tree. */
export interface HtmlOptions {
  /** Paths narrower than this fraction of the whole are merged into their caller (default 1/12000: 0.1 px at 1200). */
  minFraction?: number;
  /** At most this many call paths (default 100 000), the widest. */
  maxNodes?: number;
}

/** The unit the page formats values in: a family it scales (bytes, time) or a plain name, and the factor to it. */
function unitOf(sampleUnit: string, ratio: number): { kind: string; factor: number; name: string } {
  const kind = unitKind(sampleUnit);
  const u = sampleUnit.toLowerCase().replace(/s$/, "");
  if (kind === "memory") {
    const f: Record<string, number> = { b: 1, byte: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40 };
    return { kind: "bytes", factor: (f[u] ?? 1) * ratio, name: "" };
  }
  if (kind === "time") {
    const f: Record<string, number> = {
      n: 1,
      nanosecond: 1,
      u: 1e3,
      microsecond: 1e3,
      m: 1e6,
      millisecond: 1e6,
      "": 1e9,
      sec: 1e9,
      second: 1e9,
      hour: 3600e9,
      hr: 3600e9,
    };
    return { kind: "time", factor: (f[u] ?? 1) * ratio, name: "" };
  }
  return { kind: "count", factor: ratio, name: ["count", "sample", "unit", ""].includes(u) ? "" : sampleUnit };
}

/** The page's data: the kept nodes in depth-first order, and the names they use. */
function pageData(doc: FlameDoc, o: HtmlOptions, unit: { kind: string; factor: number; name: string }) {
  const t = doc.tree;
  const root = widthOf(t, 0);
  const visible = visibleNodes(t, root * (o.minFraction ?? 1 / 12000), o.maxNodes ?? 100_000);
  const index = new Map<number, number>();
  const names: string[] = [], labels: string[] = [], colors: string[] = [];
  const f: number[] = [], d: number[] = [], v: number[] = [], s: number[] = [], b: number[] = [], bs: number[] = [];
  for (const i of visible) {
    let k = -1;
    if (i > 0) {
      const frame = t.frame[i];
      k = index.get(frame) ?? -1;
      if (k < 0) {
        k = names.length;
        index.set(frame, k);
        names.push(t.names[frame]);
        labels.push(t.labels[frame]);
        colors.push(packageColor(t.packages[frame]));
      }
    }
    f.push(k);
    d.push(t.depth[i]);
    v.push(t.total[i]);
    s.push(t.self[i]);
    if (t.baseTotal && t.baseSelf) {
      b.push(t.baseTotal[i]);
      bs.push(t.baseSelf[i]);
    }
  }
  return {
    title: doc.title,
    sampleType: doc.sampleType,
    total: doc.total,
    unit,
    names,
    labels,
    colors,
    nodes: t.baseTotal ? { f, d, v, s, b, bs } : { f, d, v, s },
    shown: visible.length,
  };
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`, no line separators). */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",DejaVu Sans,Helvetica,Arial,sans-serif;color:#111;background:#fff}
header{padding:10px 16px 6px;border-bottom:1px solid #ddd;position:sticky;top:0;background:#fff;z-index:2}
h1{margin:0;font-size:18px}
.sub{color:#444;font-size:12px;margin:2px 0 6px}
.bar{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.bar input{font:inherit;padding:3px 8px;width:320px;border:1px solid #aaa;border-radius:4px}
.bar button{font:inherit;padding:3px 10px;border:1px solid #999;border-radius:4px;background:#f4f4f4;cursor:pointer;
max-width:420px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar button:disabled{cursor:default;color:#999}
#match{color:#333;font-size:13px}
.legend{display:flex;gap:4px;align-items:center;font-size:11px;margin-top:6px}
.legend span{display:inline-block;padding:1px 6px;border-radius:2px}
main{padding:8px 16px}
canvas{display:block;width:100%}
.swhead{font-weight:600;margin:8px 0 4px;font-size:13px}
#swtitle{font-weight:600;margin:4px 0}
#tip{position:fixed;z-index:5;max-width:640px;background:#fffff0;border:1px solid #888;border-radius:4px;padding:6px 8px;
font-size:12px;box-shadow:0 2px 6px rgba(0,0,0,.2);pointer-events:none;white-space:pre-wrap;word-break:break-all}
#tip .name{font-weight:600;margin-bottom:2px}
footer{padding:6px 16px 16px;color:#555;font-size:12px}
`;

/** The HTML page of a flame graph. */
export function renderHtml(doc: FlameDoc, sampleUnit: string, ratio = 1, o: HtmlOptions = {}): string {
  const data = pageData(doc, o, unitOf(sampleUnit, ratio));
  const diff = doc.tree.baseTotal !== undefined;
  const legend = diff
    ? `<div class="legend">change: ${
      [-100, -50, -10, 10, 50, 100].map((p) =>
        `<span style="background:${diffColor(p / 100)}">${p > 0 ? "+" : ""}${p}%</span>`
      )
        .join("")
    } <span style="outline:1.5px solid #7a0000;background:${diffColor(1)}">only in the candidate</span>` +
      ` <span style="outline:1.5px dashed #0b3a80;background:${diffColor(-1)}">only in the base</span></div>`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${xmlEscape(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${xmlEscape(doc.title)}</h1>
<div class="sub">${xmlEscape(doc.subtitle)}</div>
<div class="bar">
<input id="search" type="search" placeholder="Search functions (regexp, press /)" aria-label="Search">
<button id="reset" title="Zoom out and clear the search (Esc)">Reset</button>
<button id="sandwich" disabled title="Click a frame first">Sandwich</button>
<button id="back" hidden>Back to the flame graph</button>
<span id="match"></span>
</div>
${legend}
</header>
<main>
<div id="main"><canvas id="flame"></canvas></div>
<div id="sw" hidden>
<div id="swtitle"></div>
<div class="swhead">Callers (merged, the function at the bottom)</div>
<canvas id="callers"></canvas>
<div class="swhead">Callees (merged, the function at the top)</div>
<canvas id="callees"></canvas>
</div>
</main>
<footer>${xmlEscape(doc.footer(data.shown, doc.tree.count))}. Click a frame to zoom (click it again to zoom out), then
Sandwich for its callers and callees; hover for values.</footer>
<div id="tip" hidden></div>
<script type="application/json" id="flame-data">${scriptJson(data)}</script>
<script>
(${flameApp.toString()})(JSON.parse(document.getElementById("flame-data").textContent));
</script>
</body>
</html>
`;
}
