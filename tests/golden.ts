/**
 * Helpers for golden tests against `go tool pprof` reference outputs in
 * `fixtures/ref/`: reading the manifest, turning a pprof command line into
 * ours, and comparing outputs line by line (the `Time:` line literally when
 * this process prints times in UTC, as the references were made, and by its
 * meaning otherwise).
 */
import { formatGoTime, formatReportTime } from "../lib/format/gotime.ts";

/** One reference run of `go tool pprof`. */
export interface RefEntry {
  /**
   * The reference set it belongs to: "ref" (the shared fixtures) or another `fixtures/ref_*` folder made for this
   * project (each with its `ref_*_spec.json`).
   */
  set: string;
  profile: string;
  view: string;
  cwd: string;
  argv: string[];
  exit_code: number;
  stdout: string;
  stderr: string | null;
}

export const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

/** Every reference set: `fixtures/ref` and each `fixtures/ref_*` folder that holds a manifest. */
export function refSets(): string[] {
  const sets = [...Deno.readDirSync(FIXTURES)]
    .filter((d) => d.isDirectory && (d.name === "ref" || d.name.startsWith("ref_")))
    .map((d) => d.name)
    .filter((name) => {
      try {
        return Deno.statSync(`${FIXTURES}${name}/manifest.json`).isFile;
      } catch {
        return false;
      }
    });
  return sets.sort();
}

/** Reference entries of every set whose pprof command is one of `commands` (e.g. "-top"). */
export function refEntries(commands: string[]): RefEntry[] {
  return refSets().flatMap((set) => {
    const manifest = JSON.parse(Deno.readTextFileSync(`${FIXTURES}${set}/manifest.json`));
    return (manifest.entries as RefEntry[])
      .filter((e) => commands.includes(e.argv[3]))
      .map((e) => ({ ...e, set }));
  });
}

/** Reads a file of a reference entry (its stdout or stderr path). */
export function refFile(e: RefEntry, path: string): string {
  return Deno.readTextFileSync(`${FIXTURES}${e.set}/${path}`);
}

/**
 * Whether this process's local time zone is UTC by Go's rules (`TZ` empty,
 * "UTC" or "Etc/UTC", or unset with a UTC system zone). `deno task test` sets
 * `TZ=UTC`, so there the `Time:` lines are compared literally.
 */
export const LOCAL_IS_UTC: boolean = (() => {
  const tz = Deno.env.get("TZ");
  if (tz !== undefined) return ["", "UTC", "Etc/UTC"].includes(tz.replace(/^:/, ""));
  return ["UTC", "Etc/UTC"].includes(Intl.DateTimeFormat().resolvedOptions().timeZone);
})();

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The instant of a reference `Time:` line (pprof prints it in UTC there) and
 * that instant as we print it in this machine's time zone: the report header
 * form `Nov 26, 2026 at 1:46am (UTC)` or the raw form
 * `2026-11-26 01:47:24.880494191 +0000 UTC`.
 */
export function localTimeLine(line: string): string {
  const report = /^Time: (\w{3}) (\d+), (\d+) at (\d+):(\d+)(am|pm) \(UTC\)$/.exec(line);
  if (report) {
    let h = Number(report[4]) % 12;
    if (report[6] === "pm") h += 12;
    const ms = Date.UTC(Number(report[3]), months.indexOf(report[1]), Number(report[2]), h, Number(report[5]));
    return "Time: " + formatReportTime(BigInt(ms) * 1_000_000n);
  }
  const raw = /^Time: (\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)(?:\.(\d+))? \+0000 UTC$/.exec(line);
  if (raw) {
    const [y, mo, d, h, mi, sec] = raw.slice(1, 7).map(Number);
    const frac = BigInt((raw[7] ?? "").padEnd(9, "0") || "0");
    return "Time: " + formatGoTime(BigInt(Date.UTC(y, mo - 1, d, h, mi, sec)) * 1_000_000n + frac);
  }
  throw new Error(`unexpected reference time line: ${line}`);
}

