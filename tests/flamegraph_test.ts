/**
 * Flame graphs checked for their structure against go tool pprof's outputs:
 * the SVG is well-formed XML; its root's children are as wide as the weight
 * of the stacks that start with them (summed from pprof's -traces); the widest
 * is the top -cum function; children nest in their parent, heaviest first;
 * labels fit their frame; diff colours follow the sign of the change; frames'
 * totals equal pprof's cum; the HTML loads nothing from outside.
 */
import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { loadSources } from "../lib/profile/sources.ts";
import { defaultConfig, type ReportConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { compileRE2 } from "../lib/regex/re2.ts";
import { flameDoc, renderFlame } from "../lib/viz/flamegraph.ts";
import { FIXTURES, refText, topRows } from "./golden.ts";

const P = FIXTURES + "profiles/";

async function report(file: string, cfg: Partial<ReportConfig> = {}, base?: string) {
  const p = await loadSources({ files: [P + file], base: base ? [P + base] : [], diffBase: !!base });
  return newReport(p, "top", { ...defaultConfig(), ...cfg });
}

/** One drawn frame of the SVG. */
interface Frame {
  title: string;
  name: string;
  x: number;
  y: number;
  width: number;
  fill: string;
  cls: string;
  label?: string;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (n) => n === "g" });

function svgFrames(svg: string): Frame[] {
  const valid = XMLValidator.validate(svg);
  assert.equal(valid, true, JSON.stringify(valid));
  const doc = parser.parse(svg);
  const groups = doc.svg.g.find((g: { class?: string }) => g.class === "frames").g;
  return groups.map((g: Record<string, unknown>) => {
    const rect = g.rect as Record<string, string>;
    const title = String(g.title);
    const text = g.text as { "#text"?: string | number } | undefined;
    return {
      title,
      name: title.split("\n")[0],
      x: Number(rect.x),
      y: Number(rect.y),
      width: Number(rect.width),
      fill: rect.fill,
      cls: String(g.class),
      label: text?.["#text"] === undefined ? undefined : String(text["#text"]),
    };
  });
}

/** A frame's width in the layout: the drawn rectangle, plus the 1 px gap frames of 3 px and more leave. */
function drawnWidth(f: Frame): number {
  return f.width >= 2 ? f.width + 1 : f.width;
}

/** Nanoseconds of a value pprof printed (`10ms`, `1.23s`). */
function nanos(v: string): number {
  const m = /^(-?[\d.]+)(ns|us|ms|s|hrs)?$/.exec(v);
  if (!m) throw new Error(`not a time: ${v}`);
  const f: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, hrs: 3600e9 };
  return Number(m[1]) * f[m[2] ?? "ns"];
}

/** The weight of the stacks that start (at the root) with each function, summed from a -traces reference. */
function rootWeights(traces: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const block of traces.split(/^-+\+-+$/m).slice(1)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "" && !/^\s*[\w.-]+:\s/.test(l));
    if (lines.length === 0) continue;
    const m = /^\s*(\S+)\s+(.*)$/.exec(lines[0])!;
    const root = lines[lines.length - 1].trim().replace(/ \(inline\)$/, "");
    const name = lines.length === 1 ? m[2].replace(/ \(inline\)$/, "") : root;
    out.set(name, (out.get(name) ?? 0) + nanos(m[1]));
  }
  return out;
}

Deno.test("flame SVG: well-formed XML, a title per frame, the root as wide as the plot", async () => {
  for (const f of ["cpu.pb.gz", "heap.pb.gz", "node_cpu.pb.gz", "goroutine.pb.gz", "mutex.pb.gz"]) {
    const { text } = renderFlame(await report(f), { format: "svg" });
    const frames = svgFrames(text);
    assert.ok(frames.length > 3, f);
    assert.equal(frames[0].name, "root");
    // The plot is 1180 px; frames of 3 px and more keep a 1 px gap to their right neighbour.
    assert.ok(Math.abs(frames[0].width - 1179) < 0.01, `${f}: root width ${frames[0].width}`);
    for (const fr of frames) assert.match(fr.title, /\ntotal \S+ \(\S+%\), self \S+ \(\S+%\)$/, f);
  }
});

