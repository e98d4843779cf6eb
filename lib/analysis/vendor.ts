/**
 * `pprof.vendor_analyze`'s analysis: hot code grouped by the module or npm package it comes from (your code,
 * third-party dependencies and the standard library apart), with the version the project pins, where the
 * project lives, and the known performance issues its hot functions match.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { compileRE2 } from "../regex/re2.ts";
import { type AppCode, appCode } from "./app_code.ts";
import { goPackage, guessModule, hasPathPrefix, isGoStdlib, jsOrigin, longestModule, unvendor } from "./code_names.ts";
import { type Finding, sortFindings } from "./findings.ts";
import { KNOWN_ISSUES, type KnownPackage } from "./known_issues.ts";
import { pprofValue, profileLanguage, round2, share, valueIndex } from "./profile_facts.ts";
import { exactName } from "../regex/quote.ts";
import { type GoMod, joinPath, type PackageManifest, parsePackageJson, type RepoReader } from "./repo_files.ts";

/** Options of {@link vendorAnalyze}. */
export interface VendorOptions {
  /** Keep functions with at least this flat or cum share (default 1). */
  minPct?: number;
  sampleIndex?: string;
  goMod?: GoMod;
  packageJson?: PackageManifest;
  /** For npm versions from `node_modules/<package>/package.json`. */
  reader?: RepoReader;
  repoRoot?: string;
  repoPrefixes?: string[];
  profilePath?: string;
  knownIssues?: KnownPackage[];
}

/** A matched known issue. */
export interface MatchedIssue {
  pattern: string;
  severity: "high" | "medium" | "low";
  issue: string;
  recommendation: string;
  functions: string[];
}

/** One module or package with hot functions. */
export interface Hotspot {
  package: string;
  kind: "vendor" | "stdlib";
  version?: string;
  total_flat_pct: number;
  /** Samples with any frame of the package, each once. */
  total_cum_pct: number;
  hot_functions: { name: string; flat_pct: number; cum_pct: number }[];
  repo_url?: string;
  latest_version?: string;
  known_issues?: MatchedIssue[];
}

/** The result of {@link vendorAnalyze}. */
export interface VendorResult {
  sample_type: string;
  vendor_hotspots: Hotspot[];
  stdlib_hotspots: Hotspot[];
  total_vendor_pct: number;
  total_stdlib_pct: number;
  total_app_pct: number;
  app_code: Omit<AppCode, "isApp">;
  warnings: string[];
  findings: Finding[];
}

/**
 * The owner key of a function that is not your code: `1\0<module or npm package>` for dependencies,
 * `2\0<package>` for the standard library (`2\0node` for Node.js itself), "" when unknown (native frames).
 */
function ownerOf(name: string, file: string, node: boolean, requires: string[]): string {
  const origin = jsOrigin(file);
  if (origin.kind === "npm") return `1\0${origin.package}`;
  if (node) return origin.kind === "node" ? "2\0node" : "";
  const pkg = unvendor(goPackage(name));
  if (pkg === "") return "";
  if (isGoStdlib(pkg)) return `2\0${pkg}`;
  return `1\0${longestModule(pkg, requires) || guessModule(pkg)}`;
}

/** `https://github.com/a/b` for modules under github.com or gitlab.com. */
export function repoUrl(module: string): string | undefined {
  const s = module.split("/");
  if (s.length >= 3 && (s[0] === "github.com" || s[0] === "gitlab.com")) return `https://${s[0]}/${s[1]}/${s[2]}`;
  return undefined;
}

