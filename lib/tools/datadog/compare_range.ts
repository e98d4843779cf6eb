/**
 * `datadog.profiles.compare_range`: a profile (or a merge of several) from a "before" range against one from an
 * "after" range, diffed on the native engine, with the largest changes parsed from the report's rows.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { resolveSite } from "../../datadog/config.ts";
import { collect, downloadTo, fileOfType } from "../../datadog/download.ts";
import { diffFiles, diffProfiles, diffReport, type TopChange } from "../../datadog/compare.ts";
import { DatadogError } from "../../datadog/http.ts";
import { oldestIndex } from "../../datadog/pick.ts";
import { type Candidate, listCandidates, WINDOW_PAGE } from "../../datadog/profiles_api.ts";
import { resolveWindow, type Window } from "../../datadog/timeparse.ts";
import { encodeProfileGzip } from "../../profile/encode.ts";
import { loadProfile } from "../../profile/load.ts";
import type { Profile } from "../../profile/model.ts";
import { DEFAULT_SYMBOLIZE, symbolizeProfile } from "../../profile/symbolize.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { rawPayload } from "../common.ts";
import { limitArgs, limitsOf, textMeta } from "../pprof/args.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import {
  cliCommand,
  client,
  ddArgs,
  isCancel,
  messageOf,
  nextSteps,
  nextStepsField,
  profileType,
  warningsField,
  workDir,
  workDirArg,
} from "./common.ts";

const DEFAULT_PER_SIDE = 10;

const input = z.object({
  service: ddArgs.service,
  env: ddArgs.env,
  site: ddArgs.site,
  host: ddArgs.host,
  before_from: z.string().describe("Start of the before range: RFC 3339, or relative (-7d, -26h)"),
  before_to: z.string().describe("End of the before range (default now, with a warning)").optional(),
  after_from: z.string().describe("Start of the after range: RFC 3339, or relative (-2h)"),
  after_to: z.string().describe("End of the after range (default now)").optional(),
  out_dir: workDirArg("Folder for the before/ and after/ downloads"),
  profile_type: profileType.describe("Which profile of the bundles to compare (default cpu)").optional(),
  mode: z.enum(["single", "aggregate"]).describe(
    "single (default): the oldest profile of the before range against the latest of the after range; aggregate: " +
      "up to max_profiles of each range merged, the before side scaled to the after side's duration",
  ).optional(),
  max_profiles: z.number().int().min(1).max(100)
    .describe(`aggregate mode: profiles merged per side, newest first (default ${DEFAULT_PER_SIDE})`).optional(),
  ...limitArgs,
}).strict();

const side = z.object({
  timestamp: z.string().describe("single: the profile's time; aggregate: the newest merged profile's time"),
  profile_id: z.string().describe("single: the profile; aggregate: the newest merged profile"),
  file_path: z.string(),
  handle: z.string().describe("The side's profile (merged in aggregate mode), for the pprof.* tools"),
  profiles: z.number().int().describe("Profiles this side holds"),
  duration: z.string().describe('Summed profile duration, e.g. 600s ("" when unknown)'),
  from_ts: z.string(),
  to_ts: z.string(),
});

const change = z.object({
  function: z.string(),
  before_flat: z.string(),
  after_flat: z.string(),
  change: z.string().describe("after − before as pprof prints values, e.g. +1.20s"),
  severity: z.enum(["increase", "decrease", "neutral"]),
  before_value: z.number(),
  after_value: z.number(),
  delta: z.number(),
  unit: z.string(),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    service: z.string(),
    env: z.string(),
    mode: z.enum(["single", "aggregate"]),
    profile_type: z.string(),
    before_profile: side,
    after_profile: side,
    diff: z.string().describe("The top 20 of the difference (go tool pprof -top -nodecount=20 -base=BEFORE AFTER)"),
    top_changes: z.array(change).describe("Up to 10 functions whose flat value changed most"),
    warnings: warningsField,
  }),
  formatted: z.string(),
  formatted_meta: textMeta,
  raw_meta: textMeta,
  next_steps: nextStepsField,
});

type Side = z.infer<typeof side>;

interface Got {
  side: Side;
  /** The side's profile, names as pprof shows them. */
  profile: Profile;
  /** Names as stored (aggregate mode), for the diff. */
  stored?: Profile;
  seconds: number;
}

const secondsOf = (p: Profile) => p.durationNanos / 1e9;
const durationText = (s: number) => (s > 0 ? `${Number(s.toFixed(3))}s` : "");

