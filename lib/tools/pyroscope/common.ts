/**
 * Pieces the Pyroscope tools share: their common arguments, the client of a call, the time window (the Datadog
 * tools' relative-time parsing), fetching a merged profile into a file inside the sandbox with a handle, and the
 * echoed command lines.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { parseTimeArg, rfc3339, TIME_FORMS } from "../../datadog/timeparse.ts";
import { detectCompression } from "../../profile/decompress.ts";
import { parseProfile } from "../../profile/load.ts";
import type { Profile } from "../../profile/model.ts";
import { PyroscopeClient, PyroscopeError } from "../../pyroscope/client.ts";
import { ENV } from "../../pyroscope/config.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import type { ToolContext } from "../registry.ts";

/** The window of a call when `from` is not given: the last hour, as Grafana's default. */
export const DEFAULT_WINDOW_MS = 3_600_000;

/** Common arguments. */
export const pyArgs = {
  url: z.string().describe(`Pyroscope server, e.g. http://localhost:4040 (default: ${ENV.url})`).optional(),
  profile_type: z.string().describe(
    "Profile type ID as pyroscope.profile_types lists it, e.g. process_cpu:cpu:nanoseconds:cpu:nanoseconds",
  ),
  selector: z.string().describe('Label selector, e.g. {service_name="checkout", env="prod"} ({} for all)'),
  from: z.string().describe(`Window start: ${TIME_FORMS} (default -1h)`).optional(),
  to: z.string().describe("Window end, as from (default now)").optional(),
};

/** The client of a call (one per call: the URL is an argument). */
export function client(url: string | undefined): PyroscopeClient {
  return new PyroscopeClient({ url });
}

/** A window: milliseconds and RFC 3339 texts. */
export interface Window {
  startMs: number;
  endMs: number;
  from: string;
  to: string;
}

/**
 * The window of `from`/`to` (names of the arguments for errors): default the last hour up to now.
 *
 * @throws {UserError} for an unparseable time, or a start not before the end.
 */
export function windowOf(
  a: { from?: string; to?: string },
  nowMs = Date.now(),
  names: { from: string; to: string } = { from: "from", to: "to" },
): Window {
  const endMs = parseTimeArg(a.to, nowMs, names.to) ?? Math.floor(nowMs / 1000) * 1000;
  const startMs = parseTimeArg(a.from, nowMs, names.from) ?? endMs - DEFAULT_WINDOW_MS;
  if (startMs >= endMs) {
    throw new UserError(
      `${names.from} (${rfc3339(startMs)}) must be before ${names.to} (${rfc3339(endMs)})`,
      "INVALID_ARGUMENT",
      { field: names.from },
    );
  }
  return { startMs, endMs, from: rfc3339(startMs), to: rfc3339(endMs) };
}

/**
 * Checks a label selector's outer form (`{…}`), so a typo is named here rather than by the server.
 *
 * @throws {UserError} naming `field`.
 */
export function checkSelector(selector: string, field = "selector"): string {
  const s = selector.trim();
  if (!s.startsWith("{") || !s.endsWith("}")) {
    throw new UserError(
      `invalid ${field} "${selector}": a label selector is {name="value", …}, e.g. {service_name="checkout"}`,
      "INVALID_ARGUMENT",
      { field, expected: '{service_name="checkout"}', received: selector },
    );
  }
  return s;
}

/** A merged profile fetched and written. */
export interface Fetched {
  handle: string;
  path: string;
  bytes: number;
  profile: Profile;
}

/**
 * Fetches the merged profile of a selection and writes it to `path` atomically (gzip, as pprof writes; the
 * server's bytes otherwise unchanged), registering a handle.
 *
 * @throws {UserError} NOT_FOUND when nothing matched; PyroscopeError when the answer is not a profile.
 */
export async function fetchMerged(
  ctx: Pick<ToolContext, "signal" | "handles">,
  py: PyroscopeClient,
  s: { profileType: string; selector: string; window: Window },
  path: string,
): Promise<Fetched> {
  const body = await py.selectMergeProfile({
    profileType: s.profileType,
    selector: s.selector,
    startMs: s.window.startMs,
    endMs: s.window.endMs,
  }, ctx.signal);
  const nothing = () =>
    new UserError(
      `no ${s.profileType} profiles match ${s.selector} from ${s.window.from} to ${s.window.to} on ${py.url.host}`,
      "NOT_FOUND",
      { hint: "pyroscope.labels lists the label names and values; pyroscope.profile_types the types with data." },
    );
  if (body.length === 0) throw nothing();
  let profile: Profile;
  try {
    profile = parseProfile(body);
  } catch (e) {
    throw new PyroscopeError(
      `pyroscope SelectMergeProfile at ${py.url.host}: the answer is not a profile (${(e as Error).message})`,
    );
  }
  if (profile.sampleCount === 0) throw nothing();
  ctx.signal.throwIfAborted();
  const data = detectCompression(body) === "none" ? new Uint8Array(gzipSync(body)) : body;
  await writeFileAtomic(path, data);
  const h = ctx.handles.register({
    type: s.profileType,
    timestamp: s.window.to,
    path,
    bytes: data.length,
  });
  return { handle: h.id, path, bytes: data.length, profile };
}

/** The `pprof-mcp pyroscope …` command line of a call, flags in order, empty ones left out. */
export { cliCommand } from "../datadog/common.ts";
