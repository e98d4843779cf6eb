/**
 * Deterministic malformed profiles for fuzzing the decoder: the fixtures, raw
 * and gzipped, truncated, bit-flipped, overwritten with `0xff` varints, spliced
 * and re-gzipped, from a seeded PRNG so that a failure can be replayed by its
 * seed and index. Used by `tests/fuzz_test.ts` (in-process) and
 * `bench/fuzz_campaign.ts` (through the CLI as subprocesses).
 *
 * @module
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { mulberry32 } from "../lib/util/random.ts";

/** One fuzz input: a name that says how it was made, and its bytes. */
export interface FuzzInput {
  name: string;
  bytes: Uint8Array;
}

const FIXTURES = new URL("../fixtures/profiles/", import.meta.url).pathname;
const LEGACY = new URL("../fixtures/legacy/", import.meta.url).pathname;
const FORMATS = new URL("../fixtures/formats/", import.meta.url).pathname;
/** Other profilers' files, by the extensions of fixtures/formats/. */
const FORMAT_EXTENSIONS = [".cpuprofile", ".heapprofile", ".folded", ".jfr"];

/** The fixture profiles (protobuf, legacy CPU, other profilers' formats) as [name, gzipped bytes, raw bytes]. */
export function fuzzSeeds(): [string, Uint8Array, Uint8Array][] {
  const names = (dir: string, ext: string) =>
    [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(ext)).sort();
  return [
    ...names(FIXTURES, ".pb.gz").map((n): [string, Uint8Array, Uint8Array] => {
      const gz = Deno.readFileSync(FIXTURES + n);
      return [n, gz, new Uint8Array(gunzipSync(gz))];
    }),
    ...names(LEGACY, ".prof").map((n): [string, Uint8Array, Uint8Array] => {
      const raw = Deno.readFileSync(LEGACY + n);
      return [n, new Uint8Array(gzipSync(raw)), raw];
    }),
    ...FORMAT_EXTENSIONS.flatMap((ext) => names(FORMATS, ext)).map((n): [string, Uint8Array, Uint8Array] => {
      const raw = Deno.readFileSync(FORMATS + n);
      return [n, new Uint8Array(gzipSync(raw)), raw];
    }),
  ];
}

/** Hand-picked inputs that crashed the decoder once, kept so they are always run. */
export function knownCrashers(seeds: [string, Uint8Array, Uint8Array][]): FuzzInput[] {
  const heap = seeds.find(([n]) => n === "heap.pb.gz")?.[2] ?? seeds[0][2];
  return [
    { name: "one 0x0a byte", bytes: new Uint8Array([0x0a]) },
    { name: "ten 0xff bytes", bytes: new Uint8Array(10).fill(0xff) },
    { name: "heap.pb cut at 6235", bytes: heap.slice(0, 6235) },
    { name: "gzip magic only", bytes: new Uint8Array([0x1f, 0x8b]) },
    { name: "zstd magic only", bytes: new Uint8Array([0x28, 0xb5, 0x2f, 0xfd]) },
    { name: "huge length prefix", bytes: new Uint8Array([0x32, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]) },
  ];
}

type Mutator = (b: Uint8Array, rnd: () => number) => [string, Uint8Array];

const int = (rnd: () => number, n: number) => Math.floor(rnd() * n);

const mutators: Mutator[] = [
  (b, rnd) => {
    const at = int(rnd, b.length);
    return [`truncated at ${at}`, b.slice(0, at)];
  },
  (b, rnd) => {
    const out = b.slice();
    const flips = 1 + int(rnd, 8);
    for (let i = 0; i < flips; i++) out[int(rnd, out.length)] ^= 1 << int(rnd, 8);
    return [`${flips} bit flips`, out];
  },
  (b, rnd) => {
    const out = b.slice();
    const at = int(rnd, out.length), n = 1 + int(rnd, 12);
    out.fill(0xff, at, at + n);
    return [`${n} 0xff bytes at ${at}`, out];
  },
  (b, rnd) => {
    const out = b.slice();
    const n = 1 + int(rnd, 16);
    for (let i = 0; i < n; i++) out[int(rnd, out.length)] = int(rnd, 256);
    return [`${n} random bytes`, out];
  },
  (b, rnd) => {
    const at = int(rnd, b.length), n = 1 + int(rnd, 64);
    const out = new Uint8Array(b.length - Math.min(n, b.length - at));
    out.set(b.subarray(0, at));
    out.set(b.subarray(at + n), at);
    return [`${n} bytes deleted at ${at}`, out];
  },
  (b, rnd) => {
    const at = int(rnd, b.length), from = int(rnd, b.length), n = 1 + int(rnd, 256);
    const chunk = b.slice(from, from + n);
    const out = new Uint8Array(b.length + chunk.length);
    out.set(b.subarray(0, at));
    out.set(chunk, at);
    out.set(b.subarray(at), at + chunk.length);
    return [`${chunk.length} bytes from ${from} inserted at ${at}`, out];
  },
];

/**
 * `count` mutated inputs from `seed`: mutations of the raw protobuf (given raw
 * or gzipped again, so the decoder sees them behind gzip too) and of the gzip
 * stream itself, preceded by the known crashers.
 */
export function fuzzInputs(seed: number, count: number): FuzzInput[] {
  const rnd = mulberry32(seed);
  const seeds = fuzzSeeds();
  const out = knownCrashers(seeds);
  while (out.length < count) {
    const [name, gz, raw] = seeds[int(rnd, seeds.length)];
    const mode = int(rnd, 3); // 0: raw protobuf, 1: mutated protobuf gzipped, 2: mutated gzip bytes
    const [how, bytes] = mutators[int(rnd, mutators.length)](mode === 2 ? gz : raw, rnd);
    const kind = ["raw", "re-gzipped", "gzip"][mode];
    out.push({ name: `${name} ${kind}, ${how}`, bytes: mode === 1 ? new Uint8Array(gzipSync(bytes)) : bytes });
  }
  return out.slice(0, count);
}
