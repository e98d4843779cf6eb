/**
 * The MCP server end to end: the SDK's own Client over stdio, spawning the
 * server as a user's MCP config would, listing the tools and calling every one
 * of them on fixture profiles, checking the numbers.
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { diffOutputs, FIXTURES } from "./golden.ts";
import { startServer } from "./mcp_client.ts";

const ref = (path: string) => Deno.readTextFileSync(FIXTURES + path);

// One sandbox for the whole file: the fixtures are copied into a base dir.
const base = await Deno.makeTempDir({ prefix: "pprof-mcp-test-" });
for (const f of ["cpu", "cpu_after", "heap", "goroutine", "block"]) {
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

Deno.test("mcp: tools/list exposes valid schemas, sorted names, annotations", async () => {
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: base } });
  try {
    assert.equal(c.getServerVersion()?.name, "pprof-mcp");
    assert.equal(c.getServerVersion()?.title, "pprof MCP");
    assert.match(c.getInstructions() ?? "", /pprof\.top/);
    const tools = await listTools(c);
    const names = tools.map((t) => t.name);
    assert.deepEqual(names, [...names].sort());
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

Deno.test("mcp: codex naming mode, from the flag or the environment", async () => {
  for (const opts of [{ args: ["--tool-name-mode=codex"] }, { env: { PPROF_MCP_TOOL_NAME_MODE: "  CODEX " } }]) {
    const c = await startServer(opts);
    try {
      const tools = await listTools(c);
      for (const t of tools) {
        assert.match(t.name, /^[a-zA-Z0-9_-]+$/);
        assert.ok(t.description!.startsWith(`Codex tool name: ${t.name}\n\n`));
      }
      const names = tools.map((t) => t.name);
      assert.deepEqual(names, [...names].sort());
      const r = await call(c, "pprof_meta", { profile: FIXTURES + "profiles/mutex.pb.gz" });
      assert.equal(r.isError, false);
      assert.equal(sc(r).result.detected_profile_kind, "mutex");
    } finally {
      await c.close();
    }
  }
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
    await t.step("pprof.top: rows, raw text, hints", async () => {
      const out = ok("pprof.top", await call(c, "pprof.top", { profile: "cpu.pb.gz", nodecount: 5 }));
      assert.equal(out.rows.length, 5);
      assert.deepEqual(out.rows[0], {
        flat: "1480ms",
        flat_pct: "5.92%",
        sum_pct: "5.92%",
        cum: "6750ms",
        cum_pct: "26.98%",
        name: "runtime.mallocgc",
        flat_seconds: 1.48,
        cum_seconds: 6.75,
      });
      assert.equal(out.command, `go tool pprof -top -nodecount 5 ${base}/cpu.pb.gz`);
      assert.ok(out.raw.includes("Showing top 5 nodes out of 234"));
      assert.equal(out.raw_meta.truncated, false);
      assert.ok(out.hints.some((h: string) => h.includes("tenant_id")), "label hint");
      assert.ok(out.hints.some((h: string) => h.includes("pprof.peek")), "cpu hint, naming a registered tool");
      const limited = ok("pprof.top", await call(c, "pprof.top", { profile: "cpu.pb.gz", max_lines: 3 }));
      assert.equal(limited.raw, "File: connsync\nType: cpu\nTime: " + limited.raw.split("\nTime: ")[1]);
      assert.deepEqual([limited.raw_meta.truncated, limited.raw_meta.truncated_reason], [true, "max_lines"]);
    });
    await t.step("pprof.top: rolling baseline across calls", async () => {
      const first = ok(
        "pprof.baseline_update",
        await call(c, "pprof.baseline_update", { profile: "cpu.pb.gz", service: "connsync", env: "test" }),
      );
      assert.equal(first.baseline.key, "connsync:test|cpu|default");
      assert.equal(first.baseline.baseline_samples, 1);
      assert.deepEqual(first.baseline.warnings, ["baseline initialized from current profile"]);
      const afterResult = await call(c, "pprof.top", {
        profile: "cpu_after.pb.gz",
        compare_baseline: true,
        service: "connsync",
        env: "test",
      });
      const after = ok("pprof.top", afterResult);
      assert.match(
        afterResult.content[0].text,
        /\nBaseline connsync:test\|cpu\|default \(1 samples\): \d+ deviations\n- /,
      );
      assert.equal(after.baseline.baseline_samples, 1);
      const nv = after.baseline.deviations.find((d: { function: string; metric: string }) =>
        d.function === "gen/internal/transform.normalizeValue" && d.metric === "cum_pct"
      );
      assert.ok(nv, "normalizeValue's cum% dropped from 13.39% to about 3%");
      assert.equal(nv.severity, "high");
      const store = JSON.parse(await Deno.readTextFile(`${base}/.pprof-mcp-baselines.json`));
      assert.equal(store.entries["connsync:test|cpu|default"].samples, 1, "pprof.top only reads the baseline");
    });
    await t.step("pprof.peek: pprof's peek text; no match is a result", async () => {
      const out = ok(
        "pprof.peek",
        await call(c, "pprof.peek", { profile: "cpu.pb.gz", regex: "transform\\.normalizeValue$" }),
      );
      assert.equal(diffOutputs(out.raw, ref("ref/cpu/peek_normalizeValue/stdout.txt")), undefined);
      const none = await call(c, "pprof.peek", { profile: "cpu.pb.gz", regex: "NoSuchFunction" });
      assert.equal(none.isError, false);
      assert.deepEqual(ok("pprof.peek", none), {
        matched: false,
        reason: "no_matches",
        tool: "pprof.peek",
        hint: sc(none).hint,
        pattern: "NoSuchFunction",
      });
      assert.match(none.content[0].text, /^no matches found for regexp: NoSuchFunction\nHint: /);
    });
    await t.step("pprof.list: annotated source from repo_root", async () => {
      const out = ok(
        "pprof.list",
        await call(c, "pprof.list", { profile: "cpu.pb.gz", function: "planner\\.planJoins", repo_root: "src" }),
      );
      assert.equal(diffOutputs(out.raw, ref("ref/cpu/list_planJoins/stdout.txt")), undefined);
    });
    await t.step("pprof.traces_head: the first lines", async () => {
      const out = ok(
        "pprof.traces_head",
        await call(c, "pprof.traces_head", { profile: "goroutine.pb.gz", lines: 12 }),
      );
      assert.equal(out.raw.split("\n").length, 12);
      assert.equal(out.total_lines, ref("ref/goroutine/traces/stdout.txt").split("\n").length - 1);
      assert.equal(
        diffOutputs(out.raw, ref("ref/goroutine/traces/stdout.txt").split("\n").slice(0, 12).join("\n")),
        undefined,
      );
    });
    await t.step("pprof.tags: listing and per-tenant top", async () => {
      const listing = ok("pprof.tags", await call(c, "pprof.tags", { profile: "cpu.pb.gz", tag_show: "tenant" }));
      assert.equal(listing.raw, ref("ref_extra/cpu/tags_tagshow/stdout.txt"));
      assert.deepEqual(listing.tags, ["connector_id", "stage", "tenant_id"]);
      const acme = ok(
        "pprof.tags",
        await call(c, "pprof.tags", { profile: "cpu.pb.gz", tag_focus: "tenant_id=acme", max_lines: 0 }),
      );
      assert.equal(diffOutputs(acme.raw, ref("ref/cpu/tagfocus_tenant_acme/stdout.txt")), undefined);
    });
    await t.step("pprof.meta", async () => {
      const out = ok("pprof.meta", await call(c, "pprof.meta", { profile: "heap.pb.gz" }));
      assert.equal(out.result.detected_profile_kind, "heap");
      assert.equal(out.result.default_sample_index, 3); // inuse_space, the type pprof reports by default
      // go tool pprof prints this total as 69365.48kB (ref/heap/top).
      assert.deepEqual(out.result.totals[3], { type: "inuse_space", unit: "bytes", total: 71030249 });
      assert.equal((71030249 / 1024).toFixed(2), "69365.48");
      assert.deepEqual(out.result.label_keys, ["bytes"]);
    });
    await t.step("pprof.focus_paths: pprof's traces -focus", async () => {
      const out = ok(
        "pprof.focus_paths",
        await call(c, "pprof.focus_paths", { profile: "cpu.pb.gz", function: "planJoins", max_lines: 0, max_bytes: 0 }),
      );
      assert.equal(diffOutputs(out.raw, ref("ref_extra/cpu/traces_focus/stdout.txt")), undefined);
    });
    await t.step("pprof.diff_top: normalizeValue 2.64s cheaper", async () => {
      const out = ok(
        "pprof.diff_top",
        await call(c, "pprof.diff_top", { before: "cpu.pb.gz", after: "cpu_after.pb.gz", cum: true, max_lines: 5 }),
      );
      const all = ok(
        "pprof.diff_top",
        await call(c, "pprof.diff_top", { before: "cpu.pb.gz", after: "cpu_after.pb.gz", cum: true, max_lines: 0 }),
      );
      const nv = all.deltas.find((d: { name: string }) => d.name === "gen/internal/transform.normalizeValue");
      assert.ok(Math.abs(nv.delta_seconds + 2.64) < 1e-9);
      assert.equal(out.raw.split("\n")[0], "name\tbefore_flat\tafter_flat\tbefore_cum\tafter_cum\tdelta_seconds");
      assert.equal(out.raw.split("\n").length, 5);
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
      assert.equal(out.result.passed, false);
      assert.deepEqual(out.result.checks.map((x: { actual: number; passed: boolean }) => [x.actual, x.passed]), [
        [13.39, false],
        [5.92, true],
      ]);
      assert.equal(
        out.result.checks[0].message,
        "transform\\.normalizeValue$ cum_pct (13.39%) exceeds threshold (10.00%)",
      );
    });
    await t.step("pprof.merge: new file, handle, progress", async () => {
      const progress: number[] = [];
      const r = await c.callTool(
        { name: "pprof.merge", arguments: { profiles: ["cpu.pb.gz", "cpu_after.pb.gz"], output_path: "merged.pb.gz" } },
        CallToolResultSchema,
        { onprogress: (p: { progress: number }) => void progress.push(p.progress) },
      ) as Result;
      const out = ok("pprof.merge", r);
      assert.equal(out.output_path, `${base}/merged.pb.gz`);
      assert.equal(out.input_count, 2);
      assert.match(out.handle, /^handle:[0-9a-f]{16}$/);
      assert.deepEqual(progress, [1, 2, 3]);
      const viaHandle = ok("pprof.top", await call(c, "pprof.top", { profile: out.handle, nodecount: 3 }));
      assert.equal(viaHandle.rows[0].name, "runtime.mallocgc");
      assert.equal(viaHandle.rows[0].flat, "2.54s"); // as go tool pprof's top of both files (ref_extra/cpu_merged)
      const again = await call(c, "pprof.merge", {
        profiles: ["cpu.pb.gz", "cpu_after.pb.gz"],
        output_path: "merged.pb.gz",
      });
      assert.equal(again.isError, true);
      assert.match(sc(again).error.message, /already exists/);
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
      assert.match(r.content[0].text, /\nExpected: .*\n(Received: .*\n)?Hint: /);
    }
    const missing = await call(c, "pprof.top", { profile: FIXTURES + "profiles/nope.pb.gz" });
    assert.equal(sc(missing).error.code, "NOT_FOUND");
    const unknown = await call(c, "pprof.frobnicate", {});
    assert.equal(unknown.isError, true);
  } finally {
    await c.close();
  }
});

Deno.test("mcp: a canceled call stops, the server keeps serving", async () => {
  const c = await startServer();
  try {
    const many = Array.from({ length: 30 }, () => FIXTURES + "profiles/cpu.pb.gz");
    const dir = await Deno.makeTempDir();
    const controller = new AbortController();
    const pending = c.callTool(
      { name: "pprof.merge", arguments: { profiles: many, output_path: `${dir}/m.pb.gz` } },
      CallToolResultSchema,
      { signal: controller.signal, onprogress: () => controller.abort() },
    );
    await assert.rejects(pending, /abort/i);
    // Uncanceled, the merge would finish and write within this time.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual([...Deno.readDirSync(dir)], [], "the canceled merge wrote nothing");
    const r = await call(c, "pprof.meta", { profile: FIXTURES + "profiles/cpu.pb.gz" });
    assert.equal(r.isError, false);
  } finally {
    await c.close();
  }
});
