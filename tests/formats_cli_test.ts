/**
 * Every command on every format: `top`, `peek`, `traces`, `tags`, `merge` and
 * `convert` on the files of fixtures/formats/ through the CLI, and the
 * pprof.convert tool through a launched MCP server (a new file, a handle the
 * other tools read, never an overwrite).
 */
import assert from "node:assert/strict";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { FIXTURES } from "./golden.ts";
import { startServer } from "./mcp_client.ts";

const F = FIXTURES + "formats/";

/** Each format's file, the flags it needs, a function the reports must show, and its number of samples. */
const FILES: { file: string; flags: string[]; fn: string }[] = [
  { file: "node.cpuprofile", flags: [], fn: "hashRounds" },
  { file: "node.heapprofile", flags: [], fn: "retainNodes" },
  { file: "perf.folded", flags: ["--sample_type=cpu/nanoseconds"], fn: "checksum" },
  { file: "perf_samples.folded", flags: ["--sample_type=cpu/nanoseconds", "--period=2004008"], fn: "compare_ints" },
  { file: "java.jfr", flags: [], fn: "jfrwork.Workload$Hashing.mix" },
  { file: "java_tlab.jfr", flags: ["--sample_index=tlab_space"], fn: "jfrwork.Workload$Allocating.makeBuffers" },
];

/** `s` as a regular expression that matches it literally (Go's syntax and JavaScript's agree on these escapes). */
const literal = (s: string) => s.replace(/[.$\[\]()*+?^{}|\\]/g, "\\$&");

async function cli(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

for (const { file, flags, fn } of FILES) {
  Deno.test(`formats CLI: top, peek, traces, tags, merge and convert read ${file}`, async () => {
    const path = F + file;
    const top = await cli("top", ...flags, path);
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, new RegExp(`^ .* ${literal(fn)}$`, "m"));
    const peek = await cli("peek", ...flags, path, literal(fn));
    assert.equal(peek.code, 0, peek.stderr);
    assert.match(peek.stdout, new RegExp(`\\| ${literal(fn)}\\n`));
    const traces = await cli("traces", ...flags, path);
    assert.equal(traces.code, 0, traces.stderr);
    assert.ok(traces.stdout.split("-----------+-------------------------------------------------------").length > 10);
    const tags = await cli("tags", ...flags, path);
    assert.equal(tags.code, 0, tags.stderr);

    const dir = await Deno.makeTempDir();
    const loadFlags = flags.filter((f) => !f.startsWith("--sample_index"));
    try {
      const converted = await cli("convert", ...loadFlags, path, "-o", `${dir}/out.pb.gz`, "--json");
      assert.equal(converted.code, 0, converted.stderr);
      const info = JSON.parse(converted.stdout);
      const original = await loadProfile(path, undefined, flagOptions(loadFlags));
      // Everything the profile holds, as -raw prints it, is the same read back from the converted file.
      assert.equal((await cli("raw", `${dir}/out.pb.gz`)).stdout, (await cli("raw", ...loadFlags, path)).stdout);
      assert.equal(info.samples, original.sampleCount);
      assert.deepEqual(info.sample_types, original.sampleTypes.map((t) => `${t.type}/${t.unit}`));

      const merged = await cli("merge", ...loadFlags, "-o", `${dir}/twice.pb.gz`, path, path);
      assert.equal(merged.code, 0, merged.stderr);
      const twice = await loadProfile(`${dir}/twice.pb.gz`);
      const sum = (v: Float64Array) => v.reduce((a, b) => a + b, 0);
      assert.equal(sum(twice.values), 2 * sum(original.values));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

function flagOptions(flags: string[]) {
  const v = Object.fromEntries(flags.map((f) => f.slice(2).split("=")));
  if (!v.sample_type) return {};
  const [type, unit] = v.sample_type.split("/");
  return { folded: { sampleType: { type, unit }, ...(v.period ? { period: Number(v.period) } : {}) } };
}

Deno.test("formats CLI: convert needs -o, one input, and folded flags only for folded stacks", async () => {
  let r = await cli("convert", F + "perf.folded");
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "pprof-mcp: convert: -o OUT is required\n");
  r = await cli("convert", F + "perf.folded", F + "node.cpuprofile", "-o", "/tmp/never.pb.gz");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /one FILE at a time/);
  r = await cli("top", "--period=10", F + "perf.folded");
  assert.equal(r.stderr, "pprof-mcp: --period needs --sample_type (e.g. --sample_type=cpu/nanoseconds)\n");
  r = await cli("top", "--sample_type=cpu/ns/x", F + "perf.folded");
  assert.equal(r.stderr, 'pprof-mcp: sample type "cpu/ns/x" is not TYPE/UNIT (e.g. cpu/nanoseconds)\n');
  r = await cli("top", "--sample_type=cpu/nanoseconds", F + "node.cpuprofile");
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    `pprof-mcp: ${F}node.cpuprofile: sample_type and period describe folded stacks; this is a V8 CPU profile, ` +
      "which names its own sample types\n",
  );
});

Deno.test("formats MCP: pprof.convert writes a new profile.proto file and returns a handle the tools read", async () => {
  const base = await Deno.makeTempDir();
  await Deno.copyFile(F + "perf_samples.folded", `${base}/perf.txt`);
  const c = await startServer({ env: { PPROF_MCP_BASEDIR: base } });
  try {
    const tools = (await c.listTools()).tools as { name: string; annotations?: Record<string, unknown> }[];
    const convert = tools.find((t) => t.name === "pprof.convert")!;
    assert.deepEqual(
      { ...convert.annotations, title: undefined },
      { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false, title: undefined },
    );
    const call = async (name: string, args: Record<string, unknown>) =>
      await c.callTool({ name, arguments: args }, CallToolResultSchema);
    const r = await call("pprof.convert", {
      profile: "perf.txt",
      output_path: "perf.pb.gz",
      sample_type: "cpu/nanoseconds",
      period: 2004008,
    });
    assert.ok(!r.isError, JSON.stringify(r.content));
    const out = r.structuredContent as Record<string, unknown>;
    assert.equal(out.input_format, "folded stacks file");
    assert.deepEqual(out.sample_types, ["samples/count", "cpu/nanoseconds"]);
    assert.equal(out.command, `go tool pprof -top ${base}/perf.pb.gz`);
    const written = await loadProfile(`${base}/perf.pb.gz`);
    assert.equal(written.sampleCount, out.samples);
    const top = await call("pprof.top", { profile: out.handle, nodecount: 3 });
    assert.match((top.content as { text: string }[])[0].text, /Type: cpu\n/);
    // Never over an existing file; a V8 profile takes no folded arguments.
    const again = await call("pprof.convert", { profile: "perf.txt", output_path: "perf.pb.gz" });
    assert.equal(again.isError, true);
    assert.match((again.content as { text: string }[])[0].text, /already exists; convert only writes new files/);
    const noType = await call("pprof.convert", { profile: "perf.txt", output_path: "x.pb.gz", period: 5 });
    assert.equal(noType.isError, true);
    assert.match((noType.content as { text: string }[])[0].text, /period needs sample_type/);
  } finally {
    await c.close();
    await Deno.remove(base, { recursive: true });
  }
});
