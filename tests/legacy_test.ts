/**
 * Legacy profiles: the binary CPU format gperftools wrote (fixtures/legacy,
 * whose `go tool pprof` references the golden tests compare), in every word
 * size and byte order pprof accepts, and the legacy text formats the Go
 * runtime writes with debug=1, which are named in the error with how to
 * convert them.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { ProfileError } from "../lib/errors.ts";
import { legacyCpuProfile } from "../lib/profile/formats/legacy.ts";
import { loadProfile, parseProfile } from "../lib/profile/load.ts";

const dir = new URL("../fixtures/legacy/", import.meta.url).pathname;

/** The words of a legacy CPU profile and its maps trailer, in the given word format. */
function legacyBytes(words: bigint[], maps: string, size: 4 | 8, little: boolean): Uint8Array {
  const out = new Uint8Array(words.length * size);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => {
    if (size === 8) dv.setBigUint64(i * 8, w, little);
    else dv.setUint32(i * 4, Number(w), little);
  });
  const text = new TextEncoder().encode(maps);
  const all = new Uint8Array(out.length + text.length);
  all.set(out);
  all.set(text, out.length);
  return all;
}

Deno.test("legacy CPU: gperftools' profile reads as pprof reads it", async () => {
  const p = await loadProfile(dir + "cpuwork.prof");
  assert.deepEqual(p.sampleTypes, [{ type: "samples", unit: "count" }, { type: "cpu", unit: "nanoseconds" }]);
  assert.deepEqual(p.periodType, { type: "cpu", unit: "nanoseconds" });
  assert.equal(p.period, 10_000_000); // 100 Hz: the header's 10000 µs
  assert.ok(p.mappings[0].file.endsWith("/cpuwork"), `main binary first: ${p.mappings[0].file}`);
  assert.ok(p.mappings.some((m) => m.file.endsWith("libm.so.6")));
  assert.ok(p.locationMapping.every((m) => m >= 0), "every address has a mapping");
  // The same records in 64-bit big-endian words read the same.
  assert.deepEqual(await loadProfile(dir + "cpuwork_be64.prof"), p);
  // And gzipped, as pprof also accepts them.
  assert.deepEqual(parseProfile(gzipSync(Deno.readFileSync(dir + "cpuwork.prof"))), p);
});

Deno.test("legacy CPU: 32-bit words, PC adjustment, end marker and maps", () => {
  const maps = "08048000-08050000 r-xp 00000000 08:01 1234 /usr/bin/prog\n" +
    "08050000-08051000 rw-p 00008000 08:01 1234 /usr/bin/prog\n" +
    "b7000000-b7100000 r-xp 00000000 08:01 99 /lib/libc.so.6\n";
  const words = [
    ...[0n, 3n, 0n, 5000n, 0n], // header: 5 ms period
    ...[7n, 3n, 0x08048100n, 0x08048201n, 0xb7000301n], // 7 hits of leaf, caller, libc caller
    ...[2n, 1n, 0x09000000n], // an address no mapping holds
    ...[0n, 1n, 0n], // end marker
  ];
  for (const little of [true, false]) {
    const p = legacyCpuProfile(legacyBytes(words, maps, 4, little))!;
    assert.ok(p, `32-bit ${little ? "little" : "big"}-endian header recognised`);
    assert.equal(p.period, 5_000_000);
    assert.equal(p.sampleCount, 2);
    assert.deepEqual(Array.from(p.values), [7, 7 * 5_000_000, 2, 2 * 5_000_000]);
    // The leaf is the interrupted PC; callers' return addresses step back onto the call.
    assert.deepEqual(Array.from(p.locationAddress), [0x08048100n, 0x08048200n, 0xb7000300n, 0x09000000n]);
    // Only executable mappings; the unmapped address gets pprof's catch-all mapping.
    assert.deepEqual(p.mappings.map((m) => m.file), ["/usr/bin/prog", "/lib/libc.so.6", ""]);
    assert.deepEqual(Array.from(p.locationMapping), [0, 0, 1, 2]);
    assert.equal(p.mappings[2].limit, (1n << 64n) - 1n);
  }
});

Deno.test("legacy CPU: broken records and Java profiles are clear errors", async () => {
  const header = [0n, 3n, 0n, 10000n, 0n];
  const tooDeep = legacyBytes([...header, 1n, 1000n, 0x1000n], "", 8, true);
  assert.throws(() => legacyCpuProfile(tooDeep), /malformed legacy CPU profile: .* claims 1000 frames/);
  const java = legacyBytes([0n, 3n, 1n, 10000n, 0n, 0n, 1n, 0n], "", 8, true);
  assert.throws(() => parseProfile(java), /legacy Java CPU profile.*go tool pprof -proto/);
  // Not a legacy header at all: left to the protobuf decoder.
  assert.equal(legacyCpuProfile(legacyBytes([0n, 4n, 0n, 1n, 0n], "", 8, true)), undefined);
  const path = await Deno.makeTempFile({ suffix: ".prof" });
  try {
    await Deno.writeFile(path, tooDeep);
    await assert.rejects(loadProfile(path), (e: unknown) => {
      assert.ok(e instanceof ProfileError);
      assert.match(e.message, new RegExp(`^${path}: malformed legacy CPU profile`));
      return true;
    });
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("legacy text: the Go runtime's debug=1 profiles are named, with how to convert them", async () => {
  const expected: [string, string][] = [
    ["go_heap.txt", "heap"],
    ["go_goroutine.txt", "goroutine count"],
    ["go_threadcreate.txt", "threadcreate count"],
    ["go_mutex.txt", "mutex contention"],
    ["go_block.txt", "contention"],
  ];
  for (const [file, format] of expected) {
    await assert.rejects(loadProfile(dir + file), (e: unknown) => {
      assert.ok(e instanceof ProfileError);
      assert.equal(
        e.message,
        `${dir}${file}: this is a legacy text ${format} profile, which pprof-mcp does not read: ` +
          "convert it to profile.proto with `go tool pprof -proto FILE > FILE.pb.gz`",
      );
      return true;
    });
  }
});

Deno.test("legacy text: other legacy headers pprof knows are recognised too", () => {
  const headers: [string, string][] = [
    ["heap profile: 4: 256 [4: 256] @ growthz\n", "heap growth"],
    ["heap profile: 4: 256 [4: 256] @ fragmentationz\n", "heap fragmentation"],
    ["heap profile: 4: 256 [8: 512] @ heapprofile\n", "heap"],
    ["--- contentionz 1 ---\nformat = java\n", "Java contentionz"],
    ["--- heapz 1 ---\nformat = java\n", "Java heapz"],
    ["--- contentionz \ncycles/second = 1000\n", "contention"],
    ["\n# comment\n--- threadz 1 ---\n", "threadz"],
  ];
  for (const [text, format] of headers) {
    assert.throws(
      () => parseProfile(new TextEncoder().encode(text)),
      new RegExp(`^ProfileError: this is a legacy text ${format} profile,`),
    );
  }
  // Text that is no profile at all keeps the generic message.
  assert.throws(() => parseProfile(new TextEncoder().encode("hello, this is a README file\n")), /this is text/);
});
