/**
 * Datadog profile bundles: the zip the download endpoint answers, read in memory (zip-slip names refused, sizes
 * capped, checksums checked), and written out as `<service>_<env>_<member>` files, all or nothing.
 *
 * @module
 */
import { posix } from "node:path";
import { crc32 } from "node:zlib";
import { type UnzipFileInfo, unzipSync } from "fflate";
import { UserError } from "../errors.ts";
import { detectCompression, formatByteSize, MAX_PROFILE_BYTES_ENV, maxProfileBytes } from "../profile/decompress.ts";

/** The profile types of a Datadog bundle. */
export type BundleType = "cpu" | "heap" | "mutex" | "block" | "goroutines" | "unknown";

/** One member kept from a bundle. */
export interface BundleMember {
  /** The path inside the zip. */
  name: string;
  /** Its last path segment. */
  base: string;
  kind: "pprof" | "jfr" | "metrics";
  /** For pprof members: cpu, heap…; "jfr" for Java Flight Recordings; "metrics" for metrics.json. */
  type: BundleType | "jfr" | "metrics";
  data: Uint8Array;
}

const TYPES: Record<string, BundleType> = {
  "cpu.pprof": "cpu",
  "heap.pprof": "heap",
  "delta-heap.pprof": "heap",
  "mutex.pprof": "mutex",
  "delta-mutex.pprof": "mutex",
  "block.pprof": "block",
  "delta-block.pprof": "block",
  "goroutines.pprof": "goroutines",
};

/** The type of a `.pprof` member by its file name (`delta-heap.pprof` → heap); unknown names are "unknown". */
export function memberType(base: string): BundleType {
  return TYPES[base] ?? "unknown";
}

/** A bundle that cannot be used; reported as INTERNAL like other Datadog failures. */
export class BundleError extends UserError {
  constructor(message: string) {
    super(message, "INTERNAL");
    this.name = "BundleError";
  }
}

// JFR files start with these bytes ("FLR\0").
const JFR_MAGIC = [0x46, 0x4c, 0x52, 0x00];

function isJfr(base: string, data: Uint8Array): boolean {
  if (/\.jfr(\.gz|\.zst|\.lz4)?$/i.test(base)) return true;
  return JFR_MAGIC.every((b, i) => data[i] === b);
}

/**
 * Checks a member name for zip slip: a name that, cleaned, is `..` or starts with `../` is invalid; an absolute
 * name (or a drive letter) would land outside any extraction dir.
 *
 * @throws {BundleError} `invalid path in zip: <name>` or `path traversal detected in zip: <name>`.
 */
export function checkMemberName(name: string): void {
  const slashed = name.replaceAll("\\", "/");
  const cleaned = posix.normalize(slashed);
  if (cleaned === ".." || cleaned.startsWith("../")) throw new BundleError(`invalid path in zip: ${name}`);
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) {
    throw new BundleError(`path traversal detected in zip: ${name}`);
  }
}

/** Names and CRC-32s of the central directory, in its order (fflate does not check checksums). */
function centralCrcs(zip: Uint8Array): Map<string, number> {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (i: number) => dv.getUint16(i, true), u32 = (i: number) => dv.getUint32(i, true);
  let e = zip.length - 22;
  while (e >= 0 && u32(e) !== 0x06054b50) e--;
  const out = new Map<string, number>();
  if (e < 0) return out;
  let count = u16(e + 10), at = u32(e + 16);
  if (e >= 20 && u32(e - 20) === 0x07064b50) {
    const z = Number(dv.getBigUint64(e - 12, true));
    if (z + 56 <= zip.length && u32(z) === 0x06064b50) {
      count = Number(dv.getBigUint64(z + 32, true));
      at = Number(dv.getBigUint64(z + 48, true));
    }
  }
  const dec = new TextDecoder();
  for (let i = 0; i < count && at + 46 <= zip.length && u32(at) === 0x02014b50; i++) {
    const nameLen = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32);
    out.set(dec.decode(zip.subarray(at + 46, at + 46 + nameLen)), u32(at + 16));
    at += 46 + nameLen + extra + comment;
  }
  return out;
}

function zipProblem(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return /invalid zip|unexpected EOF|invalid/i.test(m) ? `${m} (the download looks truncated or corrupt)` : m;
}

/**
 * Reads the members of a bundle that matter: every `.pprof` (types by name; Java recordings as "jfr"), `.jfr`
 * recordings, and `metrics.json`, sorted by their path in the zip. Every name is checked for zip slip; the
 * declared sizes of the members read must stay under the cap on decompressed input.
 *
 * @throws {BundleError} for a corrupt or truncated zip, a bad name, a checksum mismatch, or a bundle with nothing
 *   to analyse.
 */
