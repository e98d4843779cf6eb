/**
 * Go time and duration formats used in pprof's text reports, in the local time
 * zone (the `TZ` environment variable), as pprof prints them.
 *
 * @module
 */
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
  zone: string; // "UTC", "PST", "GMT+1"
  offset: string; // "+0000"
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const zoneFormat = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });

function localParts(ns: bigint): LocalParts {
  const ms = Number(ns / 1_000_000n) - (ns < 0n && ns % 1_000_000n !== 0n ? 1 : 0);
  const d = new Date(ms);
  const zonePart = zoneFormat.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "UTC";
  const off = -d.getTimezoneOffset();
  const aoff = Math.abs(off);
  const two = (n: number) => String(n).padStart(2, "0");
  const h = d.getHours();
  return {
    year: String(d.getFullYear()),
    month: months[d.getMonth()],
    monthNum: two(d.getMonth() + 1),
    day: String(d.getDate()),
    hour24: two(h),
    hour12: String(h % 12 === 0 ? 12 : h % 12),
    minute: two(d.getMinutes()),
    second: two(d.getSeconds()),
    ampm: h < 12 ? "am" : "pm",
    zone: zonePart === "GMT" && off === 0 ? "UTC" : zonePart,
    offset: (off < 0 ? "-" : "+") + two(Math.floor(aoff / 60)) + two(aoff % 60),
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
