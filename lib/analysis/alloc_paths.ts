/**
 * `pprof.alloc_paths`' analysis: where a heap profile's memory is allocated (the first frame above the
 * runtime's allocator), through which callers, and how much of it is still in use, so that allocation churn
 * and retention (a cache or collection that only grows) are told apart. Go and Node.js heap profiles.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { type AppCode, appCode, type AppHints } from "./app_code.ts";
import { type Finding, sortFindings } from "./findings.ts";
import {
  formatAmount,
  nameTable,
  pprofValue,
  type SampleKind,
  sampleKind,
  share,
  typeIndex,
  valueIndex,
} from "./profile_facts.ts";
import { exactName } from "../regex/quote.ts";

/** Options of {@link allocPaths}. */
export interface AllocOptions {
  /** Keep paths with at least this share of the total (default 1). */
  minPercent?: number;
  /** At most this many paths (default 20). */
  maxPaths?: number;
  /** Group by the first frame of your code instead of the allocation site. */
  groupBySource?: boolean;
  /** The sample type to rank by; default alloc_space, else the profile's default. */
  sampleIndex?: string;
  app?: AppHints;
  profilePath?: string;
}

/** A caller of an allocation site and what it allocated through it. */
export interface AllocCaller {
  function: string;
  bytes: number;
  pct: number;
}

/** One allocation path. */
export interface AllocPath {
  /** The allocation site (or, grouped by source, the first frame of your code). */
  alloc_site: string;
  /** The heaviest chain of frames from the site toward the root (8 at most, leaf first). */
  caller_chain: string[];
  alloc_bytes: number;
  alloc_bytes_str: string;
  alloc_pct: number;
  alloc_rate?: string;
  /** The site's direct callers, by what they allocated through it; `pct` is their share of the site's bytes. */
  callers: AllocCaller[];
  /**
   * Allocation sizes that grow by a factor of about 1.25-2.5 each time (from the profile's `bytes` label): a
   * slice or map that keeps growing. `steps` sizes up to `largest` bytes.
   */
  growth?: { steps: number; largest: number };
  /** In-use bytes of the same stacks (heap profiles with inuse_space next to alloc_space). */
  inuse_bytes?: number;
  inuse_pct?: number;
  /** Share of the site's allocated bytes still in use: near 100 % for something that only grows. */
  retained_pct?: number;
  first_app_frame?: string;
  source_location?: string;
}

/** The result of {@link allocPaths}. */
export interface AllocPathsResult {
  profile_kind: SampleKind;
  sample_type: string;
  total_alloc: number;
  total_alloc_str: string;
  total_inuse?: number;
  duration_secs?: number;
  paths: AllocPath[];
  app_code: Omit<AppCode, "isApp">;
  warnings: string[];
  findings: Finding[];
}

/** The runtime's allocation entry points, skipped at the leaf end of a stack to reach the allocating code. */
const ALLOCATOR =
  /^runtime\.(?:mallocgc|newobject|newarray|makeslice|makeslicecopy|makemap|makemap_small|mapassign|growslice|concatstring\d*|concatstrings|rawstring|rawstringtmp|rawbyteslice|rawruneslice|slicebytetostring|stringtoslicebyte|stringtoslicerune|makechan|convT\w*|newproc1?|malg|allocm|mapassign_\w+|hashGrow|makeBucketArray|growWork\w*|evacuate\w*)$/;

interface Group {
  value: number;
  inuse: number;
  chain: number[];
  chainValue: number;
  appFrame: number;
  appFn: number;
  callers: Map<number, number>;
  /** Allocation sizes seen (the `bytes` label of Go heap profiles). */
  sizes: Set<number>;
}

