/**
 * `datadog.profiles.aggregate`: the profiles of one type of a recent window, downloaded and merged on the native
 * engine as they arrive, into one profile with a handle.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { z } from "zod";
import { resolveSite } from "../../datadog/config.ts";
import { collect } from "../../datadog/download.ts";
import { DatadogError } from "../../datadog/http.ts";
import { listCandidates } from "../../datadog/profiles_api.ts";
import { parseDurationArg, rfc3339 } from "../../datadog/timeparse.ts";
import { encodeProfileGzip } from "../../profile/encode.ts";
import { DEFAULT_SYMBOLIZE, symbolizeProfile } from "../../profile/symbolize.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import {
  cliCommand,
  client,
  ddArgs,
  nextSteps,
  nextStepsField,
  profileType,
  warningsField,
  workDir,
  workDirArg,
} from "./common.ts";

const DEFAULT_LIMIT = 10;

const input = z.object({
  service: ddArgs.service,
  env: ddArgs.env,
  window: z.string().describe("How far back from now: a duration such as 30m, 1h, 6h, 2d"),
  limit: z.number().int().min(0).describe(`Profiles to merge at most, newest first (default ${DEFAULT_LIMIT})`)
    .optional(),
  site: ddArgs.site,
  host: ddArgs.host,
  out_dir: workDirArg("Folder for the downloaded bundles (profile-1/, profile-2/…) and the merged file"),
  profile_type: profileType.describe("Which profile of each bundle to merge (default cpu)").optional(),
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    handle: z.string().describe("The merged profile: use it as the profile argument of the pprof.* tools"),
    path: z.string(),
    profile_type: z.string(),
    profiles_merged: z.number().int(),
    time_range: z.object({ from: z.string(), to: z.string() }),
    total_duration: z.string().describe('Summed duration of the merged profiles, e.g. 600.0s ("" when unknown)'),
    samples: z.number().int(),
    hint: z.string(),
    warnings: warningsField,
  }),
  next_steps: nextStepsField,
});

/** datadog.profiles.aggregate's handler. */
export async function profilesAggregate(a: z.infer<typeof input>, ctx: ToolContext): Promise<z.infer<typeof output>> {
  const windowMs = parseDurationArg(a.window, "window");
  const type = a.profile_type ?? "cpu";
  const limit = a.limit && a.limit > 0 ? a.limit : DEFAULT_LIMIT;
  const site = resolveSite(a.site);
  const dd = client();
  dd.keys();
  const toMs = Math.floor(Date.now() / 1000) * 1000, fromMs = toMs - windowMs;
  const listing = await listCandidates(dd, site, { service: a.service, env: a.env, host: a.host, fromMs, toMs }, {
    limit,
    signal: ctx.signal,
  });
  if (listing.candidates.length === 0) {
    throw new DatadogError(
      `no profiles found in the requested window (service:${a.service} env:${a.env}, ${rfc3339(fromMs)} to ` +
        `${rfc3339(toMs)})`,
    );
  }
  const dir = await workDir(ctx, a.out_dir, "pprof-aggregate-");
  const total = listing.candidates.length + 1;
  const got = await collect(dd, site, listing.candidates, type, {
    signal: ctx.signal,
    names: a,
    dirOf: (i) => join(dir, `profile-${i + 1}`),
    progress: (done, n) => ctx.progress(done, total, `downloaded and merged ${done}/${n} profiles`),
  });
  const warnings = [...listing.warnings, ...got.warnings];
  if (!got.profile || got.files.length === 0) {
    throw new DatadogError(`no profiles available to merge${warnings.length ? `: ${warnings.join("; ")}` : ""}`);
  }
  let path: string, bytes: number;
  const merged = symbolizeProfile(got.profile, DEFAULT_SYMBOLIZE);
  if (got.files.length === 1) {
    path = got.files[0].path;
    bytes = got.files[0].bytes;
  } else {
    await ctx.progress(total, total, "writing the merged profile");
    const data = encodeProfileGzip(merged);
    ctx.signal.throwIfAborted();
    path = join(dirname(got.files[0].path), `merged_${type}_${Math.floor(toMs / 1000)}.pprof`);
    await writeFileAtomic(path, data);
    bytes = data.length;
  }
  const handle = ctx.handles.register({ service: a.service, env: a.env, type, timestamp: rfc3339(toMs), path, bytes });
  const seconds = merged.durationNanos / 1e9;
  const top = ctx.toolName("pprof.top");
  return {
    command: cliCommand(["datadog", "profiles", "aggregate"], [
      ["service", a.service],
      ["env", a.env],
      ["window", a.window],
      ["limit", a.limit],
      ["site", a.site],
      ["host", a.host],
      ["profile_type", a.profile_type],
    ]),
    result: {
      handle: handle.id,
      path,
      profile_type: type,
      profiles_merged: got.merged.length,
      time_range: { from: rfc3339(fromMs), to: rfc3339(toMs) },
      total_duration: merged.durationNanos > 0 ? `${seconds.toFixed(1)}s` : "",
      samples: merged.sampleCount,
      hint: top
        ? `Call ${top} with profile="${handle.id}" for the hottest functions of the ${got.merged.length} merged profiles.`
        : `The merged profile is ${path}.`,
      warnings,
    },
    next_steps: nextSteps(ctx, [
      { tool: "pprof.top", arguments: { profile: handle.id }, why: "the hottest functions of the merged profile" },
    ]),
  };
}

/** The datadog.profiles.aggregate tool. */
export const aggregateTool: ToolDef<typeof input, typeof output> = {
  name: "datadog.profiles.aggregate",
  title: "Merge recent Datadog profiles",
  description: "Download up to `limit` profiles of a service and env from the last `window` (e.g. 1h) and merge " +
    "one type (cpu by default; heap, mutex, block, goroutines) into a single profile with a handle: one 60-second " +
    "profile is noise, an hour of them is a picture. Merged on pprof-mcp's own engine as they arrive (no Go " +
    "needed), with progress; cancel to stop. Failed downloads become warnings. Then use pprof.top on the handle. " +
    "Needs DD_API_KEY and DD_APP_KEY.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary: (o) => `merged ${o.result.profiles_merged} ${o.result.profile_type} profiles into ${o.result.handle}`,
  text: (o) =>
    [
      `${o.result.handle}  ${o.result.path}`,
      `${o.result.profiles_merged} profiles, ${o.result.time_range.from} to ${o.result.time_range.to}, duration ` +
      (o.result.total_duration || "unknown") + `, ${o.result.samples} samples`,
      o.result.hint,
      ...o.result.warnings.map((w) => `warning: ${w}`),
    ].join("\n"),
  run: (a, ctx) => profilesAggregate(a, ctx),
};
