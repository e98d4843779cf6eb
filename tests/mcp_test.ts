/**
 * The MCP server end to end: the SDK's own Client over stdio, spawning the
 * server as a user's MCP config would, listing the tools and calling every one
 * of them on fixture profiles, checking the numbers against `go tool pprof`'s
 * reference outputs; and raw stdio for what the SDK client cannot send or
 * would hide (malformed and oversized lines, the order of progress
 * notifications and answers, cancellation).
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { z } from "zod";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { LineBuffer, recoverId } from "../lib/mcp/lines.ts";
import { createServer } from "../lib/mcp/server.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { ToolRegistry } from "../lib/tools/registry.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { diffOutputs, FIXTURES } from "./golden.ts";
import { goInuseTotal, goSampleTypes } from "./launch.ts";
import { type Message, RawServer, startServer } from "./mcp_client.ts";

const ref = (path: string) => Deno.readTextFileSync(FIXTURES + path);

/** A row of a `go tool pprof -top` reference, by function name: its five columns as printed. */
function goTopRow(path: string, name: string) {
  const line = ref(path).split("\n").find((l) => l.trimEnd().endsWith(`  ${name}`));
  assert.ok(line, `${name} in ${path}`);
  const [flat, flat_pct, sum_pct, cum, cum_pct] = line.trim().split(/\s+/);
  return { flat, flat_pct, sum_pct, cum, cum_pct };
}

/** Seconds of a pprof duration such as "1.48s" or "1480ms". */
function seconds(d: string): number {
  const m = /^([\d.]+)(ms|s)$/.exec(d)!;
  return Number(m[1]) / (m[2] === "ms" ? 1000 : 1);
}

// One sandbox for the whole file: the fixtures are copied into a base dir.
const base = await Deno.makeTempDir({ prefix: "pprof-mcp-test-" });
for (const f of ["cpu", "cpu_after", "heap", "goroutine", "block", "mutex"]) {
  await Deno.copyFile(`${FIXTURES}profiles/${f}.pb.gz`, `${base}/${f}.pb.gz`);
}
await Deno.mkdir(`${base}/src`);
await Deno.mkdir(`${base}/src/gen`);
for (const e of Deno.readDirSync(FIXTURES + "gen")) {
  if (e.isDirectory) {
    await new Deno.Command("cp", { args: ["-r", `${FIXTURES}gen/${e.name}`, `${base}/src/gen/`] }).output();
  }
}

type Result = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text: string }[];
};

/** A tool as tools/list returns it. */
interface Listed {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
}

async function listTools(c: Client): Promise<Listed[]> {
  return (await c.listTools()).tools as Listed[];
}

async function call(c: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  return await c.callTool({ name, arguments: args }) as Result;
}

// deno-lint-ignore no-explicit-any
const sc = (r: Result) => r.structuredContent as any;

/** No output caps (0 is no limit): the whole text, to compare with go tool pprof's. */
const ALL = { max_lines: 0, max_bytes: 0 };

