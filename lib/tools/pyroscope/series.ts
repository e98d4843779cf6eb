/**
 * `pyroscope.series`: the total of a profile type over time (SelectSeries), a compact table of one value per
 * step, optionally one column per value of a label: when did it change, and which pod or version carries it.
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { parseDurationArg, rfc3339 } from "../../datadog/timeparse.ts";
import { autoLabel } from "../../format/units.ts";
import type { ToolDef } from "../registry.ts";
import { checkSelector, cliCommand, client, pyArgs, windowOf } from "./common.ts";

/** Steps a window is cut into when no step is given. */
const DEFAULT_STEPS = 60;
/** Series shown when no max_series is given: the largest totals. */
const DEFAULT_MAX_SERIES = 8;

const input = z.object({
  url: pyArgs.url,
  profile_type: pyArgs.profile_type,
  selector: pyArgs.selector,
  from: pyArgs.from,
  to: pyArgs.to,
  step: z.string().describe(`Step, a duration such as 30s, 5m, 1h (default: the window in ${DEFAULT_STEPS} steps)`)
    .optional(),
  group_by: z.string().describe("A label name: one series per value (e.g. pod, version)").optional(),
  max_series: z.number().int().min(1).max(100)
    .describe(`Series to keep, largest total first (default ${DEFAULT_MAX_SERIES})`).optional(),
}).strict();

const series = z.object({
  labels: z.record(z.string(), z.string()).describe("The group_by label's value ({} without group_by)"),
  total: z.number().describe("Sum over every step, in unit"),
  total_text: z.string(),
  points: z.array(z.array(z.number()).length(2)).describe("[timestamp ms, value in unit] per step with data"),
});

const output = z.object({
  command: z.string(),
  url: z.string(),
  profile_type: z.string(),
  selector: z.string(),
  from: z.string(),
  to: z.string(),
  step_seconds: z.number(),
  unit: z.string().describe("The sample unit of the profile type (nanoseconds, bytes, count…)"),
  group_by: z.string().optional(),
  series: z.array(series),
  series_total: z.number().int().describe("Series the server returned (series holds at most max_series)"),
});

/** The sample unit of a profile type ID `name:sample_type:sample_unit:period_type:period_unit`. */
export function unitOfType(id: string): string {
  return id.split(":")[2] ?? "";
}

/** The table: one row per step, a time column and one column per series. */
export function seriesTable(o: z.infer<typeof output>): string {
  if (o.series.length === 0) return `no data for ${o.selector} (${o.profile_type}) from ${o.from} to ${o.to}`;
  const times = [...new Set(o.series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const names = o.series.map((s) => o.group_by ? s.labels[o.group_by] ?? "" : "total");
  const cols = o.series.map((s) => new Map(s.points.map((p) => [p[0], p[1]] as const)));
  const rows = [["time", ...names]];
  for (const t of times) rows.push([rfc3339(t), ...cols.map((c) => (c.has(t) ? autoLabel(c.get(t)!, o.unit) : "-"))]);
  rows.push(["total", ...o.series.map((s) => s.total_text)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "))
    .join("\n");
}

/** The pyroscope.series tool. */
export const seriesTool: ToolDef<typeof input, typeof output> = {
  name: "pyroscope.series",
  title: "Total of a Pyroscope profile type over time",
  description: "When did it change? The total of a profile type for a label selector per step over a window " +
    "(Pyroscope's SelectSeries; default the last hour in 60 steps) as a compact table, optionally one column per " +
    "value of group_by (pod, version…), the largest max_series kept. Then pyroscope.profiles.query or " +
    "pyroscope.compare on the ranges before and after the change.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) => `${o.series.length} series of ${o.profile_type}, step ${o.step_seconds}s`,
  text: (o) => seriesTable(o),
  async run(a, ctx) {
    const py = client(a.url);
    const selector = checkSelector(a.selector);
    const w = windowOf(a);
    const stepMs = a.step !== undefined && a.step !== ""
      ? parseDurationArg(a.step, "step")
      : Math.max(1000, Math.ceil((w.endMs - w.startMs) / DEFAULT_STEPS / 1000) * 1000);
    if ((w.endMs - w.startMs) / stepMs > 10_000) {
      throw new UserError(`step ${a.step} cuts the window into more than 10000 steps: give a larger step`, undefined, {
        field: "step",
      });
    }
    const got = await py.selectSeries({
      profileType: a.profile_type,
      selector,
      startMs: w.startMs,
      endMs: w.endMs,
      stepSeconds: stepMs / 1000,
      groupBy: a.group_by ? [a.group_by] : [],
    }, ctx.signal);
    const unit = unitOfType(a.profile_type);
    const all = got.map((s) => {
      const points = s.points.map((p) => [p.timestamp, p.value] as [number, number]).sort((x, y) => x[0] - y[0]);
      const total = points.reduce((sum, p) => sum + p[1], 0);
      return {
        labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])),
        total,
        total_text: autoLabel(total, unit),
        points,
      };
    }).sort((x, y) => y.total - x.total);
    return {
      command: cliCommand(["pyroscope", "series"], [
        ["url", a.url],
        ["type", a.profile_type],
        ["selector", a.selector],
        ["from", a.from],
        ["to", a.to],
        ["step", a.step],
        ["group_by", a.group_by],
        ["max_series", a.max_series],
      ]),
      url: py.url.href,
      profile_type: a.profile_type,
      selector,
      from: w.from,
      to: w.to,
      step_seconds: stepMs / 1000,
      unit,
      ...(a.group_by ? { group_by: a.group_by } : {}),
      series: all.slice(0, a.max_series ?? DEFAULT_MAX_SERIES),
      series_total: all.length,
    };
  },
};
