/**
 * `pprof.detect_repo`'s analysis: which modules a profile's code comes from (module paths that keep their
 * package segment), and where a checkout of the program is: a directory whose go.mod declares the module, or
 * the project (go.mod, package.json) above an absolute source file name the profile records.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { appCode } from "./app_code.ts";
import { goPackage, guessModule, isGoStdlib, jsOrigin, unvendor } from "./code_names.ts";
import type { Finding } from "./findings.ts";
import { profileLanguage } from "./profile_facts.ts";
import { joinPath, parseGoMod, parsePackageJson, type RepoReader } from "./repo_files.ts";

/** The result of {@link detectRepo}. */
export interface DetectRepoResult {
  /** The most frequent non-standard module paths of the profile's frames (5 at most). */
  module_paths: string[];
  /** The program's own module as the profile shows it (its main package's module), when it can tell. */
  main_module: string;
  /** The checkout found ("" if none). */
  detected_root: string;
  /** What declared it: `go.mod` (module line matches), `package.json`, or "". */
  detected_by: string;
  detection_notes: string[];
  confidence: "high" | "medium" | "low" | "none";
  findings: Finding[];
}

/** Options of {@link detectRepo}. */
export interface DetectRepoOptions {
  /** Directories to look in (each itself, and `<dir>/<module's last segment>`, `<dir>/<module path>`). */
  searchRoots: string[];
  profilePath?: string;
}

function goModModule(reader: RepoReader, dir: string): string | undefined {
  const text = reader.readText(joinPath(dir, "go.mod"), 1 << 20);
  return text === undefined ? undefined : parseGoMod(text).module;
}

/** Finds the modules of `p` and a checkout of its program. */
export function detectRepo(p: Profile, reader: RepoReader, o: DetectRepoOptions): DetectRepoResult {
  const language = profileLanguage(p);
  const counts = new Map<string, number>();
  for (let li = 0; li < p.lineFunction.length; li++) {
    const f = p.lineFunction[li];
    const name = p.strings[p.functionName[f]];
    if (language === "node") {
      const origin = jsOrigin(p.strings[p.functionFilename[f]]);
      if (origin.kind === "npm") counts.set(origin.package, (counts.get(origin.package) ?? 0) + 1);
      continue;
    }
    const pkg = unvendor(goPackage(name));
    if (pkg === "" || pkg === "main" || isGoStdlib(pkg)) continue;
    const m = guessModule(pkg);
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  const modulePaths = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([m]) => m);
  const app = appCode(p);
  const mainModule = language === "go" ? app.prefixes.find((x) => x !== "main") ?? "" : "";
  const notes: string[] = [];
  const result = (root: string, by: string, confidence: DetectRepoResult["confidence"]): DetectRepoResult => ({
    module_paths: modulePaths,
    main_module: mainModule,
    detected_root: root,
    detected_by: by,
    detection_notes: notes,
    confidence,
    findings: repoFindings(root, mainModule, o.profilePath ?? ""),
  });

  // 1. A directory whose go.mod declares the program's module (or, failing that, one of the frequent modules).
  const wanted = [...new Set([mainModule, ...modulePaths])].filter((m) => m !== "");
  for (const module of wanted) {
    const segs = module.split("/");
    for (const root of o.searchRoots) {
      const candidates = [root, joinPath(root, segs[segs.length - 1]), joinPath(root, module)];
      for (const dir of new Set(candidates)) {
        if (!reader.isDir(dir)) continue;
        const declared = goModModule(reader, dir);
        if (declared === module) {
          notes.push(`${dir}/go.mod declares module ${module}`);
          return result(dir, "go.mod", module === mainModule ? "high" : "medium");
        }
      }
    }
  }
  // 2. Absolute source file names of your code: the project directory above them.
  const files: string[] = [];
  for (let f = 0; f < p.functionCount && files.length < 20; f++) {
    const file = p.strings[p.functionFilename[f]];
    if (app.isApp[f] && file.startsWith("/") && !files.includes(file)) files.push(file);
  }
  for (const file of files) {
    const parts = file.split("/");
    for (let i = parts.length - 1; i >= 2; i--) {
      const dir = parts.slice(0, i).join("/");
      if (language !== "node") {
        const declared = goModModule(reader, dir);
        if (declared !== undefined) {
          notes.push(`source file ${file} is in module ${declared} (${dir}/go.mod)`);
          return result(dir, "go.mod", "high");
        }
      } else {
        const pj = reader.readText(joinPath(dir, "package.json"), 1 << 20);
        if (pj !== undefined && parsePackageJson(pj) !== undefined) {
          notes.push(`source file ${file} is in the project ${dir} (package.json)`);
          return result(dir, "package.json", "high");
        }
      }
    }
  }
  if (modulePaths.length === 0 && mainModule === "") {
    notes.push("no module paths found in function names");
    return result("", "", "none");
  }
  notes.push(
    `no directory among ${o.searchRoots.length} search roots has a go.mod declaring ` +
      (wanted.length > 0 ? wanted.slice(0, 3).join(", ") : "the profile's modules") +
      "; pass search_roots, or give repo_root to the other tools",
  );
  return result("", "", "low");
}

function repoFindings(root: string, module: string, profile: string): Finding[] {
  if (root === "") {
    return [{
      severity: "info",
      title: `No checkout of ${module || "the profiled program"} found; pass repo_root to the source tools`,
      evidence: {},
    }];
  }
  return [{
    severity: "info",
    title: `The profiled program's checkout is ${root}`,
    evidence: {},
    next_step: {
      tool: "pprof.storylines",
      arguments: { profile, repo_root: root },
      why: "hot paths with source listings of your code",
    },
  }];
}
