/**
 * Contention analysis of mutex and block profiles: delay and contentions per
 * lock site (the primitive, the code that waits on or holds it, the library
 * that owns it), the application callers behind each, and the patterns that
 * matter (one hot lock, a convoy of a few, sheer volume).
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { autoLabel } from "../format/units.ts";
import { compileRE2 } from "../regex/re2.ts";
import { appMasks, type AppPrefixes, firstAppIndex } from "./app_frames.ts";
import { LOCK_OWNERS, LOCK_PRIMITIVES, PRIMITIVE_ADVICE } from "./contention_patterns.ts";
import { type Finding, type Severity, sortFindings } from "./findings.ts";
import { fileOf, framesOf, stackBuffer, StackGroups } from "./frames.ts";
import { exactName } from "../regex/quote.ts";

/** Which kind of contention profile: mutex (holders, charged at unlock) or block (waiters). */
export type ContentionKind = "mutex" | "block" | "unknown";

/** The share of the top group above which one lock dominates. */
export const HOT_LOCK_SHARE = 35;
/** The share of the top three groups above which a few locks form a convoy. */
export const CONVOY_SHARE = 70;
/** Contentions above which the volume itself is a problem. */
export const HIGH_CONTENTIONS = 50000;

/** One lock site: a primitive at one place in the code. */
export interface LockSite {
  lock_site: string;
  /** The primitive (sync.Mutex, channel send, select…). */
  primitive: string;
  /** The code that waits on (block) or holds (mutex) the lock: the first frame above it outside runtime and sync. */
  waiter?: string;
  source_location?: string;
  /** Library code that owns the lock or pool, when known. */
  owner?: string;
  contentions: number;
  /** Delay in the profile's unit. */
  delay: number;
  total_delay: string;
  avg_delay: string;
  /** Percent of the profile's total delay (of contentions when it has no delay). */
  share: number;
  /** The application functions behind this site, with their delay. */
  top_waiters: { function: string; delay: string; value: number; share: number; source_location?: string }[];
}

/** One pattern found. */
export interface ContentionPattern {
  type: "hot_lock" | "lock_convoy" | "high_contention";
  severity: Severity;
  description: string;
}

/** The result of {@link contentionAnalysis}. */
export interface ContentionAnalysis {
  profile_type: ContentionKind;
  total_contentions: number;
  total_delay: string;
  /** The total delay in the profile's unit. */
  total_delay_value: number;
  unit: string;
  by_lock_site: LockSite[];
  patterns: ContentionPattern[];
  recommendations: string[];
  findings: Finding[];
  warnings?: string[];
}

/** Options of {@link contentionAnalysis}. */
export interface ContentionOptions {
  /** The profile's file name, which tells block from mutex profiles when the stacks do not. */
  path?: string;
  /** Force the kind instead of detecting it. */
  kind?: ContentionKind;
  app?: AppPrefixes;
  /** How many lock sites to return (default 20). */
  maxSites?: number;
  profileArg?: string;
}

interface Group {
  lockSite: number;
  primitive: number;
  waiter: number;
  location: string;
  owner: number;
  contentions: number;
  delay: number;
  /** Application function → its weight and where it calls in. */
  callers: Map<number, { value: number; location: string }>;
}

/**
 * The kind of contention profile: by its file name, else by its stacks
 * (mutex profiles end in unlocks, block profiles in waits), else by sample types.
 */
export function contentionKind(p: Profile, path = "", releases = 0, waits = 0): ContentionKind {
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (base.includes("block")) return "block";
  if (base.includes("mutex")) return "mutex";
  if (releases > waits) return "mutex";
  if (waits > 0) return "block";
  return p.sampleTypes.some((t) => t.type === "delay" || t.type === "contentions") ? "mutex" : "unknown";
}

