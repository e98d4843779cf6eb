/**
 * "Your code": which functions of a profile belong to the program being profiled rather than to libraries, the
 * runtime or the standard library. Decided from what the caller knows (repo_prefix, the module of the go.mod
 * under repo_root, a Node.js project root) and otherwise from the profile itself (Go's `main` package and the
 * module its source files share; a Node.js profile's files outside `node_modules`). Never from a fixed
 * company prefix.
 *
 * @module
 */
import type { Profile } from "../profile/model.ts";
import { goPackage, guessModule, hasPathPrefix, isGoStdlib, jsOrigin, unvendor } from "./code_names.ts";
import { type Language, profileLanguage } from "./profile_facts.ts";

/** What is known about the program when the analysis starts. */
export interface AppHints {
  /** Package path or file path prefixes that are the program's own code. */
  repoPrefixes?: string[];
  /** The module path of the go.mod in the repository. */
  goModule?: string;
  /** The repository's absolute directory (JavaScript files under it, outside node_modules, are the program's). */
  repoDir?: string;
}

/** How "your code" was decided, for the result, and which functions it covers. */
export interface AppCode {
  language: Language;
  /** What decided it: the caller's prefixes, the go.mod, the repository directory, or the profile alone. */
  source: "repo_prefix" | "go.mod" | "repo_root" | "profile" | "none";
  /** Package or path prefixes that count as the program's code (`main` is Go's main package). */
  prefixes: string[];
  /** One sentence on how it was decided and how to make it exact. */
  note: string;
  /** 1 for each function index that is the program's own code. */
  isApp: Uint8Array;
}

/** Decides which functions of `p` are the program's own code. */
export function appCode(p: Profile, hints: AppHints = {}): AppCode {
  const language = profileLanguage(p);
  const isApp = new Uint8Array(p.functionCount);
  const name = (f: number) => p.strings[p.functionName[f]];
  const file = (f: number) => p.strings[p.functionFilename[f]];
  const mark = (test: (f: number) => boolean) => {
    let n = 0;
    for (let f = 0; f < p.functionCount; f++) {
      if (test(f)) {
        isApp[f] = 1;
        n++;
      }
    }
    return n;
  };
  const prefixes = (hints.repoPrefixes ?? []).map((s) => s.trim()).filter((s) => s !== "");
  if (prefixes.length > 0) {
    const n = mark((f) => prefixes.some((x) => hasPathPrefix(name(f), x) || hasPathPrefix(file(f), x)));
    return {
      language,
      source: "repo_prefix",
      prefixes,
      note: `${n} functions start with the given repo_prefix`,
      isApp,
    };
  }
  if (language === "go") return goApp(p, hints, isApp, mark, name, file);
  if (language === "node") return nodeApp(hints, isApp, mark, file);
  return {
    language,
    source: "none",
    prefixes: [],
    note: "the profile's names do not say which code is the program's; pass repo_prefix",
    isApp,
  };
}

type Mark = (test: (f: number) => boolean) => number;

function goApp(
  p: Profile,
  hints: AppHints,
  isApp: Uint8Array,
  mark: Mark,
  name: (f: number) => string,
  file: (f: number) => string,
): AppCode {
  const pkgOf = (f: number) => unvendor(goPackage(name(f)));
  const own = (pkg: string, module: string) =>
    pkg === "main" || (module !== "" && (pkg === module || pkg.startsWith(module + "/")));
  const notVendored = (f: number) => !goPackage(name(f)).includes("/vendor/");
  if (hints.goModule) {
    const m = hints.goModule;
    mark((f) => notVendored(f) && own(pkgOf(f), m));
    return {
      language: "go",
      source: "go.mod",
      prefixes: ["main", m],
      note: `module ${m} (go.mod) and package main`,
      isApp,
    };
  }
  const module = profileModule(p, name, file);
  mark((f) => notVendored(f) && own(pkgOf(f), module));
  const found = isApp.some((x) => x === 1);
  const prefixes = ["main", module].filter((x) => x !== "");
  return {
    language: "go",
    source: found ? "profile" : "none",
    prefixes: found ? prefixes : [],
    note: !found
      ? "the profile has no main package and no module to infer; pass repo_root (a go.mod) or repo_prefix"
      : `inferred from the profile: ${
        prefixes.map((x) => x === "main" ? "package main" : "module " + x).join(" and ")
      }` +
        "; pass repo_root (a go.mod) or repo_prefix to be exact",
    isApp,
  };
}

