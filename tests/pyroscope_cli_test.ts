/**
 * The Pyroscope commands of the CLI, run as the binary runs them against the Pyroscope test double: `pyroscope
 * types|labels|series|query|compare` with text and `--json`, `--help`, exit codes, and `pprof-mcp top` of a queried
 * profile against `pprof-mcp top` of the same fixtures merged locally.
 */
import assert from "node:assert/strict";
import { FIXTURES } from "./golden.ts";
import { BINARY_PERMISSIONS, runDeno } from "./permissions.ts";
import { CPU_TYPE, doubleEnv, fleet, INUSE_TYPE, PyroscopeDouble } from "./support/pyroscope_double.ts";

const main = new URL("../main.ts", import.meta.url).pathname;

const d = PyroscopeDouble.start();
d.uploads.push(...fleet(Date.now()));
const dir = await Deno.makeTempDir({ prefix: "pprof-mcp-pyrocli-" });

function cli(args: string[], env: Record<string, string> = doubleEnv(d)) {
  return runDeno(["run", ...BINARY_PERMISSIONS, main, ...args], { env, cwd: dir });
}

const opts = { sanitizeResources: false, sanitizeOps: false };
const fixture = (n: string) => `${FIXTURES}profiles/${n}.pb.gz`;

Deno.test({
  name: "cli: pyroscope query writes the server's merge; pprof-mcp top of it is top of the fixtures merged locally",
  ...opts,
  async fn() {
    const q = await cli([
      "pyroscope",
      "query",
      "--type",
      CPU_TYPE,
      "--selector",
      '{service_name="checkout"}',
      "--from",
      "-1h",
      "--to",
      "now",
      "-o",
      "checkout.pb.gz",
    ]);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stderr, "");
    assert.match(q.stdout, /^.*samples.*\n\nhandle:[0-9a-f]{16} {2}checkout\.pb\.gz\n/);
    // Version 1.4 (cpu) from both pods at four times, 1.5 (cpu_after) at two.
    const local = [...Array(8).fill(fixture("cpu")), ...Array(4).fill(fixture("cpu_after"))];
    const ours = await cli(["top", "checkout.pb.gz"]);
    const theirs = await cli(["top", ...local]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(ours.stdout, theirs.stdout);
    assert.match(ours.stdout, /^File: .*\nType: cpu\n/);
    // A heap type: the server's profile holds inuse_space only, the local merge every type.
    const h = await cli([
      "pyroscope",
      "query",
      "--url",
      d.url,
      "--type",
      INUSE_TYPE,
      "--selector",
      '{pod="checkout-a"}',
      "-o",
      "heap.pb.gz",
      "--json",
    ], {});
    assert.equal(h.code, 0, h.stderr);
    const out = JSON.parse(h.stdout);
    assert.deepEqual(out.sample_types, ["inuse_space/bytes"]);
    assert.equal(
      out.command,
      `pprof-mcp pyroscope query --url ${d.url} --type ${INUSE_TYPE} --selector '{pod="checkout-a"}' -o heap.pb.gz`,
    );
    const heaps = ["heap", "heap_early", "heap", "heap_early", "heap", "heap_early"].map(fixture);
    const hOurs = await cli(["top", "heap.pb.gz"]);
    const hTheirs = await cli(["top", "--sample_index=inuse_space", ...heaps]);
    assert.equal(hOurs.stdout, hTheirs.stdout);
    assert.deepEqual(d.violations, []);
  },
});

