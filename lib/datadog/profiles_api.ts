/**
 * The Datadog profiling API: the list of profiles in a window (`POST /api/unstable/profiles/list`, page by page)
 * and the download of one profile's bundle (`GET /api/ui/profiling/profiles/<id>/download`).
 *
 * @module
 */
import { maxProfileBytes } from "../profile/decompress.ts";
import { type DatadogClient, DatadogError, quoteBody } from "./http.ts";
import { listAnswer, type ListEntry, listEntry, parseAnswer, parseJson } from "./responses.ts";
import { rfc3339 } from "./timeparse.ts";

/** A profile in the list: its ids, time, version and the numbers Datadog reports about it. */
export interface Candidate {
  profile_id: string;
  event_id: string;
  /** As Datadog gave it. */
  timestamp: string;
  version?: string;
  numeric_fields?: Record<string, number>;
}

/** The sample and size fields of list entries, in the order pick's anomaly strategy examines them. */
export const SAMPLE_FIELDS = [
  "cpu-samples",
  "cpu_samples",
  "alloc-samples",
  "alloc_samples",
  "alloc_space",
  "inuse_space",
  "inuse-space",
  "goroutines",
  "goroutine",
  "heap",
  "heap_inuse",
] as const;

/** The numeric fields read from list entries (JSON numbers or numeric strings). */
export const NUMERIC_FIELDS = [
  ...SAMPLE_FIELDS,
  "duration",
  "duration_ns",
  "profile_duration",
  "total-samples",
  "total_samples",
  "samples",
] as const;

/** What to list. */
export interface ListFilter {
  service?: string;
  env?: string;
  host?: string;
  /** The whole query instead of service/env/host (services search). */
  query?: string;
  fromMs: number;
  toMs: number;
}

/** The list query: `service:<s> env:<e>`, plus ` host:<h>` (verbatim, wildcards pass through). */
export function listQuery(f: ListFilter): string {
  if (f.query !== undefined) return f.query;
  const q = `service:${f.service ?? ""} env:${f.env ?? ""}`;
  return f.host ? `${q} host:${f.host}` : q;
}

/** The request body of a list call; `cursor` asks for the page after a previous one. */
export function listBody(f: ListFilter, limit: number, cursor?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    filter: { from: rfc3339(f.fromMs), to: rfc3339(f.toMs), query: listQuery(f) },
    sort: { field: "timestamp", order: "desc" },
    limit,
  };
  if (cursor !== undefined) body.page = { cursor };
  return body;
}

/** The largest list request body sent. */
const MAX_BODY = 1 << 20;

/** One page of the list. */
export interface ListPage {
  /** Object entries, checked. */
  entries: ListEntry[];
  /** The cursor of the next page, when there is one. */
  after?: string;
  /** Entries that were not JSON objects. */
  skipped: number;
}

const s = (v: string | null | undefined) => (typeof v === "string" ? v : "");

/**
 * Lists one page: the newest `limit` profiles of the window (or the page after `cursor`).
 *
 * @throws {DatadogError} for a failed call, an answer with `errors`, or an answer of another shape.
 */
export async function listPage(
  client: DatadogClient,
  site: string,
  f: ListFilter,
  limit: number,
  o: { cursor?: string; signal?: AbortSignal } = {},
): Promise<ListPage> {
  const json = JSON.stringify(listBody(f, limit, o.cursor));
  if (json.length > MAX_BODY) throw new DatadogError("the list request is over 1 MiB; shorten the query");
  const res = await client.send({
    method: "POST",
    url: client.url(site, "profiles", "/api/unstable/profiles/list"),
    host: client.host(site, "profiles"),
    json,
    timeoutMs: client.settings.listTimeoutMs,
    retry: true,
    signal: o.signal,
  });
  if (res.status >= 300) {
    throw new DatadogError(`datadog list failed: status ${res.status}: ${quoteBody(res.body)}`, res.status);
  }
  const value = parseJson(res.body, "the profiles list");
  if (value !== null && typeof value === "object" && "errors" in value) {
    throw new DatadogError(`datadog list returned errors: ${JSON.stringify((value as { errors: unknown }).errors)}`);
  }
  const answer = parseAnswer(listAnswer, value, "the profiles list");
  const entries: ListEntry[] = [];
  let skipped = 0;
  answer.data.forEach((x, i) => {
    if (x === null || typeof x !== "object" || Array.isArray(x)) skipped++;
    else entries.push(parseAnswer(listEntry, x, "the profiles list", `data[${i}]`));
  });
  const after = answer.meta?.page?.after;
  return { entries, skipped, ...(after ? { after } : {}) };
}

