/**
 * pprof.vendor_analyze groups hot code by module with go.mod's versions and known issues: the shopd stand-ins
 * with pprof's -focus shares, bigcpu's gRPC and net/http entry points (fixtures/README's plan), pino in the
 * Node.js profile, and check_updates without the go command.
 */
import assert from "node:assert/strict";
import { pprofVendorAnalyze } from "../lib/tools/analysis/vendor_analyze.ts";
import { FIXTURES, P, ref, result, row, showing } from "./analysis_refs.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const hotspot = (r: Any, pkg: string) => {
  const h = [...r.vendor_hotspots, ...r.stdlib_hotspots].find((x: Any) => x.package === pkg);
  assert.ok(h, `hotspot ${pkg}`);
  return h;
};

Deno.test("vendor_analyze cpu_shop: modules with go.mod versions, each sample once, known issues", async () => {
  const out = await result("pprof.vendor_analyze", { profile: P.shop, repo_root: P.shopRepo });
  const r = out.result;
  assert.equal(r.app_code.source, "go.mod");
  const proto = hotspot(r, "google.golang.org/protobuf");
  assert.equal(proto.kind, "vendor");
  assert.equal(proto.version, "v1.34.2");
  // The module's cum is pprof's -focus share of its frames.
  assert.equal(
    `${proto.total_cum_pct.toFixed(2)}%`,
    showing(ref("ref_culprits", "cpu_shop", "focus_protobuf_serialization")).pct,
  );
  assert.equal(proto.known_issues[0].severity, "high");
  assert.match(proto.known_issues[0].functions[0], /protojson/);
  const zap = hotspot(r, "go.uber.org/zap");
  assert.equal(zap.version, "v1.27.0");
  assert.equal(`${zap.total_cum_pct.toFixed(2)}%`, showing(ref("ref_culprits", "cpu_shop", "focus_logging_zap")).pct);
  const otel = hotspot(r, "go.opentelemetry.io/otel/sdk");
  assert.equal(otel.version, "v1.28.0");
  assert.equal(otel.total_cum_pct.toFixed(2), "37.18");
  assert.equal(
    hotspot(r, "github.com/prometheus/client_golang").repo_url,
    "https://github.com/prometheus/client_golang",
  );
  // Your code and the standard library are not dependencies.
  assert.ok(!r.vendor_hotspots.some((h: Any) => h.package.startsWith("example.com/") || h.package === "runtime"));
  assert.equal(hotspot(r, "runtime").kind, "stdlib");
  const f = out.findings[0];
  assert.equal(f.severity, "high");
  assert.match(f.title, /^google\.golang\.org\/protobuf v1\.34\.2: 44\.5% of cpu/);
  assert.equal(f.next_step.tool, "pprof.peek");
});

Deno.test("vendor_analyze bigcpu: gRPC's entry frames carry its stacks' weight; no go.mod is said", async () => {
  const out = await result("pprof.vendor_analyze", { profile: P.bigcpu, repo_root: `${FIXTURES}big` });
  const r = out.result;
  const top = ref("ref", "bigcpu", "top_cum");
  // fixtures/gen/cmd/bigprof: grpc and net/http frames are the three entry frames of their stacks.
  const grpc = hotspot(r, "google.golang.org/grpc");
  assert.equal(`${grpc.total_cum_pct.toFixed(2)}%`, row(top, "google.golang.org/grpc.(*Server).handleStream").cum_pct);
  assert.equal(grpc.total_flat_pct, 0);
  assert.equal(grpc.repo_url, undefined);
  assert.ok(
    grpc.known_issues.some((i: Any) => i.functions.includes("google.golang.org/grpc.(*Server).processUnaryRPC")),
  );
  assert.equal(`${hotspot(r, "net/http").total_cum_pct.toFixed(2)}%`, row(top, "net/http.(*conn).serve").cum_pct);
  assert.equal(r.app_code.prefixes.at(-1), "github.com/acme/platform");
  assert.ok(r.total_app_pct > 0);
  assert.match(r.warnings.join("\n"), /no go\.mod or package\.json/);
});

Deno.test("vendor_analyze node_obs_cpu: npm packages with the versions installed or asked for", async () => {
  const out = await result("pprof.vendor_analyze", { profile: P.nodeObs, repo_root: `${FIXTURES}nodework_obs` });
  const r = out.result;
  const pino = hotspot(r, "pino");
  assert.equal(pino.kind, "vendor");
  assert.equal(pino.version, "9.9.5");
  // pino alone; the logging category (pprof -focus) adds its writers (sonic-boom), which pino calls.
  const category = parseFloat(showing(ref("ref_culprits", "node_obs_cpu", "focus_logging_pino")).pct);
  assert.ok(pino.total_cum_pct <= category && pino.total_cum_pct > category - 0.5, `${pino.total_cum_pct}`);
  assert.ok(pino.known_issues);
  assert.equal(hotspot(r, "safe-stable-stringify").version, "2.5.0");
  assert.equal(r.app_code.source, "repo_root");
});

Deno.test("vendor_analyze check_updates without the go command: says so and still answers", async () => {
  const out = await pprofVendorAnalyze(
    { profile: P.shop, repo_root: P.shopRepo, check_updates: true },
    undefined,
    `${FIXTURES}no-such-dir/go`,
  );
  assert.match(out.result.warnings!.join("\n"), /check_updates needs the go command on PATH/);
  assert.ok(out.result.vendor_hotspots.length >= 4);
});
