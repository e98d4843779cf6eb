/**
 * `pprof-mcp regression-check`: a CI gate. One form checks profiles (merged)
 * against absolute thresholds (`FILE… --check 'REGEX:flat_pct<=5'`); the
 * other compares head profiles with base profiles (`--base BASE… --head
 * HEAD… --check 'REGEX:cum_pct_delta<=2'`), with a noise band when each side
 * has several runs. Exits 0 when every check passes and 1 when one fails;
 * prints a table, and writes JUnit XML (--junit) and a Markdown summary
 * (--markdown).
 *
 * @module
 */
import { gateJunit, gateMarkdown, type GateReport, gateText } from "../../analysis/gate_output.ts";
import { GATE_METRICS, type GateMetric, isRelative, metricInfo, validateCheck } from "../../analysis/regression.ts";
import { UserError } from "../../errors.ts";
import { unitKind } from "../../format/units.ts";
import { mergeFiles } from "../../profile/sources.ts";
import {
  type Check,
  gateFiles,
  regressionChecks,
  type RegressionResult,
  relativeWithoutBase,
} from "../../tools/pprof/regression_check.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { type CliCommand, jsonText } from "../command.ts";
import { EXIT } from "../io.ts";
import { optionFlags } from "../report_flags.ts";

const METRICS = [...GATE_METRICS].sort((a, b) => b.length - a.length).join("|");
const CHECK = new RegExp(`^(?:(.*):)?(${METRICS})\\s*<=\\s*([^:]*?)\\s*((?::\\s*[a-z_]+(?:=[a-z]+)?\\s*)*)$`);
const NUMBER = "([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)";

const CHECK_SYNTAX = "write REGEX:METRIC<=MAX (METRIC flat_pct, cum_pct, flat_pct_delta, cum_pct_delta, flat_ratio, " +
  "cum_ratio, flat_delta, cum_delta), or total_ratio<=MAX, total_delta<=MAX, optionally followed by " +
  ":norm=total|duration|none and :allow_missing, e.g. 'json\\.Marshal:cum_pct<=10'";

/**
 * Parses a check: `REGEX:flat_pct<=5`, `REGEX:cum_pct_delta<=2`,
 * `REGEX:flat_ratio<=1.10:norm=duration`, `REGEX:cum_delta<=50ms`,
 * `total_ratio<=1.05`; `:allow_missing` lets it pass when REGEX matches no
 * function (the regexp may itself contain colons).
 */
export function parseCheck(spec: string): Check {
  const bad = (why = "") => new UserError(`regression-check: bad --check "${spec}"${why}; ${CHECK_SYNTAX}`);
  const m = CHECK.exec(spec.trim());
  if (!m) throw bad();
  const [, fn, metricText, valueText, optText] = m;
  const metric = metricText as GateMetric;
  const { kind, part } = metricInfo(metric);
  if (part === "total" ? fn !== undefined : fn === undefined || fn === "") {
    throw bad(part === "total" ? ` (${metric} takes no REGEX)` : " (REGEX is missing)");
  }
  const suffix = kind === "absolute" ? "%?" : kind === "pct_delta" ? "(?:pp|%)?" : kind === "ratio" ? "x?" : "";
  const v = new RegExp(`^${NUMBER}${kind === "delta" ? "\\s*([A-Za-z]+)?" : suffix}$`).exec(valueText);
  if (!v) throw bad(` (MAX "${valueText}" is not a number${kind === "delta" ? " with an optional unit" : ""})`);
  const check: Check = fn !== undefined ? { function: fn, metric, max: Number(v[1]) } : { metric, max: Number(v[1]) };
  if (v[2]) {
    if (unitKind(v[2]) === undefined) {
      throw bad(` (unknown unit "${v[2]}": use a time or memory unit such as ms, s, MB)`);
    }
    check.unit = v[2];
  }
  for (const opt of optText.split(":").map((o) => o.trim()).filter((o) => o !== "")) {
    if (opt === "allow_missing") check.allow_missing = true;
    else if (/^norm=(total|duration|none)$/.test(opt)) check.norm = opt.slice(5) as Check["norm"];
    else throw bad(` (unknown option "${opt}")`);
  }
  validateCheck(check, "regression-check: --check");
  return check;
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
  const keys = new Set(["function", "metric", "max", "unit", "norm", "allow_missing"]);
  return list.map((c, i) => {
    const { function: fn, metric = "flat_pct", max, unit, norm, allow_missing } = c as Partial<Check>;
    const extra = c !== null && typeof c === "object" ? Object.keys(c).filter((k) => !keys.has(k)) : [];
    if (
      c === null || typeof c !== "object" || extra.length > 0 ||
      (fn !== undefined && typeof fn !== "string") || !(GATE_METRICS as readonly string[]).includes(metric) ||
      typeof max !== "number" || (unit !== undefined && typeof unit !== "string") ||
      (norm !== undefined && !["total", "duration", "none"].includes(norm)) ||
      (allow_missing !== undefined && typeof allow_missing !== "boolean")
    ) {
      throw new UserError(
        `regression-check: ${path}: check ${i} needs function (string, a Go regexp; none for total_*), metric ` +
          `(${GATE_METRICS.join("|")}), max (number), and optionally unit, norm (total|duration|none) and ` +
          `allow_missing (boolean)${extra.length ? `; unknown key ${extra[0]}` : ""}`,
      );
    }
    const check: Check = { ...(fn !== undefined ? { function: fn } : {}), metric, max };
    if (unit !== undefined) check.unit = unit;
    if (norm !== undefined) check.norm = norm;
    if (allow_missing) check.allow_missing = true;
    validateCheck(check, `regression-check: ${path}: check ${i}`);
    return check;
  });
}

