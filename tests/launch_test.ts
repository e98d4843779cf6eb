/**
 * `pprof-mcp mcp` from main.ts, started by every command line the README
 * documents, from a working directory other than the checkout (as MCP client
 * configs run it) with a base dir set; and its own flags and environment.
 */
import assert from "node:assert/strict";
import { checkLaunches, type Launch, launchDirs } from "./launch.ts";
import { startLoggedServer } from "./mcp_client.ts";
import { BINARY_PERMISSIONS, runDeno } from "./permissions.ts";

const main = new URL("../main.ts", import.meta.url).pathname;
const { cwd, base } = await launchDirs();
const env = { PPROF_MCP_BASEDIR: base };
const BROAD = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];
// deno.json declares the unstable worker options; Deno reads it from the script's directory.
const worker = /files confined to \S+ \(path checks; Deno permissions of a worker, deno\.json\)/;

Deno.test("launch: every documented deno run line serves, confined to the base dir", async (t) => {
  const launches: Launch[] = [
    { name: "deno run -A main.ts mcp", opts: { permissions: ["-A"], env, cwd }, stderr: worker },
    { name: "broad --allow-read --allow-write", opts: { permissions: BROAD, env, cwd }, stderr: worker },
    {
      name: "scoped --allow-read=DIR --allow-write=DIR",
      opts: {
        permissions: [`--allow-read=${base}`, `--allow-write=${base}`, "--allow-env", "--allow-net"],
        env,
        cwd,
      },
      stderr: /files confined to \S+ \(path checks; Deno permissions of the process\)/,
    },
    { name: "the compile task's flags", opts: { permissions: BINARY_PERMISSIONS, env, cwd }, stderr: worker },
  ];
  await checkLaunches(t, launches);
});

/** `pprof-mcp mcp ARGS` with stdin closed: a server that started would say so on stderr and exit at EOF. */
function mcp(args: string[], extraEnv: Record<string, string> = {}) {
  return runDeno(["run", ...BINARY_PERMISSIONS, main, "mcp", ...args], { cwd, env: extraEnv });
}

Deno.test("launch: mcp --help prints the server's help and does not serve", async () => {
  for (const flag of ["--help", "-h", "-help"]) {
    const r = await mcp([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "", `${flag} does not start the server`);
    assert.match(r.stdout, /^pprof-mcp \S+ mcp: serves the pprof tools .* over\nstdio/);
    for (const word of ["--tool-name-mode", "PPROF_MCP_BASEDIR", "PPROF_MCP_TOOL_NAME_MODE", '"mcpServers"']) {
      assert.ok(r.stdout.includes(word), `${flag}: help mentions ${word}`);
    }
  }
});

Deno.test("launch: bad mcp flags and naming modes are one-line errors, exit 2", async () => {
  const cases: [string[], Record<string, string>, string][] = [
    [["--bogus"], {}, "pprof-mcp: mcp: unknown flag --bogus (run `pprof-mcp mcp --help` for the flags it takes)\n"],
    [["--tool-name-mode=snake"], {}, 'pprof-mcp: mcp: --tool-name-mode must be default or codex, not "snake"\n'],
    [["--tool-name-mode"], {}, "pprof-mcp: mcp: flag --tool-name-mode needs a value\n"],
    [["serve"], {}, 'pprof-mcp: mcp: unexpected argument "serve" (run `pprof-mcp mcp --help`)\n'],
    [
      [],
      { PPROF_MCP_TOOL_NAME_MODE: "snake_case" },
      'pprof-mcp: PPROF_MCP_TOOL_NAME_MODE must be default or codex, not "snake_case"\n',
    ],
  ];
  const runs = await Promise.all(cases.map(([args, e]) => mcp(args, e)));
  for (const [i, [args, e, stderr]] of cases.entries()) {
    assert.deepEqual([runs[i].code, runs[i].stderr, runs[i].stdout], [2, stderr, ""], `${args} ${JSON.stringify(e)}`);
  }
});

Deno.test("launch: the naming mode is read from the flag, else the environment, in any case", async () => {
  const ok = await Promise.all([
    mcp(["--tool-name-mode", "CODEX"]),
    mcp(["-tool-name-mode=default"], { PPROF_MCP_TOOL_NAME_MODE: "codex" }),
    mcp([], { PPROF_MCP_TOOL_NAME_MODE: "   " }),
  ]);
  for (const r of ok) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^pprof-mcp \S+: serving MCP over stdio; /);
  }
});

globalThis.addEventListener("unload", () => Deno.removeSync(cwd, { recursive: true }));

Deno.test("launch: the confined worker prints profile times with Go's zone names", async () => {
  const s = await startLoggedServer({ permissions: ["-A"], env: { ...env, TZ: "Europe/Berlin" }, cwd });
  try {
    assert.match(s.stderr(), worker);
    const top = await s.client.callTool({ name: "pprof.top", arguments: { profile: "heap.pb.gz", nodecount: 1 } });
    const raw = (top.structuredContent as { raw: string }).raw;
    // ref/heap/top prints "Time: Nov 26, 2026 at 1:47am (UTC)"; Berlin is UTC+1 (CET) in November.
    const want = Deno.readTextFileSync(new URL("../fixtures/ref/heap/top/stdout.txt", import.meta.url))
      .split("\n").find((l) => l.startsWith("Time: "))!.replace("1:47am (UTC)", "2:47am (CET)");
    assert.ok(raw.split("\n").includes(want), raw);
  } finally {
    await s.client.close();
  }
});
