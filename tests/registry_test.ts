/**
 * The tool registry: unique names, sorted listings, naming modes, and the
 * validation rules of the original tool.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { exposedName, nameMode, type ToolDef, ToolRegistry } from "../lib/tools/registry.ts";
import { holdsString, outputPathArg, pathArg, pathListArg } from "../lib/tools/paths.ts";
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

/** Every ToolDef exported by a module under lib/tools/, found by importing them all. */
async function definedTools(): Promise<ToolDef[]> {
  const root = new URL("../lib/tools/", import.meta.url);
  const found = new Map<string, ToolDef>();
  const walk = async (dir: URL) => {
    for (const e of Deno.readDirSync(dir)) {
      const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
      if (e.isDirectory) await walk(url);
      else if (e.name.endsWith(".ts")) {
        for (const v of Object.values(await import(url.href))) {
          const t = v as Partial<ToolDef>;
          if (t && typeof t === "object" && typeof t.name === "string" && typeof t.run === "function" && t.input) {
            found.set(t.name, t as ToolDef);
          }
        }
      }
    }
  };
  await walk(root);
  return [...found.values()];
}

Deno.test("registry: every tool defined under lib/tools is registered, and nothing else", async () => {
  const defined = (await definedTools()).map((t) => t.name).sort();
  assert.ok(defined.length > 0);
  assert.deepEqual(createRegistry().tools.map((t) => t.name).sort(), defined);
});

Deno.test("schemas: every input is a closed object, every output an object", () => {
  const r = createRegistry();
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

// An argument named like a file or folder, or described as one, that is not a regexp.
const PATHISH_NAME = /(^|_)(path|paths|file|files|dir|dirs|folder|root|profile|profiles|binary|output)($|_)/;
const PATHISH_TEXT = /\b(a path|paths or handles|file to (read|write)|directory|directories|folder)\b/i;
// String arguments that name a path-like thing but are not paths the tool opens.
const NOT_PATHS: Record<string, string> = {
  trim_path: "a prefix stripped from file names in the profile, never opened",
  profile_id: "a Datadog profile id, never opened",
  profile_type: "a Pyroscope profile type ID (process_cpu:cpu:nanoseconds:…), never opened",
};

Deno.test("sandbox: every argument that names a file or folder is a marked path argument", () => {
  const r = createRegistry();
  const unmarked: string[] = [];
  for (const t of r.tools) {
    const marked = new Set(r.pathFields(t).map((f) => f.key));
    for (const [key, schema] of Object.entries(t.input.shape)) {
      const s = schema as z.ZodType;
      if (!holdsString(s) || marked.has(key) || key in NOT_PATHS) continue;
      const text = s.description ?? "";
      if (/RE2 regexp/.test(text)) continue;
      if (PATHISH_NAME.test(key) || PATHISH_TEXT.test(text)) unmarked.push(`${t.name}: ${key} (${text})`);
    }
  }
  assert.deepEqual(unmarked, []);
});

Deno.test("sandbox: the registry confines every marked argument, whatever its name", async () => {
  const base = await Deno.makeTempDir();
  try {
    const r = new ToolRegistry();
    r.add({
      ...tool("x.paths"),
      input: z.object({
        weird_name: pathArg("anything"),
        out: outputPathArg("to write").optional(),
        many: pathListArg("several").optional(),
      }).strict(),
      output: z.object({ got: z.array(z.string()) }),
      run: (a: { weird_name: string; out?: string; many?: string | string[] }) =>
        Promise.resolve({ got: [a.weird_name, a.out ?? "", ...[a.many ?? []].flat()] }),
    } as unknown as ToolDef);
    const handles = new HandleRegistry();
    const ctx = { signal: new AbortController().signal, progress: async () => {}, handles };
    const call = (args: unknown) => r.call("x.paths", args, "default", { ...ctx, sandbox: new Sandbox(base, handles) });
    const ok = await call({ weird_name: "a.pb.gz", out: "o.pb.gz", many: ["b", "c"] });
    assert.equal(ok.isError, false, JSON.stringify(ok.structuredContent));
    const real = Deno.realPathSync(base);
    assert.deepEqual((ok.structuredContent as { got: string[] }).got, [
      `${real}/a.pb.gz`,
      `${real}/o.pb.gz`,
      `${real}/b`,
      `${real}/c`,
    ]);
    for (
      const args of [{ weird_name: "/etc/passwd" }, { weird_name: "x", out: "../o" }, { weird_name: "x", many: "/" }]
    ) {
      const bad = await call(args);
      assert.equal(bad.isError, true, JSON.stringify(args));
      const err = (bad.structuredContent as { error: { code: string; message: string } }).error;
      assert.equal(err.code, "INVALID_ARGUMENT");
      assert.match(err.message, /is outside base dir/);
    }
    const h = handles.register({ path: `${base}/a.pb.gz` });
    const written = await call({ weird_name: h.id, out: h.id });
    assert.equal(written.isError, true);
    assert.match(
      (written.structuredContent as { error: { message: string } }).error.message,
      /"out" is a file to write: give a path, not a handle/,
    );
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("registry: no-match pattern arguments are arguments of the tool", () => {
  for (const t of createRegistry().tools) {
    for (const k of t.noMatches?.patternArgs ?? []) assert.ok(k in t.input.shape, `${t.name}: ${k}`);
  }
});

Deno.test("naming: codex mode exposes registered tool names in descriptions, leaves other dotted words", () => {
  const r = new ToolRegistry();
  r.add({ ...tool("pprof.top"), description: "Start here, then pprof.peek; not pprof.nothing or cpu.pb.gz." });
  r.add(tool("pprof.peek"));
  const top = r.list("codex").find((t) => t.name === "pprof_top")!;
  assert.equal(
    top.description,
    "Codex tool name: pprof_top\n\nStart here, then pprof_peek; not pprof.nothing or cpu.pb.gz.",
  );
  assert.equal(
    r.list("default").find((t) => t.name === "pprof.top")!.description,
    "Start here, then pprof.peek; not pprof.nothing or cpu.pb.gz.",
  );
  assert.equal(r.toolName("pprof.peek", "codex"), "pprof_peek");
  assert.equal(r.toolName("pprof.storylines", "codex"), undefined);
});