/** The candidate of a list entry (ids, timestamp and version with their fallbacks, numeric fields). */
export function candidateOf(e: ListEntry): Candidate {
  const a = e.attributes ?? {};
  const c: Candidate = {
    profile_id: s(a["profile-id"]) || s(e["profile-id"]) || s(e.profile_id),
    event_id: s(e.id),
    timestamp: s(a.timestamp) || s(e.timestamp),
  };
  const tagVersion = (a.tags ?? []).find((t): t is string => typeof t === "string" && t.startsWith("version:"));
  const version = s(a.version) || (tagVersion ? tagVersion.slice("version:".length) : "") || s(e.version);
  if (version) c.version = version;
  const numbers: Record<string, number> = {};
  for (const src of [e as Record<string, unknown>, a as Record<string, unknown>]) {
    for (const k of NUMERIC_FIELDS) {
      const n = numeric(src[k]);
      if (n !== undefined) numbers[k] = n;
    }
  }
  if (Object.keys(numbers).length > 0) c.numeric_fields = numbers;
  return c;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Candidates of a window, and what the listing noticed. */
export interface Listing {
  candidates: Candidate[];
  warnings: string[];
  /** Pages read. */
  pages: number;
  /** More profiles are in the window than were read. */
  more: boolean;
}

/** The page size of listings that read a whole window (the oldest profile, the side after an event). */
export const WINDOW_PAGE = 500;

/** The most pages one listing reads (at 500 a page: 100,000 profiles). */
export const MAX_PAGES = 200;

/**
 * Lists profiles newest first, page after page, until `enough` says so (after each page), `limit` candidates are
 * in, the window has no more, or {@link MAX_PAGES} were read. Entries without ids are left out with a warning.
 */
export async function listCandidates(
  client: DatadogClient,
  site: string,
  f: ListFilter,
  o: { limit: number; pageSize?: number; signal?: AbortSignal; enough?: (cs: Candidate[]) => boolean },
): Promise<Listing> {
  const candidates: Candidate[] = [];
  let skipped = 0, noIds = 0, pages = 0;
  let cursor: string | undefined;
  let more = false;
  const pageSize = o.pageSize ?? o.limit;
  for (;;) {
    const page = await listPage(client, site, f, Math.min(pageSize, o.limit - candidates.length), {
      cursor,
      signal: o.signal,
    });
    pages++;
    skipped += page.skipped;
    for (const e of page.entries) {
      const c = candidateOf(e);
      if (c.profile_id === "" || c.event_id === "") noIds++;
      else if (candidates.length < o.limit) candidates.push(c);
    }
    cursor = page.after;
    more = cursor !== undefined;
    if (!more || candidates.length >= o.limit || o.enough?.(candidates) || page.entries.length === 0) break;
    if (pages >= MAX_PAGES) break;
  }
  const warnings: string[] = [];
  if (skipped > 0) warnings.push(`skipped ${skipped} list entries that were not objects`);
  if (noIds > 0) warnings.push(`skipped ${noIds} list entries without profile id or event id`);
  if (more && pages >= MAX_PAGES && candidates.length < o.limit) {
    warnings.push(`stopped after ${pages} pages of profiles; narrow the window for the rest`);
  }
  return { candidates, warnings, pages, more };
}

/**
 * Downloads the bundle (a zip) of one profile.
 *
 * @throws {DatadogError} for any status but 200 (after the retries of 429 and 5xx) or a body over the size cap.
 */
export async function downloadBundle(
  client: DatadogClient,
  site: string,
  profileId: string,
  eventId: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const path = `/api/ui/profiling/profiles/${encodeURIComponent(profileId)}/download?eventId=${
    encodeURIComponent(eventId)
  }`;
  const res = await client.send({
    method: "GET",
    url: client.url(site, "profiles", path),
    host: client.host(site, "profiles"),
    timeoutMs: client.settings.downloadTimeoutMs,
    retry: true,
    maxBodyBytes: maxProfileBytes(),
    signal,
  });
  if (res.status !== 200) {
    throw new DatadogError(`profile download failed: status ${res.status}: ${quoteBody(res.body)}`, res.status);
  }
  return res.body;
}
