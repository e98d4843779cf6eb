/**
 * pprof.detect_repo: module paths keep their package segment, a checkout counts only when its go.mod declares
 * the module (a folder with cmd/ or main.go is not enough), and absolute source file names lead to their project.
 */
import assert from "node:assert/strict";
import { FIXTURES, P, result } from "./analysis_refs.ts";
import { writeProfile } from "./write_profile.ts";

Deno.test("detect_repo cpu_shop: the program's module and its checkout by go.mod", async () => {
  const out = await result("pprof.detect_repo", { profile: P.shop, search_roots: [P.shopRepo] });
  const r = out.result;
  assert.equal(r.main_module, "example.com/shop");
  for (const m of ["go.opentelemetry.io/otel", "google.golang.org/protobuf", "go.uber.org/zap"]) {
    assert.ok(r.module_paths.includes(m), `${m} in ${r.module_paths}`);
  }
  assert.equal(r.detected_root, P.shopRepo);
  assert.equal(r.detected_by, "go.mod");
  assert.equal(r.confidence, "high");
  assert.deepEqual(out.findings[0].next_step, {
    tool: "pprof.storylines",
    arguments: { profile: P.shop, repo_root: P.shopRepo },
    why: "hot paths with source listings of your code",
  });
});

Deno.test("detect_repo cpu: module gen is fixtures/gen; a folder with cmd/ but another module is not", async () => {
  const out = await result("pprof.detect_repo", {
    profile: P.cpu,
    search_roots: [`${FIXTURES}gen/cmd/shopd`, FIXTURES],
  });
  assert.equal(out.result.main_module, "gen");
  // fixtures/gen/cmd/shopd has cmd/ and a go.mod of another module; the original accepted any folder with cmd/.
  assert.equal(out.result.detected_root, `${FIXTURES}gen`);
  const none = await result("pprof.detect_repo", { profile: P.cpu, search_roots: [`${FIXTURES}gen/cmd/shopd`] });
  assert.equal(none.result.detected_root, "");
  assert.equal(none.result.confidence, "low");
});

Deno.test("detect_repo bigcpu: module paths keep the package segment (github.com/acme/platform)", async () => {
  const out = await result("pprof.detect_repo", { profile: P.bigcpu, search_roots: [] });
  assert.equal(out.result.module_paths[0], "github.com/acme/platform");
  assert.equal(out.result.main_module, "github.com/acme/platform");
  assert.equal(out.result.confidence, "low");
});

Deno.test("detect_repo: an absolute source file name leads to its module's go.mod", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/svc/cmd/api`, { recursive: true });
    await Deno.writeTextFile(`${dir}/svc/go.mod`, "module example.org/svc\n\ngo 1.21\n");
    await writeProfile(`${dir}/cpu.pb.gz`, [
      {
        stack: [["example.org/svc/internal/db.Query", `${dir}/svc/internal/db/db.go`], [
          "main.main",
          `${dir}/svc/cmd/api/main.go`,
        ]],
        value: 10,
      },
    ]);
    const out = await result("pprof.detect_repo", { profile: `${dir}/cpu.pb.gz`, search_roots: [] }, dir);
    assert.equal(out.result.main_module, "example.org/svc");
    assert.equal(out.result.detected_root, `${dir}/svc`);
    assert.equal(out.result.confidence, "high");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
