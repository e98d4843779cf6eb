/**
 * Handlers of the pprof report tools (`pprof.top`, `pprof.peek`, `pprof.list`,
 * `pprof.traces_head`, `pprof.diff_top`, `pprof.meta`): they take the tools'
 * arguments, run the native report, and return the original tool's payloads.
 * The MCP registry and the `pprof-mcp pprof …` commands both call them.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { loadProfile } from "../profile/load.ts";
import { type Command, defaultConfig, type ReportConfig } from "../report/config.ts";
import { listReport, renderList } from "../report/list.ts";
import { newReport, type Report } from "../report/report.ts";
import { renderTop, type TextRow, textRows, topReport } from "../report/top.ts";
import { renderTraces, tracesReport } from "../report/traces.ts";
import { renderTree, treeReport } from "../report/tree.ts";
import { compileRE2 } from "../regex/re2.ts";
import { pprofCommand, pprofFlags, type RawPayload, rawPayload } from "./common.ts";
import { type ProfileMeta, profileMeta } from "./meta.ts";
import type { TruncateOptions } from "./truncate.ts";

/** Arguments every profile tool takes. */
export interface ProfileArgs {
  profile: string;
  /** Accepted for compatibility; profiles are read as symbolized. */
  binary?: string;
}

/** The filters and sorting of a top-like request. */
export interface TopArgs extends ProfileArgs, TruncateOptions {
  cum?: boolean;
  nodecount?: number;
  focus?: string;
  ignore?: string;
  sample_index?: string;
}

async function report(path: string, cmd: Command, cfg: Partial<ReportConfig>): Promise<Report> {
  return newReport(await loadProfile(path), cmd, { ...defaultConfig(), ...cfg });
}

function topConfig(a: TopArgs): Partial<ReportConfig> {
  return {
    sort: a.cum ? "cum" : "flat",
    nodeCount: a.nodecount ? a.nodecount : -1,
    focus: a.focus ?? "",
    ignore: a.ignore ?? "",
    sampleIndex: a.sample_index ?? "",
  };
}

/** `go tool pprof -top …` arguments equivalent to a top request. */
export function topArgs(a: TopArgs): string[] {
  const flags = pprofFlags({
    cum: a.cum,
    nodecount: a.nodecount,
    focus: a.focus,
    ignore: a.ignore,
    sample_index: a.sample_index,
  });
  return ["-top", ...flags, ...(a.binary ? [a.binary] : []), a.profile];
}

/** The payload of pprof.top. */
export interface TopPayload extends RawPayload {
  command: string;
  rows: TextRow[];
  summary: { header_lines: string[]; table_header: string };
}

/** pprof.top: the top table as text and parsed rows. */
export async function pprofTop(a: TopArgs): Promise<TopPayload> {
  const top = topReport(await report(a.profile, "top", topConfig(a)));
  return {
    command: pprofCommand(topArgs(a)),
    ...rawPayload(renderTop(top), top.warnings, a),
    ...textRows(top),
  };
}

/** pprof.peek: callers and callees of the functions matching `regex`. */
export async function pprofPeek(
  a: ProfileArgs & TruncateOptions & { regex: string; sample_index?: string },
): Promise<RawPayload & { command: string }> {
  const regex = compileRE2(a.regex, "regex");
  const r = await report(a.profile, "peek", { sampleIndex: a.sample_index ?? "" });
  const text = renderTree(treeReport(r, regex, a.regex));
  const flags = ["-peek", a.regex, ...pprofFlags({ sample_index: a.sample_index })];
  return {
    command: pprofCommand([...flags, ...(a.binary ? [a.binary] : []), a.profile]),
    ...rawPayload(text, r.warnings, a),
  };
}

/** Arguments of pprof.list. */
export interface ListArgs extends ProfileArgs, TruncateOptions {
  function: string;
  repo_root?: string;
  trim_path?: string;
  source_paths?: string[] | string;
}

/**
 * pprof.list: annotated source of the functions matching `function`. Sources
 * are looked for in `repo_root` and then `source_paths`.
 */
export async function pprofList(a: ListArgs): Promise<RawPayload & { command: string }> {
  const regex = compileRE2(a.function, "function");
  const extra = typeof a.source_paths === "string" ? [a.source_paths] : a.source_paths ?? [];
  const searchPath = [a.repo_root || ".", ...extra.filter((s) => s !== "")].join(":");
  const r = await report(a.profile, "list", { sourcePath: searchPath, trimPath: a.trim_path ?? "" });
  const text = renderList(r, listReport(r, regex, a.function));
  const flags = ["-list", a.function, ...pprofFlags({ trim_path: a.trim_path, source_path: searchPath })];
  return {
    command: pprofCommand([...flags, ...(a.binary ? [a.binary] : []), a.profile]),
    ...rawPayload(text, r.warnings, a),
  };
}

