/**
 * What a frame's function and file name say about the code it belongs to: the Go package and module of a
 * Go function name, whether a package is Go's standard library, and the npm package or Node.js core module of a
 * JavaScript file.
 *
 * @module
 */

/**
 * First path segments of Go's standard library (Go 1.19 to 1.23); a package path whose first segment is one of
 * these and has no dot is the standard library. `vendor` covers the standard library's vendored `golang.org/x`
 * packages (`vendor/golang.org/x/net/...`).
 */
// deno-fmt-ignore
const STD_ROOTS = new Set([
  "archive", "arena", "bufio", "builtin", "bytes", "cmp", "compress", "container", "context", "crypto", "database", "debug",
  "embed", "encoding", "errors", "expvar", "flag", "fmt", "go", "hash", "html", "image", "index", "internal", "io",
  "iter", "log", "maps", "math", "mime", "net", "os", "path", "plugin", "reflect", "regexp", "runtime", "slices",
  "sort", "strconv", "strings", "structs", "sync", "syscall", "testing", "text", "time", "unicode", "unique",
  "unsafe", "vendor", "weak",
]);

/** Hosts whose module paths have three segments (`github.com/owner/repo`). */
const THREE_SEGMENT_HOSTS = new Set(["github.com", "gitlab.com", "bitbucket.org", "gitee.com", "codeberg.org"]);

/**
 * The Go package path of a function name: `github.com/acme/shop/cart.(*Cart).Add` → `github.com/acme/shop/cart`,
 * `main.main` → `main`, `gopkg.in/yaml.v3.Unmarshal` → `gopkg.in/yaml.v3`. "" when the name has no package
 * (Node.js and C functions).
 */
export function goPackage(name: string): string {
  // Generic instantiations print their type arguments in brackets, which may hold slashes and dots.
  const bracket = name.indexOf("[");
  const head = bracket >= 0 ? name.slice(0, bracket) : name;
  const slash = head.lastIndexOf("/");
  let dot = head.indexOf(".", slash + 1);
  if (dot <= slash + 1) return "";
  // gopkg.in/yaml.v3.Func: a `.vN` right after the first dot is part of the package's name.
  const version = /^\.v\d+(?=\.)/.exec(head.slice(dot));
  if (version && slash >= 0) dot += version[0].length;
  const pkg = head.slice(0, dot);
  return /^[\w.\-~/]+$/.test(pkg) ? pkg : "";
}

/** Whether a Go package path is the standard library (or the runtime). */
export function isGoStdlib(pkg: string): boolean {
  if (pkg === "" || pkg === "main") return false;
  const first = pkg.split("/", 1)[0];
  return !first.includes(".") && STD_ROOTS.has(first);
}

/**
 * The package path with an old-style `…/vendor/` prefix removed (`github.com/me/app/vendor/github.com/x/y` →
 * `github.com/x/y`): a vendored copy is the vendored library, not the vendoring module.
 */
export function unvendor(pkg: string): string {
  const i = pkg.lastIndexOf("/vendor/");
  return i >= 0 ? pkg.slice(i + "/vendor/".length) : pkg;
}

/**
 * A guess at the module of a package path when no go.mod says: `github.com/o/r/...` → `github.com/o/r`,
 * `go.uber.org/zap/zapcore` → `go.uber.org/zap`, `golang.org/x/net/http2` → `golang.org/x/net`, a path without a
 * dot in its first segment (a local module such as `gen`) → its first segment; a trailing major version (`/v2`)
 * is kept. Standard library packages are their own module (`std`).
 */
export function guessModule(pkg: string): string {
  if (pkg === "" || pkg === "main") return pkg;
  if (isGoStdlib(pkg)) return "std";
  const parts = unvendor(pkg).split("/");
  let n: number;
  if (!parts[0].includes(".")) n = 1;
  else if (THREE_SEGMENT_HOSTS.has(parts[0]) || (parts[0] === "golang.org" && parts[1] === "x")) n = 3;
  else n = 2;
  if (parts.length > n && /^v\d+$/.test(parts[n])) n++;
  return parts.slice(0, Math.min(n, parts.length)).join("/");
}

/** The module among `modules` (e.g. a go.mod's requires) that is the longest prefix of `pkg`, or "". */
export function longestModule(pkg: string, modules: Iterable<string>): string {
  let best = "";
  for (const m of modules) {
    if ((pkg === m || pkg.startsWith(m + "/")) && m.length > best.length) best = m;
  }
  return best;
}

/** Whether `name` is `prefix` or starts with it at a path or name boundary (`/`, `.`). */
export function hasPathPrefix(name: string, prefix: string): boolean {
  if (prefix === "") return false;
  if (!name.startsWith(prefix)) return false;
  if (name.length === prefix.length || prefix.endsWith("/")) return true;
  const next = name[prefix.length];
  return next === "/" || next === ".";
}

/** Where a JavaScript frame's code comes from. */
export type JsOrigin =
  | { kind: "npm"; package: string }
  | { kind: "node" }
  | { kind: "native" }
  | { kind: "file" };

/**
 * The origin of a JavaScript file name: an npm package (`…/node_modules/@scope/name/…`), Node.js itself
 * (`node:internal/…`), native code and V8 pseudo-frames (no file), or a file of the program.
 */
export function jsOrigin(file: string): JsOrigin {
  if (file === "") return { kind: "native" };
  if (file.startsWith("node:") || file.startsWith("internal/")) return { kind: "node" };
  const i = file.lastIndexOf("node_modules/");
  if (i >= 0) {
    const rest = file.slice(i + "node_modules/".length).split("/");
    const pkg = rest[0].startsWith("@") && rest.length > 1 ? `${rest[0]}/${rest[1]}` : rest[0];
    return { kind: "npm", package: pkg };
  }
  return { kind: "file" };
}
