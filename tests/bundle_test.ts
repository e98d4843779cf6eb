/**
 * The shipped program: `deno bundle` output run with `deno run` and exactly
 * the permission flags the compiled binary gets (`deno compile` needs the
 * internet, so this stands in for the binary here).
 */
import assert from "node:assert/strict";
import { diffOutputs, FIXTURES } from "./golden.ts";
import { startServer } from "./mcp_client.ts";
import { BINARY_PERMISSIONS, runDeno } from "./permissions.ts";

const root = new URL("../", import.meta.url).pathname;

Deno.test("bundle: the bundled CLI prints pprof's top and fails cleanly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bundle = `${dir}/pprof-mcp.js`;
    const b = await runDeno(["bundle", "--quiet", "--output", bundle, "main.ts"], { cwd: root });
    assert.equal(b.code, 0, b.stderr);
    assert.ok(BINARY_PERMISSIONS.includes("--allow-read"), BINARY_PERMISSIONS.join(" "));

    const top = await runDeno(["run", ...BINARY_PERMISSIONS, bundle, "top", "profiles/cpu.pb.gz"], { cwd: FIXTURES });
    assert.equal(top.code, 0, top.stderr);
    const ref = await Deno.readTextFile(FIXTURES + "ref/cpu/top/stdout.txt");
    assert.equal(diffOutputs(top.stdout, ref), undefined);

    const version = await runDeno(["run", ...BINARY_PERMISSIONS, bundle, "--version"]);
    assert.match(version.stdout, /^pprof-mcp \d/);

    const missing = await runDeno(["run", ...BINARY_PERMISSIONS, bundle, "top", "nope.pb.gz"], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, "pprof-mcp: nope.pb.gz: no such file\n");

    // The bundled MCP server, confined to a base dir (its tools run in a restricted worker).
    await Deno.mkdir(`${dir}/base`);
    await Deno.copyFile(FIXTURES + "profiles/heap.pb.gz", `${dir}/base/heap.pb.gz`);
    const c = await startServer({ program: bundle, env: { PPROF_MCP_BASEDIR: `${dir}/base` } });
    try {
      const meta = await c.callTool({ name: "pprof.meta", arguments: { profile: "heap.pb.gz" } });
      assert.equal(meta.isError, false, JSON.stringify(meta.content));
      const out = await c.callTool({ name: "pprof.meta", arguments: { profile: FIXTURES + "profiles/cpu.pb.gz" } });
      assert.equal(out.isError, true);
    } finally {
      await c.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
