/**
 * `datadog.profiles.list` and `datadog.profiles.pick`: the profiles of a service in a window, and one of them
 * chosen by a strategy (latest, oldest in the whole window, closest to a time, by index, most samples, anomaly).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { resolveSite } from "../../datadog/config.ts";
import { type Choice, closestIndex, oldestIndex, pickBy, STRATEGIES } from "../../datadog/pick.ts";
import { type Candidate, listCandidates, type Listing, WINDOW_PAGE } from "../../datadog/profiles_api.ts";
import { parseRfc3339, parseTimeArg, resolveWindow, type Window } from "../../datadog/timeparse.ts";
import { formatFixed, padEnd, padStart } from "../../format/gofmt.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { cliCommand, client, ddArgs, nextSteps, nextStepsField, warningsField } from "./common.ts";

const DEFAULT_LIMIT = 50;

const listArgs = {
  service: ddArgs.service,
  env: ddArgs.env,
  from: ddArgs.from,
  to: ddArgs.to,
  hours: ddArgs.hours,
  limit: z.number().int().min(0).describe(`Profiles to list, newest first (default ${DEFAULT_LIMIT})`).optional(),
  site: ddArgs.site,
  host: ddArgs.host,
};

const listInput = z.object(listArgs).strict();

/** A candidate as the results show it. */
export const candidateSchema = z.object({
  profile_id: z.string(),
  event_id: z.string(),
  timestamp: z.string(),
  version: z.string().optional(),
  numeric_fields: z.record(z.string(), z.number()).optional()
    .describe("Numbers Datadog reports: cpu-samples, alloc-samples, goroutines, duration…"),
});

const listResult = z.object({
  service: z.string(),
  env: z.string(),
  host: z.string().optional(),
  dd_site: z.string(),
  from_ts: z.string(),
  to_ts: z.string(),
  limit: z.number().int(),
  candidates: z.array(candidateSchema).describe("Newest first"),
  warnings: warningsField,
});

const listOutput = z.object({
  command: z.string(),
  result: listResult,
  next_steps: nextStepsField,
  hint: z.string().optional().describe("When nothing was found: how to find the right service name"),
  searched_service: z.string().optional(),
  searched_env: z.string().optional(),
});

type ListArgs = z.infer<typeof listInput>;

function listCommand(words: string[], a: ListArgs, extra: [string, string | number | undefined][] = []) {
  return cliCommand(words, [
    ["service", a.service],
    ["env", a.env],
    ["from", a.from],
    ["to", a.to],
    ["hours", a.hours],
    ["limit", a.limit],
    ["site", a.site],
    ["host", a.host],
    ...extra,
  ]);
}

/** The window and site of a list-like call. */
function scope(a: ListArgs): { site: string; window: Window; limit: number } {
  const window = resolveWindow(a, Date.now());
  return { site: resolveSite(a.site), window, limit: a.limit && a.limit > 0 ? a.limit : DEFAULT_LIMIT };
}

async function list(a: ListArgs, ctx: Pick<ToolContext, "signal">, o: { pageSize?: number; all?: boolean } = {}) {
  const { site, window, limit } = scope(a);
  const dd = client();
  dd.keys();
  const listing = await listCandidates(dd, site, { service: a.service, env: a.env, host: a.host, ...window }, {
    limit: o.all ? Infinity : limit,
    pageSize: o.pageSize ?? limit,
    signal: ctx.signal,
  });
  return { site, window, limit, listing };
}

/** datadog.profiles.list's handler. */
export async function profilesList(a: ListArgs, ctx: Pick<ToolContext, "signal" | "toolName">) {
  const { site, window, limit, listing } = await list(a, ctx);
  const out: z.infer<typeof listOutput> = {
    command: listCommand(["datadog", "profiles", "list"], a),
    result: {
      service: a.service,
      env: a.env,
      ...(a.host ? { host: a.host } : {}),
      dd_site: site,
      from_ts: window.from,
      to_ts: window.to,
      limit,
      candidates: listing.candidates,
      warnings: [...window.warnings, ...listing.warnings],
    },
    next_steps: listing.candidates.length > 0 ? downloadStep(ctx, a, listing.candidates[0], "the newest profile") : [],
  };
  if (listing.candidates.length === 0) {
    const search = ctx.toolName("datadog.services.search");
    out.hint = `No profiles for service "${a.service}" in env "${a.env}" between ${window.from} and ${window.to}.` +
      (search ? ` Check the name with ${search} (query "${a.service}"), or widen the window.` : " Widen the window.");
    out.searched_service = a.service;
    out.searched_env = a.env;
  }
  return out;
}

