/**
 * Arguments, result pieces and text shared by the analysis tools: "your code" (repo_prefix, repo_root), the
 * app_code record, findings as text, and the profile a tool reads.
 *
 * @module
 */
import { z } from "zod";
import type { AppPrefixes } from "../../analysis/app_frames.ts";
import type { Finding } from "../../analysis/findings.ts";
import { type GoMod, type PackageManifest, repoInfo } from "../../analysis/repo_files.ts";
import { pathArg } from "../paths.ts";
import type { ToolContext } from "../registry.ts";
import { sandboxReader } from "./repo_access.ts";

/** `repo_prefix`: package or path prefixes of your code (a string or a list). */
export const repoPrefixArg = z.union([z.array(z.string()), z.string()]).describe(
  "Package path (Go) or file path (Node.js) prefixes of your own code, e.g. github.com/acme/shop. Default: " +
    "found from repo_root's go.mod or package.json, else from the profile (Go's main package and its module)",
).optional();

/** The prefixes of a repo_prefix argument. */
export function prefixesOf(v: string | string[] | undefined): string[] {
  return (typeof v === "string" ? [v] : v ?? []).map((s) => s.trim()).filter((s) => s !== "");
}

/** `repo_root`: the checkout of the profiled program. */
export const repoRootArg = (what: string) => pathArg(what).optional();

/** The app_code record of a result. */
export const appCodeOutput = z.object({
  language: z.enum(["go", "node", "other"]),
  source: z.enum(["repo_prefix", "go.mod", "repo_root", "profile", "none"]),
  prefixes: z.array(z.string()),
  note: z.string(),
}).describe("How your own code was told apart from libraries, and how to make it exact");

/** What a repository root tells an analysis: its go.mod and package.json (read through the sandbox). */
export function repoManifests(
  root: string | undefined,
  ctx?: Pick<ToolContext, "sandbox">,
): { goMod?: GoMod; packageJson?: PackageManifest } {
  if (!root) return {};
  const info = repoInfo(sandboxReader(ctx), root);
  return { goMod: info.goMod?.module ? info.goMod : undefined, packageJson: info.packageJson };
}

/** The app hints of a call: repo_prefix first, then the repository's manifests. */
export function appHints(
  prefixes: string[],
  root: string | undefined,
  m: { goMod?: GoMod; packageJson?: PackageManifest },
) {
  return {
    repoPrefixes: prefixes,
    goModule: m.goMod?.module,
    repoDir: m.packageJson && root ? root : undefined,
  };
}

/** Findings as text lines: severity, title, and the next call. */
export function findingsText(findings: Finding[]): string {
  if (findings.length === 0) return "No findings.";
  return findings.map((f) => {
    const step = f.next_step ? `\n    next: ${f.next_step.tool} ${JSON.stringify(f.next_step.arguments)}` : "";
    return `- [${f.severity}] ${f.title}${step}`;
  }).join("\n");
}

/** A percentage for text (one decimal). */
export const pct = (x: number) => `${x.toFixed(1)}%`;

/** `app_prefix` (the goroutine, contention and memory analyses): which frames are the application's own code. */
export const appPrefixArg = z.union([z.array(z.string()), z.string()]).describe(
  "Prefixes of the application's own function names, e.g. its module path (github.com/acme/shop). " +
    "Default: any frame outside the standard library and well-known libraries",
).optional();

/** The {@link AppPrefixes} of an app_prefix argument. */
export function appCodeOf(prefix: string | string[] | undefined): AppPrefixes {
  return { prefixes: prefixesOf(prefix) };
}
