/**
 * `profiles.download_latest_bundle` and `profiles.download`: one Datadog profile bundle (the latest in a window,
 * or a given profile), extracted into `<service>_<env>_<member>` files with a handle for each profile; in d2 mode
 * `profiles.download` takes live profiles from a dev-cluster pod instead (`d2.profiles.download`).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { resolveSite } from "../../datadog/config.ts";
import { envVar } from "../../util/env.ts";
import { downloadTo } from "../../datadog/download.ts";
import { DatadogError } from "../../datadog/http.ts";
import { candidateOf, listPage } from "../../datadog/profiles_api.ts";
import { resolveWindow } from "../../datadog/timeparse.ts";
import { d2Download, d2DownloadTool, d2Profiles } from "../local/d2_download.ts";
import { outputPathArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import {
  cliCommand,
  client,
  ddArgs,
  downloadDir,
  fileEntry,
  nextSteps,
  nextStepsField,
  recordingEntry,
  registerBundle,
  warningsField,
} from "./common.ts";

const bundleArgs = {
  service: ddArgs.service,
  env: ddArgs.env,
  out_dir: outputPathArg(
    'Folder to write the files into (created if missing); "" uses the active incident\'s profiles folder',
  ),
  hours: z.number().int().min(0).describe("Look for the latest profile in the last N hours (default 72)").optional(),
  dd_site: z.string().describe("Datadog site (wins over site), e.g. datadoghq.eu").optional(),
  site: ddArgs.site,
  host: ddArgs.host,
  profile_id: z.string().describe("Download this profile (with event_id) instead of the latest").optional(),
  event_id: z.string().describe("The event id of profile_id (datadog.profiles.list gives both)").optional(),
};

const latestInput = z.object(bundleArgs).strict();

const downloadInput = z.object({
  ...bundleArgs,
  env: ddArgs.env.optional(),
  seconds: z.number().int().min(1).max(300).describe("d2 mode only: seconds of CPU profile to record").optional(),
}).strict();

const result = z.object({
  service: z.string(),
  env: z.string(),
  dd_site: z.string(),
  from_ts: z.string(),
  to_ts: z.string(),
  profile_id: z.string(),
  event_id: z.string(),
  timestamp: z.string().describe('The profile\'s time as Datadog gives it ("" when selected by id)'),
  version: z.string().optional(),
  files: z.array(fileEntry).describe("The pprof profiles, with handles"),
  recordings: z.array(recordingEntry).describe("Java Flight Recordings of the bundle (not pprof)"),
  metrics_path: z.string().optional(),
  warnings: warningsField,
});

const latestOutput = z.object({
  command: z.string().describe("The equivalent pprof-mcp command line"),
  result,
  incident_id: z.string().optional(),
  next_steps: nextStepsField,
});

const downloadOutput = z.object({
  command: z.string().describe("The equivalent command line (datadog mode) or the port-forward that was run (d2)"),
  mode: z.enum(["datadog", "d2"]).describe("Where the profiles came from"),
  result: z.union([result, d2Profiles]).describe("As profiles.download_latest_bundle's or d2.profiles.download's"),
  incident_id: z.string().optional(),
  next_steps: nextStepsField,
});

type BundleArgs = z.infer<typeof latestInput>;
type D2Out = z.infer<typeof d2DownloadTool.output>;

/** Downloads one bundle: the work of both tools, and of the `pprof-mcp download` command. */
export async function downloadLatestBundle(a: BundleArgs, ctx: ToolContext): Promise<z.infer<typeof latestOutput>> {
  if (a.service.trim() === "" || a.env.trim() === "") {
    throw new UserError("service, env, and out_dir are required", "INVALID_ARGUMENT", {
      field: a.service.trim() === "" ? "service" : "env",
    });
  }
  const pid = a.profile_id?.trim() ?? "", eid = a.event_id?.trim() ?? "";
  if ((pid === "") !== (eid === "")) {
    throw new UserError("profile_id and event_id must be provided together", "INVALID_ARGUMENT", {
      field: pid === "" ? "profile_id" : "event_id",
      expected: "both profile_id and event_id, or neither",
    });
  }
  const { dir, incident_id } = await downloadDir(a.out_dir, ctx);
  const site = resolveSite(a.dd_site, a.site);
  const dd = client();
  dd.keys();
  const w = resolveWindow({ hours: a.hours }, Date.now());
  const warnings: string[] = [];
  let ids: { profile_id: string; event_id: string; timestamp: string; version?: string };
  if (pid !== "") {
    ids = { profile_id: pid, event_id: eid, timestamp: "" };
    warnings.push("timestamp unavailable; profile selected explicitly");
  } else {
    const page = await listPage(dd, site, { service: a.service, env: a.env, host: a.host, ...w }, 1, {
      signal: ctx.signal,
    });
    if (page.entries.length === 0) {
      if (page.skipped > 0) throw new DatadogError("unexpected datadog response format: data[0] is not an object");
      throw new DatadogError(`no profiles found for service:${a.service} env:${a.env} between ${w.from} and ${w.to}`);
    }
    const c = candidateOf(page.entries[0]);
    if (c.profile_id === "" || c.event_id === "") throw new DatadogError("missing profile id or event id in response");
    ids = c;
  }
  await ctx.progress(1, 3, `downloading profile ${ids.profile_id}`);
  const written = await downloadTo(dd, site, ids, dir, a, ctx.signal);
  await ctx.progress(2, 3, `extracted ${written.files.length} profiles into ${dir}`);
  const { files, recordings } = registerBundle(ctx, written, {
    service: a.service,
    env: a.env,
    ...(ids.timestamp ? { timestamp: ids.timestamp } : {}),
    profile_id: ids.profile_id,
    event_id: ids.event_id,
  });
  warnings.push(...written.warnings);
  if (recordings.length > 0) {
    warnings.push(
      `${recordings.length} Java Flight Recording(s) kept (${
        recordings.map((r) => r.path).join(", ")
      }): JFR is not pprof; the pprof.* tools cannot read it yet`,
    );
  }
  const cpu = files.find((f) => f.type === "cpu") ?? files[0];
  const command = cliCommand(["download"], [
    ["service", a.service],
    ["env", a.env],
    ["out", dir],
    ["hours", a.hours && a.hours > 0 ? a.hours : 72],
    ["profile_id", pid],
    ["event_id", eid],
    ["dd_site", a.dd_site],
    ["host", a.host],
  ]);
  return {
    command,
    result: {
      service: a.service,
      env: a.env,
      dd_site: site,
      from_ts: w.from,
      to_ts: w.to,
      profile_id: ids.profile_id,
      event_id: ids.event_id,
      timestamp: ids.timestamp,
      ...(ids.version ? { version: ids.version } : {}),
      files,
      recordings,
      ...(written.metrics_path ? { metrics_path: written.metrics_path } : {}),
      warnings,
    },
    ...(incident_id ? { incident_id } : {}),
    next_steps: cpu
      ? nextSteps(ctx, [{
        tool: "pprof.top",
        arguments: { profile: cpu.handle },
        why: `the hottest functions of the ${cpu.type} profile`,
      }])
      : [],
  };
}

