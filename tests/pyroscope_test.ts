/**
 * The Pyroscope client and tools through the registry, against the Pyroscope test double: what the requests
 * carry (methods, proto bodies, selectors, millisecond times, credentials and tenant), what the tools make of the
 * answers (types, labels, a series table, the merged profile written with a handle, a comparison with its diff and
 * differential flame graph), and the faults: retries that succeed, and one-line errors that leave no file.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { setMaxProfileBytes } from "../lib/profile/decompress.ts";
import { parseProfile } from "../lib/profile/load.ts";
import { PyroscopeClient } from "../lib/pyroscope/client.ts";
import { HandleRegistry } from "../lib/tools/handles.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { Sandbox } from "../lib/tools/sandbox.ts";
import { pprofTop } from "../lib/tools/pprof/top.ts";
import { ALLOC_TYPE, CPU_TYPE, fleet, INUSE_TYPE, mergedOf, PyroscopeDouble } from "./support/pyroscope_double.ts";

Deno.env.set("PPROF_MCP_PYROSCOPE_BACKOFF", "10ms");
Deno.env.set("PPROF_MCP_PYROSCOPE_TIMEOUT", "1s");
for (
  const k of ["PYROSCOPE_URL", "PYROSCOPE_TOKEN", "PYROSCOPE_USERNAME", "PYROSCOPE_PASSWORD", "PYROSCOPE_TENANT_ID"]
) {
  Deno.env.delete(k);
}

const now = Date.now();
const d = PyroscopeDouble.start();
d.uploads.push(...fleet(now));
const base = await Deno.makeTempDir({ prefix: "pprof-mcp-pyro-" });
const registry = createRegistry();
const handles = new HandleRegistry();
const ctx = {
  signal: new AbortController().signal,
  progress: async () => {},
  sandbox: new Sandbox(base, handles),
  handles,
};

// deno-lint-ignore no-explicit-any
type Any = Record<string, any>;

async function call(tool: string, args: Record<string, unknown>) {
  return await registry.call(tool, { url: d.url, ...args }, "default", ctx);
}

async function ok(tool: string, args: Record<string, unknown>): Promise<{ s: Any; text: string }> {
  const r = await call(tool, args);
  assert.equal(r.isError, false, r.content[0].text);
  // The registry's text is the summary line, a blank line, then the tool's text.
  const text = r.content[0].text;
  return { s: r.structuredContent as Any, text: text.slice(text.indexOf("\n\n") + 2) };
}

async function failure(tool: string, args: Record<string, unknown>): Promise<{ message: string; code: string }> {
  const r = await call(tool, args);
  assert.equal(r.isError, true, JSON.stringify(r.structuredContent).slice(0, 300));
  return (r.structuredContent as Any).error;
}

const opts = { sanitizeResources: false, sanitizeOps: false };
const CHECKOUT = '{service_name="checkout"}';
const last = <T>(xs: T[]) => xs[xs.length - 1];

Deno.test({
  name: "pyroscope.profile_types: the types with data in the window, requests in Unix milliseconds",
  ...opts,
  async fn() {
    const { s, text } = await ok("pyroscope.profile_types", { from: "-1h" });
    assert.deepEqual(s.profile_types.map((t: Any) => t.id), [CPU_TYPE, ALLOC_TYPE, INUSE_TYPE].sort());
    assert.deepEqual(s.profile_types.find((t: Any) => t.id === CPU_TYPE), {
      id: CPU_TYPE,
      name: "process_cpu",
      sample_type: "cpu",
      sample_unit: "nanoseconds",
      period_type: "cpu",
      period_unit: "nanoseconds",
    });
    assert.equal(text, [ALLOC_TYPE, INUSE_TYPE, CPU_TYPE].sort().join("\n"));
    const req = last(d.requests("ProfileTypes")).request!;
    assert.equal(req.end - req.start, 3_600_000);
    assert.ok(Math.abs(req.end - now) < 60_000, `end ${req.end}`);
    // Only the last 10 minutes: the heap uploads (at -55, -45 … -5 min) are in, but not the cart's alone.
    const recent = await ok("pyroscope.profile_types", { from: "-3m" });
    assert.deepEqual(recent.s.profile_types, []);
    assert.match(recent.text, /^no profile types with data from /);
    assert.deepEqual(d.violations, []);
  },
});

Deno.test({
  name: "pyroscope.labels: names, values of one name, values under a selector",
  ...opts,
  async fn() {
    const names = await ok("pyroscope.labels", {});
    assert.deepEqual(names.s.names, ["pod", "service_name", "version"]);
    const services = await ok("pyroscope.labels", { name: "service_name" });
    assert.deepEqual(services.s.values, ["cart", "checkout"]);
    assert.equal(services.text, "cart\ncheckout");
    const versions = await ok("pyroscope.labels", { name: "version", selector: '{pod="checkout-b"}' });
    assert.deepEqual(versions.s.values, ["1.4", "1.5"]);
    assert.deepEqual(last(d.requests("LabelValues")).request!.matchers, ['{pod="checkout-b"}']);
    const bad = await failure("pyroscope.labels", { selector: "service_name=checkout" });
    assert.equal(bad.code, "INVALID_ARGUMENT");
    assert.match(bad.message, /^invalid selector "service_name=checkout": a label selector is/);
    assert.deepEqual(d.violations, []);
  },
});

Deno.test({
  name: "pyroscope.series: totals per step grouped by a label, as the fixtures' CPU time",
  ...opts,
  async fn() {
    const { s, text } = await ok("pyroscope.series", {
      profile_type: CPU_TYPE,
      selector: CHECKOUT,
      from: "-1h",
      step: "10m",
      group_by: "version",
    });
    const req = last(d.requests("SelectSeries")).request!;
    assert.equal(req.step, 600);
    assert.deepEqual(req.group_by, ["version"]);
    assert.equal(req.label_selector, CHECKOUT);
    assert.equal(s.unit, "nanoseconds");
    const cpu = mergedOf(["cpu"], CPU_TYPE), after = mergedOf(["cpu_after"], CPU_TYPE);
    const sum = (p: typeof cpu) => p.values.reduce((a, b) => a + b, 0);
    const byVersion = Object.fromEntries(s.series.map((x: Any) => [x.labels.version, x]));
    // Two pods a step: 4 steps of 1.4, 2 of 1.5.
    assert.equal(byVersion["1.4"].points.length, 4);
    for (const p of byVersion["1.4"].points) assert.equal(p[1], 2 * sum(cpu));
    assert.equal(byVersion["1.5"].total, 4 * sum(after));
    const lines = text.split("\n");
    assert.match(lines[0], /^time\s+1\.4\s+1\.5$/);
    assert.equal(lines.length, 1 + 6 + 1);
    assert.match(last(lines), /^total\s+\S+s\s+\S+s$/);
    assert.ok(lines.slice(1, 5).every((l) => l.trimEnd().endsWith("-")), text);
    assert.deepEqual(d.violations, []);
  },
});

Deno.test({
  name: "pyroscope.profiles.query: the server's merge written with a handle, the same as our merge of the fixtures",
  ...opts,
  async fn() {
    const out = `${base}/checkout_cpu.pb.gz`;
    const { s, text } = await ok("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: '{service_name="checkout", version="1.4"}',
      from: "-1h",
      to: "now",
      output_path: out,
    });
    const req = last(d.requests("SelectMergeProfile")).request!;
    assert.equal(req.profile_typeID, CPU_TYPE);
    assert.equal(req.label_selector, '{service_name="checkout", version="1.4"}');
    assert.equal(req.end - req.start, 3_600_000);
    assert.equal(s.path, out);
    assert.equal(handles.get(s.handle)?.path, out);
    const written = Deno.readFileSync(out);
    assert.equal(written[0], 0x1f, "gzip");
    const local = mergedOf(["cpu", "cpu", "cpu", "cpu", "cpu", "cpu", "cpu", "cpu"], CPU_TYPE);
    assert.equal(s.samples, parseProfile(written).sampleCount);
    assert.equal(s.total, local.values.reduce((a, b) => a + b, 0));
    assert.deepEqual(s.sample_types, ["cpu/nanoseconds"]);
    assert.match(text, new RegExp(`^${s.handle}  ${out}\n`));
    assert.deepEqual(s.next_steps[0], {
      tool: "pprof.top",
      arguments: { profile: s.handle },
      why: "the hottest functions of the merged profile",
    });
    // Through the handle, pprof.top reads what was written.
    const viaHandle = await registry.call("pprof.top", { profile: s.handle }, "default", ctx);
    assert.equal(viaHandle.isError, false, viaHandle.content[0].text);
    const direct = await pprofTop({ profile: out });
    assert.ok(direct.raw!.includes("Type: cpu\n"));
    assert.equal((viaHandle.structuredContent as Any).raw, direct.raw);
    // The raw bytes as served gunzip to a profile.proto the pprof decoder reads.
    assert.ok(gunzipSync(written).length > 0);
    // Without output_path: a new file inside the base dir.
    const temp = await ok("pyroscope.profiles.query", { profile_type: INUSE_TYPE, selector: CHECKOUT });
    assert.ok(temp.s.path.startsWith(base + "/"), temp.s.path);
    assert.deepEqual(temp.s.sample_types, ["inuse_space/bytes"]);
    assert.deepEqual(d.violations, []);
  },
});

Deno.test({
  name: "pyroscope.profiles.query: nothing matching is NOT_FOUND, bad arguments INVALID_ARGUMENT, no file left",
  ...opts,
  async fn() {
    const out = `${base}/none.pb.gz`;
    const none = await failure("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: '{service_name="nope"}',
      output_path: out,
    });
    assert.equal(none.code, "NOT_FOUND");
    assert.match(
      none.message,
      /^no process_cpu:cpu:nanoseconds:cpu:nanoseconds profiles match \{service_name="nope"\}/,
    );
    const order = await failure("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: CHECKOUT,
      from: "-1h",
      to: "-2h",
      output_path: out,
    });
    assert.equal(order.code, "INVALID_ARGUMENT");
    assert.match(order.message, /^from \(.*\) must be before to \(.*\)$/);
    const time = await failure("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: CHECKOUT,
      from: "yesterday",
      output_path: out,
    });
    assert.match(time.message, /^invalid from "yesterday": expected RFC 3339/);
    // The server's own parse error, in Connect's JSON, in one line.
    const parse = await failure("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: "{service_name=checkout}",
      output_path: out,
    });
    assert.equal(parse.code, "INVALID_ARGUMENT");
    assert.equal(
      parse.message,
      `pyroscope SelectMergeProfile at ${new URL(d.url).host}: status 400: invalid_argument: parse error: ` +
        "{service_name=checkout}",
    );
    const noUrl = await registry.call("pyroscope.profile_types", {}, "default", ctx);
    assert.equal(
      (noUrl.structuredContent as Any).error.message,
      "no Pyroscope server: give url or set PYROSCOPE_URL (e.g. http://localhost:4040)",
    );
    assert.throws(() => Deno.statSync(out), Deno.errors.NotFound);
    const outside = await failure("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: CHECKOUT,
      output_path: "/tmp/outside-the-base.pb.gz",
    });
    assert.match(outside.message, /is outside base dir/);
  },
});

Deno.test({
  name: "pyroscope: 503 and 429 (Retry-After), timeouts and resets are retried; a bad body or no luck is one line",
  ...opts,
  async fn() {
    const host = new URL(d.url).host;
    const before = d.requests("SelectMergeProfile").length;
    d.fail("SelectMergeProfile", { status: 503 }, { status: 429, headers: { "retry-after": "0" } }, { reset: true });
    const got = await ok("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: CHECKOUT,
      output_path: `${base}/retried.pb.gz`,
    });
    assert.ok(got.s.samples > 0);
    assert.equal(d.requests("SelectMergeProfile").length - before, 4);
    d.fail("ProfileTypes", { delayMs: 1500 });
    const slow = await ok("pyroscope.profile_types", {});
    assert.equal(slow.s.profile_types.length, 3);
    const five = Array.from({ length: 5 }, () => ({ status: 502, body: '{"code":"unavailable","message":"down"}' }));
    d.fail("SelectMergeProfile", ...five);
    const gone = await failure("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: CHECKOUT,
      output_path: `${base}/gone.pb.gz`,
    });
    assert.equal(gone.code, "INTERNAL");
    assert.equal(
      gone.message,
      `pyroscope SelectMergeProfile failed: status 502: {"code":"unavailable","message":"down"} (5 attempts to ${host})`,
    );
    assert.throws(() => Deno.statSync(`${base}/gone.pb.gz`), Deno.errors.NotFound);
    d.fail("SelectMergeProfile", { malformed: true });
    const bad = await failure("pyroscope.profiles.query", {
      profile_type: CPU_TYPE,
      selector: CHECKOUT,
      output_path: `${base}/bad.pb.gz`,
    });
    assert.match(bad.message, new RegExp(`^pyroscope SelectMergeProfile at ${host}: the answer is not a profile \\(`));
    assert.throws(() => Deno.statSync(`${base}/bad.pb.gz`), Deno.errors.NotFound);
    d.fail("LabelNames", { malformed: true });
    const badList = await failure("pyroscope.labels", {});
    assert.match(
      badList.message,
      /^pyroscope LabelNames at .*: the answer is not a types\.v1\.LabelNamesResponse message/,
    );
    d.fail("ProfileTypes", ...Array.from({ length: 5 }, () => ({ delayMs: 1500 })));
    const timeout = await failure("pyroscope.profile_types", {});
    assert.equal(timeout.message, `pyroscope ProfileTypes failed: timed out after 1s (5 attempts to ${host})`);
    assert.deepEqual(d.violations, []);
  },
});

Deno.test({
  name: "pyroscope: a bearer token or basic auth and the tenant header from the environment; 401 names the variables",
  ...opts,
  async fn() {
    d.auth = { bearer: "tok-123", tenant: "team-a" };
    try {
      const denied = await failure("pyroscope.labels", {});
      assert.match(denied.message, /^pyroscope LabelNames at .*: status 401: unauthenticated: invalid credentials$/);
      Deno.env.set("PYROSCOPE_TOKEN", "tok-123");
      Deno.env.set("PYROSCOPE_TENANT_ID", "team-a");
      await ok("pyroscope.labels", {});
      const h = last(d.requests("LabelNames")).headers;
      assert.equal(h["authorization"], "Bearer tok-123");
      assert.equal(h["x-scope-orgid"], "team-a");
      assert.equal(h["content-type"], "application/proto");
      Deno.env.delete("PYROSCOPE_TOKEN");
      d.auth = { basic: { user: "1234", password: "glc_secret" } };
      Deno.env.set("PYROSCOPE_USERNAME", "1234");
      Deno.env.set("PYROSCOPE_PASSWORD", "glc_secret");
      await ok("pyroscope.labels", {});
      Deno.env.set("PYROSCOPE_TOKEN", "tok-123");
      const both = await failure("pyroscope.labels", {});
      assert.equal(both.message, "set either PYROSCOPE_TOKEN or PYROSCOPE_USERNAME/PYROSCOPE_PASSWORD, not both");
    } finally {
      d.auth = {};
      for (const k of ["PYROSCOPE_TOKEN", "PYROSCOPE_USERNAME", "PYROSCOPE_PASSWORD", "PYROSCOPE_TENANT_ID"]) {
        Deno.env.delete(k);
      }
    }
  },
});

Deno.test({
  name: "pyroscope.compare: two selectors, or two time ranges → both profiles, our diff and a differential flame graph",
  ...opts,
  async fn() {
    const dir = `${base}/cmp`;
    const { s, text } = await ok("pyroscope.compare", {
      profile_type: CPU_TYPE,
      before_selector: '{service_name="checkout", version="1.4"}',
      after_selector: '{service_name="checkout", version="1.5"}',
      out_dir: dir,
    });
    assert.equal(s.before.path, `${dir}/before.pb.gz`);
    assert.equal(s.after.path, `${dir}/after.pb.gz`);
    const b = mergedOf(Array(8).fill("cpu"), CPU_TYPE), a = mergedOf(Array(4).fill("cpu_after"), CPU_TYPE);
    assert.equal(s.before.total, b.values.reduce((x, y) => x + y, 0));
    assert.equal(s.after.total, a.values.reduce((x, y) => x + y, 0));
    // The changes are pprof.diff_top's of the two files.
    const dt = await registry.call(
      "pprof.diff_top",
      { before: s.before.path, after: s.after.path, max_lines: 20 },
      "default",
      ctx,
    );
    const deltas = ((dt.structuredContent as Any).deltas as Any[]).filter((x) => x.delta !== 0);
    assert.deepEqual(new Set(s.changes.map((c: Any) => c.name)), new Set(deltas.map((x) => x.name)));
    assert.ok(s.changes.length > 0);
    const html = Deno.readTextFileSync(s.flamegraph);
    assert.match(html, /<html/i);
    assert.ok(s.flamegraph.endsWith("diff_flamegraph.html"));
    assert.match(text, /^before: \{service_name="checkout", version="1\.4"\} /);
    assert.ok(text.includes(s.table.trimEnd()));
    // Two time ranges of one selector (and a warning that their lengths differ).
    const ranges = await ok("pyroscope.compare", {
      profile_type: CPU_TYPE,
      selector: '{pod="checkout-a"}',
      before_from: "-1h",
      before_to: "-20m",
      after_from: "-20m",
      after_to: "now",
      out_dir: `${base}/cmp2`,
    });
    assert.equal(ranges.s.before.samples, parseProfile(Deno.readFileSync(ranges.s.before.path)).sampleCount);
    assert.match(ranges.s.warnings[0], /^the windows differ in length/);
    const same = await failure("pyroscope.compare", { profile_type: CPU_TYPE, selector: CHECKOUT });
    assert.match(same.message, /^the two sides are the same query/);
    const empty = await failure("pyroscope.compare", {
      profile_type: CPU_TYPE,
      before_selector: CHECKOUT,
      after_selector: '{service_name="nope"}',
      out_dir: `${base}/cmp3`,
    });
    assert.equal(empty.code, "NOT_FOUND");
    assert.match(empty.message, /^after: no /);
    assert.deepEqual(d.violations, []);
  },
});

Deno.test({
  name: "pyroscope: the client uses the URL's path prefix and refuses what is not an http(s) URL",
  ...opts,
  fn() {
    assert.equal(new PyroscopeClient({ url: "http://h:4040/pyroscope/" }).url.href, "http://h:4040/pyroscope");
    assert.throws(() => new PyroscopeClient({ url: "ftp://h" }), /url: "ftp:\/\/h" must be an http or https URL/);
  },
});

Deno.test({
  name: "pyroscope: canceling a slow query stops it at once, CANCELED, and leaves no file",
  ...opts,
  async fn() {
    d.fail("SelectMergeProfile", { delayMs: 900 });
    const controller = new AbortController();
    const out = `${base}/canceled.pb.gz`;
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    const r = await registry.call(
      "pyroscope.profiles.query",
      { url: d.url, profile_type: CPU_TYPE, selector: CHECKOUT, output_path: out },
      "default",
      { ...ctx, signal: controller.signal },
    );
    assert.equal(r.isError, true);
    assert.equal((r.structuredContent as Any).error.code, "CANCELED");
    // Not a speed target: the 900 ms answer (and its retries) were not waited for.
    assert.ok(performance.now() - started < 800, `${performance.now() - started} ms`);
    assert.throws(() => Deno.statSync(out), Deno.errors.NotFound);
  },
});

Deno.test({
  name: "pyroscope.series: max_series keeps the largest totals and says how many there were",
  ...opts,
  async fn() {
    const { s, text } = await ok("pyroscope.series", {
      profile_type: CPU_TYPE,
      selector: "{}",
      group_by: "service_name",
      max_series: 1,
    });
    assert.equal(s.series_total, 2);
    assert.deepEqual(s.series.map((x: Any) => x.labels), [{ service_name: "checkout" }]);
    assert.match(text.split("\n")[0], /^time\s+checkout$/);
    const bad = await failure("pyroscope.series", { profile_type: CPU_TYPE, selector: "{}", step: "0s" });
    assert.match(bad.message, /^step must be positive/);
  },
});

Deno.test({
  name: "pyroscope: a merged profile larger than the profile cap is refused in one line, and not written",
  ...opts,
  async fn() {
    setMaxProfileBytes(2048);
    try {
      const out = `${base}/big.pb.gz`;
      const big = await failure("pyroscope.profiles.query", {
        profile_type: CPU_TYPE,
        selector: CHECKOUT,
        output_path: out,
      });
      assert.match(
        big.message,
        /^pyroscope SelectMergeProfile at 127\.0\.0\.1:\d+: the answer is (\S+ \S+, )?more than the cap of 2 KiB$/,
      );
      assert.throws(() => Deno.statSync(out), Deno.errors.NotFound);
    } finally {
      setMaxProfileBytes(undefined);
    }
  },
});

Deno.test({ name: "pyroscope: stop the double", ...opts, fn: () => d.stop() });