/** Flags after which every following argument is one more value, so that `--base run*.pb.gz` takes each run. */
const LIST_FLAGS = new Set(["base", "head"]);

/**
 * Rewrites `--base a b --head c d` into `--base=a --base=b --head=c --head=d`:
 * the arguments after --base or --head up to the next flag are its values.
 */
export function spreadPathLists(args: string[]): string[] {
  const out: string[] = [];
  let current: string | undefined;
  let pending = false;
  for (const [i, a] of args.entries()) {
    if (a === "--") {
      if (pending) out.push(`--${current}`);
      out.push(...args.slice(i));
      return out;
    }
    const m = /^--?([a-z_-]+)(?:=(.*))?$/s.exec(a);
    if (m && !/^-\d/.test(a)) {
      if (pending) out.push(`--${current}`);
      current = LIST_FLAGS.has(m[1]) ? m[1] : undefined;
      pending = current !== undefined && m[2] === undefined;
      if (current === undefined || m[2] !== undefined) out.push(a);
      continue;
    }
    if (current !== undefined) {
      out.push(`--${current}=${a}`);
      pending = false;
    } else out.push(a);
  }
  if (pending) out.push(`--${current}`);
  return out;
}

/** The regression-check command. */
export const regressionCheckCommand: CliCommand = {
  name: "regression-check",
  summary: "CI gate: fail (exit 1) when a function's flat% or cum%, or its change from a base, exceeds a threshold.",
  usage: "regression-check FILE... --check 'REGEX:flat_pct<=5' [--check …] [--checks checks.json] [--junit OUT.xml]\n" +
    "       pprof-mcp regression-check --base BASE... --head HEAD... --check 'REGEX:cum_pct_delta<=2' [--check …]\n" +
    "         [--junit OUT.xml] [--markdown OUT.md] [--json]",
  description: "Absolute checks test the FILEs (merged), or in a comparison the head (merged):\n" +
    "  REGEX:flat_pct<=MAX, REGEX:cum_pct<=MAX   the largest flat% or cum% of a function matching REGEX (Go RE2)\n" +
    "Relative checks compare --head with --base (each one profile, or several runs of the same benchmark):\n" +
    "  REGEX:flat_pct_delta<=P, REGEX:cum_pct_delta<=P   head% - base%, in percentage points\n" +
    "  REGEX:flat_ratio<=R, REGEX:cum_ratio<=R           head / base, normalised by the total (default)\n" +
    "  REGEX:flat_delta<=V, REGEX:cum_delta<=V           head - base in the profiles' unit (50ms, 10MB, 1000)\n" +
    "  total_ratio<=R, total_delta<=V                    the whole profile\n" +
    "  Relative checks take the matching functions together (flat: samples whose leaf matches; cum: samples\n" +
    "  with a match on the stack). Add :norm=total (share of the total), :norm=duration (per second of the\n" +
    "  profiles' duration) or :norm=none (mean per profile; the default for *_delta and total_ratio).\n" +
    "With two or more profiles a side, each change gets a noise band (a 95% Welch t interval of the per-profile\n" +
    "values; --confidence), and a check fails only when its change exceeds both the threshold and the band.\n" +
    'A check whose REGEX matches no function fails ("REGEX matched no function"), so that a typo cannot pass\n' +
    "the gate; end the check with :allow_missing (REGEX:flat_pct<=5:allow_missing), or pass --allow-missing\n" +
    "for every check, when the function may be absent.\n" +
    'A checks file holds [{"function": "REGEX", "metric": "cum_ratio", "max": 1.1, "norm": "total",\n' +
    '"unit": "ms", "allow_missing": false}, …].\n' +
    "Several FILEs are merged into one profile first (as pprof does), and the result names them.\n" +
    "Exit codes: 0 all checks passed, 1 a check failed, 2 bad usage or input.",
  flags: {
    check: {
      type: "string",
      multiple: true,
      arg: "REGEX:METRIC<=MAX[:norm=…][:allow_missing]",
      help: "A check (repeatable)",
    },
    checks: { type: "string", arg: "FILE", help: "JSON file of checks" },
    base: { type: "string", multiple: true, arg: "FILE...", help: "Base profiles (one, or several runs)" },
    head: { type: "string", multiple: true, arg: "FILE...", help: "Head profiles, compared with --base" },
    "allow-missing": { type: "boolean", help: "A check whose REGEX matches no function passes instead of failing" },
    ...optionFlags(["sample_index"]),
    confidence: { type: "number", arg: "C", help: "Confidence of the noise band (default 0.95)" },
    movers: { type: "integer", arg: "N", help: "List the N functions whose share moved most (default 10)" },
    cum: { type: "boolean", help: "Rank the movers by cum instead of flat" },
    junit: { type: "string", arg: "OUT.xml", help: "Also write the results as JUnit XML" },
    markdown: {
      type: "string",
      arg: "OUT.md",
      help: "Also write a Markdown summary (for a PR comment or job summary)",
    },
    json: { type: "boolean", help: "Print the result as JSON" },
  },
  args: spreadPathLists,
  async run(v, positionals, io) {
    const started = performance.now();
    const checks = [
      ...((v.check as string[] | undefined) ?? []).map(parseCheck),
      ...(v.checks ? await checksFile(v.checks as string) : []),
    ];
    const base = v.base as string[] | undefined, head = v.head as string[] | undefined;
    const compare = base !== undefined || head !== undefined;
    if (compare) {
      if (!base || !head) throw new UserError(`regression-check: ${base ? "--head" : "--base"} is missing: give both`);
      if (positionals.length > 0) {
        throw new UserError(
          `regression-check: ${positionals[0]}: with --base and --head every profile goes after one of them ` +
            "(--base a.pb.gz b.pb.gz --head c.pb.gz d.pb.gz)",
        );
      }
    } else if (positionals.length === 0) {
      throw new UserError(
        `regression-check: missing profile FILE, or --base and --head (usage: pprof-mcp ${this.usage})`,
      );
    }
    if (checks.length === 0) throw new UserError("regression-check: give at least one --check or a --checks file");
    if (v["allow-missing"]) { for (const c of checks) c.allow_missing = true; }
    const movers = v.movers as number | undefined;
    if (movers !== undefined && (movers < 0 || movers > 200)) {
      throw new UserError(`regression-check: --movers must be between 0 and 200, not ${movers}`);
    }
    const sampleIndex = v.sample_index as string | undefined;
    let r: RegressionResult;
    if (compare) {
      const result = await gateFiles(base!, head!, checks, sampleIndex, {
        confidence: v.confidence as number | undefined,
        movers,
        cum: v.cum as boolean | undefined,
      });
      r = { command: "pprof regression_check", result };
    } else {
      const relative = checks.find((c) => isRelative(c.metric));
      if (relative) throw relativeWithoutBase(relative.metric);
      const name = positionals.join(", ");
      const merged = await mergeFiles(positionals, { progress: (m) => void io.err(m + "\n") });
      const results = regressionChecks(merged, name, checks, sampleIndex);
      r = {
        command: "pprof regression_check",
        result: {
          passed: results.every((c) => c.passed),
          checks: results,
          ...(positionals.length > 1 ? { profiles: positionals } : {}),
        },
      };
    }
    const report: GateReport = compare ? r.result as GateReport : { ...r.result, profiles: positionals };
    if (v.junit) {
      const seconds = (performance.now() - started) / 1000;
      await writeFileAtomic(v.junit as string, gateJunit(report, { seconds }));
    }
    if (v.markdown) await writeFileAtomic(v.markdown as string, gateMarkdown(report));
    if (v.json) await io.out(jsonText(r));
    else await io.out(gateText(report));
    return r.result.passed ? EXIT.OK : EXIT.CHECK_FAILED;
  },
};
