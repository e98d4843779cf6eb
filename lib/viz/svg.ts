/**
 * The static SVG flame graph: one self-contained file, the root at the top,
 * each frame as wide as its value, heaviest children left, labels that elide
 * to fit, and a tooltip per frame (name, value, share; both values and the
 * change in a differential graph).
 *
 * @module
 */
import { diffColor, packageColor, relativeChange } from "./colors.ts";
import { childrenOf, type FlameTree, visibleNodes, widthOf } from "./flame.ts";
import type { FlameDoc } from "./flamegraph.ts";
import { frameTooltip } from "./flamegraph.ts";

/** Layout of the SVG. */
export interface SvgOptions {
  /** Width of the image in pixels (default 1200). */
  width?: number;
}

const ROW = 18;
const FONT = 12;
/** Average advance of a monospace glyph, in em (DejaVu Sans Mono, Menlo, Consolas: 0.55-0.61). */
const GLYPH = 0.61;
const MARGIN = 10;
/** Height of the title; each header line adds {@link HEADER_LINE}. */
const TITLE = 56;
const HEADER_LINE = 16;

/** Escapes text for XML content and attributes, dropping characters XML 1.0 does not allow. */
export function xmlEscape(s: string): string {
  return s
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A label cut to `chars` characters with an ellipsis, or "" when not even 3 fit. */
export function elide(label: string, chars: number): string {
  if (chars < 3) return "";
  const cps = Array.from(label);
  return cps.length <= chars ? label : cps.slice(0, chars - 1).join("") + "…";
}

/** Items joined by " · " into lines of at most `chars` characters (the last line elided when they do not fit). */
export function wrapItems(items: string[], chars: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    const next = line === "" ? item : `${line} · ${item}`;
    if (Array.from(next).length <= chars || line === "") line = next;
    else {
      lines.push(line);
      line = item;
    }
  }
  if (line !== "") lines.push(line);
  const kept = lines.slice(0, maxLines).map((l) => elide(l, chars));
  if (lines.length > maxLines) kept[maxLines - 1] = elide(kept[maxLines - 1] + " · …", chars);
  return kept;
}

/** The colour of a node: by package, or by its change in a differential graph. */
export function nodeColor(t: FlameTree, i: number): string {
  if (t.baseTotal) return diffColor(relativeChange(t.total[i], t.baseTotal[i]));
  return i === 0 ? "#e8e8e8" : packageColor(t.packages[t.frame[i]]);
}

/** The x offset (in value units) of every visible node, children packed left to right from their parent's left. */
export function nodeOffsets(t: FlameTree, visible: Int32Array): Float64Array {
  const x = new Float64Array(t.count);
  const next = new Float64Array(t.count);
  const shown = new Uint8Array(t.count);
  for (const i of visible) shown[i] = 1;
  for (const i of visible) {
    next[i] = x[i];
    for (const c of childrenOf(t, i)) {
      if (!shown[c]) continue;
      x[c] = next[i];
      next[i] += widthOf(t, c);
    }
  }
  return x;
}

