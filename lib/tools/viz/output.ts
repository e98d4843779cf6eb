/**
 * What the drawing tools share: loading a profile with its base, writing the
 * drawn file (a new file, atomically), the link to it, and the argument and
 * result pieces of both tools.
 *
 * @module
 */
import { resolve } from "node:path";
import { z } from "zod";
import { UserError } from "../../errors.ts";
import type { Profile } from "../../profile/model.ts";
import { loadSources } from "../../profile/sources.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { pathArg } from "../paths.ts";
import type { ResourceLink, ToolContext } from "../registry.ts";

/** The base-profile arguments: a differential drawing against another profile. */
export const baseArgs = {
  diff_base: pathArg("Compare with this profile (path or handle): the difference, percentages of the base").optional(),
  base: pathArg("Subtract this profile (path or handle)").optional(),
  normalize: z.boolean().describe("Scale the profile to the base's total first").optional(),
};

/** The base arguments of a call. */
export type BaseArgs = { diff_base?: string; base?: string; normalize?: boolean };

/**
 * Loads a profile and its base, as `go tool pprof [-diff_base|-base B] P`.
 * With `markBase`, a `-base` is marked like a `-diff_base`, so that a flame
 * graph can tell the two sides apart.
 */
export async function loadWithBase(
  profile: string,
  a: BaseArgs,
  ctx: Pick<ToolContext, "signal">,
  markBase = false,
): Promise<Profile> {
  if (a.diff_base && a.base) {
    throw new UserError("give diff_base or base, not both", "INVALID_ARGUMENT", { field: "base" });
  }
  const base = a.diff_base ?? a.base;
  if (a.normalize && !base) {
    throw new UserError("normalize needs a base profile (diff_base or base)", "INVALID_ARGUMENT", {
      field: "normalize",
    });
  }
  ctx.signal.throwIfAborted();
  const p = await loadSources({
    files: [profile],
    base: base ? [base] : [],
    diffBase: !!a.diff_base || markBase,
    normalize: !!a.normalize,
  });
  ctx.signal.throwIfAborted();
  return p;
}

/** pprof's flags for the base arguments. */
export function baseFlags(a: BaseArgs): string[] {
  return [
    ...(a.diff_base ? ["-diff_base", a.diff_base] : []),
    ...(a.base ? ["-base", a.base] : []),
    ...(a.normalize ? ["-normalize"] : []),
  ];
}

/** Refuses to write over a file: the drawing tools only write new files. */
export async function requireNew(path: string, field = "output_path"): Promise<void> {
  try {
    await Deno.lstat(path);
  } catch {
    return;
  }
  throw new UserError(`${field} ${path} already exists; this tool only writes new files`, "INVALID_ARGUMENT", {
    field,
    hint: "Choose a file name that does not exist yet.",
  });
}

/** Writes a drawing (temporary file, then rename); returns its size in bytes. */
export async function writeDrawing(path: string, data: string | Uint8Array): Promise<number> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  await writeFileAtomic(path, bytes);
  return bytes.length;
}

/** The `file://` URI of a path (made absolute first). */
export function fileUri(path: string): string {
  return "file://" + resolve(path).split("/").map(encodeURIComponent).join("/");
}

/** A `resource_link` to a written file. */
export function fileLink(path: string, mimeType: string, description: string, size: number): ResourceLink {
  return {
    type: "resource_link",
    uri: fileUri(path),
    name: path.slice(path.lastIndexOf("/") + 1),
    mimeType,
    description,
    size,
  };
}

/** MIME types of the drawn formats. */
export const MIME: Record<string, string> = {
  svg: "image/svg+xml",
  html: "text/html",
  png: "image/png",
  dot: "text/vnd.graphviz",
  text: "text/plain",
};

/** The format named by a file's extension, if it is one of `formats`. */
export function formatOfPath<F extends string>(path: string | undefined, formats: readonly F[]): F | undefined {
  const ext = path?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  const f = ext === "htm" ? "html" : ext;
  return formats.find((x) => x === f);
}
