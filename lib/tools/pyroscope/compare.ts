/**
 * `pyroscope.compare`: two merged profiles from Pyroscope — two selectors (canary against stable) or two time
 * ranges (before against after a deploy) — each written with a handle, then diffed on our engine (pprof.diff_top's
 * changes) and drawn as a differential flame graph.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { autoLabel } from "../../format/units.ts";
import { diffTopTool, pprofDiffTop } from "../pprof/diff_top.ts";
import { pprofFlamegraph } from "../viz/flamegraph.ts";
import {
  isCancel,
  messageOf,
  nextSteps,
  nextStepsField,
  warningsField,
  workDir,
  workDirArg,
} from "../datadog/common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { checkSelector, cliCommand, client, fetchMerged, pyArgs, type Window, windowOf } from "./common.ts";
import { firstTotal } from "./query.ts";

/** Changes listed by default. */
const DEFAULT_CHANGES = 20;

const input = z.object({
  url: pyArgs.url,
  profile_type: pyArgs.profile_type,
  selector: pyArgs.selector.describe("Label selector of both sides (unless before_selector/after_selector)")
    .optional(),
  before_selector: z.string().describe('The before side\'s selector, e.g. {service_name="checkout", version="1.4"}')
    .optional(),
  after_selector: z.string().describe('The after side\'s selector, e.g. {service_name="checkout", version="1.5"}')
    .optional(),
  from: pyArgs.from.describe("Window start of both sides (unless before_from/after_from; default -1h)"),
  to: pyArgs.to.describe("Window end of both sides (unless before_to/after_to; default now)"),
  before_from: z.string().describe("The before side's start: RFC 3339 or relative (-2d)").optional(),
  before_to: z.string().describe("The before side's end").optional(),
  after_from: z.string().describe("The after side's start").optional(),
  after_to: z.string().describe("The after side's end").optional(),
  out_dir: workDirArg("Folder for before.pb.gz, after.pb.gz and diff_flamegraph.html"),
  max_changes: z.number().int().min(1).max(500).describe(
    `Functions listed, largest change first (default ${DEFAULT_CHANGES})`,
  )
    .optional(),
}).strict();

const side = z.object({
  handle: z.string().describe("The side's merged profile, for the pprof.* tools"),
  path: z.string(),
  selector: z.string(),
  from: z.string(),
  to: z.string(),
  samples: z.number().int(),
  total: z.number(),
  total_text: z.string(),
});

const change = z.object({
  name: z.string(),
  before: z.number(),
  after: z.number(),
  delta: z.number(),
  delta_text: z.string(),
});

const output = z.object({
  command: z.string(),
  url: z.string(),
  profile_type: z.string(),
  before: side,
  after: side,
  sample_type: z.string(),
  unit: z.string(),
  changes: z.array(change).describe("The functions whose flat value changed most (pprof.diff_top), largest first"),
  counts: z.object({
    functions: z.number().int(),
    changed: z.number().int(),
    grew: z.number().int(),
    shrank: z.number().int(),
  }),
  table: z.string().describe("pprof.diff_top's table of the changes"),
  flamegraph: z.string().optional().describe("The differential flame graph (HTML): red grew, blue shrank"),
  warnings: warningsField,
  next_steps: nextStepsField,
});

type Side = z.infer<typeof side>;

/** The two sides' selectors and windows. */
function sidesOf(a: z.infer<typeof input>, now: number) {
  const sel = (s: string | undefined, field: string) => {
    const v = s !== undefined && s.trim() !== "" ? s : a.selector;
    if (v === undefined || v.trim() === "") {
      throw new UserError(`give selector, or ${field}`, "INVALID_ARGUMENT", { field });
    }
    return checkSelector(v, s !== undefined && s.trim() !== "" ? field : "selector");
  };
  const win = (f: string | undefined, t: string | undefined, prefix: string): Window =>
    windowOf({ from: f || a.from, to: t || a.to }, now, {
      from: f ? `${prefix}_from` : "from",
      to: t ? `${prefix}_to` : "to",
    });
  const before = {
    selector: sel(a.before_selector, "before_selector"),
    window: win(a.before_from, a.before_to, "before"),
  };
  const after = { selector: sel(a.after_selector, "after_selector"), window: win(a.after_from, a.after_to, "after") };
  if (
    before.selector === after.selector && before.window.startMs === after.window.startMs &&
    before.window.endMs === after.window.endMs
  ) {
    throw new UserError(
      "the two sides are the same query: give before_selector/after_selector or before_from/after_from",
      "INVALID_ARGUMENT",
      { field: "after_selector" },
    );
  }
  return { before, after };
}

