/**
 * Times and durations of the Datadog tools: Go durations (plus days and weeks), relative times such as `-3h` or
 * `-7d`, RFC 3339 timestamps, and the from/to window of a list call.
 *
 * @module
 */
import { UserError } from "../errors.ts";

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3, // U+00B5 micro sign
  "μs": 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const GROUP = /(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h|d|w)/y;

/**
 * Parses a Go duration (`1h`, `30m`, `2h30m`, `1.5h`, `500ms`, `0`), with `d` (24 h) and `w` (7 d) as extra
 * units; returns milliseconds, negative for a leading `-`.
 *
 * @throws {Error} with a message saying what is wrong.
 */
export function parseDuration(text: string): number {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw new Error(`invalid duration "${text}"`);
  let total = 0;
  GROUP.lastIndex = 0;
  while (GROUP.lastIndex < s.length) {
    const at = GROUP.lastIndex;
    const m = GROUP.exec(s);
    if (!m || m.index !== at || m[1] === "" || m[1] === ".") {
      const unit = /^\d*\.?\d*([a-zA-Zµμ]*)/.exec(s.slice(at))?.[1] ?? "";
      const why = unit === "" ? "missing unit" : `unknown unit "${unit}"`;
      throw new Error(`invalid duration "${text}": ${why} (units: ns, us, ms, s, m, h, d, w)`);
    }
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  return sign * total;
}

/** Milliseconds as an RFC 3339 UTC time with whole seconds (`2026-01-07T10:00:00Z`). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds of an RFC 3339 time (with or without fractional seconds), or undefined when it is not one. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text.trim());
  if (!m) return undefined;
  const frac = m[7] ? m[7].slice(0, 4).padEnd(4, "0") : "";
  const zone = m[8].toUpperCase();
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What the time arguments accept, for error messages. */
export const TIME_FORMS = "RFC 3339 (2026-01-07T10:00:00Z), now, or a time relative to now such as -30m, -3h, -7d, -2w";

/**
 * A time argument: `now`, a duration from now (`-3h`, `+30m`, `-7d`, `-2w`, `-2h30m`), or RFC 3339; undefined when
 * empty. Truncated to whole seconds.
 *
 * @throws {UserError} naming `field` when the text is none of these (never silently "now").
 */
export function parseTimeArg(text: string | undefined, nowMs: number, field: string): number | undefined {
  const s = (text ?? "").trim();
  if (s === "") return undefined;
  let ms: number | undefined;
  if (s.toLowerCase() === "now") ms = nowMs;
  else if (s.startsWith("-") || s.startsWith("+")) {
    try {
      ms = nowMs + parseDuration(s);
    } catch (e) {
      throw badTime(field, s, (e as Error).message);
    }
  } else ms = parseRfc3339(s);
  if (ms === undefined) throw badTime(field, s);
  return Math.floor(ms / 1000) * 1000;
}

function badTime(field: string, text: string, why?: string): UserError {
  return new UserError(
    `invalid ${field} "${text}": ${why ? why + "; " : ""}expected ${TIME_FORMS}`,
    "INVALID_ARGUMENT",
    {
      field,
      expected: TIME_FORMS,
      received: text,
    },
  );
}

/**
 * A duration argument such as a window (`1h`, `30m`, `7d`): positive milliseconds.
 *
 * @throws {UserError} naming `field` when it is not a duration or not positive.
 */
export function parseDurationArg(text: string, field: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (e) {
    throw new UserError(`invalid ${field} "${text}": ${(e as Error).message}`, "INVALID_ARGUMENT", {
      field,
      expected: "a duration such as 30m, 1h, 2h30m, 7d",
      received: text,
    });
  }
  if (!(ms > 0)) {
    throw new UserError(`${field} must be positive, not "${text}"`, "INVALID_ARGUMENT", {
      field,
      expected: "a positive duration such as 1h",
      received: text,
    });
  }
  return ms;
}

/** A list call's time window and the notes about defaults it took. */
export interface Window {
  fromMs: number;
  toMs: number;
  from: string;
  to: string;
  warnings: string[];
}

/** The default window: the last 72 hours. */
export const DEFAULT_HOURS = 72;

/**
 * The window of `from`/`to`/`hours`: with `from` or `to` given, `hours` is ignored and a missing side defaults
 * (from: 72 h ago, to: now) with a warning; otherwise the last `hours` (≤ 0 or absent: 72).
 *
 * @throws {UserError} for an unparseable time, or `from` after `to`.
 */
export function resolveWindow(
  a: { from?: string; to?: string; hours?: number },
  nowMs: number,
  names: { from: string; to: string } = { from: "from", to: "to" },
): Window {
  const warnings: string[] = [];
  let fromMs: number, toMs: number;
  const now = Math.floor(nowMs / 1000) * 1000;
  if ((a.from ?? "").trim() !== "" || (a.to ?? "").trim() !== "") {
    const f = parseTimeArg(a.from, nowMs, names.from);
    const t = parseTimeArg(a.to, nowMs, names.to);
    if (f === undefined) warnings.push(`${names.from} not provided; defaulted to last ${DEFAULT_HOURS}h`);
    if (t === undefined) warnings.push(`${names.to} not provided; defaulted to now`);
    toMs = t ?? now;
    fromMs = f ?? now - DEFAULT_HOURS * 3_600_000;
  } else {
    const hours = a.hours !== undefined && a.hours > 0 ? a.hours : DEFAULT_HOURS;
    toMs = now;
    fromMs = now - hours * 3_600_000;
  }
  if (fromMs > toMs) {
    throw new UserError(
      `${names.from} (${rfc3339(fromMs)}) is after ${names.to} (${rfc3339(toMs)})`,
      "INVALID_ARGUMENT",
      { field: names.from },
    );
  }
  return { fromMs, toMs, from: rfc3339(fromMs), to: rfc3339(toMs), warnings };
}