/**
 * The module of the profiled program, from the profile alone: the module that the main package's source
 * directory shares with other packages (file names of `-trimpath` builds are `<module>/<dir>/<file>`; others are
 * absolute, and the module is where a package's directory and import path part). Without a main package, the
 * non-standard module with the most functions.
 */
function profileModule(p: Profile, name: (f: number) => string, file: (f: number) => string): string {
  const pkgFiles = new Map<string, string>();
  const counts = new Map<string, number>();
  let mainFile = "";
  for (let f = 0; f < p.functionCount; f++) {
    const pkg = unvendor(goPackage(name(f)));
    if (pkg === "" || isGoStdlib(pkg)) continue;
    if (pkg === "main") {
      if (mainFile === "" || name(f) === "main.main") mainFile = file(f) || mainFile;
      continue;
    }
    if (!pkgFiles.has(pkg) && file(f) !== "") pkgFiles.set(pkg, file(f));
    const m = guessModule(pkg);
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  if (mainFile !== "") {
    const dir = mainFile.split("/").slice(0, -1);
    if (!mainFile.startsWith("/")) {
      // -trimpath: the main package's directory is <module path>/<dir>; the module is at least what its path
      // looks like, and whatever longer prefix it shares with other packages of the profile.
      let best = guessModule(dir.join("/"));
      for (const pkg of pkgFiles.keys()) {
        const parts = pkg.split("/");
        let i = 0;
        while (i < parts.length && i < dir.length && parts[i] === dir[i]) i++;
        const common = parts.slice(0, i).join("/");
        if (common.length > best.length && common.startsWith(best)) best = common;
      }
      return best;
    }
    // Absolute file names: a package whose directory ends with its import path's tail lives in the module
    // rooted where the two part; the main package's module is the one rooted above main's file.
    const votes = new Map<string, number>();
    for (const [pkg, f] of pkgFiles) {
      const parts = pkg.split("/");
      const fdir = f.split("/").slice(0, -1);
      let k = 0;
      while (k < parts.length && k < fdir.length && parts[parts.length - 1 - k] === fdir[fdir.length - 1 - k]) k++;
      // A checkout is often named like the module's last segment: the module is at least as long as a
      // module path looks (github.com/o/r, example.org/x).
      k = Math.min(k, parts.length - guessModule(pkg).split("/").length);
      if (k <= 0) continue;
      const root = fdir.slice(0, fdir.length - k).join("/");
      if (!mainFile.startsWith(root + "/")) continue;
      const module = parts.slice(0, parts.length - k).join("/");
      votes.set(module, (votes.get(module) ?? 0) + 1);
    }
    return [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? "";
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? "";
}

function nodeApp(hints: AppHints, isApp: Uint8Array, mark: Mark, file: (f: number) => string): AppCode {
  const root = hints.repoDir?.replace(/\/+$/, "");
  if (root) {
    // Files under the checkout, or recorded under another copy of it (the same directory name elsewhere, as
    // when the program ran from /app/<name>): pprof's source-path heuristic.
    const base = "/" + (root.split("/").pop() ?? "") + "/";
    mark((f) => jsOrigin(file(f)).kind === "file" && (file(f).startsWith(root + "/") || file(f).includes(base)));
    return {
      language: "node",
      source: "repo_root",
      prefixes: [root + "/"],
      note: `JavaScript files under ${root} (or a directory of the same name) outside node_modules`,
      isApp,
    };
  }
  mark((f) => jsOrigin(file(f)).kind === "file" && /^(\/|[A-Za-z]:[\\/]|file:)/.test(file(f)));
  return {
    language: "node",
    source: "profile",
    prefixes: [],
    note: "inferred from the profile: JavaScript files outside node_modules and Node.js itself; pass repo_root " +
      "(with a package.json) or repo_prefix to be exact",
    isApp,
  };
}
