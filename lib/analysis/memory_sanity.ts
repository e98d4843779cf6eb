/**
 * Memory sanity: why a process's RSS can exceed its Go heap, from a heap
 * profile and optionally an earlier heap profile (growth), a goroutine
 * profile (stacks), a CPU profile (C allocators at work), the container's
 * RSS and a repository scan; each suspicion names the functions behind it
 * with their share.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { autoLabel } from "../format/units.ts";
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { type AppMasks, appMasks, type AppPrefixes, firstAppIndex } from "./app_frames.ts";
import type { CodeFinding } from "./code_scan.ts";
import { type Evidence, type Finding, type NextStep, type Severity, sortFindings } from "./findings.ts";
import { type Frames, framesOf, stackBuffer, stackOf, valueIndex } from "./frames.ts";
import { type GoroutineAnalysis, goroutineAnalysis } from "./goroutines.ts";
import { ALLOCATOR_INTERNALS, CODE_CATEGORY_OF, MEMORY_GROUPS, type MemoryGroup } from "./memory_patterns.ts";
import { exactName } from "../regex/quote.ts";

const MB = 1 << 20;
/** Allocated more than this (MB) while little is in use is high churn. */
export const CHURN_ALLOC_MB = 1024;
/** In use below this (MB) for high churn. */
export const CHURN_INUSE_MB = 500;
/** More goroutines than this make their stacks worth a suspicion (high above ten times as many). */
export const MANY_GOROUTINES = 1000;
/** RSS above the in-use heap by more than this (MB) is a mismatch. */
export const RSS_GAP_MB = 500;
/** A compression group holding this share of allocations is likely the churn. */
const COMPRESSION_LIKELY_SHARE = 25;

type GroupId = MemoryGroup["id"];
type Confidence = "confirmed" | "likely" | "suspected" | "possible";

/** A function group seen in a profile, with its share. */
export interface GroupShare {
  group: string;
  /** Which profile and sample type: inuse_space, alloc_space or cpu. */
  measure: string;
  value: number;
  value_text: string;
  share: number;
  /** The group's function with the most value (the leaf-most of the group on each stack). */
  top_function?: string;
  /** The application function that calls into the group the most. */
  app_caller?: string;
}

/** A suspicion: a cause of memory outside (or churning) the Go heap. */
export interface Suspicion {
  category: string;
  description: string;
  severity: Severity;
  confidence: Confidence;
  evidence?: string;
}

/** One allocation site (the allocating function) and its bytes. */
export interface HeapSite {
  function: string;
  value: number;
  value_text: string;
  share: number;
}

/** The inputs of {@link memorySanity}. */
export interface MemoryInput {
  heap: Profile;
  /** The heap profile's argument (path or handle), for messages and next steps. */
  heapArg?: string;
  /** An earlier heap profile of the same process, for growth. */
  base?: Profile;
  baseArg?: string;
  goroutine?: Profile;
  goroutineArg?: string;
  cpu?: Profile;
  cpuArg?: string;
  containerRssMb?: number;
  /** Findings of the repository scan, when one ran. */
  code?: CodeFinding[];
  /** Whether a repository root was given (so no scan means nothing to scan for). */
  repoGiven?: boolean;
  app?: AppPrefixes;
}

/** The result of {@link memorySanity}. */
export interface MemorySanity {
  summary: string;
  heap_inuse_mb: number;
  heap_alloc_mb: number;
  heap_growth_mb?: number;
  goroutine_count?: number;
  warnings: string[];
  suspicions: Suspicion[];
  groups: GroupShare[];
  top_inuse: HeapSite[];
  heap_growth?: HeapSite[];
  code_findings?: CodeFinding[];
  recommendations: string[];
  findings: Finding[];
}

interface GroupAcc {
  value: number;
  fns: Map<number, number>;
  callers: Map<number, number>;
}

/** Per function: a bit per memory group whose patterns match its name. */
function groupBits(fr: Frames): Uint8Array {
  const res = MEMORY_GROUPS.map((g) => g.patterns.map((p) => compileRE2(p, `memory group ${g.id}`)));
  const bits = new Uint8Array(fr.names.length);
  for (let f = 0; f < fr.names.length; f++) {
    res.forEach((rs, gi) => {
      if (rs.some((re) => re.test(fr.names[f]))) bits[f] |= 1 << gi;
    });
  }
  return bits;
}

/**
 * Per group and value index: the value of the samples with a frame of the
 * group (each sample credited once), by the group's leaf-most function and
 * by the application function above it.
 */
