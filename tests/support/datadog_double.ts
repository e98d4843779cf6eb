/**
 * A test double of the Datadog API (datadog.md §1–3): a real HTTP server on 127.0.0.1 that serves the profiles
 * list (with paging), bundle downloads (real zips of fixture profiles, gzip, zstd and raw members), metric search
 * and metric queries; checks the keys, headers and bodies it receives (every deviation is recorded in
 * `violations`); and injects faults per endpoint: statuses with `Retry-After`, slow answers, connection resets,
 * truncated zips, malformed JSON.
 *
 * Point pprof-mcp at it with `PPROF_MCP_DD_BASE_URL=<double.url>`.
 */
import { type Zippable, zipSync } from "fflate";
import { gunzipSync, zstdCompressSync } from "node:zlib";
import { FIXTURES } from "../golden.ts";
import { sleepOrAbort } from "./sleep.ts";

/** The keys the double accepts. */
export const KEYS = { DD_API_KEY: "test-api-key", DD_APP_KEY: "test-app-key" };

/** Environment for a pprof-mcp process talking to the double: fast retries and timeouts. */
export function doubleEnv(d: DatadogDouble, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...KEYS,
    PPROF_MCP_DD_BASE_URL: d.url,
    PPROF_MCP_DD_BACKOFF: "20ms",
    PPROF_MCP_DD_RPS: "0",
    PPROF_MCP_DD_LIST_TIMEOUT: "2s",
    PPROF_MCP_DD_DOWNLOAD_TIMEOUT: "2s",
    PPROF_MCP_DD_METRICS_TIMEOUT: "2s",
    ...extra,
  };
}

/** An endpoint of the double. */
export type Endpoint = "list" | "download" | "search" | "query";

