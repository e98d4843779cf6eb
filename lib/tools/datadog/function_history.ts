/**
 * `datadog.function_history`: how much of a service's CPU one function (a Go regexp) took, profile by profile
 * (or merge by merge) across a window, measured on the native engine.
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { resolveSite } from "../../datadog/config.ts";
import { collect, cpuMember, decodeMember } from "../../datadog/download.ts";
import { readBundle } from "../../datadog/bundle.ts";
import { functionPattern, functionShare } from "../../datadog/history.ts";
import { type Candidate, downloadBundle, listCandidates } from "../../datadog/profiles_api.ts";
import { parseRfc3339, resolveWindow } from "../../datadog/timeparse.ts";
import { formatFixed, padEnd, padStart } from "../../format/gofmt.ts";
import { DEFAULT_SYMBOLIZE, symbolizeProfile } from "../../profile/symbolize.ts";
import { rawPayload } from "../common.ts";
import { limitArgs, limitsOf, textMeta } from "../pprof/args.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { cliCommand, client, ddArgs, isCancel, messageOf, warningsField } from "./common.ts";

const DEFAULT_LIMIT = 10;
const DEFAULT_PER_ENTRY = 5;
/** Downloads in flight at once. */
const WORKERS = 3;

const input = z.object({
  service: ddArgs.service,
  env: ddArgs.env,
  function: z.string().describe(
    "The function: a Go regexp matched against function names, e.g. encoding/json\\.Marshal or (?i)getfinished " +
      "(text that is no valid regexp is matched literally)",
  ),
  from: ddArgs.from,
  to: ddArgs.to,
  hours: ddArgs.hours,
  limit: z.number().int().min(0).describe(`Profiles to examine, newest first (default ${DEFAULT_LIMIT})`).optional(),
  site: ddArgs.site,
  host: ddArgs.host,
  mode: z.enum(["single", "aggregate"]).describe(
    "single (default): one entry per profile; aggregate: each entry merges per_entry consecutive profiles " +
      "merged, since one profile is noise",
  ).optional(),
  per_entry: z.number().int().min(1).max(100)
    .describe(`aggregate mode: profiles merged per entry (default ${DEFAULT_PER_ENTRY})`).optional(),
  ...limitArgs,
}).strict();

const entry = z.object({
  timestamp: z.string().describe("The profile's time (aggregate: the newest of the entry)"),
  profile_id: z.string(),
  event_id: z.string(),
  flat_percent: z.number(),
  cum_percent: z.number(),
  flat_value: z.string().describe("As pprof prints it; aggregate: per profile (the merge divided by profiles)"),
  cum_value: z.string(),
  found: z.boolean(),
  profiles: z.number().int().describe("Profiles this entry holds"),
  oldest_timestamp: z.string().optional().describe("aggregate: the oldest profile of the entry"),
  functions: z.array(z.string()).describe("The matching functions, heaviest first"),
});

const output = z.object({
  command: z.string(),
  result: z.object({
    service: z.string(),
    env: z.string(),
    function: z.string(),
    mode: z.enum(["single", "aggregate"]),
    from_ts: z.string(),
    to_ts: z.string(),
    entries: z.array(entry).describe("Newest first"),
    summary: z.object({
      total_profiles: z.number().int().describe("Entries"),
      found_in_profiles: z.number().int(),
      max_flat_percent: z.number(),
      min_flat_percent: z.number(),
      avg_flat_percent: z.number(),
    }),
    warnings: warningsField,
  }),
  table: z.string(),
  table_meta: textMeta,
  raw_meta: textMeta,
});

type Entry = z.infer<typeof entry>;

const notFound = (c: Candidate, profiles = 1): Entry => ({
  timestamp: c.timestamp,
  profile_id: c.profile_id,
  event_id: c.event_id,
  flat_percent: 0,
  cum_percent: 0,
  flat_value: "",
  cum_value: "",
  found: false,
  profiles,
  functions: [],
});

