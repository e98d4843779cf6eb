/**
 * `pprof-mcp regression-check FILE --check 'REGEX:flat_pct<=5' …`: a CI gate.
 * Exits 0 when every check passes and 1 when one fails; prints a table, and
 * JUnit XML with --junit.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { type Check, pprofRegressionCheck, type RegressionResult } from "../../tools/pprof/regression_check.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { type CliCommand, jsonText, requirePositionals } from "../command.ts";
import { EXIT } from "../io.ts";
import { optionFlags } from "../report_flags.ts";

/** Parses `REGEX:flat_pct<=5` (the regexp may itself contain colons). */
export function parseCheck(spec: string): Check {
  const m = /^(.*):(flat_pct|cum_pct)\s*<=\s*([0-9]+(?:\.[0-9]+)?)%?$/.exec(spec.trim());
  if (!m || m[1] === "") {
    throw new UserError(
      `regression-check: bad --check "${spec}"; write REGEX:flat_pct<=MAX or REGEX:cum_pct<=MAX, e.g. 'json\\.Marshal:cum_pct<=10'`,
    );
  }
  return { function: m[1], metric: m[2] as Check["metric"], max: Number(m[3]) };
}

async function checksFile(path: string): Promise<Check[]> {
  let data: unknown;
  try {
    data = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new UserError(`regression-check: cannot read checks file ${path}: ${(e as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { checks?: unknown })?.checks;
  if (!Array.isArray(list)) {
    throw new UserError(`regression-check: ${path} must hold an array of checks or {"checks": [...]}`);
  }
  return list.map((c, i) => {
    const { function: fn, metric = "flat_pct", max } = c as Partial<Check>;
    if (
      typeof fn !== "string" || fn === "" || (metric !== "flat_pct" && metric !== "cum_pct") || typeof max !== "number"
    ) {
      throw new UserError(
        `regression-check: ${path}: check ${i} needs function (string), metric (flat_pct|cum_pct), max (number)`,
      );
    }
    return { function: fn, metric, max };
  });
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** JUnit XML of a regression check, one test case per check. */
export function junitXml(profile: string, r: RegressionResult): string {
  const failures = r.result.checks.filter((c) => !c.passed).length;
  const cases = r.result.checks.map((c) => {
    const name = xml(`${c.function} ${c.metric} <= ${c.threshold}%`);
    const body = c.passed
      ? ""
      : `\n      <failure message="${xml(c.message ?? "")}">actual ${c.actual}%</failure>\n    `;
    return `    <testcase classname="${xml(profile)}" name="${name}">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="${cases.length}" failures="${failures}">
  <testsuite name="pprof-mcp regression-check" tests="${cases.length}" failures="${failures}">
${cases.join("\n")}
  </testsuite>
</testsuites>
`;
}

/** The regression-check command. */
export const regressionCheckCommand: CliCommand = {
  name: "regression-check",
  summary: "CI gate: fail (exit 1) when a function's flat% or cum% exceeds its threshold.",
  usage: "regression-check FILE --check 'REGEX:flat_pct<=5' [--check …] [--checks checks.json] [--junit OUT.xml]",
  description: "Each check takes the largest flat% or cum% among the functions matching REGEX (Go RE2).\n" +
    'A checks file holds [{"function": "REGEX", "metric": "flat_pct", "max": 5}, …].\n' +
    "Exit codes: 0 all checks passed, 1 a check failed, 2 bad usage or input.",
  flags: {
    check: { type: "string", multiple: true, arg: "REGEX:METRIC<=MAX", help: "A check (repeatable)" },
    checks: { type: "string", arg: "FILE", help: "JSON file of checks" },
    ...optionFlags(["sample_index"]),
    junit: { type: "string", arg: "OUT.xml", help: "Also write the results as JUnit XML" },
    json: { type: "boolean", help: "Print the result as JSON" },
  },
  async run(v, positionals, io) {
    requirePositionals(this, positionals, 1, "profile FILE");
    const checks = [
      ...((v.check as string[] | undefined) ?? []).map(parseCheck),
      ...(v.checks ? await checksFile(v.checks as string) : []),
    ];
    if (checks.length === 0) throw new UserError("regression-check: give at least one --check or a --checks file");
    const profile = positionals[0];
    const r = await pprofRegressionCheck({ profile, sample_index: v.sample_index as string | undefined, checks });
    if (v.junit) await writeFileAtomic(v.junit as string, junitXml(profile, r));
    if (v.json) await io.out(jsonText(r));
    else {
      const rows = r.result.checks.map((c) => [
        c.passed ? "PASS" : "FAIL",
        c.metric,
        `${c.actual.toFixed(2)}%`,
        `<= ${c.threshold}%`,
        c.function,
      ]);
      const widths = [4, 8, 8, 10].map((w, i) => Math.max(w, ...rows.map((row) => row[i].length)));
      const line = (row: string[]) => row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell)).join("  ");
      await io.out([line(["", "metric", "actual", "threshold", "function"]), ...rows.map(line)].join("\n") + "\n");
      const failed = rows.filter((row) => row[0] === "FAIL").length;
      await io.out(failed === 0 ? `all ${rows.length} checks passed\n` : `${failed} of ${rows.length} checks failed\n`);
    }
    return r.result.passed ? EXIT.OK : EXIT.CHECK_FAILED;
  },
};
