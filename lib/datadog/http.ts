/**
 * The HTTP side of the Datadog client: authenticated requests with per-attempt timeouts, cancellation, a cap on
 * the body size, and for the profiles API the token bucket and the retry policy (429, 5xx and transport errors,
 * exponential backoff with jitter, `Retry-After`).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { formatByteSize } from "../profile/decompress.ts";
import { VERSION } from "../version.ts";
import {
  type ApiFamily,
  apiHost,
  apiUrl,
  BASE_URL_ENV,
  type ClientSettings,
  type DatadogKeys,
  datadogKeys,
  envVar,
  settingsFromEnv,
} from "./config.ts";
import { type Clock, RateLimiter, realClock } from "./limiter.ts";

/** A Datadog call that failed: reported as an INTERNAL tool error, a one-line message. */
export class DatadogError extends UserError {
  /** The HTTP status, when there was an answer. */
  readonly status?: number;

  constructor(message: string, status?: number) {
    super(message, "INTERNAL");
    this.name = "DatadogError";
    this.status = status;
  }
}

/** One request. */
export interface RequestSpec {
  method: "GET" | "POST";
  url: URL;
  /** The Datadog host the request is for (the rate limiter's key, also when a base URL override is in force). */
  host: string;
  /** A JSON body (sent with `Content-Type: application/json`). */
  json?: string;
  timeoutMs: number;
  /** Paced by the token bucket and retried (the profiles API); otherwise one attempt. */
  retry: boolean;
  /** The largest body accepted. */
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

/** An answer: status, headers, the whole body. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** Attempts it took. */
  attempts: number;
}

/** What a client is built from; everything has a default. */
export interface ClientOptions {
  settings?: ClientSettings;
  limiter?: RateLimiter;
  clock?: Clock;
  fetch?: typeof fetch;
  keys?: () => DatadogKeys;
  /** Uniform in [0, 1), for the backoff jitter. */
  random?: () => number;
  /** Replaces scheme and host of every call (default: `PPROF_MCP_DD_BASE_URL`). */
  baseUrl?: string;
}

/** The longest part of an error body quoted in a message. */
const BODY_QUOTE = 300;

/** A body as quoted in an error message: text, on one line, cut. */
export function quoteBody(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, BODY_QUOTE * 4)).replace(/\s+/g, " ").trim();
  return text.length > BODY_QUOTE ? text.slice(0, BODY_QUOTE) + "…" : text;
}

/** The cancellation error: the registry reports it as CANCELED. */
function canceled(): DOMException {
  return new DOMException("the call was canceled", "AbortError");
}

class BodyTooLarge extends Error {}

