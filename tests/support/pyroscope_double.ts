/**
 * A test double of Grafana Pyroscope's query API: a real HTTP server on 127.0.0.1 answering the Connect protocol
 * (POST `/querier.v1.QuerierService/<Method>`, `application/proto`) for ProfileTypes, LabelNames, LabelValues,
 * SelectSeries and SelectMergeProfile. It decodes requests with its own copy of the upstream `.proto` text (not the
 * client's descriptor), checks headers, selectors and times (every deviation is recorded in `violations`), and
 * answers from fixture profiles placed at times with labels: SelectMergeProfile is the merge of the matching
 * fixtures (our own merge code), reduced to the requested sample type as Pyroscope does. Faults per method:
 * statuses with `Retry-After`, slow answers, connection resets, bodies that are not the message.
 *
 * Point pprof-mcp at it with `PYROSCOPE_URL=<double.url>`.
 */
import protobuf from "protobufjs";
import { encodeProfile } from "../../lib/profile/encode.ts";
import { parseProfile } from "../../lib/profile/load.ts";
import { mergeProfiles } from "../../lib/profile/merge.ts";
import type { Profile } from "../../lib/profile/model.ts";
import { NO_SYMBOLIZE } from "../../lib/profile/symbolize.ts";
import { FIXTURES } from "../golden.ts";
import { sleepOrAbort } from "./sleep.ts";

