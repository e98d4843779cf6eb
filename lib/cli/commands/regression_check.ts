/**
 * `pprof-mcp regression-check FILE --check 'REGEX:flat_pct<=5' …`: a CI gate.
 * Exits 0 when every check passes and 1 when one fails; prints a table, and
 * JUnit XML with --junit.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { mergeFiles } from "../../profile/sources.ts";
import { type Check, regressionChecks, type RegressionResult } from "../../tools/pprof/regression_check.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { type CliCommand, jsonText, requirePositionals } from "../command.ts";
import { EXIT } from "../io.ts";
import { optionFlags } from "../report_flags.ts";

/**
 * Parses `REGEX:flat_pct<=5`, or `REGEX:flat_pct<=5:allow_missing` for a check
 * that passes when REGEX matches no function (the regexp may itself contain
 * colons).
 */
export function parseCheck(spec: string): Check {
  const m = /^(.*):(flat_pct|cum_pct)\s*<=\s*([0-9]+(?:\.[0-9]+)?)%?(\s*:\s*allow_missing)?$/.exec(spec.trim());
  if (!m || m[1] === "") {
    throw new UserError(
      `regression-check: bad --check "${spec}"; write REGEX:flat_pct<=MAX or REGEX:cum_pct<=MAX ` +
        `(optionally followed by :allow_missing), e.g. 'json\\.Marshal:cum_pct<=10'`,
    );
  }
  const check: Check = { function: m[1], metric: m[2] as Check["metric"], max: Number(m[3]) };
  return m[4] ? { ...check, allow_missing: true } : check;
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
    const { function: fn, metric = "flat_pct", max, allow_missing } = c as Partial<Check>;
    if (
      typeof fn !== "string" || fn === "" || (metric !== "flat_pct" && metric !== "cum_pct") ||
      typeof max !== "number" || (allow_missing !== undefined && typeof allow_missing !== "boolean")
    ) {
      throw new UserError(
        `regression-check: ${path}: check ${i} needs function (string), metric (flat_pct|cum_pct), max (number), ` +
          "and optionally allow_missing (boolean)",
      );
    }
    return allow_missing ? { function: fn, metric, max, allow_missing } : { function: fn, metric, max };
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
  usage: "regression-check FILE... --check 'REGEX:flat_pct<=5' [--check …] [--checks checks.json] [--junit OUT.xml]",
  description: "Each check takes the largest flat% or cum% among the functions matching REGEX (Go RE2).\n" +
    'A check whose REGEX matches no function fails ("REGEX matched no function"), so that a typo cannot pass\n' +
    "the gate; end the check with :allow_missing (REGEX:flat_pct<=5:allow_missing), or pass --allow-missing\n" +
    "for every check, when the function may be absent.\n" +
    'A checks file holds [{"function": "REGEX", "metric": "flat_pct", "max": 5, "allow_missing": false}, …].\n' +
    "Several FILEs are merged into one profile first (as pprof does), and the result names them.\n" +
    "Exit codes: 0 all checks passed, 1 a check failed, 2 bad usage or input.",
  flags: {
    check: {
      type: "string",
      multiple: true,
      arg: "REGEX:METRIC<=MAX[:allow_missing]",
      help: "A check (repeatable)",
    },
    checks: { type: "string", arg: "FILE", help: "JSON file of checks" },
    "allow-missing": { type: "boolean", help: "A check whose REGEX matches no function passes instead of failing" },
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
    if (v["allow-missing"]) { for (const c of checks) c.allow_missing = true; }
    const name = positionals.join(", ");
    const merged = await mergeFiles(positionals, { progress: (m) => void io.err(m + "\n") });
    const results = regressionChecks(merged, name, checks, v.sample_index as string | undefined);
    const r: RegressionResult = {
      command: "pprof regression_check",
      result: {
        passed: results.every((c) => c.passed),
        checks: results,
        ...(positionals.length > 1 ? { profiles: positionals } : {}),
      },
    };
    if (v.junit) await writeFileAtomic(v.junit as string, junitXml(name, r));
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
      if (positionals.length > 1) await io.out(`merged ${positionals.length} profiles: ${name}\n`);
      await io.out([line(["", "metric", "actual", "threshold", "function"]), ...rows.map(line)].join("\n") + "\n");
      for (const c of r.result.checks) {
        if (c.matched === 0) await io.out(`${c.passed ? "note" : "FAIL"}: ${c.message}\n`);
      }
      const failed = rows.filter((row) => row[0] === "FAIL").length;
      await io.out(failed === 0 ? `all ${rows.length} checks passed\n` : `${failed} of ${rows.length} checks failed\n`);
    }
    return r.result.passed ? EXIT.OK : EXIT.CHECK_FAILED;
  },
};
