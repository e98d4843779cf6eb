/**
 * Datadog bundles: zips of fixture profiles read as the download endpoint serves them (members gzip, zstd or raw,
 * at the top or in a folder), zip-slip names refused, truncated or corrupt zips refused with a clear message,
 * Java recordings kept, the size cap, and files written all or nothing.
 */
import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { BundleError, checkMemberName, memberType, readBundle, writeBundle } from "../lib/datadog/bundle.ts";
import { decodeMember } from "../lib/datadog/download.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { fixture, goBundle, javaBundle, zip } from "./support/datadog_double.ts";
import { FIXTURES } from "./golden.ts";

Deno.test("bundle: a Go service's members by type, gzip, zstd and raw alike, at the top or in a folder", async () => {
  for (const folder of [undefined, "2026-01-07/profile"]) {
    const members = readBundle(zip(goBundle({ folder })));
    assert.deepEqual(
      members.map((m) => [m.base, m.kind, m.type]),
      [
        ["cpu.pprof", "pprof", "cpu"],
        ["delta-block.pprof", "pprof", "block"],
        ["delta-heap.pprof", "pprof", "heap"],
        ["delta-mutex.pprof", "pprof", "mutex"],
        ["goroutines.pprof", "pprof", "goroutines"],
        ["metrics.json", "metrics", "metrics"],
      ],
    );
    // Each member decodes to the fixture it was made from, whatever its compression.
    const byBase = new Map(members.map((m) => [m.base, m]));
    for (const [base, name] of [["cpu.pprof", "cpu"], ["delta-heap.pprof", "heap"], ["delta-mutex.pprof", "mutex"]]) {
      const ours = await decodeMember(byBase.get(base)!);
      const ref = await loadProfile(`${FIXTURES}profiles/${name}.pb.gz`);
      assert.equal(ours.sampleCount, ref.sampleCount, base);
      assert.deepEqual(ours.sampleTypes, ref.sampleTypes, base);
    }
  }
  assert.equal(memberType("wall.pprof"), "unknown");
});

Deno.test("bundle: zip-slip names are refused, whatever the member", () => {
  assert.throws(() => checkMemberName("../evil.pprof"), new BundleError("invalid path in zip: ../evil.pprof"));
  assert.throws(() => checkMemberName("a/../../evil"), /invalid path in zip: a\/..\/..\/evil/);
  assert.throws(() => checkMemberName("..\\evil.pprof"), /invalid path in zip/);
  assert.throws(() => checkMemberName("/etc/cron.d/x.pprof"), /path traversal detected in zip: \/etc\/cron.d\/x.pprof/);
  assert.throws(() => checkMemberName("C:/x.pprof"), /path traversal detected in zip/);
  checkMemberName("a/./b/../cpu.pprof");
  const cpu = fixture("cpu");
  for (const name of ["../evil.pprof", "../../notes.txt", "/abs/cpu.pprof"]) {
    const z = zipSync({ "cpu.pprof": cpu, [name]: new Uint8Array([1, 2, 3]) });
    assert.throws(() => readBundle(z), /(invalid path|path traversal detected) in zip/, name);
  }
});

Deno.test("bundle: truncated, corrupt, empty or not a zip: a message that says so", () => {
  const good = zip(goBundle());
  assert.throws(
    () => readBundle(good.subarray(0, good.length >> 1)),
    /cannot read the bundle's zip: .*truncated or corrupt/,
  );
  const flipped = good.slice();
  // A byte in the middle of the first member (stored): the checksum catches it.
  flipped[200] ^= 0xff;
  assert.throws(() => readBundle(flipped), /cpu.pprof fails its checksum \(the download is corrupt\)/);
  assert.throws(() => readBundle(new Uint8Array(0)), /the bundle is empty/);
  assert.throws(() => readBundle(fixture("cpu")), /the bundle is not a zip \(it starts like gzip\)/);
  assert.throws(
    () => readBundle(zip([{ name: "notes.txt", data: new Uint8Array(3) }])),
    /no .pprof files found in bundle/,
  );
});

Deno.test("bundle: Java Flight Recordings are kept as jfr members, not decode errors", () => {
  const members = readBundle(zip(javaBundle()));
  assert.deepEqual(members.map((m) => [m.base, m.kind, m.type]), [["main.jfr", "jfr", "jfr"], [
    "metrics.json",
    "metrics",
    "metrics",
  ]]);
});

Deno.test("bundle: the declared size of the members read is capped like any decompressed input", () => {
  const z = zip(goBundle());
  assert.throws(() => readBundle(z, 10_000), /the bundle decompresses to more than 9.77 KiB, the cap on decompressed/);
  assert.equal(readBundle(z, 1 << 20).length, 6);
});

Deno.test("bundle: files are <service>_<env>_<member>, written all at once; a failure or cancel leaves none", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const members = readBundle(zip(goBundle({ folder: "x" })));
    const w = await writeBundle(members, `${dir}/out`, "check/out", "prod", undefined);
    assert.deepEqual(
      [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort(),
      [
        "check_out_prod_cpu.pprof",
        "check_out_prod_delta-block.pprof",
        "check_out_prod_delta-heap.pprof",
        "check_out_prod_delta-mutex.pprof",
        "check_out_prod_goroutines.pprof",
        "check_out_prod_metrics.json",
      ],
    );
    assert.deepEqual(w.files.map((f) => [f.type, f.compression]), [
      ["cpu", "gzip"],
      ["block", "gzip"],
      ["heap", "zstd"],
      ["mutex", "none"],
      ["goroutines", "zstd"],
    ]);
    assert.equal(w.metrics_path, `${dir}/out/check_out_prod_metrics.json`);
    assert.deepEqual(Deno.readFileSync(w.files[0].path), fixture("cpu"));
    const c = new AbortController();
    c.abort();
    await assert.rejects(writeBundle(members, `${dir}/canceled`, "s", "e", c.signal));
    assert.deepEqual([...Deno.readDirSync(`${dir}/canceled`)], []);
    // A member that cannot be written (its name is taken by a folder): nothing of the bundle is written.
    await Deno.mkdir(`${dir}/clash/s_e_.tmp`, { recursive: true });
    await Deno.mkdir(`${dir}/clash/s_e_metrics.json`);
    await assert.rejects(writeBundle(members, `${dir}/clash`, "s", "e", undefined));
    assert.deepEqual([...Deno.readDirSync(`${dir}/clash`)].map((e) => e.name).sort(), ["s_e_.tmp", "s_e_metrics.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