/** The SVG text of a flame graph. */
export function renderSvg(doc: FlameDoc, o: SvgOptions = {}): string {
  const t = doc.tree;
  const width = o.width ?? 1200;
  const plot = width - 2 * MARGIN;
  const rootWidth = widthOf(t, 0);
  const scale = rootWidth > 0 ? plot / rootWidth : 0;
  // Frames under a pixel are merged into their parent's area.
  const visible = visibleNodes(t, rootWidth > 0 ? rootWidth / plot : Infinity);
  let maxDepth = 0;
  for (const i of visible) maxDepth = Math.max(maxDepth, t.depth[i]);
  const legend = t.baseTotal ? 40 : 0;
  // The header's items (File, Type, Time…), on as many lines as they need (at most 3).
  const headerLines = wrapItems(doc.header, Math.floor(plot / (12 * 0.56)), 3);
  const TOP = TITLE + headerLines.length * HEADER_LINE;
  const height = TOP + (maxDepth + 1) * ROW + legend + 28;
  const x = nodeOffsets(t, visible);
  const out: string[] = [];
  const f2 = (n: number) => (Math.round(n * 100) / 100).toString();
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace" font-size="${FONT}">`,
  );
  out.push(`<title>${xmlEscape(doc.title)}</title>`);
  out.push(
    `<style>.f rect{stroke:none}.f:hover rect{stroke:#000;stroke-width:1}.f text{pointer-events:none;fill:#000}` +
      `.new rect{stroke:#7a0000;stroke-width:1.5}.gone rect{stroke:#0b3a80;stroke-width:1.5;stroke-dasharray:3 2}` +
      `.h{font-family:DejaVu Sans,Verdana,Helvetica,Arial,sans-serif}</style>`,
  );
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(
    `<text class="h" x="${width / 2}" y="26" text-anchor="middle" font-size="18" font-weight="bold">${
      xmlEscape(doc.title)
    }</text>`,
  );
  headerLines.forEach((line, k) =>
    out.push(
      `<text class="h" x="${width / 2}" y="${46 + k * HEADER_LINE}" text-anchor="middle" font-size="12" fill="#333">${
        xmlEscape(line)
      }</text>`,
    )
  );
  out.push(`<g class="frames">`);
  const cw = FONT * GLYPH;
  for (const i of visible) {
    const w = widthOf(t, i) * scale;
    const px = MARGIN + x[i] * scale;
    const py = TOP + t.depth[i] * ROW;
    const rw = w >= 3 ? w - 1 : w;
    // Frames only on one side are outlined, where there is room for an outline.
    const cls = t.baseTotal && i > 0 && rw >= 4
      ? (t.baseTotal[i] === 0 ? "f new" : t.total[i] === 0 ? "f gone" : "f")
      : "f";
    const label = elide(i === 0 ? "root" : t.labels[t.frame[i]], Math.floor((rw - 6) / cw));
    out.push(
      `<g class="${cls}"><title>${xmlEscape(frameTooltip(doc, i))}</title><rect x="${f2(px)}" y="${py}" width="${
        f2(rw)
      }" height="${ROW - 1}" rx="2" fill="${nodeColor(t, i)}"/>` +
        (label !== "" ? `<text x="${f2(px + 3)}" y="${py + 13}">${xmlEscape(label)}</text>` : "") + `</g>`,
    );
  }
  out.push(`</g>`);
  const footY = TOP + (maxDepth + 1) * ROW + 18;
  if (t.baseTotal) {
    const stops = [-1, -0.5, -0.1, 0, 0.1, 0.5, 1];
    let lx = MARGIN;
    out.push(`<g class="h" font-size="12">`);
    out.push(`<text x="${lx}" y="${footY + 12}">change:</text>`);
    lx += 62;
    for (const s of stops) {
      out.push(`<rect x="${lx}" y="${footY}" width="44" height="16" rx="2" fill="${diffColor(s)}"/>`);
      out.push(
        `<text x="${lx + 22}" y="${footY + 12}" text-anchor="middle" font-size="10">${s > 0 ? "+" : ""}${
          Math.round(s * 100)
        }%</text>`,
      );
      lx += 48;
    }
    out.push(
      `<rect x="${lx + 10}" y="${footY}" width="44" height="16" rx="2" fill="${
        diffColor(1)
      }" stroke="#7a0000" stroke-width="1.5"/><text x="${lx + 60}" y="${footY + 12}">only in the candidate</text>`,
    );
    lx += 220;
    out.push(
      `<rect x="${lx}" y="${footY}" width="44" height="16" rx="2" fill="${
        diffColor(-1)
      }" stroke="#0b3a80" stroke-width="1.5" stroke-dasharray="3 2"/><text x="${lx + 50}" y="${
        footY + 12
      }">only in the base</text>`,
    );
    out.push(`</g>`);
  }
  out.push(
    `<text class="h" x="${MARGIN}" y="${height - 10}" font-size="11" fill="#555">${
      xmlEscape(doc.footer(visible.length, t.count))
    }</text>`,
  );
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
