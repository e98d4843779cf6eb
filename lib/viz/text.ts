/**
 * The flame graph as text, for a model to read instead of a picture: the
 * hottest call paths as an indented tree (heaviest first, paths below a share
 * left out, single-callee chains on one line), and the sandwich of one
 * function (its callers merged above, its callees merged below).
 *
 * @module
 */
import { percentage } from "../format/units.ts";
import type { GoRegexp } from "../regex/re2.ts";
import { buildTree, childrenOf, type FlameTree, type FrameNames, type Stacks, widthOf } from "./flame.ts";
import type { FlameDoc } from "./flamegraph.ts";

/** How much of the tree the text shows. */
export interface TextOptions {
  /** Leave out call paths under this percentage of the whole (default 1). */
  minPct?: number;
}

function pctOf(v: number, total: number): string {
  return percentage(v, total).trim();
}

/** One line's values: share and value, or in a diff the change with both sides. */
function values(doc: FlameDoc, t: FlameTree, i: number): string {
  if (t.baseTotal) {
    const c = t.total[i], b = t.baseTotal[i];
    const d = c - b;
    const rel = b !== 0 ? `${d >= 0 ? "+" : ""}${(d / b * 100).toFixed(0)}%` : "new";
    return `${d >= 0 ? "+" : "-"}${doc.format(Math.abs(d))} (${rel}) ${doc.format(b)} → ${doc.format(c)}`;
  }
  return `${pctOf(t.total[i], doc.total)} ${doc.format(t.total[i])}`;
}

function selfNote(doc: FlameDoc, t: FlameTree, i: number, cutoff: number): string {
  const self = t.self[i] + (t.baseSelf?.[i] ?? 0);
  if (self < cutoff || self === 0) return "";
  return t.baseSelf
    ? ` [self ${doc.format(t.baseSelf[i])} → ${doc.format(t.self[i])}]`
    : ` [self ${doc.format(t.self[i])}]`;
}

/**
 * Lines of the subtree of `start`: each path with its values, its children
 * indented below, heaviest first; a path whose whole weight (but for less
 * than the cutoff) goes to one callee continues on the same line (`a → b → c`).
 */
function* treeLines(doc: FlameDoc, t: FlameTree, start: number, cutoff: number, indent = ""): Generator<string> {
  // Depth first without recursion: trees can be thousands of frames deep.
  const stack: [number, string][] = [[start, indent]];
  while (stack.length > 0) {
    const [i, pad] = stack.pop()!;
    const chain = [i === 0 ? "root" : t.names[t.frame[i]]];
    let last = i;
    for (;;) {
      const kids = childrenOf(t, last).filter((c) => widthOf(t, c) >= cutoff);
      const rest = widthOf(t, last) - (kids.length === 1 ? widthOf(t, kids[0]) : 0);
      if (kids.length !== 1 || rest >= cutoff) break;
      last = kids[0];
      chain.push(t.names[t.frame[last]]);
    }
    // The line's values are its first frame's (what siblings are sorted by); the chain loses under a cutoff a link.
    yield `${pad}${values(doc, t, i)} ${chain.join(" → ")}${selfNote(doc, t, last, cutoff)}\n`;
    const kids = childrenOf(t, last);
    for (let k = kids.length - 1; k >= 0; k--) if (widthOf(t, kids[k]) >= cutoff) stack.push([kids[k], pad + "  "]);
  }
}

/** The indented tree of the hottest paths, with a header that says how to read it, in chunks of whole lines. */
export function* textTreeChunks(doc: FlameDoc, o: TextOptions = {}): Generator<string> {
  const t = doc.tree;
  const minPct = o.minPct ?? 1;
  const cutoff = widthOf(t, 0) * minPct / 100;
  const head = [
    `Flame graph of ${doc.title} as a tree: each line is a call path from the root, ${
      t.baseTotal ? "its change (candidate − base) and both values" : "its share of the total and its value"
    }; callees are indented below their caller, heaviest first; a → b means all of a's weight goes through b; ` +
    `[self …] is the weight of the frame itself. Paths under ${minPct}% are left out.`,
    ...doc.header,
    "",
  ];
  yield head.join("\n") + "\n";
  yield* treeLines(doc, t, 0, cutoff);
}

/** The stacks of one function: from its outermost call up to the root (callers), or down to the leaf (callees). */
function sandwichStacks(st: Stacks, frame: number, callers: boolean): Stacks {
  const start: number[] = [0];
  const frames: number[] = [];
  const weight: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < st.count; i++) {
    const from = st.start[i], to = st.start[i + 1];
    let k = from;
    while (k < to && st.frames[k] !== frame) k++;
    if (k === to) continue;
    if (callers) { for (let j = k; j >= from; j--) frames.push(st.frames[j]); }
    else for (let j = k; j < to; j++) frames.push(st.frames[j]);
    start.push(frames.length);
    weight.push(st.weight[i]);
    base.push(st.base[i]);
  }
  return {
    count: weight.length,
    start: Uint32Array.from(start),
    frames: Int32Array.from(frames),
    weight: Float64Array.from(weight),
    base: Uint8Array.from(base),
  };
}

/** The frame a sandwich is about: the heaviest frame whose name matches, and the others that match. */
export function sandwichFrame(doc: FlameDoc, re: GoRegexp): { frame: number; others: string[] } | undefined {
  const { total } = doc.byFrame;
  const names = doc.tree.names;
  const matches: number[] = [];
  for (let f = 0; f < names.length; f++) if (total[f] !== 0 && re.test(names[f])) matches.push(f);
  if (matches.length === 0) return undefined;
  matches.sort((a, b) => total[b] - total[a]);
  return { frame: matches[0], others: matches.slice(1).map((f) => names[f]) };
}

/** The text sandwich of `frame`: its totals, its callers merged (upwards), its callees merged (downwards). */
export function renderTextSandwich(
  doc: FlameDoc,
  st: Stacks,
  names: FrameNames,
  frame: number,
  others: string[],
  o: TextOptions = {},
): string {
  const minPct = o.minPct ?? 1;
  const callers = buildTree(sandwichStacks(st, frame, true), names);
  const callees = buildTree(sandwichStacks(st, frame, false), names);
  const cutoff = widthOf(callers, 0) * minPct / 100;
  const name = names.names[frame];
  const self = doc.byFrame.self[frame];
  const head = [
    `Sandwich of ${name}: ${values(doc, callees, 0)}${
      callees.baseTotal ? "" : ` of the total, self ${doc.format(self)} (${pctOf(self, doc.total)})`
    }.`,
    ...(others.length > 0
      ? [
        `Also matching (ask for one by a narrower regexp): ${others.slice(0, 8).join(", ")}${
          others.length > 8 ? `, and ${others.length - 8} more` : ""
        }`,
      ]
      : []),
    `Callers: the function, then who calls it (indented: the caller's callers), merged over every call path; ` +
    `callees below, the same way down. Paths under ${minPct}% of the function's weight are left out.`,
    "",
    "Callers:",
  ];
  const up = callers.count > 1 ? [...treeLines(doc, callers, 1, cutoff, "  ")] : [];
  const down = callees.count > 1 ? [...treeLines(doc, callees, 1, cutoff, "  ")] : [];
  return head.join("\n") + "\n" + up.join("") + "\nCallees:\n" + down.join("");
}
