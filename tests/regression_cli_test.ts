/**
 * The CI-facing commands: regression-check (exit codes, table, JUnit XML,
 * checks file), tools and call.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { EXIT, memoryIO } from "../lib/cli/io.ts";
import { parseCheck } from "../lib/cli/commands/regression_check.ts";
import { FIXTURES } from "./golden.ts";

const cpu = FIXTURES + "profiles/cpu.pb.gz";

async function run(...args: string[]) {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

Deno.test("regression-check: --check syntax, regexps with colons", () => {
  assert.deepEqual(parseCheck("json\\.Marshal:cum_pct<=10"), {
    function: "json\\.Marshal",
    metric: "cum_pct",
    max: 10,
  });
  assert.deepEqual(parseCheck("a:b:flat_pct <= 2.5%"), { function: "a:b", metric: "flat_pct", max: 2.5 });
  assert.throws(() => parseCheck("mallocgc<=5"), /REGEX:flat_pct<=MAX/);
  assert.throws(() => parseCheck(":flat_pct<=5"), /REGEX:flat_pct<=MAX/);
});

Deno.test("regression-check: exit 0 when all pass, 1 when one fails, 2 on bad input", async () => {
  const pass = await run("regression-check", cpu, "--check", "runtime\\.mallocgc$:flat_pct<=6");
  assert.equal(pass.code, EXIT.OK);
  assert.match(pass.out, /PASS {2}flat_pct {2}5\.92%/);
  assert.match(pass.out, /all 1 checks passed/);
  const fail = await run(
    "regression-check",
    cpu,
    "--check",
    "runtime\\.mallocgc$:flat_pct<=6",
    "--check",
    "normalizeValue:cum_pct<=10",
  );
  assert.equal(fail.code, EXIT.CHECK_FAILED);
  assert.match(fail.out, /FAIL {2}cum_pct {3}13\.39%/);
  assert.match(fail.out, /1 of 2 checks failed/);
  assert.equal((await run("regression-check", "/no/such.pb.gz", "--check", "x:flat_pct<=1")).code, EXIT.ERROR);
  assert.equal((await run("regression-check", cpu)).code, EXIT.ERROR);
  assert.equal((await run("regression-check", cpu, "--check", "(:flat_pct<=1")).code, EXIT.ERROR);
});

Deno.test("regression-check: checks file, JSON output and JUnit XML", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/checks.json`,
      JSON.stringify({
        checks: [
          { function: "crypto/sha256", metric: "flat_pct", max: 5 },
          { function: "compress/flate", max: 1 },
        ],
      }),
    );
    const r = await run(
      "regression-check",
      cpu,
      "--checks",
      `${dir}/checks.json`,
      "--junit",
      `${dir}/out.xml`,
      "--json",
    );
    assert.equal(r.code, EXIT.CHECK_FAILED);
    const data = JSON.parse(r.out);
    assert.deepEqual(data.result.checks.map((c: { actual: number; passed: boolean }) => [c.actual, c.passed]), [
      [3.6, true],
      [3.08, false],
    ]);
    const xml = await Deno.readTextFile(`${dir}/out.xml`);
    assert.match(xml, /<testsuite name="pprof-mcp regression-check" tests="2" failures="1">/);
    assert.match(
      xml,
      /<testcase classname="[^"]*cpu\.pb\.gz" name="compress\/flate flat_pct &lt;= 1%">\s*<failure message="compress\/flate flat_pct \(3\.08%\) exceeds threshold \(1\.00%\)">/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["checks.json", "out.xml"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tools and call: the registry from the command line", async () => {
  const tools = await run("tools");
  assert.match(tools.out, /^pprof\.diff_top\s+Compare two profiles$/m);
  const codex = JSON.parse((await run("tools", "--json", "--tool-name-mode=codex")).out);
  assert.ok(codex.tools.every((t: { name: string }) => /^[a-zA-Z0-9_-]+$/.test(t.name)));
  Deno.env.set("PPROF_MCP_TOOL_NAME_MODE", "codex");
  try {
    assert.match((await run("tools")).out, /^pprof_diff_top\s/m);
    assert.match((await run("tools", "--tool-name-mode=default")).out, /^pprof\.diff_top\s/m);
  } finally {
    Deno.env.delete("PPROF_MCP_TOOL_NAME_MODE");
  }
  const meta = await run("call", "pprof.meta", "--args", JSON.stringify({ profile: cpu }));
  assert.equal(meta.code, EXIT.OK);
  assert.equal(JSON.parse(meta.out).result.detected_profile_kind, "cpu");
  const bad = await run("call", "pprof.top", "--args", "{}");
  assert.equal(bad.code, EXIT.ERROR);
  assert.equal(JSON.parse(bad.out).error.details.field, "profile");
  const noMatch = await run("call", "pprof.peek", "--args", JSON.stringify({ profile: cpu, regex: "Nope" }));
  assert.equal(noMatch.code, EXIT.OK);
  assert.equal(JSON.parse(noMatch.out).reason, "no_matches");
  assert.equal((await run("call", "pprof.top", "--args", "{oops")).code, EXIT.ERROR);
});
