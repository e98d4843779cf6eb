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
  const by = (fn: string, metric: string) => second.deviations.find((d) => d.function === fn && d.metric === metric);
  assert.equal(by("steady", "flat_pct"), undefined);
  assert.equal(by("small", "flat_pct")?.severity, "low");
  assert.equal(by("jump", "flat_pct")?.severity, "medium");
  assert.equal(by("jump", "cum_pct")?.severity, "medium");
  assert.equal(by("huge", "flat_pct")?.severity, "high");
  assert.equal(by("fresh", "flat_pct"), undefined);
  assert.equal(second.baseline_samples, 2);
  const store = JSON.parse(await Deno.readTextFile(path));
  assert.equal(store.entries.k.functions.jump.avg_flat_pct, 5);
  assert.equal(store.entries.k.functions.jump.count, 2);
  assert.equal(store.entries.k.functions.fresh.count, 1);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["b.json"]);
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
  await assert.rejects(updateBaseline(`${dir}/broken.json`, "k", "cpu", undefined, rows({})), /partial write/);
  await Deno.remove(dir, { recursive: true });
});
