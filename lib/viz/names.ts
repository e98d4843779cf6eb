/**
 * Frame names for flame graphs: a frame's short label, and the package or
 * module a frame belongs to (what colours it).
 *
 * @module
 */
import { nameComponents, shortenFunctionName } from "../graph/names.ts";
import type { NodeInfo } from "../graph/nodes.ts";
import { goBase } from "../util/gopath.ts";

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
