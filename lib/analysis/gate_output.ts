/**
 * What a regression gate's result looks like to CI: the table printed on
 * stdout, a Markdown summary for a pull-request comment or a job summary, and
 * JUnit XML. Both forms of the gate render here: one profile checked against
 * absolute thresholds, and a head compared with a base.
 *
 * @module
 */
import { padEnd } from "../format/gofmt.ts";
import {
  allowedNorms,
  type CheckStatus,
  GATE_METRICS,
  type GateMetric,
  type Mover,
  type NoiseInfo,
  type SideSummary,
} from "./regression.ts";

/** A check's result as the renderers need it (both gate forms give these fields). */
export interface CheckRow {
  function?: string;
  metric: string;
  threshold: number;
  threshold_text?: string;
  actual: number | null;
  actual_text?: string;
  passed: boolean;
  status?: CheckStatus;
  norm?: string;
  matched: number;
  base_text?: string;
  head_text?: string;
  noise_band_text?: string;
  message?: string;
}

/** A gate result of either form. */
export interface GateReport {
  passed: boolean;
  checks: CheckRow[];
  /** One-profile form: the profiles checked (merged). */
  profiles?: string[];
  /** Comparison form. */
  sample_type?: string;
  base?: SideSummary;
  head?: SideSummary;
  noise?: NoiseInfo;
  movers?: Mover[];
  movers_by?: "flat" | "cum";
}

const actualText = (c: CheckRow) => c.actual_text ?? `${(c.actual ?? 0).toFixed(2)}%`;
const thresholdOf = (c: CheckRow) => c.threshold_text ?? `${c.threshold}%`;
/** The metric, with the normalisation when the metric has a choice of them ("cum_ratio norm=total"). */
const metricLabel = (c: CheckRow) =>
  c.norm && (GATE_METRICS as readonly string[]).includes(c.metric) && allowedNorms(c.metric as GateMetric).length > 1
    ? `${c.metric} norm=${c.norm}`
    : c.metric;
const checkName = (c: CheckRow) => `${c.function ? c.function + " " : ""}${metricLabel(c)}`;

/** The status word of a check: PASS, FAIL, NOISE (over its threshold, within the noise), MISSING (allowed). */
export function statusWord(c: CheckRow): string {
  if (c.status === "within_noise") return "NOISE";
  if (c.status === "missing" && c.passed) return "MISSING";
  return c.passed ? "PASS" : "FAIL";
}

/** Columns padded to their widest cell (the last one is not padded). */
function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? padEnd(cell, widths[i]) : cell)).join("  ").trimEnd());
}

function sideLine(name: string, s: SideSummary, type: string): string {
  const runs = s.runs === 1 ? "1 profile" : `${s.runs} profiles`;
  const dur = s.duration_seconds !== undefined ? `, ${s.duration_seconds.toFixed(2)}s long` : "";
  return `${name}: ${runs}, ${type} total ${s.total_text}${s.runs > 1 ? " per profile" : ""}${dur}`;
}

/** The text the CLI prints: the checks, the largest movers, and the verdict. */
export function gateText(r: GateReport): string {
  const out: string[] = [];
  if (r.base && r.head) {
    out.push(sideLine("base", r.base, r.sample_type ?? ""), sideLine("head", r.head, r.sample_type ?? ""));
    if (r.noise) out.push(`noise: ${r.noise.note}`);
    out.push("");
    const rows = [["", "check", "base", "head", "change", "noise", "threshold"]];
    for (const c of r.checks) {
      const none = c.status === "missing";
      rows.push([
        statusWord(c),
        checkName(c),
        none ? "" : c.base_text ?? "",
        none ? "" : c.head_text ?? "",
        none ? "no match" : actualText(c),
        c.noise_band_text ?? "",
        `<= ${thresholdOf(c)}`,
      ]);
    }
    out.push(...columns(rows));
  } else {
    if (r.profiles && r.profiles.length > 1) out.push(`merged ${r.profiles.length} profiles: ${r.profiles.join(", ")}`);
    const rows = [["", "metric", "actual", "threshold", "function"]];
    for (const c of r.checks) {
      rows.push([statusWord(c), c.metric, actualText(c), `<= ${thresholdOf(c)}`, c.function ?? ""]);
    }
    out.push(...columns(rows));
  }
  for (const c of r.checks) {
    if (c.status === "missing" || c.matched === 0) out.push(`${c.passed ? "note" : "FAIL"}: ${c.message}`);
    else if (c.status === "within_noise") out.push(`note: ${c.message}`);
  }
  if (r.movers && r.movers.length > 0) {
    out.push("", `largest movers (${r.movers_by ?? "flat"}, by change of share of the total):`);
    const rows = [["delta", "before", "after", "noise", "function"]];
    for (const m of r.movers) {
      rows.push([
        m.delta_text,
        m.base_text,
        m.head_text,
        m.noise_band_pct !== undefined ? `±${m.noise_band_pct.toFixed(2)}pp` : "",
        m.function,
      ]);
    }
    out.push(...columns(rows).map((l) => "  " + l));
  }
  const failed = r.checks.filter((c) => !c.passed).length;
  out.push(failed === 0 ? `all ${r.checks.length} checks passed` : `${failed} of ${r.checks.length} checks failed`);
  return out.join("\n") + "\n";
}

