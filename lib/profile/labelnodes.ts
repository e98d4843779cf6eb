/**
 * `-tagroot` / `-tagleaf`: pseudo frames made from label values, added at the
 * root or the leaf of every stack, so a graph can be split by tenant, endpoint…
 *
 * @module
 */
import { scaledLabel } from "../format/units.ts";
import type { Profile } from "./model.ts";

/** The profile with label frames added, and whether any sample had the root/leaf keys. */
export interface LabelNodes {
  profile: Profile;
  rootMatched: boolean;
  leafMatched: boolean;
}

/** A sample's values of label `key` as frame text: strings, then numbers with units. */
function labelValues(p: Profile, s: number, key: string, outputUnit: string): string[] {
  const strs: string[] = [];
  const nums: number[] = [];
  const units: string[] = [];
  for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
    if (p.strings[p.labelKey[j]] !== key) continue;
    if (p.labelStr[j] !== 0) strs.push(p.strings[p.labelStr[j]]);
    else {
      nums.push(p.labelNum[j]);
      units.push(p.strings[p.labelUnit[j]]);
    }
  }
  const anyUnit = units.some((u) => u !== "");
  return [...strs, ...nums.map((n, i) => (anyUnit ? scaledLabel(n, units[i], outputUnit) : scaledLabel(n, "", "")))];
}

/**
 * Adds, to every sample, one frame per root key above its stack and one per
 * leaf key below it, named after the sample's values of that key (as pprof's
 * `addLabelNodes`).
 */
export function addLabelNodes(p: Profile, rootKeys: string[], leafKeys: string[], outputUnit: string): LabelNodes {
  const strings = [...p.strings];
  const stringIndex = new Map(strings.map((s, i) => [s, i]));
  const intern = (s: string) => {
    let i = stringIndex.get(s);
    if (i === undefined) stringIndex.set(s, i = strings.push(s) - 1);
    return i;
  };
  const fnName = Array.from(p.functionName), fnFile = Array.from(p.functionFilename);
  const fnSys = Array.from(p.functionSystemName), fnStart = Array.from(p.functionStartLine);
  const fnId = Array.from(p.functionId);
  const locId = Array.from(p.locationId), locMapping = Array.from(p.locationMapping);
  const locAddress = Array.from(p.locationAddress), locFolded = Array.from(p.locationFolded);
  const lineStart = Array.from(p.lineStart.subarray(0, p.locationCount));
  const lineFunction = Array.from(p.lineFunction), lineNumber = Array.from(p.lineNumber);
  let nextLoc = locId.reduce((a, b) => Math.max(a, b), 0) + 1;
  let nextFn = fnId.reduce((a, b) => Math.max(a, b), 0) + 1;
  const byKey = new Map<string, number>();
  const labelLocation = (name: string, file: string) => {
    const k = `${name}\0${file}`;
    let l = byKey.get(k);
    if (l === undefined) {
      fnId.push(nextFn++);
      fnName.push(intern(name));
      fnSys.push(0);
      fnFile.push(intern(file));
      fnStart.push(0);
      l = locId.length;
      locId.push(nextLoc++);
      locMapping.push(-1);
      locAddress.push(0n);
      locFolded.push(0);
      lineStart.push(lineFunction.length);
      lineFunction.push(fnId.length - 1);
      lineNumber.push(0);
      byKey.set(k, l);
    }
    return l;
  };
  let rootMatched = false, leafMatched = false;
  const labelLocs = (s: number, keys: string[]): [number[], boolean] => {
    let matched = false;
    const locs = [...keys].reverse().map((k) => {
      const values = labelValues(p, s, k, outputUnit);
      if (values.length > 0) matched = true;
      return labelLocation(values.join(","), k);
    });
    return [locs, matched];
  };
  const stackStart = new Uint32Array(p.sampleCount + 1);
  const stack: number[] = [];
  for (let s = 0; s < p.sampleCount; s++) {
    const [roots, r] = labelLocs(s, rootKeys);
    const [leaves, l] = labelLocs(s, leafKeys);
    rootMatched ||= r;
    leafMatched ||= l;
    stackStart[s] = stack.length;
    stack.push(...leaves);
    for (let k = p.stackStart[s]; k < p.stackStart[s + 1]; k++) stack.push(p.stackLocs[k]);
    stack.push(...roots);
  }
  stackStart[p.sampleCount] = stack.length;
  lineStart.push(lineFunction.length);
  return {
    rootMatched,
    leafMatched,
    profile: {
      ...p,
      strings,
      stackStart,
      stackLocs: Uint32Array.from(stack),
      locationCount: locId.length,
      locationId: Float64Array.from(locId),
      locationMapping: Int32Array.from(locMapping),
      locationAddress: BigUint64Array.from(locAddress),
      locationFolded: Uint8Array.from(locFolded),
      lineStart: Uint32Array.from(lineStart),
      lineFunction: Uint32Array.from(lineFunction),
      lineNumber: Float64Array.from(lineNumber),
      functionCount: fnId.length,
      functionId: Float64Array.from(fnId),
      functionName: Uint32Array.from(fnName),
      functionSystemName: Uint32Array.from(fnSys),
      functionFilename: Uint32Array.from(fnFile),
      functionStartLine: Float64Array.from(fnStart),
    },
  };
}
