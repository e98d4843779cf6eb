/**
 * `datadog.metrics.discover` and `datadog.metrics_at_timestamp`: which runtime and container metrics a service
 * has, and their values around a moment (the memory or goroutine count when a profile was taken).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { resolveSite } from "../../datadog/config.ts";
import {
  DEFAULT_METRICS,
  discoveryPatterns,
  inferType,
  metricQuery,
  type MetricSeries,
  metricsSummary,
  queryMetric,
  searchMetrics,
  sortMetrics,
} from "../../datadog/metrics.ts";
import { parseDurationArg, parseRfc3339, parseTimeArg, rfc3339 } from "../../datadog/timeparse.ts";
import { padEnd } from "../../format/gofmt.ts";
import { rawPayload, wholeLines } from "../common.ts";
import { limitArgs, limitsOf, textMeta } from "../pprof/args.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { cliCommand, client, ddArgs, isCancel, messageOf, warningsField } from "./common.ts";

const discoverInput = z.object({
  service: ddArgs.service,
  env: z.string().describe("Env, echoed in the result").optional(),
  site: ddArgs.site,
  query: z.string().describe("One more metric name pattern to search, e.g. http.server").optional(),
  ...limitArgs,
}).strict();

const discoverOutput = z.object({
  command: z.string(),
  result: z.object({
    service: z.string(),
    env: z.string(),
    dd_site: z.string(),
    query: z.string(),
    metrics: z.array(z.object({
      name: z.string(),
      type: z.string().optional().describe("count, gauge, rate or histogram, as the name suggests"),
    })).describe(
      "Go runtime first, then runtime, container, Kubernetes, Docker, the service's own (those the table shows)",
    ),
    warnings: warningsField,
  }),
  table: z.string(),
  table_meta: textMeta,
  raw_meta: textMeta,
});

/** datadog.metrics.discover's handler. */
export async function metricsDiscover(a: z.infer<typeof discoverInput>, ctx: Pick<ToolContext, "signal">) {
  const site = resolveSite(a.site);
  const dd = client();
  dd.keys();
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const pattern of discoveryPatterns(a.service, a.query)) {
    try {
      for (const m of await searchMetrics(dd, site, pattern, ctx.signal)) seen.add(m);
    } catch (e) {
      if (isCancel(e, ctx.signal)) throw e;
      warnings.push(`search for "${pattern}" failed: ${messageOf(e)}`);
    }
  }
  const metrics = sortMetrics([...seen]).map((name) => {
    const type = inferType(name);
    return type ? { name, type } : { name };
  });
  const result = { service: a.service, env: a.env ?? "", dd_site: site, query: a.query ?? "", metrics, warnings };
  const lines = metrics.length === 0 ? ["No metrics found"] : [
    `${padEnd("METRIC NAME", 60)}  TYPE`,
    "-".repeat(70),
    ...metrics.map((m) => `${padEnd(m.name, 60)}  ${m.type ?? "-"}`),
  ];
  const { raw, raw_meta } = rawPayload(lines.join("\n") + "\n", [], limitsOf(a));
  if (raw_meta.truncated) {
    // The list holds what the table shows, so a default answer stays small whatever the account holds.
    const shown = wholeLines(raw, raw_meta);
    result.metrics = metrics.filter((m) => shown.has(`${padEnd(m.name, 60)}  ${m.type ?? "-"}`));
  }
  return {
    command: cliCommand(["datadog", "metrics", "discover"], [["service", a.service], ["env", a.env], [
      "query",
      a.query,
    ]]),
    result,
    table: raw,
    table_meta: raw_meta,
    raw_meta,
  };
}

/** Points returned per series at most (the statistics use all of them). */
const MAX_POINTS = 30;

const atInput = z.object({
  service: ddArgs.service,
  env: z.string().describe("Env tag filter").optional(),
  timestamp: z.string().describe(
    "The moment: RFC 3339, Unix seconds (all digits), or relative (-2h); default now",
  ).optional(),
  window: z.string().describe("Look this far on each side (default 5m)").optional(),
  metrics: z.array(z.string()).describe("Metric names (default: Go runtime, container and Kubernetes memory/CPU)")
    .optional(),
  pod_name: z.string().describe("pod_name tag filter").optional(),
  site: z.string().describe("Datadog site (wins over dd_site)").optional(),
  dd_site: z.string().describe("Datadog site, when site is not given").optional(),
}).strict();

const series = z.object({
  name: z.string(),
  tags: z.record(z.string(), z.string()),
  unit: z.string().optional(),
  points: z.array(z.object({ timestamp: z.string(), value: z.number() }))
    .describe(`At most ${MAX_POINTS}, evenly spread (point_count says how many there were)`),
  point_count: z.number().int(),
  avg_value: z.number(),
  max_value: z.number(),
  min_value: z.number(),
  last_value: z.number(),
});

const atOutput = z.object({
  command: z.string(),
  result: z.object({
    service: z.string(),
    env: z.string(),
    dd_site: z.string(),
    center_time: z.string(),
    from_time: z.string(),
    to_time: z.string(),
    pod_name: z.string().optional(),
    metrics: z.array(series).describe("Series with at least one point, by name"),
    summary: z.record(z.string(), z.number()).describe(
      "Last values: go_goroutines, go_heap_inuse_bytes, go_alloc_bytes, go_gc_pause_ns, container_rss_mb, " +
        "container_cpu_percent (those found)",
    ),
    warnings: warningsField,
  }),
});