/** The allocation paths of a heap profile. */
export function allocPaths(p: Profile, o: AllocOptions = {}): AllocPathsResult {
  const warnings: string[] = [];
  const kind = sampleKind(p);
  if (kind !== "heap") warnings.push(`profile kind is ${kind}, not heap`);
  let si: number;
  if (o.sampleIndex) si = valueIndex(p, o.sampleIndex);
  else {
    si = typeIndex(p, "alloc_space");
    if (si < 0) {
      si = valueIndex(p);
      warnings.push(`alloc_space not found; using ${p.sampleTypes[si].type}`);
    }
  }
  const inuseIdx = p.sampleTypes[si].type.startsWith("alloc_") ? typeIndex(p, "inuse_space") : -1;
  const stride = p.sampleTypes.length;
  const names = nameTable(p);
  const app = appCode(p, o.app);
  const unit = p.sampleTypes[si].unit;
  const minPct = o.minPercent && o.minPercent > 0 ? o.minPercent : 1;
  const maxPaths = o.maxPaths && o.maxPaths > 0 ? o.maxPaths : 20;
  const groups = new Map<number, Group>();
  let total = 0, totalInuse = 0;
  const bytesKey = p.strings.indexOf("bytes");
  const allocator = new Uint8Array(p.functionCount);
  for (let f = 0; f < p.functionCount; f++) allocator[f] = ALLOCATOR.test(p.strings[p.functionName[f]]) ? 1 : 0;
  // The frames of the current sample (allocator frames at the leaf end skipped), in reused buffers.
  let frameFn = new Int32Array(256), frameLine = new Float64Array(256);
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * stride + si];
    const iv = inuseIdx >= 0 ? p.values[s * stride + inuseIdx] : 0;
    total += v;
    totalInuse += iv;
    if (v === 0 && iv === 0) continue;
    let m = 0, appAt = -1;
    let skipping = true;
    for (let k = p.stackStart[s]; k < p.stackStart[s + 1]; k++) {
      const loc = p.stackLocs[k];
      for (let li = p.lineStart[loc]; li < p.lineStart[loc + 1]; li++) {
        const f = p.lineFunction[li];
        if (skipping && allocator[f]) continue;
        skipping = false;
        if (m === frameFn.length) {
          const fn2 = new Int32Array(m * 2), ln2 = new Float64Array(m * 2);
          fn2.set(frameFn);
          ln2.set(frameLine);
          [frameFn, frameLine] = [fn2, ln2];
        }
        if (appAt < 0 && app.isApp[f]) appAt = m;
        frameFn[m] = f;
        frameLine[m++] = p.lineNumber[li];
      }
    }
    if (m === 0) continue;
    const keyAt = o.groupBySource && appAt >= 0 ? appAt : 0;
    const key = names.nameOf[frameFn[keyAt]];
    let g = groups.get(key);
    if (!g) {
      g = {
        value: 0,
        inuse: 0,
        chain: [],
        chainValue: -1,
        appFrame: -1,
        appFn: -1,
        callers: new Map(),
        sizes: new Set(),
      };
      groups.set(key, g);
    }
    g.value += v;
    g.inuse += iv;
    const caller = keyAt + 1 < m ? names.nameOf[frameFn[keyAt + 1]] : key;
    g.callers.set(caller, (g.callers.get(caller) ?? 0) + v);
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      if (p.labelKey[j] === bytesKey && p.labelStr[j] === 0) g.sizes.add(p.labelNum[j]);
    }
    // The chain shown is the heaviest sample's, not the first one seen.
    if (Math.abs(v) > g.chainValue) {
      g.chainValue = Math.abs(v);
      g.chain = Array.from(frameFn.subarray(keyAt, Math.min(m, keyAt + 8)), (f) => names.nameOf[f]);
      g.appFn = appAt >= 0 ? frameFn[appAt] : -1;
      g.appFrame = appAt >= 0 ? frameLine[appAt] : -1;
    }
  }
  if (total === 0) warnings.push("no allocations in profile");
  const duration = p.durationNanos > 0 ? p.durationNanos / 1e9 : undefined;
  const rows: AllocPath[] = [];
  for (const [key, g] of groups) {
    const pct = share(g.value, total);
    const inusePct = share(g.inuse, totalInuse);
    if (pct < minPct && !(inuseIdx >= 0 && inusePct >= minPct)) continue;
    const callers = [...g.callers].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 3)
      .map(([id, bytes]) => ({ function: names.names[id], bytes, pct: share(bytes, g.value) }));
    const path: AllocPath = {
      alloc_site: names.names[key],
      caller_chain: g.chain.map((id) => names.names[id]),
      alloc_bytes: g.value,
      alloc_bytes_str: formatAmount(g.value, unit),
      alloc_pct: pct,
      callers,
    };
    if (duration) path.alloc_rate = `${formatAmount(Math.floor((g.value / duration) * 60), unit)}/min`;
    if (inuseIdx >= 0) {
      path.inuse_bytes = g.inuse;
      path.inuse_pct = inusePct;
      if (g.value > 0) path.retained_pct = share(g.inuse, g.value);
    }
    const growth = doubling(g.sizes);
    if (growth) path.growth = growth;
    if (g.appFn >= 0) {
      path.first_app_frame = p.strings[p.functionName[g.appFn]];
      const file = p.strings[p.functionFilename[g.appFn]];
      if (file !== "" && g.appFrame > 0) path.source_location = `${file}:${g.appFrame}`;
    }
    rows.push(path);
  }
  rows.sort((a, b) =>
    b.alloc_bytes - a.alloc_bytes || (b.inuse_bytes ?? 0) - (a.inuse_bytes ?? 0) ||
    (a.alloc_site < b.alloc_site ? -1 : 1)
  );
  // Retention outranks churn: a site holding much of the in-use heap stays even when it allocated little.
  const kept = rows.slice(0, maxPaths);
  for (const r of rows.slice(maxPaths)) if ((r.inuse_pct ?? 0) >= 10 && kept.length < maxPaths + 5) kept.push(r);
  const { isApp: _, ...appInfo } = app;
  const result: AllocPathsResult = {
    profile_kind: kind,
    sample_type: p.sampleTypes[si].type,
    total_alloc: total,
    total_alloc_str: formatAmount(total, unit),
    paths: kept,
    app_code: appInfo,
    warnings,
    findings: allocFindings(
      kept,
      p.sampleTypes[si].type,
      unit,
      inuseIdx >= 0,
      p.sampleTypes[valueIndex(p)].type === "inuse_space",
      o.profilePath ?? "",
    ),
  };
  if (inuseIdx >= 0) result.total_inuse = totalInuse;
  if (duration) result.duration_secs = duration;
  return result;
}

