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
import { rawText } from "../common.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { binaryArg, limitArgs, limitsOf, profileArg, rawFields, reportArgs } from "./args.ts";
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

/** Label keys a result lists: a profile with more is unusual, and the listing names them anyway. */
const MAX_KEYS = 100;

const output = z.object({
  ...rawFields,
  tags: z.array(z.string()).optional().describe(`The profile's label keys (at most ${MAX_KEYS})`),
  total_tags: z.number().int().optional().describe("How many label keys the profile has, when more were found"),
});

/**
 * pprof.tags's handler: `-tags` (label values and their weight) unless a
 * tag_focus or tag_ignore is given without tag_show, which gives `-top` of the
 * selected samples. tag_show filters the listing's keys (the original ignored
 * its value). `tags` lists the profile's label keys (the original parsed them
 * from the text and picked up header words).
 */
export async function pprofTags(a: z.input<typeof input>, ctx?: Pick<ToolContext, "signal">) {
  const listing = (a.tag_show ?? "") !== "" || (!a.tag_focus && !a.tag_ignore);
  const { profile, report } = await reportFor(a.profile, listing ? "tags" : "top", options.config(a), ctx);
  const text = listing ? renderTags(tagsReport(report)) : renderTop(topReport(report));
  const flags = listing
    ? ["-tags", ...options.flags({ ...a, cum: undefined, nodecount: undefined })]
    : ["-top", ...options.flags(a)];
  const narrow = listing ? "pick label keys with tag_show" : "narrow it with nodecount or a tag_focus";
  const payload = rawResult(flags, a, text, report.warnings, limitsOf(a), narrow);
  if (!listing) return payload;
  const keys = labelKeys(profile);
  return keys.length > MAX_KEYS
    ? { ...payload, tags: keys.slice(0, MAX_KEYS), total_tags: keys.length }
    : { ...payload, tags: keys };
}

/** The pprof.tags tool. */
export const tagsTool: ToolDef<typeof input, typeof output> = {
  name: "pprof.tags",
  title: "Labels (tenants, endpoints…)",
  description: "Per-label analysis (labels such as tenant_id, endpoint, connector_id set with pprof.Do or " +
    "Datadog contexts). By default lists every value of every label key with its weight (`go tool pprof " +
    "-tags`), and the profile's label keys in `tags`; tag_show keeps only the matching keys. With tag_focus or " +
    "tag_ignore (and no tag_show), shows the top functions of just those samples instead, e.g. " +
    "tag_focus='tenant_id=acme'. The text is limited by max_lines/max_bytes; raw_meta says what was cut.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  text: rawText,
  run: (a, ctx) => pprofTags(a, ctx),
};
