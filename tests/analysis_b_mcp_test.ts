/**
 * The analysis tools over MCP, as a client sees them: a server confined to the fixtures, every tool called on a
 * profile with the culprit it looks for, each result valid against the tool's published output schema, and the
 * findings' next steps naming tools the client can call, under the client's naming mode.
 */
import assert from "node:assert/strict";
import { genCommands } from "./analysis_refs.ts";
import { Ajv } from "ajv";
import { FIXTURES } from "./golden.ts";
import { startServer } from "./mcp_client.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const base = FIXTURES.replace(/\/$/, "");

const CALLS: [string, Record<string, unknown>, (out: Any) => void][] = [
  ["pprof.storylines", { profile: "profiles/cpu_deeprec.pb.gz", repo_root: "." }, (o) => {
    assert.equal(o.result.storylines[0].leaf_hotspot, "main.(*ruleNode).eval");
  }],
  ["pprof.alloc_paths", { profile: "profiles/heap.pb.gz" }, (o) => {
    assert.equal(o.findings[0].evidence.function, "main.(*leakyCache).Add");
  }],
  ["pprof.overhead_report", { profile: "profiles/cpu_obs.pb.gz" }, (o) => {
    assert.equal(o.result.detections[0].category, "Tracing (in-house)");
  }],
  ["pprof.explain_overhead", { profile: "profiles_culprits/cpu_shop.pb.gz", category: "Logging (zap)" }, (o) => {
    assert.equal(o.result.in_your_profile.inclusive_pct, 13.32);
  }],
  ["pprof.detect_repo", { profile: "profiles_culprits/cpu_shop.pb.gz", search_roots: ["gen/cmd/shopd"] }, (o) => {
    assert.equal(o.result.detected_root, `${base}/gen/cmd/shopd`);
  }],
  ["pprof.trace_source", {
    profile: "profiles_culprits/cpu_shop.pb.gz",
    function: "protojson\\.\\(\\*encoder\\)\\.marshalMessage",
    repo_root: "gen/cmd/shopd",
  }, (o) => {
    assert.ok(o.result.call_chain.some((f: Any) => f.vendor_package === "google.golang.org/protobuf"));
  }],
  ["pprof.vendor_analyze", { profile: "profiles_culprits/cpu_shop.pb.gz", repo_root: "gen/cmd/shopd" }, (o) => {
    assert.match(o.findings[0].title, /^google\.golang\.org\/protobuf v1\.34\.2/);
  }],
  ["pprof.suggest_fix", {
    profile: "profiles_culprits/cpu_shop.pb.gz",
    issue: "protojson_overhead",
    repo_root: "gen/cmd/shopd",
  }, (o) => {
    assert.equal(o.result.applicable_fixes[0].fix_id, "protojson_to_binary");
  }],
  ["repo.services.discover", { repo_root: "gen" }, (o) => {
    assert.equal(o.services.length, genCommands().length);
  }],
];

for (const mode of ["default", "codex"] as const) {
  Deno.test(`mcp ${mode}: the analysis tools answer with valid results and next steps the client can call`, async () => {
    const c = await startServer({
      env: { PPROF_MCP_BASEDIR: base },
      args: mode === "codex" ? ["--tool-name-mode=codex"] : [],
    });
    try {
      const tools = (await c.listTools()).tools as Any[];
      const exposed = new Set(tools.map((t) => t.name));
      const ajv = new Ajv({ strict: false });
      for (const [tool, args, check] of CALLS) {
        const name = mode === "codex" ? tool.replaceAll(".", "_") : tool;
        assert.ok(exposed.has(name), name);
        const r = await c.callTool({ name, arguments: args }) as Any;
        assert.equal(r.isError, false, `${name}: ${r.content[0]?.text}`);
        const validate = ajv.compile(tools.find((t) => t.name === name).outputSchema);
        assert.ok(validate(r.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`);
        check(r.structuredContent);
        for (const f of r.structuredContent.findings ?? []) {
          if (f.next_step) assert.ok(exposed.has(f.next_step.tool), `${name}: next step ${f.next_step.tool}`);
        }
        if (mode === "codex") assert.doesNotMatch(r.content[0].text, /next: pprof\./, name);
      }
      // Outside the base dir: refused.
      const outside = await c.callTool({
        name: mode === "codex" ? "pprof_trace_source" : "pprof.trace_source",
        arguments: { profile: "profiles/cpu.pb.gz", function: "main", repo_root: "/" },
      }) as Any;
      assert.equal(outside.isError, true);
      assert.match(outside.content[0].text, /outside base dir/);
    } finally {
      await c.close();
    }
  });
}