/** A run of at least 3 allocation sizes, from the largest down, each 1.2-2.6 times the next: growth by doubling. */
function doubling(sizes: Set<number>): { steps: number; largest: number } | undefined {
  const sorted = [...sizes].filter((x) => x >= 1024).sort((a, b) => b - a);
  let steps = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) {
    const r = sorted[i - 1] / sorted[i];
    if (r < 1.2 || r > 2.6) break;
    steps++;
  }
  return steps >= 3 ? { steps, largest: sorted[0] } : undefined;
}

function allocFindings(
  paths: AllocPath[],
  type: string,
  unit: string,
  hasInuse: boolean,
  inuseDefault: boolean,
  profile: string,
): Finding[] {
  const out: Finding[] = [];
  const live = type.startsWith("inuse_");
  for (const p of paths.slice(0, 5)) {
    if (p.alloc_pct < 5) continue;
    const via = p.callers.filter((c) => c.function !== p.alloc_site);
    const from = via.length > 1
      ? `, from ${via.slice(0, 3).map((c) => `${c.function} (${c.pct.toFixed(0)}% of it)`).join(", ")}`
      : via.length === 1
      ? `, from ${via[0].function}`
      : "";
    out.push({
      severity: p.alloc_pct >= 30 ? "high" : p.alloc_pct >= 10 ? "medium" : "low",
      title: live
        ? `${p.alloc_site} holds ${p.alloc_pct.toFixed(1)}% of the live heap (${
          pprofValue(p.alloc_bytes, unit)
        })${from}`
        : `${p.alloc_site} allocates ${p.alloc_pct.toFixed(1)}% of ${type} (${pprofValue(p.alloc_bytes, unit)})${from}`,
      evidence: {
        function: p.alloc_site,
        share: p.alloc_pct,
        value: p.alloc_bytes,
        value_text: pprofValue(p.alloc_bytes, unit),
        unit,
      },
      next_step: {
        tool: "pprof.peek",
        arguments: { profile, regex: exactName(p.alloc_site), ...(live ? {} : { sample_index: type }) },
        why: "which callers allocate through it",
      },
    });
  }
  if (hasInuse) {
    for (const p of paths) {
      const inuse = p.inuse_pct ?? 0, kept = p.retained_pct ?? 0;
      if (inuse < 10) continue;
      const why = kept >= 80
        ? `; ${
          kept.toFixed(0)
        }% of all it allocated is still live: kept, not churned (a cache or collection that only grows?)`
        : p.growth
        ? `; its allocations double in size up to ${
          pprofValue(p.growth.largest, unit)
        }: a slice or map that keeps growing`
        : `; ${kept.toFixed(0)}% of what it allocated is still live`;
      out.push({
        severity: inuse >= 30 ? "high" : "medium",
        title: `${p.alloc_site} holds ${inuse.toFixed(1)}% of the in-use heap (${
          pprofValue(p.inuse_bytes!, unit)
        })${why}`,
        evidence: {
          function: p.alloc_site,
          share: inuse,
          value: p.inuse_bytes,
          value_text: pprofValue(p.inuse_bytes!, unit),
          unit,
        },
        // pprof.list reports the profile's default sample type: in-use memory for heap profiles, allocations
        // for allocs profiles; peek can be told the type.
        next_step: inuseDefault
          ? {
            tool: "pprof.list",
            arguments: { profile, function: exactName(p.first_app_frame ?? p.alloc_site) },
            why: "the lines that keep the memory",
          }
          : {
            tool: "pprof.peek",
            arguments: { profile, regex: exactName(p.alloc_site), sample_index: "inuse_space" },
            why: "who keeps calling it",
          },
      });
    }
  }
  return sortFindings(out);
}