/** Runs `f` over `items` with at most `n` at once, in order of the items. */
async function pool<T, R>(items: T[], n: number, f: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** datadog.function_history's handler. */
export async function functionHistory(a: z.infer<typeof input>, ctx: ToolContext): Promise<z.infer<typeof output>> {
  if (a.function.trim() === "") {
    throw new UserError("function pattern is required", "INVALID_ARGUMENT", { field: "function" });
  }
  const mode = a.mode ?? "single";
  if (mode === "single" && a.per_entry !== undefined) {
    throw new UserError("per_entry needs mode aggregate", "INVALID_ARGUMENT", { field: "per_entry" });
  }
  const pattern = functionPattern(a.function);
  const window = resolveWindow(a, Date.now());
  const limit = a.limit && a.limit > 0 ? a.limit : DEFAULT_LIMIT;
  const site = resolveSite(a.site);
  const dd = client();
  dd.keys();
  const listing = await listCandidates(dd, site, { service: a.service, env: a.env, host: a.host, ...window }, {
    limit,
    signal: ctx.signal,
  });
  const warnings = [...window.warnings, ...listing.warnings];
  if (pattern.literal) warnings.push(`"${a.function}" is not a valid Go regexp; matched as literal text`);
  const cs = listing.candidates;
  let entries: Entry[] = [];
  if (cs.length === 0) warnings.push("no profiles found in time range");
  else if (mode === "single") {
    let done = 0;
    entries = await pool(cs, WORKERS, async (c) => {
      ctx.signal.throwIfAborted();
      try {
        const members = readBundle(await downloadBundle(dd, site, c.profile_id, c.event_id, ctx.signal));
        const m = cpuMember(members);
        if (!m) {
          warnings.push(`no CPU profile found for ${c.profile_id}`);
          return notFound(c);
        }
        const share = functionShare(symbolizeProfile(await decodeMember(m), DEFAULT_SYMBOLIZE), a.function);
        return entryOf(c, share, 1);
      } catch (e) {
        if (isCancel(e, ctx.signal)) throw e;
        warnings.push(`failed to download profile ${c.profile_id}: ${messageOf(e)}`);
        return notFound(c);
      } finally {
        await ctx.progress(++done, cs.length, `searched ${done}/${cs.length} profiles`);
      }
    });
  } else {
    const per = a.per_entry ?? DEFAULT_PER_ENTRY;
    const groups: Candidate[][] = [];
    for (let i = 0; i < cs.length; i += per) groups.push(cs.slice(i, i + per));
    let done = 0;
    entries = await pool(groups, WORKERS, async (g) => {
      const got = await collect(dd, site, g, "cpu", {
        signal: ctx.signal,
        names: a,
        progress: () => ctx.progress(++done, cs.length, `merged ${done}/${cs.length} profiles`),
      });
      warnings.push(...got.warnings);
      if (!got.profile) return notFound(g[0], 0);
      const n = got.merged.length;
      const share = functionShare(symbolizeProfile(got.profile, DEFAULT_SYMBOLIZE), a.function, 1 / n);
      return { ...entryOf(got.merged[0], share, n), oldest_timestamp: got.merged[n - 1].timestamp };
    });
  }
  entries.sort((x, y) => (parseRfc3339(y.timestamp) ?? -Infinity) - (parseRfc3339(x.timestamp) ?? -Infinity));
  const found = entries.filter((e) => e.found);
  const flats = found.map((e) => e.flat_percent);
  const result = {
    service: a.service,
    env: a.env,
    function: a.function,
    mode,
    from_ts: window.from,
    to_ts: window.to,
    entries,
    summary: {
      total_profiles: entries.length,
      found_in_profiles: found.length,
      max_flat_percent: flats.length ? Math.max(...flats) : 0,
      min_flat_percent: flats.length ? Math.min(...flats) : 0,
      avg_flat_percent: flats.length ? flats.reduce((s, x) => s + x, 0) / flats.length : 0,
    },
    warnings,
  };
  const { raw, raw_meta } = rawPayload(table(result), [], limitsOf(a));
  return {
    command: cliCommand(["datadog", "function_history"], [
      ["service", a.service],
      ["env", a.env],
      ["function", a.function],
      ["from", a.from],
      ["to", a.to],
      ["hours", a.hours],
      ["limit", a.limit],
      ["mode", a.mode],
      ["per_entry", a.per_entry],
      ["site", a.site],
    ]),
    result,
    table: raw,
    table_meta: raw_meta,
    raw_meta,
  };
}

function entryOf(c: Candidate, s: ReturnType<typeof functionShare>, profiles: number): Entry {
  return {
    timestamp: c.timestamp,
    profile_id: c.profile_id,
    event_id: c.event_id,
    flat_percent: s.flat_percent,
    cum_percent: s.cum_percent,
    flat_value: s.found ? s.flat_value : "",
    cum_value: s.found ? s.cum_value : "",
    found: s.found,
    profiles,
    functions: s.functions,
  };
}

/** The history as a table: one row per entry, then the summary. */
export function table(r: z.infer<typeof output>["result"]): string {
  const pct = (e: Entry, v: number) => (e.found ? formatFixed(v, 2) + "%" : "-");
  const lines = [
    `Function: ${r.function}`,
    `Service: ${r.service}, Env: ${r.env}`,
    `Time range: ${r.from_ts} to ${r.to_ts}`,
    "",
    `${padStart("idx", 3)}  ${padEnd("timestamp", 24)}  ${padStart("flat%", 8)}  ${padStart("cum%", 8)}  found` +
    (r.mode === "aggregate" ? "  profiles" : ""),
    "-".repeat(60),
  ];
  r.entries.forEach((e, i) => {
    lines.push(
      `${padStart(String(i), 3)}  ${padEnd(e.timestamp.slice(0, 24), 24)}  ${padStart(pct(e, e.flat_percent), 8)}  ${
        padStart(pct(e, e.cum_percent), 8)
      }  ${e.found ? "yes" : "no"}` + (r.mode === "aggregate" ? `    ${padStart(String(e.profiles), 5)}` : ""),
    );
  });
  const s = r.summary;
  lines.push("", `Summary: Found in ${s.found_in_profiles}/${s.total_profiles} profiles`);
  if (s.found_in_profiles > 0) {
    lines.push(
      `Flat%: max ${formatFixed(s.max_flat_percent, 2)}%, min ${formatFixed(s.min_flat_percent, 2)}%, avg ${
        formatFixed(s.avg_flat_percent, 2)
      }%`,
    );
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}

/** The datadog.function_history tool. */
export const functionHistoryTool: ToolDef<typeof input, typeof output> = {
  name: "datadog.function_history",
  title: "A function's CPU share over time",
  description: "Track one function across a service's CPU profiles in a window (newest first, up to limit): its " +
    "flat% and cum% in each (cum = samples whose stack passes through it, as pprof's -focus keeps them), and " +
    "max/min/avg over the profiles where it appears. `function` is a Go regexp matched against function names " +
    '(the original matched literal text after a regexp focus, so regexps were reported "not found"). mode ' +
    "aggregate merges per_entry profiles per entry (one profile is noise). Measured on pprof-mcp's own " +
    "engine, 3 downloads at a time, with progress; failures become warnings. Needs DD_API_KEY and DD_APP_KEY.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) =>
    `${o.result.function}: found in ${o.result.summary.found_in_profiles}/${o.result.summary.total_profiles} ` +
    (o.result.mode === "aggregate" ? "entries" : "profiles"),
  text: (o) => o.table,
  run: (a, ctx) => functionHistory(a, ctx),
};