function scanGroups(p: Profile, fr: Frames, masks: AppMasks, indices: number[]): GroupAcc[][] {
  const bits = groupBits(fr);
  const acc = indices.map(() => MEMORY_GROUPS.map((): GroupAcc => ({ value: 0, fns: new Map(), callers: new Map() })));
  const buf = stackBuffer(fr);
  const at = new Int32Array(MEMORY_GROUPS.length);
  const nt = p.sampleTypes.length;
  // Per location: the groups of its functions, so samples without any are skipped unexpanded.
  const locBits = new Uint8Array(p.locationCount);
  for (let l = 0; l < p.locationCount; l++) {
    for (let j = fr.locStart[l]; j < fr.locStart[l + 1]; j++) locBits[l] |= bits[fr.locFns[j]];
  }
  for (let s = 0; s < p.sampleCount; s++) {
    let any = 0;
    for (let i = p.stackStart[s]; i < p.stackStart[s + 1]; i++) any |= locBits[p.stackLocs[i]];
    if (any === 0) continue;
    const len = stackOf(fr, s, buf);
    let seen = 0;
    for (let i = 0; i < len; i++) {
      const b = bits[buf[i]] & ~seen;
      if (b === 0) continue;
      for (let g = 0; g < MEMORY_GROUPS.length; g++) if (b & (1 << g)) at[g] = i;
      seen |= b;
    }
    if (seen === 0) continue;
    for (let g = 0; g < MEMORY_GROUPS.length; g++) {
      if (!(seen & (1 << g))) continue;
      const a = firstAppIndex(buf, len, masks, at[g] + 1);
      indices.forEach((vi, k) => {
        const v = p.values[s * nt + vi];
        if (v === 0) return;
        const x = acc[k][g];
        x.value += v;
        x.fns.set(buf[at[g]], (x.fns.get(buf[at[g]]) ?? 0) + v);
        if (a >= 0) x.callers.set(buf[a], (x.callers.get(buf[a]) ?? 0) + v);
      });
    }
  }
  return acc;
}

const top1 = (m: Map<number, number>) => [...m].sort((a, b) => b[1] - a[1])[0]?.[0];

/** The in-use bytes of each allocating function (the leaf frame), by name. */
function sitesOf(p: Profile, fr: Frames, vi: number): Map<string, number> {
  const out = new Map<string, number>();
  const buf = stackBuffer(fr);
  const nt = p.sampleTypes.length;
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * nt + vi];
    if (v === 0 || stackOf(fr, s, buf) === 0) continue;
    const name = fr.names[buf[0]];
    out.set(name, (out.get(name) ?? 0) + v);
  }
  return out;
}

function typeIndex(p: Profile, type: string): number {
  return p.sampleTypes.findIndex((t) => t.type === type);
}

function sum(p: Profile, vi: number): number {
  let t = 0;
  const nt = p.sampleTypes.length;
  for (let s = 0; s < p.sampleCount; s++) t += p.values[s * nt + vi];
  return t;
}

const mb = (bytes: number) => bytes / MB;
const bytesText = (v: number) => autoLabel(v, "bytes");