/** Whether the d2 local-development mode is on (`d2` or `D2` is `true`, any case, or `1`). */
export function d2Mode(): boolean {
  for (const name of ["d2", "D2"]) {
    const v = envVar(name);
    if (v !== undefined && v !== "") return v.toLowerCase() === "true" || v === "1";
  }
  return false;
}

const summary = (o: z.infer<typeof latestOutput>) => {
  const r = o.result;
  const what = r.files.map((f) => f.type).join(", ") || "no pprof profiles";
  return `downloaded profile ${r.profile_id}${r.timestamp ? ` (${r.timestamp})` : ""}: ${what}`;
};

const text = (o: z.infer<typeof latestOutput>) =>
  [
    ...o.result.files.map((f) => `${f.type.padEnd(10)} ${f.handle}  ${f.path} (${f.bytes} bytes)`),
    ...o.result.recordings.map((f) => `${f.type.padEnd(10)} ${f.handle}  ${f.path} (${f.bytes} bytes): ${f.note}`),
    ...(o.result.metrics_path ? [`metrics    ${o.result.metrics_path}`] : []),
    ...o.result.warnings.map((w) => `warning: ${w}`),
    ...o.next_steps.map((s) => `next: ${s.tool} ${JSON.stringify(s.arguments)} (${s.why})`),
  ].join("\n");