Deno.test("flame SVG: the root's children are as wide as pprof's stacks starting with them", async () => {
  for (const name of ["cpu", "node_cpu"]) {
    const frames = svgFrames(renderFlame(await report(`${name}.pb.gz`), { format: "svg" }).text);
    const weights = rootWeights(refText(`ref/${name}/traces/stdout.txt`));
    const all = [...weights.values()].reduce((a, b) => a + b, 0);
    const root = frames[0];
    const children = frames.filter((f) => f.y === root.y + 18);
    assert.ok(children.length >= 2, name);
    let drawn = 0;
    for (const c of children) {
      const w = weights.get(c.name);
      assert.ok(w !== undefined, `${name}: ${c.name} starts no stack in -traces`);
      const width = drawnWidth(c);
      // pprof prints Node's values rounded to 3 digits (1.14ms for 1.136ms): allow that.
      const tolerance = name === "cpu" ? 0.02 : 0.005 * width + 0.02;
      assert.ok(
        Math.abs(width - 1180 * w / all) < tolerance,
        `${name}: ${c.name} is ${width}px, want ${1180 * w / all}`,
      );
      drawn += w;
    }
    // Only stacks under a pixel are missing.
    assert.ok((all - drawn) / all < children.length / 1180 + 1e-9);
    // The widest is the top -cum function (pprof ties it with the functions it always calls).
    const top = topRows(refText(`ref/${name}/top_cum/stdout.txt`));
    const widest = children.reduce((a, b) => (b.width > a.width ? b : a));
    const best = top.filter((r) => r.cum === top[0].cum).map((r) => r.name);
    assert.ok(best.includes(widest.name), `${name}: widest ${widest.name}, pprof's top -cum ${best.join(", ")}`);
    assert.equal(widest.name, children[0].name, "heaviest first");
  }
});

Deno.test("flame SVG: children nest inside their parent, heaviest left, and labels fit their frame", async () => {
  const frames = svgFrames(renderFlame(await report("cpu.pb.gz"), { format: "svg" }).text);
  const byRow = new Map<number, Frame[]>();
  for (const f of frames) byRow.set(f.y, [...(byRow.get(f.y) ?? []), f]);
  const rows = [...byRow.keys()].sort((a, b) => a - b);
  for (let k = 1; k < rows.length; k++) {
    for (const c of byRow.get(rows[k])!) {
      // Within the gap a frame leaves to its right (1 px from 3 px on).
      const parent = byRow.get(rows[k - 1])!.find((p) => p.x - 0.011 <= c.x && c.x + c.width <= p.x + p.width + 1.011);
      assert.ok(parent, `${c.name} at ${c.x} lies in no frame of the row above`);
    }
  }
  const glyph = 12 * 0.61;
  for (const f of frames) {
    if (f.label === undefined) continue;
    assert.ok(Array.from(f.label).length * glyph <= f.width - 6 + 0.01, `${f.label} does not fit ${f.width}px`);
    if (f.label.endsWith("…")) assert.ok(f.label.length >= 3);
  }
  const sib = frames.filter((f) => f.y === frames[0].y + 18);
  for (let i = 1; i < sib.length; i++) assert.ok(sib[i].width <= sib[i - 1].width + 1e-9, "heaviest first");
});

Deno.test("flame SVG: package colours are the same in every run and differ between packages", async () => {
  const a = svgFrames(renderFlame(await report("cpu.pb.gz"), { format: "svg" }).text);
  const b = svgFrames(renderFlame(await report("cpu.pb.gz"), { format: "svg" }).text);
  assert.deepEqual(a.map((f) => f.fill), b.map((f) => f.fill));
  const color = (prefix: string) => a.find((f) => f.name.startsWith(prefix))!.fill;
  assert.equal(color("encoding/json.Marshal"), color("encoding/json.mapEncoder.encode"));
  assert.notEqual(color("encoding/json.Marshal"), color("gen/internal/transform."));
});

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

