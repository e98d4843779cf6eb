/**
 * The rolling baseline of pprof.top: key format, deviation thresholds,
 * running averages, atomic saves.
 */
import assert from "node:assert/strict";
import { baselineKey, saveBaselines, updateBaseline } from "../lib/tools/pprof/baseline.ts";

const rows = (o: Record<string, [number, number]>) =>
  new Map(Object.entries(o).map(([k, [flat, cum]]) => [k, { flat, cum }]));

Deno.test("baseline: key from baseline_key, service:env or default", () => {
  assert.equal(baselineKey({ kind: "cpu" }), "default|cpu|default");
  assert.equal(baselineKey({ service: "checkout", env: "prod", kind: "cpu" }), "checkout:prod|cpu|default");
  assert.equal(
    baselineKey({ service: "checkout", kind: "heap", sampleIndex: "alloc_space" }),
    "checkout:|heap|alloc_space",
  );
  assert.equal(baselineKey({ baselineKey: " mine ", service: "s", kind: "cpu" }), "mine|cpu|default");
});

Deno.test("baseline: thresholds (2 points or 30%), severities (5 and 10), running averages", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/b.json`;
  const first = await updateBaseline(
    path,
    "k",
    "cpu",
    undefined,
    rows({
      steady: [10, 20],
      small: [1, 1],
      jump: [2, 5],
      huge: [1, 2],
    }),
  );
  assert.deepEqual(first.deviations, []);
  assert.deepEqual(first.warnings, ["baseline initialized from current profile"]);
  const second = await updateBaseline(
    path,
    "k",
    "cpu",
    undefined,
    rows({
      steady: [11, 21], // +1 point, +10%: within noise
      small: [1.4, 1], // +0.4 point but +40%: reported, low
      jump: [8, 11], // +6 points: medium
      huge: [13, 2], // +12 points: high
      fresh: [50, 50], // no baseline yet: not compared
    }),
  );
  // Worked out by hand from the rows above: the previous average is the baseline, largest change first.
  assert.deepEqual(second.deviations, [
    { function: "huge", metric: "flat_pct", current: 13, baseline: 1, delta: 12, severity: "high" },
    { function: "jump", metric: "flat_pct", current: 8, baseline: 2, delta: 6, severity: "medium" },
    { function: "jump", metric: "cum_pct", current: 11, baseline: 5, delta: 6, severity: "medium" },
    { function: "small", metric: "flat_pct", current: 1.4, baseline: 1, delta: 0.4, severity: "low" },
  ]);
  assert.equal(second.baseline_samples, 2);
  const store = JSON.parse(await Deno.readTextFile(path));
  assert.equal(store.entries.k.functions.jump.avg_flat_pct, 5);
  assert.equal(store.entries.k.functions.jump.count, 2);
  assert.equal(store.entries.k.functions.fresh.count, 1);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["b.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("baseline: the thresholds are inclusive: 2 points, 30 %, severities at 5 and 10 points", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/b.json`;
  const start = {
    two: [10, 0], // +2 points (20 %): reported
    under: [10, 0], // +1.99 points (19.9 %): not
    rel: [5, 0], // +1.5 points, exactly 30 %: reported
    five: [10, 0], // +5: medium
    ten: [20, 0], // +10: high
    down: [12, 0], // -2: reported too
    zero: [0, 0], // from 0 by 1.5 points: no ratio, under 2 points: not
  } as Record<string, [number, number]>;
  await updateBaseline(path, "k", "cpu", undefined, rows(start));
  const r = await updateBaseline(
    path,
    "k",
    "cpu",
    undefined,
    rows({
      two: [12, 0],
      under: [11.99, 0],
      rel: [6.5, 0],
      five: [15, 0],
      ten: [30, 0],
      down: [10, 0],
      zero: [1.5, 0],
    }),
  );
  assert.deepEqual(r.deviations.map((d) => [d.function, d.delta, d.severity]), [
    ["ten", 10, "high"],
    ["five", 5, "medium"],
    ["down", -2, "low"],
    ["two", 2, "low"],
    ["rel", 1.5, "low"],
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("baseline: atomic save leaves no temporary file; a broken file is a clear error", async () => {
  const dir = await Deno.makeTempDir();
  await saveBaselines(`${dir}/baselines.json`, {
    updated_at: "2026-01-07T10:00:00Z",
    entries: {
      "service:env|cpu|default": {
        key: "service:env|cpu|default",
        profile_kind: "cpu",
        sample_index: "default",
        updated_at: "2026-01-07T10:00:00Z",
        samples: 1,
        functions: { "main.main": { avg_flat_pct: 10, avg_cum_pct: 12, count: 1 } },
      },
    },
  });
  assert.ok(JSON.parse(await Deno.readTextFile(`${dir}/baselines.json`)).entries["service:env|cpu|default"]);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["baselines.json"]);
  await Deno.writeTextFile(`${dir}/broken.json`, "{ not json");
  await assert.rejects(updateBaseline(`${dir}/broken.json`, "k", "cpu", undefined, rows({})), (e: Error) => {
    assert.equal((e as Error & { code?: string }).code, "INTERNAL");
    const want = `baselines file ${dir}/broken.json is not valid JSON (`;
    assert.ok(e.message.startsWith(want), e.message);
    assert.ok(e.message.endsWith("); it may hold a partial write, move it away to start over"), e.message);
    return true;
  });
  // The broken file is left as it was.
  assert.equal(await Deno.readTextFile(`${dir}/broken.json`), "{ not json");
  await Deno.remove(dir, { recursive: true });
});