/** Checks a heap profile (and what else is given) for memory outside or churning the Go heap. */
export function memorySanity(input: MemoryInput): MemorySanity {
  const heap = input.heap;
  const name = input.heapArg ?? "heap profile";
  const types = heap.sampleTypes.map((t) => t.type).join(", ");
  const iu = typeIndex(heap, "inuse_space");
  if (iu < 0) {
    throw new UserError(`${name}: not a heap profile (sample types: ${types}); memory_sanity needs inuse_space`);
  }
  const ia = typeIndex(heap, "alloc_space");
  const warnings: string[] = [];
  if (ia < 0) warnings.push(`${name} has no alloc_space: allocation churn is not analysed`);
  const app = input.app ?? { prefixes: [] };
  const fr = framesOf(heap);
  const masks = appMasks(fr.names, app);
  const inuse = sum(heap, iu);
  const alloc = ia >= 0 ? sum(heap, ia) : 0;
  const heapGroups = scanGroups(heap, fr, masks, ia >= 0 ? [iu, ia] : [iu]);
  const groups: GroupShare[] = [];
  const addShares = (accs: GroupAcc[], measure: string, total: number, text: (v: number) => string, f: Frames) => {
    accs.forEach((a, gi) => {
      if (a.value <= 0) return;
      const gs: GroupShare = {
        group: MEMORY_GROUPS[gi].label,
        measure,
        value: a.value,
        value_text: text(a.value),
        share: total > 0 ? (a.value / total) * 100 : 0,
      };
      const fn = top1(a.fns), caller = top1(a.callers);
      if (fn !== undefined) gs.top_function = f.names[fn];
      if (caller !== undefined) gs.app_caller = f.names[caller];
      groups.push(gs);
    });
  };
  addShares(heapGroups[0], "inuse_space", inuse, bytesText, fr);
  if (ia >= 0) addShares(heapGroups[1], "alloc_space", alloc, bytesText, fr);
  if (input.cpu) {
    const cpuFr = framesOf(input.cpu);
    const ci = valueIndex(input.cpu, ["cpu"]);
    const unit = input.cpu.sampleTypes[ci]?.unit ?? "";
    const [cpuGroups] = scanGroups(input.cpu, cpuFr, appMasks(cpuFr.names, app), [ci]);
    addShares(cpuGroups, "cpu", sum(input.cpu, ci), (v) => autoLabel(v, unit), cpuFr);
  }
  // Per group: seen in the heap, in the CPU profile, its share of allocations, and its functions
  // (from allocations first, then in-use bytes, then CPU).
  const found = new Map<
    GroupId,
    { heap: boolean; cpu: boolean; allocShare: number; allocValue: number; top?: string; caller?: string }
  >();
  const order = ["alloc_space", "inuse_space", "cpu"];
  for (const gs of [...groups].sort((a, b) => order.indexOf(a.measure) - order.indexOf(b.measure))) {
    const id = MEMORY_GROUPS.find((m) => m.label === gs.group)!.id;
    let x = found.get(id);
    if (!x) {
      x = { heap: false, cpu: false, allocShare: 0, allocValue: 0, top: gs.top_function, caller: gs.app_caller };
      found.set(id, x);
    }
    if (gs.measure === "cpu") x.cpu = true;
    else x.heap = true;
    if (gs.measure === "alloc_space") {
      x.allocShare = gs.share;
      x.allocValue = gs.value;
    }
  }

  // Allocator internals in the in-use heap.
  const internals = compileRE2(ALLOCATOR_INTERNALS, "allocator internals");
  const sites = sitesOf(heap, fr, iu);
  for (const [fn, v] of sites) {
    if (internals.test(fn) && inuse > 0) {
      warnings.push(
        `${fn} holds ${bytesText(v)} (${((v / inuse) * 100).toFixed(1)}%) of the in-use heap: ` +
          "allocator overhead or fragmentation",
      );
    }
  }
  const top_inuse = [...sites].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([fn, v]) => ({
    function: fn,
    value: v,
    value_text: bytesText(v),
    share: inuse > 0 ? (v / inuse) * 100 : 0,
  }));

  const inuseMb = mb(inuse), allocMb = mb(alloc);
  const highChurn = allocMb > CHURN_ALLOC_MB && inuseMb < CHURN_INUSE_MB;
  /** Suspicions with what their finding needs: the culprit, its share and value, a next step. */
  const suspicions: (Suspicion & { culprit?: string; step?: NextStep; share?: number; value?: Evidence })[] = [];
  const recommendations: string[] = [];
  const cpuGiven = input.cpu !== undefined;
  const churnText = `high churn: ${allocMb.toFixed(0)}MB allocated, ${inuseMb.toFixed(0)}MB in use`;
  const provideCpu = cpuGiven ? "" : " (provide a CPU profile to confirm C allocation)";
  const sqlite = found.get("sqlite"), libcA = found.get("libc_alloc"), libcO = found.get("libc_ops");
  const heapStep = (fn: string | undefined, sampleIndex: string): NextStep | undefined =>
    input.heapArg && fn
      ? {
        tool: "pprof.peek",
        arguments: { profile: input.heapArg, regex: exactName(fn), sample_index: sampleIndex },
        why: "who calls it and how much each caller allocates",
      }
      : undefined;

  if (sqlite) {
    const parts = [`SQLite seen (${sqlite.top ?? "SQLite frames"})`];
    if (libcA) {
      parts.push(
        libcA.cpu ? "libc allocation seen in the CPU profile (CONFIRMED C allocation)" : "libc allocation seen",
      );
    }
    if (libcO) parts.push("libc memory operations seen");
    if (highChurn) parts.push(churnText);
    let confidence: Confidence, severity: Severity;
    let extra = "";
    if (libcA?.cpu && highChurn) [confidence, severity] = ["confirmed", "high"];
    else if (libcA?.cpu) [confidence, severity] = ["likely", "high"];
    else if ((libcA || libcO) && highChurn) [confidence, severity, extra] = ["likely", "high", provideCpu];
    else if (highChurn) [confidence, severity, extra] = ["suspected", "medium", provideCpu];
    else [confidence, severity, extra] = ["possible", "low", provideCpu];
    suspicions.push({
      category: "SQLite Off-Heap Memory",
      description: "SQLite (through modernc.org/libc or cgo) allocates its page cache and temporary storage in C " +
        "memory, which RSS counts and Go heap profiles do not",
      severity,
      confidence,
      evidence: parts.join("; ") + extra,
      culprit: sqlite.caller ?? sqlite.top,
    });
    if (confidence === "confirmed" || confidence === "likely") {
      recommendations.push(
        "Look for PRAGMA temp_store=MEMORY (or _pragma=temp_store(2) in the DSN): temporary tables then live in C memory",
        "Use temp_store=FILE or DEFAULT, and cap the page cache (PRAGMA cache_size)",
        "Watch the container's RSS, not the Go heap metrics: they do not see SQLite's memory",
      );
    } else {
      recommendations.push(
        "Check the SQLite temp_store setting",
        "Consider temp_store=FILE if temporary tables grow large",
      );
    }
  } else if (libcA || libcO) {
    suspicions.push({
      category: "libc Memory Allocation",
      description: "C allocations through modernc.org/libc live outside the Go heap",
      severity: "medium",
      confidence: libcA?.cpu ? "likely" : "suspected",
      evidence: [libcA ? "libc allocation seen" : "", libcO ? "libc memory operations seen" : ""].filter(Boolean)
        .join("; "),
      culprit: (libcA ?? libcO)!.caller ?? (libcA ?? libcO)!.top,
    });
  }

  const comp = found.get("compression");
  if (comp) {
    const likely = comp.allocShare >= COMPRESSION_LIKELY_SHARE;
    const culprit = comp.caller ?? comp.top;
    suspicions.push({
      category: "Compression Buffers",
      description: "compressors and decompressors allocate large windows and tables per instance; making one " +
        "per use churns the heap and raises RSS between collections",
      severity: likely || highChurn ? "medium" : "low",
      confidence: likely ? "likely" : highChurn ? "suspected" : "possible",
      evidence: `${comp.top ?? "compression"}` +
        (comp.allocShare > 0 ? ` accounts for ${comp.allocShare.toFixed(1)}% of allocated bytes` : " seen") +
        (comp.caller ? `, called from ${comp.caller}` : "") + (highChurn ? `; ${churnText}` : ""),
      culprit,
      share: comp.allocShare,
      value: comp.allocValue > 0
        ? { value: comp.allocValue, value_text: bytesText(comp.allocValue), unit: "bytes" }
        : undefined,
      step: heapStep(culprit, "alloc_space"),
    });
    recommendations.push(
      "Reuse compressors: keep writers/readers in a sync.Pool and Reset them instead of creating one per use",
      "Close encoders and decoders promptly (zstd decoders keep goroutines and buffers until Close)",
    );
  }

  const cgo = found.get("cgo");
  if (cgo?.heap) {
    suspicions.push({
      category: "CGO Allocations",
      description: "cgo calls allocate C memory that Go heap profiles do not count",
      severity: "medium",
      confidence: "confirmed",
      evidence: `cgo frames in the heap profile (${cgo.top ?? "cgo"})`,
      culprit: cgo.caller ?? cgo.top,
    });
    recommendations.push(
      "Check that memory allocated by C (C.malloc, C.CString) is freed",
      "Measure C memory separately (e.g. malloc statistics), since Go's metrics do not include it",
    );
  }

  // Goroutine stacks.
  let g: GoroutineAnalysis | undefined;
  if (input.goroutine) {
    g = goroutineAnalysis(input.goroutine, { app, profileArg: input.goroutineArg });
    const n = g.total_goroutines;
    if (n > MANY_GOROUTINES) {
      const stacksMb = (n * 2) / 1024;
      const leak = g.potential_leaks[0];
      suspicions.push({
        category: "Goroutine Stacks",
        description: `${n} goroutines need at least ${stacksMb.toFixed(1)}MB of stack (2 KiB each, more for ` +
          "deep or large frames), outside the Go heap",
        severity: n > 10 * MANY_GOROUTINES ? "high" : "medium",
        confidence: "confirmed",
        evidence: `${n} goroutines, at least ${stacksMb.toFixed(1)}MB of stacks` +
          (leak
            ? `; ${leak.count} (${leak.share.toFixed(1)}%) are parked in ${leak.function ?? leak.blocked_in}` +
              ` (${leak.wait_reason})`
            : ""),
        culprit: leak?.function ?? leak?.blocked_in,
        share: leak?.share,
        value: leak ? { value: leak.count, value_text: `${leak.count} goroutines`, unit: "count" } : undefined,
        step: input.goroutineArg && leak
          ? {
            tool: "pprof.goroutine_analysis",
            arguments: { profile: input.goroutineArg },
            why: "where the goroutines are parked and whether they leak",
          }
          : undefined,
      });
      recommendations.push(
        "Look for goroutine leaks: goroutines parked forever on channels, locks or network reads",
        "Bound concurrency with worker pools instead of a goroutine per item",
      );
    }
  }

  // RSS against the heap.
  const rss = input.containerRssMb ?? 0;
  if (rss > 0 && inuseMb > 0 && rss - inuseMb > RSS_GAP_MB) {
    const gap = rss - inuseMb;
    const stacks = g ? ` Goroutine stacks explain at least ${((g.total_goroutines * 2) / 1024).toFixed(0)}MB.` : "";
    suspicions.push({
      category: "RSS/Heap Mismatch",
      description: `RSS is ${rss.toFixed(0)}MB but the Go heap has ${inuseMb.toFixed(1)}MB in use: ` +
        `${gap.toFixed(0)}MB (${((gap / rss) * 100).toFixed(0)}% of RSS) is outside the live heap.${stacks}`,
      severity: "high",
      confidence: "confirmed",
      evidence: `container RSS ${rss.toFixed(0)}MB, in-use heap ${inuseMb.toFixed(1)}MB, gap ${gap.toFixed(0)}MB`,
      value: { value: gap * MB, value_text: bytesText(gap * MB), unit: "bytes" },
    });
    recommendations.push(
      "Memory outside the live heap is: goroutine stacks, C memory (cgo, SQLite), mmap'd files or arenas, " +
        "freed heap the runtime has not returned yet, and runtime overhead",
      "Compare with runtime/metrics (/memory/classes/...): heap released, stacks, other",
      "GODEBUG=madvdontneed=1 makes freed memory leave RSS at once (Linux counts MADV_FREE pages until reclaimed)",
      "Set GOMEMLIMIT below the container limit so the GC works harder before the container is killed",
    );
  }

  // Heap growth against an earlier profile.
  let heapGrowth: HeapSite[] | undefined;
  let growthMb: number | undefined;
  if (input.base) {
    const bi = typeIndex(input.base, "inuse_space");
    if (bi < 0) warnings.push(`${input.baseArg ?? "base profile"} has no inuse_space: growth not computed`);
    else {
      const baseTotal = sum(input.base, bi);
      const growth = inuse - baseTotal;
      growthMb = mb(growth);
      const baseSites = sitesOf(input.base, framesOf(input.base), bi);
      const delta = new Map<string, number>();
      for (const [fn, v] of sites) delta.set(fn, v - (baseSites.get(fn) ?? 0));
      for (const [fn, v] of baseSites) if (!sites.has(fn)) delta.set(fn, -v);
      heapGrowth = [...delta].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([fn, v]) => ({
        function: fn,
        value: v,
        value_text: bytesText(v),
        share: growth > 0 ? (v / growth) * 100 : 0,
      }));
      const rel = baseTotal > 0 ? (growth / baseTotal) * 100 : 0;
      if (growth > MB && heapGrowth.length > 0) {
        const top = heapGrowth[0];
        suspicions.push({
          category: "Heap Growth",
          description: `the in-use heap grew by ${bytesText(growth)} (${rel >= 0 ? "+" : ""}${rel.toFixed(0)}%) ` +
            `since the base profile; ${top.function} grew by ${top.value_text} (${
              top.share.toFixed(1)
            }% of the growth)`,
          severity: rel >= 50 ? "high" : rel >= 20 ? "medium" : "low",
          confidence: "confirmed",
          evidence: heapGrowth.slice(0, 3).map((s) => `${s.function} +${s.value_text}`).join("; "),
          culprit: top.function,
          share: inuse > 0 ? (top.value / inuse) * 100 : 0,
          value: { value: top.value, value_text: top.value_text, unit: "bytes" },
          step: input.baseArg && input.heapArg
            ? {
              tool: "pprof.diff_top",
              arguments: { before: input.baseArg, after: input.heapArg, sample_index: "inuse_space" },
              why: "every function's change in in-use bytes between the two profiles",
            }
            : undefined,
        });
        recommendations.push(
          `Check what ${top.function} keeps: caches without eviction, maps keyed by ids that never repeat, ` +
            "slices that pin large arrays",
        );
      }
    }
  }

  // Code scan: attach the best source line to the suspicions it can confirm.
  const codeCats = new Set(suspicions.map((s) => CODE_CATEGORY_OF[s.category]).filter(Boolean));
  if (codeCats.size > 0 && !input.repoGiven) {
    warnings.push("pass repo_root to look for the code that causes the suspected patterns (temp_store, encoders)");
  }
  if (input.code) {
    const fileOfName = new Map<string, string>();
    for (let f = 0; f < fr.names.length; f++) fileOfName.set(fr.names[f], heap.strings[heap.functionFilename[f]]);
    for (const s of suspicions) {
      const cat = CODE_CATEGORY_OF[s.category];
      if (!cat) continue;
      // Prefer application code in the culprit's own file, then any application code, then vendored code.
      const file = s.culprit ? fileOfName.get(s.culprit) ?? "" : "";
      const sameFile = (c: CodeFinding) => file !== "" && (file.endsWith(c.file) || c.file.endsWith(file));
      const mine = input.code.filter((c) => c.category === cat);
      const best = mine.find((c) => !c.is_vendor && sameFile(c)) ?? mine.find((c) => !c.is_vendor) ?? mine[0];
      if (!best) continue;
      if (!best.is_vendor) {
        s.confidence = "confirmed";
        s.evidence = `${s.evidence ?? ""}; CODE FOUND: ${best.file}:${best.line}`;
      } else {
        if (s.confidence === "possible" || s.confidence === "suspected") s.confidence = "likely";
        s.evidence = `${s.evidence ?? ""}; vendor code: ${best.file}:${best.line}`;
      }
    }
  }

  const out: MemorySanity = {
    summary: summaryOf(inuseMb, allocMb, g?.total_goroutines ?? 0, suspicions),
    heap_inuse_mb: inuseMb,
    heap_alloc_mb: allocMb,
    warnings,
    suspicions: suspicions.map(({ culprit: _c, step: _s, share: _h, value: _v, ...s }) => s),
    groups,
    top_inuse,
    recommendations,
    findings: [],
  };
  if (growthMb !== undefined) out.heap_growth_mb = growthMb;
  if (heapGrowth) out.heap_growth = heapGrowth;
  if (g) out.goroutine_count = g.total_goroutines;
  if (input.code) out.code_findings = input.code;

  const findings: Finding[] = suspicions.map((s) => {
    const f: Finding = {
      severity: s.severity,
      title: `${s.category} (${s.confidence}): ${s.evidence ?? s.description}`,
      evidence: { ...(s.culprit ? { function: s.culprit } : {}), ...s.value },
    };
    if (s.share !== undefined) f.evidence.share = s.share;
    if (s.step) f.next_step = s.step;
    return f;
  });
  const top = top_inuse[0];
  if (top) {
    const f: Finding = {
      severity: "info",
      title: `${top.function} holds ${top.value_text} (${top.share.toFixed(1)}%) of the in-use heap`,
      evidence: {
        function: top.function,
        share: top.share,
        value: top.value,
        value_text: top.value_text,
        unit: "bytes",
      },
    };
    const step = heapStep(top.function, "inuse_space");
    if (step) f.next_step = step;
    findings.push(f);
  }
  out.findings = sortFindings(findings);
  return out;
}

function summaryOf(inuseMb: number, allocMb: number, goroutines: number, s: Suspicion[]): string {
  let head = `Heap in-use: ${inuseMb.toFixed(1)}MB`;
  if (allocMb > 0) head += ` | Total allocated: ${allocMb.toFixed(1)}MB`;
  if (goroutines > 0) head += ` | Goroutines: ${goroutines}`;
  if (s.length === 0) return `${head}\nNo obvious memory issues found in the profiles given.`;
  const n = (c: Confidence) => s.filter((x) => x.confidence === c).length;
  const detail = n("confirmed") + n("likely") > 0
    ? ` (${n("confirmed")} confirmed, ${n("likely")} likely, ${n("suspected")} suspected)`
    : "";
  return `${head}\nFound ${s.length} potential issues${detail}`;
}