async function readBody(res: Response, max: number | undefined): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const declared = Number(res.headers.get("content-length") ?? "");
  if (max !== undefined && declared > max) {
    await res.body.cancel().catch(() => {});
    throw new BodyTooLarge(`the answer is ${formatByteSize(declared)}, more than the cap of ${formatByteSize(max)}`);
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (max !== undefined && total > max) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(`the answer is more than the cap of ${formatByteSize(max)}`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A duration in the unit people read: `60s`, `250ms`. */
function seconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

/** A transport failure as a short phrase: connection refused, connection reset, timed out, DNS… */
export function describeTransport(e: unknown, timedOutAfter?: number): string {
  if (timedOutAfter !== undefined) return `timed out after ${seconds(timedOutAfter)}`;
  const text = e instanceof Error ? `${e.message} ${(e.cause as Error | undefined)?.message ?? ""}` : String(e);
  if (/refused/i.test(text)) return "connection refused";
  if (/reset|closed before|error reading a body|connection closed|unexpected eof|broken pipe/i.test(text)) {
    return "connection reset";
  }
  if (/dns|lookup|name or service not known|nodename/i.test(text)) return "DNS lookup failed";
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

/**
 * A `Retry-After` value as a delay: integer seconds, or an HTTP date (delay = date − now); undefined when it gives
 * no positive delay. Capped at `maxMs`.
 */
export function retryAfterMs(value: string | null, nowMs: number, maxMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return ms > 0 ? Math.min(ms, maxMs) : undefined;
}

/** The client: one per process shares its token buckets across tools. */
export class DatadogClient {
  readonly settings: ClientSettings;
  readonly limiter: RateLimiter;
  #clock: Clock;
  #fetch: typeof fetch;
  #keys: () => DatadogKeys;
  #random: () => number;
  #baseUrl: string | undefined;

  constructor(o: ClientOptions = {}) {
    this.#baseUrl = o.baseUrl ?? envVar(BASE_URL_ENV);
    this.settings = o.settings ?? settingsFromEnv();
    this.#clock = o.clock ?? realClock;
    this.limiter = o.limiter ?? new RateLimiter(this.settings.rps, this.settings.burst, this.#clock);
    this.#fetch = o.fetch ?? fetch;
    this.#keys = o.keys ?? datadogKeys;
    this.#random = o.random ?? Math.random;
  }

  /** The URL of `path` on an API family of `site` (through the base-URL override when there is one). */
  url(site: string, family: ApiFamily, path: string): URL {
    return apiUrl(site, family, path, this.#baseUrl);
  }

  /** The Datadog host of an API family (the rate limiter's key). */
  host(site: string, family: ApiFamily): string {
    return apiHost(site, family);
  }

  /** Checks that the keys are set (before any other work), throwing the spec's error when not. */
  keys(): DatadogKeys {
    return this.#keys();
  }

  /** The backoff before attempt `n + 1`: min(base × 2^(n−1), max) plus jitter in [0, delay/4). */
  backoff(n: number): number {
    const d = Math.min(this.settings.backoffMs * 2 ** (n - 1), this.settings.backoffMaxMs);
    return d + this.#random() * (d / 4);
  }

  /**
   * Sends a request. With `retry`, each attempt first takes a token of the host's bucket, and 429, 5xx,
   * connection failures and timeouts are tried again, up to the configured attempts. Other statuses are returned
   * for the caller to judge.
   *
   * @throws {DatadogError} when every attempt failed; an AbortError when `signal` aborts.
   */
  async send(spec: RequestSpec): Promise<HttpResponse> {
    const keys = this.#keys();
    const headers: Record<string, string> = {
      "DD-API-KEY": keys.apiKey,
      "DD-APPLICATION-KEY": keys.appKey,
      "User-Agent": `pprof-mcp/${VERSION}`,
    };
    if (spec.json !== undefined) headers["Content-Type"] = "application/json";
    // Behind a base-URL override the URL no longer names the Datadog host: say it, for proxies and test doubles.
    if (this.#baseUrl) headers["X-Pprof-Mcp-Dd-Host"] = spec.host;
    const attempts = spec.retry ? this.settings.maxAttempts : 1;
    let failure = "";
    let failedStatus: number | undefined;
    for (let n = 1; n <= attempts; n++) {
      if (spec.signal?.aborted) throw canceled();
      if (spec.retry) await this.limiter.acquire(spec.host, spec.signal).catch(rethrowCanceled(spec.signal));
      const attempt = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        attempt.abort();
      }, spec.timeoutMs);
      const onAbort = () => attempt.abort();
      spec.signal?.addEventListener("abort", onAbort, { once: true });
      let delay: number;
      try {
        const res = await this.#fetch(spec.url, {
          method: spec.method,
          headers,
          body: spec.json,
          signal: attempt.signal,
        });
        const body = await readBody(res, spec.maxBodyBytes);
        const retryable = res.status === 429 || res.status >= 500;
        if (!spec.retry || !retryable) return { status: res.status, headers: res.headers, body, attempts: n };
        failure = `status ${res.status}: ${quoteBody(body)}`;
        failedStatus = res.status;
        const after = res.status === 429
          ? retryAfterMs(res.headers.get("retry-after"), Date.now(), this.settings.retryAfterMaxMs)
          : undefined;
        delay = after ?? this.backoff(n);
      } catch (e) {
        if (spec.signal?.aborted) throw canceled();
        if (e instanceof BodyTooLarge) throw new DatadogError(`datadog request to ${spec.url.pathname}: ${e.message}`);
        failure = describeTransport(e, timedOut ? spec.timeoutMs : undefined);
        failedStatus = undefined;
        if (!spec.retry) throw new DatadogError(`request to ${spec.host} failed: ${failure}`);
        delay = this.backoff(n);
      } finally {
        clearTimeout(timer);
        spec.signal?.removeEventListener("abort", onAbort);
      }
      if (n < attempts) await this.#clock.sleep(delay, spec.signal).catch(rethrowCanceled(spec.signal));
    }
    const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
    throw new DatadogError(`datadog request failed: ${failure} (${tries} to ${spec.host})`, failedStatus);
  }
}

function rethrowCanceled(signal?: AbortSignal) {
  return (e: unknown) => {
    if (signal?.aborted) throw canceled();
    throw e;
  };
}

let shared: DatadogClient | undefined;

/** The process's client: settings read once from the environment, one set of token buckets for every tool. */
export function sharedClient(): DatadogClient {
  return (shared ??= new DatadogClient());
}
