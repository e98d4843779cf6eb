/**
 * The `-tags` report: for each label key, the weight of every value.
 *
 * @module
 */
import { compareStrings, formatFixed } from "../format/gofmt.ts";
import { TabWriter } from "../format/tabwriter.ts";
import { percentage, scale, scaledLabel } from "../format/units.ts";
import type { Report } from "./report.ts";
import { labelVisible } from "../profile/view.ts";

/** The values of one label key with their weight, heaviest first. */
export interface TagKey {
  key: string;
  /** Numeric labels (values are buckets named by their printed value). */
  numeric: boolean;
  total: number;
  totalText: string;
  values: { value: string; weight: number; weightText: string; pct: string }[];
}

/** Weight per label value, per key (sorted by key), over the report's samples. */
export function tagsReport(r: Report): TagKey[] {
  const v = r.view;
  const p = v.profile;
  const stride = p.sampleTypes.length;
  const tags = new Map<string, Map<string, number>>();
  const numeric = new Set<string>();
  for (const s of v.samples) {
    const w = p.values[s * stride + r.sampleIndex];
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      if (!labelVisible(v, j)) continue;
      const key = p.strings[p.labelKey[j]];
      if (p.labelStr[j] === 0) numeric.add(key);
      const value = p.labelStr[j] !== 0
        ? p.strings[p.labelStr[j]]
        : scaledLabel(p.labelNum[j], r.numLabelUnits.get(key) ?? key, r.outputUnit);
      let values = tags.get(key);
      if (!values) tags.set(key, values = new Map());
      values.set(value, (values.get(value) ?? 0) + w);
    }
  }
  const amount = (w: number) => {
    const [f, u] = scale(w, r.sampleUnit, r.outputUnit);
    return formatFixed(f, 1) + u;
  };
  return [...tags.keys()].sort(compareStrings).map((key) => {
    const values = [...tags.get(key)!];
    const total = values.reduce((sum, [, w]) => sum + w, 0);
    values.sort(([na, a], [nb, b]) => Math.abs(a) !== Math.abs(b) ? Math.abs(b) - Math.abs(a) : compareStrings(na, nb));
    return {
      key,
      numeric: numeric.has(key),
      total,
      totalText: amount(total),
      values: values.map(([value, weight]) => ({
        value,
        weight,
        weightText: amount(weight),
        pct: total > 0 ? percentage(weight, total) : "",
      })),
    };
  });
}

/** The text `go tool pprof -tags` prints. */
export function renderTags(keys: TagKey[]): string {
  const tw = new TabWriter({ padding: 1, alignRight: true });
  for (const k of keys) {
    tw.write(`${k.key}:\t Total ${k.totalText}\n`);
    for (const v of k.values) {
      tw.write(k.total > 0 ? ` \t${v.weightText} (${v.pct}):\t ${v.value}\n` : ` \t${v.weightText}:\t ${v.value}\n`);
    }
    tw.write("\n");
  }
  return tw.flush();
}
