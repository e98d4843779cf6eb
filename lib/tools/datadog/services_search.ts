/**
 * `datadog.services.search`: the services that sent profiles in the last 15 minutes, fuzzy-matched against a
 * name (cached 10 minutes per site and env prefix).
 *
 * @module
 */
import { z } from "zod";
import { resolveSite } from "../../datadog/config.ts";
import { listPage, MAX_PAGES } from "../../datadog/profiles_api.ts";
import type { ListEntry } from "../../datadog/responses.ts";
import { filterByEnv, fuzzyMatch, groupServices, ServiceCache } from "../../datadog/services.ts";
import { rfc3339 } from "../../datadog/timeparse.ts";
import type { ToolContext, ToolDef } from "../registry.ts";
import { cliCommand, client, isCancel, messageOf, warningsField } from "./common.ts";

/** How far back services are looked for. */
const RECENT_MS = 15 * 60_000;
const PAGE = 500;
/** Pages read at most (the original read one). */
const PAGES = Math.min(10, MAX_PAGES);

const cache = new ServiceCache();

const input = z.object({
  query: z.string().describe("The name as you know it: checkout, temporal worker, sync-svc…"),
  env: z.string().describe("Only services with an env starting with this, e.g. prod").optional(),
  refresh: z.boolean().describe("Fetch again instead of using the list cached for 10 minutes").optional(),
  site: z.string().describe("Datadog site (default: DD_SITE, else us3.datadoghq.com)").optional(),
}).strict();

const output = z.object({
  command: z.string(),
  result: z.object({
    query: z.string(),
    env: z.string(),
    matches: z.array(z.object({
      service: z.string(),
      environments: z.array(z.string()),
      score: z.number().describe("1 exact … 0.6 similar"),
      match_type: z.enum(["exact", "prefix", "normalized", "contains", "similar"]),
    })).describe("The 10 best matches, best first"),
    cached: z.boolean(),
    total: z.number().int().describe("Services considered"),
    cached_at: z.string().describe('When the cached list was fetched ("" when fetched now)'),
    warnings: warningsField,
  }),
});

/** datadog.services.search's handler. */
export async function servicesSearch(a: z.infer<typeof input>, ctx: Pick<ToolContext, "signal">) {
  const site = resolveSite(a.site);
  const env = a.env ?? "";
  const dd = client();
  dd.keys();
  const now = Date.now();
  const warnings: string[] = [];
  const hit = a.refresh ? undefined : cache.get(site, env, now);
  let services = hit?.services;
  if (!services) {
    const entries: ListEntry[] = [];
    const filter = { query: env ? `env:${env}*` : "*", fromMs: now - RECENT_MS, toMs: now };
    let cursor: string | undefined;
    try {
      for (let page = 0; page < PAGES; page++) {
        const p = await listPage(dd, site, filter, PAGE, { cursor, signal: ctx.signal });
        entries.push(...p.entries);
        cursor = p.after;
        if (!cursor || p.entries.length === 0) break;
      }
    } catch (e) {
      if (isCancel(e, ctx.signal) || entries.length === 0) throw e;
      warnings.push(`listing stopped early: ${messageOf(e)}`);
    }
    services = groupServices(entries);
    if (env) services = filterByEnv(services, env);
    cache.set(site, env, services, now);
  }
  const matches = fuzzyMatch(services, a.query);
  return {
    command: cliCommand(["datadog", "services", "search"], [["query", a.query], ["env", a.env], ["site", a.site]]),
    result: {
      query: a.query,
      env,
      matches,
      cached: hit !== undefined,
      total: services.length,
      cached_at: hit ? rfc3339(hit.at) : "",
      warnings,
    },
  };
}

/** The datadog.services.search tool. */
export const servicesSearchTool: ToolDef<typeof input, typeof output> = {
  name: "datadog.services.search",
  title: "Find a Datadog service name",
  description: 'Find the exact Datadog service name from an approximate one ("temporal worker" → ' +
    "temporal_worker): services that sent profiles in the last 15 minutes, optionally with an env prefix, " +
    "fuzzy-matched (exact, prefix, ignoring - _ and spaces, contained, or within a few typos), with their envs. " +
    "The list is cached for 10 minutes per site and env (refresh=true fetches again). Needs DD_API_KEY and " +
    "DD_APP_KEY.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: true },
  summary: (o) => {
    const best = o.result.matches[0];
    return best
      ? `best match ${best.service} (${best.score.toFixed(2)}, ${best.match_type}) of ${o.result.total} services`
      : `no services found matching "${o.result.query}" (${o.result.total} services)`;
  },
  text: (o) =>
    [
      ...o.result.matches.map((m) =>
        `${m.service}  score=${m.score.toFixed(2)} ${m.match_type}  envs: ${m.environments.join(", ") || "-"}`
      ),
      `${o.result.total} services${o.result.cached ? ` (cached at ${o.result.cached_at})` : ""}`,
      ...o.result.warnings.map((w) => `warning: ${w}`),
    ].join("\n"),
  run: (a, ctx) => servicesSearch(a, ctx),
};
