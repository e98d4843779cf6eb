/**
 * `pprof.generate_report`'s Markdown: the structured results of the other tools (discover and the analyses) as a
 * report a person reads — the top culprits first, a line per finding with its evidence, tables of the hot
 * functions — and the same bytes for the same input (no clock, no map order, no handles).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../errors.ts";

/** One input: which tool's result, and the result (a tool's whole output or its `result`). */
export interface ReportInput {
  kind: string;
  data: Record<string, unknown>;
}

/** The Markdown and how many `##` sections it has. */
export interface MarkdownReport {
  markdown: string;
  sections: number;
}

const num = z.number();
const str = z.string();
const row = z.object({ flat: str, flat_pct: str, cum: str, cum_pct: str, name: str }).loose();
const finding = z.object({
  severity: str,
  title: str,
  profile: str.optional(),
  analysis: str.optional(),
  evidence: z.object({ function: str.optional(), share: num.optional(), value_text: str.optional() }).loose(),
  next_step: z.object({ tool: str }).loose().optional(),
}).loose();
type FindingIn = z.infer<typeof finding>;

const overhead = z.object({
  detections: z.array(z.object({ category: str, percentage: num, severity: str }).loose()).default([]),
  total_overhead_pct: num.optional(),
}).loose();

const allocPath = z.object({
  alloc_site: str,
  alloc_pct: num,
  alloc_bytes_str: str.optional(),
  alloc_bytes: z.union([str, num]).optional(),
  alloc_rate: str.optional(),
  retained_pct: num.optional(),
  first_app_frame: str.optional(),
  source_location: str.optional(),
}).loose();

const memory = z.object({
  summary: str.default(""),
  warnings: z.array(str).default([]),
  suspicions: z.array(z.object({ severity: str, description: str, evidence: str.optional() }).loose()).default([]),
  recommendations: z.array(str).default([]),
  findings: z.array(finding).default([]),
}).loose();

const goroutines = z.object({
  total_goroutines: num.default(0),
  by_state: z.record(str, num).default({}),
  top_wait_reasons: z.array(z.object({ reason: str, count: num, sample_stack: str.default("") }).loose()).default(
    [],
  ),
  potential_leaks: z.array(z.object({ stack_signature: str, count: num, severity: str }).loose()).default([]),
}).loose();

const contention = z.object({
  profile: str.optional(),
  total_delay: str,
  top_contentions: z.array(row).default([]),
}).loose();

const discover = z.object({
  service: str,
  env: str,
  timestamp: str.default(""),
  profiles: z.array(z.object({ type: str, bytes: num }).loose()).default([]),
  findings: z.array(finding).default([]),
  recommendations: z.array(z.object({ priority: str, area: str, suggestion: str })).default([]),
  cpu: z.object({ utilization_pct: num.default(0), top_functions: z.array(row).default([]), overhead }).loose()
    .optional(),
  heap: z.object({
    alloc_rate: str.optional(),
    top_paths: z.array(allocPath.extend({ alloc_bytes: str.optional() })).default([]),
    memory_sanity: memory.optional(),
  }).loose().optional(),
  mutex: contention.optional(),
  block: contention.optional(),
  goroutine: goroutines.optional(),
  warnings: z.array(str).default([]),
}).loose();

const top = z.object({ rows: z.array(row).default([]) }).loose();
const allocPaths = z.object({ paths: z.array(allocPath).default([]), findings: z.array(finding).default([]) }).loose();
const overheadReport = overhead.extend({ findings: z.array(finding).default([]) });
const goroutineAnalysis = goroutines.extend({ findings: z.array(finding).default([]) });

