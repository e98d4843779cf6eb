/**
 * pprof.flamegraph and pprof.callgraph through the registry, and over MCP:
 * they write new files only, return a summary and a resource_link (never the
 * drawing), draw SVG and PNG with no Graphviz installed, and the DOT they
 * write is go tool pprof's.
 */
import assert from "node:assert/strict";
import { XMLValidator } from "fast-xml-parser";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import type { ResourceLink, ToolResult } from "../lib/tools/registry.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { diffOutputs, FIXTURES, refText, topRows } from "./golden.ts";
import { startServer } from "./mcp_client.ts";

const registry = createRegistry();
const P = FIXTURES + "profiles/";

async function call(name: string, args: Record<string, unknown>, base?: string): Promise<ToolResult> {
  const handles = new HandleRegistry();
  return await registry.call(name, args, "default", {
    signal: new AbortController().signal,
    progress: () => Promise.resolve(),
    sandbox: new Sandbox(base, handles),
    handles,
  });
}

function links(r: ToolResult): ResourceLink[] {
  return r.content.filter((c): c is ResourceLink => c.type === "resource_link");
}

Deno.test("pprof.flamegraph: writes a new SVG or HTML, returns its link and the hottest frames", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const format of ["svg", "html"]) {
      const out = `${dir}/cpu.${format}`;
      const r = await call("pprof.flamegraph", { profile: P + "cpu.pb.gz", output_path: out });
      assert.equal(r.isError, false, r.content[0].text);
      const s = r.structuredContent as Record<string, unknown>;
      assert.equal(s.format, format);
      assert.equal(s.output_path, out);
      const bytes = (await Deno.stat(out)).size;
      assert.equal(s.bytes, bytes);
      // The answer is a summary and a link, not the drawing.
      assert.ok(JSON.stringify(r).length < 6000, `${JSON.stringify(r).length} bytes`);
      const [link] = links(r);
      assert.equal(link.uri, "file://" + out);
      assert.equal(link.mimeType, format === "svg" ? "image/svg+xml" : "text/html");
      assert.equal(link.size, bytes);
      // The hottest self frame is pprof's top flat function.
      const top = topRows(refText("ref/cpu/top/stdout.txt"))[0];
      const hottest = s.hottest as { name: string; self_text: string }[];
      assert.equal(hottest[0].name, top.name);
      assert.equal(hottest[0].self_text, top.flat);
      assert.equal(s.total_text, "25.02s");
      // Never over an existing file.
      const again = await call("pprof.flamegraph", { profile: P + "cpu.pb.gz", output_path: out });
      assert.equal(again.isError, true);
      assert.match(again.content[0].text, /already exists; this tool only writes new files/);
    }
    const def = registry.tools.find((t) => t.name === "pprof.flamegraph")!;
    assert.deepEqual(
      [def.annotations.readOnlyHint, def.annotations.destructiveHint],
      [false, false],
      "writes new files",
    );
    assert.match(def.description, /You, the model, should read format text/);
    // Options of the spec: binary, focus, ignore, tag_focus, tag_ignore, sample_index.
    const props = Object.keys(registry.schemas(def).input.properties as object);
    for (
      const k of ["profile", "output_path", "binary", "focus", "ignore", "tag_focus", "tag_ignore", "sample_index"]
    ) {
      assert.ok(props.includes(k), k);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pprof.flamegraph: text for models, within the default caps; a sandwich with focus; diffs", async () => {
  const r = await call("pprof.flamegraph", { profile: FIXTURES + "big/bigcpu.pb.gz", min_pct: 0.001 });
  assert.equal(r.isError, false, r.content[0].text);
  const s = r.structuredContent as { raw: string; raw_meta: { truncated: boolean; hint?: string } };
  assert.ok(s.raw_meta.truncated);
  assert.ok(s.raw.split("\n").length <= 200 && new TextEncoder().encode(s.raw).length <= 16000);
  assert.match(s.raw_meta.hint!, /max_lines|max_bytes/);
  assert.equal(links(r).length, 0);

  const sw = await call("pprof.flamegraph", {
    profile: P + "cpu.pb.gz",
    focus: "jsonlite\\.\\(\\*parser\\)\\.parseString",
  });
  const o = sw.structuredContent as { function: string; raw: string };
  assert.equal(o.function, "gen/internal/jsonlite.(*parser).parseString");
  assert.match(o.raw, /^Sandwich of gen\/internal\/jsonlite\.\(\*parser\)\.parseString: /);
  assert.match(o.raw, /\nCallers:\n {2}\S+% \S+ gen\/internal\/jsonlite\.\(\*parser\)\.parseString/);

  const none = await call("pprof.flamegraph", { profile: P + "cpu.pb.gz", focus: "^nomatch$" });
  assert.equal(none.isError, false);
  assert.equal((none.structuredContent as { matched: boolean }).matched, false);

  const diff = await call("pprof.flamegraph", { profile: P + "cpu_after.pb.gz", diff_base: P + "cpu.pb.gz" });
  const d = diff.structuredContent as { base_total_text: string; total_text: string; raw: string };
  assert.equal(d.base_total_text, "25.02s");
  assert.match(d.raw, /\n-\S+ \(-\d+%\) 25\.02s → \S+ root\n/);
});