/** pyroscope.compare's handler. */
export async function pyroscopeCompare(a: z.infer<typeof input>, ctx: ToolContext): Promise<z.infer<typeof output>> {
  const py = client(a.url);
  const { before, after } = sidesOf(a, Date.now());
  const dir = await workDir(ctx, a.out_dir, "pprof-pyroscope-compare-");
  const warnings: string[] = [];
  const sides: Side[] = [];
  for (const [i, [name, s]] of ([["before", before], ["after", after]] as const).entries()) {
    await ctx.progress(i, 4, `querying the ${name} profile`);
    const got = await fetchMerged(
      ctx,
      py,
      { profileType: a.profile_type, ...s },
      join(dir, `${name}.pb.gz`),
    ).catch((e) => {
      if (isCancel(e, ctx.signal) || !(e instanceof UserError)) throw e;
      throw new UserError(`${name}: ${e.message}`, e.code, e.details);
    });
    const total = firstTotal(got.profile);
    sides.push({
      handle: got.handle,
      path: got.path,
      selector: s.selector,
      from: s.window.from,
      to: s.window.to,
      samples: got.profile.sampleCount,
      total,
      total_text: autoLabel(total, got.profile.sampleTypes[0]?.unit ?? ""),
    });
  }
  const [b, af] = sides;
  const span = (w: Window) => w.endMs - w.startMs;
  if (span(before.window) !== span(after.window)) {
    warnings.push(
      `the windows differ in length (${span(before.window) / 1000}s before, ${span(after.window) / 1000}s after): ` +
        "the changes compare totals, not rates",
    );
  }
  await ctx.progress(2, 4, "diffing");
  const d = await pprofDiffTop({ before: b.path, after: af.path, max_lines: a.max_changes ?? DEFAULT_CHANGES }, ctx);
  await ctx.progress(3, 4, "drawing the differential flame graph");
  let flamegraph: string | undefined;
  const fg = join(dir, "diff_flamegraph.html");
  try {
    await Deno.remove(fg).catch(() => {});
    await pprofFlamegraph({ profile: af.path, diff_base: b.path, output_path: fg, format: "html" }, ctx);
    flamegraph = fg;
  } catch (e) {
    if (isCancel(e, ctx.signal)) throw e;
    warnings.push(`the differential flame graph failed: ${messageOf(e)}`);
  }
  await ctx.progress(4, 4, "compared");
  const movers = d.deltas.filter((x) => x.delta !== 0).sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta));
  return {
    command: cliCommand(["pyroscope", "compare"], [
      ["url", a.url],
      ["type", a.profile_type],
      ["selector", a.selector],
      ["before_selector", a.before_selector],
      ["after_selector", a.after_selector],
      ["from", a.from],
      ["to", a.to],
      ["before_from", a.before_from],
      ["before_to", a.before_to],
      ["after_from", a.after_from],
      ["after_to", a.after_to],
      ["out_dir", a.out_dir],
      ["max_changes", a.max_changes],
    ]),
    url: py.url.href,
    profile_type: a.profile_type,
    before: b,
    after: af,
    sample_type: d.sample_type,
    unit: d.unit,
    changes: movers.map((x) => ({
      name: x.name,
      before: x.before_value,
      after: x.after_value,
      delta: x.delta,
      delta_text: x.delta_text,
    })),
    counts: { functions: d.counts.functions, changed: d.counts.changed, grew: d.counts.grew, shrank: d.counts.shrank },
    table: diffTopTool.text!(d),
    ...(flamegraph ? { flamegraph } : {}),
    warnings,
    next_steps: nextSteps(ctx, [
      {
        tool: "pprof.diff_top",
        arguments: { before: b.handle, after: af.handle, max_lines: 0 },
        why: "every function's change",
      },
      {
        tool: "pprof.flamegraph",
        arguments: { profile: af.handle, diff_base: b.handle, format: "text" },
        why: "the differential flame graph as text",
      },
    ]),
  };
}

function sideLine(title: string, s: Side): string {
  return `${title} ${s.selector} ${s.from} to ${s.to}: ${s.samples} samples, total ${s.total_text}  ${s.handle}`;
}

/** The pyroscope.compare tool. */
export const compareTool: ToolDef<typeof input, typeof output> = {
  name: "pyroscope.compare",
  title: "Compare two Pyroscope queries",
  description: "Did the deploy or the canary make it slower? Two merged profiles from Grafana Pyroscope — two " +
    'selectors (before_selector/after_selector, e.g. version="1.4" against "1.5") or two time ranges ' +
    "(before_from/before_to against after_from/after_to, relative like -2d) of one profile_type — each written " +
    "with a handle, diffed on pprof-mcp's engine (pprof.diff_top's changes, largest first) and drawn as a " +
    "differential flame graph (HTML). Server from url or PYROSCOPE_URL.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  summary: (o) => {
    const up = o.changes.find((c) => c.delta > 0);
    return `${o.counts.changed} of ${o.counts.functions} functions changed` +
      (up ? `; largest increase ${up.name} (${up.delta_text})` : "");
  },
  text: (o) =>
    [
      sideLine("before:", o.before),
      sideLine("after: ", o.after),
      ...(o.flamegraph ? [`differential flame graph: ${o.flamegraph}`] : []),
      "",
      o.table.trimEnd(),
      ...o.warnings.map((w) => `warning: ${w}`),
    ].join("\n"),
  run: (a, ctx) => pyroscopeCompare(a, ctx),
};
