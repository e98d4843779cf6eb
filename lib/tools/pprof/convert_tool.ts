/**
 * `pprof.convert`: a profile of another profiler's format (V8, folded stacks,
 * JFR, legacy pprof) written as a new gzipped profile.proto file, registered
 * as a handle.
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { convertProfile } from "../../profile/convert.ts";
import { parseSampleType } from "../../profile/formats/folded.ts";
import type { FormatOptions } from "../../profile/load.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { pprofCommand } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { outputPathArg } from "../paths.ts";
import { profileArg } from "./args.ts";

const input = z.object({
  profile: profileArg("Profile to convert"),
  output_path: outputPathArg("File to write (gzipped profile.proto); must not exist yet"),
  sample_type: z.string().describe(
    "Folded stacks only: what the counts are, as TYPE/UNIT (e.g. cpu/nanoseconds); default samples/count",
  ).optional(),
  period: z.number().positive().describe(
    "Folded stacks only: each count is this many of sample_type (the profile gets samples/count and sample_type)",
  ).optional(),
}).strict();

const output = z.object({
  command: z.string().describe("The go tool pprof command that reads the converted file"),
  output_path: z.string(),
  input_format: z.string().describe("The format the input was read as, e.g. V8 CPU profile, JFR recording"),
  sample_types: z.array(z.string()).describe("TYPE/UNIT of each sample type, as -sample_index names them"),
  message: z.string(),
  handle: z.string().describe("Handle of the converted profile, usable as a profile argument"),
  samples: z.number().int(),
  bytes: z.number().int(),
});

/** The format options of a call's arguments. */
function formatOptions(a: z.infer<typeof input>): FormatOptions {
  if (a.sample_type === undefined) {
    if (a.period !== undefined) {
      throw new UserError("period needs sample_type (e.g. cpu/nanoseconds)", "INVALID_ARGUMENT", { field: "period" });
    }
    return {};
  }
  let sampleType;
  try {
    sampleType = parseSampleType(a.sample_type);
  } catch (e) {
    throw new UserError((e as Error).message, "INVALID_ARGUMENT", { field: "sample_type" });
  }
  return { folded: { sampleType, ...(a.period !== undefined ? { period: a.period } : {}) } };
}

/** pprof.convert's handler: reads the input in its own format, writes profile.proto atomically. */
export async function pprofConvert(
  a: z.infer<typeof input>,
  ctx: Pick<ToolContext, "signal" | "progress" | "handles">,
) {
  const formats = formatOptions(a);
  if (await exists(a.output_path)) {
    throw new UserError(
      `output_path ${a.output_path} already exists; convert only writes new files`,
      "INVALID_ARGUMENT",
      {
        field: "output_path",
        hint: "Choose a file name that does not exist yet.",
      },
    );
  }
  await ctx.progress(0, 2, `reading ${a.profile}`);
  const c = await convertProfile(a.profile, { formats });
  ctx.signal.throwIfAborted();
  await ctx.progress(1, 2, `writing ${a.output_path}`);
  await writeFileAtomic(a.output_path, c.bytes);
  const type = c.profile.sampleTypes.at(-1)?.type;
  const handle = ctx.handles.register({ path: a.output_path, bytes: c.bytes.length, ...(type ? { type } : {}) });
  return {
    command: pprofCommand(["-top", a.output_path]),
    output_path: a.output_path,
    input_format: c.format,
    sample_types: c.profile.sampleTypes.map((t) => `${t.type}/${t.unit}`),
    message: `converted the ${c.format} ${a.profile} into ${a.output_path} (${c.profile.sampleCount} samples)`,
    handle: handle.id,
    samples: c.profile.sampleCount,
    bytes: c.bytes.length,
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

/** The pprof.convert tool. */
export const convertTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.convert",
  title: "Convert a profile to profile.proto",
  description: "Write a profile from another profiler as a new gzipped profile.proto file that go tool pprof and " +
    "every pprof tool read, and get a handle to it. Reads V8 .cpuprofile and .heapprofile (node --cpu-prof, " +
    "--heap-prof, Chrome DevTools), folded stacks (perf + stackcollapse, async-profiler collapsed, py-spy raw; " +
    "sample_type/period say what their counts are), JFR recordings (Java Flight Recorder) and legacy pprof files; " +
    "the format is told by content. The other tools read these formats directly too. Never overwrites a file.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  summary: (o) => o.message,
  run: (a, ctx) => pprofConvert(a, ctx),
};