Deno.test("mcp: tools/list exposes valid schemas, sorted names, annotations", async () => {
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: base } });
  try {
    assert.equal(c.getServerVersion()?.name, "pprof-mcp");
    assert.equal(c.getServerVersion()?.title, "pprof MCP");
    assert.ok(c.getInstructions()!.endsWith(` Files must be inside ${base}; relative paths are relative to it.`));
    const tools = await listTools(c);
    const names = tools.map((t) => t.name);
    assert.deepEqual(names, [...names].sort());
    // The tools the README documents.
    for (
      const want of [
        "pprof.top",
        "pprof.peek",
        "pprof.list",
        "pprof.traces_head",
        "pprof.tags",
        "pprof.meta",
        "pprof.merge",
        "pprof.focus_paths",
        "pprof.diff_top",
        "pprof.regression_check",
      ]
    ) {
      assert.ok(names.includes(want), want);
    }
    const ajv7 = new Ajv({ strict: false }), ajv2020 = new Ajv2020({ strict: false });
    for (const t of tools) {
      assert.match(t.name, /^[a-zA-Z0-9_.-]{1,64}$/);
      assert.ok(t.description && t.description.length > 40, `${t.name} has a description`);
      assert.equal(t.inputSchema.type, "object");
      assert.equal((t.inputSchema as { additionalProperties?: boolean }).additionalProperties, false);
      assert.equal(t.outputSchema?.type, "object");
      for (const schema of [t.inputSchema, t.outputSchema!]) {
        assert.ok(ajv7.validateSchema(schema), `${t.name}: ${ajv7.errorsText()}`);
        assert.ok(ajv2020.validateSchema(schema), `${t.name}: ${ajv2020.errorsText()}`);
        ajv7.compile(schema);
      }
      assert.equal(typeof t.annotations?.readOnlyHint, "boolean", `${t.name} says whether it writes`);
    }
    assert.equal(tools.find((t) => t.name === "pprof.peek")!.annotations!.readOnlyHint, true);
    assert.equal(tools.find((t) => t.name === "pprof.merge")!.annotations!.destructiveHint, false);
  } finally {
    await c.close();
  }
});

Deno.test("mcp: codex naming mode, from the flag or the environment; the flag wins", async () => {
  const cases = [
    { opts: { args: ["--tool-name-mode=codex"] }, codex: true },
    { opts: { env: { PPROF_MCP_TOOL_NAME_MODE: "  CODEX " } }, codex: true },
    { opts: { args: ["--tool-name-mode=default"], env: { PPROF_MCP_TOOL_NAME_MODE: "codex" } }, codex: false },
  ];
  const canonical = createRegistry().tools.map((t) => t.name).sort();
  for (const { opts, codex } of cases) {
    const c = await startServer(opts);
    try {
      const tools = await listTools(c);
      const names = tools.map((t) => t.name);
      // Sorted by the exposed name: in codex mode datadog_metrics_at_timestamp comes before datadog_metrics_discover.
      assert.deepEqual(names, canonical.map((n) => (codex ? n.replaceAll(".", "_") : n)).sort());
      for (const t of tools.filter(() => codex)) {
        assert.match(t.name, /^[a-zA-Z0-9_-]+$/);
        assert.ok(t.description!.startsWith(`Codex tool name: ${t.name}\n\n`));
      }
      const r = await call(c, codex ? "pprof_meta" : "pprof.meta", { profile: FIXTURES + "profiles/mutex.pb.gz" });
      assert.equal(r.isError, false);
      assert.equal(sc(r).result.detected_profile_kind, "mutex");
    } finally {
      await c.close();
    }
  }
});

/**
 * Every prose string of a value: string leaves, recursively, but not the field names a JSON Schema lists under
 * `required` (a result field such as `profiles_merged` is no tool name).
 */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === "object") {
    Object.entries(v).forEach(([k, x]) => k === "required" || strings(x, out));
  }
  return out;
}

/**
 * The words of `texts` that look like tool names (a tool namespace such as
 * `pprof`, then `.` or `_` and a lower-case name; not inside a path or a Go
 * symbol such as runtime/pprof.writeHeap) and are not a tool the client can
 * call by that name.
 */
function untrueToolNames(texts: string[], exposed: Set<string>): string[] {
  const namespaces = [...new Set(createRegistry().tools.map((t) => t.name.split(".")[0]))];
  const word = new RegExp(
    String.raw`(?<![\w./-])(?:${namespaces.join("|")})[._][a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*`,
    "g",
  );
  // Argument names such as repo_root look like codex names of a "repo" namespace; they are not tool names.
  const args = new Set(createRegistry().tools.flatMap((t) => Object.keys(t.input.shape)));
  const bad = new Set<string>();
  for (const t of texts) for (const [w] of t.matchAll(word)) if (!exposed.has(w) && !args.has(w)) bad.add(w);
  return [...bad].sort();
}

