/**
 * The PPROF_MCP_BASEDIR sandbox: `..`, absolute paths outside, symlinks inside
 * that lead outside, handles to files outside, and write targets outside are
 * all refused with the spec's error, and nothing is written. Underneath, the
 * confined worker cannot read outside the base dir at all.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { confinedWorkerOptions } from "../mcp.ts";
import { decodeProfile } from "../lib/profile/decode.ts";
import { encodeProfileGzip } from "../lib/profile/encode.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { FIXTURES } from "./golden.ts";
import { startServer } from "./mcp_client.ts";

const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pprof-mcp-sandbox-" }));
const base = `${root}/base`, outside = `${root}/outside`;
await Deno.mkdir(base);
await Deno.mkdir(outside);
await Deno.copyFile(FIXTURES + "profiles/cpu.pb.gz", `${base}/cpu.pb.gz`);
await Deno.copyFile(FIXTURES + "profiles/cpu.pb.gz", `${outside}/secret.pb.gz`);
await Deno.symlink(outside, `${base}/link`); // a directory link leading out
await Deno.symlink(`${outside}/secret.pb.gz`, `${base}/secret_link.pb.gz`); // a file link leading out
await Deno.symlink(`${outside}/new.pb.gz`, `${base}/dangling.pb.gz`); // a link to a file that does not exist yet
// A sibling whose name starts with the base dir's: a prefix test on strings would let it through.
const evil = `${root}/base_evil`;
await Deno.mkdir(evil);
await Deno.copyFile(FIXTURES + "profiles/cpu.pb.gz", `${evil}/f.pb.gz`);
await Deno.symlink(evil, `${base}/evil_dir`);
await Deno.symlink(`${evil}/f.pb.gz`, `${base}/evil_file.pb.gz`);
// Names that start with two dots but are not "..": inside.
await Deno.copyFile(FIXTURES + "profiles/cpu.pb.gz", `${base}/..foo.pb.gz`);
await Deno.mkdir(`${base}/..d`);
await Deno.copyFile(FIXTURES + "profiles/cpu.pb.gz", `${base}/..d/cpu.pb.gz`);

const registry = createRegistry();
const handles = new HandleRegistry();
const sandbox = new Sandbox(base, handles);
const ctx = { signal: new AbortController().signal, progress: async () => {}, sandbox, handles };
const call = (tool: string, args: Record<string, unknown>) => registry.call(tool, args, "default", ctx);

type ToolError = { message: string; code: string; details: Record<string, string> };

/** The spec's error for a path outside the base dir (the hint is the spec's text, written out). */
function refusal(field: string, value: string, message = `path "${value}" is outside base dir "${base}"`): ToolError {
  return {
    code: "INVALID_ARGUMENT",
    message,
    details: {
      field,
      expected: `path within base dir "${base}"`,
      received: value,
      hint: "Provide paths within PPROF_MCP_BASEDIR if it is set.",
    },
  };
}

/** The error of a tool result, which must be an error whose text is its message. */
function errorOf(r: { isError?: unknown; content: unknown; structuredContent?: unknown }): ToolError {
  const text = (r.content as { text: string }[])[0].text;
  assert.equal(r.isError, true, text);
  const err = (r.structuredContent as { error: ToolError }).error;
  assert.ok(text.includes(err.message), text);
  return { code: err.code, message: err.message, details: err.details };
}

function assertRefused(r: Awaited<ReturnType<typeof call>>, field: string, value: string) {
  assert.deepEqual(errorOf(r), refusal(field, value));
}

const outsideFiles = () => [...Deno.readDirSync(outside)].map((e) => e.name).sort();

Deno.test("sandbox: paths inside the base dir work, relative to it", async () => {
  const r = await call("pprof.meta", { profile: "cpu.pb.gz" });
  assert.equal(r.isError, false, r.content[0].text);
  assert.equal((r.structuredContent as { result: { profile_path: string } }).result.profile_path, `${base}/cpu.pb.gz`);
});

Deno.test("sandbox: .. and absolute paths outside are refused", async () => {
  assertRefused(await call("pprof.top", { profile: "../outside/secret.pb.gz" }), "profile", "../outside/secret.pb.gz");
  assertRefused(await call("pprof.top", { profile: `${outside}/secret.pb.gz` }), "profile", `${outside}/secret.pb.gz`);
  assertRefused(await call("pprof.top", { profile: "/etc/passwd" }), "profile", "/etc/passwd");
  assertRefused(
    await call("pprof.diff_top", { before: "cpu.pb.gz", after: "sub/../../outside/secret.pb.gz" }),
    "after",
    "sub/../../outside/secret.pb.gz",
  );
});