/**
 * The moment of metrics_at_timestamp: empty → now; RFC 3339; all digits → Unix seconds (13 or more digits:
 * milliseconds); a relative time (-2h).
 *
 * @throws {UserError} for anything else (the original read `2025-01-15` as Unix second 2025).
 */
export function parseMoment(text: string | undefined, nowMs: number): number {
  const s = (text ?? "").trim();
  if (s === "") return Math.floor(nowMs / 1000) * 1000;
  const rfc = parseRfc3339(s);
  if (rfc !== undefined) return rfc;
  if (/^\d+$/.test(s)) return s.length >= 13 ? Number(s) : Number(s) * 1000;
  if (s.toLowerCase() === "now" || s.startsWith("-") || s.startsWith("+")) {
    return parseTimeArg(s, nowMs, "timestamp")!;
  }
  throw new UserError(
    `invalid timestamp: unrecognized timestamp format: "${s}" (give RFC 3339 such as 2026-01-07T10:00:00Z, Unix ` +
      "seconds, or a relative time such as -2h)",
    "INVALID_ARGUMENT",
    { field: "timestamp", received: s },
  );
}

function spread<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]);
}

/** datadog.metrics_at_timestamp's handler. */
export async function metricsAtTimestamp(a: z.infer<typeof atInput>, ctx: Pick<ToolContext, "signal">) {
  const center = parseMoment(a.timestamp, Date.now());
  const w = parseDurationArg(a.window ?? "5m", "window");
  const site = resolveSite(a.site, a.dd_site);
  const dd = client();
  dd.keys();
  const fromMs = center - w, toMs = center + w;
  const warnings: string[] = [];
  const found: MetricSeries[] = [];
  const names = a.metrics && a.metrics.length > 0 ? a.metrics : DEFAULT_METRICS;
  for (const metric of names) {
    try {
      const q = metricQuery(metric, { service: a.service, env: a.env, pod_name: a.pod_name });
      const s = await queryMetric(dd, site, q, fromMs, toMs, ctx.signal);
      if (s) found.push(s);
    } catch (e) {
      if (isCancel(e, ctx.signal)) throw e;
      warnings.push(`query for ${metric} failed: ${messageOf(e)}`);
    }
  }
  found.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return {
    command: `datadog metrics query service:${a.service}${a.env ? ` env:${a.env}` : ""} at ${rfc3339(center)}`,
    result: {
      service: a.service,
      env: a.env ?? "",
      dd_site: site,
      center_time: rfc3339(center),
      from_time: rfc3339(fromMs),
      to_time: rfc3339(toMs),
      ...(a.pod_name ? { pod_name: a.pod_name } : {}),
      metrics: found.map((s) => ({ ...s, points: spread(s.points, MAX_POINTS), point_count: s.points.length })),
      summary: metricsSummary(found),
      warnings,
    },
  };
}

const num = (v: number) => String(Number(v.toPrecision(6))).padStart(14);

/** The datadog.metrics.discover tool. */
export const metricsDiscoverTool: ToolDef<typeof discoverInput, typeof discoverOutput> = {
  name: "datadog.metrics.discover",
  title: "Find a service's Datadog metrics",
  description: "Find the metric names a service reports to Datadog: Go runtime (go.memstats, go.goroutines, go.gc), " +
    "container, Kubernetes and Docker memory/CPU, and metrics named after the service (plus `query`), with a type " +
    "guessed from the name. Use the names with datadog.metrics_at_timestamp. Failed searches become warnings. " +
    "Needs DD_API_KEY and DD_APP_KEY.",
  input: discoverInput,
  output: discoverOutput,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) => `${o.result.metrics.length} metrics for ${o.result.service}`,
  text: (o) => o.table,
  run: (a, ctx) => metricsDiscover(a, ctx),
};

/** The datadog.metrics_at_timestamp tool. */
export const metricsAtTimestampTool: ToolDef<typeof atInput, typeof atOutput> = {
  name: "datadog.metrics_at_timestamp",
  title: "Datadog metrics around a moment",
  description: "The values of a service's metrics around a moment (timestamp ± window, default 5 minutes): for " +
    "each series min, max, avg and last, and a summary of goroutines, heap in use, allocations, GC pauses, " +
    "container RSS (MB) and CPU. Use it next to a profile: is RSS far above the Go heap? Did goroutines pile up? " +
    "Points without a value are skipped (the original counted them as 0), and a timestamp that is neither " +
    "RFC 3339 nor Unix seconds is an error. Failed queries become warnings. Needs DD_API_KEY and DD_APP_KEY.",
  input: atInput,
  output: atOutput,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) =>
    `${o.result.metrics.length} metrics of ${o.result.service}${o.result.env ? `/${o.result.env}` : ""} around ` +
    o.result.center_time,
  text: (o) =>
    [
      `${padEnd("METRIC", 40)}  ${"LAST".padStart(14)}  ${"MIN".padStart(14)}  ${"MAX".padStart(14)}  ${
        "AVG".padStart(14)
      }  POINTS`,
      ...o.result.metrics.map((m) =>
        `${padEnd(m.name, 40)}  ${num(m.last_value)}  ${num(m.min_value)}  ${num(m.max_value)}  ${
          num(m.avg_value)
        }  ${m.point_count}${m.unit ? ` ${m.unit}` : ""}`
      ),
      ...Object.entries(o.result.summary).map(([k, v]) => `${k} = ${Number(v.toFixed(3))}`),
      ...o.result.warnings.map((w) => `warning: ${w}`),
    ].join("\n"),
  run: (a, ctx) => metricsAtTimestamp(a, ctx),
};
