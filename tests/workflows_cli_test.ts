/**
 * The workflow commands as a user runs them: `pprof-mcp discover --report` against the Datadog test double writes
 * the golden report, `generate-report` makes the same report from discover's saved --json, and the bundle views
 * take a folder; bad input exits 2 with one line.
 */
import assert from "node:assert/strict";
import { BINARY_PERMISSIONS, runDeno } from "./permissions.ts";
import { DatadogDouble, doubleEnv, profilesOf } from "./support/datadog_double.ts";
import { PLANTED_REPORT, plantedBundle } from "./support/planted_bundle.ts";

const main = new URL("../main.ts", import.meta.url).pathname;
const d = DatadogDouble.start();
const [p] = profilesOf(1, { members: plantedBundle, idPrefix: "cli" });
d.profiles.push(p);
const dir = await Deno.makeTempDir({ prefix: "pprof-mcp-wfcli-" });

function cli(args: string[]) {
  return runDeno(["run", ...BINARY_PERMISSIONS, main, ...args], { env: doubleEnv(d), cwd: dir });
}

const ids = ["--profile_id", p.profile_id, "--event_id", p.event_id];

Deno.test({
  name: "cli: discover --report writes the report; generate-report makes it again from the --json result",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const want = await Deno.readTextFile(PLANTED_REPORT);
    const r = await cli([
      "discover",
      "--service",
      "checkout",
      "--env",
      "prod",
      "--out",
      "bundle",
      "--report",
      "report.md",
      "--title",
      "checkout (prod)",
      ...ids,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^- \[high\] goroutines: 12000 goroutines \(100\.0%\) blocked in chan receive/m);
    assert.match(r.stderr, /^report with \d+ sections written to .*report\.md$/m);
    assert.equal(await Deno.readTextFile(`${dir}/report.md`), want);
    const j = await cli(["discover", "--service", "checkout", "--env", "prod", "--out", "bundle2", "--json", ...ids]);
    assert.equal(j.code, 0, j.stderr);
    await Deno.writeTextFile(`${dir}/discover.json`, j.stdout);
    const g = await cli(["generate-report", "discover.json", "--title", "checkout (prod)"]);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stdout, want);
    const h = await cli(["hotspot-summary", "bundle"]);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^CPU \(flat\):\n +35\.44% {2}math\.log1p$/m);
  },
});

Deno.test({
  name: "cli: workflow commands refuse bad input with one line and exit 2",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cases: [string[], RegExp][] = [
      [["discover", "--service", "checkout"], /^pprof-mcp: discover requires --service and --env\n$/],
      [["generate-report", "missing.json"], /^pprof-mcp: missing\.json: cannot read a JSON result: /],
      [["hotspot-summary", "nowhere"], /^pprof-mcp: nowhere: no such file or folder\n$/],
      // Not JSON, and short: JSON.parse's message quotes the whole text, newlines and all.
      [["generate-report", "top.txt"], /^pprof-mcp: top\.txt: cannot read a JSON result: .*is not valid JSON\n$/],
    ];
    await Deno.writeTextFile(`${dir}/top.txt`, "top\n10ms\n");
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  },
});

Deno.test({
  name: "cli: workflows (cleanup)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert.deepEqual(d.violations, []);
    await d.stop();
    await Deno.remove(dir, { recursive: true });
  },
});