export function readBundle(zip: Uint8Array, maxBytes = maxProfileBytes()): BundleMember[] {
  if (zip.length === 0) throw new BundleError("the bundle is empty (0 bytes), not a zip");
  if (!(zip[0] === 0x50 && zip[1] === 0x4b)) {
    const kind = detectCompression(zip);
    throw new BundleError(`the bundle is not a zip (it starts like ${kind === "none" ? "other data" : kind})`);
  }
  let total = 0;
  const wanted = (f: UnzipFileInfo) => {
    checkMemberName(f.name);
    if (f.name.endsWith("/")) return false;
    const base = posix.basename(f.name.replaceAll("\\", "/"));
    const keep = base === "metrics.json" || base.endsWith(".pprof") || /\.jfr(\.gz|\.zst|\.lz4)?$/i.test(base);
    if (!keep) return false;
    total += f.originalSize;
    if (total > maxBytes) {
      throw new BundleError(
        `the bundle decompresses to more than ${formatByteSize(maxBytes)}, the cap on decompressed input ` +
          `(raise it with ${MAX_PROFILE_BYTES_ENV})`,
      );
    }
    return true;
  };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, { filter: wanted });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new BundleError(`cannot read the bundle's zip: ${zipProblem(e)}`);
  }
  const crcs = centralCrcs(zip);
  const members: BundleMember[] = [];
  for (const name of Object.keys(files).sort()) {
    const data = files[name];
    const expected = crcs.get(name);
    if (expected !== undefined && (crc32(data) >>> 0) !== expected) {
      throw new BundleError(`cannot read the bundle's zip: ${name} fails its checksum (the download is corrupt)`);
    }
    const base = posix.basename(name.replaceAll("\\", "/"));
    if (base === "metrics.json") members.push({ name, base, kind: "metrics", type: "metrics", data });
    else if (isJfr(base, data)) members.push({ name, base, kind: "jfr", type: "jfr", data });
    else members.push({ name, base, kind: "pprof", type: memberType(base), data });
  }
  if (!members.some((m) => m.kind !== "metrics")) throw new BundleError("no .pprof files found in bundle");
  return members;
}

/** A file name part made of a service or env name: path separators and other odd characters become `_`. */
export function safeNamePart(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** A written file of a bundle. */
export interface WrittenFile {
  type: string;
  path: string;
  bytes: number;
  /** The member's compression: gzip, zstd or none. */
  compression: string;
}

/** What writing a bundle produced. */
export interface WrittenBundle {
  /** pprof profiles, in member order. */
  files: WrittenFile[];
  /** Java Flight Recordings (not pprof). */
  recordings: WrittenFile[];
  metrics_path?: string;
  warnings: string[];
}

/**
 * Writes the members to `<outDir>/<service>_<env>_<member file name>` (`checkout_prod_cpu.pprof`,
 * `checkout_prod_metrics.json`). Every file is first written under a temporary name and the renames happen only
 * once all are written, so a failure or cancellation leaves no partial file and no half of a bundle.
 */
export async function writeBundle(
  members: BundleMember[],
  outDir: string,
  service: string,
  env: string,
  signal?: AbortSignal,
): Promise<WrittenBundle> {
  await Deno.mkdir(outDir, { recursive: true, mode: 0o755 });
  const prefix = `${safeNamePart(service)}_${safeNamePart(env)}_`;
  const targets = new Map<string, BundleMember>();
  const warnings: string[] = [];
  for (const m of members) {
    const path = posix.join(outDir, prefix + m.base);
    const earlier = targets.get(path);
    if (earlier) {
      warnings.push(`the bundle has two members named ${m.base} (${earlier.name}, ${m.name}); kept ${m.name}`);
    }
    targets.set(path, m);
  }
  for (const path of targets.keys()) {
    const info = await Deno.lstat(path).catch(() => undefined);
    if (info?.isDirectory) throw new BundleError(`cannot write ${path}: a folder of that name is in the way`);
  }
  const temps: [string, string][] = [];
  try {
    for (const [path, m] of targets) {
      signal?.throwIfAborted();
      const tmp = posix.join(outDir, `.${posix.basename(path)}.tmp-${crypto.randomUUID().slice(0, 8)}`);
      temps.push([tmp, path]);
      await Deno.writeFile(tmp, m.data, { createNew: true, mode: 0o644 });
    }
    signal?.throwIfAborted();
  } catch (e) {
    await Promise.all(temps.map(([tmp]) => Deno.remove(tmp).catch(() => {})));
    throw e;
  }
  const renamed: string[] = [];
  try {
    for (const [tmp, path] of temps) {
      await Deno.rename(tmp, path);
      renamed.push(path);
    }
  } catch (e) {
    // Half a bundle would pass for a whole one: take back what was renamed.
    await Promise.all([...temps.map(([tmp]) => tmp), ...renamed].map((p) => Deno.remove(p).catch(() => {})));
    throw e;
  }
  const out: WrittenBundle = { files: [], recordings: [], warnings };
  for (const [path, m] of targets) {
    const f = { type: m.type, path, bytes: m.data.length, compression: detectCompression(m.data) };
    if (m.kind === "metrics") out.metrics_path = path;
    else if (m.kind === "jfr") out.recordings.push(f);
    else out.files.push(f);
  }
  return out;
}