const pickInput = z.object({
  ...listArgs,
  strategy: z.enum(STRATEGIES).describe(
    "latest (default); oldest (the oldest in the whole window); closest_to_ts (needs target_ts); manual_index " +
      "(needs index); most_samples; anomaly (the profile whose cpu-samples, alloc-samples, goroutines… deviate " +
      "most, at least 2 standard deviations)",
  ).optional(),
  target_ts: z.string().describe("For closest_to_ts: RFC 3339 time, or relative (-2h)").optional(),
  index: z.number().int().min(0).describe("Pick the candidate at this position of the list (overrides strategy)")
    .optional(),
}).strict();

const pickOutput = z.object({
  command: z.string(),
  next_steps: nextStepsField,
  result: z.object({
    candidate: candidateSchema,
    reason: z.string().describe("latest, oldest, closest_to_ts=<t>, manual_index=<n>, most_samples, anomaly: …"),
    warnings: warningsField,
  }),
});

type PickArgs = z.infer<typeof pickInput>;

/** datadog.profiles.pick's handler. */
export async function profilesPick(a: PickArgs, ctx: Pick<ToolContext, "signal" | "toolName">) {
  const strategy = a.strategy ?? "latest";
  if (strategy === "closest_to_ts" && (a.target_ts ?? "").trim() === "") {
    throw new UserError('missing required argument "target_ts"', "INVALID_ARGUMENT", {
      field: "target_ts",
      expected: "required field",
      received: "<missing>",
      hint: "strategy closest_to_ts needs target_ts",
    });
  }
  if (strategy === "manual_index" && a.index === undefined) {
    throw new UserError('missing required argument "index"', "INVALID_ARGUMENT", {
      field: "index",
      expected: "required field",
      received: "<missing>",
      hint: "strategy manual_index needs index",
    });
  }
  const target = strategy === "closest_to_ts" && a.index === undefined
    ? parseTimeArg(a.target_ts, Date.now(), "target_ts")!
    : undefined;
  let chosen: { listing: Listing; choice: Choice };
  if (a.index !== undefined) {
    const { listing } = await list(a, ctx);
    need(listing.candidates);
    if (a.index >= listing.candidates.length) {
      throw new UserError(`manual index ${a.index} out of range (${listing.candidates.length} profiles)`);
    }
    chosen = { listing, choice: { index: a.index, reason: `manual_index=${a.index}`, warnings: [] } };
  } else if (strategy === "oldest") {
    // The oldest of the whole window, not of its newest page: read every page.
    const { listing } = await list(a, ctx, { pageSize: WINDOW_PAGE, all: true });
    need(listing.candidates);
    chosen = { listing, choice: { index: oldestIndex(listing.candidates), reason: "oldest", warnings: [] } };
  } else if (strategy === "closest_to_ts") {
    const { site, window, limit } = scope(a);
    const dd = client();
    dd.keys();
    // Newest first: read on until a profile at or before the target is in (or the window ends).
    const listing = await listCandidates(dd, site, { service: a.service, env: a.env, host: a.host, ...window }, {
      limit: Infinity,
      pageSize: Math.max(limit, 100),
      signal: ctx.signal,
      enough: (cs) => cs.length > 0 && (parseRfc3339(cs[cs.length - 1].timestamp) ?? Infinity) <= target!,
    });
    need(listing.candidates);
    chosen = {
      listing,
      choice: {
        index: closestIndex(listing.candidates, target!),
        reason: `closest_to_ts=${a.target_ts}`,
        warnings: [],
      },
    };
  } else {
    const { listing } = await list(a, ctx);
    need(listing.candidates);
    chosen = { listing, choice: pickBy(strategy as "latest" | "most_samples" | "anomaly", listing.candidates) };
  }
  const { listing, choice } = chosen;
  const warnings = choice.warnings.length > 0 ? [...listing.warnings, ...choice.warnings] : listing.warnings;
  return {
    command: listCommand(["datadog", "profiles", "pick"], a, [
      ["strategy", a.strategy],
      ["target_ts", a.target_ts],
      ["index", a.index],
    ]),
    result: { candidate: listing.candidates[choice.index], reason: choice.reason, warnings },
    next_steps: downloadStep(ctx, a, listing.candidates[choice.index], "the chosen profile"),
  };
}

/** The next step after listing: download a candidate's bundle. */
function downloadStep(ctx: Pick<ToolContext, "toolName">, a: ListArgs, c: Candidate, what: string) {
  return nextSteps(ctx, [{
    tool: "profiles.download_latest_bundle",
    arguments: { service: a.service, env: a.env, out_dir: "profiles", profile_id: c.profile_id, event_id: c.event_id },
    why: `download ${what} and get handles for the pprof.* tools`,
  }]);
}

const SAMPLE_KEYS = [
  "cpu-samples",
  "cpu_samples",
  "alloc-samples",
  "alloc_samples",
  "total-samples",
  "total_samples",
  "samples",
];
const DURATION_KEYS = ["duration", "duration_ns", "profile_duration"];

