/**
 * `datadog.profiles.near_event`: the profiles just before and just after an event (a deploy, an alert), the
 * closest on each side, and the gap between them.
 *
 * @module
 */
import { z } from "zod";
import { resolveSite } from "../../datadog/config.ts";
import { type Candidate, listCandidates, WINDOW_PAGE } from "../../datadog/profiles_api.ts";
import { parseDurationArg, parseRfc3339, parseTimeArg, rfc3339 } from "../../datadog/timeparse.ts";
import { formatGoDuration } from "../../format/gotime.ts";
import { rawPayload } from "../common.ts";
import { limitArgs, limitsOf, textMeta } from "../pprof/args.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { cliCommand, client, ddArgs, nextSteps, nextStepsField, warningsField } from "./common.ts";
import { candidateSchema } from "./list_pick.ts";

const DEFAULT_LIMIT = 10;
/** A gap longer than this between the last profile before and the first after suggests a restart. */
const GAP_WARN_MS = 5 * 60_000;

const input = z.object({
  service: ddArgs.service,
  env: ddArgs.env,
  site: ddArgs.site,
  host: ddArgs.host,
  event_time: z.string().describe("When it happened: RFC 3339 (2026-01-07T09:30:00Z), or relative (-2h)"),
  window: z.string().describe("How far to look on each side (default 1h): 30m, 2h, 1d").optional(),
  limit: z.number().int().min(0).describe(`Profiles listed per side (default ${DEFAULT_LIMIT})`).optional(),
  ...limitArgs,
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    service: z.string(),
    env: z.string(),
    event_time: z.string(),
    window: z.string(),
    before_event: z.array(candidateSchema).describe("Before the event, the closest first"),
    after_event: z.array(candidateSchema).describe("At or after the event, the closest first"),
    closest_before: candidateSchema.nullable(),
    closest_after: candidateSchema.nullable(),
    gap_duration: z.string().describe('Between closest_before and closest_after, e.g. 2m0s ("" without both)'),
    warnings: warningsField,
  }),
  formatted: z.string(),
  formatted_meta: textMeta,
  raw_meta: textMeta,
  next_steps: nextStepsField,
});

const timeOf = (c: Candidate) => parseRfc3339(c.timestamp);

