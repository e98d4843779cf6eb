/**
 * `pprof.tags`: label values and their weight, or the top functions of the
 * samples a label filter selects.
 *
 * @module
 */
import { z } from "zod";
import { labelKeys } from "../meta.ts";
import { renderTags, tagsReport } from "../../report/tags.ts";
import { renderTop, topReport } from "../../report/top.ts";
import { pprofFlags } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, limitArgs, profileArg, rawFields, sampleIndexArg } from "./args.ts";
import { rawResult, reportFor } from "./run.ts";

const input = z.object({
  profile: profileArg,
  binary: binaryArg,
  tag_focus: z.string().describe("Only samples whose labels match: key=regexp, regexp, or a range such as bytes=1kb:")
    .optional(),
  tag_ignore: z.string().describe("Drop samples whose labels match (same forms as tag_focus)").optional(),
  tag_show: z.string().describe("List label values (only keys matching this regexp) instead of top functions")
    .optional(),
  cum: z.boolean().describe("Sort top functions by cumulative weight").optional(),
  nodecount: z.number().int().min(0).describe("Show at most this many functions").optional(),
  sample_index: sampleIndexArg,
  ...limitArgs,
}).strict();

const output = z.object({ ...rawFields, tags: z.array(z.string()).optional() });

/**
 * pprof.tags's handler: `-tags` when tag_show is set (its keys filter the
 * listing, where the original ignored the value) or when no tag filter is
 * given, else `-top` of the selected samples. `tags` lists the profile's label
 * keys (the original parsed them from the text and picked up header words).
 */
export async function pprofTags(a: z.infer<typeof input>, ctx?: Pick<ToolContext, "signal">) {
  const listing = (a.tag_show ?? "") !== "";
  const { profile, report } = await reportFor(a.profile, listing ? "tags" : "top", {
    tagFocus: a.tag_focus ?? "",
    tagIgnore: a.tag_ignore ?? "",
    tagShow: a.tag_show ?? "",
    sort: a.cum ? "cum" : "flat",
    nodeCount: a.nodecount ? a.nodecount : -1,
    sampleIndex: a.sample_index ?? "",
  }, ctx);
  const text = listing ? renderTags(tagsReport(report)) : renderTop(topReport(report));
  const flags = [
    listing ? "-tags" : "-top",
    ...pprofFlags({
      tagfocus: a.tag_focus,
      tagignore: a.tag_ignore,
      tagshow: a.tag_show,
      cum: a.cum,
      nodecount: a.nodecount,
      sample_index: a.sample_index,
    }),
  ];
  const payload = rawResult(flags, a, text, report.warnings);
  return listing || (!a.tag_focus && !a.tag_ignore) ? { ...payload, tags: labelKeys(profile) } : payload;
}

/** The pprof.tags tool. */
export const tagsTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.tags",
  title: "Labels (tenants, endpoints…)",
  description: "Per-label analysis (labels such as tenant_id, endpoint, connector_id set with pprof.Do or " +
    "Datadog contexts). With tag_show, lists every value of the matching label keys with its weight " +
    "(`go tool pprof -tags`); with tag_focus/tag_ignore, shows the top functions of just those samples, e.g. " +
    "tag_focus='tenant_id=acme'. Returns the profile's label keys in `tags`.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  text: (o) => o.raw,
  run: (a, ctx) => pprofTags(a, ctx),
};