/** Text for a Markdown table cell: pipes escaped, line breaks flattened. */
function cell(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Code in a table cell: backticks fenced with more backticks than the text holds. */
function code(s: string): string {
  if (s === "") return "";
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return fence + pad + s.replace(/\|/g, "\\|") + pad + fence;
}

/** File names for a summary line: all of them up to four, else the first two, a count and the last. */
function fileList(files: string[]): string {
  if (files.length <= 4) return files.map(code).join(", ");
  return `${code(files[0])}, ${code(files[1])}, … ${files.length - 3} more …, ${code(files[files.length - 1])}`;
}

function table(head: string[], align: string[], rows: string[][]): string[] {
  return [`| ${head.join(" | ")} |`, `| ${align.join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

/**
 * The Markdown summary: the verdict, what was compared, the failing checks
 * first, then the others, then the largest movers with before, after and
 * delta. Meant for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
 */
export function gateMarkdown(r: GateReport): string {
  const failed = r.checks.filter((c) => !c.passed);
  const out: string[] = [];
  out.push(
    failed.length === 0
      ? `### pprof regression check: passed (${r.checks.length} of ${r.checks.length} checks)`
      : `### pprof regression check: FAILED (${failed.length} of ${r.checks.length} checks)`,
    "",
  );
  const compare = r.base !== undefined && r.head !== undefined;
  if (r.base && r.head) {
    const side = (name: string, s: SideSummary) =>
      `- **${name}:** ${s.runs === 1 ? "1 profile" : `${s.runs} profiles`} (${fileList(s.profiles)}), ` +
      `${r.sample_type} total ${s.total_text}${s.runs > 1 ? " per profile" : ""}`;
    out.push(side("Base", r.base), side("Head", r.head));
    if (r.noise) out.push(`- **Noise:** ${cell(r.noise.note)}`);
    out.push("");
  } else if (r.profiles) {
    out.push(`- **Profiles:** ${r.profiles.map(code).join(", ")}${r.profiles.length > 1 ? " (merged)" : ""}`, "");
  }
  const row = (c: CheckRow, withStatus: boolean) => {
    const none = c.status === "missing";
    const cells = [c.function ? code(c.function) : "(total)", metricLabel(c)];
    if (compare) cells.push(none ? "" : c.base_text ?? "", none ? "" : c.head_text ?? "");
    cells.push(c.status === "missing" ? "no match" : actualText(c));
    if (compare) cells.push(c.noise_band_text ?? "");
    cells.push(`<= ${thresholdOf(c)}`);
    return withStatus ? [statusWord(c).toLowerCase().replace("noise", "within noise"), ...cells] : cells;
  };
  const head = (withStatus: boolean) => [
    ...(withStatus ? ["status"] : []),
    "function",
    "metric",
    ...(compare ? ["base", "head"] : []),
    compare ? "change" : "actual",
    ...(compare ? ["noise band"] : []),
    "threshold",
  ];
  const align = (withStatus: boolean) => head(withStatus).map((_, i) => (i < (withStatus ? 3 : 2) ? "---" : "---:"));
  if (failed.length > 0) {
    out.push("#### Failing checks", "", ...table(head(false), align(false), failed.map((c) => row(c, false))), "");
  }
  const others = r.checks.filter((c) => c.passed);
  if (others.length > 0) {
    out.push(
      failed.length > 0 ? "#### Other checks" : "#### Checks",
      "",
      ...table(head(true), align(true), others.map((c) => row(c, true))),
      "",
    );
    if (others.some((c) => c.status === "within_noise")) {
      out.push("_within noise_: over its threshold, but the change is inside the noise band, so the check passes.", "");
    }
    if (others.some((c) => c.status === "missing")) {
      out.push("_missing_: the regexp matched no function, which the check allows (allow_missing).", "");
    }
  }
  if (r.movers && r.movers.length > 0) {
    const banded = r.movers.some((m) => m.noise_band_pct !== undefined);
    out.push(
      `#### Largest movers (${r.movers_by ?? "flat"}, by change of share of the total)`,
      "",
      ...table(
        ["function", "before", "after", "delta", ...(banded ? ["noise band"] : [])],
        ["---", "---:", "---:", "---:", ...(banded ? ["---:"] : [])],
        r.movers.map((m) => [
          code(m.function),
          m.base_text,
          m.head_text,
          m.beyond_noise ? `**${m.delta_text}**` : m.delta_text,
          ...(banded ? [m.noise_band_pct !== undefined ? `±${m.noise_band_pct.toFixed(2)}pp` : ""] : []),
        ]),
      ),
      "",
    );
    if (banded) out.push("Deltas in bold are larger than their noise band.", "");
  }
  return out.join("\n").trimEnd() + "\n";
}

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    // Characters XML 1.0 cannot hold at all.
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "\ufffd");

