/**
 * Choosing one profile among listed candidates: latest, oldest, closest to a time, by index, most samples, or
 * the statistical outlier (largest population z-score of a numeric field).
 *
 * @module
 */
import { type Candidate, SAMPLE_FIELDS } from "./profiles_api.ts";
import { parseRfc3339 } from "./timeparse.ts";

/** The strategies. */
export const STRATEGIES = ["latest", "oldest", "closest_to_ts", "manual_index", "most_samples", "anomaly"] as const;

/** A strategy name. */
export type Strategy = typeof STRATEGIES[number];

/** A choice and why. */
export interface Choice {
  index: number;
  reason: string;
  warnings: string[];
}

/** Fields examined first for anomalies, in this order (when present). */
const ANOMALY_PRIORITY: readonly string[] = SAMPLE_FIELDS;

/** The smallest |z| that counts as an anomaly. */
export const ANOMALY_Z = 2.0;

/** An outlier: the candidate, its field and z-score. */
export interface Anomaly {
  index: number;
  field: string;
  z: number;
}

/**
 * The strongest outlier: per numeric field present on at least 3 candidates, the population mean and standard
 * deviation, the candidate with the largest |v − mean| / σ; across fields the largest (priority fields first, the
 * others by name, first wins ties). Undefined with fewer than 3 candidates or when the best |z| is below 2.
 */
export function findAnomaly(cs: Candidate[]): Anomaly | undefined {
  if (cs.length < 3) return undefined;
  const names = new Set<string>();
  for (const c of cs) for (const k of Object.keys(c.numeric_fields ?? {})) names.add(k);
  const fields = [
    ...ANOMALY_PRIORITY.filter((f) => names.has(f)),
    ...[...names].filter((f) => !ANOMALY_PRIORITY.includes(f)).sort(),
  ];
  let best: Anomaly | undefined;
  for (const field of fields) {
    const having = cs.map((c, i) => [i, c.numeric_fields?.[field]] as const).filter(([, v]) => v !== undefined) as [
      number,
      number,
    ][];
    if (having.length < 3) continue;
    const mean = having.reduce((s, [, v]) => s + v, 0) / having.length;
    const sigma = Math.sqrt(having.reduce((s, [, v]) => s + (v - mean) ** 2, 0) / having.length);
    if (sigma === 0) continue;
    let top: Anomaly | undefined;
    for (const [i, v] of having) {
      const z = Math.abs(v - mean) / sigma;
      if (!top || z > top.z) top = { index: i, field, z };
    }
    if (top && (!best || top.z > best.z)) best = top;
  }
  return best && best.z >= ANOMALY_Z ? best : undefined;
}

/**
 * The most_samples score: the largest value among fields whose name says sample, value, total or duration, or
 * else among all fields; −1 without numeric fields.
 */
export function sampleScore(c: Candidate): number {
  const f = c.numeric_fields;
  if (!f || Object.keys(f).length === 0) return -1;
  const entries = Object.entries(f);
  const counted = entries.filter(([k]) => /sample|value|total|duration/.test(k.toLowerCase()));
  return Math.max(...(counted.length > 0 ? counted : entries).map(([, v]) => v));
}

/** Index of the candidate closest to `targetMs` (unparseable timestamps skipped, first wins ties; else 0). */
export function closestIndex(cs: Candidate[], targetMs: number): number {
  let best = 0, bestD = Infinity;
  cs.forEach((c, i) => {
    const t = parseRfc3339(c.timestamp);
    if (t === undefined) return;
    const d = Math.abs(t - targetMs);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** Index of the oldest candidate by timestamp (unparseable ones skipped); the last one when none parses. */
export function oldestIndex(cs: Candidate[]): number {
  let best = cs.length - 1, bestT = Infinity;
  cs.forEach((c, i) => {
    const t = parseRfc3339(c.timestamp);
    if (t !== undefined && t < bestT) {
      bestT = t;
      best = i;
    }
  });
  return best;
}

/** Picks by a strategy that needs no extra input (latest, oldest, most_samples, anomaly); `cs` is non-empty. */
export function pickBy(strategy: "latest" | "oldest" | "most_samples" | "anomaly", cs: Candidate[]): Choice {
  switch (strategy) {
    case "latest":
      return { index: 0, reason: "latest", warnings: [] };
    case "oldest":
      return { index: oldestIndex(cs), reason: "oldest", warnings: [] };
    case "most_samples": {
      let best = 0, score = sampleScore(cs[0]);
      cs.forEach((c, i) => {
        const s = sampleScore(c);
        if (s > score) {
          score = s;
          best = i;
        }
      });
      if (score < 0) {
        return { index: 0, reason: "latest", warnings: ["most_samples unavailable; falling back to latest"] };
      }
      return { index: best, reason: "most_samples", warnings: [] };
    }
    case "anomaly": {
      const a = findAnomaly(cs);
      if (!a) {
        const why = cs.length < 3
          ? `only ${cs.length} profiles, at least 3 are needed`
          : cs.some((c) => c.numeric_fields)
          ? `no numeric field deviates by ${ANOMALY_Z} standard deviations or more`
          : "no numeric fields";
        return {
          index: 0,
          reason: "latest",
          warnings: [`anomaly detection unavailable (${why}); falling back to latest`],
        };
      }
      return { index: a.index, reason: `anomaly: ${a.z.toFixed(1)} stddev on ${a.field}`, warnings: [] };
    }
  }
}
