/**
 * Compares this checkout's decoder and merger with another checkout's, in one
 * process and interleaved, so that a busy machine slows both alike (separate
 * `deno bench` runs on a shared machine differ by more than the change):
 *
 *   git worktree add /tmp/old <commit>   (or any copy of an older tree)
 *   deno run -A bench/ab_compare.ts /tmp/old [rounds]
 *
 * Prints min and median of: decode bigcpu (raw protobuf), and decode + merge
 * of 60 one-minute CPU profiles (as in pprof_bench.ts).
 *
 * @module
 */
import { gunzipSync } from "node:zlib";
import { encodeProfile } from "../lib/profile/encode.ts";
import { generateProfile } from "./gen_profile.ts";

type Decode = (b: Uint8Array) => unknown;
type Merger = new () => { add(p: unknown, name: string): void; finish(): unknown };

const [oldRoot, roundsArg] = Deno.args;
if (!oldRoot) throw new Error("usage: deno run -A bench/ab_compare.ts OLD_CHECKOUT [rounds]");
const rounds = Number(roundsArg ?? 8);
const roots = { old: oldRoot.replace(/\/$/, ""), new: new URL("..", import.meta.url).pathname.replace(/\/$/, "") };
const impl: Record<string, { decode: Decode; Merger: Merger }> = {};
for (const [k, root] of Object.entries(roots)) {
  impl[k] = {
    decode: (await import(`${root}/lib/profile/decode.ts`)).decodeProfile,
    Merger: (await import(`${root}/lib/profile/merge.ts`)).ProfileMerger,
  };
}
const big = new Uint8Array(gunzipSync(Deno.readFileSync(new URL("../fixtures/big/bigcpu.pb.gz", import.meta.url))));
const minutes = Array.from({ length: 60 }, (_, i) =>
  encodeProfile(
    generateProfile({ samples: 6000, functions: 5000, locations: 20_000, depth: 30, seed: i + 1, programSeed: 7 }),
  ));

const times: Record<string, number[]> = {};
function time(name: string, f: () => void): void {
  const t = performance.now();
  f();
  (times[name] ??= []).push(performance.now() - t);
}
for (let r = 0; r < rounds; r++) {
  for (const k of r % 2 ? ["old", "new"] : ["new", "old"]) {
    const { decode, Merger } = impl[k];
    time(`decode bigcpu, ${k}`, () => decode(big));
    if (r < Math.ceil(rounds / 2)) {
      time(`decode+merge 60 profiles, ${k}`, () => {
        const m = new Merger();
        minutes.forEach((b, i) => m.add(decode(b), `p${i}`));
        m.finish();
      });
    }
  }
}
for (const [name, v] of Object.entries(times).sort()) {
  v.sort((a, b) => a - b);
  console.log(`${name.padEnd(32)} min ${v[0].toFixed(0)} ms, median ${v[Math.floor(v.length / 2)].toFixed(0)} ms`);
}
