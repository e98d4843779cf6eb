/**
 * The deprecated `pprof.suggest_fix`'s analysis: whether a fix template applies to a profile, and for
 * mechanical fixes the draft change to the repository's Go files (unified diffs), with a pull request text.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { FIX_TEMPLATES, type FixTemplate } from "./fix_templates.ts";
import type { Finding } from "./findings.ts";
import { nameTable, round2, sampleKind, share, typeIndex, valueIndex } from "./profile_facts.ts";
import { exactName } from "../regex/quote.ts";
import { repoUrl } from "./vendor.ts";
import { joinPath, type RepoReader } from "./repo_files.ts";

/** A changed line. */
export interface LineChange {
  line: number;
  before: string;
  after: string;
}

/** A file the fix changes. */
export interface FileChange {
  path: string;
  is_vendor: boolean;
  upstream_repo?: string;
  changes: LineChange[];
}

/** One applicable fix. */
export interface AppliedFix {
  fix_id: string;
  description: string;
  expected_impact: Record<string, string>;
  files_to_modify: FileChange[];
  diff: string;
  pr_description: string;
  considerations: string[];
  is_vendored: boolean;
  upstream_pr_needed: boolean;
}

/** The result of {@link suggestFix}. */
export interface SuggestFixResult {
  issue: string;
  analysis: { overhead_pct: number; top_functions: { function: string; pct: number }[] };
  applicable_fixes: AppliedFix[];
  next_steps: string[];
  warnings: string[];
  findings: Finding[];
}

/** Options of {@link suggestFix}. */
export interface SuggestFixOptions {
  issue: string;
  reader?: RepoReader;
  repoRoot?: string;
  service?: string;
  profilePath?: string;
  /** Bounds of the repository walk. */
  maxFiles?: number;
  templates?: FixTemplate[];
}

/** Known issue ids. */
export const ISSUE_IDS = [...new Set(FIX_TEMPLATES.map((t) => t.issue_id))];

/** Checks the templates of `o.issue` against `p` and drafts their changes. */
export function suggestFix(p: Profile, o: SuggestFixOptions): SuggestFixResult {
  const templates = (o.templates ?? FIX_TEMPLATES).filter((t) => t.issue_id === o.issue);
  const warnings: string[] = [];
  if (templates.length === 0) warnings.push(`unknown issue "${o.issue}" (known: ${ISSUE_IDS.join(", ")})`);
  // Heap profiles are judged by what is allocated (alloc_space), not what happens to be in use.
  const alloc = sampleKind(p) === "heap" ? typeIndex(p, "alloc_space") : -1;
  const si = alloc >= 0 ? alloc : valueIndex(p);
  const stride = p.sampleTypes.length;
  const names = nameTable(p);
  const nn = names.names.length;
  const flat = new Float64Array(nn), cum = new Float64Array(nn), stamp = new Int32Array(nn).fill(-1);
  // Per template: samples with any frame matching a detection pattern (each sample once).
  const detect = templates.map((t) => {
    const re = t.detection.length > 0 ? compileRE2(t.detection.map((x) => `(?:${x})`).join("|")) : undefined;
    return names.names.map((n) => (re?.test(n) ? 1 : 0));
  });
  const covered = new Float64Array(templates.length);
  let total = 0;
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * stride + si];
    total += v;
    let leaf = true;
    const hit = new Uint8Array(templates.length);
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
        for (let t = 0; t < templates.length; t++) if (detect[t][id]) hit[t] = 1;
      }
    }
    for (let t = 0; t < templates.length; t++) if (hit[t]) covered[t] += v;
  }
  const heap = sampleKind(p) === "heap";
  const fixes: AppliedFix[] = [];
  let overhead = 0;
  let topFns: { function: string; pct: number }[] = [];
  templates.forEach((t, ti) => {
    const matching: number[] = [];
    for (let id = 0; id < nn; id++) {
      const big = Math.max(share(flat[id], total), share(cum[id], total)) >= 10;
      if (big && (detect[ti][id] || (t.heapSites && heap && share(flat[id], total) >= 10))) matching.push(id);
    }
    matching.sort((a, b) => cum[b] - cum[a] || flat[b] - flat[a]);
    const pct = t.heapSites && heap && matching.length > 0
      ? share(flat[matching.reduce((a, b) => (flat[b] > flat[a] ? b : a))], total)
      : share(covered[ti], total);
    if (pct > overhead) {
      overhead = pct;
      topFns = matching.slice(0, 5).map((id) => ({
        function: names.names[id],
        pct: round2(share(detect[ti][id] ? cum[id] : flat[id], total)),
      }));
    }
    if (t.detection.length > 0 && matching.length === 0) return;
    const files = t.triggers.length > 0 && o.reader && o.repoRoot
      ? rewriteRepo(o.reader, o.repoRoot, t, o, warnings)
      : [];
    const isVendored = files.some((f) => f.file.is_vendor);
    const prText = (t.pr_template ?? "")
      .replaceAll("{service}", o.service || "service")
      .replaceAll("{overhead_pct}", pct.toFixed(2))
      .replaceAll("{top_functions}", topFns.map((x) => `- ${x.function} (${x.pct}%)`).join("\n"))
      .trim();
    fixes.push({
      fix_id: t.fix_id,
      description: t.description,
      expected_impact: t.expected_impact,
      files_to_modify: files.map((f) => f.file),
      diff: files.map((f) => f.diff).join(""),
      pr_description: prText,
      considerations: t.considerations,
      is_vendored: isVendored,
      upstream_pr_needed: isVendored,
    });
  });
  if (fixes.length === 0 && templates.length > 0) warnings.push("no applicable fixes detected for the supplied issue");
  const nextSteps: string[] = [];
  for (const f of fixes) {
    if (f.upstream_pr_needed) nextSteps.push(`${f.fix_id}: vendored files change; send the change upstream first`);
    if (f.files_to_modify.length > 0) {
      nextSteps.push(`${f.fix_id}: apply the diff to ${f.files_to_modify.length} files, run the tests, profile again`);
    }
  }
  const findings: Finding[] = fixes.map((f): Finding => {
    const finding: Finding = {
      severity: overhead >= 20 ? "high" : overhead >= 10 ? "medium" : "low",
      title: `${f.fix_id} applies: ${round2(overhead)}% of ${p.sampleTypes[si].type} matches it` +
        (f.files_to_modify.length > 0 ? `; ${f.files_to_modify.length} files to change` : ""),
      evidence: { function: topFns[0]?.function, share: overhead },
    };
    if (topFns[0]) {
      finding.next_step = {
        tool: "pprof.peek",
        arguments: { profile: o.profilePath ?? "", regex: exactName(topFns[0].function) },
        why: "where the matched code is called from",
      };
    }
    return finding;
  });
  return {
    issue: o.issue,
    analysis: { overhead_pct: round2(overhead), top_functions: topFns },
    applicable_fixes: fixes,
    next_steps: nextSteps,
    warnings,
    findings,
  };
}

