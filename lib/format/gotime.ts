/**
 * Go time and duration formats used in pprof's text reports, in the local time
 * zone as Go picks it (the `TZ` environment variable, else /etc/localtime),
 * with Go's offsets and zone abbreviations from the system's zoneinfo files.
 *
 * @module
 */
import { parseTZif, type TimeZone, UTC_ZONE } from "./tzif.ts";

interface LocalParts {
  year: string;
  month: string; // "Jan"
  monthNum: string; // "01"
  day: string; // "2"
  hour24: string; // "15"
  hour12: string; // "3"
  minute: string; // "04"
  second: string; // "05"
  ampm: string; // "am"
  zone: string; // "UTC", "CEST", "+0545"
  offset: string; // "+0000"
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ZONE_DIRS = ["/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/"];

/** Reading the zone was not allowed (e.g. the confined MCP worker): the caller falls back to Intl. */
const NOT_ALLOWED = Symbol("not allowed");

function readZoneFile(path: string): Uint8Array | undefined | typeof NOT_ALLOWED {
  try {
    return Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) return NOT_ALLOWED;
    return undefined;
  }
}

/** Loads a zone file as Go's `loadLocation` does: the first source that parses; undefined when none does. */
function loadZone(paths: string[]): TimeZone | undefined | typeof NOT_ALLOWED {
  let denied = false;
  for (const path of paths) {
    const data = readZoneFile(path);
    if (data === NOT_ALLOWED) denied = true;
    else if (data !== undefined) {
      const z = parseTZif(data);
      if (z) return z;
    }
  }
  return denied ? NOT_ALLOWED : undefined;
}

/**
 * The local zone by Go's rules (time.initLocal on Unix): no TZ is
 * /etc/localtime, an empty TZ or "UTC" is UTC, a leading ":" is dropped, an
 * absolute path is read as is, anything else is looked up in the zoneinfo
 * directories, and a zone that cannot be loaded is UTC. Undefined when the
 * process may not read the environment or the files; V8's zone is used then.
 */
function goLocalZone(tz: string | undefined): TimeZone | undefined {
  let z: TimeZone | undefined | typeof NOT_ALLOWED;
  if (tz === undefined) z = loadZone(["/etc/localtime"]);
  else {
    if (tz.startsWith(":")) tz = tz.slice(1);
    if (tz === "" || tz === "UTC") return UTC_ZONE;
    z = loadZone(tz.startsWith("/") ? [tz] : ZONE_DIRS.map((d) => d + tz));
  }
  return z === NOT_ALLOWED ? undefined : z ?? UTC_ZONE;
}

const zones = new Map<string, TimeZone | undefined>();

/** The local zone for the current TZ value, loaded once per value (TZ may change while the process runs). */
function localZone(): TimeZone | undefined {
  let tz: string | undefined;
  try {
    tz = Deno.env.get("TZ");
  } catch {
    return undefined;
  }
  const key = tz === undefined ? "\0unset" : tz;
  if (!zones.has(key)) zones.set(key, goLocalZone(tz));
  return zones.get(key);
}

const two = (n: number) => String(n).padStart(2, "0");

/**
 * Without zoneinfo files: V8's local time, and Intl's short zone name (which
 * may be "GMT+1" where Go prints "CET").
 */
function intlZone(ms: number): { name: string; offset: number } {
  const d = new Date(ms);
  const name = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(d)
    .find((p) => p.type === "timeZoneName")?.value ?? "";
  const offset = -d.getTimezoneOffset() * 60;
  return { name: name === "GMT" && offset === 0 ? "UTC" : name, offset };
}

/** Go's "-0700": whole minutes, truncated toward zero (an offset of -0:00:30 is "+0000"). */
function numericOffset(offset: number): string {
  let zone = Math.trunc(offset / 60);
  const sign = zone < 0 ? "-" : "+";
  zone = Math.abs(zone);
  return sign + two(Math.floor(zone / 60)) + two(zone % 60);
}

function localParts(ns: bigint): LocalParts {
  // Whole seconds, rounded down (before 1970 the fraction counts forward from the second before).
  const sec = Number(ns / 1_000_000_000n) - (ns < 0n && ns % 1_000_000_000n !== 0n ? 1 : 0);
  const z = localZone()?.lookup(sec) ?? intlZone(sec * 1000);
  // The wall clock: the instant shifted by the offset, read in UTC.
  const d = new Date((sec + z.offset) * 1000);
  const h = d.getUTCHours();
  return {
    year: String(d.getUTCFullYear()),
    month: months[d.getUTCMonth()],
    monthNum: two(d.getUTCMonth() + 1),
    day: String(d.getUTCDate()),
    hour24: two(h),
    hour12: String(h % 12 === 0 ? 12 : h % 12),
    minute: two(d.getUTCMinutes()),
    second: two(d.getUTCSeconds()),
    ampm: h < 12 ? "am" : "pm",
    // Go prints the numeric offset when the zone has no abbreviation.
    zone: z.name !== "" ? z.name : numericOffset(z.offset),
    offset: numericOffset(z.offset),
  };
}

/** pprof's report header time: `Nov 26, 2026 at 1:46am (UTC)`. */
export function formatReportTime(ns: bigint): string {
  const p = localParts(ns);
  return `${p.month} ${p.day}, ${p.year} at ${p.hour12}:${p.minute}${p.ampm} (${p.zone})`;
}

/** Go's default `time.Time` format: `2026-11-26 01:47:40.151000064 +0000 UTC`. */
export function formatGoTime(ns: bigint): string {
  const p = localParts(ns);
  const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const fs = frac === 0n ? "" : "." + frac.toString().padStart(9, "0").replace(/0+$/, "");
  return `${p.year}-${p.monthNum}-${
    p.day.padStart(2, "0")
  } ${p.hour24}:${p.minute}:${p.second}${fs} ${p.offset} ${p.zone}`;
}

/** Go's `time.Duration.String()`, e.g. `1m30.5s`, `13.430414196s`, `1.5ms`. */
export function formatGoDuration(nanos: number): string {
  if (nanos === 0) return "0s";
  const neg = nanos < 0;
  let u = BigInt(Math.abs(Math.trunc(nanos)));
  const sign = neg ? "-" : "";
  if (u < 1_000_000_000n) {
    // Sub-second: a single unit with a fraction.
    const [unit, div] = u < 1000n ? ["ns", 1n] : u < 1_000_000n ? ["µs", 1000n] : ["ms", 1_000_000n];
    return sign + fraction(u, div) + unit;
  }
  let out = "";
  const h = u / 3_600_000_000_000n;
  u -= h * 3_600_000_000_000n;
  const m = u / 60_000_000_000n;
  u -= m * 60_000_000_000n;
  if (h > 0n) out += `${h}h`;
  if (h > 0n || m > 0n) out += `${m}m`;
  return sign + out + fraction(u, 1_000_000_000n) + "s";
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const rest = v % div;
  if (rest === 0n) return whole.toString();
  const width = div.toString().length - 1;
  return `${whole}.${rest.toString().padStart(width, "0").replace(/0+$/, "")}`;
}