/** Groups the hot functions of `p` by the module or package they belong to. */
export function vendorAnalyze(p: Profile, o: VendorOptions = {}): VendorResult {
  const warnings: string[] = [];
  const si = valueIndex(p, o.sampleIndex ?? "");
  const stride = p.sampleTypes.length;
  const app = appCode(p, {
    repoPrefixes: o.repoPrefixes,
    goModule: o.goMod?.module || undefined,
    repoDir: o.packageJson ? o.repoRoot : undefined,
  });
  const requires = o.goMod?.requires.map((r) => r.path) ?? [];
  const node = profileLanguage(p) === "node";
  // Functions are told apart by name and owner: Node.js names are not qualified, so `write` of pino and
  // `write` of Node.js itself are different functions.
  const ids = new Map<string, number>();
  const fnNames: string[] = [];
  const fnKey: number[] = []; // owner key index, -1 for your code and unknown code
  const fnApp: number[] = [];
  const keys = new Map<string, number>();
  const keyNames: string[] = [];
  const fidOf = new Int32Array(p.functionCount);
  for (let f = 0; f < p.functionCount; f++) {
    const name = p.strings[p.functionName[f]], file = p.strings[p.functionFilename[f]];
    let owner = "";
    if (!app.isApp[f]) owner = ownerOf(name, file, node, requires);
    const id = `${name}\0${app.isApp[f] ? "app" : owner}`;
    let fid = ids.get(id);
    if (fid === undefined) {
      fid = fnNames.length;
      ids.set(id, fid);
      fnNames.push(name);
      fnApp.push(app.isApp[f]);
      let key = -1;
      if (owner !== "") {
        key = keys.get(owner) ?? -1;
        if (key < 0) {
          key = keyNames.length;
          keys.set(owner, key);
          keyNames.push(owner);
        }
      }
      fnKey.push(key);
    }
    fidOf[f] = fid;
  }
  const nf = fnNames.length, nk = keyNames.length;
  const flat = new Float64Array(nf), cum = new Float64Array(nf), stamp = new Int32Array(nf).fill(-1);
  const keyFlat = new Float64Array(nk), keyCum = new Float64Array(nk), keyStamp = new Int32Array(nk).fill(-1);
  let total = 0, appFlat = 0;
  for (let s = 0; s < p.sampleCount; s++) {
    const v = p.values[s * stride + si];
    if (v === 0) continue;
    total += v;
    let leaf = true;
    for (let k = p.stackStart[s]; k < p.stackStart[s + 1]; k++) {
      const loc = p.stackLocs[k];
      for (let li = p.lineStart[loc]; li < p.lineStart[loc + 1]; li++) {
        const id = fidOf[p.lineFunction[li]];
        const key = fnKey[id];
        if (leaf) {
          flat[id] += v;
          if (key >= 0) keyFlat[key] += v;
          else if (fnApp[id]) appFlat += v;
          leaf = false;
        }
        if (stamp[id] !== s) {
          stamp[id] = s;
          cum[id] += v;
        }
        if (key >= 0 && keyStamp[key] !== s) {
          keyStamp[key] = s;
          keyCum[key] += v;
        }
      }
    }
  }
  const minPct = o.minPct && o.minPct > 0 ? o.minPct : 1;
  const db = (o.knownIssues ?? KNOWN_ISSUES).map((e) => ({
    ...e,
    issues: e.issues.map((i) => ({ ...i, re: compileRE2(i.pattern, "known issue pattern") })),
  }));
  const groups = new Map<number, number[]>();
  for (let id = 0; id < nf; id++) {
    const key = fnKey[id];
    if (key < 0) continue;
    if (share(flat[id], total) < minPct && share(cum[id], total) < minPct) continue;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(id);
  }
  const hotspots: Hotspot[] = [];
  for (const [key, ids] of groups) {
    const [kindCode, name] = keyNames[key].split("\0");
    const kind = kindCode === "2" ? "stdlib" : "vendor";
    ids.sort((a, b) => flat[b] - flat[a] || cum[b] - cum[a] || (fnNames[a] < fnNames[b] ? -1 : 1));
    const h: Hotspot = {
      package: name,
      kind,
      total_flat_pct: round2(share(keyFlat[key], total)),
      total_cum_pct: round2(share(keyCum[key], total)),
      hot_functions: ids.slice(0, 5).map((id) => ({
        name: fnNames[id],
        flat_pct: round2(share(flat[id], total)),
        cum_pct: round2(share(cum[id], total)),
      })),
    };
    const version = versionOf(name, o);
    if (version) h.version = version;
    const url = repoUrl(name);
    if (url) h.repo_url = url;
    const matched: MatchedIssue[] = [];
    for (const entry of db) {
      const fns = ids.map((id) => fnNames[id]);
      const inPackage = entry.ecosystem === "npm"
        ? entry.package === name
        : fns.some((fn) => hasPathPrefix(unvendor(goPackage(fn)), entry.package)) || entry.package === name;
      if (!inPackage) continue;
      for (const issue of entry.issues) {
        const hits = fns.filter((fn) => issue.re.test(fn));
        if (hits.length === 0) continue;
        matched.push({
          pattern: issue.pattern,
          severity: issue.severity,
          issue: issue.issue,
          recommendation: issue.recommendation,
          functions: hits.slice(0, 3),
        });
      }
      if (!h.repo_url && entry.repo_url) h.repo_url = entry.repo_url;
    }
    if (matched.length > 0) h.known_issues = matched;
    hotspots.push(h);
  }
  const byFlat = (a: Hotspot, b: Hotspot) =>
    b.total_flat_pct - a.total_flat_pct || b.total_cum_pct - a.total_cum_pct || (a.package < b.package ? -1 : 1);
  const vendor = hotspots.filter((h) => h.kind === "vendor").sort(byFlat);
  const std = hotspots.filter((h) => h.kind === "stdlib").sort(byFlat);
  if (!o.goMod && !o.packageJson && app.source !== "repo_prefix") {
    warnings.push(
      "no go.mod or package.json under repo_root: versions are unknown and your code was inferred from " +
        "the profile",
    );
  }
  let vendorFlat = 0, stdFlat = 0;
  for (let k = 0; k < nk; k++) {
    if (keyNames[k].startsWith("2\0")) stdFlat += keyFlat[k];
    else vendorFlat += keyFlat[k];
  }
  const { isApp: _, ...appInfo } = app;
  return {
    sample_type: p.sampleTypes[si].type,
    vendor_hotspots: vendor,
    stdlib_hotspots: std,
    total_vendor_pct: share(vendorFlat, total),
    total_stdlib_pct: share(stdFlat, total),
    total_app_pct: share(appFlat, total),
    app_code: appInfo,
    warnings,
    findings: vendorFindings(vendor, std, p.sampleTypes[si], total, o.profilePath ?? ""),
  };
}

