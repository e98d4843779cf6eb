/**
 * Datadog client configuration: API keys, site resolution, the base-URL override, and the retry, rate and timeout
 * settings read from the environment.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { parseDuration } from "./timeparse.ts";
import { envVar } from "../util/env.ts";

/** The site used when neither an argument nor `DD_SITE` names one. */
export const DEFAULT_SITE = "us3.datadoghq.com";

/** The two keys every Datadog request carries. */
export interface DatadogKeys {
  apiKey: string;
  appKey: string;
}

/**
 * `DD_API_KEY` and `DD_APP_KEY`, read at call time.
 *
 * @throws {UserError} `missing DD_API_KEY or DD_APP_KEY` when either is unset or blank.
 */
export function datadogKeys(): DatadogKeys {
  const apiKey = envVar("DD_API_KEY")?.trim() ?? "";
  const appKey = envVar("DD_APP_KEY")?.trim() ?? "";
  if (apiKey === "" || appKey === "") {
    throw new UserError("missing DD_API_KEY or DD_APP_KEY", "INVALID_ARGUMENT", {
      hint: "Set DD_API_KEY and DD_APP_KEY in the server's environment (the MCP client config's env block).",
    });
  }
  return { apiKey, appKey };
}

/**
 * The Datadog site of a call: the first non-empty argument (callers pass them in the order their tool gives
 * precedence), else `DD_SITE`, else `us3.datadoghq.com`. The site is used verbatim.
 */
export function resolveSite(...args: (string | undefined)[]): string {
  for (const a of args) if (a !== undefined && a.trim() !== "") return a;
  const env = envVar("DD_SITE");
  return env !== undefined && env.trim() !== "" ? env : DEFAULT_SITE;
}

/** The two API families, which live on different hosts of a site. */
export type ApiFamily = "profiles" | "metrics";

/** The host an API family of `site` is served from: `<site>` for profiles, `api.<site>` for metrics. */
export function apiHost(site: string, family: ApiFamily): string {
  return family === "profiles" ? site : `api.${site}`;
}

/** The environment variable that replaces scheme and host of every Datadog call (test doubles, proxies). */
export const BASE_URL_ENV = "PPROF_MCP_DD_BASE_URL";

/**
 * The URL of `path` (with its query) on an API family of `site`: `https://<host><path>`, or, with
 * `PPROF_MCP_DD_BASE_URL` set, that URL's scheme, host and path prefix followed by `path`.
 *
 * @throws {UserError} when the override is not an http(s) URL.
 */
export function apiUrl(site: string, family: ApiFamily, path: string, base = envVar(BASE_URL_ENV)): URL {
  if (base !== undefined && base.trim() !== "") {
    let u: URL;
    try {
      u = new URL(base.trim());
    } catch {
      throw new UserError(`${BASE_URL_ENV}: "${base}" is not a URL (e.g. http://127.0.0.1:8126)`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new UserError(`${BASE_URL_ENV}: "${base}" must be an http or https URL`);
    }
    return new URL(u.origin + u.pathname.replace(/\/+$/, "") + path);
  }
  return new URL(`https://${apiHost(site, family)}${path}`);
}

/** How the client retries, paces and times out requests. */
export interface ClientSettings {
  /** Total attempts of a profiles-API request (not extra retries). */
  maxAttempts: number;
  /** Token-bucket refill per host, requests per second; 0 disables rate limiting. */
  rps: number;
  /** Token-bucket capacity. */
  burst: number;
  /** Per-attempt timeouts, milliseconds. */
  listTimeoutMs: number;
  downloadTimeoutMs: number;
  metricsTimeoutMs: number;
  /** First backoff delay; doubled per attempt up to `backoffMaxMs`. */
  backoffMs: number;
  backoffMaxMs: number;
  /** The longest `Retry-After` honoured. */
  retryAfterMaxMs: number;
}

/** The original tool's values. */
export const DEFAULT_SETTINGS: ClientSettings = {
  maxAttempts: 5,
  rps: 2,
  burst: 4,
  listTimeoutMs: 60_000,
  downloadTimeoutMs: 120_000,
  metricsTimeoutMs: 30_000,
  backoffMs: 200,
  backoffMaxMs: 5_000,
  retryAfterMaxMs: 60_000,
};

/** An integer environment variable of at least `min`, else `fallback`. */
export function intEnv(name: string, min: number, fallback: number): number {
  const v = envVar(name)?.trim() ?? "";
  if (!/^[+-]?\d+$/.test(v)) return fallback;
  const n = Number(v);
  return n >= min ? n : fallback;
}

/** A duration environment variable such as 500ms or 2s (a bare number is seconds), else `fallback`. */
export function durationEnv(name: string, fallback: number): number {
  const v = envVar(name)?.trim() ?? "";
  if (v === "") return fallback;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  try {
    const ms = parseDuration(v);
    return ms > 0 ? ms : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The settings from the environment: `PPROF_MCP_DD_MAX_RETRIES` (total attempts; not an integer or < 1 → 5),
 * `PPROF_MCP_DD_RPS` or its alias `PPROF_MCP_DD_RATE_LIMIT_RPS` (unparseable → 2, ≤ 0 disables the limiter),
 * `PPROF_MCP_DD_BURST` (< 1 → 4), and the timeouts `PPROF_MCP_DD_LIST_TIMEOUT`, `PPROF_MCP_DD_DOWNLOAD_TIMEOUT`,
 * `PPROF_MCP_DD_METRICS_TIMEOUT` and first backoff `PPROF_MCP_DD_BACKOFF` (durations such as `500ms`).
 */
export function settingsFromEnv(): ClientSettings {
  const rpsText = (envVar("PPROF_MCP_DD_RPS") ?? "").trim() || (envVar("PPROF_MCP_DD_RATE_LIMIT_RPS") ?? "").trim();
  const rpsNum = rpsText === "" ? DEFAULT_SETTINGS.rps : Number(rpsText);
  return {
    maxAttempts: intEnv("PPROF_MCP_DD_MAX_RETRIES", 1, DEFAULT_SETTINGS.maxAttempts),
    rps: Number.isFinite(rpsNum) ? Math.max(0, rpsNum) : DEFAULT_SETTINGS.rps,
    burst: intEnv("PPROF_MCP_DD_BURST", 1, DEFAULT_SETTINGS.burst),
    listTimeoutMs: durationEnv("PPROF_MCP_DD_LIST_TIMEOUT", DEFAULT_SETTINGS.listTimeoutMs),
    downloadTimeoutMs: durationEnv("PPROF_MCP_DD_DOWNLOAD_TIMEOUT", DEFAULT_SETTINGS.downloadTimeoutMs),
    metricsTimeoutMs: durationEnv("PPROF_MCP_DD_METRICS_TIMEOUT", DEFAULT_SETTINGS.metricsTimeoutMs),
    backoffMs: durationEnv("PPROF_MCP_DD_BACKOFF", DEFAULT_SETTINGS.backoffMs),
    backoffMaxMs: DEFAULT_SETTINGS.backoffMaxMs,
    retryAfterMaxMs: DEFAULT_SETTINGS.retryAfterMaxMs,
  };
}
