/**
 * pprof.trace_source follows the heaviest stack through a function to its source: shopd's -trimpath file names
 * resolve into the checkout and its vendor/ directory with go.mod's versions, the shares are pprof's, files
 * outside the base dir are not read, Node.js files recorded under another root are found by their tail.
 */
import assert from "node:assert/strict";
import { callTool, FIXTURES, P, ref, result, row } from "./analysis_refs.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const lineOf = (path: string, n: number) => Deno.readTextFileSync(path).split("\n")[n - 1];

Deno.test("trace_source cpu_shop: app and vendored zap frames with sources, versions and pprof's shares", async () => {
  const out = await result("pprof.trace_source", {
    profile: P.shop,
    function: "zapcore\\.\\(\\*JSONEncoder\\)\\.safeAddString",
    repo_root: P.shopRepo,
    context_lines: 2,
  });
  const r = out.result;
  assert.equal(r.matched_function, "go.uber.org/zap/zapcore.(*JSONEncoder).safeAddString");
  const top = ref("ref_culprits", "cpu_shop", "top_cum");
  const serve = r.call_chain.find((f: Any) => f.function === "example.com/shop/internal/checkout.(*Handler).Serve");
  assert.equal(serve.kind, "app");
  assert.equal(serve.is_vendor, false);
  assert.equal(`${serve.cum_pct}%`, row(top, serve.function).cum_pct);
  assert.equal(serve.source_path, `${P.shopRepo}/internal/checkout/handler.go`);
  assert.ok(serve.source_snippet.includes(`>>>${serve.line}: ${lineOf(serve.source_path, serve.line)}`));
  const info = r.call_chain.find((f: Any) => f.function === "go.uber.org/zap.(*Logger).Info");
  assert.equal(info.kind, "vendor");
  assert.equal(info.vendor_package, "go.uber.org/zap");
  assert.equal(info.vendor_version, "v1.27.0");
  assert.equal(info.file, "go.uber.org/zap@v1.27.0/logger.go");
  assert.equal(info.source_path, `${P.shopRepo}/vendor/go.uber.org/zap/logger.go`);
  assert.ok(info.source_snippet.includes(`>>>${info.line}: ${lineOf(info.source_path, info.line)}`));
  assert.equal(r.call_chain.at(-1).kind, "stdlib");
  assert.equal(r.app_functions + r.vendor_functions + r.stdlib_functions, r.total_functions_traced);
  assert.ok(r.call_chain.length <= 10);
  assert.ok(out.findings.some((f: Any) => f.next_step?.tool === "pprof.vendor_analyze"));
  const hidden = await result("pprof.trace_source", {
    profile: P.shop,
    function: "zapcore\\.\\(\\*JSONEncoder\\)\\.safeAddString",
    repo_root: P.shopRepo,
    show_vendor: false,
  });
  assert.ok(hidden.result.call_chain.every((f: Any) => f.kind !== "vendor"));
  assert.equal(hidden.result.vendor_functions, r.vendor_functions, "counted before hiding");
});

Deno.test("trace_source: derived source files outside the base dir are not read", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.copyFile(P.shop, `${dir}/cpu_shop.pb.gz`);
    // A checkout inside the base dir whose source folders are links to folders outside it.
    await Deno.copyFile(`${P.shopRepo}/go.mod`, `${dir}/go.mod`);
    for (const d of ["vendor", "internal", "cmd"]) await Deno.symlink(`${P.shopRepo}/${d}`, `${dir}/${d}`);
    const args = { profile: `${dir}/cpu_shop.pb.gz`, function: "safeAddString", repo_root: dir };
    const open = await result("pprof.trace_source", args);
    assert.ok(open.result.call_chain.some((f: Any) => f.source_path?.includes("/vendor/")), "control: readable");
    const confined = await result("pprof.trace_source", args, dir);
    for (const f of confined.result.call_chain) {
      assert.equal(f.source_path, undefined, f.function);
      assert.match(f.source_snippet, /^source not available/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trace_source: a regexp matching no frame is a no-match result", async () => {
  const r = await callTool("pprof.trace_source", { profile: P.shop, function: "NoSuchFunction" });
  assert.equal(r.isError, false);
  assert.deepEqual((r.structuredContent as Any).matched, false);
  assert.equal((r.structuredContent as Any).pattern, "NoSuchFunction");
});

Deno.test("trace_source node_obs_cpu: a file recorded under /app/nodework_obs is found in the checkout", async () => {
  // Confined to the fixtures, so that a copy of the program at /app/nodework_obs (where it ran) is not read.
  const out = await result("pprof.trace_source", {
    profile: P.nodeObs,
    function: "^redact$",
    repo_root: `${FIXTURES}nodework_obs`,
    context_lines: 1,
  }, FIXTURES);
  const redact = out.result.call_chain.find((f: Any) => f.function === "redact");
  assert.equal(redact.kind, "app");
  assert.equal(redact.source_path, `${FIXTURES}nodework_obs/workload.js`);
  assert.match(redact.source_snippet, />>>\d+: function redact\(s\) \{/);
});
