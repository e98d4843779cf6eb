/**
 * Writes a large synthetic CPU profile, deterministically (same options, same
 * bytes), for benchmarks beyond the fixtures.
 *
 *   deno run --allow-write bench/gen_profile.ts -o /tmp/huge.pb.gz --samples=500000
 *
 * Stacks are random walks down a fixed random call graph, so prefixes are
 * shared the way real services share them; samples carry tenant/endpoint labels.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { F64Column, U32Column } from "../lib/profile/columns.ts";
import { encodeProfileGzip } from "../lib/profile/encode.ts";
import type { Profile } from "../lib/profile/model.ts";

/** Size and shape of a generated profile. */
export interface GenOptions {
  samples: number;
  functions: number;
  locations: number;
  /** Mean stack depth. */
  depth: number;
  /** Seed of the samples. */
  seed: number;
  /** Seed of the program (functions, call sites, call graph); profiles with the same one merge well. */
  programSeed?: number;
}

/** mulberry32: small, fast, deterministic PRNG returning [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates a profile in memory. */
export function generateProfile(o: GenOptions): Profile {
  let rand = rng(o.programSeed ?? o.seed);
  const int = (n: number) => Math.floor(rand() * n);
  const zipf = (n: number) => Math.floor(n * rand() ** 3);
  const strings = [""];
  const intern = (s: string) => strings.push(s) - 1;
  const sampleTypes = [{ type: "samples", unit: "count" }, { type: "cpu", unit: "nanoseconds" }];

  const functionName = new Uint32Array(o.functions);
  const functionFilename = new Uint32Array(o.functions);
  for (let f = 0; f < o.functions; f++) {
    const pkg = `github.com/acme/platform/area${f % 37}/pkg${f % 211}`;
    functionName[f] = intern(`${pkg}.(*Type${f % 13}).Method${f}`);
    functionFilename[f] = intern(`${pkg}/file${f % 7}.go`);
  }
  // Each location is one call site in a function; some carry an inlined callee.
  const lineStart = new U32Column();
  const lineFunction = new U32Column();
  const lineNumber = new F64Column();
  const locOfFunction: number[][] = Array.from({ length: o.functions }, () => []);
  for (let l = 0; l < o.locations; l++) {
    const f = l < o.functions ? l : int(o.functions);
    lineStart.push(lineFunction.length);
    if (rand() < 0.05) {
      lineFunction.push(int(o.functions));
      lineNumber.push(1 + int(200));
    }
    lineFunction.push(f);
    lineNumber.push(1 + int(2000));
    locOfFunction[f].push(l);
  }
  lineStart.push(lineFunction.length);
  // A fixed random call graph: each function calls a few others.
  const callees = Array.from({ length: o.functions }, () => Array.from({ length: 1 + int(4) }, () => int(o.functions)));
  const roots = Array.from({ length: 20 }, () => int(o.functions));
  rand = rng(o.seed + 0x9e3779b9);

  const stackStart = new U32Column(o.samples + 1);
  const stackLocs = new U32Column(o.samples * o.depth);
  const values = new F64Column(o.samples * 2);
  const labelStart = new U32Column(o.samples + 1);
  const labelKey = new U32Column();
  const labelStr = new U32Column();
  const tenantKey = intern("tenant_id");
  const endpointKey = intern("endpoint");
  const tenants = Array.from({ length: 300 }, (_, i) => intern(`t-${String(i).padStart(5, "0")}`));
  const endpoints = Array.from({ length: 40 }, (_, i) => intern(`/v1/resource${i}`));
  const path: number[] = [];
  for (let s = 0; s < o.samples; s++) {
    path.length = 0;
    let f = roots[zipf(roots.length)];
    const depth = Math.max(2, Math.round(o.depth * (0.5 + rand())));
    for (let d = 0; d < depth; d++) {
      const sites = locOfFunction[f];
      path.push(sites.length ? sites[int(sites.length)] : f);
      f = callees[f][zipf(callees[f].length)];
    }
    stackStart.push(stackLocs.length);
    for (let k = path.length - 1; k >= 0; k--) stackLocs.push(path[k]); // leaf first
    const n = 1 + zipf(20);
    values.push(n);
    values.push(n * 10_000_000);
    labelStart.push(labelKey.length);
    if (rand() < 0.6) {
      labelKey.push(tenantKey);
      labelStr.push(tenants[zipf(tenants.length)]);
      labelKey.push(endpointKey);
      labelStr.push(endpoints[int(endpoints.length)]);
    }
  }
  stackStart.push(stackLocs.length);
  labelStart.push(labelKey.length);
  const nLabels = labelKey.length;
  const locationAddress = new BigUint64Array(o.locations);
  for (let l = 0; l < o.locations; l++) locationAddress[l] = 0x400000n + BigInt(l) * 16n;
  const ids = (n: number) => Float64Array.from({ length: n }, (_, i) => i + 1);

  return {
    strings,
    sampleTypes,
    defaultSampleType: "",
    periodType: { type: "cpu", unit: "nanoseconds" },
    period: 10_000_000,
    timeNanos: 1_717_243_200_000_000_000n,
    durationNanos: 60_000_000_000,
    comments: [`generated by bench/gen_profile.ts seed=${o.seed} samples=${o.samples}`],
    dropFrames: "",
    keepFrames: "",
    sampleCount: o.samples,
    values: values.compact(),
    stackStart: stackStart.compact(),
    stackLocs: stackLocs.compact(),
    labelStart: labelStart.compact(),
    labelKey: labelKey.compact(),
    labelStr: labelStr.compact(),
    labelNum: new Float64Array(nLabels),
    labelUnit: new Uint32Array(nLabels),
    locationCount: o.locations,
    locationId: ids(o.locations),
    locationMapping: new Int32Array(o.locations),
    locationAddress,
    locationFolded: new Uint8Array(o.locations),
    lineStart: lineStart.compact(),
    lineFunction: lineFunction.compact(),
    lineNumber: lineNumber.compact(),
    functionCount: o.functions,
    functionId: ids(o.functions),
    functionName,
    functionSystemName: functionName.slice(),
    functionFilename,
    functionStartLine: new Float64Array(o.functions),
    mappings: [{
      id: 1,
      start: 0x400000n,
      limit: 0x400000n + BigInt(o.locations) * 16n,
      offset: 0n,
      file: "/usr/local/bin/generated-server",
      buildId: "",
      hasFunctions: true,
      hasFilenames: true,
      hasLineNumbers: true,
      hasInlineFrames: true,
    }],
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      output: { type: "string", short: "o" },
      samples: { type: "string", default: "500000" },
      functions: { type: "string", default: "20000" },
      locations: { type: "string", default: "100000" },
      depth: { type: "string", default: "45" },
      seed: { type: "string", default: "1" },
      "program-seed": { type: "string" },
    },
  });
  if (!values.output) {
    console.error(
      "usage: gen_profile.ts -o OUT.pb.gz [--samples=N] [--functions=N] [--locations=N] [--depth=N] [--seed=N]",
    );
    Deno.exit(2);
  }
  const p = generateProfile({
    samples: Number(values.samples),
    functions: Number(values.functions),
    locations: Number(values.locations),
    depth: Number(values.depth),
    seed: Number(values.seed),
    programSeed: values["program-seed"] === undefined ? undefined : Number(values["program-seed"]),
  });
  const bytes = encodeProfileGzip(p);
  const tmp = `${values.output}.tmp-${Deno.pid}`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, values.output);
  console.error(
    `wrote ${values.output}: ${p.sampleCount} samples, ${p.stackLocs.length} frames, ${bytes.length} bytes`,
  );
}
