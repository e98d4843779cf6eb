/**
 * The Datadog commands of the CLI, run as the binary runs them against the test double: the original's table,
 * pick line and JSON; `download`'s JSON and files; tool subcommands; one-line errors with exit code 2; every
 * command's --help.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { datadogCommands } from "../lib/cli/commands/datadog.ts";
import { callTool } from "../lib/cli/commands/tool_command.ts";
import { parseFlags } from "../lib/cli/flags.ts";
import { diffOutputs, FIXTURES, refText } from "./golden.ts";
import { BINARY_PERMISSIONS, runDeno } from "./permissions.ts";
import { DatadogDouble, doubleEnv, goBundle, profilesOf } from "./support/datadog_double.ts";

const main = new URL("../main.ts", import.meta.url).pathname;

const d = DatadogDouble.start();
d.profiles.push(...profilesOf(5, { members: (i) => goBundle({ cpu: i === 0 ? "cpu_after" : "cpu" }) }));
const dir = await Deno.makeTempDir({ prefix: "pprof-mcp-ddcli-" });

function cli(args: string[], env: Record<string, string> = doubleEnv(d)) {
  return runDeno(["run", ...BINARY_PERMISSIONS, main, ...args], { env, cwd: dir });
}

const svc = ["--service", "checkout", "--env", "prod"];

Deno.test({
  name: "cli: datadog profiles list prints the original's table, --json its JSON",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const t = await cli(["datadog", "profiles", "list", ...svc]);
    assert.equal(t.code, 0, t.stderr);
    const lines = t.stdout.trimEnd().split("\n");
    assert.equal(lines[0], `idx  ${"timestamp".padEnd(24)}  ${"profile_id".padEnd(36)}  samples`);
    assert.equal(lines.length, 6);
    const p = d.profiles[0];
    assert.equal(lines[1], `  0  ${p.timestamp}  ${p.profile_id}  cpu=5.8K dur=60.0s`);
    assert.equal(t.stderr, "");
    const j = await cli(["datadog", "profiles", "list", ...svc, "--limit", "2", "--json"]);
    assert.equal(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout);
    assert.deepEqual(Object.keys(out), ["command", "result", "candidates"]);
    assert.equal(out.command, "pprof-mcp datadog profiles list --service checkout --env prod --limit 2");
    assert.deepEqual(out.candidates, out.result.candidates);
    assert.equal(out.candidates.length, 2);
  },
});

Deno.test({
  name: "cli: datadog profiles pick prints one line, --json the candidate as profile; --index -1 means none",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const t = await cli(["datadog", "profiles", "pick", ...svc, "--strategy", "oldest"]);
    assert.equal(t.code, 0, t.stderr);
    const p = d.profiles[4];
    assert.equal(t.stdout, `profile_id=${p.profile_id} event_id=ev-5 timestamp=${p.timestamp} reason=oldest\n`);
    const latest = await cli(["datadog", "profiles", "pick", ...svc, "--index", "-1"]);
    assert.match(latest.stdout, / event_id=ev-1 .* reason=latest\n$/);
    const j = await cli(["datadog", "profiles", "pick", ...svc, "--index", "2", "--json"]);
    const out = JSON.parse(j.stdout);
    assert.deepEqual(Object.keys(out), ["command", "result", "profile", "warnings"]);
    assert.equal(out.profile.event_id, "ev-3");
    assert.equal(out.result.reason, "manual_index=2");
  },
});

Deno.test({
  name: "cli: download writes the bundle and prints {command, result}; errors are one line, exit 2",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const r = await cli(["download", ...svc, "--out", "bundle", "--hours", "24"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ["command", "result"]);
    assert.match(
      out.command,
      /^pprof-mcp download --service checkout --env prod --out bundle --hours 24 \(datadog mode\)$/,
    );
    assert.equal(out.result.version, "1.42.0");
    assert.equal(out.result.files[0].path, "bundle/checkout_prod_cpu.pprof");
    // The downloaded member is cpu_after: pprof-mcp top of it is go tool pprof's.
    const top = await cli(["top", "bundle/checkout_prod_cpu.pprof"]);
    assert.equal(diffOutputs(top.stdout, refText("ref/cpu_after/top/stdout.txt")), undefined);
    const usage = await cli(["download", "--service", "checkout"]);
    assert.deepEqual([usage.code, usage.stderr], [2, "pprof-mcp: download requires --service, --env, and --out\n"]);
    d.fail("download", { truncate: true });
    const cut = await cli(["download", ...svc, "--out", "cut"]);
    assert.equal(cut.code, 2);
    assert.match(cut.stderr, /^pprof-mcp: cannot read the bundle's zip: .*truncated or corrupt\)\n$/);
    const cutDir = await Deno.stat(`${dir}/cut`).then(() => [...Deno.readDirSync(`${dir}/cut`)], () => []);
    assert.deepEqual(cutDir, [], "nothing of the truncated bundle is written");
    const { DD_APP_KEY: _k, ...noKey } = doubleEnv(d);
    const keys = await cli(["datadog", "profiles", "list", ...svc], noKey);
    assert.deepEqual([keys.code, keys.stderr], [2, "pprof-mcp: missing DD_API_KEY or DD_APP_KEY\n"]);
    const json = await cli(["datadog", "profiles", "list", ...svc, "--json"], noKey);
    assert.equal(JSON.parse(json.stdout).error.message, "missing DD_API_KEY or DD_APP_KEY");
  },
});

Deno.test({
  name: "cli: the other tools as subcommands; aggregate's merge is go tool pprof's; no progress on a pipe",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const a = await cli([
      "datadog",
      "profiles",
      "aggregate",
      ...svc,
      "--window",
      "1h",
      "--limit",
      "2",
      "--out",
      "agg",
      "--json",
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stderr, "", "progress is for terminals only");
    const r = JSON.parse(a.stdout).result;
    assert.equal(r.profiles_merged, 2);
    const top = await cli(["top", r.path]);
    assert.equal(diffOutputs(top.stdout, refText("ref_extra/cpu_merged/top/stdout.txt")), undefined);
    const h = await cli(["datadog", "function_history", ...svc, "--function", "runtime\\.mallocgc$", "--limit", "2"]);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^runtime\\\.mallocgc\$: found in 2\/2 profiles\n\nFunction: runtime\\\.mallocgc\$\n/);
    assert.match(h.stdout, /\nSummary: Found in 2\/2 profiles\nFlat%: max 5\.92%, min 4\.86%, avg 5\.39%\n/);
    const n = await cli(["datadog", "profiles", "near_event", ...svc, "--event_time", d.profiles[2].timestamp]);
    assert.equal(n.code, 0, n.stderr);
    assert.match(n.stdout, /\nTotal: 2 before, 3 after\n/);
    const bad = await cli(["datadog", "profiles", "near_event", ...svc]);
    assert.deepEqual([bad.code, bad.stderr], [2, 'pprof-mcp: missing required argument "event_time"\n']);
  },
});

Deno.test({
  name: "cli: compare_range, services search, metrics and download_latest_bundle subcommands",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cmp = await cli([
      "datadog",
      "profiles",
      "compare_range",
      ...svc,
      "--before_from",
      "-3m",
      "--before_to",
      "-90s",
      "--after_from",
      "-1m",
      "--out",
      "cmp",
    ]);
    assert.equal(cmp.code, 0, cmp.stderr);
    assert.match(cmp.stdout, /\nTop Changes:\n {2}- -0\.42s \(1\.48s -> 1\.06s\): runtime\.mallocgc\n/);
    const s = await cli(["datadog", "services", "search", "--query", "chekout"]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^best match checkout \(0\.\d+, similar\) of 1 services\n/);
    d.metricNames = ["go.goroutines"];
    const m = await cli(["datadog", "metrics", "discover", "--service", "checkout", "--json"]);
    assert.deepEqual(JSON.parse(m.stdout).result.metrics, [{ name: "go.goroutines", type: "gauge" }]);
    d.series["go.goroutines"] = { points: [[Date.now() - 1000, 42]] };
    const at = await cli(["datadog", "metrics_at_timestamp", "--service", "checkout", "--metrics", "go.goroutines"]);
    assert.equal(at.code, 0, at.stderr);
    assert.match(at.stdout, /\ngo_goroutines = 42\n?/);
    const dl = await cli(["profiles", "download_latest_bundle", ...svc, "--out", "latest"]);
    assert.equal(dl.code, 0, dl.stderr);
    assert.match(dl.stdout, /^downloaded profile prof-0001-\S+ \(\S+\): cpu, block, heap, mutex, goroutines\n/);
  },
});

Deno.test("cli: long tool calls show one progress line on a terminal, nothing on a pipe", async () => {
  const out = await Deno.makeTempDir();
  try {
    const args = (name: string) => ({
      profiles: [`${FIXTURES}profiles/cpu.pb.gz`, `${FIXTURES}profiles/cpu_after.pb.gz`],
      output_path: `${out}/${name}.pb.gz`,
    });
    const terminal = Object.assign(memoryIO(), { errIsTerminal: () => true });
    const t = await callTool("pprof.merge", args("t"), terminal);
    assert.equal(t.isError, false);
    // One line rewritten in place (carriage return, erase to the end), cleared at the end.
    assert.equal(
      terminal.stderr,
      "\rmerged 1/2 profiles (1/3)\x1b[K\rmerged 2/2 profiles (2/3)\x1b[K" +
        `\rwriting ${out}/t.pb.gz (3/3)\x1b[K\r\x1b[K`,
    );
    const pipe = memoryIO();
    assert.equal((await callTool("pprof.merge", args("p"), pipe)).isError, false);
    assert.equal(pipe.stderr, "");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("flags: a negative number or relative time after a flag is its value (--index -1, --from -30m)", () => {
  const specs = {
    index: { type: "integer" as const, help: "" },
    x: { type: "number" as const, help: "" },
    s: { type: "string" as const, help: "" },
  };
  const { values, positionals } = parseFlags("t", ["--index", "-1", "--x", "-2.5", "--s", "-30m"], specs);
  assert.deepEqual([values.index, values.x, values.s, positionals], [-1, -2.5, "-30m", []]);
});

Deno.test("cli: every Datadog command has --help, and `pprof-mcp datadog` lists its commands", async () => {
  for (const c of datadogCommands) {
    const io = memoryIO();
    assert.equal(await runCli([...c.name.split(" "), "--help"], io), 0, c.name);
    assert.match(io.stdout, new RegExp(`Usage: pprof-mcp ${c.name} `), c.name);
    assert.match(io.stdout, /DD_API_KEY and DD_APP_KEY/, c.name);
  }
  const io = memoryIO();
  assert.equal(await runCli(["datadog", "--help"], io), 0);
  for (const sub of ["profiles list", "profiles pick", "profiles aggregate", "function_history", "services search"]) {
    assert.match(io.stdout, new RegExp(`\\n  ${sub} `));
  }
});

Deno.test({
  name: "cli: cleanup",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert.deepEqual(d.violations, []);
    await d.stop();
    await Deno.remove(dir, { recursive: true });
  },
});
