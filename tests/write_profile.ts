/**
 * Writes a small CPU profile (gzipped profile.proto) from stacks of `[function, file]` frames, leaf first: for
 * analysis cases no real program shows (absolute source paths, particular names).
 */
import { ProfileBuilder } from "../lib/profile/builder.ts";
import { encodeProfileGzip } from "../lib/profile/encode.ts";

/** One sample. */
export interface StackSample {
  stack: [string, string][];
  value: number;
}

/** Writes the samples as a CPU profile (samples/count, cpu/nanoseconds; value × 10 ms each) to `path`. */
export async function writeProfile(path: string, samples: StackSample[]): Promise<void> {
  const b = new ProfileBuilder({
    sampleTypes: [{ type: "samples", unit: "count" }, { type: "cpu", unit: "nanoseconds" }],
    defaultSampleType: "",
    periodType: { type: "cpu", unit: "nanoseconds" },
    period: 10_000_000,
    timeNanos: 0n,
    durationNanos: 1e9,
    comments: [],
    dropFrames: "",
    keepFrames: "",
  });
  const fns = new Map<string, number>();
  const locs = new Map<string, number>();
  for (const s of samples) {
    const stack = s.stack.map(([name, file]) => {
      const key = `${name}\0${file}`;
      let f = fns.get(key);
      if (f === undefined) fns.set(key, f = b.addFunction(name, name, file, 1));
      let l = locs.get(key);
      if (l === undefined) locs.set(key, l = b.addLocation(-1, 0n, false, [[f, 10]]));
      return l;
    });
    b.addSample(stack, [s.value, s.value * 10_000_000], []);
  }
  await Deno.writeFile(path, encodeProfileGzip(b.finish()));
}