async function single(
  ctx: ToolContext,
  which: "before" | "after",
  window: Window,
  a: z.infer<typeof input>,
  dir: string,
  type: string,
): Promise<Got> {
  const dd = client();
  const site = resolveSite(a.site);
  const filter = { service: a.service, env: a.env, host: a.host, ...window };
  let c: Candidate;
  try {
    const listing = which === "before"
      ? await listCandidates(dd, site, filter, { limit: Infinity, pageSize: WINDOW_PAGE, signal: ctx.signal })
      : await listCandidates(dd, site, filter, { limit: 1, signal: ctx.signal });
    if (listing.candidates.length === 0) throw new DatadogError("no profiles found");
    c = listing.candidates[which === "before" ? oldestIndex(listing.candidates) : 0];
  } catch (e) {
    if (isCancel(e, ctx.signal)) throw e;
    throw new DatadogError(`failed to pick ${which} profile: ${messageOf(e)} (${window.from} to ${window.to})`);
  }
  let file;
  try {
    const w = await downloadTo(dd, site, c, join(dir, which), a, ctx.signal);
    file = fileOfType(w.files, type);
  } catch (e) {
    if (isCancel(e, ctx.signal)) throw e;
    throw new DatadogError(`failed to download ${which} profile: ${messageOf(e)}`);
  }
  if (!file) throw new DatadogError(`${which} profile type "${type}" not found in bundle`);
  const profile = await loadProfile(file.path);
  const h = ctx.handles.register({
    service: a.service,
    env: a.env,
    type,
    timestamp: c.timestamp,
    profile_id: c.profile_id,
    event_id: c.event_id,
    path: file.path,
    bytes: file.bytes,
  });
  return {
    profile,
    seconds: secondsOf(profile),
    side: {
      timestamp: c.timestamp,
      profile_id: c.profile_id,
      file_path: file.path,
      handle: h.id,
      profiles: 1,
      duration: durationText(secondsOf(profile)),
      from_ts: window.from,
      to_ts: window.to,
    },
  };
}

async function merged(
  ctx: ToolContext,
  which: "before" | "after",
  window: Window,
  a: z.infer<typeof input>,
  dir: string,
  type: string,
  step: { done: number; total: number },
): Promise<Got & { warnings: string[] }> {
  const dd = client();
  const site = resolveSite(a.site);
  const per = a.max_profiles ?? DEFAULT_PER_SIDE;
  const filter = { service: a.service, env: a.env, host: a.host, ...window };
  const listing = await listCandidates(dd, site, filter, { limit: per, signal: ctx.signal }).catch((e) => {
    if (isCancel(e, ctx.signal)) throw e;
    throw new DatadogError(`failed to pick ${which} profiles: ${messageOf(e)}`);
  });
  if (listing.candidates.length === 0) {
    throw new DatadogError(`failed to pick ${which} profiles: no profiles found (${window.from} to ${window.to})`);
  }
  const got = await collect(dd, site, listing.candidates, type, {
    signal: ctx.signal,
    names: a,
    progress: (done, n) => ctx.progress(++step.done, step.total, `${which}: merged ${done}/${n} profiles`),
  });
  if (!got.profile) {
    throw new DatadogError(`failed to download ${which} profiles: ${got.warnings.join("; ") || "none merged"}`);
  }
  const stored = got.profile;
  const profile = symbolizeProfile(stored, DEFAULT_SYMBOLIZE);
  const path = join(dir, which, `merged_${type}_${got.merged.length}.pprof`);
  await Deno.mkdir(join(dir, which), { recursive: true });
  const data = encodeProfileGzip(profile);
  await writeFileAtomic(path, data);
  const newest = got.merged[0];
  const h = ctx.handles.register({
    service: a.service,
    env: a.env,
    type,
    timestamp: newest.timestamp,
    path,
    bytes: data.length,
  });
  return {
    profile,
    stored,
    seconds: secondsOf(profile),
    warnings: [...listing.warnings, ...got.warnings],
    side: {
      timestamp: newest.timestamp,
      profile_id: newest.profile_id,
      file_path: path,
      handle: h.id,
      profiles: got.merged.length,
      duration: durationText(secondsOf(profile)),
      from_ts: window.from,
      to_ts: window.to,
    },
  };
}