/** datadog.profiles.near_event's handler. */
export async function nearEvent(a: z.infer<typeof input>, ctx: ToolContext): Promise<z.infer<typeof output>> {
  const event = parseTimeArg(a.event_time, Date.now(), "event_time");
  if (event === undefined) throw new Error("unreachable: event_time is required");
  const eventMs = parseRfc3339(a.event_time) ?? event;
  const window = a.window ?? "1h";
  const w = parseDurationArg(window, "window");
  const limit = a.limit && a.limit > 0 ? a.limit : DEFAULT_LIMIT;
  const site = resolveSite(a.site);
  const dd = client();
  dd.keys();
  const f = { service: a.service, env: a.env, host: a.host };
  // Each side is listed on its own, so that many profiles after the event cannot crowd out those before it.
  const before = await listCandidates(dd, site, { ...f, fromMs: eventMs - w, toMs: eventMs }, {
    limit: limit + 1,
    signal: ctx.signal,
  });
  await ctx.progress(1, 2, "listed the profiles before the event");
  // The closest after the event are the oldest of the after window: read it to the end.
  const after = await listCandidates(dd, site, { ...f, fromMs: eventMs, toMs: eventMs + w }, {
    limit: Infinity,
    pageSize: WINDOW_PAGE,
    signal: ctx.signal,
  });
  await ctx.progress(2, 2, "listed the profiles after the event");
  const dated = (cs: Candidate[]) => cs.filter((c) => timeOf(c) !== undefined);
  const beforeEvent = dated(before.candidates).filter((c) => timeOf(c)! < eventMs)
    .sort((x, y) => timeOf(y)! - timeOf(x)!).slice(0, limit);
  const afterEvent = dated(after.candidates).filter((c) => timeOf(c)! >= eventMs)
    .sort((x, y) => timeOf(x)! - timeOf(y)!).slice(0, limit);
  const warnings = [...before.warnings, ...after.warnings];
  const cb = beforeEvent[0] ?? null, ca = afterEvent[0] ?? null;
  let gap = "";
  if (cb && ca) {
    const ms = timeOf(ca)! - timeOf(cb)!;
    gap = formatGoDuration(ms * 1e6);
    if (ms > GAP_WARN_MS) {
      warnings.push(
        `large gap (${gap}) between the last profile before the event and the first after it: the service may ` +
          "have been down or restarting",
      );
    }
  }
  const result = {
    service: a.service,
    env: a.env,
    event_time: a.event_time,
    window,
    before_event: beforeEvent,
    after_event: afterEvent,
    closest_before: cb,
    closest_after: ca,
    gap_duration: gap,
    warnings,
  };
  const { raw, raw_meta } = rawPayload(formatted(result, eventMs), [], limitsOf(a));
  return {
    command: cliCommand(["datadog", "profiles", "near_event"], [
      ["service", a.service],
      ["env", a.env],
      ["event_time", a.event_time],
      ["window", a.window],
      ["limit", a.limit],
      ["site", a.site],
      ["host", a.host],
    ]),
    result,
    formatted: raw,
    formatted_meta: raw_meta,
    raw_meta,
    next_steps: cb && ca
      ? nextSteps(ctx, [{
        tool: "datadog.profiles.compare_range",
        arguments: {
          service: a.service,
          env: a.env,
          before_from: rfc3339(eventMs - w),
          before_to: rfc3339(eventMs),
          after_from: rfc3339(eventMs),
          after_to: rfc3339(eventMs + w),
          mode: "aggregate",
        },
        why: "what changed in the profiles across the event",
      }])
      : [],
  };
}

function formatted(r: z.infer<typeof output>["result"], eventMs: number): string {
  const lines = [
    `Profiles near event: ${r.service} (${r.env})`,
    `Event time: ${rfc3339(eventMs)} ±${r.window}`,
    "=".repeat(60),
    "",
  ];
  if (r.closest_before) {
    lines.push("Last profile before the event:", `  Timestamp: ${r.closest_before.timestamp}`);
    lines.push(`  Profile:   ${r.closest_before.profile_id} (event ${r.closest_before.event_id})`);
  } else lines.push("No profile before the event in the window.");
  lines.push("");
  if (r.closest_after) {
    lines.push("First profile after the event:", `  Timestamp: ${r.closest_after.timestamp}`);
    lines.push(`  Profile:   ${r.closest_after.profile_id} (event ${r.closest_after.event_id})`);
  } else lines.push("No profile after the event in the window.");
  if (r.gap_duration) lines.push("", `Gap: ${r.gap_duration}`);
  lines.push("", `Total: ${r.before_event.length} before, ${r.after_event.length} after`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}

/** The datadog.profiles.near_event tool. */
export const nearEventTool: ToolDef<typeof input, typeof output> = {
  name: "datadog.profiles.near_event",
  title: "Datadog profiles around an event",
  description: "The profiles of a service just before and just after an event time (a deploy, an incident), " +
    "within ±window: the closest on each side (ids for profiles.download_latest_bundle or " +
    "datadog.profiles.compare_range) and the gap between them (a gap over 5 minutes suggests a restart). Each side " +
    "is listed separately, so a busy after side never hides the profiles before the event. Needs DD_API_KEY and " +
    "DD_APP_KEY.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) =>
    `${o.result.before_event.length} profiles before, ${o.result.after_event.length} after ${o.result.event_time}` +
    (o.result.gap_duration ? ` (gap ${o.result.gap_duration})` : ""),
  text: (o) => o.formatted,
  run: (a, ctx) => nearEvent(a, ctx),
};
