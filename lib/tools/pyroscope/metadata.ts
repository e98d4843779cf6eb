/**
 * `pyroscope.profile_types` and `pyroscope.labels`: what a Pyroscope server holds (the profile types with data in
 * a window; label names, or the values of one label), to build the selector of a query.
 *
 * @module
 */
import { z } from "zod";
import type { ToolDef } from "../registry.ts";
import { checkSelector, cliCommand, client, pyArgs, windowOf } from "./common.ts";

const typesInput = z.object({ url: pyArgs.url, from: pyArgs.from, to: pyArgs.to }).strict();

const profileTypeEntry = z.object({
  id: z.string().describe("Pass it as profile_type"),
  name: z.string(),
  sample_type: z.string(),
  sample_unit: z.string(),
  period_type: z.string(),
  period_unit: z.string(),
});

const typesOutput = z.object({
  command: z.string(),
  url: z.string(),
  from: z.string(),
  to: z.string(),
  profile_types: z.array(profileTypeEntry),
});

/** The pyroscope.profile_types tool. */
export const profileTypesTool: ToolDef<typeof typesInput, typeof typesOutput> = {
  name: "pyroscope.profile_types",
  title: "List a Pyroscope server's profile types",
  description: "The profile types a Grafana Pyroscope server has data for in a window (default the last hour), " +
    "e.g. process_cpu:cpu:nanoseconds:cpu:nanoseconds or memory:inuse_space:bytes:space:bytes: the id is the " +
    `profile_type of pyroscope.series and pyroscope.profiles.query. Server from url or PYROSCOPE_URL.`,
  input: typesInput,
  output: typesOutput,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) => `${o.profile_types.length} profile types`,
  text: (o) =>
    o.profile_types.length === 0
      ? `no profile types with data from ${o.from} to ${o.to}`
      : o.profile_types.map((t) => t.id).join("\n"),
  async run(a, ctx) {
    const py = client(a.url);
    const w = windowOf(a);
    const types = await py.profileTypes(w.startMs, w.endMs, ctx.signal);
    return {
      command: cliCommand(["pyroscope", "types"], [["url", a.url], ["from", a.from], ["to", a.to]]),
      url: py.url.href,
      from: w.from,
      to: w.to,
      profile_types: types.map((t) => ({
        id: t.ID,
        name: t.name,
        sample_type: t.sample_type,
        sample_unit: t.sample_unit,
        period_type: t.period_type,
        period_unit: t.period_unit,
      })).sort((x, y) => x.id.localeCompare(y.id)),
    };
  },
};

const labelsInput = z.object({
  url: pyArgs.url,
  name: z.string().describe("A label name: list its values (default: list the label names)").optional(),
  selector: z.string().describe('Only series matching this label selector, e.g. {service_name="checkout"}')
    .optional(),
  from: pyArgs.from,
  to: pyArgs.to,
}).strict();

const labelsOutput = z.object({
  command: z.string(),
  url: z.string(),
  from: z.string(),
  to: z.string(),
  name: z.string().optional().describe("The label whose values these are"),
  names: z.array(z.string()).optional().describe("Label names (without name)"),
  values: z.array(z.string()).optional().describe("The values of name"),
});

/** The pyroscope.labels tool. */
export const labelsTool: ToolDef<typeof labelsInput, typeof labelsOutput> = {
  name: "pyroscope.labels",
  title: "List Pyroscope label names or values",
  description: "The label names of a Pyroscope server's series (service_name, namespace, pod…), or with name the " +
    "values of one label, optionally only of series matching a selector, in a window (default the last hour): " +
    'the pieces of the selector of pyroscope.profiles.query, e.g. {service_name="checkout"}.',
  input: labelsInput,
  output: labelsOutput,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) => o.name ? `${o.values?.length ?? 0} values of ${o.name}` : `${o.names?.length ?? 0} label names`,
  text: (o) => {
    const list = o.name ? o.values ?? [] : o.names ?? [];
    if (list.length === 0) return o.name ? `no values of ${o.name} from ${o.from} to ${o.to}` : "no labels";
    return list.join("\n");
  },
  async run(a, ctx) {
    const py = client(a.url);
    const w = windowOf(a);
    const matchers = a.selector !== undefined && a.selector.trim() !== "" ? [checkSelector(a.selector)] : [];
    const base = {
      command: cliCommand(["pyroscope", "labels"], [
        ["url", a.url],
        ["name", a.name],
        ["selector", a.selector],
        ["from", a.from],
        ["to", a.to],
      ]),
      url: py.url.href,
      from: w.from,
      to: w.to,
    };
    if (a.name !== undefined && a.name !== "") {
      const values = await py.labelValues(a.name, matchers, w.startMs, w.endMs, ctx.signal);
      return { ...base, name: a.name, values: [...values].sort() };
    }
    const names = await py.labelNames(matchers, w.startMs, w.endMs, ctx.signal);
    return { ...base, names: [...names].sort() };
  },
};
