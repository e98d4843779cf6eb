/**
 * The cap on a profile's decompressed size (flag, environment, default) and
 * the byte-size syntax it is given in; light enough for the CLI to load
 * before it knows which command runs.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { envVar } from "../util/env.ts";

/** The environment variable that sets the cap on a profile's decompressed size. */
export const MAX_PROFILE_BYTES_ENV = "PPROF_MCP_MAX_PROFILE_BYTES";

/** The cap on a profile's decompressed size unless configured: 1 GiB. */
export const DEFAULT_MAX_PROFILE_BYTES = 1 << 30;

let maxBytesOverride: number | undefined;

/** Sets the cap for this process (the CLI's `--max-profile-bytes`); `undefined` goes back to the environment. */
export function setMaxProfileBytes(n: number | undefined): void {
  maxBytesOverride = n;
}

/**
 * The cap on a profile's decompressed size: `--max-profile-bytes`, else
 * `PPROF_MCP_MAX_PROFILE_BYTES`, else 1 GiB.
 *
 * @throws {UserError} when the environment variable is not a size.
 */
export function maxProfileBytes(): number {
  if (maxBytesOverride !== undefined) return maxBytesOverride;
  const text = envVar(MAX_PROFILE_BYTES_ENV);
  return text === undefined || text === "" ? DEFAULT_MAX_PROFILE_BYTES : parseByteSize(text, MAX_PROFILE_BYTES_ENV);
}

const UNITS: Record<string, number> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * Parses a size such as `1073741824`, `512MiB`, `2G` or `64kb` (binary
 * multiples: 1K = 1024).
 *
 * @throws {UserError} naming `what` when `text` is not a positive size.
 */
export function parseByteSize(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const n = m ? Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]) : NaN;
  if (!(n > 0) || !Number.isSafeInteger(n)) {
    throw new UserError(
      `${what}: "${text}" is not a size in bytes (e.g. 1073741824, 512MiB, 2GiB)`,
      "INVALID_ARGUMENT",
      {
        field: what,
        expected: "a positive size such as 2GiB",
        received: text,
      },
    );
  }
  return n;
}

/** A size as people read it: `1 GiB`, `512 MiB`, `1000 bytes`. */
export function formatByteSize(n: number): string {
  for (const [unit, size] of [["TiB", 2 ** 40], ["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (n >= size) return `${Number((n / size).toFixed(2))} ${unit}`;
  }
  return `${n} bytes`;
}
