/**
 * Reads a profile file from disk: bytes → decompressed → decoded, with errors
 * that name the file and say what is wrong. The format is told by content,
 * never by file name: profile.proto, the legacy pprof formats, and other
 * profilers' files (`formats/`: V8 CPU and heap profiles, folded stacks, JFR).
 *
 * @module
 */
import { ProfileError } from "../errors.ts";
import { decodeProfile } from "./decode.ts";
import { decompress, inflate } from "./decompress.ts";
import { type FoldedOptions, foldedProfile, looksLikeFolded } from "./formats/folded.ts";
import { isJfr } from "./formats/jfr/reader.ts";
import { jfrProfile } from "./formats/jfr/profile.ts";
import { legacyCpuProfile, legacyTextFormat } from "./formats/legacy.ts";
import { looksLikeJson, v8Profile } from "./formats/v8.ts";
import type { Profile } from "./model.ts";
import { DEFAULT_SYMBOLIZE, type SymbolizeMode, symbolizeProfile } from "./symbolize.ts";

/** What the files of some formats leave unsaid, given by the user (CLI flags, tool arguments). */
export interface FormatOptions {
  /** The meaning of folded stacks' counts (`--sample_type`, `--period`). */
  folded?: FoldedOptions;
}

/** A decoded profile and the name of the format it was read from (e.g. "V8 CPU profile"). */
export interface DecodedProfile {
  profile: Profile;
  format: string;
}

/** Decodes profile bytes of any supported container (gzip, zstd, raw), then names functions as pprof does. */
export function parseProfile(
  bytes: Uint8Array,
  symbolize: SymbolizeMode = DEFAULT_SYMBOLIZE,
  options: FormatOptions = {},
): Profile {
  return parseProfileFormat(bytes, symbolize, options).profile;
}

/** {@link parseProfile}, also naming the format the bytes were in. */
export function parseProfileFormat(
  bytes: Uint8Array,
  symbolize: SymbolizeMode = DEFAULT_SYMBOLIZE,
  options: FormatOptions = {},
): DecodedProfile {
  if (bytes.length === 0) throw new ProfileError("empty file, not a pprof profile");
  const { profile, format } = decodeUncompressed(decompress(bytes), options);
  if (options.folded && (options.folded.sampleType || options.folded.period !== undefined) && format !== FOLDED) {
    throw new ProfileError(
      `sample_type and period describe folded stacks; this is a ${format}, which names its own sample types`,
    );
  }
  return { profile: symbolizeProfile(profile, symbolize), format };
}

const FOLDED = "folded stacks file";

/**
 * Decodes uncompressed bytes and names their format: a legacy binary CPU
 * profile (recognised by its header, which is never valid protobuf), a V8
 * JSON profile (profile.proto never starts with `{`: it would be a group),
 * folded stacks (text: profile.proto's tags and lengths are control bytes
 * within its first bytes), else profile.proto. Legacy text profiles are
 * named in the error, with how to convert them.
 */
function decodeUncompressed(raw: Uint8Array, options: FormatOptions): DecodedProfile {
  const legacy = legacyCpuProfile(raw);
  if (legacy) return { profile: legacy, format: "legacy CPU profile" };
  if (isJfr(raw)) return { profile: jfrProfile(raw), format: "JFR recording" };
  if (looksLikeJson(raw)) return v8Profile(raw);
  if (looksLikeFolded(raw) && legacyTextFormat(raw) === undefined) {
    return { profile: foldedProfile(raw, options.folded), format: FOLDED };
  }
  try {
    return { profile: decodeProfile(raw), format: "profile.proto file" };
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
        "not a profile: this is text, but neither profile.proto nor folded stacks (`frame;frame COUNT` lines); " +
          "write the profile with a current profiler, or convert a legacy profile with " +
          "`go tool pprof -proto FILE > FILE.pb.gz`",
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
export async function loadProfile(
  path: string,
  symbolize?: SymbolizeMode,
  options: FormatOptions = {},
): Promise<Profile> {
  return (await readProfile(path, symbolize, options)).profile;
}

/** {@link loadProfile}, also naming the format the file was in. */
export async function readProfile(
  path: string,
  symbolize?: SymbolizeMode,
  options: FormatOptions = {},
): Promise<DecodedProfile> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    if (bytes.length === 0) throw new ProfileError("empty file, not a pprof profile");
    return parseProfileFormat(await inflate(bytes), symbolize, options);
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
