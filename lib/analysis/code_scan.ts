/**
 * The repository scan of memory_sanity: Go source lines that match the code
 * patterns of the suspected causes, read directly (no grep), without
 * following symbolic links, skipping vendor/ and node_modules/ unless asked,
 * and bounded in files and bytes.
 *
 * @module
 */
import { compileRE2 } from "../regex/re2.ts";
import { CODE_PATTERNS, type CodePattern } from "./memory_patterns.ts";

/** One matching source line. */
export interface CodeFinding {
  category: CodePattern["category"];
  /** Relative to the scanned root, with forward slashes. */
  file: string;
  line: number;
  pattern: string;
  snippet: string;
  explanation: string;
  is_vendor: boolean;
}

/** Limits and choices of a scan. */
export interface ScanOptions {
  categories: ReadonlySet<CodePattern["category"]>;
  /** Also scan vendor/ and node_modules/ (default false). */
  includeVendor?: boolean;
  /** Stop after this many .go files (default 20000). */
  maxFiles?: number;
  /** Skip .go files larger than this (default 1 MiB). */
  maxFileBytes?: number;
  /** Stop after reading this many bytes in all (default 64 MiB). */
  maxTotalBytes?: number;
  /** Keep at most this many findings (default 200). */
  maxFindings?: number;
  signal?: AbortSignal;
}

/** What a scan read and found. */
export interface ScanResult {
  findings: CodeFinding[];
  files_scanned: number;
  bytes_scanned: number;
  /** Files skipped because they were too large. */
  files_skipped: number;
  /** Set when a limit stopped the scan early: which one. */
  stopped_by?: "max_files" | "max_total_bytes" | "max_findings";
}

const SKIPPED_DIRS = new Set(["vendor", "node_modules"]);

/** Whether a relative path is vendored code. */
export function isVendorPath(rel: string): boolean {
  return rel.startsWith("vendor/") || rel.includes("/vendor/");
}

/** Scans the .go files under `root` for the code patterns of the given categories. */
export async function scanRepository(root: string, o: ScanOptions): Promise<ScanResult> {
  const patterns = CODE_PATTERNS.filter((p) => o.categories.has(p.category))
    .map((p) => ({ ...p, re: compileRE2(p.pattern, "code pattern") }));
  const maxFiles = o.maxFiles ?? 20000;
  const maxFileBytes = o.maxFileBytes ?? 1 << 20;
  const maxTotal = o.maxTotalBytes ?? 64 << 20;
  const maxFindings = o.maxFindings ?? 200;
  const out: ScanResult = { findings: [], files_scanned: 0, bytes_scanned: 0, files_skipped: 0 };
  if (patterns.length === 0) return out;
  const decoder = new TextDecoder();
  const walk = async (dir: string, rel: string): Promise<boolean> => {
    o.signal?.throwIfAborted();
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isSymlink) continue; // a link may lead outside the root (and the sandbox)
      const path = `${dir}/${e.name}`;
      const relPath = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) {
        if (e.name.startsWith(".")) continue;
        if (SKIPPED_DIRS.has(e.name) && !o.includeVendor) continue;
        if (!(await walk(path, relPath))) return false;
        continue;
      }
      if (!e.isFile || !e.name.endsWith(".go")) continue;
      if (out.files_scanned >= maxFiles) {
        out.stopped_by = "max_files";
        return false;
      }
      const info = await Deno.stat(path);
      if (info.size > maxFileBytes) {
        out.files_skipped++;
        continue;
      }
      if (out.bytes_scanned + info.size > maxTotal) {
        out.stopped_by = "max_total_bytes";
        return false;
      }
      const text = decoder.decode(await Deno.readFile(path));
      out.files_scanned++;
      out.bytes_scanned += info.size;
      const lines = text.split("\n");
      for (let i = 0; i < lines.length; i++) {
        for (const p of patterns) {
          if (!p.re.test(lines[i])) continue;
          if (out.findings.length >= maxFindings) {
            out.stopped_by = "max_findings";
            return false;
          }
          out.findings.push({
            category: p.category,
            file: relPath,
            line: i + 1,
            pattern: p.pattern,
            snippet: lines[i].trim().slice(0, 200),
            explanation: p.explanation,
            is_vendor: isVendorPath(relPath),
          });
        }
      }
    }
    return true;
  };
  await walk(root.replace(/\/+$/, "") || "/", "");
  out.findings.sort((a, b) =>
    Number(a.is_vendor) - Number(b.is_vendor) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line
  );
  return out;
}
