/**
 * Downloading profiles from Datadog into files: one bundle into a folder, and several bundles merged into one
 * profile as they arrive (memory holds the merged profile and one input).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { inflate } from "../profile/decompress.ts";
import { parseProfile } from "../profile/load.ts";
import { ProfileMerger } from "../profile/merge.ts";
import type { Profile } from "../profile/model.ts";
import { NO_SYMBOLIZE } from "../profile/symbolize.ts";
import { type BundleMember, readBundle, writeBundle, type WrittenBundle, type WrittenFile } from "./bundle.ts";
import type { DatadogClient } from "./http.ts";
import { type Candidate, downloadBundle } from "./profiles_api.ts";

/** Downloads the bundle of one profile and writes its members into `dir` (all or nothing). */
export async function downloadTo(
  client: DatadogClient,
  site: string,
  ids: { profile_id: string; event_id: string },
  dir: string,
  names: { service: string; env: string },
  signal?: AbortSignal,
): Promise<WrittenBundle> {
  const zip = await downloadBundle(client, site, ids.profile_id, ids.event_id, signal);
  const members = readBundle(zip);
  signal?.throwIfAborted();
  return await writeBundle(members, dir, names.service, names.env, signal);
}

/**
 * The file of a profile type: the one of that type, else the first whose path contains the type's name (case
 * insensitive), else undefined.
 */
export function fileOfType<T extends { type: string; path?: string; name?: string }>(
  files: T[],
  type: string,
): T | undefined {
  const t = type.toLowerCase();
  return files.find((f) => f.type === type) ??
    files.find((f) => (f.path ?? f.name ?? "").toLowerCase().includes(t));
}

/** The CPU member of a bundle: type cpu, else a name containing "cpu", else the first pprof member. */
export function cpuMember(members: BundleMember[]): BundleMember | undefined {
  const pprof = members.filter((m) => m.kind === "pprof");
  return fileOfType(pprof, "cpu") ?? pprof[0];
}

/** Decodes a member's bytes (gzip, zstd or raw) within the decompression cap, names as stored. */
export async function decodeMember(m: BundleMember): Promise<Profile> {
  try {
    return parseProfile(await inflate(m.data), NO_SYMBOLIZE);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${m.name}: ${e.message}`, e.code);
    throw e;
  }
}

/** What merging downloaded profiles produced. */
export interface Collected {
  /** The merged profile (names as stored: symbolize before reporting), undefined when nothing was merged. */
  profile?: Profile;
  /** The candidates merged, in order. */
  merged: Candidate[];
  /** The file each merged profile was written to (when kept on disk). */
  files: WrittenFile[];
  warnings: string[];
}

/** How {@link collect} reports and stops. */
export interface CollectOptions {
  signal?: AbortSignal;
  /** Called after each candidate (merged or skipped). */
  progress?: (done: number, total: number) => Promise<void>;
  /** Where bundle `i` (0-based) is written; without it, bundles are read in memory only. */
  dirOf?: (i: number, c: Candidate) => string;
  names: { service: string; env: string };
}

function sameTypes(a: Profile["sampleTypes"], b: Profile): boolean {
  return a.length === b.sampleTypes.length && a.every((t, i) => t.type === b.sampleTypes[i].type);
}

/**
 * Downloads the bundles of `candidates` one after another and merges their profiles of `type` as they arrive.
 * A candidate whose download fails, that has no profile of the type, or whose profile does not merge with the
 * first becomes a warning.
 */
export async function collect(
  client: DatadogClient,
  site: string,
  candidates: Candidate[],
  type: string,
  o: CollectOptions,
): Promise<Collected> {
  const merger = new ProfileMerger();
  // The first profile's types, to check the others against; the profile itself only while it is the only one (the
  // answer when nothing else merges), so that a long aggregate holds the merge and one input, not the first too.
  let firstTypes: Profile["sampleTypes"] | undefined;
  let only: Profile | undefined;
  const out: Collected = { merged: [], files: [], warnings: [] };
  for (const [i, c] of candidates.entries()) {
    o.signal?.throwIfAborted();
    try {
      const zip = await downloadBundle(client, site, c.profile_id, c.event_id, o.signal);
      const members = readBundle(zip);
      const member = fileOfType(members.filter((m) => m.kind === "pprof"), type);
      if (!member) {
        const jfr = members.some((m) => m.kind === "jfr");
        out.warnings.push(
          `profile type "${type}" not found for ${c.profile_id}` +
            (jfr ? " (the bundle holds a Java Flight Recording, which pprof-mcp cannot read yet)" : ""),
        );
      } else {
        const p = await decodeMember(member);
        if (firstTypes && !sameTypes(firstTypes, p)) {
          out.warnings.push(`profile ${c.profile_id} has other sample types than the first; left out of the merge`);
        } else {
          // Written first: a profile is merged only once its file is on disk.
          const w = o.dirOf
            ? await writeBundle(members, o.dirOf(i, c), o.names.service, o.names.env, o.signal)
            : undefined;
          merger.add(p, `profile ${c.profile_id}`);
          only = firstTypes ? undefined : p;
          firstTypes ??= p.sampleTypes;
          out.merged.push(c);
          const f = w && fileOfType(w.files, type);
          if (f) out.files.push(f);
        }
      }
    } catch (e) {
      if (o.signal?.aborted || (e instanceof DOMException && e.name === "AbortError")) throw e;
      out.warnings.push(`download failed for profile ${c.profile_id}: ${e instanceof Error ? e.message : String(e)}`);
    }
    await o.progress?.(i + 1, candidates.length);
  }
  if (out.merged.length > 0) out.profile = out.merged.length === 1 ? only : merger.finish();
  return out;
}