Deno.test("flame SVG diff: red where the candidate grew, blue where it shrank, one-sided frames marked", async () => {
  const r = await report("cpu_after.pb.gz", {}, "cpu.pb.gz");
  const frames = svgFrames(renderFlame(r, { format: "svg" }).text);
  let grew = 0, shrank = 0, marked = 0;
  for (const f of frames) {
    const m = /\nbase (\S+) → candidate (\S+): ([+-±])/.exec(f.title);
    assert.ok(m, f.title);
    const [red, , blue] = rgb(f.fill);
    const base = m[1] === "0" ? 0 : nanos(m[1]), cand = m[2] === "0" ? 0 : nanos(m[2]);
    const rel = (cand - base) / Math.max(cand, base);
    if (Math.abs(rel) < 0.01) continue;
    if (cand > base) {
      assert.ok(red > blue, `${f.name} grew but is ${f.fill}`);
      grew++;
    } else {
      assert.ok(blue > red, `${f.name} shrank but is ${f.fill}`);
      shrank++;
    }
    if (f.width >= 4 && (base === 0 || cand === 0)) {
      assert.equal(f.cls, base === 0 ? "f new" : "f gone", f.name);
      assert.match(f.title, base === 0 ? /only in the candidate/ : /only in the base/);
      marked++;
    }
  }
  assert.ok(grew > 10 && shrank > 10 && marked > 0, `${grew} grew, ${shrank} shrank, ${marked} marked`);
  // A stronger change is a stronger colour.
  const sat = (hex: string) => {
    const [a, b, c] = rgb(hex);
    return Math.max(a, b, c) - Math.min(a, b, c);
  };
  const strong = frames.find((f) => /\(-9\d\.\d%\)/.test(f.title))!;
  const weak = frames.find((f) => /\(-1\d\.\d%\)/.test(f.title))!;
  assert.ok(sat(strong.fill) > sat(weak.fill), `${strong.fill} vs ${weak.fill}`);
});

Deno.test("flame graph: every frame's total over all stacks is pprof's cum", async () => {
  for (const [name, cfg] of [["cpu", {}], ["heap", {}], ["cpu", { granularity: "lines" }]] as const) {
    const doc = flameDoc(await report(`${name}.pb.gz`, cfg as Partial<ReportConfig>));
    const ref = cfg === undefined || !("granularity" in cfg) ? `ref/${name}/top_cum` : "ref/cpu/top_lines";
    const rows = topRows(refText(`${ref}/stdout.txt`));
    const names = doc.tree.names;
    for (const row of rows.slice(0, 40)) {
      const f = names.indexOf(row.name.replace(/ \(inline\)$/, ""));
      assert.ok(f >= 0, row.name);
      assert.equal(doc.format(doc.byFrame.total[f]), formatLike(row.cum, doc.format(doc.byFrame.total[f])), row.name);
      assert.equal(doc.format(doc.byFrame.self[f]), formatLike(row.flat, doc.format(doc.byFrame.self[f])), row.name);
    }
  }
});

/** pprof's value text, allowing our own unit choice (pprof picks one unit for a whole table). */
function formatLike(ref: string, ours: string): string {
  const unit = (s: string) => s.replace(/^-?[\d.]+/, "");
  if (unit(ref) === unit(ours) || ref === "0" || ours === "0") return ref;
  const scale: Record<string, number> = {
    ns: 1,
    us: 1e3,
    ms: 1e6,
    s: 1e9,
    B: 1,
    kB: 1024,
    MB: 1024 ** 2,
    GB: 1024 ** 3,
  };
  const v = parseFloat(ref) * scale[unit(ref)];
  const o = parseFloat(ours) * scale[unit(ours)];
  return Math.abs(v - o) <= Math.max(scale[unit(ref)], scale[unit(ours)]) * 0.006 ? ours : ref;
}

