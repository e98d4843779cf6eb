/**
 * The tool registry: unique names, sorted listings, naming modes, and the
 * validation rules of the original tool.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { exposedName, nameMode, type ToolDef, ToolRegistry } from "../lib/tools/registry.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { describeReceived, jsonSchema, validateArgs } from "../lib/tools/schema.ts";

const tool = (name: string): ToolDef => ({
  name,
  title: name,
  description: name,
  input: z.object({}).strict(),
  output: z.object({ ok: z.boolean() }),
  annotations: { readOnlyHint: true },
  run: () => Promise.resolve({ ok: true }),
});

Deno.test("registry: rejects duplicate and empty names, lists sorted by exposed name", () => {
  const r = new ToolRegistry();
  r.add(tool("b.tool"));
  r.add(tool("a.tool"));
  assert.throws(() => r.add(tool("a.tool")), /duplicate/);
  assert.throws(() => r.add(tool(" ")), /empty/);
  assert.deepEqual(r.list("default").map((t) => t.name), ["a.tool", "b.tool"]);
  assert.deepEqual(r.list("codex").map((t) => t.name), ["a_tool", "b_tool"]);
});

Deno.test("naming modes: flag over environment, only 'codex' counts", () => {
  assert.equal(nameMode(undefined, undefined), "default");
  assert.equal(nameMode(undefined, "codex"), "codex");
  assert.equal(nameMode(undefined, "CODEX"), "codex");
  assert.equal(nameMode(undefined, "  codex  "), "codex");
  assert.equal(nameMode(undefined, "invalid"), "default");
  assert.equal(nameMode("codex", "default"), "codex");
  assert.equal(nameMode("default", "codex"), "default");
  assert.equal(nameMode("  ", "codex"), "codex");
  assert.equal(exposedName("pprof.top", "codex"), "pprof_top");
  assert.equal(exposedName("datadog.profiles.list", "codex"), "datadog_profiles_list");
  assert.equal(exposedName("no_dots", "codex"), "no_dots");
  assert.equal(exposedName("pprof.top", "default"), "pprof.top");
});

Deno.test("schemas: every input is a closed object, every output an object", () => {
  const r = createRegistry();
  assert.equal(r.tools.length, 10);
  for (const t of r.tools) {
    const { input, output } = r.schemas(t);
    assert.equal(input.type, "object", t.name);
    assert.equal(input.additionalProperties, false, t.name);
    assert.equal(output.type, "object", t.name);
    JSON.stringify(output);
  }
});

Deno.test("validation: array-or-string fields accept a string when one item is enough", () => {
  const list = jsonSchema(createRegistry().find("pprof.list", "default")!.input, "input");
  validateArgs(list, { profile: "p", function: "f", source_paths: "src" });
  validateArgs(list, { profile: "p", function: "f", source_paths: ["a", "b"] });
  assert.throws(
    () => validateArgs(list, { profile: "p", function: "f", source_paths: 5 }),
    /expected array or string, got number/,
  );
});

Deno.test("validation: received values are redacted and shortened", () => {
  assert.equal(describeReceived("api_key", "abc"), "[REDACTED]");
  assert.equal(describeReceived("DD_APP_TOKEN", "abc"), "[REDACTED]");
  assert.equal(describeReceived("name", "x".repeat(250)), "x".repeat(200) + "...(truncated)");
  assert.equal(describeReceived("list", [1, 2]), "array(len=2)");
  assert.equal(describeReceived("obj", { a: 1 }), "object(len=1)");
  assert.equal(describeReceived("n", 3), "3");
});

Deno.test("registry: a call canceled before it starts reports CANCELED", async () => {
  const controller = new AbortController();
  controller.abort();
  const handles = new HandleRegistry();
  const r = await createRegistry().call("pprof.meta", { profile: "x.pb.gz" }, "default", {
    signal: controller.signal,
    progress: async () => {},
    sandbox: new Sandbox(undefined, handles),
    handles,
  });
  assert.equal(r.isError, true);
  assert.equal((r.structuredContent as { error: { code: string } }).error.code, "CANCELED");
});