/** Analyses a mutex or block profile. */
export function contentionAnalysis(p: Profile, o: ContentionOptions = {}): ContentionAnalysis {
  const warnings: string[] = [];
  const ci = p.sampleTypes.findIndex((t) => t.type === "contentions");
  const di = p.sampleTypes.findIndex((t) => t.type === "delay");
  if (di < 0) warnings.push("no delay sample type: shares are of contentions");
  if (ci < 0) warnings.push("no contentions sample type: every sample counts as one contention");
  const unit = di >= 0 ? p.sampleTypes[di].unit || "nanoseconds" : "count";
  const fr = framesOf(p);
  const prims = LOCK_PRIMITIVES.map((x) => compileRE2(x.pattern, "lock primitive"));
  const owners = LOCK_OWNERS.map((x) => compileRE2(x.pattern, "lock owner"));
  const primOf = new Int16Array(fr.names.length).fill(-1);
  const ownerOf = new Int16Array(fr.names.length).fill(-1);
  const runtimeOrSync = new Uint8Array(fr.names.length);
  for (let f = 0; f < fr.names.length; f++) {
    const n = fr.names[f];
    primOf[f] = prims.findIndex((re) => re.test(n));
    ownerOf[f] = owners.findIndex((re) => re.test(n));
    runtimeOrSync[f] = n.startsWith("runtime.") || n.startsWith("sync.") ? 1 : 0;
  }
  const masks = appMasks(fr.names, o.app ?? { prefixes: [] });
  const buf = stackBuffer(fr);
  const lines = new Float64Array(buf.length);
  // Per location: the first of its frames (an index into locFns) that is a primitive, or -1.
  const primAt = new Int32Array(p.locationCount).fill(-1);
  for (let l = 0; l < p.locationCount; l++) {
    for (let j = fr.locStart[l]; j < fr.locStart[l + 1] && primAt[l] < 0; j++) {
      if (primOf[fr.locFns[j]] >= 0) primAt[l] = j;
    }
  }
  const windowOf = (s: number): number => {
    const from = p.stackStart[s], to = p.stackStart[s + 1];
    let i = from;
    while (i < to && primAt[p.stackLocs[i]] < 0) i++;
    if (i === to) i = from;
    let n = 0;
    let first = true;
    for (; i < to; i++) {
      const l = p.stackLocs[i];
      const start = first && primAt[l] >= 0 ? primAt[l] : fr.locStart[l];
      first = false;
      let app = false;
      for (let j = start; j < fr.locStart[l + 1]; j++) {
        lines[n] = fr.locLines[j];
        buf[n++] = fr.locFns[j];
        if (n > 1 && masks.app[fr.locFns[j]] === 1) app = true;
      }
      if (app) break;
    }
    return n;
  };
  const nt = p.sampleTypes.length;
  // Groups by lock site, waiter and the waiter's line (which, with the waiter, fixes the source location).
  const ids = new StackGroups();
  const key = new Int32Array(3);
  const groups: Group[] = [];
  const locationOf = (i: number) => {
    const file = fileOf(fr, buf[i]);
    return file !== "" && lines[i] > 0 ? `${file}:${lines[i]}` : "";
  };
  let totalC = 0, totalD = 0, releases = 0, waits = 0;
  for (let s = 0; s < p.sampleCount; s++) {
    const contentions = ci >= 0 ? p.values[s * nt + ci] : 1;
    const delay = di >= 0 ? p.values[s * nt + di] : 0;
    if (contentions === 0 && delay === 0) continue;
    totalC += contentions;
    totalD += delay;
    // The frames from the lock site (the leaf-most primitive, else the leaf) to the first application frame.
    const len = windowOf(s);
    if (len === 0) continue;
    const site = 0;
    const prim = primOf[buf[site]];
    if (prim >= 0) {
      if (LOCK_PRIMITIVES[prim].release) releases++;
      else waits++;
    }
    let w = site + 1;
    while (w < len && runtimeOrSync[buf[w]]) w++;
    const waiter = w < len ? w : -1;
    let owner = -1;
    for (let i = site; i < len && owner < 0; i++) {
      if (ownerOf[buf[i]] >= 0) owner = ownerOf[buf[i]];
      if (masks.app[buf[i]] === 1) break;
    }
    const at = waiter >= 0 ? waiter : site;
    key[0] = buf[site];
    key[1] = waiter >= 0 ? buf[waiter] : -1;
    key[2] = lines[at];
    const id = ids.id(key, 3);
    if (id === groups.length) {
      groups.push({
        lockSite: buf[site],
        primitive: prim,
        waiter: waiter >= 0 ? buf[waiter] : -1,
        location: locationOf(at),
        owner,
        contentions: 0,
        delay: 0,
        callers: new Map(),
      });
    }
    const g = groups[id];
    g.contentions += contentions;
    g.delay += delay;
    const a = firstAppIndex(buf, len, masks, site + 1);
    if (a >= 0) {
      const c = g.callers.get(buf[a]);
      const v = di >= 0 ? delay : contentions;
      if (c) c.value += v;
      else g.callers.set(buf[a], { value: v, location: locationOf(a) });
    }
  }
  const kind = o.kind ?? (ci < 0 && di < 0 ? "unknown" : contentionKind(p, o.path, releases, waits));
  if (kind === "unknown") {
    warnings.push(
      `this does not appear to be a mutex or block profile (sample types: ${
        p.sampleTypes.map((t) => t.type).join(", ")
      })`,
    );
  }
  const weight = (g: Group) => (di >= 0 ? g.delay : g.contentions);
  const total = di >= 0 ? totalD : totalC;
  const fmt = (v: number) => autoLabel(v, unit);
  const sorted = [...groups].sort((a, b) => weight(b) - weight(a) || b.contentions - a.contentions);
  const share = (v: number) => (total > 0 ? (v / total) * 100 : 0);
  const sites: LockSite[] = sorted.slice(0, o.maxSites ?? 20).map((g) => {
    const site: LockSite = {
      lock_site: fr.names[g.lockSite],
      primitive: g.primitive >= 0 ? LOCK_PRIMITIVES[g.primitive].name : "unknown",
      contentions: g.contentions,
      delay: g.delay,
      total_delay: fmt(g.delay),
      avg_delay: fmt(g.contentions > 0 ? Math.floor(g.delay / g.contentions) : 0),
      share: share(weight(g)),
      top_waiters: [...g.callers].sort((a, b) => b[1].value - a[1].value).slice(0, 3).map(([f, c]) => ({
        function: fr.names[f],
        delay: di >= 0 ? fmt(c.value) : `${c.value} contentions`,
        value: c.value,
        share: share(c.value),
        ...(c.location ? { source_location: c.location } : {}),
      })),
    };
    if (g.waiter >= 0) site.waiter = fr.names[g.waiter];
    if (g.location) site.source_location = g.location;
    if (g.owner >= 0) site.owner = LOCK_OWNERS[g.owner].name;
    return site;
  });
  const patterns = contentionPatterns(sorted.map(weight), total, totalC);
  const out: ContentionAnalysis = {
    profile_type: kind,
    total_contentions: totalC,
    total_delay: fmt(totalD),
    total_delay_value: totalD,
    unit,
    by_lock_site: sites,
    patterns,
    recommendations: recommendations(patterns, sites),
    findings: contentionFindings(kind, sites, unit, o.profileArg),
  };
  if (warnings.length > 0) out.warnings = warnings;
  return out;
}

