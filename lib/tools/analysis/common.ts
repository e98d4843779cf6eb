/**
 * Pieces shared by the analysis tools: the application-prefix argument, the
 * findings as text, and loading a profile for an analysis.
 *
 * @module
 */
import { z } from "zod";
import type { AppCode } from "../../analysis/app_code.ts";
import type { Finding } from "../../analysis/findings.ts";

/** Which frames are the application's own code. */
export const appPrefixArg = z.union([z.array(z.string()), z.string()]).describe(
  "Prefixes of the application's own function names, e.g. its module path (github.com/acme/shop). " +
    "Default: any frame outside the standard library and well-known libraries",
).optional();

/** The {@link AppCode} of an app_prefix argument. */
export function appCodeOf(prefix: string | string[] | undefined): AppCode {
  const list = prefix === undefined ? [] : Array.isArray(prefix) ? prefix : [prefix];
  return { prefixes: list.map((p) => p.trim()).filter((p) => p !== "") };
}

/** Findings as text lines: severity, title, and the call to make next. */
export function findingsText(findings: readonly Finding[]): string {
  if (findings.length === 0) return "No findings.";
  return findings.map((f) => {
    const step = f.next_step ? `\n    next: ${f.next_step.tool} ${JSON.stringify(f.next_step.arguments)}` : "";
    return `- [${f.severity}] ${f.title}${step}`;
  }).join("\n");
}

/** A percentage with one decimal. */
export const pct1 = (x: number) => `${x.toFixed(1)}%`;