Deno.test("pprof.callgraph: DOT as go tool pprof writes it; SVG and PNG drawn in-process", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dot = `${dir}/g.dot`;
    const r = await call("pprof.callgraph", { profile: P + "heap.pb.gz", output_path: dot });
    assert.equal(r.isError, false, r.content[0].text);
    assert.equal(diffOutputs(await Deno.readTextFile(dot), refText("ref/heap/dot/stdout.dot")), undefined);
    assert.equal(
      (r.structuredContent as { command: string }).command,
      `go tool pprof -dot -output ${dot} ${P}heap.pb.gz`,
    );
    const n20 = `${dir}/n20.dot`;
    await call("pprof.callgraph", { profile: FIXTURES + "profiles/cpu.pb.gz", output_path: n20, nodecount: 20 });
    assert.equal(diffOutputs(await Deno.readTextFile(n20), refText("ref_dot/cpu/n20/stdout.dot")), undefined);

    const svg = `${dir}/g.svg`;
    const s = await call("pprof.callgraph", { profile: P + "heap.pb.gz", output_path: svg });
    assert.equal(s.isError, false, s.content[0].text);
    const text = await Deno.readTextFile(svg);
    assert.equal(XMLValidator.validate(text), true);
    // Graphviz drew pprof's nodes: every node label of the DOT is in the SVG.
    assert.match(text, /<svg width="\d+pt" height="\d+pt"/);
    assert.match(text, /<title>N1<\/title>/);
    assert.match(text, />48952\.93kB \(70\.57%\)</);
    assert.equal(links(s)[0].mimeType, "image/svg+xml");

    const png = `${dir}/g.png`;
    const p = await call("pprof.callgraph", { profile: P + "heap.pb.gz", output_path: png });
    assert.equal(p.isError, false, p.content[0].text);
    const bytes = await Deno.readFile(png);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const [w, h] = [view.getUint32(16), view.getUint32(20)];
    assert.ok(w > 400 && h > 400, `${w}x${h}`);
    // Not blank: the image compresses worse than a white page would.
    assert.ok(bytes.length > 20_000, `${bytes.length} bytes`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MCP: pprof.flamegraph and pprof.callgraph write inside the base dir and link to the file", async () => {
  const base = await Deno.realPath(await Deno.makeTempDir());
  await Deno.copyFile(P + "cpu.pb.gz", `${base}/cpu.pb.gz`);
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: base } });
  try {
    const r = await c.callTool({
      name: "pprof.flamegraph",
      arguments: { profile: "cpu.pb.gz", output_path: "f.html" },
    });
    assert.equal(r.isError, false, JSON.stringify(r.content));
    const content = r.content as { type: string; uri?: string; text?: string }[];
    assert.equal(content[0].type, "text");
    assert.deepEqual(content.slice(1).map((x) => [x.type, x.uri]), [["resource_link", `file://${base}/f.html`]]);
    assert.ok((await Deno.stat(`${base}/f.html`)).size > 50_000);
    const g = await c.callTool({ name: "pprof.callgraph", arguments: { profile: "cpu.pb.gz", output_path: "g.svg" } });
    assert.equal(g.isError, false, JSON.stringify(g.content));
    assert.equal(XMLValidator.validate(await Deno.readTextFile(`${base}/g.svg`)), true);
    const out = await c.callTool({
      name: "pprof.callgraph",
      arguments: { profile: "cpu.pb.gz", output_path: "/tmp/x.svg" },
    });
    assert.equal(out.isError, true);
    assert.match(JSON.stringify(out.content), /outside base dir/);
  } finally {
    await c.close();
    await Deno.remove(base, { recursive: true });
  }
});