/** JUnit XML options. */
export interface JunitOptions {
  /** The test cases' classname (default: the profiles, or the sample type when comparing). */
  classname?: string;
  /** Seconds the gate took. */
  seconds?: number;
}

/**
 * JUnit XML, one test case per check: `testsuites` > `testsuite` (with the
 * compared profiles as properties) > `testcase`, with a `failure` for a failed
 * check, `skipped` for an allowed missing function, and `system-out` for a
 * check that was over its threshold but within the noise.
 */
export function gateJunit(r: GateReport, o: JunitOptions = {}): string {
  const tests = r.checks.length;
  const failures = r.checks.filter((c) => !c.passed).length;
  const skipped = r.checks.filter((c) => c.passed && c.status === "missing").length;
  const time = (o.seconds ?? 0).toFixed(3);
  const classname = o.classname ??
    (r.base ? `pprof-mcp.regression-check.${r.sample_type}` : (r.profiles ?? []).join(", "));
  const counts = `tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}"`;
  const props: [string, string][] = [];
  if (r.base && r.head) {
    props.push(["base", r.base.profiles.join(", ")], ["head", r.head.profiles.join(", ")]);
    props.push(["sample_type", r.sample_type ?? ""]);
    if (r.noise) props.push(["noise", r.noise.note]);
  } else if (r.profiles) props.push(["profiles", r.profiles.join(", ")]);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="pprof-mcp regression-check" ${counts}>`,
    `  <testsuite name="pprof-mcp regression-check" ${counts}>`,
  ];
  if (props.length > 0) {
    lines.push("    <properties>");
    for (const [k, v] of props) lines.push(`      <property name="${xml(k)}" value="${xml(v)}"/>`);
    lines.push("    </properties>");
  }
  for (const c of r.checks) {
    const open = `    <testcase classname="${xml(classname)}" name="${xml(`${checkName(c)} <= ${thresholdOf(c)}`)}" ` +
      `time="0.000"`;
    const detail = c.base_text !== undefined
      ? `base ${c.base_text}, head ${c.head_text}, change ${actualText(c)}` +
        (c.noise_band_text ? `, noise band ${c.noise_band_text}` : "") + `, threshold ${thresholdOf(c)}`
      : `actual ${actualText(c)}`;
    if (!c.passed) {
      const type = c.status === "missing" ? "missing" : "regression";
      lines.push(
        `${open}>`,
        `      <failure message="${xml(c.message ?? "")}" type="${type}">${xml(detail)}</failure>`,
        "    </testcase>",
      );
    } else if (c.status === "missing") {
      lines.push(`${open}>`, `      <skipped message="${xml(c.message ?? "")}"/>`, "    </testcase>");
    } else if (c.status === "within_noise") {
      lines.push(`${open}>`, `      <system-out>${xml(`${c.message}; ${detail}`)}</system-out>`, "    </testcase>");
    } else lines.push(`${open}/>`);
  }
  lines.push("  </testsuite>", "</testsuites>", "");
  return lines.join("\n");
}
