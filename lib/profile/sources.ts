/**
 * The profiles a report is about: one or more files merged, optionally
 * compared against base files (`-base` subtracts, `-diff_base` marks the base
 * so percentages are relative to it), as pprof's driver assembles them.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { loadProfile } from "./load.ts";
import { combineProfiles, normalizeProfile, ProfileMerger, scaleProfile, setLabel } from "./merge.ts";
import { DIFF_BASE_LABEL, type Profile } from "./model.ts";

/** What to load. */
export interface Sources {
  files: string[];
  /** Base profiles to subtract. */
  base?: string[];
  /** True for `-diff_base` (base marked), false for `-base`. */
  diffBase?: boolean;
  /** Scale the profiles to the base's totals first (`-normalize`). */
  normalize?: boolean;
  /** Called with progress messages for long loads. */
  progress?: (message: string) => void;
}

/**
 * Loads and merges profiles one at a time, so memory holds the merged result
 * and a single input. Reports progress every 10 files on long runs.
 */
export async function mergeFiles(files: string[], progress?: (message: string) => void): Promise<Profile> {
  if (files.length === 1) return await loadProfile(files[0]);
  const merger = new ProfileMerger();
  for (const [i, f] of files.entries()) {
    merger.add(await loadProfile(f), f);
    if (files.length > 10 && ((i + 1) % 10 === 0 || i + 1 === files.length)) {
      progress?.(`merged ${i + 1}/${files.length} profiles`);
    }
  }
  return merger.finish();
}

/** Loads, merges and diffs profiles as `go tool pprof FILES… [-base|-diff_base B…]` does. */
export async function loadSources(s: Sources): Promise<Profile> {
  if (s.files.length === 0) throw new UserError("no profile given");
  const base = s.base ?? [];
  if (s.normalize && base.length === 0) throw new UserError("--normalize needs a base profile (--base or --diff_base)");
  let p = await mergeFiles(s.files, s.progress);
  if (base.length === 0) return p;
  let b = await mergeFiles(base, s.progress);
  if (s.diffBase) b = setLabel(b, DIFF_BASE_LABEL, "true");
  if (s.normalize) p = normalizeProfile(p, b, s.files.join(", "), base.join(", "));
  b = scaleProfile(b, b.sampleTypes.map(() => -1));
  return combineProfiles([p, b], [s.files.join(", "), base.join(", ")]);
}