function versionOf(pkg: string, o: VendorOptions): string | undefined {
  const req = o.goMod?.requires.find((r) => r.path === pkg);
  if (req) return req.version;
  const dep = o.packageJson?.dependencies.get(pkg);
  if (o.reader && o.repoRoot) {
    const installed = o.reader.readText(joinPath(o.repoRoot, "node_modules", pkg, "package.json"), 1 << 20);
    const v = installed !== undefined ? parsePackageJson(installed)?.version : undefined;
    if (v) return v;
  }
  return dep;
}

function vendorFindings(
  vendor: Hotspot[],
  std: Hotspot[],
  type: { type: string; unit: string },
  total: number,
  profile: string,
): Finding[] {
  const out: Finding[] = [];
  const rank = { high: 0, medium: 1, low: 2 } as const;
  for (const h of [...vendor, ...std]) {
    const issues = [...(h.known_issues ?? [])].sort((a, b) => rank[a.severity] - rank[b.severity]);
    if (h.total_flat_pct < 5 && h.total_cum_pct < 10 && issues.length === 0) continue;
    const top = issues[0];
    const fn = top?.functions[0] ?? h.hot_functions[0]?.name;
    const value = (h.total_cum_pct / 100) * total;
    out.push({
      severity: top?.severity === "high" && h.total_cum_pct >= 5
        ? "high"
        : h.total_cum_pct >= 20 || (top && h.total_cum_pct >= 5)
        ? "medium"
        : "low",
      title: `${h.package}${h.version ? " " + h.version : ""}: ${h.total_cum_pct.toFixed(1)}% of ${type.type} ` +
        `(${h.total_flat_pct.toFixed(1)}% in its own code)` + (top ? `; known issue: ${top.issue}` : ""),
      evidence: {
        function: fn,
        share: h.total_cum_pct,
        value,
        value_text: pprofValue(value, type.unit),
        unit: type.unit,
      },
      next_step: fn
        ? { tool: "pprof.peek", arguments: { profile, regex: exactName(fn) }, why: "who calls it from your code" }
        : undefined,
    });
  }
  return sortFindings(out).map((f) => {
    if (f.next_step) return f;
    const { next_step: _, ...rest } = f;
    return rest;
  });
}