// The request and answer messages as upstream's api/querier/v1/querier.proto and api/types/v1/types.proto define
// them (the fields the double reads and writes).
const PROTO = `
syntax = "proto3";
package double;
message LabelPair { string name = 1; string value = 2; }
message ProfileType {
  string ID = 1; string name = 2; string sample_type = 4; string sample_unit = 5; string period_type = 6;
  string period_unit = 7;
}
message Point { double value = 1; int64 timestamp = 2; }
message Series { repeated LabelPair labels = 1; repeated Point points = 2; }
message ProfileTypesRequest { int64 start = 1; int64 end = 2; }
message ProfileTypesResponse { repeated ProfileType profile_types = 1; }
message LabelValuesRequest { string name = 1; repeated string matchers = 2; int64 start = 3; int64 end = 4; }
message LabelValuesResponse { repeated string names = 1; }
message LabelNamesRequest { repeated string matchers = 1; int64 start = 2; int64 end = 3; }
message LabelNamesResponse { repeated string names = 1; }
message SelectMergeProfileRequest {
  string profile_typeID = 1; string label_selector = 2; int64 start = 3; int64 end = 4; optional int64 max_nodes = 5;
}
message SelectSeriesRequest {
  string profile_typeID = 1; string label_selector = 2; int64 start = 3; int64 end = 4; repeated string group_by = 5;
  double step = 6; optional int32 aggregation = 7; optional int64 limit = 9;
}
message SelectSeriesResponse { repeated Series series = 1; }
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const type = (n: string) => root.lookupType(`double.${n}`);

function decode<T>(name: string, bytes: Uint8Array): T {
  const t = type(name);
  return t.toObject(t.decode(bytes), { longs: Number, arrays: true, defaults: true }) as T;
}

function encode(name: string, value: Record<string, unknown>): Uint8Array {
  const t = type(name);
  return t.encode(t.fromObject(value)).finish();
}

/** The CPU and heap profile types of a Go service as Pyroscope names them. */
export const CPU_TYPE = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
export const INUSE_TYPE = "memory:inuse_space:bytes:space:bytes";
export const ALLOC_TYPE = "memory:alloc_space:bytes:space:bytes";

/** The methods of the double. */
export type Method = "ProfileTypes" | "LabelNames" | "LabelValues" | "SelectSeries" | "SelectMergeProfile";

/** A fault served instead of the normal answer. */
export interface Fault {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (past the client's timeout: a timeout). */
  delayMs?: number;
  /** Send the headers and part of the body, then break the connection. */
  reset?: boolean;
  /** Answer 200 with bytes that are not the method's message. */
  malformed?: boolean;
}

/** One uploaded profile the double holds: a fixture at a time, with labels, of profile types. */
export interface Upload {
  /** Fixture name under fixtures/profiles (without .pb.gz). */
  fixture: string;
  labels: Record<string, string>;
  timeMs: number;
  /** The profile types it holds (IDs). */
  types: string[];
}

/** A request the double received. */
export interface Received {
  method: Method | "other";
  headers: Record<string, string>;
  // deno-lint-ignore no-explicit-any
  request?: Record<string, any>;
}

/** One matcher of a selector. */
interface Matcher {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/**
 * A label selector as Pyroscope reads it: `{}` or `{name op "value", …}` with `=`, `!=`, `=~`, `!~`; undefined
 * when it does not parse.
 */
export function parseSelector(text: string): Matcher[] | undefined {
  const s = text.trim();
  if (!s.startsWith("{") || !s.endsWith("}")) return undefined;
  const body = s.slice(1, -1).trim();
  if (body === "") return [];
  const out: Matcher[] = [];
  const re = /\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const m = re.exec(body);
    if (!m) return undefined;
    out.push({ name: m[1], op: m[2] as Matcher["op"], value: m[3].replace(/\\(.)/g, "$1") });
    at = re.lastIndex;
  }
  return out;
}

function matches(ms: Matcher[], labels: Record<string, string>): boolean {
  return ms.every((m) => {
    const v = labels[m.name] ?? "";
    switch (m.op) {
      case "=":
        return v === m.value;
      case "!=":
        return v !== m.value;
      case "=~":
        return new RegExp(`^(?:${m.value})$`).test(v);
      case "!~":
        return !new RegExp(`^(?:${m.value})$`).test(v);
    }
  });
}

const cache = new Map<string, Profile>();

/** A fixture profile, decoded with names as stored (merged as Pyroscope stores them). */
export function fixtureProfile(name: string): Profile {
  let p = cache.get(name);
  if (!p) cache.set(name, p = parseProfile(Deno.readFileSync(`${FIXTURES}profiles/${name}.pb.gz`), NO_SYMBOLIZE));
  return p;
}

/** The sample type and unit a profile type ID names: `name:sample_type:sample_unit:period_type:period_unit`. */
function partsOf(id: string) {
  const [name, sampleType, sampleUnit, periodType, periodUnit] = id.split(":");
  return { name, sampleType, sampleUnit, periodType, periodUnit };
}

/** A profile reduced to one sample type (Pyroscope answers one), or undefined when it has no such type. */
export function onlyType(p: Profile, sampleType: string): Profile | undefined {
  const n = p.sampleTypes.length;
  const t = p.sampleTypes.findIndex((v) => v.type === sampleType);
  if (t < 0) return undefined;
  const values = new Float64Array(p.sampleCount);
  for (let s = 0; s < p.sampleCount; s++) values[s] = p.values[s * n + t];
  return { ...p, sampleTypes: [p.sampleTypes[t]], values, defaultSampleType: "" };
}

/** The profile the double merges for a type from fixtures (what SelectMergeProfile answers for them). */
export function mergedOf(fixtures: string[], profileType: string): Profile {
  const st = partsOf(profileType).sampleType;
  return mergeProfiles(fixtures.map((f) => onlyType(fixtureProfile(f), st)!), fixtures);
}

/** Credentials the double demands when set. */
export interface Auth {
  bearer?: string;
  basic?: { user: string; password: string };
  tenant?: string;
}

/** The double. */
export class PyroscopeDouble {
  readonly uploads: Upload[] = [];
  readonly received: Received[] = [];
  /** What the double found wrong in requests; tests assert it stays empty. */
  readonly violations: string[] = [];
  auth: Auth = {};
  #faults = new Map<Method, Fault[]>();
  #stopping = new AbortController();
  #server: Deno.HttpServer<Deno.NetAddr>;
  readonly url: string;

  private constructor() {
    this.#server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        onListen() {},
        onError: (e) => new Response(`double error: ${(e as Error).stack}`, { status: 500 }),
      },
      (req) => this.#handle(req),
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Starts a double on a free port. */
  static start(): PyroscopeDouble {
    return new PyroscopeDouble();
  }

  /** Queues faults for a method: each request takes the next one, then answers normally again. */
  fail(method: Method, ...faults: Fault[]): this {
    this.#faults.set(method, [...(this.#faults.get(method) ?? []), ...faults]);
    return this;
  }

  /** Requests of a method. */
  requests(method: Method): Received[] {
    return this.received.filter((r) => r.method === method);
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

  #authorized(h: Record<string, string>): boolean {
    const a = this.auth;
    if (a.bearer !== undefined && h["authorization"] !== `Bearer ${a.bearer}`) return false;
    if (a.basic && h["authorization"] !== `Basic ${btoa(`${a.basic.user}:${a.basic.password}`)}`) return false;
    if (a.tenant !== undefined && h["x-scope-orgid"] !== a.tenant) return false;
    return true;
  }

  async #handle(req: Request): Promise<Response> {
    const u = new URL(req.url);
    const m = /^\/querier\.v1\.QuerierService\/(\w+)$/.exec(u.pathname);
    const known = ["ProfileTypes", "LabelNames", "LabelValues", "SelectSeries", "SelectMergeProfile"];
    const method = (m && known.includes(m[1]) ? m[1] : "other") as Method | "other";
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    const body = new Uint8Array(await req.arrayBuffer());
    const rec: Received = { method, headers };
    this.received.push(rec);
    if (method === "other") {
      this.violations.push(`unknown path ${req.method} ${u.pathname}`);
      return connectError(404, "unimplemented", `${u.pathname} is not a method`);
    }
    if (req.method !== "POST") this.violations.push(`${method}: method ${req.method}`);
    if (headers["content-type"] !== "application/proto") {
      this.violations.push(`${method}: content-type ${headers["content-type"]}`);
    }
    if (headers["connect-protocol-version"] !== "1") {
      this.violations.push(`${method}: connect-protocol-version ${headers["connect-protocol-version"]}`);
    }
    if (!this.#authorized(headers)) return connectError(401, "unauthenticated", "invalid credentials");
    try {
      rec.request = decode(`${method}Request`, body);
    } catch (e) {
      this.violations.push(`${method}: the body is not a ${method}Request: ${(e as Error).message}`);
      return connectError(400, "invalid_argument", "cannot decode the request");
    }
    const fault = this.#faults.get(method)?.shift();
    if (fault?.delayMs) await this.#sleep(fault.delayMs);
    if (fault?.reset) return broken();
    if (fault?.malformed) return proto(new Uint8Array([0x0a, 0xff, 0xff, 0x01, 0x02]));
    if (fault?.status) {
      return new Response(fault.body ?? JSON.stringify({ code: "unavailable", message: `fault ${fault.status}` }), {
        status: fault.status,
        headers: { "content-type": "application/json", ...fault.headers },
      });
    }
    const r = rec.request!;
    if (!this.#checkTimes(method, r.start, r.end)) {
      return connectError(400, "invalid_argument", "start must be before end, in milliseconds");
    }
    switch (method) {
      case "ProfileTypes":
        return this.#profileTypes(r.start, r.end);
      case "LabelNames":
      case "LabelValues": {
        const ms = this.#matchers(r.matchers as string[]);
        if (!ms) return connectError(400, "invalid_argument", `parse error in ${JSON.stringify(r.matchers)}`);
        return this.#labels(method, ms, r.start, r.end, r.name);
      }
      case "SelectSeries":
      case "SelectMergeProfile": {
        const ms = parseSelector(r.label_selector);
        if (!ms) return connectError(400, "invalid_argument", `parse error: ${r.label_selector}`);
        if (!/^[^:]+:[^:]+:[^:]+:[^:]*:[^:]*$/.test(r.profile_typeID)) {
          return connectError(400, "invalid_argument", `invalid profile type ${r.profile_typeID}`);
        }
        const picked = this.#select(r.profile_typeID, ms, r.start, r.end);
        if (method === "SelectSeries") return this.#series(picked, r);
        if (picked.length === 0) return proto(new Uint8Array(0));
        return proto(encodeProfile(mergedOf(picked.map((p) => p.fixture), r.profile_typeID)));
      }
    }
  }

  // Times are Unix milliseconds: seconds or nanoseconds by mistake fall outside 2001–2286.
  #checkTimes(method: string, start: number, end: number): boolean {
    for (const [k, v] of [["start", start], ["end", end]] as const) {
      if (!(v > 1e12 && v < 1e13)) this.violations.push(`${method}: ${k} ${v} is not Unix milliseconds`);
    }
    return start < end;
  }

  #matchers(texts: string[]): Matcher[] | undefined {
    const all: Matcher[] = [];
    for (const t of texts) {
      const ms = parseSelector(t);
      if (!ms) return undefined;
      all.push(...ms);
    }
    return all;
  }

  #inWindow(start: number, end: number): Upload[] {
    return this.uploads.filter((p) => p.timeMs >= start && p.timeMs <= end);
  }

  #select(profileType: string, ms: Matcher[], start: number, end: number): Upload[] {
    return this.#inWindow(start, end).filter((p) => p.types.includes(profileType) && matches(ms, p.labels));
  }

  #profileTypes(start: number, end: number): Response {
    const ids = [...new Set(this.#inWindow(start, end).flatMap((p) => p.types))];
    return proto(encode("ProfileTypesResponse", {
      profile_types: ids.map((ID) => {
        const p = partsOf(ID);
        return {
          ID,
          name: p.name,
          sample_type: p.sampleType,
          sample_unit: p.sampleUnit,
          period_type: p.periodType,
          period_unit: p.periodUnit,
        };
      }),
    }));
  }

  #labels(method: "LabelNames" | "LabelValues", ms: Matcher[], start: number, end: number, name?: string) {
    const ups = this.#inWindow(start, end).filter((p) => matches(ms, p.labels));
    const names = method === "LabelNames"
      ? [...new Set(ups.flatMap((p) => Object.keys(p.labels)))]
      : [...new Set(ups.map((p) => p.labels[name ?? ""]).filter((v) => v !== undefined))];
    return proto(encode(`${method}Response`, { names }));
  }

  // deno-lint-ignore no-explicit-any
  #series(picked: Upload[], r: Record<string, any>): Response {
    if (!(r.step > 0)) {
      this.violations.push(`SelectSeries: step ${r.step}`);
      return connectError(400, "invalid_argument", "step must be positive");
    }
    const stepMs = r.step * 1000;
    const st = partsOf(r.profile_typeID).sampleType;
    const groups = new Map<string, { labels: Record<string, string>; points: Map<number, number> }>();
    for (const p of picked) {
      const labels: Record<string, string> = {};
      for (const g of r.group_by as string[]) if (p.labels[g] !== undefined) labels[g] = p.labels[g];
      const key = JSON.stringify(labels);
      let g = groups.get(key);
      if (!g) groups.set(key, g = { labels, points: new Map() });
      const one = onlyType(fixtureProfile(p.fixture), st)!;
      let total = 0;
      for (let i = 0; i < one.sampleCount; i++) total += one.values[i];
      const at = r.start + Math.floor((p.timeMs - r.start) / stepMs) * stepMs;
      g.points.set(at, (g.points.get(at) ?? 0) + total);
    }
    return proto(encode("SelectSeriesResponse", {
      series: [...groups.values()].map((g) => ({
        labels: Object.entries(g.labels).map(([name, value]) => ({ name, value })),
        points: [...g.points].sort((a, b) => a[0] - b[0]).map(([timestamp, value]) => ({ timestamp, value })),
      })),
    }));
  }
}

function proto(bytes: Uint8Array): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/proto" } });
}

/** A Connect error: its HTTP status and JSON body. */
function connectError(status: number, code: string, message: string): Response {
  return Response.json({ code, message }, { status });
}

/** An answer whose connection breaks after the headers and a few bytes. */
function broken(): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (!sent) {
        sent = true;
        c.enqueue(new Uint8Array([0x0a, 0x02]));
      } else c.error(new Error("connection reset by the double"));
    },
  });
  return new Response(body, { headers: { "content-type": "application/proto", "content-length": "4096" } });
}

/** Environment for a pprof-mcp process talking to the double: fast retries and timeouts. */
export function doubleEnv(d: PyroscopeDouble, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PYROSCOPE_URL: d.url,
    PPROF_MCP_PYROSCOPE_BACKOFF: "20ms",
    PPROF_MCP_PYROSCOPE_TIMEOUT: "2s",
    ...extra,
  };
}

/**
 * A fleet: service checkout with pods a and b on version 1.4 uploading cpu (heap too) every 10 minutes from 55 minutes
 * ago, then version 1.5 (cpu_after) the last 20 minutes; service cart with node_cpu. Returns the uploads.
 */
export function fleet(nowMs: number): Upload[] {
  const out: Upload[] = [];
  const MIN = 60_000;
  for (let i = 0; i < 6; i++) {
    const late = i >= 4;
    for (const pod of ["a", "b"]) {
      out.push({
        fixture: late ? "cpu_after" : "cpu",
        labels: { service_name: "checkout", pod: `checkout-${pod}`, version: late ? "1.5" : "1.4" },
        timeMs: nowMs - (55 - i * 10) * MIN + (pod === "a" ? 0 : 1000),
        types: [CPU_TYPE],
      });
    }
    out.push({
      fixture: i % 2 === 0 ? "heap" : "heap_early",
      labels: { service_name: "checkout", pod: "checkout-a", version: late ? "1.5" : "1.4" },
      timeMs: nowMs - (55 - i * 10) * MIN + 2000,
      types: [INUSE_TYPE, ALLOC_TYPE],
    });
  }
  out.push({ fixture: "node_cpu", labels: { service_name: "cart" }, timeMs: nowMs - 5 * MIN, types: [CPU_TYPE] });
  return out;
}
