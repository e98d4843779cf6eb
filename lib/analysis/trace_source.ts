/**
 * `pprof.trace_source`'s analysis: the heaviest stack through a function (samples with the same stack added
 * up), each frame with its weight, its source lines from the checkout, and whether it is your code, a
 * dependency (with the module version go.mod or the file name gives) or the standard library.
 *
 * @module
 */
import { NoMatchError } from "../errors.ts";
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { appCode, type AppHints } from "./app_code.ts";
import { goPackage, guessModule, isGoStdlib, jsOrigin, longestModule, unvendor } from "./code_names.ts";
import { type Finding, sortFindings } from "./findings.ts";
import { nameTable, pprofValue, round2, share, valueIndex } from "./profile_facts.ts";
import { exactName } from "../regex/quote.ts";
import type { GoMod, RepoReader } from "./repo_files.ts";
import { resolveSource, snippet, type SourceRoots } from "./source_files.ts";

/** Options of {@link traceSource}. */
export interface TraceOptions {
  /** Go RE2 regexp of the function to trace. */
  function: string;
  maxDepth?: number;
  showVendor?: boolean;
  contextLines?: number;
  sampleIndex?: string;
  roots: SourceRoots;
  /** Bytes of source snippets at most, all frames together (default 24000), so an answer stays small. */
  maxSnippetBytes?: number;
  app?: AppHints;
  profilePath?: string;
}

/** One frame of the traced stack. */
export interface TracedFrame {
  function: string;
  file: string;
  line: number;
  flat_pct: number;
  cum_pct: number;
  /** your code, a third-party dependency, or the standard library / runtime / Node.js itself. */
  kind: "app" | "vendor" | "stdlib";
  is_vendor: boolean;
  vendor_package?: string;
  vendor_version?: string;
  /** The file read for the snippet. */
  source_path?: string;
  source_snippet: string;
  source_error?: string;
}

/** The result of {@link traceSource}. */
export interface TraceResult {
  matched_function: string;
  sample_type: string;
  /** The weight of the traced stack and its share. */
  stack_value: number;
  stack_pct: number;
  call_chain: TracedFrame[];
  total_functions_traced: number;
  app_functions: number;
  vendor_functions: number;
  stdlib_functions: number;
  warnings: string[];
  findings: Finding[];
}

/** Traces the heaviest stack through the first function matching `o.function`. */
export function traceSource(p: Profile, reader: RepoReader, o: TraceOptions): TraceResult {
  const re = compileRE2(o.function, "function");
  const si = valueIndex(p, o.sampleIndex ?? "");
  const stride = p.sampleTypes.length;
  const names = nameTable(p);
  const nn = names.names.length;
  const matches = new Uint8Array(nn);
  for (let id = 0; id < nn; id++) if (re.test(names.names[id])) matches[id] = 1;
  // Flat and cum per function name (each sample once), and the heaviest stack holding a match.
  const flat = new Float64Array(nn), cum = new Float64Array(nn);
  const stamp = new Int32Array(nn).fill(-1);
  const stacks = new Map<string, { value: number; sample: number }>();
  let total = 0;
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * stride + si];
    total += v;
    let hit = false, leaf = true;
    for (let k = p.stackStart[s]; k < p.stackStart[s + 1]; k++) {
      const loc = p.stackLocs[k];
      for (let li = p.lineStart[loc]; li < p.lineStart[loc + 1]; li++) {
        const id = names.nameOf[p.lineFunction[li]];
        if (leaf) {
          flat[id] += v;
          leaf = false;
        }
        if (stamp[id] !== s) {
          stamp[id] = s;
          cum[id] += v;
        }
        if (matches[id]) hit = true;
      }
    }
    if (hit && v !== 0) {
      const key = p.stackLocs.subarray(p.stackStart[s], p.stackStart[s + 1]).join(",");
      const e = stacks.get(key);
      if (e) e.value += v;
      else stacks.set(key, { value: v, sample: s });
    }
  }
  let best: { value: number; sample: number } | undefined;
  for (const e of stacks.values()) if (!best || Math.abs(e.value) > Math.abs(best.value)) best = e;
  if (!best) {
    throw new NoMatchError(
      `no matching frames for "${o.function}"`,
      "Try a broader, case-insensitive regexp such as (?i)Name, or pprof.top with focus.",
    );
  }
  // Frames root first, inline frames included.
  const frames: { f: number; line: number }[] = [];
  for (let k = p.stackStart[best.sample]; k < p.stackStart[best.sample + 1]; k++) {
    const loc = p.stackLocs[k];
    for (let li = p.lineStart[loc]; li < p.lineStart[loc + 1]; li++) {
      frames.push({ f: p.lineFunction[li], line: p.lineNumber[li] });
    }
  }
  frames.reverse();
  const at = frames.findIndex((x) => matches[names.nameOf[x.f]]);
  const maxDepth = o.maxDepth && o.maxDepth > 0 ? o.maxDepth : 10;
  let window = frames;
  if (frames.length > maxDepth) {
    const from = Math.min(Math.max(0, at - Math.floor(maxDepth / 2)), frames.length - maxDepth);
    window = frames.slice(from, from + maxDepth);
  }
  const app = appCode(p, o.app);
  const context = o.contextLines ?? 5;
  const warnings: string[] = [];
  const chain: TracedFrame[] = [];
  let appN = 0, vendorN = 0, stdN = 0;
  const seenFiles = new Map<string, string | undefined>();
  let budget = o.maxSnippetBytes ?? 24_000;
  for (const { f, line } of window) {
    const name = p.strings[p.functionName[f]];
    const file = p.strings[p.functionFilename[f]];
    const id = names.nameOf[f];
    const dep = dependencyOf(name, file, o.roots.goMod);
    const kind: TracedFrame["kind"] = app.isApp[f] ? "app" : dep ? "vendor" : "stdlib";
    if (kind === "app") appN++;
    else if (kind === "vendor") vendorN++;
    else stdN++;
    const frame: TracedFrame = {
      function: name,
      file,
      line,
      flat_pct: round2(share(flat[id], total)),
      cum_pct: round2(share(cum[id], total)),
      kind,
      is_vendor: kind === "vendor",
      source_snippet: "",
    };
    if (dep) {
      frame.vendor_package = dep.module;
      if (dep.version) frame.vendor_version = dep.version;
    }
    if (o.showVendor === false && kind === "vendor") continue;
    const src = resolveSource(reader, file, o.roots);
    if (!src) {
      const why = file === "" ? `no source file for ${name}` : `source file not found for ${name}`;
      warnings.push(why);
      frame.source_error = why;
      frame.source_snippet = `source not available: ${why}`;
    } else {
      frame.source_path = src.path;
      if (src.vendor && kind === "app") frame.is_vendor = true;
      if (src.version && !frame.vendor_version) frame.vendor_version = src.version;
      if (!seenFiles.has(src.path)) seenFiles.set(src.path, reader.readText(src.path, 4 << 20));
      const text = seenFiles.get(src.path);
      if (text === undefined) {
        frame.source_error = `cannot read ${src.path}`;
        frame.source_snippet = `source not available: ${frame.source_error}`;
      } else if (line > 0) {
        const text2 = snippet(text, line, context);
        if (text2.length <= budget) {
          frame.source_snippet = text2;
          budget -= text2.length;
        } else {
          frame.source_error =
            "snippet left out: the answer's source budget is used up (lower max_depth or context_lines)";
          frame.source_snippet = `source not available: ${frame.source_error}`;
        }
      }
    }
    chain.push(frame);
  }
  const matched = p.strings[p.functionName[frames[at].f]];
  const result: TraceResult = {
    matched_function: matched,
    sample_type: p.sampleTypes[si].type,
    stack_value: best.value,
    stack_pct: share(best.value, total),
    call_chain: chain,
    total_functions_traced: chain.length,
    app_functions: appN,
    vendor_functions: vendorN,
    stdlib_functions: stdN,
    warnings: [...new Set(warnings)],
    findings: [],
  };
  const mid = names.nameOf[frames[at].f];
  const unit = p.sampleTypes[si].unit;
  result.findings = traceFindings(result, share(flat[mid], total), cum[mid], share(cum[mid], total), unit, o);
  return result;
}

