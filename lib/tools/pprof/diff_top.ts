/**
 * `pprof.diff_top`: the top of two profiles and how every function changed.
 *
 * @module
 */
import { z } from "zod";
import type { TextRow } from "../../report/top.ts";
import { rawPayload } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { profileArg, textMeta, textRow } from "./args.ts";
import { pprofTop, topInput } from "./top.ts";

const { profile: _profile, ...rest } = topInput;
const input = z.object({
  before: profileArg("Profile before the change"),
  after: profileArg("Profile after the change"),
  ...rest,
}).strict();

const delta = z.object({
  name: z.string(),
  before_flat: z.string(),
  after_flat: z.string(),
  before_cum: z.string(),
  after_cum: z.string(),
  before_flat_seconds: z.number().nullable(),
  after_flat_seconds: z.number().nullable(),
  before_cum_seconds: z.number().nullable(),
  after_cum_seconds: z.number().nullable(),
  delta_seconds: z.number(),
});

const output = z.object({
  commands: z.object({ before: z.string(), after: z.string() }),
  before: z.array(textRow),
  after: z.array(textRow),
  deltas: z.array(delta),
  raw: z.string().optional(),
  raw_meta: textMeta.optional(),
  total_lines: z.number().int().optional(),
  truncated: z.boolean().optional(),
});

type Delta = z.infer<typeof delta>;

/** Per-function deltas of two top row lists (flat, or cum), biggest increase first. */
export function topDeltas(before: TextRow[], after: TextRow[], cum: boolean): Delta[] {
  const b = new Map(before.map((r) => [r.name, r]));
  const a = new Map(after.map((r) => [r.name, r]));
  const secs = (r: TextRow | undefined) => (cum ? r?.cum_seconds : r?.flat_seconds) ?? 0;
  return [...new Set([...b.keys(), ...a.keys()])].map((name): Delta => {
    const x = b.get(name), y = a.get(name);
    return {
      name,
      before_flat: x?.flat ?? "",
      after_flat: y?.flat ?? "",
      before_cum: x?.cum ?? "",
      after_cum: y?.cum ?? "",
      before_flat_seconds: x ? x.flat_seconds ?? null : null,
      after_flat_seconds: y ? y.flat_seconds ?? null : null,
      before_cum_seconds: x ? x.cum_seconds ?? null : null,
      after_cum_seconds: y ? y.cum_seconds ?? null : null,
      delta_seconds: secs(y) - secs(x),
    };
  }).sort((p, q) => q.delta_seconds - p.delta_seconds || (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
}

/** pprof.diff_top's handler. */
export async function pprofDiffTop(a: z.infer<typeof input>, ctx?: Pick<ToolContext, "signal" | "sandbox">) {
  const { before: b, after: af, max_lines: _l, max_bytes: _b, truncate_strategy: _t, ...flags } = a;
  const before = await pprofTop({ ...flags, profile: b }, ctx);
  const after = await pprofTop({ ...flags, profile: af }, ctx);
  const deltas = topDeltas(before.rows, after.rows, !!a.cum);
  const out: z.infer<typeof output> = {
    commands: { before: before.command, after: after.command },
    before: before.rows,
    after: after.rows,
    deltas,
  };
  if ((a.max_lines ?? 0) > 0 || (a.max_bytes ?? 0) > 0) {
    const tsv = ["name\tbefore_flat\tafter_flat\tbefore_cum\tafter_cum\tdelta_seconds"].concat(
      deltas.map((d) =>
        [d.name, d.before_flat, d.after_flat, d.before_cum, d.after_cum, d.delta_seconds.toFixed(6)].join("\t")
      ),
    ).join("\n");
    const { raw, raw_meta, total_lines, truncated } = rawPayload(tsv, [], a);
    Object.assign(out, { raw, raw_meta, total_lines, truncated });
  }
  return out;
}

/** The pprof.diff_top tool. */
export const diffTopTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.diff_top",
  title: "Compare two profiles",
  description: "Top of a profile before and after a change, and the change of every function in seconds " +
    "(flat, or cum with cum=true), largest increase first. Use it to check a fix or find a regression between " +
    "two CPU profiles. With max_lines or max_bytes, also returns the deltas as a TSV table in raw.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  summary: (o) => {
    const worst = o.deltas[0], best = o.deltas.at(-1);
    return worst && best
      ? `largest increase: ${worst.name} (${worst.delta_seconds.toFixed(2)}s); largest decrease: ${best.name} (${
        best.delta_seconds.toFixed(2)
      }s)`
      : "no functions";
  },
  run: (a, ctx) => pprofDiffTop(a, ctx),
};
