/**
 * The Pyroscope query client: `querier.v1.QuerierService` over the Connect protocol (unary HTTP POST to
 * `/querier.v1.QuerierService/<Method>`, protobuf bodies, `Content-Type: application/proto`), with the retry,
 * timeout and size-cap rules of the Datadog client (the shared sender of `lib/util/http.ts`) and one-line errors
 * from Connect's JSON error bodies.
 *
 * @module
 */
import { type ErrorCode, UserError } from "../errors.ts";
import { abortableSleep } from "../datadog/limiter.ts";
import { formatByteSize, maxProfileBytes } from "../profile/decompress.ts";
import { attemptsText, HttpFailure, quoteBody, sendWithRetry } from "../util/http.ts";
import { VERSION } from "../version.ts";
import { authHeaders, baseUrl, ENV, type PyroscopeSettings, settingsFromEnv } from "./config.ts";
import { decodeMessage, encodeMessage } from "./schema.ts";

/** A Pyroscope call that failed, as a one-line message. */
export class PyroscopeError extends UserError {
  /** The HTTP status, when there was an answer. */
  readonly status?: number;

  constructor(message: string, code: ErrorCode = "INTERNAL", status?: number, hint?: string) {
    super(message, code, hint ? { hint } : {});
    this.name = "PyroscopeError";
    this.status = status;
  }
}

/** The service path every method is under. */
export const SERVICE = "/querier.v1.QuerierService";

/** The cap on answers other than profiles (lists of names, series). */
const MAX_LIST_BYTES = 64 << 20;

/** A profile type as the server names it: `process_cpu:cpu:nanoseconds:cpu:nanoseconds` and its parts. */
export interface ProfileType {
  ID: string;
  name: string;
  sample_type: string;
  sample_unit: string;
  period_type: string;
  period_unit: string;
}

/** A label name and value. */
export interface LabelPair {
  name: string;
  value: string;
}

/** One series of SelectSeries: its labels (the group-by values) and points (timestamp ms, value). */
export interface Series {
  labels: LabelPair[];
  points: { timestamp: number; value: number }[];
}

/** What a query of profiles selects. */
export interface Selection {
  /** The profile type ID, e.g. `process_cpu:cpu:nanoseconds:cpu:nanoseconds`. */
  profileType: string;
  /** A label selector, e.g. `{service_name="checkout"}`. */
  selector: string;
  startMs: number;
  endMs: number;
}

/** What a client is built from; everything but the URL has a default. */
export interface PyroscopeOptions {
  /** The server (default: `PYROSCOPE_URL`). */
  url?: string;
  settings?: PyroscopeSettings;
  fetch?: typeof fetch;
  /** Headers of every request (default: credentials and tenant from the environment). */
  headers?: Record<string, string>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** Connect's error body: `{"code": "invalid_argument", "message": "…"}`. */
function connectError(body: Uint8Array): { code?: string; message?: string } | undefined {
  try {
    const j = JSON.parse(new TextDecoder().decode(body));
    return j && typeof j === "object" ? { code: String(j.code ?? ""), message: String(j.message ?? "") } : undefined;
  } catch {
    return undefined;
  }
}

/** A client of one server. */
export class PyroscopeClient {
  readonly url: URL;
  readonly settings: PyroscopeSettings;
  #fetch: typeof fetch;
  #headers: Record<string, string>;
  #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #random: () => number;

  /** @throws {UserError} when there is no URL or it is not http(s), or the credentials are ambiguous. */
  constructor(o: PyroscopeOptions = {}) {
    this.url = baseUrl(o.url);
    this.settings = o.settings ?? settingsFromEnv();
    this.#fetch = o.fetch ?? fetch;
    this.#headers = o.headers ?? authHeaders();
    this.#sleep = o.sleep ?? abortableSleep;
    this.#random = o.random ?? Math.random;
  }

  /** The backoff before attempt `n + 1`: min(base × 2^(n−1), max) plus jitter in [0, delay/4). */
  backoff(n: number): number {
    const d = Math.min(this.settings.backoffMs * 2 ** (n - 1), this.settings.backoffMaxMs);
    return d + this.#random() * (d / 4);
  }

