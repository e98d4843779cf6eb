/**
 * Finding the source file of a frame in a checkout: absolute paths, module-relative names of `-trimpath`
 * builds (`<module>/<dir>/<file>` and `<module>@<version>/<file>` for dependencies), go.mod replacements,
 * `vendor/`, the module cache, Node.js files recorded under another root, and a prefix to trim.
 *
 * @module
 */
import { jsOrigin } from "./code_names.ts";
import { type GoMod, joinPath, type RepoReader } from "./repo_files.ts";

/** Where to look. */
export interface SourceRoots {
  /** The checkout. */
  repoRoot: string;
  goMod?: GoMod;
  /** The module cache (`$GOPATH/pkg/mod`), when known and readable. */
  moduleCache?: string;
  /** Prefixes to remove from file names first (`-trim_path`, `:`-separated). */
  trimPath?: string;
}

/** A frame's file resolved to a readable path, and what kind of code it is. */
export interface ResolvedSource {
  path: string;
  /** Third-party code: under vendor/, in the module cache, in node_modules, or a versioned module file name. */
  vendor: boolean;
  /** The module (and version) a versioned file name or vendor path names. */
  module?: string;
  version?: string;
}

/** Candidate paths for a file name, most likely first. */
function candidates(
  file: string,
  r: SourceRoots,
): { path: string; vendor: boolean; module?: string; version?: string }[] {
  const out: { path: string; vendor: boolean; module?: string; version?: string }[] = [];
  const root = r.repoRoot;
  let name = file;
  for (const prefix of (r.trimPath ?? "").split(":").filter((x) => x !== "")) {
    const pre = prefix.endsWith("/") ? prefix : prefix + "/";
    if (name.startsWith(pre)) {
      name = name.slice(pre.length);
      break;
    }
  }
  if (name.startsWith("/")) out.push({ path: name, vendor: name.includes("/vendor/") || name.includes("/pkg/mod/") });
  // <module>@<version>/<rest>: a dependency of a -trimpath build.
  const versioned = /^(.+?)@(v[^/]+)\/(.+)$/.exec(name);
  if (versioned) {
    const [, mod, version, rest] = versioned;
    const rep = r.goMod?.replaces.get(mod);
    if (rep && /^\.{0,2}\//.test(rep.path)) {
      out.push({ path: joinPath(rep.path.startsWith("/") ? "" : root, rep.path, rest), vendor: false, module: mod });
    }
    out.push({ path: joinPath(root, "vendor", mod, rest), vendor: true, module: mod, version });
    if (r.moduleCache) {
      out.push({ path: joinPath(r.moduleCache, `${mod}@${version}`, rest), vendor: true, module: mod, version });
    }
    return out;
  }
  const module = r.goMod?.module;
  if (module && (name.startsWith(module + "/"))) {
    out.push({ path: joinPath(root, name.slice(module.length + 1)), vendor: false });
  }
  const vendorAt = name.indexOf("/vendor/");
  if (vendorAt >= 0) out.push({ path: joinPath(root, "vendor", name.slice(vendorAt + 8)), vendor: true });
  if (!name.startsWith("/")) out.push({ path: joinPath(root, name), vendor: false });
  // A file recorded under another root (a Node.js app run from /app/x, a build machine's path): its tail.
  const parts = name.split("/").filter((x) => x !== "");
  for (let k = 1; k <= Math.min(8, parts.length - 1); k++) {
    const tail = parts.slice(parts.length - k).join("/");
    out.push({ path: joinPath(root, tail), vendor: jsOrigin(name).kind === "npm" });
  }
  return out;
}

/** The first candidate path of `file` that exists, or undefined. */
export function resolveSource(reader: RepoReader, file: string, roots: SourceRoots): ResolvedSource | undefined {
  if (file === "") return undefined;
  for (const c of candidates(file, roots)) {
    if (reader.isFile(c.path)) {
      const r: ResolvedSource = { path: c.path, vendor: c.vendor || c.path.includes("/node_modules/") };
      if (c.module) r.module = c.module;
      if (c.version) r.version = c.version;
      return r;
    }
  }
  return undefined;
}

/** Lines `line ± context` of a text as `N: text`, the hot line as `>>>N: text`. */
export function snippet(text: string, line: number, context: number): string {
  const lines = text.split("\n");
  const from = Math.max(1, line - context), to = Math.min(lines.length, line + context);
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    const text = lines[n - 1].length > 200 ? lines[n - 1].slice(0, 200) + "…" : lines[n - 1];
    out.push(`${n === line ? ">>>" : ""}${n}: ${text}`);
  }
  return out.join("\n");
}