/** The patterns of a list of group weights (largest first). */
export function contentionPatterns(weights: number[], total: number, contentions: number): ContentionPattern[] {
  const out: ContentionPattern[] = [];
  if (total > 0 && weights.length > 0) {
    const top = (weights[0] / total) * 100;
    if (top >= HOT_LOCK_SHARE) {
      out.push({
        type: "hot_lock",
        severity: "high",
        description: `one lock site accounts for ${top.toFixed(1)}% of the contention`,
      });
    }
    const top3 = (weights.slice(0, 3).reduce((a, b) => a + b, 0) / total) * 100;
    if (weights.length >= 3 && top3 >= CONVOY_SHARE) {
      out.push({
        type: "lock_convoy",
        severity: "medium",
        description: `the top three lock sites account for ${top3.toFixed(1)}% of the contention`,
      });
    }
  }
  if (contentions >= HIGH_CONTENTIONS) {
    out.push({
      type: "high_contention",
      severity: "medium",
      description: `${contentions} contention events in the profile`,
    });
  }
  return out;
}

/** The culprit of a site and where it is in the source. */
function where(s: LockSite): string {
  const top = s.top_waiters[0];
  if (top) return top.source_location ? `${top.function} (${top.source_location})` : top.function;
  const who = s.waiter ?? s.lock_site;
  return s.source_location ? `${who} (${s.source_location})` : who;
}

function recommendations(patterns: ContentionPattern[], sites: LockSite[]): string[] {
  const out: string[] = [];
  const first = sites[0];
  for (const p of patterns) {
    if (p.type === "hot_lock" && first) {
      const advice = PRIMITIVE_ADVICE[first.primitive] ?? PRIMITIVE_ADVICE.unknown;
      out.push(`The ${first.primitive} in ${where(first)} dominates (${first.share.toFixed(1)}%): ${advice}.`);
    } else if (p.type === "lock_convoy") {
      out.push(
        "A few locks take most of the contention: review their critical sections and the order goroutines " +
          "take them in.",
      );
    } else if (p.type === "high_contention") {
      out.push("Contention is frequent: batch the operations that take the locks, or use lock-free structures.");
    }
  }
  const seen = new Set<string>();
  for (const s of sites.slice(0, 5)) {
    if (!s.owner || seen.has(s.owner)) continue;
    seen.add(s.owner);
    const advice = LOCK_OWNERS.find((o) => o.name === s.owner)!.advice;
    out.push(`${s.owner} (${s.share.toFixed(1)}%, from ${where(s)}): ${advice}`);
  }
  return out;
}

function contentionFindings(kind: ContentionKind, sites: LockSite[], unit: string, profile?: string): Finding[] {
  const findings = sites.slice(0, 5).filter((s) => s.share > 0).map((s): Finding => {
    const culprit = s.top_waiters[0]?.function ?? s.waiter ?? s.lock_site;
    const via = s.owner ? ` through ${s.owner}` : s.waiter && s.waiter !== culprit ? ` in ${s.waiter}` : "";
    const what = kind === "mutex"
      ? `${culprit} held a contended ${s.primitive}${via}: others waited ${s.total_delay}`
      : `${culprit} waited ${s.total_delay} in ${s.primitive}${via}`;
    const f: Finding = {
      severity: s.share >= HOT_LOCK_SHARE ? "high" : s.share >= 10 ? "medium" : "low",
      title: `${what} (${s.share.toFixed(1)}% of the delay, ${s.contentions} contentions)`,
      evidence: { function: culprit, share: s.share, value: s.delay, value_text: s.total_delay, unit },
    };
    if (profile) {
      f.next_step = {
        tool: "pprof.peek",
        arguments: { profile, regex: exactName(culprit) },
        why: "who calls it and how the delay splits among its callees",
      };
    }
    return f;
  });
  return sortFindings(findings);
}
