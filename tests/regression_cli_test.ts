/**
 * The CI-facing commands: regression-check (exit codes, table, JUnit XML,
 * checks file), tools and call.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { EXIT, memoryIO } from "../lib/cli/io.ts";
import { parseCheck } from "../lib/cli/commands/regression_check.ts";
import { UserError } from "../lib/errors.ts";
import { createRegistry } from "../lib/tools/index.ts";
import { FIXTURES, refText, topRows } from "./golden.ts";

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
  for (const bad of ["mallocgc<=5", ":flat_pct<=5", "x:flat_pct<5", "x:wall_pct<=5"]) {
    assert.throws(() => parseCheck(bad), (e: Error) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.match(
        e.message,
        new RegExp(`^regression-check: bad --check "${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`),
      );
      assert.match(
        e.message,
        /; write REGEX:METRIC<=MAX \(METRIC flat_pct, cum_pct, .*e\.g\. 'json\\\.Marshal:cum_pct<=10'$/,
      );
      return true;
    });
  }
});

/** The largest printed percentage of the functions matching `re` in a pprof -top reference. */
function refPct(path: string, re: RegExp, column: "flatPct" | "cumPct"): number {
  const rows = topRows(refText(path)).filter((r) => re.test(r.name.replace(/ \((partial-)?inline\)$/, "")));
  assert.ok(rows.length > 0, `${re} in ${path}`);
  return Math.max(...rows.map((r) => Number(r[column].replace("%", ""))));
}

Deno.test("regression-check: exit 0 when all pass, 1 when one fails, 2 on bad input", async () => {
  // go tool pprof -top: runtime.mallocgc 5.92% flat; -top -cum: normalizeValue 13.39% cum.
  assert.equal(refPct("ref/cpu/top/stdout.txt", /runtime\.mallocgc$/, "flatPct"), 5.92);
  assert.equal(refPct("ref/cpu/top_cum/stdout.txt", /normalizeValue/, "cumPct"), 13.39);
  const pass = await run("regression-check", cpu, "--check", "runtime\\.mallocgc$:flat_pct<=6");
  assert.equal(pass.code, EXIT.OK);
  assert.match(pass.out, /PASS {2}flat_pct {2}5\.92%/);
  assert.match(pass.out, /all 1 checks passed/);
  // The threshold is inclusive: exactly 5.92 passes.
  const edge = await run("regression-check", cpu, "--check", "runtime\\.mallocgc$:flat_pct<=5.92");
  assert.equal(edge.code, EXIT.OK, edge.out);
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
  for (
    const [args, err] of [
      [["/no/such.pb.gz", "--check", "x:flat_pct<=1"], "/no/such.pb.gz: no such file"],
      [[cpu], "regression-check: give at least one --check or a --checks file"],
      [[cpu, "--check", "(:flat_pct<=1"], "invalid regexp in function: missing closing ): `(`"],
    ] as [string[], string][]
  ) {
    const r = await run("regression-check", ...args);
    assert.equal(r.code, EXIT.ERROR, args.join(" "));
    assert.equal(r.err, `pprof-mcp: ${err}\n`);
    assert.equal(r.out, "");
  }
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
    // The largest flat% of the matching functions in go tool pprof -top -trim=false (every node): 3.60 and 3.08.
    const all = "ref_extra/cpu/top_trim_false/stdout.txt";
    const sha = refPct(all, /crypto\/sha256/, "flatPct"), flate = refPct(all, /compress\/flate/, "flatPct");
    assert.deepEqual([sha, flate], [3.6, 3.08]);
    assert.deepEqual(data.result.checks.map((c: { actual: number; passed: boolean }) => [c.actual, c.passed]), [
      [sha, true],
      [flate, false],
    ]);
    const xml = await Deno.readTextFile(`${dir}/out.xml`);
    assert.match(xml, /<testsuite name="pprof-mcp regression-check" tests="2" failures="1" errors="0" skipped="0" /);
    assert.match(
      xml,
      /<testcase classname="[^"]*cpu\.pb\.gz" name="compress\/flate flat_pct &lt;= 1%" time="0\.000">\s*<failure message="compress\/flate flat_pct \(3\.08%\) exceeds threshold \(1\.00%\)" type="regression">actual 3\.08%</,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["checks.json", "out.xml"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tools and call: the registry from the command line", async () => {
  const tools = await run("tools");
  assert.equal(tools.code, EXIT.OK);
  assert.match(tools.out, /^pprof\.diff_top\s+Compare two profiles$/m);
  // One line per tool of the registry, by name.
  const names = createRegistry().tools.map((t) => t.name).sort();
  assert.ok(names.length > 0);
  assert.deepEqual(tools.out.trimEnd().split("\n").map((l) => l.split(/\s+/)[0]).sort(), names);
  const codex = JSON.parse((await run("tools", "--json", "--tool-name-mode=codex")).out);
  assert.deepEqual(
    codex.tools.map((t: { name: string }) => t.name).sort(),
    names.map((n) => n.replaceAll(".", "_")).sort(),
  );
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
  const badErr = JSON.parse(bad.out).error;
  assert.equal(badErr.code, "INVALID_ARGUMENT");
  assert.equal(badErr.details.field, "profile");
  assert.equal(badErr.details.received, "<missing>");
  const noMatch = await run("call", "pprof.peek", "--args", JSON.stringify({ profile: cpu, regex: "Nope" }));
  assert.equal(noMatch.code, EXIT.OK);
  assert.equal(JSON.parse(noMatch.out).reason, "no_matches");
  const oops = await run("call", "pprof.top", "--args", "{oops");
  assert.equal(oops.code, EXIT.ERROR);
  assert.match(oops.err, /^pprof-mcp: call: --args is not valid JSON: [^\n]+\n$/);
});