/** The third-party module of a frame, and its version, or undefined for your code and the standard library. */
function dependencyOf(name: string, file: string, goMod?: GoMod): { module: string; version?: string } | undefined {
  const origin = jsOrigin(file);
  if (origin.kind === "npm") return { module: origin.package };
  if (origin.kind !== "file") {
    if (goPackage(name) === "") return undefined;
  }
  const pkg = unvendor(goPackage(name));
  if (pkg === "" || pkg === "main" || isGoStdlib(pkg)) return undefined;
  if (goMod && (pkg === goMod.module || pkg.startsWith(goMod.module + "/"))) return undefined;
  const required = goMod ? longestModule(pkg, goMod.requires.map((r) => r.path)) : "";
  if (required) return { module: required, version: goMod!.requires.find((r) => r.path === required)?.version };
  const versioned = /^(.+?)@(v[^/]+)\//.exec(file);
  if (versioned) return { module: versioned[1], version: versioned[2] };
  return goMod ? { module: guessModule(pkg) } : undefined;
}

function traceFindings(
  r: TraceResult,
  flatPct: number,
  cumV: number,
  cumPct: number,
  unit: string,
  o: TraceOptions,
): Finding[] {
  const matched = r.matched_function;
  const out: Finding[] = [{
    severity: cumPct >= 30 ? "high" : cumPct >= 10 ? "medium" : "low",
    title: `${matched}: ${flatPct.toFixed(1)}% flat, ${cumPct.toFixed(1)}% cum of ${r.sample_type}; ` +
      `its heaviest stack carries ${r.stack_pct.toFixed(1)}%`,
    evidence: { function: matched, share: cumPct, value: cumV, value_text: pprofValue(cumV, unit), unit },
    next_step: {
      tool: "pprof.list",
      arguments: { profile: o.profilePath ?? "", function: exactName(matched), repo_root: o.roots.repoRoot },
      why: "every hot line of the function",
    },
  }];
  const vendor = r.call_chain.filter((f) => f.kind === "vendor");
  if (vendor.length > 0) {
    const heavy = vendor.reduce((a, b) => (b.cum_pct > a.cum_pct ? b : a));
    out.push({
      severity: heavy.cum_pct >= 10 ? "medium" : "low",
      title: `The stack goes through ${heavy.vendor_package ?? heavy.function}` +
        (heavy.vendor_version ? ` ${heavy.vendor_version}` : "") + ` (${heavy.function}, ${heavy.cum_pct}% cum)`,
      evidence: { function: heavy.function, share: heavy.cum_pct },
      next_step: {
        tool: "pprof.vendor_analyze",
        arguments: { profile: o.profilePath ?? "", repo_root: o.roots.repoRoot },
        why: "which dependencies are hot and their known issues",
      },
    });
  }
  return sortFindings(out);
}
