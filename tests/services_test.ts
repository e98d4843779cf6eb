/**
 * repo.services.discover finds every Go main package under cmd/ (not only cmd/be-*) and every Node.js or Deno
 * project, through the tool and the original CLI form.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { callTool, FIXTURES, genCommands, result } from "./analysis_refs.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

Deno.test("services: fixtures/gen's commands, each a main package", async () => {
  const out = await result("repo.services.discover", { repo_root: `${FIXTURES}gen` });
  const want = genCommands();
  assert.ok(want.includes("bigprof") && want.includes("rulesvc") && !want.includes("shopd"), want.join(" "));
  assert.deepEqual(out.services.map((s: Any) => s.binary), want);
  assert.ok(out.services.every((s: Any) => s.kind === "go" && s.path === `cmd/${s.binary}`));
});

Deno.test("services: Go, Node.js and Deno services of a mixed repository; libraries and node_modules skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const write = async (path: string, text: string) => {
      await Deno.mkdir(`${dir}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
      await Deno.writeTextFile(`${dir}/${path}`, text);
    };
    await write("go.mod", "module example.com/mono\n");
    await write("cmd/api-gateway/main.go", "// Command api-gateway.\npackage main\n\nfunc main() {}\n");
    await write("cmd/be-billing/billing.go", "/* the billing worker */\npackage main\n");
    await write("cmd/shared/shared.go", "// Package shared is not a command.\npackage shared\n");
    await write("cmd/docs/README.md", "no Go here\n");
    await write("web/storefront/package.json", JSON.stringify({ name: "@acme/storefront", dependencies: {} }));
    await write("web/storefront/node_modules/left-pad/package.json", JSON.stringify({ name: "left-pad" }));
    await write("tools/edge/deno.json", JSON.stringify({ tasks: { start: "deno run main.ts" } }));
    const out = await result("repo.services.discover", { repo_root: dir });
    assert.deepEqual(out.services, [
      { binary: "api-gateway", service: "api_gateway", path: "cmd/api-gateway", kind: "go" },
      { binary: "be-billing", service: "be_billing", path: "cmd/be-billing", kind: "go" },
      { binary: "edge", service: "edge", path: "tools/edge", kind: "deno" },
      { binary: "@acme/storefront", service: "storefront", path: "web/storefront", kind: "node" },
    ]);
    // The original CLI form prints {command, services}.
    let stdout = "";
    const io = {
      out: (s: string) => Promise.resolve(void (stdout += s)),
      err: () => Promise.resolve(),
    };
    assert.equal(await runCli(["repo", "services", "discover", "--repo_root", dir], io as Any), 0);
    const printed = JSON.parse(stdout);
    assert.equal(printed.command, `profctl repo services discover --repo_root ${dir}`);
    assert.deepEqual(printed.services, out.services);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("services: a repo_root that is no directory is an error; one outside the base dir is refused", async () => {
  const missing = await callTool("repo.services.discover", { repo_root: `${FIXTURES}no-such-dir` });
  assert.equal(missing.isError, true);
  assert.match(missing.content[0].text, /is not a directory/);
  const outside = await callTool("repo.services.discover", { repo_root: "/" }, `${FIXTURES}gen`);
  assert.equal(outside.isError, true);
  assert.match(outside.content[0].text, /outside base dir/);
});