Deno.test("mcp: untrueToolNames finds unregistered and wrongly exposed names, not paths or Go symbols", () => {
  const exposed = new Set(["pprof.top", "pprof.peek"]);
  const texts = [
    "start with pprof.top, then pprof.peek.",
    "runtime/pprof.writeHeap and pprof.Do are Go; /tmp/pprof.samples.cpu.001.pb.gz is a file",
    "pprof.storylines turns paths into stories; pprof_top is the codex name",
  ];
  assert.deepEqual(untrueToolNames(texts, exposed), ["pprof.storylines", "pprof_top"]);
});

const MODES = [{ mode: "default", args: [] }, { mode: "codex", args: ["--tool-name-mode=codex"] }];

Deno.test("mcp: instructions and tool descriptions name only tools the client can call, in both modes", async () => {
  for (const { mode, args } of MODES) {
    const c = await startServer({ args, env: { PPROF_MCP_BASEDIR: base } });
    try {
      const tools = await listTools(c);
      const exposed = new Set(tools.map((t) => t.name));
      const texts = [c.getInstructions() ?? "", ...strings(tools)];
      assert.ok(texts[0].includes(mode === "codex" ? "pprof_top" : "pprof.top"), texts[0]);
      assert.deepEqual(untrueToolNames(texts, exposed), [], `${mode} mode`);
    } finally {
      await c.close();
    }
  }
});

Deno.test("mcp: tool names in argument and result descriptions are exposed too", async () => {
  // Two tools whose schemas name each other (as pprof.top's compare_baseline argument names the tool that
  // records the baseline), served in process.
  const registry = new ToolRegistry();
  for (const [name, other] of [["demo.first", "demo.second"], ["demo.second", "demo.first"]]) {
    registry.add({
      name,
      title: name,
      description: `A tool for the test; see ${other}.`,
      input: z.object({ x: z.string().describe(`as ${other} takes it`) }).strict(),
      output: z.object({ y: z.string().describe(`what ${other} reads`) }),
      annotations: { readOnlyHint: true },
      run: () => Promise.resolve({ y: "" }),
    });
  }
  const server = createServer(registry, "codex", new Sandbox(undefined, new HandleRegistry()));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: "in-process", version: "1" });
  await client.connect(b);
  try {
    const tools = await listTools(client);
    assert.deepEqual(tools.map((t) => t.name), ["demo_first", "demo_second"]);
    const texts = strings(tools.map((t) => [t.description, t.inputSchema, t.outputSchema]));
    assert.ok(texts.includes("as demo_second takes it") && texts.includes("what demo_first reads"), `${texts}`);
    assert.deepEqual(texts.filter((t) => /demo\./.test(t)), []);
  } finally {
    await client.close();
  }
});

