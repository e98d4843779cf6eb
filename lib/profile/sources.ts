/**
 * The profiles a report is about: one or more files merged, optionally
 * compared against base files (`-base` subtracts, `-diff_base` marks the base
 * so percentages are relative to it), as pprof's driver assembles them.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { type FormatOptions, loadProfile } from "./load.ts";
import { combineProfiles, compactProfile, normalizeProfile, ProfileMerger, scaleProfile, setLabel } from "./merge.ts";
import { DIFF_BASE_LABEL, type Profile } from "./model.ts";
import { DEFAULT_SYMBOLIZE, NO_SYMBOLIZE, type SymbolizeMode, symbolizeProfile } from "./symbolize.ts";

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
  /** The function-name pass (`-symbolize`); default: pprof's. */
  symbolize?: SymbolizeMode;
  /** What files of some formats leave unsaid (folded stacks' `--sample_type`, `--period`), for every file. */
  formats?: FormatOptions;
}

// Files this large take a second or more to decode: say so on long runs.
const LARGE_FILE = 32 << 20;

async function load(path: string, progress?: (message: string) => void, formats?: FormatOptions): Promise<Profile> {
  if (progress) {
    const size = await Deno.stat(path).then((i) => i.size, () => 0);
    if (size >= LARGE_FILE) progress(`reading ${path} (${Math.round(size / (1 << 20))} MB)`);
  }
  // Names are rewritten once the inputs are merged, as pprof does, so merging sees the names as stored.
  return await loadProfile(path, NO_SYMBOLIZE, formats);
}

/** How a merge reports and stops. */
export interface MergeOptions {
  /** Human progress messages: every 10 files of a long merge, and large files. */
  progress?: (message: string) => void;
  /** Called after each file is merged, e.g. to send MCP progress notifications. */
  merged?: (done: number, total: number) => Promise<void>;
  /** Checked between files. */
  signal?: AbortSignal;
  /** The function-name pass applied to the merged profile (`-symbolize`); default: pprof's. */
  symbolize?: SymbolizeMode;
  /** What files of some formats leave unsaid (folded stacks' `--sample_type`, `--period`). */
  formats?: FormatOptions;
}

/**
 * Loads and merges profiles one at a time, so memory holds the merged result
 * and a single input.
 */
export async function mergeFiles(files: string[], o: MergeOptions = {}): Promise<Profile> {
  return symbolizeProfile(await mergeAsStored(files, o), o.symbolize ?? DEFAULT_SYMBOLIZE);
}

async function mergeAsStored(files: string[], o: MergeOptions): Promise<Profile> {
  if (files.length === 1) return await load(files[0], o.progress, o.formats);
  const merger = new ProfileMerger();
  for (const [i, f] of files.entries()) {
    o.signal?.throwIfAborted();
    merger.add(await load(f, o.progress, o.formats), f);
    if (files.length > 10 && ((i + 1) % 10 === 0 || i + 1 === files.length)) {
      o.progress?.(`merged ${i + 1}/${files.length} profiles`);
    }
    await o.merged?.(i + 1, files.length);
  }
  o.signal?.throwIfAborted();
  return merger.finish();
}

/** Loads, merges and diffs profiles as `go tool pprof FILES… [-base|-diff_base B…]` does. */
export async function loadSources(s: Sources): Promise<Profile> {
  if (s.files.length === 0) throw new UserError("no profile given");
  const base = s.base ?? [];
  if (s.normalize && base.length === 0) throw new UserError("--normalize needs a base profile (--base or --diff_base)");
  const symbolize = s.symbolize ?? DEFAULT_SYMBOLIZE;
  let p = await mergeAsStored(s.files, s);
  if (base.length === 0) return symbolizeProfile(p, symbolize);
  let b = await mergeAsStored(base, s);
  if (s.diffBase) b = setLabel(b, DIFF_BASE_LABEL, "true");
  // pprof merges every input before scaling, so duplicate samples are summed
  // and then rounded once; rounding each duplicate on its own gives other values.
  if (s.normalize) p = normalizeProfile(compactProfile(p), b, s.files.join(", "), base.join(", "));
  b = scaleProfile(b, b.sampleTypes.map(() => -1));
  // pprof names functions after combining the profile with its base.
  return symbolizeProfile(combineProfiles([p, b], [s.files.join(", "), base.join(", ")]), symbolize);
}