Deno.test("flame HTML: one self-contained page with the tree as data, no external URL", async () => {
  for (const [f, base] of [["cpu.pb.gz"], ["cpu_after.pb.gz", "cpu.pb.gz"], ["heap.pb.gz"]]) {
    const { text, doc } = renderFlame(await report(f, {}, base), { format: "html" });
    assert.doesNotMatch(text, /https?:|\/\/[a-z]|<link\b|<script [^>]*src=|<img\b|@import|url\(/i, f);
    const json = /<script type="application\/json" id="flame-data">(.*?)<\/script>/s.exec(text)![1];
    const data = JSON.parse(json);
    assert.equal(data.nodes.f[0], -1);
    assert.equal(data.nodes.v[0], doc.tree.total[0]);
    assert.equal(data.nodes.f.length, data.nodes.d.length);
    assert.equal(!!data.nodes.b, !!base);
    // Each node's children sum to at most its width.
    const d = data.nodes.d as number[], v = data.nodes.v as number[];
    const stack: number[] = [];
    const sums = new Map<number, number>();
    d.forEach((depth, i) => {
      stack.length = depth;
      if (depth > 0) sums.set(stack[depth - 1], (sums.get(stack[depth - 1]) ?? 0) + v[i]);
      stack.push(i);
    });
    for (const [i, s] of sums) assert.ok(s <= v[i] * (1 + 1e-12) + 1e-9, `${f}: node ${i}`);
    assert.match(text, /id="search"/);
    assert.match(text, /id="sandwich"/);
    assert.match(text, /id="reset"/);
  }
});

Deno.test("flame text: the hottest paths, heaviest first, and a function's sandwich with pprof's cum", async () => {
  const r = await report("cpu.pb.gz");
  const tree = renderFlame(r, { format: "text" }).text;
  const lines = tree.split("\n");
  const first = lines.findIndex((l) => l.startsWith("100% "));
  assert.match(lines[first], /^100% 25\.02s root$/);
  // Siblings (same indentation under one parent) come heaviest first, all at least 1%.
  const pct = (l: string) => parseFloat(l.trim().split(" ")[0]);
  for (let i = first + 1; i < lines.length - 1; i++) {
    if (lines[i] === "") continue;
    assert.ok(pct(lines[i]) >= 1, lines[i]);
    const ind = lines[i].search(/\S/);
    for (let j = i + 1; j < lines.length && lines[j] !== ""; j++) {
      const jnd = lines[j].search(/\S/);
      if (jnd < ind) break;
      if (jnd === ind) {
        assert.ok(pct(lines[j]) <= pct(lines[i]), `${lines[j]} after ${lines[i]}`);
        break;
      }
    }
  }
  const cum = topRows(refText("ref/cpu/top_cum/stdout.txt")).find((x) =>
    x.name === "gen/internal/transform.normalizeValue"
  )!;
  const sw = renderFlame(r, { format: "text", sandwich: compileRE2("transform\\.normalizeValue$", "focus") });
  assert.equal(sw.function, "gen/internal/transform.normalizeValue");
  assert.match(
    sw.text,
    new RegExp(`^Sandwich of gen/internal/transform\\.normalizeValue: ${cum.cumPct} ${cum.cum.replace(".", "\\.")}`),
  );
  const callers = sw.text.split("\nCallers:\n")[1].split("\n\nCallees:\n");
  assert.match(
    callers[0],
    new RegExp(`^  ${cum.cumPct} ${cum.cum.replace(".", "\\.")} gen/internal/transform\\.normalizeValue`),
  );
  assert.match(
    callers[1],
    new RegExp(`^  ${cum.cumPct} ${cum.cum.replace(".", "\\.")} gen/internal/transform\\.normalizeValue`),
  );
  assert.throws(() => renderFlame(r, { format: "text", sandwich: compileRE2("^nothing$", "focus") }), /no matches/);
});
