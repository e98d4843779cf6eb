/**
 * Findings: what every analysis returns besides its own fields, a short list
 * a model can act on, ordered by impact (severity, then share).
 *
 * @module
 */

/** How much a finding matters. */
export type Severity = "high" | "medium" | "low" | "info";

/** The numbers behind a finding, in the profile's own unit. */
export interface Evidence {
  /** The function (display name) the finding is about, when there is one. */
  function?: string;
  /** Share of the profile's total, in percent (0..100). */
  share?: number;
  /** The value in the profile's unit (nanoseconds, bytes, count…). */
  value?: number;
  /** The value as pprof prints it ("1.48s", "47.81MB"). */
  value_text?: string;
  unit?: string;
}

/**
 * A tool call that follows from a finding. `tool` is the canonical name; the
 * tool layer exposes it under the client's name and drops a step whose tool
 * is not registered.
 */
export interface NextStep {
  tool: string;
  arguments: Record<string, unknown>;
  /** Why this call helps, in a few words. */
  why?: string;
}

/** One finding. */
export interface Finding {
  severity: Severity;
  title: string;
  evidence: Evidence;
  next_step?: NextStep;
}

const RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/** Findings by impact: severity first, then the larger share, then title (stable for equal inputs). */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    RANK[a.severity] - RANK[b.severity] ||
    (b.evidence.share ?? 0) - (a.evidence.share ?? 0) ||
    (a.title < b.title ? -1 : a.title > b.title ? 1 : 0)
  );
}
