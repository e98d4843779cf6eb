/**
 * Detects how profile bytes are compressed (by magic bytes) and inflates them.
 * pprof files are usually gzipped; Datadog's newer profilers upload zstd.
 *
 * @module
 */
import { gunzipSync, zstdDecompressSync } from "node:zlib";
import { ProfileError } from "../errors.ts";

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

/**
 * Returns the uncompressed protobuf bytes of a profile file's content.
 *
 * @throws {ProfileError} when the gzip or zstd stream is corrupt or truncated.
 */
export function decompress(bytes: Uint8Array): Uint8Array {
  const kind = detectCompression(bytes);
  if (kind === "none") return bytes;
  // The zstd decoder returns what it could decode of a cut-off stream without
  // complaint, so completeness is checked on the frame structure first.
  if (kind === "zstd" && !zstdFramesComplete(bytes)) {
    throw new ProfileError(
      "cannot decompress zstd data: the stream ends in the middle of a frame (the file looks truncated)",
    );
  }
  try {
    const out = kind === "gzip" ? gunzipSync(bytes) : zstdDecompressSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const hint = /unexpected end|truncated|incomplete|src size/i.test(reason)
      ? "the file looks truncated"
      : "the data is corrupt";
    throw new ProfileError(`cannot decompress ${kind} data: ${reason} (${hint})`);
  }
}

/** Walks the zstd frames (RFC 8878 §3.1) and tells whether the last one is complete. */
export function zstdFramesComplete(b: Uint8Array): boolean {
  const u32 = (i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  let pos = 0;
  while (pos < b.length) {
    if (pos + 4 > b.length) return false;
    const magic = u32(pos);
    pos += 4;
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (pos + 4 > b.length) return false;
      pos += 4 + u32(pos); // skippable frame
      continue;
    }
    if (magic !== 0xfd2fb528 || pos >= b.length) return false;
    const fhd = b[pos++];
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    const checksum = (fhd >> 2) & 1;
    pos += (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3] + [singleSegment, 2, 4, 8][fcsFlag];
    for (let last = 0; !last;) {
      if (pos + 3 > b.length) return false;
      const h = b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16);
      pos += 3;
      last = h & 1;
      const type = (h >> 1) & 3;
      if (type === 3) return false;
      pos += type === 1 ? 1 : h >>> 3;
    }
    pos += checksum ? 4 : 0;
    if (pos > b.length) return false;
  }
  return true;
}
