/**
 * Detects how profile bytes are compressed (by magic bytes) and inflates them,
 * within a cap on the decompressed size. pprof files are usually gzipped;
 * Datadog's newer profilers upload zstd.
 *
 * {@link inflate} streams through node:zlib in small pieces, yielding to the
 * event loop between them, so a server keeps answering while a large file
 * inflates, and stops as soon as the output passes the cap (a 9 MB gzip of
 * zeros would otherwise become gigabytes). {@link decompress} is the same, synchronously, for bytes already
 * in memory. Both read exactly one gzip member or zstd frame: concatenated
 * profiles are refused rather than silently merged or cut.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { crc32, createInflateRaw, createZstdDecompress, inflateRawSync, zstdDecompressSync } from "node:zlib";
import { ProfileError } from "../errors.ts";
import { formatByteSize, MAX_PROFILE_BYTES_ENV, maxProfileBytes } from "./limits.ts";

// The cap lives in limits.ts, which loads without node:zlib (the CLI reads its flag before it knows the command).
export {
  DEFAULT_MAX_PROFILE_BYTES,
  formatByteSize,
  MAX_PROFILE_BYTES_ENV,
  maxProfileBytes,
  parseByteSize,
  setMaxProfileBytes,
} from "./limits.ts";

/** The container formats a profile file can come in. */
export type Compression = "gzip" | "zstd" | "none";

/** Identifies the compression of `bytes` from its first bytes. */
export function detectCompression(bytes: Uint8Array): Compression {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return "gzip";
  if (
    bytes.length >= 4 && bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f &&
    bytes[3] === 0xfd
  ) return "zstd";
  return "none";
}

/** How to inflate. */
export interface InflateOptions {
  /** The cap on the decompressed size (default {@link maxProfileBytes}). */
  maxBytes?: number;
}

function tooLarge(kind: Compression, max: number): ProfileError {
  return new ProfileError(
    `the ${kind} data decompresses to more than ${formatByteSize(max)}, the cap on a profile's size ` +
      `(raise it with --max-profile-bytes or ${MAX_PROFILE_BYTES_ENV}, e.g. ${MAX_PROFILE_BYTES_ENV}=4GiB)`,
  );
}