Deno.test({
  name: "cli: pyroscope types, labels, series print text and --json; errors are one line with exit 2",
  ...opts,
  async fn() {
    const t = await cli(["pyroscope", "types"]);
    assert.equal(t.code, 0, t.stderr);
    assert.ok(t.stdout.includes(`\n${CPU_TYPE}\n`), t.stdout);
    const l = await cli(["pyroscope", "labels", "--name", "pod", "--json"]);
    assert.equal(l.code, 0, l.stderr);
    assert.deepEqual(JSON.parse(l.stdout).values, ["checkout-a", "checkout-b"]);
    const s = await cli([
      "pyroscope",
      "series",
      "--type",
      CPU_TYPE,
      "--selector",
      '{service_name="checkout"}',
      "--step",
      "10m",
      "--group_by",
      "pod",
    ]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /\ntime\s+checkout-[ab]\s+checkout-[ab]\n/);
    const noUrl = await cli(["pyroscope", "types"], {});
    assert.deepEqual([noUrl.code, noUrl.stderr], [
      2,
      "pprof-mcp: no Pyroscope server: give url or set PYROSCOPE_URL (e.g. http://localhost:4040)\n",
    ]);
    const noOut = await cli(["pyroscope", "query", "--type", CPU_TYPE, "--selector", "{}"]);
    assert.deepEqual([noOut.code, noOut.stderr], [
      2,
      "pprof-mcp: pyroscope query: give -o FILE, the file to write the merged profile to\n",
    ]);
    d.fail("SelectMergeProfile", ...Array.from({ length: 5 }, () => ({ status: 503 })));
    const down = await cli(["pyroscope", "query", "--type", CPU_TYPE, "--selector", "{}", "-o", "down.pb.gz"]);
    assert.equal(down.code, 2);
    assert.match(
      down.stderr,
      /^pprof-mcp: pyroscope SelectMergeProfile failed: status 503: .* \(5 attempts to .*\)\n$/,
    );
    assert.throws(() => Deno.statSync(`${dir}/down.pb.gz`), Deno.errors.NotFound);
    for (const c of ["types", "labels", "series", "query", "compare"]) {
      const help = await cli(["pyroscope", c, "--help"]);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, new RegExp(`\nUsage: pprof-mcp pyroscope ${c} `));
    }
    const help = await cli(["pyroscope", "query", "--help"]);
    assert.ok(help.stdout.includes(
      `Usage: pprof-mcp pyroscope query [--url URL] --type PROFILE_TYPE_ID --selector '{service_name="x"}' ` +
        "[--from -1h] [--to now] -o FILE",
    ));
  },
});

Deno.test({
  name: "cli: pyroscope compare of two versions writes both sides and the differential flame graph",
  ...opts,
  async fn() {
    const c = await cli([
      "pyroscope",
      "compare",
      "--type",
      CPU_TYPE,
      "--before_selector",
      '{version="1.4"}',
      "--after_selector",
      '{version="1.5"}',
      "--out_dir",
      "cmp",
      "--json",
    ]);
    assert.equal(c.code, 0, c.stderr);
    const out = JSON.parse(c.stdout);
    assert.equal(out.before.path, "cmp/before.pb.gz");
    assert.equal(out.flamegraph, "cmp/diff_flamegraph.html");
    assert.ok(Deno.statSync(`${dir}/cmp/diff_flamegraph.html`).size > 1000);
    // The diff is pprof-mcp pprof diff_top's of the two written files.
    const dt = await cli(["pprof", "diff_top", "--before", "cmp/before.pb.gz", "--after", "cmp/after.pb.gz"]);
    assert.equal(dt.code, 0, dt.stderr);
    const top = JSON.parse(dt.stdout);
    const moved = (top.deltas ?? top.result?.deltas ?? []).filter((x: { delta: number }) => x.delta !== 0);
    assert.ok(moved.length > 0, dt.stdout.slice(0, 300));
    const biggest = [...moved].sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta))[0];
    assert.equal(out.changes[0].name, biggest.name);
    const text = await cli([
      "pyroscope",
      "compare",
      "--type",
      CPU_TYPE,
      "--selector",
      '{service_name="checkout"}',
      "--before_from",
      "-1h",
      "--before_to",
      "-20m",
      "--after_from",
      "-20m",
      "--out_dir",
      "cmp2",
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\nbefore: \{service_name="checkout"\} .*\nafter: {2}\{service_name="checkout"\} /);
    assert.deepEqual(d.violations, []);
  },
});

Deno.test({ name: "cli: stop the Pyroscope double", ...opts, fn: () => d.stop() });