Deno.test("sandbox: symlinks inside the base dir that lead outside are refused", async () => {
  assertRefused(await call("pprof.top", { profile: "link/secret.pb.gz" }), "profile", "link/secret.pb.gz");
  assertRefused(await call("pprof.top", { profile: "secret_link.pb.gz" }), "profile", "secret_link.pb.gz");
  assertRefused(
    await call("pprof.list", { profile: "cpu.pb.gz", function: "x", repo_root: "link" }),
    "repo_root",
    "link",
  );
});

Deno.test("sandbox: handles to files outside are refused; unknown handles too", async () => {
  const h = handles.register({ path: `${outside}/secret.pb.gz` });
  assertRefused(await call("pprof.top", { profile: h.id }), "profile", h.id);
  const unknown = await call("pprof.top", { profile: "handle:0123456789abcdef" });
  assert.deepEqual(
    errorOf(unknown),
    refusal("profile", "handle:0123456789abcdef", 'unknown profile handle "handle:0123456789abcdef"'),
  );
  const inside = handles.register({ path: `${base}/cpu.pb.gz` });
  const ok = await call("pprof.meta", { profile: inside.id });
  assert.equal(ok.isError, false, ok.content[0].text);
  assert.equal((ok.structuredContent as { result: { profile_path: string } }).result.profile_path, `${base}/cpu.pb.gz`);
});

Deno.test("sandbox: a sibling dir whose name starts with the base dir's name is outside", async () => {
  assertRefused(await call("pprof.top", { profile: "../base_evil/f.pb.gz" }), "profile", "../base_evil/f.pb.gz");
  assertRefused(await call("pprof.top", { profile: `${evil}/f.pb.gz` }), "profile", `${evil}/f.pb.gz`);
  // Symlinks from inside to the sibling, to its directory and to its file.
  assertRefused(await call("pprof.top", { profile: "evil_dir/f.pb.gz" }), "profile", "evil_dir/f.pb.gz");
  assertRefused(await call("pprof.top", { profile: "evil_file.pb.gz" }), "profile", "evil_file.pb.gz");
  assertRefused(
    await call("pprof.merge", { profiles: ["cpu.pb.gz", "cpu.pb.gz"], output_path: `${evil}/merged.pb.gz` }),
    "output_path",
    `${evil}/merged.pb.gz`,
  );
  assert.deepEqual([...Deno.readDirSync(evil)].map((e) => e.name), ["f.pb.gz"]);
  // The same with paths that do not exist at all (resolved through their nearest existing ancestor).
  const s = new Sandbox(`${root}/x/base`, handles);
  assert.throws(() => s.resolve("profile", `${root}/x/base_evil/f`), (e: Error & { code?: string }) => {
    assert.equal(e.message, `path "${root}/x/base_evil/f" is outside base dir "${root}/x/base"`);
    assert.equal(e.code, "INVALID_ARGUMENT");
    return true;
  });
  assert.equal(s.resolve("profile", `${root}/x/base/f`), `${root}/x/base/f`);
  assert.equal(s.resolve("profile", "sub/f"), `${root}/x/base/sub/f`);
});

Deno.test("sandbox: .. is a path element, not a prefix of names", async () => {
  for (const name of ["..foo.pb.gz", "..d/cpu.pb.gz", `${base}/..foo.pb.gz`, "sub/../..foo.pb.gz"]) {
    const r = await call("pprof.meta", { profile: name });
    assert.equal(r.isError, false, `${name}: ${r.content[0].text}`);
    const path = (r.structuredContent as { result: { profile_path: string } }).result.profile_path;
    assert.equal(path, name.includes("..d") ? `${base}/..d/cpu.pb.gz` : `${base}/..foo.pb.gz`);
  }
  assertRefused(await call("pprof.top", { profile: "../x" }), "profile", "../x");
  assertRefused(await call("pprof.top", { profile: ".." }), "profile", "..");
  assertRefused(await call("pprof.top", { profile: "..d/../../x" }), "profile", "..d/../../x");
  assertRefused(
    await call("pprof.list", { profile: "cpu.pb.gz", function: "x", repo_root: ".." }),
    "repo_root",
    "..",
  );
  // The base dir itself is inside.
  assert.equal(sandbox.resolve("repo_root", "."), base);
  assert.equal(sandbox.resolve("repo_root", base + "/"), base);
});

Deno.test("sandbox: source_paths are confined, each element", async () => {
  const list = (source_paths: string | string[]) =>
    call("pprof.list", { profile: "cpu.pb.gz", function: "planner\\.planJoins", source_paths });
  assertRefused(await list(outside), "source_paths", outside);
  assertRefused(await list([".", "link"]), "source_paths", "link");
  assertRefused(await list(["evil_dir"]), "source_paths", "evil_dir");
  assertRefused(await list(["..", "."]), "source_paths", "..");
  const ok = await list(["."]);
  assert.equal(ok.isError, false, ok.content[0].text);
});

