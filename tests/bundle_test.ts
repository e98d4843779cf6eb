/**
 * The shipped program: `deno bundle` output run with `deno run`, with broad
 * permissions and with exactly the permission flags the compiled binary gets
 * (`deno compile` needs the internet, so this stands in for the binary here);
 * as `deno task bundle` leaves it (dist/ beside the checkout's deno.json) and
 * copied on its own elsewhere.
 */
import assert from "node:assert/strict";
import { diffOutputs, FIXTURES } from "./golden.ts";
import { checkLaunches, launchDirs } from "./launch.ts";
import { BINARY_PERMISSIONS, runDeno } from "./permissions.ts";

const root = new URL("../", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "pprof-mcp-bundle-" });
// A stand-in for the checkout: its deno.json (and lock) with the bundle in dist/.
const checkout = `${dir}/checkout`;
await Deno.mkdir(`${checkout}/dist`, { recursive: true });
for (const f of ["deno.json", "deno.lock"]) await Deno.copyFile(root + f, `${checkout}/${f}`);
const bundle = `${checkout}/dist/pprof-mcp.js`;
const built = await runDeno(["bundle", "--quiet", "--output", bundle, "main.ts"], { cwd: root });
const alone = `${dir}/pprof-mcp.js`;
if (built.code === 0) await Deno.copyFile(bundle, alone);

Deno.test("bundle: the bundled CLI prints pprof's top and fails cleanly", async () => {
  assert.equal(built.code, 0, built.stderr);
  assert.ok(BINARY_PERMISSIONS.includes("--allow-read"), BINARY_PERMISSIONS.join(" "));

  const top = await runDeno(["run", ...BINARY_PERMISSIONS, alone, "top", "profiles/cpu.pb.gz"], { cwd: FIXTURES });
  assert.equal(top.code, 0, top.stderr);
  const ref = await Deno.readTextFile(FIXTURES + "ref/cpu/top/stdout.txt");
  assert.equal(diffOutputs(top.stdout, ref), undefined);

  const version = await runDeno(["run", ...BINARY_PERMISSIONS, alone, "--version"]);
  assert.match(version.stdout, /^pprof-mcp \d/);

  const missing = await runDeno(["run", ...BINARY_PERMISSIONS, alone, "top", "nope.pb.gz"], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, "pprof-mcp: nope.pb.gz: no such file\n");
});

Deno.test("bundle: the bundled MCP server serves, confined to the base dir, however it is run", async (t) => {
  assert.equal(built.code, 0, built.stderr);
  const { cwd, base } = await launchDirs();
  const env = { PPROF_MCP_BASEDIR: base };
  const broad = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];
  const worker = (evidence: string) =>
    new RegExp(String.raw`files confined to \S+ \(path checks; Deno permissions of a worker, ${evidence}\)`);
  // Nothing the bundle can see says the worker options are on: it serves with its path checks and says how to
  // have Deno confine it.
  const pathChecks = new RegExp(
    String.raw`Deno itself cannot confine the server to ${base}: .* start it with deno run --allow-read=${base} ` +
      String.raw`--allow-write=${base} --allow-env --allow-net ${alone} mcp .*\n.*files confined to \S+ ` +
      String.raw`\(path checks only\)`,
  );
  try {
    await checkLaunches(t, [
      { name: "dist/, broad", opts: { program: bundle, permissions: broad, env, cwd }, stderr: worker("deno\\.json") },
      {
        name: "dist/, the compile task's flags",
        opts: { program: bundle, permissions: BINARY_PERMISSIONS, env, cwd },
        stderr: worker("deno\\.json"),
      },
      { name: "alone, broad", opts: { program: alone, permissions: broad, env, cwd }, stderr: pathChecks },
      {
        name: "alone, the compile task's flags",
        opts: { program: alone, permissions: BINARY_PERMISSIONS, env, cwd },
        stderr: pathChecks,
      },
      {
        // With every permission, the process may read its own command line, and the flag shows there.
        name: "alone, -A --unstable-worker-options",
        opts: { program: alone, permissions: ["-A", "--unstable-worker-options"], env, cwd },
        stderr: worker("--unstable-worker-options"),
      },
    ]);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