/** Applies a template's replacements to the Go files of a repository (bounded walk, sorted by path). */
function rewriteRepo(
  reader: RepoReader,
  root: string,
  t: FixTemplate,
  o: SuggestFixOptions,
  warnings: string[],
): { file: FileChange; diff: string }[] {
  const maxFiles = o.maxFiles ?? 5000;
  const paths: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of reader.list(dir) ?? []) {
      if (paths.length >= maxFiles) return;
      if (e.isDirectory) {
        if (e.name.startsWith(".git") || e.name === "node_modules") continue;
        walk(joinPath(dir, e.name), rel === "" ? e.name : `${rel}/${e.name}`);
      } else if (e.name.endsWith(".go")) paths.push(rel === "" ? e.name : `${rel}/${e.name}`);
    }
  };
  walk(root, "");
  if (paths.length >= maxFiles) warnings.push(`stopped after ${maxFiles} Go files`);
  paths.sort();
  const out: { file: FileChange; diff: string }[] = [];
  for (const rel of paths) {
    const text = reader.readText(joinPath(root, rel), 4 << 20);
    if (text === undefined || !t.triggers.some((x) => text.includes(x))) continue;
    const before = text.split("\n");
    const after = before.map((line) => t.replacements.reduce((l, r) => l.replaceAll(r.from, r.to), line));
    const changes: LineChange[] = [];
    before.forEach((l, i) => {
      if (l !== after[i]) changes.push({ line: i + 1, before: l, after: after[i] });
    });
    if (changes.length === 0) continue;
    const vendorAt = rel.split("/").indexOf("vendor");
    const file: FileChange = { path: rel, is_vendor: vendorAt >= 0, changes };
    if (vendorAt >= 0) {
      const url = repoUrl(rel.split("/").slice(vendorAt + 1, vendorAt + 4).join("/"));
      if (url) file.upstream_repo = url;
    }
    out.push({ file, diff: unifiedDiff(rel, before, after, 2) });
  }
  return out;
}

/** A unified diff of two versions of a file with the same number of lines (line-by-line replacements). */
export function unifiedDiff(path: string, a: string[], b: string[], context: number): string {
  const changed: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed.push(i);
  if (changed.length === 0) return "";
  let out = `--- a/${path}\n+++ b/${path}\n`;
  let i = 0;
  while (i < changed.length) {
    let j = i;
    while (j + 1 < changed.length && changed[j + 1] - changed[j] <= 2 * context) j++;
    const from = Math.max(0, changed[i] - context), to = Math.min(a.length - 1, changed[j] + context);
    const n = to - from + 1;
    out += `@@ -${from + 1},${n} +${from + 1},${n} @@\n`;
    for (let k = from; k <= to; k++) {
      if (a[k] === b[k]) out += ` ${a[k]}\n`;
      else out += `-${a[k]}\n+${b[k]}\n`;
    }
    i = j + 1;
  }
  return out;
}