/** datadog.profiles.compare_range's handler. */
export async function compareRange(a: z.infer<typeof input>, ctx: ToolContext): Promise<z.infer<typeof output>> {
  const now = Date.now();
  const type = a.profile_type ?? "cpu";
  const mode = a.mode ?? "single";
  if (mode === "single" && a.max_profiles !== undefined) {
    throw new UserError("max_profiles needs mode aggregate", "INVALID_ARGUMENT", { field: "max_profiles" });
  }
  const before = resolveWindow({ from: a.before_from, to: a.before_to }, now, { from: "before_from", to: "before_to" });
  const after = resolveWindow({ from: a.after_from, to: a.after_to }, now, { from: "after_from", to: "after_to" });
  client().keys();
  const dir = await workDir(ctx, a.out_dir, "pprof-compare-");
  const warnings = [...before.warnings, ...after.warnings];
  let b: Got, af: Got;
  const per = a.max_profiles ?? DEFAULT_PER_SIDE;
  const step = { done: 0, total: mode === "single" ? 3 : 2 * per + 1 };
  if (mode === "single") {
    b = await single(ctx, "before", before, a, dir, type);
    await ctx.progress(++step.done, step.total, "downloaded the before profile");
    af = await single(ctx, "after", after, a, dir, type);
    await ctx.progress(++step.done, step.total, "downloaded the after profile");
  } else {
    const mb = await merged(ctx, "before", before, a, dir, type, step);
    const ma = await merged(ctx, "after", after, a, dir, type, step);
    warnings.push(...mb.warnings, ...ma.warnings);
    b = mb;
    af = ma;
  }
  ctx.signal.throwIfAborted();
  let diff = "", changes: TopChange[] = [];
  try {
    let scale = 1;
    if (mode === "aggregate" && b.seconds > 0 && af.seconds > 0 && b.seconds !== af.seconds) {
      scale = af.seconds / b.seconds;
      warnings.push(
        `the before side (${b.side.profiles} profiles, ${b.side.duration}) is scaled by ${scale.toFixed(3)} to the ` +
          `after side's duration (${af.side.profiles} profiles, ${af.side.duration})`,
      );
    }
    const d = mode === "single"
      ? await diffFiles(b.side.file_path, af.side.file_path)
      : diffProfiles(b.stored!, af.stored!, scale);
    const report = diffReport(d, b.profile, af.profile, scale);
    diff = report.text;
    changes = report.changes;
  } catch (e) {
    if (isCancel(e, ctx.signal)) throw e;
    warnings.push(`diff failed: ${messageOf(e)}`);
  }
  await ctx.progress(step.total, step.total, "compared");
  const result = {
    service: a.service,
    env: a.env,
    mode,
    profile_type: type,
    before_profile: b.side,
    after_profile: af.side,
    diff,
    top_changes: changes,
    warnings,
  };
  const text = formatted(result);
  const { raw, raw_meta } = rawPayload(text, [], limitsOf(a));
  return {
    command: cliCommand(["datadog", "profiles", "compare_range"], [
      ["service", a.service],
      ["env", a.env],
      ["before_from", a.before_from],
      ["before_to", a.before_to],
      ["after_from", a.after_from],
      ["after_to", a.after_to],
      ["profile_type", a.profile_type],
      ["mode", a.mode],
      ["max_profiles", a.max_profiles],
      ["site", a.site],
    ]),
    result,
    formatted: raw,
    formatted_meta: raw_meta,
    raw_meta,
    next_steps: nextSteps(ctx, [
      {
        tool: "pprof.diff_top",
        arguments: { before: b.side.handle, after: af.side.handle },
        why: "every function's change, in the profiles' unit",
      },
      { tool: "pprof.top", arguments: { profile: af.side.handle }, why: "the hottest functions after the change" },
    ]),
  };
}

function sideLines(title: string, s: Side): string[] {
  const lines = [`${title}:`];
  if (s.profiles > 1) {
    lines.push(`  Profiles:  ${s.profiles} merged (${s.from_ts} to ${s.to_ts}), duration ${s.duration || "unknown"}`);
    lines.push(`  Newest:    ${s.timestamp} (${s.profile_id})`);
  } else {
    lines.push(`  Timestamp: ${s.timestamp}`, `  Profile:   ${s.profile_id}`);
  }
  lines.push(`  Handle:    ${s.handle}`);
  return lines;
}

/** The text of a comparison: both sides, then the largest changes. */
export function formatted(r: z.infer<typeof output>["result"]): string {
  const lines = [
    `Profile comparison: ${r.service} (${r.env}), ${r.profile_type}, ${r.mode}`,
    "=".repeat(60),
    "",
    ...sideLines("Before", r.before_profile),
    "",
    ...sideLines("After", r.after_profile),
  ];
  if (r.top_changes.length > 0) {
    lines.push("", "Top Changes:");
    for (const c of r.top_changes) {
      const mark = c.severity === "increase" ? "+" : c.severity === "decrease" ? "-" : " ";
      lines.push(`  ${mark} ${c.change} (${c.before_flat} -> ${c.after_flat}): ${c.function}`);
    }
  } else lines.push("", "No function changed.");
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}

/** The datadog.profiles.compare_range tool. */
export const compareRangeTool: ToolDef<typeof input, typeof output> = {
  name: "datadog.profiles.compare_range",
  title: "Compare Datadog profiles of two time ranges",
  description: "Did the deploy make it slower? Compare a service's profiles from a before range with an after " +
    "range (RFC 3339 or relative times: before_from=-7d, after_from=-2h). mode single: the oldest profile of the " +
    "before range (of the whole range) against the latest of the after range; mode aggregate: up to max_profiles " +
    "of each range merged, the before side scaled to the after side's duration, because one profile is noise (the " +
    "result says how many profiles each side holds). The diff runs on pprof-mcp's own engine; top_changes come " +
    "from its rows (function, before/after flat, change, severity), and each side has a handle for pprof.top or " +
    "pprof.diff_top. Needs DD_API_KEY and DD_APP_KEY.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary: (o) => {
    const up = o.result.top_changes.find((c) => c.severity === "increase");
    return `${o.result.top_changes.length} changes (before: ${o.result.before_profile.profiles} profiles, after: ` +
      `${o.result.after_profile.profiles})` + (up ? `; largest increase ${up.function} ${up.change}` : "");
  },
  text: (o) => o.formatted + (o.result.diff ? `\n${o.result.diff}` : ""),
  run: (a, ctx) => compareRange(a, ctx),
};
