/**
 * `repo.services.discover`'s analysis: the services a repository builds: every Go main package under `cmd/`,
 * and every Node.js or Deno project (a package.json or deno.json outside node_modules, a few levels deep).
 *
 * @module
 */
import type { Finding } from "./findings.ts";
import { joinPath, parsePackageJson, type RepoReader } from "./repo_files.ts";

/** One service. */
export interface Service {
  /** The directory name (Go) or the project's name (Node.js/Deno). */
  binary: string;
  /** A service id: the name with `-` as `_`, scope and known prefixes such as `be-` kept as they are. */
  service: string;
  /** Relative to the repository root. */
  path: string;
  kind: "go" | "node" | "deno";
}

/** The result of {@link discoverServices}. */
export interface ServicesResult {
  services: Service[];
  warnings: string[];
  findings: Finding[];
}

const SKIP = new Set(["node_modules", "vendor", "dist", "build", "target", "testdata", "third_party"]);

/** Whether a directory holds a Go file of package main. */
function hasMainPackage(reader: RepoReader, dir: string): boolean {
  const files = (reader.list(dir) ?? []).filter((e) =>
    !e.isDirectory && e.name.endsWith(".go") &&
    !e.name.endsWith("_test.go")
  );
  for (const f of files.slice(0, 50)) {
    const head = reader.readText(joinPath(dir, f.name), 64 * 1024);
    if (head !== undefined && /^\s*package\s+main\b/m.test(head.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ""))) {
      return true;
    }
  }
  return false;
}

/** Lists the services of the repository at `root`. */
export function discoverServices(reader: RepoReader, root: string, maxDirs = 2000): ServicesResult {
  const services: Service[] = [];
  const warnings: string[] = [];
  const idOf = (name: string) => name.replace(/^@[^/]+\//, "").replaceAll("-", "_");
  const cmd = joinPath(root, "cmd");
  for (const e of reader.list(cmd) ?? []) {
    if (!e.isDirectory || e.name.startsWith(".")) continue;
    if (hasMainPackage(reader, joinPath(cmd, e.name))) {
      services.push({ binary: e.name, service: idOf(e.name), path: `cmd/${e.name}`, kind: "go" });
    }
  }
  // Node.js and Deno projects, breadth first, 3 levels deep.
  let seen = 0;
  let level: string[] = [""];
  for (let depth = 0; depth <= 3 && level.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      if (++seen > maxDirs) {
        warnings.push(`stopped after ${maxDirs} directories`);
        level = [];
        break;
      }
      const dir = joinPath(root, rel);
      const entries = reader.list(dir) ?? [];
      for (const manifest of ["package.json", "deno.json", "deno.jsonc"]) {
        if (!entries.some((x) => !x.isDirectory && x.name === manifest)) continue;
        const text = reader.readText(joinPath(dir, manifest), 1 << 20);
        const m = text !== undefined
          ? parsePackageJson(manifest === "deno.jsonc" ? stripComments(text) : text)
          : undefined;
        if (!m) continue;
        const name = m.name || (rel === "" ? lastSegment(root) : lastSegment(rel));
        services.push({
          binary: name,
          service: idOf(name),
          path: rel === "" ? "." : rel,
          kind: manifest === "package.json" ? "node" : "deno",
        });
        break;
      }
      for (const x of entries) {
        if (x.isDirectory && !x.name.startsWith(".") && !SKIP.has(x.name) && !(rel === "" && x.name === "cmd")) {
          next.push(rel === "" ? x.name : `${rel}/${x.name}`);
        }
      }
    }
    level = next;
  }
  services.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.binary < b.binary ? -1 : 1));
  const findings: Finding[] = services.length === 0
    ? [{
      severity: "info",
      title: `No services found under ${root} (no cmd/* main package, no package.json or deno.json)`,
      evidence: {},
    }]
    : [];
  return { services, warnings, findings };
}

function lastSegment(p: string): string {
  const parts = p.split("/").filter((x) => x !== "");
  return parts[parts.length - 1] ?? p;
}

function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\/|(^|[^:"])\/\/[^\n]*/g, "$1");
}
