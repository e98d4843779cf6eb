/**
 * The rolling baseline of `pprof.top`: per key (service/env, profile kind,
 * sample index) the running average flat% and cum% of every function, and
 * the deviations of the current profile from it.
 *
 * @module
 */
import { dirname } from "node:path";
import { UserError } from "../../errors.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import type { pctMetric } from "./args.ts";
import type { z } from "zod";

/** The running averages of one function. */
interface FunctionStats {
  avg_flat_pct: number;
  avg_cum_pct: number;
  count: number;
}

/** One baseline. */
interface BaselineEntry {
  key: string;
  profile_kind: string;
  sample_index: string;
  updated_at: string;
  samples: number;
  functions: Record<string, FunctionStats>;
}

/** The baselines file. */
interface BaselineStore {
  updated_at: string;
  entries: Record<string, BaselineEntry>;
}

/** A function that moved away from its baseline. */
export interface Deviation {
  function: string;
  metric: z.infer<typeof pctMetric>;
  current: number;
  baseline: number;
  delta: number;
  severity: "low" | "medium" | "high";
}

/** The `baseline` field of pprof.top. */
export interface BaselineReport {
  key: string;
  profile_kind: string;
  sample_index?: string;
  baseline_samples: number;
  deviations: Deviation[];
  warnings?: string[];
}

/** The file name used when no path is given. */
export const BASELINE_FILE = ".pprof-mcp-baselines.json";

/** The baseline key: `<baseline_key | service:env | default>|<kind>|<sample_index or default>`. */
export function baselineKey(
  o: { baselineKey?: string; service?: string; env?: string; kind: string; sampleIndex?: string },
) {
  const explicit = o.baselineKey?.trim() ?? "";
  const service = o.service?.trim() ?? "", env = o.env?.trim() ?? "";
  const base = explicit !== "" ? explicit : service !== "" || env !== "" ? `${service}:${env}` : "default";
  return `${base}|${o.kind}|${o.sampleIndex || "default"}`;
}

async function load(path: string): Promise<BaselineStore> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { updated_at: "", entries: {} };
    throw e;
  }
  if (text.trim() === "") return { updated_at: "", entries: {} };
  try {
    const store = JSON.parse(text) as BaselineStore;
    store.entries ??= {};
    return store;
  } catch (e) {
    throw new UserError(
      `baselines file ${path} is not valid JSON (${
        (e as Error).message
      }); it may hold a partial write, move it away to start over`,
      "INTERNAL",
    );
  }
}

/** Saves the store atomically (temporary file in the same directory, then rename). */
export async function saveBaselines(path: string, store: BaselineStore): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o755 });
  await writeFileAtomic(path, JSON.stringify(store, null, 2) + "\n");
}

// Updates of the file are serialised: concurrent calls would lose each other's samples.
let queue: Promise<unknown> = Promise.resolve();

const round2 = (x: number) => (x === 0 ? 0 : Math.floor(x * 100 + 0.5) / 100);

function compare(fn: string, metric: Deviation["metric"], current: number, baseline: number): Deviation | undefined {
  const delta = current - baseline;
  if (baseline === 0 && current < 2) return undefined;
  if (Math.abs(delta) < 2 && (baseline === 0 || Math.abs(delta) / baseline < 0.3)) return undefined;
  const severity = Math.abs(delta) >= 10 ? "high" : Math.abs(delta) >= 5 ? "medium" : "low";
  return { function: fn, metric, current, baseline: round2(baseline), delta: round2(delta), severity };
}

function deviationsOf(entry: BaselineEntry, current: Map<string, { flat: number; cum: number }>): Deviation[] {
  const deviations: Deviation[] = [];
  for (const [fn, cur] of current) {
    const base = entry.functions[fn];
    if (!base || base.count <= 0) continue;
    const flat = compare(fn, "flat_pct", cur.flat, base.avg_flat_pct);
    const cum = compare(fn, "cum_pct", cur.cum, base.avg_cum_pct);
    if (flat) deviations.push(flat);
    if (cum) deviations.push(cum);
  }
  return deviations.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.function.localeCompare(b.function));
}

function report(
  key: string,
  kind: string,
  sampleIndex: string | undefined,
  samples: number,
  deviations: Deviation[],
  warnings: string[],
): BaselineReport {
  return {
    key,
    profile_kind: kind,
    ...(sampleIndex ? { sample_index: sampleIndex } : {}),
    baseline_samples: samples,
    deviations,
    ...(warnings.length ? { warnings } : {}),
  };
}

/**
 * Compares the current top rows (percentages by function) with the baseline
 * under `key`, reading the file only: the baseline is not changed. `missing`
 * is the warning given when there is no baseline under the key yet.
 */
export async function compareBaseline(
  path: string,
  key: string,
  kind: string,
  sampleIndex: string | undefined,
  current: Map<string, { flat: number; cum: number }>,
  missing: string,
): Promise<BaselineReport> {
  await queue; // a concurrent update finishes first
  const entry = (await load(path)).entries[key];
  if (!entry) return report(key, kind, sampleIndex, 0, [], [missing]);
  return report(key, kind, sampleIndex, entry.samples, deviationsOf(entry, current), []);
}

/**
 * Compares the current top rows (percentages by function) with the baseline
 * under `key`, then folds them into the rolling averages and saves the file.
 */
export function updateBaseline(
  path: string,
  key: string,
  kind: string,
  sampleIndex: string | undefined,
  current: Map<string, { flat: number; cum: number }>,
): Promise<BaselineReport> {
  const run = queue.then(async (): Promise<BaselineReport> => {
    const store = await load(path);
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const warnings: string[] = [];
    let entry = store.entries[key];
    let deviations: Deviation[] = [];
    if (!entry) {
      entry = {
        key,
        profile_kind: kind,
        sample_index: sampleIndex || "default",
        updated_at: now,
        samples: 0,
        functions: {},
      };
      store.entries[key] = entry;
      warnings.push("baseline initialized from current profile");
    } else deviations = deviationsOf(entry, current);
    for (const [fn, cur] of current) {
      const f = entry.functions[fn];
      if (!f) entry.functions[fn] = { avg_flat_pct: cur.flat, avg_cum_pct: cur.cum, count: 1 };
      else {
        f.count++;
        f.avg_flat_pct = (f.avg_flat_pct * (f.count - 1) + cur.flat) / f.count;
        f.avg_cum_pct = (f.avg_cum_pct * (f.count - 1) + cur.cum) / f.count;
      }
    }
    entry.samples++;
    entry.updated_at = now;
    store.updated_at = now;
    await saveBaselines(path, store);
    return report(key, kind, sampleIndex, entry.samples, deviations, warnings);
  });
  queue = run.catch(() => {});
  return run;
}
