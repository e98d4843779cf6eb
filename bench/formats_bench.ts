/**
 * Decoding other profilers' files (fixtures/formats/): each fixture, and a
 * JFR recording of 16 chunks (4.8 MB) for the reader's throughput on a
 * recording the size of a long JVM profile upload: `deno task bench`.
 */
import { parseProfile } from "../lib/profile/load.ts";

const dir = new URL("../fixtures/formats/", import.meta.url).pathname;
const read = (name: string) => Deno.readFileSync(dir + name);

function repeated(b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(b.length * n);
  for (let i = 0; i < n; i++) out.set(b, i * b.length);
  return out;
}

const inputs: [string, Uint8Array][] = [
  ["V8 CPU profile (2.6k ticks)", read("node.cpuprofile")],
  ["V8 heap profile", read("node.heapprofile")],
  ["folded stacks (perf)", read("perf.folded")],
  ["JFR (300 KB, 1 chunk)", read("java.jfr")],
  ["JFR (4.8 MB, 16 chunks)", repeated(read("java.jfr"), 16)],
];

for (const [name, bytes] of inputs) {
  const big = bytes.length > 1_000_000;
  Deno.bench({
    name: `decode ${name}`,
    group: "formats",
    ...(big ? { n: 5, warmup: 1 } : {}),
    fn: () => void parseProfile(bytes),
  });
}
