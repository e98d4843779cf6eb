/**
 * One `--json` convention across the CLI: every key of every command's output
 * is snake_case, numbers are numbers, and the printed strings sit beside them
 * under `*_text` keys, unpadded. Streamed JSON is exactly JSON.stringify's.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { jsonChunks } from "../lib/cli/command.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { FIXTURES } from "./golden.ts";

const P = FIXTURES + "profiles/";

/** A printed number: digits with an optional unit or percent sign ("1.48s", "5.92%", "  100%", "1024"). */
const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*(%|[a-zA-Z]{1,5})?\s*$/;
/** Keys whose strings are names or text from the profile, which may look like anything. */
const FREE_TEXT = new Set(["name", "function", "file", "source", "key", "value", "values", "header", "comments"]);
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Every problem with the keys and values of `v`, with its path. */
function problems(v: unknown, path: string, key: string, out: string[]): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => problems(x, `${path}[${i}]`, key, out));
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (!SNAKE.test(k)) out.push(`${path}.${k}: key is not snake_case`);
      problems(x, `${path}.${k}`, k, out);
    }
  } else if (typeof v === "string") {
    if (key.endsWith("_text")) {
      if (v !== v.trim()) out.push(`${path}: printed string is padded: ${JSON.stringify(v)}`);
    } else if (!FREE_TEXT.has(key) && NUMBER_TEXT.test(v)) {
      out.push(`${path}: a number stored as a string: ${JSON.stringify(v)}`);
    }
  }
  return out;
}

async function json(...args: string[]): Promise<unknown> {
  const io = memoryIO();
  const code = await runCli(args, io);
  assert.ok(code === 0 || code === 1, `${args.join(" ")}: exit ${code}: ${io.stderr}`);
  return JSON.parse(io.stdout);
}

Deno.test("every command's --json: snake_case keys, numbers as numbers, printed strings under *_text", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runs: string[][] = [];
    for (const p of ["cpu.pb.gz", "heap.pb.gz", "goroutine.pb.gz", "node_cpu.pb.gz"]) {
      for (const cmd of ["top", "tree", "traces", "tags", "raw"]) runs.push([cmd, P + p]);
      runs.push(["peek", P + p, "."]);
    }
    runs.push(["list", P + "cpu.pb.gz", "planner\\.planJoins", "--source_path", FIXTURES]);
    runs.push(["list", P + "heap.pb.gz", "main\\."]);
    runs.push(["top", "--diff_base", P + "cpu.pb.gz", P + "cpu_after.pb.gz"]);
    runs.push(["merge", "-o", `${dir}/m.pb.gz`, P + "cpu.pb.gz", P + "cpu_after.pb.gz"]);
    runs.push(["regression-check", P + "cpu.pb.gz", P + "cpu_after.pb.gz", "--check", "mallocgc:flat_pct<=1"]);
    runs.push([
      "regression-check",
      "--base",
      P + "cpu.pb.gz",
      P + "cpu.pb.gz",
      "--head",
      P + "cpu_after.pb.gz",
      P + "cpu_after.pb.gz",
      "--check",
      "mallocgc:cum_ratio<=1",
    ]);
    const seen = new Set<string>();
    for (const args of runs) {
      const data = await json(...args, "--json");
      assert.deepEqual(problems(data, args[0], "", []), [], args.join(" "));
      seen.add(args[0]);
    }
    const all = ["top", "peek", "tree", "traces", "tags", "list", "raw", "merge", "regression-check"];
    assert.deepEqual(all.filter((c) => !seen.has(c)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--json values: raw numbers, unrounded percentages, and the printed text beside them", async () => {
  // deno-lint-ignore no-explicit-any
  const peek = await json("peek", P + "cpu.pb.gz", "transform\\.normalizeValue$", "--json") as any;
  const nv = peek.nodes[0];
  assert.equal(nv.name, "gen/internal/transform.normalizeValue");
  assert.equal(nv.cum, 3_350_000_000);
  assert.equal(nv.cum_text, "3.35s");
  assert.equal(nv.cum_pct_text, "13.39%");
  assert.ok(Math.abs(nv.cum_pct - 13.389) < 0.01);
  for (const e of [...nv.callers, ...nv.callees]) {
    assert.ok(Math.abs(e.pct - (e.weight / nv.cum) * 100) < 1e-9);
    assert.equal(typeof e.weight_text, "string");
  }
  // deno-lint-ignore no-explicit-any
  const heap = await json("tags", P + "heap.pb.gz", "--json") as any;
  const bytes = heap.tags.find((k: { key: string }) => k.key === "bytes");
  assert.equal(bytes.numeric, true);
  assert.ok(bytes.values.every((v: Record<string, unknown>) => typeof v.value_text === "string" && !("value" in v)));
  // deno-lint-ignore no-explicit-any
  const traces = await json("traces", P + "heap.pb.gz", "--json") as any;
  const label = traces.traces[0].labels.find((l: { key: string }) => l.key === "bytes");
  assert.equal(typeof label.values[0], "number");
  assert.equal(typeof label.values_text[0], "string");
});

Deno.test("jsonChunks is JSON.stringify(v, null, 2), with lazy arrays read as they are written", () => {
  const values: unknown[] = [
    {},
    [],
    { a: 1, b: [1, 2, { c: "x", d: undefined, e: null }], f: { g: [] } },
    [undefined, () => 1, "s"],
    "plain",
    42,
    null,
  ];
  for (const v of values) assert.equal([...jsonChunks(v)].join(""), JSON.stringify(v, null, 2) + "\n");
  function* items() {
    yield { x: 1, y: [1, 2] };
    yield { x: 2, y: [] };
  }
  const lazy = [...jsonChunks({ head: ["h"], items: items(), empty: (function* () {})(), tail: 1 })].join("");
  const eager = { head: ["h"], items: [{ x: 1, y: [1, 2] }, { x: 2, y: [] }], empty: [], tail: 1 };
  assert.equal(lazy, JSON.stringify(eager, null, 2) + "\n");
});
