/**
 * Decode and top, on the fixtures, the large bigcpu profile, and a generated
 * profile twice its size: `deno task bench`.
 */
import { decompress, inflate } from "../lib/profile/decompress.ts";
import { decodeProfile } from "../lib/profile/decode.ts";
import { parseProfile } from "../lib/profile/load.ts";
import { encodeProfile } from "../lib/profile/encode.ts";
import { ProfileMerger } from "../lib/profile/merge.ts";
import type { Profile } from "../lib/profile/model.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { renderTop, topReport } from "../lib/report/top.ts";
import { generateProfile } from "./gen_profile.ts";

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const read = (path: string) => Deno.readFileSync(fixtures + path);

const inputs: [string, Uint8Array][] = [
  ["cpu (2.3k samples)", read("profiles/cpu.pb.gz")],
  ["heap", read("profiles/heap.pb.gz")],
  ["node_cpu", read("profiles/node_cpu.pb.gz")],
  ["bigcpu (149k samples, 6.6M frames)", read("big/bigcpu.pb.gz")],
  [
    "generated (300k samples, 13.5M frames)",
    encodeProfile(generateProfile({ samples: 300_000, functions: 20_000, locations: 100_000, depth: 45, seed: 1 })),
  ],
];

const top = (p: Profile) => renderTop(topReport(newReport(p, "top", defaultConfig())));

for (const [name, bytes] of inputs) {
  const big = bytes.length > 1_000_000;
  const opts = big ? { n: 5, warmup: 1 } : {};
  const profile = decodeProfile(decompress(bytes));
  Deno.bench({ name: `decode ${name}`, group: "decode", ...opts, fn: () => void decodeProfile(decompress(bytes)) });
  if (big) {
    // As loadProfile reads a file: streaming inflate (yielding to the event loop), then decode.
    Deno.bench({
      name: `inflate+decode ${name}`,
      group: "decode",
      ...opts,
      fn: async () => void parseProfile(await inflate(bytes)),
    });
  }
  Deno.bench({ name: `top ${name}`, group: "top", ...opts, fn: () => void top(profile) });
  Deno.bench({
    name: `decode+top ${name}`,
    group: "decode+top",
    ...opts,
    fn: () => void top(decodeProfile(decompress(bytes))),
  });
  // The same through parseProfile, which adds pprof's function-name pass (demangling, simplification).
  Deno.bench({
    name: `decode+names+top ${name}`,
    group: "decode+top",
    ...opts,
    fn: () => void top(parseProfile(bytes)),
  });
}

// Merging: 60 one-minute-sized CPU profiles of one program (6000 samples each), as `bench/merge60.sh` makes them.
const minuteProfiles = Array.from(
  { length: 60 },
  (_, i) =>
    encodeProfile(
      generateProfile({ samples: 6000, functions: 5000, locations: 20_000, depth: 30, seed: i + 1, programSeed: 7 }),
    ),
);
Deno.bench({
  name: "decode+merge 60 one-minute CPU profiles (10.8M frames)",
  group: "merge",
  n: 3,
  warmup: 1,
  fn: () => {
    const m = new ProfileMerger();
    minuteProfiles.forEach((bytes, i) => m.add(decodeProfile(bytes), `p${i}`));
    m.finish();
  },
});
// The merger alone, from decoded inputs: what adding 60 inputs costs beyond decoding them.
const minuteDecoded = minuteProfiles.map((bytes) => decodeProfile(bytes));
Deno.bench({
  name: "merge 60 decoded one-minute CPU profiles",
  group: "merge",
  n: 3,
  warmup: 1,
  fn: () => {
    const m = new ProfileMerger();
    minuteDecoded.forEach((p, i) => m.add(p, `p${i}`));
    m.finish();
  },
});
