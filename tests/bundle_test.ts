/**
 * The shipped program: `deno bundle` output run with `deno run` and exactly
 * the permission flags the compiled binary gets (`deno compile` needs the
 * internet, so this stands in for the binary here).
 */
import assert from "node:assert/strict";
import { diffOutputs, FIXTURES } from "./golden.ts";
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
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
