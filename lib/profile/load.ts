/**
 * Reads a profile file from disk: bytes → decompressed → decoded, with errors
 * that name the file and say what is wrong. The format is told by content,
 * never by file name: profile.proto, the legacy pprof formats, and other
 * profilers' files (`formats/`: V8 CPU and heap profiles).
 *
 * @module
 */
import { ProfileError } from "../errors.ts";
import { decodeProfile } from "./decode.ts";
import { decompress, inflate } from "./decompress.ts";
import { legacyCpuProfile, legacyTextFormat } from "./formats/legacy.ts";
import { looksLikeJson, v8Profile } from "./formats/v8.ts";
import type { Profile } from "./model.ts";
import { DEFAULT_SYMBOLIZE, type SymbolizeMode, symbolizeProfile } from "./symbolize.ts";

/** Decodes profile bytes of any supported container (gzip, zstd, raw), then names functions as pprof does. */
export function parseProfile(bytes: Uint8Array, symbolize: SymbolizeMode = DEFAULT_SYMBOLIZE): Profile {
  if (bytes.length === 0) throw new ProfileError("empty file, not a pprof profile");
  return symbolizeProfile(decodeUncompressed(decompress(bytes)), symbolize);
}

/**
 * Decodes uncompressed bytes: a legacy binary CPU profile (recognised by its
 * header, which is never valid protobuf), a V8 JSON profile (profile.proto
 * never starts with `{`: it would be a group), else profile.proto. Legacy
 * text profiles are named in the error, with how to convert them.
 */
function decodeUncompressed(raw: Uint8Array): Profile {
  const legacy = legacyCpuProfile(raw);
  if (legacy) return legacy;
  if (looksLikeJson(raw)) return v8Profile(raw);
  try {
    return decodeProfile(raw);
  } catch (e) {
    const format = e instanceof ProfileError ? legacyTextFormat(raw) : undefined;
    if (format) {
      throw new ProfileError(
        `this is a legacy text ${format} profile, which pprof-mcp does not read: convert it to profile.proto ` +
          "with `go tool pprof -proto FILE > FILE.pb.gz`",
      );
    }
    if (e instanceof ProfileError && looksLikeText(raw)) {
      throw new ProfileError(
        "not a pprof profile: this is text, not profile.proto (write the profile with a current profiler, " +
          "or convert a legacy profile with `go tool pprof -proto FILE > FILE.pb.gz`)",
      );
    }
    throw e;
  }
}

/**
 * Reads and decodes the profile at `path`, inflating it in pieces that let
 * other work run (an MCP server keeps answering) within the size cap (see
 * `decompress.ts`).
 *
 * @throws {ProfileError} naming `path` when it cannot be read or decoded.
 */
export async function loadProfile(path: string, symbolize?: SymbolizeMode): Promise<Profile> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    if (bytes.length === 0) throw new ProfileError("empty file, not a pprof profile");
    return parseProfile(await inflate(bytes), symbolize);
  } catch (e) {
    if (e instanceof ProfileError) throw new ProfileError(`${path}: ${e.message}`, e.code);
    throw e;
  }
}

/** Turns a file-system error into a message that names the file. */
export function fileError(path: string, e: unknown): ProfileError {
  if (e instanceof Deno.errors.NotFound) return new ProfileError(`${path}: no such file`, "NOT_FOUND");
  if (e instanceof Deno.errors.IsADirectory) return new ProfileError(`${path}: is a directory, not a profile file`);
  if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
    return new ProfileError(`${path}: permission denied`);
  }
  const reason = e instanceof Error ? e.message : String(e);
  return new ProfileError(`${path}: cannot read: ${reason}`, "INTERNAL");
}

// Text of any kind starts with printable characters; profile.proto starts
// with a field tag byte that is never a run of letters and spaces like these.
function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 64);
  if (n < 8) return false;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}
