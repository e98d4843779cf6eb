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
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, limitArgs, profileArg, rawFields, reportArgs } from "./args.ts";
import { rawResult, reportFor } from "./run.ts";

const options = reportArgs(["tagfocus", "tagignore", "tagshow", "cum", "nodecount", "sample_index"], {
  tagshow: "List label values (only keys matching this regexp) instead of top functions",
  cum: "Sort top functions by cumulative weight",
  nodecount: "Show at most this many functions",
});

const input = z.object({
  profile: profileArg(),
  binary: binaryArg,
  ...options.shape,
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
  const { profile, report } = await reportFor(a.profile, listing ? "tags" : "top", options.config(a), ctx);
  const text = listing ? renderTags(tagsReport(report)) : renderTop(topReport(report));
  const flags = [listing ? "-tags" : "-top", ...options.flags(a)];
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
