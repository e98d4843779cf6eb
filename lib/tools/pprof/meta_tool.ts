/**
 * `pprof.meta`: what a profile is, without building a report.
 *
 * @module
 */
import { z } from "zod";
import { profileMeta } from "../meta.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg } from "./args.ts";
import { loadForTool } from "./run.ts";

const input = z.object({ profile: profileArg() }).strict();

const valueType = z.object({ type: z.string(), unit: z.string() });
const output = z.object({
  command: z.string(),
  result: z.object({
    profile_path: z.string(),
    detected_profile_kind: z.enum(["cpu", "heap", "mutex", "block", "goroutine", "unknown"]),
    sample_types: z.array(valueType),
    default_sample_index: z.number().int().describe(
      "The sample type pprof reports without sample_index: default_sample_type if set, else the last type",
    ),
    totals: z.array(z.object({ type: z.string(), unit: z.string(), total: z.number() })),
    period_type: valueType.optional(),
    period: z.number().optional(),
    time_nanos: z.string().regex(/^-?\d+$/).optional().describe(
      "Nanoseconds since the epoch, as a decimal string (exact; a JSON number loses precision above 2^53)",
    ),
    time: z.string().optional().describe("The same instant in ISO 8601 (UTC), e.g. 2024-06-01T12:00:00.123456789Z"),
    duration_nanos: z.number().optional(),
    label_keys: z.array(z.string()).optional(),
    go_version: z.string().nullable(),
    build_id: z.string().nullable(),
  }),
});

/** pprof.meta's handler. */
export async function pprofMeta(a: z.infer<typeof input>, ctx?: Pick<ToolContext, "signal">) {
  return {
    command: `profctl pprof meta --profile ${a.profile}`,
    result: profileMeta(await loadForTool(a.profile, ctx), a.profile),
  };
}

/** The pprof.meta tool. */
export const metaTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.meta",
  title: "Profile metadata",
  description: "What a profile is: its kind (cpu, heap, mutex, block, goroutine), sample types and their totals, " +
    "the sample type reported by default (default_sample_index, as pprof picks it), period, time, duration, " +
    "label keys, Go version and build id. Cheap; use it to pick sample_index and filters. time_nanos is a " +
    "decimal string (the original tool gave a number, which cannot hold a nanosecond timestamp exactly), and " +
    "time the same instant in ISO 8601.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) =>
    `${o.result.detected_profile_kind} profile, sample types: ${o.result.sample_types.map((t) => t.type).join(", ")}`,
  run: (a, ctx) => pprofMeta(a, ctx),
};
