/**
 * The HTTP side of the Datadog client: authenticated requests through the shared sender of `lib/util/http.ts`
 * (per-attempt timeouts, cancellation, a cap on the body size, the retry policy), and for the profiles API the
 * token bucket and retries.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { formatByteSize } from "../profile/decompress.ts";
import { attemptsText, HttpFailure, type HttpResponse, sendWithRetry } from "../util/http.ts";
import { VERSION } from "../version.ts";
import {
  type ApiFamily,
  apiHost,
  apiUrl,
  BASE_URL_ENV,
  type ClientSettings,
  type DatadogKeys,
  datadogKeys,
  settingsFromEnv,
} from "./config.ts";
import { envVar } from "../util/env.ts";
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

export type { HttpResponse } from "../util/http.ts";
// The shared pieces, under the names the Datadog code and its tests have always imported.
export { describeTransport, quoteBody, retryAfterMs } from "../util/http.ts";

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
    try {
      return await sendWithRetry({
        method: spec.method,
        url: spec.url,
        headers,
        body: spec.json,
        timeoutMs: spec.timeoutMs,
        retry: spec.retry,
        attempts: this.settings.maxAttempts,
        maxBodyBytes: spec.maxBodyBytes,
        signal: spec.signal,
        backoff: (n) => this.backoff(n),
        retryAfterMaxMs: this.settings.retryAfterMaxMs,
        sleep: (ms, signal) => this.#clock.sleep(ms, signal),
        beforeAttempt: spec.retry ? (signal) => this.limiter.acquire(spec.host, signal) : undefined,
        fetch: this.#fetch,
        formatBytes: formatByteSize,
      });
    } catch (e) {
      if (!(e instanceof HttpFailure)) throw e;
      if (e.kind === "too_large") throw new DatadogError(`datadog request to ${spec.url.pathname}: ${e.message}`);
      if (!spec.retry) throw new DatadogError(`request to ${spec.host} failed: ${e.message}`);
      throw new DatadogError(
        `datadog request failed: ${e.message} (${attemptsText(e.attempts)} to ${spec.host})`,
        e.status,
      );
    }
  }
}

let shared: DatadogClient | undefined;

/** The process's client: settings read once from the environment, one set of token buckets for every tool. */
export function sharedClient(): DatadogClient {
  return (shared ??= new DatadogClient());
}