Deno.test("mcp: tool results and hints name only tools the client can call, in both modes", async () => {
  const calls: [string, Record<string, unknown>][] = [
    ["pprof.top", { profile: "cpu.pb.gz", nodecount: 5 }],
    ["pprof.top", { profile: "heap.pb.gz", nodecount: 5 }],
    ["pprof.top", { profile: "heap.pb.gz", nodecount: 5, sample_index: "alloc_space" }],
    ["pprof.top", { profile: "goroutine.pb.gz", nodecount: 5 }],
    ["pprof.top", { profile: "mutex.pb.gz", nodecount: 5 }],
    ["pprof.peek", { profile: "cpu.pb.gz", regex: "NoSuchFunction" }],
    ["pprof.focus_paths", { profile: "cpu.pb.gz", function: "NoSuchFunction" }],
    ["pprof.tags", { profile: "cpu.pb.gz" }],
    ["pprof.meta", { profile: "block.pb.gz" }],
    ["pprof.diff_top", { before: "cpu.pb.gz", after: "cpu_after.pb.gz", max_lines: 5 }],
    ["pprof.top", { profile: "../outside.pb.gz" }],
    ["pprof.top", { profile: "cpu.pb.gz", nodecount: "five" }],
    ["pprof.top", {}],
  ];
  const problems: string[] = [];
  for (const { mode, args } of MODES) {
    const c = await startServer({ args, env: { PPROF_MCP_BASEDIR: base } });
    try {
      const exposed = new Set((await listTools(c)).map((t) => t.name));
      for (const [tool, a] of calls) {
        const name = mode === "codex" ? tool.replaceAll(".", "_") : tool;
        const r = await call(c, name, a);
        const bad = untrueToolNames([...strings(r.structuredContent), ...strings(r.content)], exposed);
        if (bad.length) problems.push(`${mode} ${name} ${JSON.stringify(a)}: ${bad.join(", ")}`);
      }
    } finally {
      await c.close();
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("mcp: every tool, called for real on fixture profiles", async (t) => {
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: base } });
  const ajv = new Ajv({ strict: false });
  const tools = await listTools(c);
  const outputSchema = (name: string) => ajv.compile(tools.find((x) => x.name === name)!.outputSchema!);
  const ok = (name: string, r: Result) => {
    assert.equal(r.isError, false, r.content[0]?.text);
    assert.equal(r.content.length, 1);
    assert.equal(r.content[0].type, "text");
    const validate = outputSchema(name);
    assert.ok(validate(r.structuredContent), ajv.errorsText(validate.errors));
    return sc(r);
  };
  try {
    await t.step("pprof.top: pprof's text, parsed rows, hints", async () => {
      const out = ok("pprof.top", await call(c, "pprof.top", { profile: "cpu.pb.gz", nodecount: 20, ...ALL }));
      assert.equal(diffOutputs(out.raw, ref("ref/cpu/top_n20/stdout.txt")), undefined);
      assert.equal(out.rows.length, 20);
      const go = goTopRow("ref/cpu/top/stdout.txt", "runtime.mallocgc");
      const row = out.rows[0];
      assert.deepEqual(
        [row.name, row.flat_pct, row.sum_pct, row.cum_pct, row.flat_seconds, row.cum_seconds],
        ["runtime.mallocgc", go.flat_pct, go.sum_pct, go.cum_pct, seconds(go.flat), seconds(go.cum)],
      );
      assert.equal(out.command, `go tool pprof -top -nodecount 20 ${base}/cpu.pb.gz`);
      assert.equal(out.raw_meta.truncated, false);
      // cpu.pb.gz's samples carry tenant_id (go tool pprof -tags: ref/cpu/tags).
      assert.match(ref("ref/cpu/tags/stdout.txt"), /^ tenant_id: Total /m);
      assert.ok(out.hints.some((h: string) => h.includes("tenant_id")), "label hint");
      const limited = ok("pprof.top", await call(c, "pprof.top", { profile: "cpu.pb.gz", max_lines: 3 }));
      const goHead = ref("ref/cpu/top/stdout.txt").split("\n").slice(0, 3).join("\n");
      assert.equal(diffOutputs(limited.raw, goHead), undefined);
      assert.deepEqual([limited.raw_meta.truncated, limited.raw_meta.truncated_reason], [true, "max_lines"]);
    });
    await t.step("pprof.peek: pprof's peek text; no match is a result with pprof's message", async () => {
      const out = ok(
        "pprof.peek",
        await call(c, "pprof.peek", { profile: "cpu.pb.gz", regex: "transform\\.normalizeValue$", ...ALL }),
      );
      assert.equal(diffOutputs(out.raw, ref("ref/cpu/peek_normalizeValue/stdout.txt")), undefined);
      const none = await call(c, "pprof.peek", { profile: "cpu.pb.gz", regex: "NoSuchFunction" });
      const payload = ok("pprof.peek", none);
      assert.deepEqual([payload.matched, payload.reason, payload.tool, payload.pattern], [
        false,
        "no_matches",
        "pprof.peek",
        "NoSuchFunction",
      ]);
      // go tool pprof's words for a regexp that matches nothing (ref_extra/cpu/peek_lines, another regexp).
      const goMessage = ref("ref_extra/cpu/peek_lines/stderr.txt").trim()
        .replace("transform\\.normalizeValue$", "NoSuchFunction");
      assert.equal(none.content[0].text.split("\n")[0], goMessage);
    });
    await t.step("pprof.list: annotated source from repo_root", async () => {
      const out = ok(
        "pprof.list",
        await call(c, "pprof.list", {
          profile: "cpu.pb.gz",
          function: "planner\\.planJoins",
          repo_root: "src",
          ...ALL,
        }),
      );
      assert.equal(diffOutputs(out.raw, ref("ref/cpu/list_planJoins/stdout.txt")), undefined);
    });
    await t.step("pprof.traces_head: the first lines", async () => {
      const out = ok(
        "pprof.traces_head",
        await call(c, "pprof.traces_head", { profile: "goroutine.pb.gz", lines: 12, ...ALL }),
      );
      const goTraces = ref("ref/goroutine/traces/stdout.txt").split("\n");
      assert.equal(out.total_lines, goTraces.length - 1);
      assert.equal(diffOutputs(out.raw, goTraces.slice(0, 12).join("\n")), undefined);
    });
    await t.step("pprof.tags: listing and per-tenant top", async () => {
      const listing = ok(
        "pprof.tags",
        await call(c, "pprof.tags", { profile: "cpu.pb.gz", tag_show: "tenant", ...ALL }),
      );
      assert.equal(listing.raw, ref("ref_extra/cpu/tags_tagshow/stdout.txt"));
      // The label keys go tool pprof -tags lists.
      const goKeys = [...ref("ref/cpu/tags/stdout.txt").matchAll(/^ (\S+): Total /gm)].map((m) => m[1]).sort();
      assert.deepEqual(listing.tags, goKeys);
      const acme = ok(
        "pprof.tags",
        await call(c, "pprof.tags", { profile: "cpu.pb.gz", tag_focus: "tenant_id=acme", ...ALL }),
      );
      assert.equal(diffOutputs(acme.raw, ref("ref/cpu/tagfocus_tenant_acme/stdout.txt")), undefined);
    });
    await t.step("pprof.meta: go tool pprof's sample types and total", async () => {
      const out = ok("pprof.meta", await call(c, "pprof.meta", { profile: "heap.pb.gz" }));
      assert.equal(out.result.detected_profile_kind, "heap");
      assert.deepEqual(out.result.sample_types, goSampleTypes());
      const inuse = out.result.totals.find((x: { type: string }) => x.type === "inuse_space").total;
      assert.equal(`${(inuse / 1024).toFixed(2)}kB`, goInuseTotal());
    });
    await t.step("pprof.focus_paths: pprof's traces -focus", async () => {
      const out = ok(
        "pprof.focus_paths",
        await call(c, "pprof.focus_paths", { profile: "cpu.pb.gz", function: "planJoins", ...ALL }),
      );
      assert.equal(diffOutputs(out.raw, ref("ref_extra/cpu/traces_focus/stdout.txt")), undefined);
    });
    await t.step("pprof.diff_top: the change of normalizeValue's cum", async () => {
      const out = ok(
        "pprof.diff_top",
        await call(c, "pprof.diff_top", { before: "cpu.pb.gz", after: "cpu_after.pb.gz", cum: true, max_lines: 0 }),
      );
      const nv = out.deltas.find((d: { name: string }) => d.name === "gen/internal/transform.normalizeValue");
      // go tool pprof -top -cum: 3.35s before, 0.71s after.
      const before = goTopRow("ref/cpu/top_cum/stdout.txt", "gen/internal/transform.normalizeValue").cum;
      const after = goTopRow("ref/cpu_after/top_cum/stdout.txt", "gen/internal/transform.normalizeValue").cum;
      assert.ok(Math.abs(nv.delta_seconds - (seconds(after) - seconds(before))) < 1e-9, `${nv.delta_seconds}`);
    });
    await t.step("pprof.regression_check: pass and fail", async () => {
      const out = ok(
        "pprof.regression_check",
        await call(c, "pprof.regression_check", {
          profile: "cpu.pb.gz",
          checks: [
            { function: "transform\\.normalizeValue$", metric: "cum_pct", max: 10 },
            { function: "runtime\\.mallocgc$", metric: "flat_pct", max: 6 },
          ],
        }),
      );
      // go tool pprof -top: normalizeValue cum 13.39%, mallocgc flat 5.92%.
      const nv = goTopRow("ref/cpu/top/stdout.txt", "gen/internal/transform.normalizeValue").cum_pct;
      const malloc = goTopRow("ref/cpu/top/stdout.txt", "runtime.mallocgc").flat_pct;
      assert.equal(out.result.passed, false);
      assert.deepEqual(out.result.checks.map((x: { actual: number; passed: boolean }) => [`${x.actual}%`, x.passed]), [
        [nv, false],
        [malloc, true],
      ]);
      assert.equal(
        out.result.checks[0].message,
        `transform\\.normalizeValue$ cum_pct (${nv}) exceeds threshold (10.00%)`,
      );
    });
    await t.step("pprof.merge: a new file pprof reads as the merge, a handle, never overwriting", async () => {
      const r = await call(c, "pprof.merge", {
        profiles: ["cpu.pb.gz", "cpu_after.pb.gz"],
        output_path: "merged.pb.gz",
      });
      const out = ok("pprof.merge", r);
      assert.equal(out.output_path, `${base}/merged.pb.gz`);
      assert.equal(out.input_count, 2);
      assert.match(out.handle, /^handle:[0-9a-f]{16}$/);
      // go tool pprof -top of the merge of both files (ref_extra/cpu_merged).
      const viaHandle = ok("pprof.top", await call(c, "pprof.top", { profile: out.handle, ...ALL }));
      assert.equal(diffOutputs(viaHandle.raw, ref("ref_extra/cpu_merged/top/stdout.txt")), undefined);
      const again = await call(c, "pprof.merge", {
        profiles: ["cpu.pb.gz", "cpu_after.pb.gz"],
        output_path: "merged.pb.gz",
      });
      assert.equal(again.isError, true);
      assert.equal(
        sc(again).error.message,
        `output_path ${base}/merged.pb.gz already exists; merge only writes new files`,
      );
    });
  } finally {
    await c.close();
  }
});

Deno.test("mcp: argument validation errors say what was expected", async () => {
  const c = await startServer();
  try {
    const cases: [string, Record<string, unknown>, RegExp, string][] = [
      ["pprof.top", {}, /missing required argument "profile"/, "profile"],
      ["pprof.traces_head", { profile: "x", lines: "nope" }, /expected integer/, "lines"],
      ["pprof.traces_head", { profile: "x", lines: 501 }, /exceeds maximum 500/, "lines"],
      ["pprof.top", { profile: "x", bogus: 1 }, /unknown argument "bogus"/, "bogus"],
      ["pprof.top", { profile: "x", nodecount: -1 }, /below minimum 0/, "nodecount"],
      ["pprof.merge", { profiles: ["one.pprof"], output_path: "o" }, /expected at least 2 items, got 1/, "profiles"],
      ["pprof.merge", { profiles: "only-one.pprof", output_path: "o" }, /expected at least 2 items, got 1/, "profiles"],
      [
        "pprof.top",
        { profile: "x", truncate_strategy: "middle" },
        /value "middle" is not allowed/,
        "truncate_strategy",
      ],
      [
        "pprof.regression_check",
        { profile: "x", checks: [{ function: "f", metric: "flat_pct", max: "5" }] },
        /expected number/,
        "checks[0].max",
      ],
      ["pprof.top", { profile: null }, /missing required argument "profile"/, "profile"],
    ];
    for (const [tool, args, message, field] of cases) {
      const r = await call(c, tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}`);
      const err = sc(r).error;
      assert.match(err.message, message);
      assert.equal(err.code, "INVALID_ARGUMENT");
      assert.equal(err.details.field, field);
      // The text is the message, then what was expected (and received), then a hint: each a non-empty line.
      const lines = r.content[0].text.split("\n");
      assert.equal(lines[0], err.message);
      assert.match(lines[1], /^Expected: \S/);
      assert.match(lines.at(-1)!, /^Hint: \S/);
    }
    const missing = await call(c, "pprof.top", { profile: FIXTURES + "profiles/nope.pb.gz" });
    assert.equal(sc(missing).error.code, "NOT_FOUND");
    const unknown = await call(c, "pprof.frobnicate", {});
    assert.equal(unknown.isError, true);
    assert.equal(sc(unknown).error.message, 'unknown tool "pprof.frobnicate"');
  } finally {
    await c.close();
  }
});

Deno.test("mcp: line splitting keeps lines up to the limit and finds the id of longer ones", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const lines = new LineBuffer(16);
  // Lines split across chunks, \r\n endings, a line of exactly the limit, then one over it.
  assert.deepEqual(lines.push(enc('{"a":')), []);
  assert.deepEqual(lines.push(enc('1}\r\n{"b":2}\n0123456789abcdef\n')), [
    { kind: "line", text: '{"a":1}' },
    { kind: "line", text: '{"b":2}' },
    { kind: "line", text: "0123456789abcdef" },
  ]);
  const long = ['{"id":7,"method":"x","params":{"p":"', 'long"}}'];
  assert.deepEqual(lines.push(enc(long[0])), []);
  assert.deepEqual(lines.push(enc(long[1] + '\n{"c":3}\n')), [
    { kind: "oversized", bytes: long.join("").length, id: 7 },
    { kind: "line", text: '{"c":3}' },
  ]);
  // Where the id is: first, last (as the SDK's clients write it), nested only, or nowhere.
  assert.equal(recoverId('{"jsonrpc":"2.0","id":"a\\"b","params":{"x":"', ""), 'a"b');
  assert.equal(recoverId('{"method":"tools/call","params":{"id":1,"x":"', '","id":9}},"jsonrpc":"2.0","id":42}'), 42);
  assert.equal(recoverId('{"method":"x","params":{"id":1,"x":"', 'xx"}}'), null);
  assert.equal(recoverId('{"params":{"a":[1,{"id":3}],"b":"}"},"id":-5,', ""), -5);
  assert.equal(recoverId("[1,2", "3]"), null);
});

Deno.test("mcp: malformed, oversized and ill-fitting requests get JSON-RPC errors; the server stays up", async () => {
  const s = new RawServer();
  try {
    await s.initialize();
    // 10 MiB of arguments and a bit: over the line limit. The SDK's clients put the id last.
    const huge = "x".repeat(10 * 1024 * 1024);
    const oversized = { method: "tools/call", params: { name: "pprof.meta", arguments: { profile: huge } } };
    const oversizedLine = JSON.stringify({ ...oversized, jsonrpc: "2.0", id: 101 });
    await s.write(oversizedLine + "\n");
    await s.write(`{"jsonrpc":"2.0","params":{"x":"${huge}"}}\n`);
    await s.write('{"jsonrpc":"2.0","id":102,"method":"tools/list",\n');
    await s.write("[1,2]\n");
    await s.write('{"jsonrpc":"1.0","id":103,"method":"ping"}\n');
    await s.send({ id: 104, method: "tools/call", params: { name: 5 } });
    await s.send({ id: 105, method: "tools/call" });
    await s.send({ id: 106, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {} } });
    await s.send({ method: "notifications/cancelled", params: { requestId: { not: "an id" } } });
    await s.send({ id: 107, method: "no/such/method" });
    const after = await s.request("tools/call", {
      name: "pprof.meta",
      arguments: { profile: FIXTURES + "profiles/heap.pb.gz" },
    });
    const errors = await Promise.all([101, null, 103, 104, 105, 106, 107].map((id) => s.response(id)));
    const [big, _nullId, old, badName, noParams, badInit, unknown] = errors.map((m) => m.error);
    const bytes = new TextEncoder().encode(oversizedLine).length;
    assert.deepEqual(big, {
      code: -32600,
      message: `Invalid Request: a message of ${bytes} bytes is over the 10 MiB limit`,
    });
    const nulls = s.received.filter((m) => m.id === null).map((m) => m.error.code);
    // The oversized line without an id, the malformed JSON and the batch.
    assert.deepEqual(nulls, [-32600, -32700, -32600]);
    assert.equal(old.code, -32600);
    assert.deepEqual(badName, {
      code: -32602,
      message: "Invalid params for tools/call: params.name must be a string, not a number",
    });
    assert.deepEqual(noParams, {
      code: -32602,
      message: "Invalid params for tools/call: params is missing (expected an object)",
    });
    assert.deepEqual(badInit, {
      code: -32602,
      message: "Invalid params for initialize: params.clientInfo is missing (expected an object)",
    });
    assert.equal(unknown.code, -32601);
    const meta = await s.response(after);
    assert.equal(meta.result.isError, false);
    assert.deepEqual(meta.result.structuredContent.result.sample_types, goSampleTypes());
  } finally {
    assert.equal(await s.close(), 0);
  }
});

/** The progress notifications of `token` received before index `end`. */
function progressOf(received: Message[], token: string, end: number) {
  return received.slice(0, end)
    .filter((m) => m.method === "notifications/progress" && m.params.progressToken === token)
    .map((m) => [m.params.progress, m.params.total]);
}

Deno.test("mcp: a merge's progress notifications all come before its answer", async () => {
  // The SDK's Client handles a notification a microtask after it reads it, and drops the progress handler as
  // soon as it reads the answer: a notification that shares a read with the answer never reaches onprogress.
  // Raw stdio sees every line in the order the server wrote it.
  const dir = await Deno.makeTempDir();
  const s = new RawServer();
  try {
    await s.initialize();
    const id = await s.request("tools/call", {
      name: "pprof.merge",
      arguments: { profiles: [`${base}/cpu.pb.gz`, `${base}/cpu_after.pb.gz`], output_path: `${dir}/m.pb.gz` },
      _meta: { progressToken: "merge-1" },
    });
    const answer = await s.response(id);
    assert.equal(answer.result.isError, false);
    // One notification per merged input, then one for writing the file: 3 steps.
    assert.deepEqual(progressOf(s.received, "merge-1", s.received.indexOf(answer)), [[1, 3], [2, 3], [3, 3]]);
    assert.deepEqual(
      progressOf(s.received, "merge-1", s.received.length),
      progressOf(s.received, "merge-1", s.received.indexOf(answer)),
    );
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mcp: a canceled merge stops without writing, and the server keeps serving", async () => {
  const dir = await Deno.makeTempDir();
  const s = new RawServer();
  try {
    await s.initialize();
    const copies = 40;
    const many = Array.from({ length: copies }, () => `${base}/cpu.pb.gz`);
    const merge = (out: string, token: string) =>
      s.request("tools/call", {
        name: "pprof.merge",
        arguments: { profiles: many, output_path: `${dir}/${out}` },
        _meta: { progressToken: token },
      });
    const canceled = await merge("canceled.pb.gz", "c");
    await s.waitFor((m) => m.method === "notifications/progress" && m.params.progressToken === "c");
    await s.send({ method: "notifications/cancelled", params: { requestId: canceled, reason: "test" } });
    // A second, uncanceled merge of the same inputs: had the first one gone on, it would finish within this one.
    const full = await merge("full.pb.gz", "f");
    const answer = await s.response(full);
    assert.equal(answer.result.isError, false, answer.result.content[0].text);
    assert.equal(answer.result.structuredContent.input_count, copies);
    const stoppedAt = Math.max(...progressOf(s.received, "c", s.received.length).map(([p]) => p));
    assert.ok(stoppedAt < copies, `the canceled merge went on to ${stoppedAt} of ${copies}`);
    const first = s.received.filter((m) => m.id === canceled);
    // The server either answers CANCELED or, as MCP asks of a canceled request, not at all.
    assert.ok(
      first.length === 0 || first[0].result?.structuredContent?.error?.code === "CANCELED",
      JSON.stringify(first),
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["full.pb.gz"]);
    const meta = await s.response(
      await s.request("tools/call", {
        name: "pprof.meta",
        arguments: { profile: `${base}/heap.pb.gz` },
      }),
    );
    assert.equal(meta.result.isError, false);
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

globalThis.addEventListener("unload", () => Deno.removeSync(base, { recursive: true }));