/** Escapes a table cell: pipes would end it, newlines would end the row. */
function cell(s: string | number | undefined): string {
  return String(s ?? "").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Free text (titles, suggestions, warnings) with the characters Markdown would read as markup escaped. */
function prose(s: string): string {
  return s.replace(/([\\`*<])/g, "\\$1");
}

/** A function name as code (names like `(*T).m` would otherwise turn into emphasis). */
function code(s: string | undefined): string {
  if (!s) return "";
  const ticks = s.includes("`") ? "``" : "`";
  return `${ticks}${s}${ticks}`;
}

const pct1 = (x: number | undefined) => (x === undefined ? "" : `${x.toFixed(1)}%`);

function table(header: string[], rows: (string | number | undefined)[][]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

const SEVERITY_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2, info: 3 };

/** Findings by impact, as the analyses rank them: severity, then share, then title. */
function ranked(fs: FindingIn[]): FindingIn[] {
  return [...fs].sort((a, b) =>
    (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
    (b.evidence.share ?? 0) - (a.evidence.share ?? 0) ||
    (a.title < b.title ? -1 : a.title > b.title ? 1 : 0)
  );
}

/** A line per finding: severity, what it is about, the title, and its evidence. */
function findingLines(fs: FindingIn[]): string[] {
  return ranked(fs).map((f, i) => {
    const ev = [
      f.evidence.function ? code(f.evidence.function) : "",
      f.evidence.share !== undefined ? `share ${pct1(f.evidence.share)}` : "",
      f.evidence.value_text ? prose(f.evidence.value_text) : "",
      f.next_step ? `next: ${f.next_step.tool}` : "",
    ].filter((x) => x !== "");
    const about = f.profile ? ` ${f.profile}:` : "";
    return `${i + 1}. **[${f.severity.toUpperCase()}]**${about} ${prose(f.title)}${
      ev.length ? ` — ${ev.join("; ")}` : ""
    }`;
  });
}

/** The top culprits: the first ten findings as a table. */
function culpritTable(fs: FindingIn[]): string[] {
  const rows = ranked(fs).slice(0, 10).map((f, i) => [
    i + 1,
    f.severity.toUpperCase(),
    f.profile ?? "",
    code(f.evidence.function) || "—",
    pct1(f.evidence.share),
    f.evidence.value_text ?? "",
  ]);
  return table(["#", "Severity", "Profile", "Function", "Share", "Value"], rows);
}

function topTable(rows: z.infer<typeof row>[]): string[] {
  return table(
    ["Function", "Flat", "Flat%", "Cum", "Cum%"],
    rows.slice(0, 10).map((r) => [code(r.name), r.flat, r.flat_pct, r.cum, r.cum_pct]),
  );
}

function allocTable(paths: z.infer<typeof allocPath>[]): string[] {
  return table(
    ["Allocation Site", "Bytes", "Rate", "Share", "Retained", "Source"],
    paths.slice(0, 10).map((p) => [
      code(p.alloc_site),
      p.alloc_bytes_str ?? (typeof p.alloc_bytes === "string" ? p.alloc_bytes : ""),
      p.alloc_rate ?? "",
      pct1(p.alloc_pct),
      pct1(p.retained_pct),
      p.source_location ?? code(p.first_app_frame),
    ]),
  );
}

/** Goroutine states by count (then name), wait reasons as a table. */
function goroutineLines(g: z.infer<typeof goroutines>): string[] {
  const states = Object.entries(g.by_state).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const out = [`Total goroutines: ${g.total_goroutines}`];
  if (states.length > 0) out.push("", `By state: ${states.map(([s, n]) => `${s} ${n}`).join(", ")}`);
  if (g.top_wait_reasons.length > 0) {
    out.push(
      "",
      ...table(
        ["Wait Reason", "Count", "Sample Stack"],
        g.top_wait_reasons.slice(0, 10).map((w) => [w.reason, w.count, code(w.sample_stack)]),
      ),
    );
  }
  const leaks = g.potential_leaks.filter((l) => l.severity === "high" || l.severity === "medium");
  if (leaks.length > 0) {
    out.push(
      "",
      "Potential leaks:",
      ...leaks.map((l) => `- [${l.severity.toUpperCase()}] ${l.count} goroutines at ${code(l.stack_signature)}`),
    );
  }
  return out;
}

function memoryLines(m: z.infer<typeof memory>): string[] {
  const out: string[] = [];
  if (m.summary) out.push(prose(m.summary));
  if (m.suspicions.length > 0) {
    out.push(
      "",
      "Suspicions:",
      ...m.suspicions.map((s) =>
        `- [${s.severity.toUpperCase()}] ${prose(s.description)}${s.evidence ? ` (${prose(s.evidence)})` : ""}`
      ),
    );
  }
  if (m.recommendations.length > 0) out.push("", "Recommendations:", ...m.recommendations.map((r) => `- ${prose(r)}`));
  if (m.warnings.length > 0) out.push("", "Warnings:", ...m.warnings.map((w) => `- ${prose(w)}`));
  return out;
}

type Section = { title: string; body: string[] };

function discoverSections(d: z.infer<typeof discover>): Section[] {
  const out: Section[] = [];
  const counts = ["high", "medium", "low", "info"].map((s) => [s, d.findings.filter((f) => f.severity === s).length])
    .filter(([, n]) => n !== 0).map(([s, n]) => `${n} ${s}`);
  const summary = [`- Service: ${d.service} (env ${d.env})`];
  if (d.timestamp) summary.push(`- Profile time: ${d.timestamp}`);
  if (d.profiles.length > 0) {
    summary.push(
      `- Profiles: ${
        [...d.profiles].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)).map((p) =>
          `${p.type} (${p.bytes} bytes)`
        ).join(", ")
      }`,
    );
  }
  if (d.cpu && d.cpu.utilization_pct > 0) summary.push(`- CPU utilization: ${d.cpu.utilization_pct.toFixed(1)}%`);
  if (d.heap?.alloc_rate) summary.push(`- Heap allocation rate: ${d.heap.alloc_rate}`);
  if (d.goroutine) summary.push(`- Goroutines: ${d.goroutine.total_goroutines}`);
  summary.push(`- Findings: ${d.findings.length}${counts.length ? ` (${counts.join(", ")})` : ""}`);
  out.push({ title: "Executive Summary", body: summary });
  if (d.findings.length > 0) {
    out.push({ title: "Top Culprits", body: culpritTable(d.findings) });
    out.push({ title: "Findings", body: findingLines(d.findings) });
  }
  if (d.recommendations.length > 0) {
    out.push({
      title: "Recommendations",
      body: d.recommendations.map((r) => `- [${r.priority.toUpperCase()}] ${prose(r.area)}: ${prose(r.suggestion)}`),
    });
  }
  if (d.cpu) {
    const body: string[] = [];
    if (d.cpu.utilization_pct > 0) body.push(`Utilization: ${d.cpu.utilization_pct.toFixed(1)}%`, "");
    const dets = d.cpu.overhead.detections;
    if (dets.length > 0) {
      body.push(
        ...table(
          ["Overhead Category", "Share", "Severity"],
          dets.map((x) => [x.category, pct1(x.percentage), x.severity]),
        ),
        "",
      );
    }
    body.push(...topTable(d.cpu.top_functions));
    out.push({ title: "CPU", body });
  }
  if (d.heap) {
    const body: string[] = [];
    if (d.heap.alloc_rate) body.push(`Allocation rate: ${d.heap.alloc_rate}`, "");
    if (d.heap.top_paths.length > 0) body.push(...allocTable(d.heap.top_paths));
    if (d.heap.memory_sanity) {
      const m = memoryLines(d.heap.memory_sanity);
      if (m.length > 0) body.push(...(body.length > 0 ? [""] : []), ...m);
    }
    out.push({ title: "Heap", body });
  }
  for (const [title, c] of [["Contention", d.mutex], ["Block", d.block]] as const) {
    if (!c) continue;
    out.push({
      title,
      body: [
        `Total delay${c.profile ? ` (${c.profile} profile)` : ""}: ${c.total_delay}`,
        ...(c.top_contentions.length > 0 ? ["", ...topTable(c.top_contentions)] : []),
      ],
    });
  }
  if (d.goroutine) out.push({ title: "Goroutines", body: goroutineLines(d.goroutine) });
  if (d.warnings.length > 0) out.push({ title: "Warnings", body: d.warnings.map((w) => `- ${prose(w)}`) });
  return out;
}

/** The analysis sections' findings, when they have any. */
function withFindings(title: string, body: string[], fs: FindingIn[]): Section[] {
  return [{ title, body: fs.length > 0 ? [...body, "", ...findingLines(fs)] : body }];
}

function parse<T extends z.ZodType>(schema: T, data: unknown, i: number, kind: string): z.infer<T> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new UserError(
    `inputs[${i}] (kind ${kind}): not a ${kind} result: ${issue.path.join(".") || "data"}: ${issue.message}`,
    "INVALID_ARGUMENT",
    { field: `inputs[${i}].data` },
  );
}

/** The data an input stands for: its `result` when it has one (a tool's whole output), with the output's findings. */
function bodyOf(data: Record<string, unknown>): Record<string, unknown> {
  const r = data.result;
  if (r === null || typeof r !== "object" || Array.isArray(r)) return data;
  const body = r as Record<string, unknown>;
  return Array.isArray(data.findings) && body.findings === undefined ? { ...body, findings: data.findings } : body;
}

/** The kind of an input: trimmed, lower case, without a `pprof.` (or codex `pprof_`) prefix. */
export function reportKind(kind: string): string {
  return kind.trim().toLowerCase().replace(/^pprof[._]/, "");
}

function sectionsOf(input: ReportInput, i: number): Section[] {
  const kind = reportKind(input.kind);
  const data = bodyOf(input.data);
  switch (kind) {
    case "discover":
      return discoverSections(parse(discover, data, i, kind));
    case "top": {
      const t = parse(top, data, i, kind);
      return t.rows.length === 0 ? [] : [{ title: "Top Functions", body: topTable(t.rows) }];
    }
    case "alloc_paths": {
      const a = parse(allocPaths, data, i, kind);
      return a.paths.length === 0 ? [] : withFindings("Allocation Paths", allocTable(a.paths), a.findings);
    }
    case "memory_sanity": {
      const m = parse(memory, data, i, kind);
      return withFindings("Memory Sanity", memoryLines(m), m.findings);
    }
    case "overhead_report": {
      const o = parse(overheadReport, data, i, kind);
      if (o.detections.length === 0) return [];
      const rows = o.detections.map((x) => [x.category, pct1(x.percentage), x.severity]);
      return withFindings("Overhead", table(["Category", "Share", "Severity"], rows), o.findings);
    }
    case "goroutine_analysis": {
      const g = parse(goroutineAnalysis, data, i, kind);
      if (g.total_goroutines === 0 && g.top_wait_reasons.length === 0) return [];
      return withFindings("Goroutines", goroutineLines(g), g.findings);
    }
    default: {
      const title = input.kind.trim() === "" ? "Analysis" : input.kind.trim();
      return [{ title, body: ["```json", JSON.stringify(input.data, null, 2), "```"] }];
    }
  }
}

/** The Markdown report of the inputs, in their order, under `# title`. */
export function markdownReport(title: string, inputs: ReportInput[]): MarkdownReport {
  const sections = inputs.flatMap((x, i) => sectionsOf(x, i));
  const parts = [`# ${title.trim() === "" ? "Profiling Report" : title.trim()}`];
  for (const s of sections) parts.push(`## ${s.title}`, s.body.join("\n"));
  return { markdown: parts.join("\n\n").trim() + "\n", sections: sections.length };
}