const retryNote = "Connection failures and timeouts are retried like 429 and 5xx answers.";

/** The profiles.download_latest_bundle tool. */
export const downloadLatestBundleTool: ToolDef<typeof latestInput, typeof latestOutput> = {
  name: "profiles.download_latest_bundle",
  title: "Download a Datadog profile bundle",
  description: "Download the latest Datadog profile bundle of a service and env (within the last `hours`), or a " +
    "given profile_id + event_id from datadog.profiles.list, into out_dir as <service>_<env>_cpu.pprof, " +
    "_delta-heap.pprof, _delta-mutex.pprof, _delta-block.pprof, _goroutines.pprof and _metrics.json. Every profile " +
    "gets a handle for the pprof.* tools (start with pprof.top). Java services upload Flight Recordings (JFR): " +
    "they are kept and listed under recordings, not yet analysable. Needs DD_API_KEY and DD_APP_KEY. " +
    retryNote + " An interrupted or corrupt download writes no file.",
  input: latestInput,
  output: latestOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary,
  text,
  run: (a, ctx) => downloadLatestBundle(a, ctx),
};

/** The profiles.download tool: the Datadog download; d2 mode comes with the local-development tools. */
export const downloadTool: ToolDef<typeof downloadInput, typeof downloadOutput> = {
  name: "profiles.download",
  title: "Download profiles",
  description: "Download a service's profiles. In Datadog mode (the default) this is " +
    "profiles.download_latest_bundle (env required): the latest bundle, or profile_id + event_id, into out_dir with " +
    "a handle per profile (needs DD_API_KEY and DD_APP_KEY; " + retryNote + ") When the server runs with d2=true " +
    "(local development) it is d2.profiles.download instead: live profiles of the service's pod in a dev cluster " +
    "through kubectl port-forward (service, out_dir and seconds; the cluster settings from PPROF_MCP_K8S_* or the " +
    "PPROF_MCP_LOCAL_CONFIG file); mode says which ran.",
  input: downloadInput,
  output: downloadOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary: (o) => o.mode === "d2" ? d2DownloadTool.summary!(o as D2Out) : summary(o as z.infer<typeof latestOutput>),
  text: (o) => o.mode === "d2" ? d2DownloadTool.text!(o as D2Out) : text(o as z.infer<typeof latestOutput>),
  async run(a, ctx) {
    if (d2Mode()) {
      const { service, out_dir, seconds } = a;
      try {
        const out = await d2Download({ service, out_dir, seconds }, ctx);
        return { ...out, command: `${out.command} (d2 mode)`, mode: "d2" as const };
      } catch (e) {
        // Argument errors and cancellation stay as they are; what went wrong on the way says it was the d2 download.
        if (ctx.signal?.aborted || (e instanceof UserError && (e.details.field || e.code === "CANCELED"))) throw e;
        const code = e instanceof UserError ? e.code : "INTERNAL";
        throw new UserError(
          `d2 download failed: ${(e as Error).message}`,
          code,
          e instanceof UserError ? e.details : {},
        );
      }
    }
    if (a.env === undefined || a.env.trim() === "") {
      throw new UserError("env parameter required for Datadog mode (not in d2 environment)", "INVALID_ARGUMENT", {
        field: "env",
      });
    }
    const { seconds: _s, ...rest } = a;
    const out = await downloadLatestBundle({ ...rest, env: a.env }, ctx);
    return { ...out, command: `${out.command} (datadog mode)`, mode: "datadog" as const };
  },
};
