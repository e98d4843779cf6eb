/**
 * Names of downloaded profile files: UTC time stamps and names that do not overwrite a file already there.
 *
 * @module
 */
import { join } from "node:path";

/** `YYYYMMDD_HHMMSS` of `d` in UTC (the d2 file names' time stamp). */
export function utcStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** RFC 3339 in UTC to the second, as handles record time stamps. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

/** A file-name-safe form of a name: letters, digits, `.`, `-` and `_` kept, anything else `_`. */
export function safeName(s: string): string {
  const out = s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_");
  return out === "" ? "_" : out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** `dir/stem+ext`, or `dir/stem_2+ext`, `_3`… when that file exists already. */
export async function freePath(dir: string, stem: string, ext: string): Promise<string> {
  for (let i = 1;; i++) {
    const p = join(dir, i === 1 ? stem + ext : `${stem}_${i}${ext}`);
    if (!(await exists(p))) return p;
  }
}

/** Whether a path exists (a dangling symlink counts). */
export function pathExists(path: string): Promise<boolean> {
  return exists(path);
}