Deno.test("sandbox: write targets outside are refused and nothing is written", async () => {
  const before = outsideFiles();
  const merge = (output_path: string) => call("pprof.merge", { profiles: ["cpu.pb.gz", "cpu.pb.gz"], output_path });
  assertRefused(await merge(`${outside}/merged.pb.gz`), "output_path", `${outside}/merged.pb.gz`);
  assertRefused(await merge("link/merged.pb.gz"), "output_path", "link/merged.pb.gz");
  assertRefused(await merge("dangling.pb.gz"), "output_path", "dangling.pb.gz");
  assertRefused(await merge("../outside/merged.pb.gz"), "output_path", "../outside/merged.pb.gz");
  assertRefused(
    await call("pprof.top", { profile: "cpu.pb.gz", compare_baseline: true, baseline_path: "link/b.json" }),
    "baseline_path",
    "link/b.json",
  );
  assert.deepEqual(outsideFiles(), before);
  const inside = await merge("merged.pb.gz");
  assert.equal(inside.isError, false, inside.content[0].text);
  assert.ok(Deno.statSync(`${base}/merged.pb.gz`).isFile);
});

Deno.test("sandbox: source files named by the profile are not read outside the base dir", async () => {
  // A profile whose functions claim source files outside the base dir, by absolute path.
  const p = decodeProfile(gunzipSync(Deno.readFileSync(FIXTURES + "profiles/cpu.pb.gz")));
  const strings = p.strings.map((s) => (s.startsWith("gen/") ? `${FIXTURES}${s}` : s));
  await Deno.writeFile(`${base}/abs.pb.gz`, encodeProfileGzip({ ...p, strings }));
  const r = await call("pprof.list", { profile: "abs.pb.gz", function: "planner\\.planJoins" });
  assert.equal(r.isError, false, r.content[0].text);
  const raw = (r.structuredContent as { raw: string }).raw;
  assert.match(raw, /Error: .*outside the directories sources may be read from/);
  assert.doesNotMatch(raw, /func planJoins/);
});

Deno.test("sandbox: the confined worker cannot read outside the base dir", async () => {
  const probe = `data:application/javascript,${
    encodeURIComponent(`
    const read = (p) => { try { Deno.readFileSync(p); return "read"; } catch (e) { return e.name; } };
    self.postMessage([read(${JSON.stringify(`${base}/cpu.pb.gz`)}), read(${
      JSON.stringify(`${outside}/secret.pb.gz`)
    })]);
  `)
  }`;
  const worker = new Worker(probe, { type: "module", ...confinedWorkerOptions([base]) });
  const result = await new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data)));
  worker.terminate();
  assert.deepEqual(result, ["read", "NotCapable"]);
});

Deno.test("sandbox: the MCP server over stdio refuses paths outside", async () => {
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: base } });
  try {
    const r = await c.callTool({ name: "pprof.top", arguments: { profile: "link/secret.pb.gz" } });
    assert.deepEqual(errorOf(r), refusal("profile", "link/secret.pb.gz"));
    const sibling = await c.callTool({ name: "pprof.top", arguments: { profile: "../base_evil/f.pb.gz" } });
    assert.deepEqual(errorOf(sibling), refusal("profile", "../base_evil/f.pb.gz"));
    const ok = await c.callTool({ name: "pprof.meta", arguments: { profile: "..foo.pb.gz" } });
    assert.equal(ok.isError, false, JSON.stringify(ok.content));
  } finally {
    await c.close();
  }
});

Deno.test("sandbox: a relative, untidy PPROF_MCP_BASEDIR is the same base dir, resolved from the cwd", async () => {
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: " ./base/ " }, cwd: root });
  try {
    const ok = await c.callTool({ name: "pprof.meta", arguments: { profile: "cpu.pb.gz" } });
    assert.equal(ok.isError, false, JSON.stringify(ok.content));
    const out = await c.callTool({ name: "pprof.top", arguments: { profile: `${outside}/secret.pb.gz` } });
    assert.deepEqual(errorOf(out), refusal("profile", `${outside}/secret.pb.gz`));
  } finally {
    await c.close();
  }
});

Deno.test("sandbox: deno run with --allow-read/--allow-write scoped to the base dir serves directly", async () => {
  const scoped = [
    `--allow-read=${base}`,
    `--allow-write=${base}`,
    "--allow-env",
    "--allow-net",
    "--unstable-worker-options",
  ];
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: base }, permissions: scoped });
  try {
    const ok = await c.callTool({ name: "pprof.top", arguments: { profile: "cpu.pb.gz", nodecount: 1 } });
    assert.equal(ok.isError, false, JSON.stringify(ok.content));
    const out = await c.callTool({ name: "pprof.top", arguments: { profile: `${outside}/secret.pb.gz` } });
    assert.deepEqual(errorOf(out), refusal("profile", `${outside}/secret.pb.gz`));
    const sibling = await c.callTool({ name: "pprof.top", arguments: { profile: "evil_file.pb.gz" } });
    assert.deepEqual(errorOf(sibling), refusal("profile", "evil_file.pb.gz"));
  } finally {
    await c.close();
  }
});
