/**
 * `pprof.merge`: several profiles into one new file, registered as a handle.
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { encodeProfileGzip } from "../../profile/encode.ts";
import { mergeFiles } from "../../profile/sources.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { pprofCommand } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { outputPathArg, pathListArg } from "../paths.ts";
import { binaryArg } from "./args.ts";
import { binaryArgs } from "./run.ts";

const input = z.object({
  profiles: pathListArg("Profiles to merge (paths or handles), at least two, all of the same type", 2),
  output_path: outputPathArg("File to write (gzipped profile.proto)"),
  binary: binaryArg,
}).strict();

const output = z.object({
  command: z.string(),
  output_path: z.string(),
  input_count: z.number().int(),
  message: z.string(),
  handle: z.string().describe("Handle of the merged profile, usable as a profile argument"),
  samples: z.number().int(),
  bytes: z.number().int(),
});

/** pprof.merge's handler: merges one input at a time, with progress, and writes atomically. */
export async function pprofMerge(a: z.infer<typeof input>, ctx: Pick<ToolContext, "signal" | "progress" | "handles">) {
  const files = typeof a.profiles === "string" ? [a.profiles] : a.profiles;
  if (files.length < 2) {
    throw new UserError("merge needs at least two profiles", "INVALID_ARGUMENT", { field: "profiles" });
  }
  if (await exists(a.output_path)) {
    throw new UserError(
      `output_path ${a.output_path} already exists; merge only writes new files`,
      "INVALID_ARGUMENT",
      {
        field: "output_path",
        hint: "Choose a file name that does not exist yet.",
      },
    );
  }
  const merged = await mergeFiles(files, {
    signal: ctx.signal,
    merged: (done, total) => ctx.progress(done, total + 1, `merged ${done}/${total} profiles`),
  });
  await ctx.progress(files.length + 1, files.length + 1, `writing ${a.output_path}`);
  const bytes = encodeProfileGzip(merged);
  ctx.signal.throwIfAborted();
  await writeFileAtomic(a.output_path, bytes);
  const type = merged.sampleTypes.at(-1)?.type;
  const handle = ctx.handles.register({ path: a.output_path, bytes: bytes.length, ...(type ? { type } : {}) });
  return {
    command: pprofCommand(["-proto", "-output", a.output_path, ...binaryArgs(a.binary), ...files]),
    output_path: a.output_path,
    input_count: files.length,
    message: `merged ${files.length} profiles into ${a.output_path}`,
    handle: handle.id,
    samples: merged.sampleCount,
    bytes: bytes.length,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The pprof.merge tool. */
export const mergeTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.merge",
  title: "Merge profiles",
  description: "Merge two or more profiles of the same type (e.g. several 60 s CPU profiles of one service) into " +
    "one new gzipped profile file, and get a handle to analyse it with the other tools. Identical stacks are " +
    "summed. It never overwrites an existing file.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  summary: (o) => o.message,
  run: (a, ctx) => pprofMerge(a, ctx),
};