function corrupt(kind: Compression, e: unknown): ProfileError {
  if (e instanceof ProfileError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  const hint = /unexpected end|truncated|incomplete|src size/i.test(reason)
    ? "the file looks truncated"
    : "the data is corrupt";
  return new ProfileError(`cannot decompress ${kind} data: ${reason} (${hint})`);
}

const MERGE_HINT = "give each profile its own file; `pprof-mcp merge A B -o merged.pb.gz` combines profiles";

/**
 * Returns the uncompressed protobuf bytes of a profile file's content,
 * streaming the decompression so the event loop keeps turning.
 *
 * @throws {ProfileError} when the data is corrupt, truncated, concatenated, or
 *   decompresses to more than the cap.
 */
export async function inflate(bytes: Uint8Array, o: InflateOptions = {}): Promise<Uint8Array> {
  const kind = detectCompression(bytes);
  if (kind === "none") return bytes;
  const max = o.maxBytes ?? maxProfileBytes();
  let out: Uint8Array;
  if (kind === "gzip") {
    const m = gzipMember(bytes);
    const sink = new Sink(max, kind, sizeHint(bytes, max));
    const consumed = await pump(createInflateRaw(), bytes.subarray(m.bodyStart), sink, kind);
    out = sink.bytes();
    checkGzipTrailer(bytes, m.bodyStart + consumed, out, sink.crc);
  } else {
    checkZstdFrames(bytes);
    const sink = new Sink(max, kind, 0);
    await pump(createZstdDecompress(), bytes, sink, kind);
    out = sink.bytes();
  }
  return checkInner(out, kind);
}

/**
 * {@link inflate}, synchronously, for bytes already in memory (it blocks the
 * thread while it works: servers use {@link inflate}).
 */
export function decompress(bytes: Uint8Array, o: InflateOptions = {}): Uint8Array {
  const kind = detectCompression(bytes);
  if (kind === "none") return bytes;
  const max = o.maxBytes ?? maxProfileBytes();
  let out: Uint8Array;
  try {
    if (kind === "gzip") {
      const m = gzipMember(bytes);
      const r = inflateRawSync(bytes.subarray(m.bodyStart), { info: true, maxOutputLength: max }) as unknown as {
        buffer: Uint8Array;
        engine: { bytesWritten: number };
      };
      out = asBytes(r.buffer);
      checkGzipTrailer(bytes, m.bodyStart + r.engine.bytesWritten, out, crc32(out));
    } else {
      checkZstdFrames(bytes);
      out = asBytes(zstdDecompressSync(bytes, { maxOutputLength: max }));
    }
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(kind, max);
    throw corrupt(kind, e);
  }
  return checkInner(out, kind);
}

function asBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// A profile.proto never starts with these bytes (they would be invalid field tags).
function checkInner(out: Uint8Array, kind: Compression): Uint8Array {
  const inner = detectCompression(out);
  if (inner !== "none") {
    throw new ProfileError(
      `the ${kind} data holds ${inner} data again: the file is compressed twice; decompress it once ` +
        `(e.g. \`gunzip -c FILE > once.pb.gz\`)`,
    );
  }
  return out;
}

/**
 * The decompressed size the gzip trailer announces (the size modulo 2^32), as
 * an allocation hint: never more than the cap, nor than deflate's maximum
 * ratio (1032:1) allows.
 */
function sizeHint(bytes: Uint8Array, max: number): number {
  if (bytes.length < 18) return 0;
  const n = bytes.length;
  const isize = (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
  return Math.min(isize, max, n * 1032);
}

/** Where decompressed chunks go: one buffer, grown by doubling, never past the cap. */
class Sink {
  #buf: Uint8Array;
  #len = 0;
  readonly #max: number;
  readonly #kind: Compression;
  /** CRC-32 of what was added, computed as chunks arrive rather than in one long step at the end. */
  crc = 0;

  constructor(max: number, kind: Compression, hint: number) {
    this.#max = max;
    this.#kind = kind;
    this.#buf = new Uint8Array(Math.max(hint, 1 << 16));
  }

  /** Appends a chunk; throws once the total passes the cap. */
  add(chunk: Uint8Array): void {
    const need = this.#len + chunk.length;
    if (need > this.#max) throw tooLarge(this.#kind, this.#max);
    if (need > this.#buf.length) {
      const next = new Uint8Array(Math.min(Math.max(need, this.#buf.length * 2), this.#max));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(chunk, this.#len);
    this.#len = need;
    this.crc = crc32(chunk, this.crc);
  }

  /** Bytes added so far. */
  get length(): number {
    return this.#len;
  }

  bytes(): Uint8Array {
    return this.#len === this.#buf.length ? this.#buf : this.#buf.subarray(0, this.#len);
  }
}

/** A node:zlib transform, as far as {@link pump} uses it. */
interface ZlibStream {
  bytesWritten: number;
  on(event: "data", f: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", f: () => void): unknown;
  on(event: "error", f: (e: Error) => void): unknown;
  write(chunk: Uint8Array, cb: (e?: Error | null) => void): unknown;
  end(): unknown;
  destroy(): unknown;
}

// Deno's node:zlib inflates a written chunk synchronously, so the input goes in
// pieces sized to inflate to about 4 MiB each (from the ratio so far: large
// pieces for ordinary profiles, 8 KiB for a bomb of zeros), and the event
// loop gets a turn every few milliseconds: a server keeps answering while a
// file inflates.
const PUMP_TARGET_OUT = 4 << 20;
const PUMP_MIN_CHUNK = 8 << 10;
const PUMP_MAX_CHUNK = 1 << 20;
const PUMP_FIRST_CHUNK = PUMP_MIN_CHUNK;
const PUMP_SLICE_MS = 8;

/** Feeds `input` through `z` into `sink`; resolves with the number of input bytes the decoder consumed. */
async function pump(z: ZlibStream, input: Uint8Array, sink: Sink, kind: Compression): Promise<number> {
  let failure: unknown;
  let finished = false;
  const fail = (e: unknown) => {
    if (failure !== undefined) return;
    failure = e;
    z.destroy();
  };
  z.on("data", (chunk) => {
    if (failure !== undefined) return;
    try {
      sink.add(chunk);
    } catch (e) {
      fail(e);
    }
  });
  const done = new Promise<void>((resolve) => {
    z.on("end", () => {
      finished = true;
      resolve();
    });
    z.on("error", (e) => {
      fail(e);
      resolve();
    });
    z.on("close", () => resolve());
  });
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let slice = performance.now();
  let chunk = PUMP_FIRST_CHUNK;
  for (let at = 0; at < buf.length && failure === undefined && !finished;) {
    const piece = buf.subarray(at, at + chunk);
    at += piece.length;
    const written = new Promise<void>((resolve) => z.write(piece, () => resolve()));
    await Promise.race([written, done]);
    const ratio = Math.max(1, sink.length / at);
    chunk = Math.min(PUMP_MAX_CHUNK, Math.max(PUMP_MIN_CHUNK, Math.floor(PUMP_TARGET_OUT / ratio)));
    if (performance.now() - slice > PUMP_SLICE_MS) {
      await new Promise((r) => setTimeout(r, 0));
      slice = performance.now();
    }
  }
  if (failure === undefined && !finished) z.end();
  await done;
  if (failure !== undefined) throw corrupt(kind, failure);
  return z.bytesWritten;
}

/** The parsed header of a gzip member (RFC 1952 §2.3). */
interface GzipMember {
  bodyStart: number;
}

const FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;

/** Parses the gzip header at the start of `b`; returns where the deflate data starts. */
function gzipMember(b: Uint8Array): GzipMember {
  const bad = (what: string) => new ProfileError(`cannot decompress gzip data: ${what} (the file looks truncated)`);
  if (b.length < 10) throw bad("the gzip header is cut off");
  if (b[2] !== 8) throw new ProfileError(`cannot decompress gzip data: unknown compression method ${b[2]}`);
  const flags = b[3];
  let pos = 10;
  if (flags & FEXTRA) {
    if (pos + 2 > b.length) throw bad("the gzip header is cut off");
    pos += 2 + (b[pos] | (b[pos + 1] << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    while (pos < b.length && b[pos] !== 0) pos++;
    pos++;
  }
  if (flags & FHCRC) pos += 2;
  if (pos > b.length) throw bad("the gzip header is cut off");
  return { bodyStart: pos };
}

/**
 * Checks the 8-byte trailer after the deflate data (CRC-32 and size) and that
 * nothing follows: a second gzip member means concatenated profiles.
 */
function checkGzipTrailer(b: Uint8Array, at: number, out: Uint8Array, crc: number): void {
  if (at + 8 > b.length) {
    throw new ProfileError("cannot decompress gzip data: the gzip trailer is missing (the file looks truncated)");
  }
  const u32 = (i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  if (u32(at) !== crc >>> 0 || u32(at + 4) !== out.length % 2 ** 32) {
    throw new ProfileError("cannot decompress gzip data: checksum mismatch (the data is corrupt)");
  }
  const rest = b.length - at - 8;
  if (rest === 0) return;
  if (detectCompression(b.subarray(at + 8)) === "gzip") {
    throw new ProfileError(
      `the file is several gzip streams one after another (concatenated profiles?), which pprof cannot read as ` +
        `one profile: ${MERGE_HINT}`,
    );
  }
  throw new ProfileError(`cannot decompress gzip data: ${rest} bytes of unknown data follow the gzip stream`);
}

/** Checks that zstd data is exactly one complete frame (skippable frames aside). */
function checkZstdFrames(b: Uint8Array): void {
  const frames = zstdFrames(b);
  // The zstd decoder returns what it could decode of a cut-off stream without
  // complaint, and only the first of several frames.
  if (frames < 0) {
    throw new ProfileError(
      "cannot decompress zstd data: the stream ends in the middle of a frame (the file looks truncated)",
    );
  }
  if (frames > 1) {
    throw new ProfileError(
      `the file is ${frames} zstd frames one after another (concatenated profiles?), which pprof cannot read as ` +
        `one profile: ${MERGE_HINT}`,
    );
  }
}

/** Tells whether the last zstd frame of `b` is complete. */
export function zstdFramesComplete(b: Uint8Array): boolean {
  return zstdFrames(b) >= 0;
}

/** Walks the zstd frames (RFC 8878 §3.1): the number of frames with content, or -1 when one is cut off. */
function zstdFrames(b: Uint8Array): number {
  const u32 = (i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  let pos = 0, frames = 0;
  while (pos < b.length) {
    if (pos + 4 > b.length) return -1;
    const magic = u32(pos);
    pos += 4;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (pos + 4 > b.length) return -1;
      pos += 4 + u32(pos); // skippable frame
      continue;
    }
    if (magic !== 0xfd2fb528 || pos >= b.length) return -1;
    const fhd = b[pos++];
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    const checksum = (fhd >> 2) & 1;
    pos += (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3] + [singleSegment, 2, 4, 8][fcsFlag];
    // Some encoders (Deno's among them) end with an empty frame: only frames with content count.
    let content = false;
    for (let last = 0; !last;) {
      if (pos + 3 > b.length) return -1;
      const h = b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16);
      pos += 3;
      last = h & 1;
      const type = (h >> 1) & 3;
      if (type === 3) return -1;
      if (h >>> 3 > 0) content = true;
      pos += type === 1 ? 1 : h >>> 3;
    }
    if (content) frames++;
    pos += checksum ? 4 : 0;
    if (pos > b.length) return -1;
  }
  return frames;
}
