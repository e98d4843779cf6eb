/**
 * Fetching a profile from a live endpoint (Go's net/http/pprof, or any server that answers with profile.proto):
 * the URL as `go tool pprof` reads it, a deadline of the capture plus a margin, progress during a capture, a cap on
 * the bytes, and the answer decoded before anyone keeps it.
 *
 * @module
 */
import { ProfileError, UserError } from "../errors.ts";
import { detectCompression, inflate, parseByteSize } from "../profile/decompress.ts";
import { parseProfileFormat } from "../profile/load.ts";
import type { Profile } from "../profile/model.ts";
import { firstLine, HttpError, httpRequest, shownUrl } from "./http.ts";
import { envVar } from "../util/env.ts";

/** What net/http/pprof records when `seconds` is not given to /debug/pprof/profile. */
export const DEFAULT_CPU_SECONDS = 30;

/** The time a server may take beyond the capture itself (the original's d2 margin). */
export const MARGIN_SECONDS = 60;

/** The environment variable that sets the cap on a downloaded profile's size. */
export const MAX_DOWNLOAD_BYTES_ENV = "PPROF_MCP_MAX_DOWNLOAD_BYTES";

/** The cap on a downloaded profile unless configured: 256 MiB (compressed; the decompression cap applies after). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 256 << 20;

/** The cap on a download's size: `PPROF_MCP_MAX_DOWNLOAD_BYTES`, else 256 MiB. */
export function maxDownloadBytes(): number {
  const text = envVar(MAX_DOWNLOAD_BYTES_ENV);
  return text === undefined || text === "" ? DEFAULT_MAX_DOWNLOAD_BYTES : parseByteSize(text, MAX_DOWNLOAD_BYTES_ENV);
}

/** The endpoints of net/http/pprof that answer with a profile, and the kind each gives. */
const KIND_OF_ENDPOINT: Record<string, string> = {
  profile: "cpu",
  heap: "heap",
  allocs: "allocs",
  goroutine: "goroutine",
  mutex: "mutex",
  block: "block",
  threadcreate: "threadcreate",
};

/** Where a fetch goes and what it captures. */
export interface ProfileTarget {
  url: URL;
  /** cpu, heap, allocs, goroutine, mutex, block, threadcreate, or the endpoint's last path segment. */
  kind: string;
  /** How long the server records before it answers (0: it answers at once). */
  captureSeconds: number;
}

/**
 * The URL of a profile endpoint as `go tool pprof` reads one: `host:port` alone means http and
 * `/debug/pprof/profile`; `seconds` is set as the `seconds` query parameter (which must then agree with one the URL
 * already has). A CPU capture without `seconds` records net/http/pprof's default, 30 s.
 *
 * @throws {UserError} for a URL that does not parse, another scheme, or two different `seconds`.
 */
export function profileTarget(input: string, seconds?: number): ProfileTarget {
  const text = input.trim();
  if (text === "") throw new UserError("url is required", "INVALID_ARGUMENT", { field: "url" });
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UserError(
      `url "${text}" is not a URL (e.g. http://localhost:6060/debug/pprof/heap)`,
      "INVALID_ARGUMENT",
      {
        field: "url",
      },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserError(`url "${text}": only http:// and https:// endpoints are supported`, "INVALID_ARGUMENT", {
      field: "url",
    });
  }
  if (url.pathname === "" || url.pathname === "/") url.pathname = "/debug/pprof/profile";
  const given = url.searchParams.get("seconds");
  if (seconds !== undefined) {
    if (given !== null && Number(given) !== seconds) {
      throw new UserError(
        `url asks for seconds=${given} but seconds is ${seconds}: give one of them`,
        "INVALID_ARGUMENT",
        { field: "seconds" },
      );
    }
    url.searchParams.set("seconds", String(seconds));
  }
  const last = url.pathname.replace(/\/+$/, "").split("/").at(-1) ?? "";
  const kind = KIND_OF_ENDPOINT[last] ?? (last === "" ? "unknown" : last);
  const asked = url.searchParams.get("seconds");
  let capture = asked === null ? 0 : Number(asked);
  if (!Number.isFinite(capture) || capture < 0) {
    throw new UserError(`url "${text}": seconds=${asked} is not a number of seconds`, "INVALID_ARGUMENT", {
      field: "url",
    });
  }
  if (kind === "cpu" && asked === null) capture = DEFAULT_CPU_SECONDS;
  return { url, kind, captureSeconds: capture };
}

/** How to fetch. */
export interface FetchOptions {
  headers?: Record<string, string>;
  /** Accept any TLS certificate (port-forwards to dev pods only). */
  insecure?: boolean;
  signal?: AbortSignal;
  /** Called about every second of a capture with the seconds elapsed and the capture's length. */
  progress?: (elapsed: number, total: number) => void | Promise<void>;
  /** Cap on the answer's bytes (default {@link maxDownloadBytes}). */
  maxBytes?: number;
  /** The deadline's margin beyond the capture (default {@link MARGIN_SECONDS}). */
  marginSeconds?: number;
}