/**
 * Compares our output with pprof's, line by line. In UTC every line must be
 * equal; in another time zone a `Time:` line matches when it is the
 * reference's instant printed in that zone (by our own formatter, which
 * tests/gotime_test.ts checks against Go in many zones).
 * Returns a description of the first difference, or undefined when equal.
 */
export function diffOutputs(ours: string, ref: string, localIsUTC = LOCAL_IS_UTC): string | undefined {
  const a = ours.split("\n");
  const b = ref.split("\n");
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let want = b[i];
    if (!localIsUTC && want?.startsWith("Time: ") && a[i]?.startsWith("Time: ")) want = localTimeLine(want);
    if (a[i] !== want) {
      return `line ${i + 1} differs:\n  ours: ${JSON.stringify(a[i])}\n  pprof: ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

/** The directory a reference command ran in. */
export function refCwd(e: RefEntry): string {
  return FIXTURES + (e.cwd === "." ? "" : e.cwd + "/");
}

/**
 * Our CLI arguments for a pprof reference command, with profile paths made
 * absolute: `-peek RE file` becomes `peek file RE`.
 */
export function cliArgs(e: RefEntry): string[] {
  const cwd = refCwd(e);
  const flags = e.argv.slice(3);
  const cmd = flags[0].slice(1);
  const takesRegex = cmd === "peek" || cmd === "list";
  const regex = takesRegex ? [flags[1]] : [];
  // The last argument is the profile, whatever its name (legacy profiles are not .pb.gz).
  const rest = flags.slice(takesRegex ? 2 : 1).map((a, i, all) =>
    i === all.length - 1 || a.endsWith(".pb.gz") || a.includes("=profiles/") ? absolutize(a, cwd) : a
  );
  return [cmd, ...rest, ...regex];
}

function absolutize(arg: string, cwd: string): string {
  const eq = arg.indexOf("=");
  if (arg.startsWith("-") && eq > 0) return arg.slice(0, eq + 1) + new URL(arg.slice(eq + 1), "file://" + cwd).pathname;
  return new URL(arg, "file://" + cwd).pathname;
}

/** pprof's stderr lines that we intentionally do not print (symbolization notes). */
export const PPROF_ONLY_NOTES = new Set([
  "Main binary filename not available.",
  "Some binary filenames not available. Symbolization may be incomplete.",
  "Try setting PPROF_BINARY_PATH to the search path for local binaries.",
]);

/** A note of pprof's address symbolization, which pprof-mcp does not do (see {@link PPROF_ONLY_NOTES}). */
export function isPprofOnlyNote(line: string): boolean {
  return PPROF_ONLY_NOTES.has(line) || line.startsWith("Local symbolization failed for ");
}

/** One row of a pprof `-top` table, as printed. */
export interface RefRow {
  flat: string;
  flatPct: string;
  sumPct: string;
  cum: string;
  cumPct: string;
  name: string;
}

/** The rows of a pprof `-top` table in `text` (a reference stdout), in order. */
export function topRows(text: string): RefRow[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
  if (start < 0) throw new Error("no -top table in the text");
  return lines.slice(start + 1).filter((l) => l !== "").map((l) => {
    const m = /^\s*(\S+)\s+(\S+%)\s+(\S+%)\s+(\S+)\s+(\S+%)\s+(.+)$/.exec(l);
    if (!m) throw new Error(`not a -top row: ${l}`);
    return { flat: m[1], flatPct: m[2], sumPct: m[3], cum: m[4], cumPct: m[5], name: m[6] };
  });
}

/** The text of a reference output file, by its path under fixtures/ (e.g. "ref/cpu/top/stdout.txt"). */
export function refText(path: string): string {
  return Deno.readTextFileSync(FIXTURES + path);
}
