/**
 * A repository as the analyses see it: a reader that the tool layer confines to the sandbox and bounds in
 * files and bytes, and the manifests read through it (go.mod, package.json, deno.json).
 *
 * @module
 */

/** A directory entry. */
export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

/**
 * Read access to files: every method answers undefined/false for a path that is missing, unreadable, outside
 * the sandbox, or past the reader's budget, so analyses never fail on a file they could not read.
 */
export interface RepoReader {
  /** A text file's first `maxBytes` bytes (the reader's own cap when absent). */
  readText(path: string, maxBytes?: number): string | undefined;
  /** The entries of a directory, sorted by name. */
  list(path: string): DirEntry[] | undefined;
  isDir(path: string): boolean;
  isFile(path: string): boolean;
}

/** A `require` line of a go.mod. */
export interface GoRequire {
  path: string;
  version: string;
  indirect: boolean;
}

/** A parsed go.mod. */
export interface GoMod {
  module: string;
  go?: string;
  requires: GoRequire[];
  /** `replace old [v] => new [v]`: the new path (a directory when it starts with ./ or ../ or /). */
  replaces: Map<string, { path: string; version?: string }>;
  warnings: string[];
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s.startsWith("`") ? s.slice(1, -1) : s;
}

/** Parses the parts of a go.mod that say what the module is and which versions it uses. */
export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { module: "", requires: [], replaces: new Map(), warnings: [] };
  let block = "";
  for (const raw of text.split("\n")) {
    const comment = raw.indexOf("//");
    const indirect = comment >= 0 && /\/\/\s*indirect\b/.test(raw.slice(comment));
    const line = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    if (line === "") continue;
    if (block !== "") {
      if (line === ")") {
        block = "";
        continue;
      }
      directive(mod, block, line, indirect);
      continue;
    }
    const m = /^(\w+)\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[2] === "(") {
      block = m[1];
      continue;
    }
    directive(mod, m[1], m[2], indirect);
  }
  return mod;
}

function directive(mod: GoMod, verb: string, rest: string, indirect: boolean): void {
  const f = rest.split(/\s+/).filter((x) => x !== "").map(unquote);
  switch (verb) {
    case "module":
      mod.module = f[0] ?? "";
      break;
    case "go":
      mod.go = f[0];
      break;
    case "require":
      if (f.length >= 2) mod.requires.push({ path: f[0], version: f[1], indirect });
      else mod.warnings.push(`go.mod: malformed require "${rest}"`);
      break;
    case "replace": {
      const arrow = f.indexOf("=>");
      if (arrow < 1 || arrow + 1 >= f.length) {
        mod.warnings.push(`go.mod: malformed replace "${rest}"`);
        break;
      }
      mod.replaces.set(f[0], { path: f[arrow + 1], version: f[arrow + 2] });
      break;
    }
  }
}

/** A parsed package.json (or deno.json): its name and the versions it asks for. */
export interface PackageManifest {
  name: string;
  version?: string;
  dependencies: Map<string, string>;
  main?: string;
  scripts: string[];
}

/** Parses a package.json or deno.json; undefined when it is not a JSON object. */
export function parsePackageJson(text: string): PackageManifest | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof j !== "object" || j === null || Array.isArray(j)) return undefined;
  const o = j as Record<string, unknown>;
  const deps = new Map<string, string>();
  for (const key of ["dependencies", "devDependencies", "optionalDependencies", "imports"]) {
    const d = o[key];
    if (typeof d !== "object" || d === null) continue;
    for (const [k, v] of Object.entries(d)) if (typeof v === "string" && !deps.has(k)) deps.set(k, v);
  }
  const scripts = ["scripts", "tasks"].flatMap((k) =>
    typeof o[k] === "object" && o[k] !== null ? Object.keys(o[k] as object) : []
  );
  return {
    name: typeof o.name === "string" ? o.name : "",
    version: typeof o.version === "string" ? o.version : undefined,
    dependencies: deps,
    main: typeof o.main === "string" ? o.main : typeof o.exports === "string" ? o.exports : undefined,
    scripts,
  };
}

/** Joins path segments with `/`, without doubling separators. */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/").replace(/\/+/g, "/");
}

/** What a repository root holds: its go.mod and package.json, when readable. */
export interface RepoInfo {
  root: string;
  goMod?: GoMod;
  packageJson?: PackageManifest;
}

/** Reads the manifests at `root`. */
export function repoInfo(reader: RepoReader, root: string): RepoInfo {
  const info: RepoInfo = { root };
  const gm = reader.readText(joinPath(root, "go.mod"), 1 << 20);
  if (gm !== undefined) info.goMod = parseGoMod(gm);
  const pj = reader.readText(joinPath(root, "package.json"), 1 << 20);
  if (pj !== undefined) info.packageJson = parsePackageJson(pj);
  return info;
}