  /**
   * Calls one method: the request message encoded, the answer's bytes returned (a 200's body).
   *
   * @throws {PyroscopeError} for an error status (Connect's code and message), a body over the cap, or when every
   * attempt failed; an AbortError when `signal` aborts.
   */
  async call(
    method: string,
    requestType: string,
    request: Record<string, unknown>,
    o: { signal?: AbortSignal; maxBodyBytes?: number } = {},
  ): Promise<Uint8Array> {
    const url = new URL(this.url.origin + this.url.pathname.replace(/\/+$/, "") + `${SERVICE}/${method}`);
    const host = this.url.host;
    let res;
    try {
      res = await sendWithRetry({
        method: "POST",
        url,
        headers: {
          ...this.#headers,
          "Content-Type": "application/proto",
          "Connect-Protocol-Version": "1",
          "Connect-Timeout-Ms": String(this.settings.timeoutMs),
          "User-Agent": `pprof-mcp/${VERSION}`,
        },
        body: encodeMessage(requestType, request),
        timeoutMs: this.settings.timeoutMs,
        retry: true,
        attempts: this.settings.maxAttempts,
        maxBodyBytes: o.maxBodyBytes ?? MAX_LIST_BYTES,
        signal: o.signal,
        backoff: (n) => this.backoff(n),
        retryAfterMaxMs: this.settings.retryAfterMaxMs,
        sleep: this.#sleep,
        fetch: this.#fetch,
        formatBytes: formatByteSize,
      });
    } catch (e) {
      if (!(e instanceof HttpFailure)) throw e;
      if (e.kind === "too_large") throw new PyroscopeError(`pyroscope ${method} at ${host}: ${e.message}`);
      throw new PyroscopeError(
        `pyroscope ${method} failed: ${e.message} (${attemptsText(e.attempts)} to ${host})`,
        "INTERNAL",
        e.status,
      );
    }
    if (res.status === 200) return res.body;
    const ce = connectError(res.body);
    const what = ce?.message ? `${ce.code ? ce.code + ": " : ""}${ce.message}` : quoteBody(res.body);
    const message = `pyroscope ${method} at ${host}: status ${res.status}${what ? `: ${what}` : ""}`;
    if (res.status === 401 || res.status === 403) {
      throw new PyroscopeError(
        message,
        "INVALID_ARGUMENT",
        res.status,
        `Set ${ENV.token}, or ${ENV.username} and ${ENV.password}, and ${ENV.tenant} on a multi-tenant server.`,
      );
    }
    if (res.status === 404) {
      throw new PyroscopeError(
        message,
        "INVALID_ARGUMENT",
        res.status,
        `Is ${this.url.href} a Pyroscope server? The query API is ${SERVICE}/… under it.`,
      );
    }
    throw new PyroscopeError(
      message,
      res.status >= 400 && res.status < 500 ? "INVALID_ARGUMENT" : "INTERNAL",
      res.status,
    );
  }

  /** Decodes an answer, naming the method when the bytes are not its message. */
  #decode<T>(method: string, type: string, bytes: Uint8Array): T {
    try {
      return decodeMessage<T>(type, bytes);
    } catch (e) {
      throw new PyroscopeError(
        `pyroscope ${method} at ${this.url.host}: the answer is not a ${type} message (${(e as Error).message})`,
      );
    }
  }

  /** The profile types with data between two times. */
  async profileTypes(startMs: number, endMs: number, signal?: AbortSignal): Promise<ProfileType[]> {
    const body = await this.call("ProfileTypes", "querier.v1.ProfileTypesRequest", { start: startMs, end: endMs }, {
      signal,
    });
    return this.#decode<{ profile_types: ProfileType[] }>("ProfileTypes", "querier.v1.ProfileTypesResponse", body)
      .profile_types;
  }

  /** The label names of the series matching `matchers` (selectors; none: all). */
  async labelNames(matchers: string[], startMs: number, endMs: number, signal?: AbortSignal): Promise<string[]> {
    const body = await this.call("LabelNames", "types.v1.LabelNamesRequest", { matchers, start: startMs, end: endMs }, {
      signal,
    });
    return this.#decode<{ names: string[] }>("LabelNames", "types.v1.LabelNamesResponse", body).names;
  }

  /** The values of one label of the series matching `matchers`. */
  async labelValues(
    name: string,
    matchers: string[],
    startMs: number,
    endMs: number,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const body = await this.call(
      "LabelValues",
      "types.v1.LabelValuesRequest",
      { name, matchers, start: startMs, end: endMs },
      { signal },
    );
    return this.#decode<{ names: string[] }>("LabelValues", "types.v1.LabelValuesResponse", body).names;
  }

  /** The total of a selection per step (seconds), one series per value of the `groupBy` labels. */
  async selectSeries(
    s: Selection & { stepSeconds: number; groupBy?: string[] },
    signal?: AbortSignal,
  ): Promise<Series[]> {
    const body = await this.call("SelectSeries", "querier.v1.SelectSeriesRequest", {
      profile_typeID: s.profileType,
      label_selector: s.selector,
      start: s.startMs,
      end: s.endMs,
      group_by: s.groupBy ?? [],
      step: s.stepSeconds,
    }, { signal });
    return this.#decode<{ series: Series[] }>("SelectSeries", "querier.v1.SelectSeriesResponse", body).series;
  }

  /** The merged profile of a selection: profile.proto bytes as the server sent them (capped like any profile). */
  async selectMergeProfile(s: Selection, signal?: AbortSignal): Promise<Uint8Array> {
    return await this.call("SelectMergeProfile", "querier.v1.SelectMergeProfileRequest", {
      profile_typeID: s.profileType,
      label_selector: s.selector,
      start: s.startMs,
      end: s.endMs,
    }, { signal, maxBodyBytes: maxProfileBytes() });
  }
}
