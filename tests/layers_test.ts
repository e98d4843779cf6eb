/**
 * Dependencies point down: bytes → profile → graph → report → tools → CLI/MCP.
 * A module may import its own layer and the layers below it, never one above.
 */
import assert from "node:assert/strict";

const root = new URL("../lib/", import.meta.url).pathname;

/** Layers from the bottom up; folders of one entry share a layer. */
const LAYERS: string[][] = [
  ["errors.ts", "version.ts", "util", "format", "regex"],
  ["profile"],
  ["graph"],
  ["report"],
  // Areas built on the reports, each its own folder; they may not import one another's layer above.
  ["analysis", "datadog", "viz", "local", "pyroscope"],
  ["tools"],
  // The workflow guides name tools through the registry; the MCP server serves them.
  ["prompts"],
  ["cli", "mcp"],
];

function layerOf(path: string): number {
  const top = path.slice(root.length).split("/")[0];
  const i = LAYERS.findIndex((l) => l.includes(top));
  if (i < 0) throw new Error(`lib/${top} is in no layer: add it to LAYERS in tests/layers_test.ts`);
  return i;
}

function* modules(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yield* modules(p);
    else if (e.name.endsWith(".ts")) yield p;
  }
}

Deno.test("layers: no module imports a layer above its own", () => {
  const violations: string[] = [];
  for (const file of modules(root.slice(0, -1))) {
    const own = layerOf(file);
    const text = Deno.readTextFileSync(file);
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^"';]*?from\s+"(\.[^"]+)"/g)) {
      const target = new URL(m[1], "file://" + file).pathname;
      if (!target.startsWith(root)) continue;
      if (layerOf(target) > own) violations.push(`${file.slice(root.length)} imports ${target.slice(root.length)}`);
    }
    for (const m of text.matchAll(/import\(\s*"(\.[^"]+)"\s*\)/g)) {
      const target = new URL(m[1], "file://" + file).pathname;
      if (target.startsWith(root) && layerOf(target) > own) {
        violations.push(`${file.slice(root.length)} imports ${target.slice(root.length)}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("layers: the check sees a violation", () => {
  // The layer table must put the view below the graph (the graph reads views).
  assert.ok(layerOf(root + "profile/view.ts") < layerOf(root + "graph/graph.ts"));
  assert.ok(layerOf(root + "report/report.ts") > layerOf(root + "graph/graph.ts"));
});
