/**
 * The Pyroscope tools end to end: the SDK's MCP Client talks to a spawned server (confined to a base dir) whose
 * PYROSCOPE_URL points at the Pyroscope test double. Answers fit the published output schemas and stay under
 * 100 KB; the queried profile's handle works in pprof.top, whose text is that of the fixtures merged locally;
 * a 503 is retried, a server that stays down is one clear error.
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Ajv } from "ajv";
import { createRegistry } from "../lib/tools/index.ts";
import { pprofTop } from "../lib/tools/pprof/top.ts";
import { encodeProfileGzip } from "../lib/profile/encode.ts";
import { mergeProfiles } from "../lib/profile/merge.ts";
import { startServer } from "./mcp_client.ts";
import { CPU_TYPE, doubleEnv, fixtureProfile, fleet, PyroscopeDouble } from "./support/pyroscope_double.ts";

type Result = {
  isError?: boolean;
  // deno-lint-ignore no-explicit-any
  structuredContent?: Record<string, any>;
  content: { type: string; text: string }[];
};

const ajv = new Ajv({ strict: false });
const schemas = new Map(createRegistry().list("default").map((t) => [t.name, ajv.compile(t.outputSchema)]));

async function call(c: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  const r = await c.callTool({ name, arguments: args }) as Result;
  const validate = schemas.get(name)!;
  assert.ok(validate(r.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`);
  const size = new TextEncoder().encode(JSON.stringify(r)).length;
  assert.ok(size < 100_000, `${name}: a ${size}-byte answer`);
  return r;
}

const base = await Deno.makeTempDir({ prefix: "pprof-mcp-pyromcp-" });
const d = PyroscopeDouble.start();
d.uploads.push(...fleet(Date.now()));
const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "mcp: every pyroscope tool over stdio; query's handle feeds pprof.top, equal to the local merge's top",
  ...opts,
  async fn() {
    const c = await startServer({ env: doubleEnv(d, { PPROF_MCP_BASEDIR: base }) });
    try {
      const { tools } = await c.listTools();
      const names = (tools as { name: string }[]).map((t) => t.name).filter((n) => n.startsWith("pyroscope"));
      assert.deepEqual(names.sort(), [
        "pyroscope.compare",
        "pyroscope.labels",
        "pyroscope.profile_types",
        "pyroscope.profiles.query",
        "pyroscope.series",
      ]);
      const types = await call(c, "pyroscope.profile_types", {});
      assert.equal(types.isError, false, types.content[0].text);
      assert.ok(types.structuredContent!.profile_types.some((t: { id: string }) => t.id === CPU_TYPE));
      const labels = await call(c, "pyroscope.labels", { name: "version" });
      assert.deepEqual(labels.structuredContent!.values, ["1.4", "1.5"]);
      const series = await call(c, "pyroscope.series", {
        profile_type: CPU_TYPE,
        selector: '{service_name="checkout"}',
        group_by: "version",
      });
      assert.equal(series.structuredContent!.series.length, 2);
      d.fail("SelectMergeProfile", { status: 503 });
      const q = await call(c, "pyroscope.profiles.query", {
        profile_type: CPU_TYPE,
        selector: '{version="1.5"}',
        from: "-1h",
        output_path: `${base}/v15.pb.gz`,
      });
      assert.equal(q.isError, false, q.content[0].text);
      const handle = q.structuredContent!.handle;
      const top = await call(c, "pprof.top", { profile: handle });
      assert.equal(top.isError, false, top.content[0].text);
      // Our merge of the fixtures with every sample type, as `pprof-mcp merge` writes it.
      const merged = mergeProfiles(Array(4).fill(fixtureProfile("cpu_after")));
      Deno.writeFileSync(`${base}/local.pb.gz`, encodeProfileGzip(merged));
      const local = await pprofTop({ profile: `${base}/local.pb.gz` });
      assert.match(local.raw!, /\nType: cpu\n/);
      assert.equal(top.structuredContent!.raw, local.raw);
      const cmp = await call(c, "pyroscope.compare", {
        profile_type: CPU_TYPE,
        before_selector: '{version="1.4"}',
        after_selector: '{version="1.5"}',
      });
      assert.equal(cmp.isError, false, cmp.content[0].text);
      assert.ok(cmp.structuredContent!.flamegraph.startsWith(base + "/"));
      d.fail("SelectMergeProfile", ...Array.from({ length: 5 }, () => ({ status: 503 })));
      const down = await call(c, "pyroscope.profiles.query", { profile_type: CPU_TYPE, selector: "{}" });
      assert.equal(down.isError, true);
      assert.match(
        down.structuredContent!.error.message,
        /^pyroscope SelectMergeProfile failed: status 503: .* \(5 attempts to 127\.0\.0\.1:\d+\)$/,
      );
      assert.deepEqual(d.violations, []);
    } finally {
      await c.close();
    }
  },
});

Deno.test({ name: "mcp: stop the Pyroscope double", ...opts, fn: () => d.stop() });