function shortName(key: string): string {
  return key.replace(/[-_]samples$/, "").replace("samples", "smp");
}

function count(v: number): string {
  if (v >= 1e6) return `${formatFixed(v / 1e6, 1)}M`;
  if (v >= 1e3) return `${formatFixed(v / 1e3, 1)}K`;
  return String(Math.trunc(v));
}

/** The samples cell of the list table: `cpu=5.8K dur=60.0s`, or `-` without numeric fields. */
export function samplesCell(c: Candidate): string {
  const f = c.numeric_fields;
  if (!f || Object.keys(f).length === 0) return "-";
  const parts = SAMPLE_KEYS.filter((k) => k in f).map((k) => `${shortName(k)}=${count(f[k])}`);
  const d = DURATION_KEYS.find((k) => k in f);
  if (d) {
    const v = f[d];
    parts.push(
      v > 1e9
        ? `dur=${formatFixed(v / 1e9, 1)}s`
        : v > 1000
        ? `dur=${formatFixed(v / 1e6, 1)}ms`
        : `dur=${formatFixed(v, 1)}`,
    );
  }
  if (parts.length === 0) {
    const [k, v] = Object.entries(f)[0];
    parts.push(`${shortName(k)}=${count(v)}`);
  }
  return parts.join(" ");
}

/** The list as the original CLI prints it: idx, timestamp, profile_id, samples. */
export function candidatesTable(cs: Candidate[]): string {
  const head = `${padStart("idx", 3)}  ${padEnd("timestamp", 24)}  ${padEnd("profile_id", 36)}  samples`;
  const rows = cs.map((c, i) =>
    `${padStart(String(i), 3)}  ${padEnd(c.timestamp, 24)}  ${padEnd(c.profile_id, 36)}  ${samplesCell(c)}`
  );
  return [head, ...rows].join("\n") + "\n";
}

/** The pick as the original CLI prints it. */
export function pickLine(o: z.infer<typeof pickOutput>): string {
  const c = o.result.candidate;
  return `profile_id=${c.profile_id} event_id=${c.event_id} timestamp=${c.timestamp} reason=${o.result.reason}\n`;
}

function need(cs: Candidate[]): void {
  if (cs.length === 0) throw new UserError("no profiles found", "INTERNAL");
}

/** The datadog.profiles.list tool. */
export const profilesListTool: ToolDef<typeof listInput, typeof listOutput> = {
  name: "datadog.profiles.list",
  title: "List Datadog profiles",
  description: "List the profiles Datadog holds for a service and env in a time window (newest first, up to " +
    "limit): profile_id, event_id, timestamp, version and the numbers Datadog reports (cpu-samples, " +
    "goroutines, duration…). Times are RFC 3339, now, or relative (-30m, -3h, -7d, -2w); an unparseable time is " +
    "an error, not a silent default. Pass ids to profiles.download_latest_bundle, or let datadog.profiles.pick " +
    "choose. With no profiles, the hint says how to find the right service name. Needs DD_API_KEY and DD_APP_KEY.",
  input: listInput,
  output: listOutput,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) =>
    `${o.result.candidates.length} profiles of ${o.result.service}/${o.result.env} from ${o.result.from_ts} to ` +
    o.result.to_ts,
  text: (o) =>
    [
      candidatesTable(o.result.candidates).trimEnd(),
      ...o.result.warnings.map((w) => `warning: ${w}`),
      ...(o.hint ? [o.hint] : []),
    ].join("\n"),
  run: (a, ctx) => profilesList(a, ctx),
};

/** The datadog.profiles.pick tool. */
export const profilesPickTool: ToolDef<typeof pickInput, typeof pickOutput> = {
  name: "datadog.profiles.pick",
  title: "Pick a Datadog profile",
  description: "Choose one profile of a service and env in a window: latest, oldest (the oldest of the whole " +
    "window: every page of the list is read), closest_to_ts (reads on until it passes target_ts), manual_index, " +
    "most_samples, or anomaly (the largest z-score of cpu-samples, alloc-samples, goroutines… over the listed " +
    "profiles, at least 2). Returns the candidate and why it was chosen; download it with " +
    "profiles.download_latest_bundle (profile_id, event_id). Needs DD_API_KEY and DD_APP_KEY.",
  input: pickInput,
  output: pickOutput,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) => `picked ${o.result.candidate.profile_id} (${o.result.candidate.timestamp}): ${o.result.reason}`,
  text: (o) => [pickLine(o).trimEnd(), ...o.result.warnings.map((w) => `warning: ${w}`)].join("\n"),
  run: (a, ctx) => profilesPick(a, ctx),
};