/** A fault served instead of (or before) the normal answer. */
export interface Fault {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (past the client's timeout: a timeout). */
  delayMs?: number;
  /** Send the headers and part of the body, then break the connection. */
  reset?: boolean;
  /** Download: answer 200 with the first half of the zip. */
  truncate?: boolean;
  /** Answer 200 with text that is not JSON. */
  malformed?: boolean;
}

/** One bundle member. */
export interface Member {
  name: string;
  data: Uint8Array;
}

/** A profile the double knows. */
export interface DoubleProfile {
  event_id: string;
  profile_id: string;
  /** RFC 3339, as Datadog gives it. */
  timestamp: string;
  service: string;
  env: string;
  host?: string;
  version?: string;
  numbers?: Record<string, number | string>;
  /** Bundle members (zipped on download), or the exact bytes to serve. */
  members?: Member[];
  zip?: Uint8Array;
}

/** A request the double received. */
export interface Received {
  endpoint: Endpoint | "other";
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  /** Milliseconds since the double started. */
  at: number;
}

const cache = new Map<string, Uint8Array>();

/** A fixture profile's bytes as committed (gzip). */
export function fixture(name: string): Uint8Array {
  let b = cache.get(name);
  if (!b) cache.set(name, b = Deno.readFileSync(`${FIXTURES}profiles/${name}.pb.gz`));
  return b;
}

/** A fixture profile recompressed: gzip (as committed), zstd (Datadog's newer profilers) or raw protobuf. */
export function fixtureAs(name: string, compression: "gzip" | "zstd" | "none"): Uint8Array {
  const gz = fixture(name);
  if (compression === "gzip") return gz;
  const raw = new Uint8Array(gunzipSync(gz));
  return compression === "none" ? raw : new Uint8Array(zstdCompressSync(raw));
}

/**
 * A Go service's bundle as Datadog's Go profiler uploads it: cpu (gzip), delta-heap (zstd), delta-mutex (raw
 * protobuf), delta-block, goroutines and metrics.json; `cpu` names the CPU fixture; `folder` nests the members.
 */
export function goBundle(o: { cpu?: string; folder?: string } = {}): Member[] {
  const at = (n: string) => (o.folder ? `${o.folder}/${n}` : n);
  return [
    { name: at("cpu.pprof"), data: fixtureAs(o.cpu ?? "cpu", "gzip") },
    { name: at("delta-heap.pprof"), data: fixtureAs("heap", "zstd") },
    { name: at("delta-mutex.pprof"), data: fixtureAs("mutex", "none") },
    { name: at("delta-block.pprof"), data: fixtureAs("block", "gzip") },
    { name: at("goroutines.pprof"), data: fixtureAs("goroutine", "zstd") },
    { name: at("metrics.json"), data: new TextEncoder().encode('{"go_goroutines": 812}') },
  ];
}

/** A Java service's bundle: a JFR recording (made-up content with JFR's magic) and metrics.json. */
export function javaBundle(): Member[] {
  const jfr = new Uint8Array(256);
  jfr.set([0x46, 0x4c, 0x52, 0x00, 0, 2, 0, 1]);
  return [{ name: "main.jfr", data: jfr }, { name: "metrics.json", data: new TextEncoder().encode("{}") }];
}

/** Zips members as the Datadog API does (deflate for text, stored for compressed profiles). */
export function zip(members: Member[]): Uint8Array {
  const files: Zippable = {};
  for (const m of members) files[m.name] = [m.data, { level: m.name.endsWith(".json") ? 6 : 0 }];
  return zipSync(files);
}

/** `n` profiles of a service, one a minute back from `nowMs`, newest first. */
export function profilesOf(
  n: number,
  o: {
    service?: string;
    env?: string;
    host?: string;
    nowMs?: number;
    stepMs?: number;
    members?: (i: number) => Member[];
    numbers?: (i: number) => Record<string, number | string>;
    idPrefix?: string;
  } = {},
): DoubleProfile[] {
  const now = o.nowMs ?? Date.now();
  const step = o.stepMs ?? 60_000;
  return Array.from({ length: n }, (_, i) => ({
    event_id: `${o.idPrefix ?? "ev"}-${i + 1}`,
    profile_id: `${o.idPrefix ?? "prof"}-${String(i + 1).padStart(4, "0")}-0000-4000-8000-000000000000`,
    timestamp: new Date(now - 30_000 - i * step).toISOString(),
    service: o.service ?? "checkout",
    env: o.env ?? "prod",
    host: o.host ?? "ip-10-0-1-23.prod-usw2a",
    version: "1.42.0",
    numbers: o.numbers?.(i) ?? { "cpu-samples": 5821 + i, duration: 60_000_000_000 },
    members: o.members?.(i) ?? goBundle(),
  }));
}

/** A metric series the double answers queries with. */
export interface DoubleSeries {
  points: [number, number | null][];
  unit?: string;
  tags?: string[];
}

const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp("^" + pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
  return re.test(s);
}

/** The double. */
export class DatadogDouble {
  readonly profiles: DoubleProfile[] = [];
  readonly received: Received[] = [];
  /** What the double found wrong in requests (headers, body shape); tests assert it stays empty. */
  readonly violations: string[] = [];
  /** Metric names searchable with /api/v1/search. */
  metricNames: string[] = [];
  /** Series by metric name. */
  series: Record<string, DoubleSeries> = {};
  /** Delay every download by this much (for cancellation tests). */
  downloadDelayMs = 0;
  #faults = new Map<Endpoint, Fault[]>();
  /** Aborts the waits of slow answers when the double stops. */
  #stopping = new AbortController();
  #server: Deno.HttpServer<Deno.NetAddr>;
  #start = performance.now();
  readonly url: string;

  private constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {}, onError: () => new Response("double error", { status: 500 }) },
      (req) => this.#handle(req),
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Starts a double on a free port. */
  static start(): DatadogDouble {
    return new DatadogDouble();
  }

  /** Queues faults for an endpoint: each request takes the next one, then answers normally again. */
  fail(endpoint: Endpoint, ...faults: Fault[]): this {
    this.#faults.set(endpoint, [...(this.#faults.get(endpoint) ?? []), ...faults]);
    return this;
  }

