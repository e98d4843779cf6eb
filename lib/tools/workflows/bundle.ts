/**
 * The `bundle` argument of the bundle-wide tools: a folder of downloaded files named as the Datadog bundle names
 * them, the profiles of one download (their handles, or the `files` entries a download returned), or one handle of
 * a download (the bundle it came from), loaded by profile type.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { UserError } from "../../errors.ts";
import type { BundleProfileType, LoadedBundle } from "../../analysis/bundle_views.ts";
import { memberType } from "../../datadog/bundle.ts";
import { detectKind } from "../meta.ts";
import { loadForTool } from "../pprof/run.ts";
import type { ToolContext } from "../registry.ts";
import { pathArg } from "../paths.ts";

const item = pathArg("A profile's path or handle");
// A download's `files` entry: only its handle matters (types come from the bundle's file names).
const fileEntry = z.object({
  handle: z.string(),
  type: z.string().optional(),
  bytes: z.number().optional(),
  path: z.string().optional(),
}).transform((f) => f.handle);

/** The `bundle` argument. */
export const bundleArg = z.union([z.array(z.union([item, fileEntry])).min(1), pathArg("A folder, path or handle")])
  .describe(
    "The bundle: a folder of downloaded profiles named as the Datadog bundle names them " +
      "(<service>_<env>_cpu.pprof, _delta-heap.pprof, _delta-mutex.pprof, _delta-block.pprof, _goroutines.pprof), " +
      "a list of profiles' paths or handles (or the files list of profiles.download_latest_bundle), or one handle " +
      "of a download (the files beside it of the same download)",
  );

/** The bundle's file names, by the type their member name says (`…_delta-heap.pprof` → heap). */
export function typeByName(path: string): BundleProfileType | undefined {
  const base = basename(path);
  for (const member of MEMBERS) {
    if (base === member || base.endsWith("_" + member)) {
      const t = memberType(member);
      return t === "unknown" ? undefined : t;
    }
  }
  return undefined;
}

const MEMBERS = [
  "delta-heap.pprof",
  "delta-mutex.pprof",
  "delta-block.pprof",
  "goroutines.pprof",
  "heap.pprof",
  "mutex.pprof",
  "block.pprof",
  "cpu.pprof",
];

/** The files of the download `path` belongs to: the files of its folder with the same `<service>_<env>_` prefix. */
async function siblings(path: string): Promise<string[]> {
  const base = basename(path);
  const member = MEMBERS.find((m) => base.endsWith("_" + m));
  if (!member) return [path];
  const prefix = base.slice(0, base.length - member.length);
  const dir = dirname(path);
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.startsWith(prefix) && MEMBERS.some((m) => e.name === prefix + m)) {
      out.push(join(dir, e.name));
    }
  }
  return out.sort();
}

/** The profile files of a folder that carry bundle names. */
async function folderFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && !e.name.startsWith(".") && typeByName(e.name)) out.push(join(dir, e.name));
  }
  if (out.length === 0) {
    throw new UserError(
      `${dir}: no bundle profiles in this folder (expected <service>_<env>_cpu.pprof, _delta-heap.pprof, ` +
        "_delta-mutex.pprof, _delta-block.pprof or _goroutines.pprof)",
      "INVALID_ARGUMENT",
      { field: "bundle" },
    );
  }
  return out.sort();
}

/** The files a resolved `bundle` argument names. */
export async function bundleFiles(bundle: string | string[]): Promise<string[]> {
  // A list of one (a CLI positional, a one-element array) means what the one string means.
  if (Array.isArray(bundle) && bundle.length !== 1) return bundle;
  const one = Array.isArray(bundle) ? bundle[0] : bundle;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(one);
  } catch {
    throw new UserError(`${one}: no such file or folder`, "INVALID_ARGUMENT", { field: "bundle" });
  }
  return info.isDirectory ? await folderFiles(one) : await siblings(one);
}

/**
 * Loads the profiles of a bundle by type: the bundle file name decides, else the profile's own sample types; a
 * second profile of a type is left out with a warning, as are files that are not profiles of a bundle type.
 */
export async function loadBundle(
  files: string[],
  ctx: Pick<ToolContext, "signal">,
): Promise<{ bundle: LoadedBundle; warnings: string[] }> {
  const bundle: LoadedBundle = {};
  const warnings: string[] = [];
  for (const path of files) {
    const profile = await loadForTool(path, ctx);
    let type = typeByName(path);
    if (!type) {
      const kind = detectKind(profile, path);
      if (kind === "unknown") {
        warnings.push(`${path}: not a cpu, heap, mutex, block or goroutine profile; left out`);
        continue;
      }
      type = kind === "goroutine" ? "goroutines" : kind;
    }
    const earlier = bundle[type];
    if (earlier) {
      warnings.push(`two ${type} profiles (${earlier.path}, ${path}); used ${earlier.path}`);
      continue;
    }
    bundle[type] = { profile, path };
  }
  return { bundle, warnings };
}
