/**
 * The decoder and encoder on real profiles: cross-checked against protobufjs's
 * own schema-driven decoding, round-tripped, and fed broken input.
 */
import assert from "node:assert/strict";
import { gunzipSync, gzipSync, zstdCompressSync } from "node:zlib";
import { ProfileError } from "../lib/errors.ts";
import { decodeProfile } from "../lib/profile/decode.ts";
import { detectCompression } from "../lib/profile/decompress.ts";
import { encodeProfile } from "../lib/profile/encode.ts";
import { loadProfile, parseProfile } from "../lib/profile/load.ts";
import type { Profile } from "../lib/profile/model.ts";
import { messageType } from "../lib/profile/schema.ts";

const dir = new URL("../fixtures/profiles/", import.meta.url).pathname;
const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".pb.gz")).sort();

// deno-lint-ignore no-explicit-any
type Obj = any;

/** The profile as protobufjs decodes it through the schema, with plain numbers. */
function reference(raw: Uint8Array): Obj {
  const T = messageType("Profile");
  return T.toObject(T.decode(raw), { longs: String, defaults: true, arrays: true });
}

/** Checks every field of our columnar decode against protobufjs's decode. */
function assertSameAsReference(p: Profile, ref: Obj, name: string): void {
  const str = ref.string_table as string[];
  assert.deepEqual(p.strings, str, `${name}: string table`);
  assert.deepEqual(p.sampleTypes, ref.sample_type.map((t: Obj) => ({ type: str[+t.type], unit: str[+t.unit] })));
  assert.equal(p.sampleCount, ref.sample.length);
  const locIndex = new Map<number, number>();
  ref.location.forEach((l: Obj, i: number) => locIndex.set(+l.id, i));
  ref.sample.forEach((s: Obj, i: number) => {
    const stack = Array.from(p.stackLocs.subarray(p.stackStart[i], p.stackStart[i + 1]));
    assert.deepEqual(stack, s.location_id.map((id: string) => locIndex.get(+id)), `${name}: sample ${i} stack`);
    const vals = Array.from(p.values.subarray(i * s.value.length, (i + 1) * s.value.length));
    assert.deepEqual(vals, s.value.map(Number), `${name}: sample ${i} values`);
    const labels = [];
    for (let j = p.labelStart[i]; j < p.labelStart[i + 1]; j++) {
      labels.push([p.labelKey[j], p.labelStr[j], p.labelNum[j], p.labelUnit[j]]);
    }
    assert.deepEqual(labels, s.label.map((l: Obj) => [+l.key, +l.str, +l.num, +l.num_unit]), `${name}: labels`);
  });
  assert.equal(p.locationCount, ref.location.length);
  const fnIndex = new Map<number, number>();
  ref.function.forEach((f: Obj, i: number) => fnIndex.set(+f.id, i));
  ref.location.forEach((l: Obj, i: number) => {
    assert.equal(p.locationId[i], +l.id);
    assert.equal(p.locationAddress[i], BigInt(l.address));
    const lines = [];
    for (let k = p.lineStart[i]; k < p.lineStart[i + 1]; k++) lines.push([p.lineFunction[k], p.lineNumber[k]]);
    assert.deepEqual(lines, l.line.map((ln: Obj) => [fnIndex.get(+ln.function_id), +ln.line]));
  });
  ref.function.forEach((f: Obj, i: number) => {
    assert.deepEqual(
      [p.functionId[i], p.functionName[i], p.functionSystemName[i], p.functionFilename[i], p.functionStartLine[i]],
      [+f.id, +f.name, +f.system_name, +f.filename, +f.start_line],
    );
  });
  assert.deepEqual(
    p.mappings.map((m) => [m.id, m.start, m.limit, m.file, m.hasFunctions]),
    ref.mapping.map((m: Obj) => [
      +m.id,
      BigInt(m.memory_start),
      BigInt(m.memory_limit),
      str[+m.filename],
      m.has_functions,
    ]),
  );
  assert.equal(p.timeNanos, BigInt(ref.time_nanos));
  assert.equal(p.durationNanos, +ref.duration_nanos);
  assert.equal(p.period, +ref.period);
  assert.equal(p.defaultSampleType, str[+ref.default_sample_type]);
}

for (const name of names) {
  Deno.test(`decode ${name} matches protobufjs's schema decoding`, () => {
    const raw = gunzipSync(Deno.readFileSync(dir + name));
    assertSameAsReference(decodeProfile(raw), reference(raw), name);
  });

  Deno.test(`encode ${name} round-trips`, () => {
    const p = decodeProfile(gunzipSync(Deno.readFileSync(dir + name)));
    const again = encodeProfile(p);
    assertSameAsReference(decodeProfile(again), reference(again), name);
    assert.deepEqual(decodeProfile(again), p);
  });
}

