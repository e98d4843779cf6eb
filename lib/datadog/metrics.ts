/**
 * The Datadog metrics API (`/api/v1/search`, `/api/v1/query` on `api.<site>`) and what the metric tools make of
 * it: discovered metric names with inferred types, series around a time with min/max/avg/last and a summary.
 *
 * @module
 */
import { type DatadogClient, DatadogError } from "./http.ts";
import { parseAnswer, parseJson, queryAnswer, searchAnswer } from "./responses.ts";
import { rfc3339 } from "./timeparse.ts";

/** Form-URL encoding as Go's url.QueryEscape does it (space → `+`). */
export function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, "+").replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** The cap on a metrics answer. */
const MAX_METRICS_BODY = 64 << 20;

async function getJson(
  client: DatadogClient,
  site: string,
  path: string,
  what: string,
  signal?: AbortSignal,
): Promise<unknown> {
  const res = await client.send({
    method: "GET",
    url: client.url(site, "metrics", path),
    host: client.host(site, "metrics"),
    timeoutMs: client.settings.metricsTimeoutMs,
    retry: false,
    maxBodyBytes: MAX_METRICS_BODY,
    signal,
  });
  if (res.status >= 300) throw new DatadogError(`${what} failed: status ${res.status}`, res.status);
  return parseJson(res.body, what);
}

/** Metric names matching a pattern (`GET /api/v1/search?q=metrics:<pattern>`). */
export async function searchMetrics(
  client: DatadogClient,
  site: string,
  pattern: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const value = await getJson(
    client,
    site,
    `/api/v1/search?q=metrics:${queryEscape(pattern)}`,
    "metrics search",
    signal,
  );
  return parseAnswer(searchAnswer, value, "metrics search").results.metrics ?? [];
}

/** The patterns metrics discovery searches, in order. */
export function discoveryPatterns(service: string, query?: string): string[] {
  const p = [
    "go.memstats",
    "go.goroutines",
    "go.gc",
    "go.heap",
    "go.alloc",
    "runtime.go",
    "container.memory",
    "container.cpu",
    "kubernetes.memory",
    "kubernetes.cpu",
    "docker.memory",
    "docker.cpu",
    service,
    service.replaceAll("-", "_"),
    service.replaceAll("_", "-"),
  ];
  if (query) p.push(query);
  return p;
}

/** A metric's type as its name suggests: count, gauge, rate, histogram, or "" when it says nothing. */
export function inferType(name: string): string {
  const n = name.toLowerCase();
  if (n.includes("count")) return "count";
  if (n.includes("gauge")) return "gauge";
  if (n.includes("rate")) return "rate";
  if (n.includes("histogram")) return "histogram";
  if (/bytes|memory|heap|goroutine|gc/.test(n)) return "gauge";
  return "";
}

function priority(name: string): number {
  if (name.startsWith("go.")) return 0;
  if (name.startsWith("runtime.")) return 1;
  if (name.includes("container.memory")) return 2;
  if (name.includes("container.cpu")) return 3;
  if (name.includes("kubernetes.")) return 4;
  if (name.includes("docker.")) return 5;
  return 10;
}

/** Metric names sorted: Go runtime first, then runtime, container memory and CPU, Kubernetes, Docker, others. */
export function sortMetrics(names: string[]): string[] {
  return [...names].sort((a, b) => priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The metrics queried when none are given. */
export const DEFAULT_METRICS = [
  "go.goroutines",
  "go.memstats.heap_inuse_bytes",
  "go.memstats.heap_alloc_bytes",
  "go.memstats.heap_sys_bytes",
  "go.memstats.alloc_bytes",
  "go.memstats.gc_pause_ns",
  "go.gc.pause_ns",
  "go.gc.count",
  "container.memory.rss",
  "container.memory.usage",
  "container.cpu.usage",
  "kubernetes.memory.rss",
  "kubernetes.cpu.usage.total",
];

/** One series around a time. */
export interface MetricSeries {
  name: string;
  tags: Record<string, string>;
  unit?: string;
  points: { timestamp: string; value: number }[];
  avg_value: number;
  max_value: number;
  min_value: number;
  last_value: number;
}

/** The query of a metric with its tag filter: `<metric>{service:s,env:e,pod_name:p}`. */
export function metricQuery(metric: string, tags: { service?: string; env?: string; pod_name?: string }): string {
  const filter = [
    tags.service ? `service:${tags.service}` : "",
    tags.env ? `env:${tags.env}` : "",
    tags.pod_name ? `pod_name:${tags.pod_name}` : "",
  ].filter((t) => t !== "");
  return filter.length > 0 ? `${metric}{${filter.join(",")}}` : metric;
}

/**
 * The first series of a metric query over [fromMs, toMs] (`GET /api/v1/query`), or undefined when the answer has
 * no series or no points. Points without a value (`null`) are left out (the original counted them as 0).
 */
export async function queryMetric(
  client: DatadogClient,
  site: string,
  query: string,
  fromMs: number,
  toMs: number,
  signal?: AbortSignal,
): Promise<MetricSeries | undefined> {
  const params = `from=${Math.floor(fromMs / 1000)}&query=${queryEscape(query)}&to=${Math.floor(toMs / 1000)}`;
  const value = await getJson(client, site, `/api/v1/query?${params}`, "query", signal);
  const series = parseAnswer(queryAnswer, value, "metrics query").series ?? [];
  if (series.length === 0) return undefined;
  const s = series[0];
  const points = (s.pointlist ?? [])
    .filter((p): p is [number, number] => p.length >= 2 && p[0] !== null && p[1] !== null)
    .map(([t, v]) => ({ timestamp: rfc3339(Math.trunc(t / 1000) * 1000), value: v }));
  if (points.length === 0) return undefined;
  const tags: Record<string, string> = {};
  for (const t of s.tag_set ?? []) {
    const i = t.indexOf(":");
    if (i > 0) tags[t.slice(0, i)] = t.slice(i + 1);
  }
  const values = points.map((p) => p.value);
  const unit = s.unit?.[0]?.name;
  return {
    name: s.metric,
    tags,
    ...(unit ? { unit } : {}),
    points,
    avg_value: values.reduce((a, b) => a + b, 0) / values.length,
    max_value: Math.max(...values),
    min_value: Math.min(...values),
    last_value: values[values.length - 1],
  };
}

/** The headline numbers of a set of series (last values; a later series overwrites an earlier one). */
export function metricsSummary(series: MetricSeries[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of series) {
    const n = s.name, v = s.last_value;
    if (n.includes("go.goroutines")) out.go_goroutines = v;
    else if (n.includes("heap_inuse")) out.go_heap_inuse_bytes = v;
    else if (n.includes("alloc_bytes") || n.includes("heap_alloc")) out.go_alloc_bytes = v;
    else if (n.includes("gc_pause") || n.includes("pause_ns")) out.go_gc_pause_ns = v;
    else if (n.includes("container.memory.rss") || n.includes("kubernetes.memory.rss")) {
      out.container_rss_mb = v / 1048576;
    } else if (n.includes("container.cpu") || n.includes("kubernetes.cpu")) out.container_cpu_percent = v;
  }
  return out;
}
