/**
 * Frame names for drawings: pprof's shortened function names, a node's short
 * label, and the package or module a frame belongs to (what colours it).
 *
 * @module
 */
import type { NodeInfo } from "../graph/nodes.ts";
import { goBase } from "../util/gopath.ts";

const JAVA_RE = /^(?:[a-z]\w*\.)*([A-Z][\w$]*\.(?:<init>|[a-z][\w$]*(?:\$\d+)?))(?:\(|$)/;
const GO_RE = /^(?:[\w\-.]+\/)+(.+)/;
const GO_VERSION_RE = /^(.*?)\/v(?:[2-9]|[1-9][0-9]+)([./].*)$/;
const CPP_RE = /^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?)/;
const CPP_ANONYMOUS_RE = /^\(anonymous namespace\)::/;

/**
 * A function name without its package path, Java package or C++ namespaces
 * (`gen/internal/pipeline.(*Engine).worker` → `pipeline.(*Engine).worker`), as pprof shortens node labels.
 */
export function shortenFunctionName(f: string): string {
  f = f.replace(CPP_ANONYMOUS_RE, "");
  f = f.replace(GO_VERSION_RE, "$1$2");
  for (const re of [GO_RE, JAVA_RE, CPP_RE]) {
    const m = re.exec(f);
    if (m) return m[1];
  }
  return f;
}

/** pprof's name components of a node: address, name, file[:line], or the binary, or `<unknown>`. */
export function nameComponents(i: NodeInfo): string[] {
  const out: string[] = [];
  if (i.address !== 0n) out.push(i.address.toString(16).padStart(16, "0"));
  if (i.name !== "") out.push(i.name);
  if (i.lineno !== 0) out.push(`${i.file}:${i.lineno}`);
  else if (i.file !== "") out.push(i.file);
  else if (i.name !== "") {
    // the name says it all
  } else if (i.objfile !== "") out.push(`[${goBase(i.objfile)}]`);
  else out.push("<unknown>");
  return out;
}

/** A node's label where space is short: shortened function name, file base name. */
export function shortLabel(i: NodeInfo): string {
  return nameComponents({ ...i, name: shortenFunctionName(i.name), file: i.file === "" ? "" : goBase(i.file) })
    .join(" ");
}

/**
 * The package or module of a frame, which decides its colour: the Go import
 * path (`encoding/json`), the C++/Rust namespace (`std`), the Java package
 * (`com.acme.orders`), else the directory of its file (Node.js modules), else
 * the name itself (`[GC ]`).
 */
export function packageOf(name: string, file = ""): string {
  let n = name.replace(/^[<&*(\s]+/, "");
  const colons = n.indexOf("::");
  if (colons > 0) return n.slice(0, colons);
  const paren = n.indexOf("(");
  const head = paren >= 0 ? n.slice(0, paren) : n;
  const slash = head.lastIndexOf("/");
  if (slash >= 0) {
    const dot = n.indexOf(".", slash + 1);
    return dot > 0 ? n.slice(0, dot) : n.slice(0, slash);
  }
  const parts = head.split(".");
  if (parts.length >= 3 && parts.some((p) => /^[A-Z]/.test(p))) {
    // Java: the lower-case segments before the class.
    const pkg: string[] = [];
    for (const p of parts) {
      if (!/^[a-z]/.test(p)) break;
      pkg.push(p);
    }
    if (pkg.length > 0) return pkg.join(".");
  }
  if (parts.length >= 2 && parts[0] !== "") return parts[0];
  if (file !== "") {
    n = file.replace(/\\/g, "/");
    const s = n.lastIndexOf("/");
    return s > 0 ? n.slice(0, s) : n;
  }
  return name;
}

/** Packages of the language runtimes and system libraries, drawn in muted colours so that user code stands out. */
export function isSystemPackage(pkg: string): boolean {
  return /^(runtime|internal|syscall|sync|reflect|std|core|alloc|libc|java|javax|jdk|sun|node:|v8|\[)/.test(pkg) ||
    pkg === "";
}