Deno.test("gzip, zstd and raw profiles decode the same", () => {
  const gz = Deno.readFileSync(dir + "cpu.pb.gz");
  const raw = gunzipSync(gz);
  const zst = zstdCompressSync(raw);
  assert.equal(detectCompression(gz), "gzip");
  assert.equal(detectCompression(zst), "zstd");
  assert.equal(detectCompression(raw), "none");
  const a = parseProfile(gz);
  assert.deepEqual(parseProfile(new Uint8Array(zst)), a);
  assert.deepEqual(parseProfile(new Uint8Array(raw)), a);
});

async function loadError(bytes: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".pprof" });
  try {
    await Deno.writeFile(path, bytes);
    await loadProfile(path);
  } catch (e) {
    assert.ok(e instanceof ProfileError, `expected a ProfileError, got ${e}`);
    assert.ok(e.message.startsWith(path + ": "), `message names the file: ${e.message}`);
    return e.message.slice(path.length + 2);
  } finally {
    await Deno.remove(path);
  }
  throw new Error("no error");
}

Deno.test("bad input: clear errors naming the file", async () => {
  const raw = gunzipSync(Deno.readFileSync(dir + "cpu.pb.gz"));
  assert.match(await loadError(new Uint8Array()), /empty file/);
  assert.match(
    await loadError(new TextEncoder().encode("heap profile: 1: 2 [3: 4] @ heap/1048576\n")),
    /legacy text heap profile, .*go tool pprof -proto/,
  );
  assert.match(await loadError(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])), /not a pprof profile|truncated/);
  assert.match(await loadError(raw.subarray(0, raw.length - 7)), /truncated|malformed/);
  const gz = gzipSync(raw);
  assert.match(await loadError(gz.subarray(0, gz.length / 2)), /gzip.*truncated/);
  const zst = zstdCompressSync(raw);
  assert.match(await loadError(zst.subarray(0, zst.length / 2)), /zstd/);
});

Deno.test("bad input: dangling references are errors", async () => {
  // Broken profiles are written through the schema with protobufjs itself.
  const T = messageType("Profile");
  const raw = gunzipSync(Deno.readFileSync(dir + "mutex.pb.gz"));
  const broken = async (edit: (o: Obj) => void) => {
    const o = T.toObject(T.decode(raw), { longs: Number, arrays: true });
    edit(o);
    return await loadError(T.encode(T.fromObject(o)).finish());
  };
  assert.match(await broken((o) => o.sample[1].location_id[0] = 999), /sample 1 refers to unknown location id 999/);
  assert.match(await broken((o) => o.location[0].line[0].function_id = 777), /refers to unknown function id 777/);
  assert.match(await broken((o) => o.function[0].name = 100000), /refers to string 100000/);
  assert.match(await broken((o) => o.location[0].mapping_id = 55), /unknown mapping id 55/);
  assert.match(
    await broken((o) => o.sample[0].value.pop()),
    /sample 0 has 1 values but the profile has 2 sample types/,
  );
  assert.match(await broken((o) => o.string_table[0] = "x"), /string_table\[0\] must be the empty string/);
  assert.match(await broken((o) => o.location[1].id = o.location[0].id), /multiple locations with id/);
});

Deno.test("missing file and directory errors", async () => {
  await assert.rejects(loadProfile("/nonexistent/x.pb.gz"), (e: unknown) => {
    assert.ok(e instanceof ProfileError);
    assert.equal(e.code, "NOT_FOUND");
    assert.match(e.message, /\/nonexistent\/x\.pb\.gz: no such file/);
    return true;
  });
  await assert.rejects(loadProfile(dir), /is a directory/);
});

Deno.test("packed location ids of every varint length decode, at any place in the run", () => {
  // mutex.pb.gz (a real profile) with its locations renumbered to ids of 1 to 6 varint bytes, so that each length
  // appears at the start, in the middle and at the end of a sample's packed run (where the fast reader hands over).
  const T = messageType("Profile");
  const o = T.toObject(T.decode(gunzipSync(Deno.readFileSync(dir + "mutex.pb.gz"))), { longs: Number, arrays: true });
  const ids = [1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 32 + 5, 2 ** 35 + 1];
  const renumber = new Map<number, number>();
  o.location.forEach((l: Obj, i: number) => {
    renumber.set(l.id, ids[i % ids.length] + Math.floor(i / ids.length) * 2);
    l.id = renumber.get(l.id);
  });
  for (const s of o.sample) s.location_id = s.location_id.map((id: number) => renumber.get(id));
  // One more sample through every id, in both orders.
  const all = o.location.map((l: Obj) => l.id);
  o.sample.push({ ...o.sample[0], location_id: all }, { ...o.sample[0], location_id: [...all].reverse() });
  const raw = T.encode(T.fromObject(o)).finish();
  assertSameAsReference(decodeProfile(raw), reference(raw), "renumbered mutex");
});
