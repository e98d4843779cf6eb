/**
 * Conversion of a profile of any format pprof-mcp reads (V8, folded stacks,
 * JFR, legacy pprof…) into gzipped profile.proto, which `go tool pprof` and
 * every other pprof tool read: the decoded profile as `merge` writes it.
 *
 * @module
 */
import { encodeProfileGzip } from "./encode.ts";
import { type FormatOptions, readProfile } from "./load.ts";
import type { Profile } from "./model.ts";
import { DEFAULT_SYMBOLIZE, type SymbolizeMode } from "./symbolize.ts";

/** A converted profile: what was read, from which format, and the bytes to write. */
export interface Converted {
  profile: Profile;
  /** The input's format, e.g. "V8 CPU profile". */
  format: string;
  /** Gzipped profile.proto. */
  bytes: Uint8Array;
}

/**
 * Reads `path` and encodes it as gzipped profile.proto, with function names
 * as pprof shows them (`symbolize`, pprof's default pass unless told).
 *
 * @throws {ProfileError} naming `path` when it cannot be read or decoded.
 */
export async function convertProfile(
  path: string,
  o: { formats?: FormatOptions; symbolize?: SymbolizeMode } = {},
): Promise<Converted> {
  const { profile, format } = await readProfile(path, o.symbolize ?? DEFAULT_SYMBOLIZE, o.formats);
  return { profile, format, bytes: encodeProfileGzip(profile) };
}
