/**
 * `pyroscope.profiles.query`: the profile a Pyroscope server merged from every profile of a type matching a label
 * selector in a window (SelectMergeProfile), written inside the sandbox with a handle for every `pprof.*` tool.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { autoLabel } from "../../format/units.ts";
import type { Profile } from "../../profile/model.ts";
import { shellJoin } from "../../util/shell.ts";
import { nextSteps, nextStepsField, workDir } from "../datadog/common.ts";
import { outputPathArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { checkSelector, cliCommand, client, fetchMerged, pyArgs, windowOf } from "./common.ts";

const input = z.object({
  url: pyArgs.url,
  profile_type: pyArgs.profile_type,
  selector: pyArgs.selector,
  from: pyArgs.from,
  to: pyArgs.to,
  output_path: outputPathArg(
    "File to write the merged profile to, e.g. checkout_cpu.pb.gz (default: a new file in a temporary folder, " +
      "inside PPROF_MCP_BASEDIR when it is set)",
  ).optional(),
}).strict();

const output = z.object({
  command: z.string(),
  handle: z.string().describe("The merged profile: use it as the profile argument of the pprof.* tools"),
  path: z.string(),
  bytes: z.number().int(),
  url: z.string(),
  profile_type: z.string(),
  selector: z.string(),
  from: z.string(),
  to: z.string(),
  sample_types: z.array(z.string()).describe("type/unit of each sample value"),
  samples: z.number().int(),
  total: z.number().describe("Sum of the first sample value"),
  total_text: z.string(),
  hint: z.string(),
  next_steps: nextStepsField,
});

/** The first sample value's total of a profile. */
export function firstTotal(p: Profile): number {
  const n = p.sampleTypes.length;
  let t = 0;
  for (let s = 0; s < p.sampleCount; s++) t += p.values[s * n];
  return t;
}

/** pyroscope.profiles.query's handler. */
export async function profilesQuery(a: z.infer<typeof input>, ctx: ToolContext): Promise<z.infer<typeof output>> {
  const py = client(a.url);
  const selector = checkSelector(a.selector);
  const window = windowOf(a);
  let path = a.output_path;
  if (path === undefined || path === "") {
    const dir = await workDir(ctx, undefined, "pprof-pyroscope-");
    path = join(dir, `${a.profile_type.split(":").slice(0, 2).join("_")}_${Math.floor(window.endMs / 1000)}.pb.gz`);
  }
  await ctx.progress(0, 1, "querying the merged profile");
  const got = await fetchMerged(ctx, py, { profileType: a.profile_type, selector, window }, path);
  await ctx.progress(1, 1, "written");
  const p = got.profile;
  const total = firstTotal(p);
  const unit = p.sampleTypes[0]?.unit ?? "";
  const top = ctx.toolName("pprof.top");
  return {
    command: cliCommand(["pyroscope", "query"], [
      ["url", a.url],
      ["type", a.profile_type],
      ["selector", a.selector],
      ["from", a.from],
      ["to", a.to],
    ]) + (a.output_path ? " " + shellJoin(["-o", a.output_path]) : ""),
    handle: got.handle,
    path: got.path,
    bytes: got.bytes,
    url: py.url.href,
    profile_type: a.profile_type,
    selector,
    from: window.from,
    to: window.to,
    sample_types: p.sampleTypes.map((t) => `${t.type}/${t.unit}`),
    samples: p.sampleCount,
    total,
    total_text: autoLabel(total, unit),
    hint: top
      ? `Call ${top} with profile="${got.handle}" for the hottest functions of ${selector}.`
      : `The merged profile is ${got.path}.`,
    next_steps: nextSteps(ctx, [
      { tool: "pprof.top", arguments: { profile: got.handle }, why: "the hottest functions of the merged profile" },
      {
        tool: "pprof.flamegraph",
        arguments: { profile: got.handle },
        why: "the call paths that carry the weight",
      },
    ]),
  };
}

/** The pyroscope.profiles.query tool. */
export const profilesQueryTool: ToolDef<typeof input, typeof output> = {
  name: "pyroscope.profiles.query",
  title: "Query a merged profile from Pyroscope",
  description: "Fleet scale without downloads: Grafana Pyroscope merges every profile of a type (profile_type, " +
    'from pyroscope.profile_types) matching a label selector ({service_name="checkout"}) in a window (from/to: ' +
    "RFC 3339 or relative -1h, -7d; default the last hour) on the server, and this writes the one merged profile " +
    "to output_path with a handle, ready for pprof.top, pprof.peek, pprof.flamegraph and the analyses. Server from " +
    "url or PYROSCOPE_URL; PYROSCOPE_TOKEN or PYROSCOPE_USERNAME/PASSWORD, PYROSCOPE_TENANT_ID.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  summary: (o) => `${o.handle}: ${o.samples} samples, ${o.total_text} of ${o.selector}`,
  text: (o) =>
    [
      `${o.handle}  ${o.path}`,
      `${o.profile_type} of ${o.selector}, ${o.from} to ${o.to}: ${o.samples} samples, total ${o.total_text}`,
      o.hint,
    ].join("\n"),
  run: (a, ctx) => profilesQuery(a, ctx),
};
