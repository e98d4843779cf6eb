/**
 * Pyroscope client configuration: the server's URL (argument or `PYROSCOPE_URL`), credentials (basic auth or a
 * bearer token) and the tenant header from the environment, and the retry and timeout settings.
 *
 * @module
 */
import { durationEnv, intEnv } from "../datadog/config.ts";
import { envVar } from "../util/env.ts";
import { UserError } from "../errors.ts";

/** The environment variables the client reads. */
export const ENV = {
  url: "PYROSCOPE_URL",
  username: "PYROSCOPE_USERNAME",
  password: "PYROSCOPE_PASSWORD",
  token: "PYROSCOPE_TOKEN",
  tenant: "PYROSCOPE_TENANT_ID",
  maxRetries: "PPROF_MCP_PYROSCOPE_MAX_RETRIES",
  timeout: "PPROF_MCP_PYROSCOPE_TIMEOUT",
  backoff: "PPROF_MCP_PYROSCOPE_BACKOFF",
} as const;

/**
 * The base URL of a call: `url` when given, else `PYROSCOPE_URL`; an http(s) URL whose path prefix is kept (a
 * server behind a reverse proxy at `/pyroscope`).
 *
 * @throws {UserError} when neither is set, or the text is not an http(s) URL.
 */
export function baseUrl(url?: string): URL {
  const given = url !== undefined && url.trim() !== "";
  const text = given ? url.trim() : envVar(ENV.url)?.trim() ?? "";
  const field = given ? "url" : ENV.url;
  if (text === "") {
    throw new UserError(
      `no Pyroscope server: give url or set ${ENV.url} (e.g. http://localhost:4040)`,
      "INVALID_ARGUMENT",
      {
        field: "url",
      },
    );
  }
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UserError(`${field}: "${text}" is not a URL (e.g. http://localhost:4040)`, "INVALID_ARGUMENT", { field });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new UserError(`${field}: "${text}" must be an http or https URL`, "INVALID_ARGUMENT", { field });
  }
  return new URL(u.origin + u.pathname.replace(/\/+$/, ""));
}

/**
 * The headers of every request from the environment: `Authorization: Bearer` from `PYROSCOPE_TOKEN`, else Basic
 * from `PYROSCOPE_USERNAME` and `PYROSCOPE_PASSWORD` (Grafana Cloud: the stack's user id and an access token), and
 * `X-Scope-OrgID` from `PYROSCOPE_TENANT_ID` on a multi-tenant server.
 *
 * @throws {UserError} when both a token and basic credentials are set (which one is meant is not clear).
 */
export function authHeaders(): Record<string, string> {
  const get = (k: string) => envVar(k)?.trim() ?? "";
  const token = get(ENV.token), user = get(ENV.username), password = envVar(ENV.password) ?? "";
  const headers: Record<string, string> = {};
  if (token !== "" && (user !== "" || password !== "")) {
    throw new UserError(`set either ${ENV.token} or ${ENV.username}/${ENV.password}, not both`);
  }
  if (token !== "") headers["Authorization"] = `Bearer ${token}`;
  else if (user !== "" || password !== "") {
    const bytes = new TextEncoder().encode(`${user}:${password}`);
    headers["Authorization"] = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  }
  const tenant = get(ENV.tenant);
  if (tenant !== "") headers["X-Scope-OrgID"] = tenant;
  return headers;
}

/** How the client retries and times out requests. */
export interface PyroscopeSettings {
  /** Total attempts of a request. */
  maxAttempts: number;
  /** Per-attempt timeout: the server merges many profiles for one answer, so it is generous. */
  timeoutMs: number;
  /** First backoff delay; doubled per attempt up to `backoffMaxMs`. */
  backoffMs: number;
  backoffMaxMs: number;
  /** The longest `Retry-After` honoured. */
  retryAfterMaxMs: number;
}

/** The defaults, those of the Datadog client's profile downloads. */
export const DEFAULT_SETTINGS: PyroscopeSettings = {
  maxAttempts: 5,
  timeoutMs: 120_000,
  backoffMs: 200,
  backoffMaxMs: 5_000,
  retryAfterMaxMs: 60_000,
};

/**
 * The settings from the environment: `PPROF_MCP_PYROSCOPE_MAX_RETRIES` (total attempts), `PPROF_MCP_PYROSCOPE_TIMEOUT`
 * and the first backoff `PPROF_MCP_PYROSCOPE_BACKOFF` (durations such as `30s`, `500ms`).
 */
export function settingsFromEnv(): PyroscopeSettings {
  return {
    ...DEFAULT_SETTINGS,
    maxAttempts: intEnv(ENV.maxRetries, 1, DEFAULT_SETTINGS.maxAttempts),
    timeoutMs: durationEnv(ENV.timeout, DEFAULT_SETTINGS.timeoutMs),
    backoffMs: durationEnv(ENV.backoff, DEFAULT_SETTINGS.backoffMs),
  };
}
