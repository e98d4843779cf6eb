/**
 * Go's `path/filepath` helpers that pprof applies to file names, so that node
 * names match `go tool pprof` exactly.
 *
 * @module
 */
import { posix } from "node:path";

/** Go's `filepath.Clean`: lexical cleanup, no trailing slash, "." for empty. */
export function goClean(p: string): string {
  if (p === "") return ".";
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** Go's `filepath.Base`: last element, "." for empty, "/" for root. */
export function goBase(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Go's `filepath.SplitList` on Unix: ":"-separated, empty input gives no entries. */
export function splitList(s: string): string[] {
  return s === "" ? [] : s.split(":");
}

/**
 * pprof's source-path trimming: removes a configured prefix, or guesses one
 * from the search path's base names, and always strips `/proc/self/cwd/`.
 */
export function trimPath(path: string, trimPrefixes: string, searchPath: string): string {
  if (trimPrefixes === "") {
    for (const dir of splitList(searchPath)) {
      const want = "/" + goBase(dir) + "/";
      const found = path.indexOf(want);
      if (found !== -1) return path.slice(found + want.length);
    }
  }
  for (let t of [...splitList(trimPrefixes), "/proc/self/cwd/./", "/proc/self/cwd/"]) {
    if (!t.endsWith("/")) t += "/";
    if (path.startsWith(t)) return path.slice(t.length);
  }
  return path;
}
