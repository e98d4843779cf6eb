/**
 * Service discovery: which services sent profiles recently (grouped from a list call, cached per site and env
 * prefix), and fuzzy matching of a name someone typed against them.
 *
 * @module
 */
import type { ListEntry } from "./responses.ts";

/** A service that has profiles, and where. */
export interface ServiceInfo {
  service: string;
  environments: string[];
  last_seen: string;
}

/** A service matching a query. */
export interface ServiceMatch {
  service: string;
  environments: string[];
  score: number;
  match_type: "exact" | "prefix" | "normalized" | "contains" | "similar";
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

function fromTags(tags: unknown, key: string): string {
  if (!Array.isArray(tags)) return "";
  const t = tags.find((x): x is string => typeof x === "string" && x.startsWith(key + ":"));
  return t ? t.slice(key.length + 1) : "";
}

/**
 * Services of list entries: name from `service`/`service_name`/`service-name` or a `service:` tag (entries without
 * one are skipped), envs from `env`/`environment` or an `env:` tag, and the latest timestamp; sorted by name.
 * An entry without attributes is read at its top level.
 */
export function groupServices(entries: ListEntry[]): ServiceInfo[] {
  const by = new Map<string, { envs: Set<string>; last: string }>();
  for (const e of entries) {
    const a = (e.attributes ?? e) as Record<string, unknown>;
    const service = str(a.service) || str(a.service_name) || str(a["service-name"]) || fromTags(a.tags, "service");
    if (service === "") continue;
    const env = str(a.env) || str(a.environment) || fromTags(a.tags, "env");
    const ts = str(a.timestamp) || str(e.timestamp);
    let g = by.get(service);
    if (!g) by.set(service, g = { envs: new Set(), last: "" });
    if (env !== "") g.envs.add(env);
    if (ts > g.last) g.last = ts;
  }
  return [...by.entries()]
    .map(([service, g]) => ({ service, environments: [...g.envs].sort(), last_seen: g.last }))
    .sort((x, y) => (x.service < y.service ? -1 : x.service > y.service ? 1 : 0));
}

/** Services having an env that starts with `prefix` (case-insensitive), their envs reduced to the matching ones. */
export function filterByEnv(services: ServiceInfo[], prefix: string): ServiceInfo[] {
  const p = prefix.toLowerCase();
  return services
    .map((s) => ({ ...s, environments: s.environments.filter((e) => e.toLowerCase().startsWith(p)) }))
    .filter((s) => s.environments.length > 0);
}

const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, "");

/** Levenshtein distance over UTF-8 bytes, unit costs. */
export function levenshtein(a: string, b: string): number {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

/** The score and kind of match of one service name for a query (score 0: no match). */
export function matchScore(name: string, query: string): { score: number; type: ServiceMatch["match_type"] } {
  const q = query.trim();
  const ln = name.toLowerCase(), lq = q.toLowerCase();
  const nn = norm(name), nq = norm(q);
  if (name === q) return { score: 1, type: "exact" };
  if (ln === lq) return { score: 0.95, type: "exact" };
  if (ln.startsWith(lq)) return { score: 0.9, type: "prefix" };
  if (nn === nq) return { score: 0.85, type: "normalized" };
  if (nn.startsWith(nq)) return { score: 0.8, type: "normalized" };
  if (ln.includes(lq)) return { score: 0.7, type: "contains" };
  if (nn.includes(nq)) return { score: 0.65, type: "contains" };
  const lenQ = new TextEncoder().encode(nq).length, lenN = new TextEncoder().encode(nn).length;
  const maxLen = Math.max(lenQ, lenN);
  const maxEdits = lenQ >= 8 ? 3 : 2;
  const d = levenshtein(nq, nn);
  if (maxLen > 0 && d <= maxEdits) {
    const score = 0.6 * (1 - d / maxLen);
    if (score > 0) return { score, type: "similar" };
  }
  return { score: 0, type: "similar" };
}

/** The best `limit` matches of `query`, by score, then name. An empty query matches nothing. */
export function fuzzyMatch(services: ServiceInfo[], query: string, limit = 10): ServiceMatch[] {
  if (query.trim() === "") return [];
  const out: ServiceMatch[] = [];
  for (const s of services) {
    const m = matchScore(s.service, query);
    if (m.score > 0) out.push({ service: s.service, environments: s.environments, score: m.score, match_type: m.type });
  }
  out.sort((a, b) => b.score - a.score || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
  return out.slice(0, limit);
}

/** How long a fetched service list is reused. */
export const CACHE_MS = 10 * 60_000;

/** The process's service lists, keyed by site and env prefix (the original reused one list for every env). */
export class ServiceCache {
  #lists = new Map<string, { services: ServiceInfo[]; at: number }>();

  /** The cached list for `site`/`env`, when fresh and not empty. */
  get(site: string, env: string, nowMs: number): { services: ServiceInfo[]; at: number } | undefined {
    const hit = this.#lists.get(`${site}\0${env.toLowerCase()}`);
    return hit && nowMs - hit.at < CACHE_MS && hit.services.length > 0 ? hit : undefined;
  }

  /** Stores a fetched list. */
  set(site: string, env: string, services: ServiceInfo[], nowMs: number): void {
    this.#lists.set(`${site}\0${env.toLowerCase()}`, { services, at: nowMs });
  }
}