  /** Requests to an endpoint. */
  requests(endpoint: Endpoint): Received[] {
    return this.received.filter((r) => r.endpoint === endpoint);
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#server.shutdown();
  }

  /** Waits `ms`, or less when the double stops. */
  #sleep(ms: number): Promise<void> {
    return sleepOrAbort(ms, this.#stopping.signal);
  }

  #violation(what: string): void {
    this.violations.push(what);
  }

  async #handle(req: Request): Promise<Response> {
    const u = new URL(req.url);
    const endpoint: Endpoint | "other" = u.pathname === "/api/unstable/profiles/list"
      ? "list"
      : /^\/api\/ui\/profiling\/profiles\/[^/]+\/download$/.test(u.pathname)
      ? "download"
      : u.pathname === "/api/v1/search"
      ? "search"
      : u.pathname === "/api/v1/query"
      ? "query"
      : "other";
    const text = req.method === "POST" ? await req.text() : undefined;
    let body: unknown;
    if (text !== undefined) {
      try {
        body = JSON.parse(text);
      } catch {
        this.#violation(`${endpoint}: body is not JSON: ${text.slice(0, 80)}`);
      }
    }
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    this.received.push({
      endpoint,
      method: req.method,
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers,
      body,
      at: performance.now() - this.#start,
    });
    if (endpoint === "other") {
      this.#violation(`unknown endpoint ${req.method} ${u.pathname}`);
      return new Response("not found", { status: 404 });
    }
    if (headers["dd-api-key"] !== KEYS.DD_API_KEY || headers["dd-application-key"] !== KEYS.DD_APP_KEY) {
      return Response.json({ errors: ["Forbidden"] }, { status: 403 });
    }
    const fault = this.#faults.get(endpoint)?.shift();
    if (fault?.delayMs) await this.#sleep(fault.delayMs);
    if (fault?.reset) return broken();
    if (fault?.malformed) {
      return new Response('{"data": [ {"id": "x"', { headers: { "content-type": "application/json" } });
    }
    if (fault?.status) {
      return new Response(fault.body ?? JSON.stringify({ errors: [`fault ${fault.status}`] }), {
        status: fault.status,
        headers: { "content-type": "application/json", ...fault.headers },
      });
    }
    switch (endpoint) {
      case "list":
        return this.#list(req, headers, body);
      case "download":
        if (this.downloadDelayMs > 0) await this.#sleep(this.downloadDelayMs);
        return this.#download(u, fault);
      case "search":
        return this.#search(req, u);
      case "query":
        return this.#query(req, u);
    }
  }

  #list(req: Request, headers: Record<string, string>, body: unknown): Response {
    if (req.method !== "POST") this.#violation(`list: method ${req.method}`);
    if (!(headers["content-type"] ?? "").startsWith("application/json")) {
      this.#violation(`list: content-type ${headers["content-type"]}`);
    }
    const b = body as {
      filter?: { from?: string; to?: string; query?: string };
      sort?: { field?: string; order?: string };
      limit?: number;
      page?: { cursor?: string };
    };
    const f = b?.filter ?? {};
    for (const k of ["from", "to"] as const) {
      if (!RFC3339_SECONDS.test(f[k] ?? "")) this.#violation(`list: filter.${k} ${f[k]} is not RFC 3339 UTC seconds`);
    }
    if (b?.sort?.field !== "timestamp" || b?.sort?.order !== "desc") {
      this.#violation(`list: sort ${JSON.stringify(b?.sort)}`);
    }
    if (!Number.isInteger(b?.limit) || b.limit! < 1) this.#violation(`list: limit ${b?.limit}`);
    const q = f.query ?? "";
    const terms = q === "*" ? [] : q.split(" ");
    const want: Record<string, string> = {};
    for (const t of terms) {
      const i = t.indexOf(":");
      if (i <= 0) this.#violation(`list: query term "${t}"`);
      else want[t.slice(0, i)] = t.slice(i + 1);
    }
    for (const k of Object.keys(want)) {
      if (!["service", "env", "host"].includes(k)) this.#violation(`list: query key ${k}`);
    }
    if (want.service !== undefined && want.env === undefined) this.#violation(`list: query without env: ${q}`);
    const from = Date.parse(f.from ?? ""), to = Date.parse(f.to ?? "");
    const matching = this.profiles
      .filter((p) => {
        const t = Date.parse(p.timestamp);
        return (want.service === undefined || p.service === want.service) &&
          (want.env === undefined || globMatch(want.env, p.env)) &&
          (want.host === undefined || globMatch(want.host, p.host ?? "")) && t >= from && t <= to;
      })
      .sort((x, y) => Date.parse(y.timestamp) - Date.parse(x.timestamp));
    const offset = b?.page?.cursor ? Number(atob(b.page.cursor)) : 0;
    const limit = b?.limit ?? 50;
    const page = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? btoa(String(offset + limit)) : undefined;
    return Response.json({
      data: page.map((p) => ({
        type: "profile",
        id: p.event_id,
        attributes: {
          "profile-id": p.profile_id,
          timestamp: p.timestamp,
          service: p.service,
          env: p.env,
          ...(p.host ? { host: p.host } : {}),
          ...(p.version ? { version: p.version } : {}),
          tags: [`service:${p.service}`, `env:${p.env}`, ...(p.version ? [`version:${p.version}`] : [])],
          ...p.numbers,
        },
      })),
      ...(next ? { meta: { page: { after: next } } } : {}),
    });
  }

  #download(u: URL, fault: Fault | undefined): Response {
    const pid = decodeURIComponent(u.pathname.split("/")[5]);
    const eid = u.searchParams.get("eventId");
    const p = this.profiles.find((x) => x.profile_id === pid && x.event_id === eid);
    if (!p) return Response.json({ errors: ["profile not found"] }, { status: 404 });
    let bytes = p.zip ?? zip(p.members ?? goBundle());
    if (fault?.truncate) bytes = bytes.slice(0, Math.floor(bytes.length / 2));
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/zip" } });
  }

  #search(req: Request, u: URL): Response {
    if (req.method !== "GET") this.#violation(`search: method ${req.method}`);
    const q = u.searchParams.get("q") ?? "";
    if (!q.startsWith("metrics:")) this.#violation(`search: q=${q}`);
    const pattern = q.slice("metrics:".length);
    return Response.json({ results: { metrics: this.metricNames.filter((m) => m.includes(pattern)), hosts: [] } });
  }

  #query(req: Request, u: URL): Response {
    if (req.method !== "GET") this.#violation(`query: method ${req.method}`);
    const keys = [...u.searchParams.keys()];
    if (keys.join(",") !== "from,query,to") this.#violation(`query: parameters ${keys.join(",")}`);
    const from = u.searchParams.get("from") ?? "", to = u.searchParams.get("to") ?? "";
    if (!/^\d+$/.test(from) || !/^\d+$/.test(to)) this.#violation(`query: from=${from} to=${to}`);
    const query = u.searchParams.get("query") ?? "";
    const metric = query.replace(/\{.*\}$/, "");
    const s = this.series[metric];
    return Response.json({
      status: "ok",
      res_type: "time_series",
      query,
      from_date: Number(from) * 1000,
      to_date: Number(to) * 1000,
      series: s
        ? [{
          metric,
          display_name: metric,
          scope: s.tags?.join(",") ?? "",
          tag_set: s.tags ?? [],
          pointlist: s.points,
          unit: [s.unit ? { family: "general", name: s.unit } : null, null],
          length: s.points.length,
        }]
        : [],
    });
  }
}

/** An answer whose connection breaks after the headers and a few bytes. */
function broken(): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (!sent) {
        sent = true;
        c.enqueue(new TextEncoder().encode('{"data": ['));
      } else c.error(new Error("connection reset by the double"));
    },
  });
  return new Response(body, { headers: { "content-type": "application/json", "content-length": "4096" } });
}