/** pprof.traces_head: the first `lines` lines (default 200, at most 500) of the traces report. */
export async function pprofTracesHead(
  a: ProfileArgs & { lines?: number; max_lines?: number; max_bytes?: number; truncate_strategy?: string },
): Promise<RawPayload & { command: string }> {
  const r = await report(a.profile, "traces", {});
  const n = Math.min(a.lines || a.max_lines || 200, 500);
  const payload = rawPayload(renderTraces(tracesReport(r)), r.warnings, {
    max_lines: n,
    max_bytes: a.max_bytes,
    truncate_strategy: "head",
  });
  return { command: pprofCommand(["-traces", ...(a.binary ? [a.binary] : []), a.profile]), ...payload };
}

/** One function's change between two top reports. */
export interface Delta {
  name: string;
  before_flat: string;
  after_flat: string;
  before_cum: string;
  after_cum: string;
  before_flat_seconds: number | null;
  after_flat_seconds: number | null;
  before_cum_seconds: number | null;
  after_cum_seconds: number | null;
  delta_seconds: number;
}

/** Per-function deltas of two top row lists, biggest increase first. */
export function topDeltas(before: TextRow[], after: TextRow[], cum: boolean): Delta[] {
  const b = new Map(before.map((r) => [r.name, r]));
  const a = new Map(after.map((r) => [r.name, r]));
  const names = [...new Set([...b.keys(), ...a.keys()])];
  const secs = (r: TextRow | undefined) => (cum ? r?.cum_seconds : r?.flat_seconds) ?? 0;
  return names.map((name): Delta => {
    const x = b.get(name), y = a.get(name);
    return {
      name,
      before_flat: x?.flat ?? "",
      after_flat: y?.flat ?? "",
      before_cum: x?.cum ?? "",
      after_cum: y?.cum ?? "",
      before_flat_seconds: x ? x.flat_seconds ?? null : null,
      after_flat_seconds: y ? y.flat_seconds ?? null : null,
      before_cum_seconds: x ? x.cum_seconds ?? null : null,
      after_cum_seconds: y ? y.cum_seconds ?? null : null,
      delta_seconds: secs(y) - secs(x),
    };
  }).sort((p, q) => q.delta_seconds - p.delta_seconds || (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
}

/** Arguments of pprof.diff_top. */
export type DiffTopArgs = Omit<TopArgs, "profile"> & { before: string; after: string };

/** The payload of pprof.diff_top. */
export interface DiffTopPayload {
  commands: { before: string; after: string };
  before: TextRow[];
  after: TextRow[];
  deltas: Delta[];
  raw?: string;
  raw_meta?: RawPayload["raw_meta"];
  total_lines?: number;
  truncated?: boolean;
}

/** pprof.diff_top: top on two profiles and the change of every function. */
export async function pprofDiffTop(a: DiffTopArgs): Promise<DiffTopPayload> {
  const [before, after] = await Promise.all([a.before, a.after].map((profile) => pprofTop({ ...a, profile })));
  const deltas = topDeltas(before.rows, after.rows, !!a.cum);
  const out: DiffTopPayload = {
    commands: { before: before.command, after: after.command },
    before: before.rows,
    after: after.rows,
    deltas,
  };
  if ((a.max_lines ?? 0) > 0 || (a.max_bytes ?? 0) > 0) {
    const tsv = ["name\tbefore_flat\tafter_flat\tbefore_cum\tafter_cum\tdelta_seconds"].concat(
      deltas.map((d) =>
        [d.name, d.before_flat, d.after_flat, d.before_cum, d.after_cum, d.delta_seconds.toFixed(6)].join("\t")
      ),
    ).join("\n");
    const { raw, raw_meta, total_lines, truncated } = rawPayload(tsv, [], a);
    Object.assign(out, { raw, raw_meta, total_lines, truncated });
  }
  return out;
}

/** pprof.meta: what the profile is. */
export async function pprofMeta(a: { profile: string }): Promise<{ command: string; result: ProfileMeta }> {
  if (a.profile === "") throw new UserError("profile is required", "INVALID_ARGUMENT", { field: "profile" });
  return {
    command: `profctl pprof meta --profile ${a.profile}`,
    result: profileMeta(await loadProfile(a.profile), a.profile),
  };
}
