/**
 * Node names as pprof's graph views print them: function names without their
 * package path or namespaces, and a node's name components.
 *
 * @module
 */
import { goBase } from "../util/gopath.ts";
import type { NodeInfo } from "./nodes.ts";

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
