/**
 * The repository reader the analysis tools hand to `lib/analysis`: every path, including files the analysis
 * derives itself (go.mod, sources, node_modules manifests), goes through the sandbox, and reading stops at a
 * budget of files and bytes, so a tool call never wanders outside the base dir or reads a whole disk.
 *
 * @module
 */
import type { DirEntry, RepoReader } from "../../analysis/repo_files.ts";
import type { SourceAccess } from "../../analysis/evidence.ts";
import type { ToolContext } from "../registry.ts";

/** How much one tool call may read. */
export interface ReadBudget {
  files: number;
  bytes: number;
}

/** The default budget: enough for a service's sources, far from a whole disk. */
export const DEFAULT_BUDGET: ReadBudget = { files: 5000, bytes: 64 << 20 };

/** Whether `path` is allowed by the sandbox (always, without a base dir). */
export function allowedPath(ctx: Pick<ToolContext, "sandbox"> | undefined, path: string): string | undefined {
  const sandbox = ctx?.sandbox;
  if (!sandbox?.base) return path;
  try {
    return sandbox.resolve("repo_root", path);
  } catch {
    return undefined;
  }
}

/** A reader confined to the sandbox and bounded by `budget`. */
export function sandboxReader(ctx?: Pick<ToolContext, "sandbox">, budget: ReadBudget = DEFAULT_BUDGET): RepoReader {
  let files = 0, bytes = 0;
  const stat = (path: string): Deno.FileInfo | undefined => {
    const p = allowedPath(ctx, path);
    if (p === undefined) return undefined;
    try {
      return Deno.statSync(p);
    } catch {
      return undefined;
    }
  };
  return {
    readText(path: string, maxBytes = 4 << 20): string | undefined {
      const p = allowedPath(ctx, path);
      if (p === undefined || files >= budget.files || bytes >= budget.bytes) return undefined;
      let f: Deno.FsFile | undefined;
      try {
        f = Deno.openSync(p, { read: true });
        if (!f.statSync().isFile) return undefined;
        const want = Math.min(maxBytes, budget.bytes - bytes);
        const buf = new Uint8Array(want);
        let n = 0;
        while (n < want) {
          const r = f.readSync(buf.subarray(n));
          if (r === null || r === 0) break;
          n += r;
        }
        files++;
        bytes += n;
        return new TextDecoder().decode(buf.subarray(0, n));
      } catch {
        return undefined;
      } finally {
        f?.close();
      }
    },
    list(path: string): DirEntry[] | undefined {
      const p = allowedPath(ctx, path);
      if (p === undefined || files >= budget.files) return undefined;
      try {
        const out: DirEntry[] = [];
        for (const e of Deno.readDirSync(p)) {
          let isDirectory = e.isDirectory;
          if (e.isSymlink) isDirectory = stat(`${path}/${e.name}`)?.isDirectory ?? false;
          out.push({ name: e.name, isDirectory });
        }
        files++;
        return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch {
        return undefined;
      }
    },
    isDir: (path) => stat(path)?.isDirectory ?? false,
    isFile: (path) => stat(path)?.isFile ?? false,
  };
}

/** Source access for -list evidence: the search path, and every derived source file checked by the sandbox. */
export function sourceAccess(
  ctx: Pick<ToolContext, "sandbox"> | undefined,
  root: string,
  trimPath = "",
  extra: string[] = [],
): SourceAccess {
  return {
    sourcePath: [root, ...extra].filter((x) => x !== "").join(":"),
    trimPath,
    allowed: (path) => allowedPath(ctx, path) !== undefined,
  };
}