/** A fetched profile: the bytes as served, and what they decode to. */
export interface FetchedProfile {
  target: ProfileTarget;
  /** The answer's bytes, as the server sent them (usually gzipped profile.proto). */
  bytes: Uint8Array;
  profile: Profile;
  /** The format the bytes were read as (profile.proto file, V8 CPU profile…). */
  format: string;
  /** The file name extension that fits the bytes: .pb.gz, .pb.zst, .pb, or the other format's (.cpuprofile…). */
  extension: string;
}

const ENDPOINTS = "net/http/pprof serves /debug/pprof/profile (CPU), heap, allocs, goroutine, mutex, block and " +
  "threadcreate";

/**
 * Fetches a profile and decodes it (within the decompression cap) before returning it, so a web page, an error
 * text or a truncated answer is never taken for a profile.
 *
 * @throws {HttpError} when the server is unreachable, slow, answers too much, or answers with an error status (the
 *   message has the status and the first line of the body, where net/http/pprof says why).
 * @throws {UserError} when the answer is not a profile.
 * @throws {DOMException} AbortError when `signal` aborts.
 */
export async function fetchProfile(target: ProfileTarget, o: FetchOptions = {}): Promise<FetchedProfile> {
  const where = shownUrl(target.url);
  const margin = o.marginSeconds ?? MARGIN_SECONDS;
  const timeoutMs = (target.captureSeconds + margin) * 1000;
  let ticker: ReturnType<typeof setInterval> | undefined;
  if (target.captureSeconds > 0 && o.progress) {
    const started = Date.now();
    const total = target.captureSeconds;
    ticker = setInterval(() => {
      const elapsed = Math.min(total, Math.round((Date.now() - started) / 1000));
      void Promise.resolve(o.progress!(elapsed, total)).catch(() => {});
    }, 1000);
  }
  let answer;
  try {
    answer = await httpRequest({
      url: target.url,
      headers: o.headers,
      insecure: o.insecure,
      signal: o.signal,
      timeoutMs,
      maxBytes: o.maxBytes ?? maxDownloadBytes(),
      timeoutReason: target.captureSeconds > 0
        ? `a ${target.captureSeconds} s capture and a ${margin} s margin`
        : `the deadline of an answer that needs no capture`,
    });
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
  }
  if (answer.status < 200 || answer.status > 299) {
    const line = firstLine(answer.body);
    const hint = answer.status === 404 ? ` (${ENDPOINTS}; is net/http/pprof imported and is the path right?)` : "";
    throw new HttpError(
      `${where}: ${answer.status} ${answer.statusText}${line ? `: ${line}` : ""}${hint}`,
      `HTTP_${answer.status}`,
    );
  }
  if (answer.body.length === 0) throw new UserError(`${where}: the answer is empty, not a profile`);
  o.signal?.throwIfAborted();
  let decoded;
  try {
    decoded = parseProfileFormat(await inflate(answer.body));
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    throw new UserError(`${where}: ${notAProfile(e.message, answer, target)}`);
  }
  return {
    target,
    bytes: answer.body,
    profile: decoded.profile,
    format: decoded.format,
    extension: extensionOf(answer.body, decoded.format),
  };
}

/** Why an answer is not a profile, in words that point at the fix. */
function notAProfile(reason: string, a: { contentType: string }, t: ProfileTarget): string {
  if (t.url.searchParams.has("debug")) {
    return "the answer is text, not a profile: ?debug=N asks net/http/pprof for text; drop it from the URL";
  }
  if (/html/i.test(a.contentType)) {
    return `the answer is a web page (${a.contentType}), not a profile: is the path right? (${ENDPOINTS})`;
  }
  const why = reason.replace(/^not a profile: /, "");
  return `the answer is not a profile: ${why}${a.contentType ? ` (content type ${a.contentType})` : ""}`;
}

/** File name extensions by the format the bytes were read as (profile.proto's depends on its compression). */
const EXTENSIONS: Record<string, string> = {
  "V8 CPU profile": ".cpuprofile",
  "V8 heap profile": ".heapprofile",
  "JFR recording": ".jfr",
  "folded stacks file": ".folded",
  "legacy CPU profile": ".prof",
};

function extensionOf(bytes: Uint8Array, format: string): string {
  const compression = detectCompression(bytes);
  const other = EXTENSIONS[format];
  if (other !== undefined) return other + (compression === "gzip" ? ".gz" : compression === "zstd" ? ".zst" : "");
  return compression === "gzip" ? ".pb.gz" : compression === "zstd" ? ".pb.zst" : ".pb";
}
