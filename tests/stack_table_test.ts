/**
 * The stack table gives what pprof's call graph gives, without building it: every `-top -cum -nodecount=40` row
 * and every anchored `-peek` of fixtures/ref_culprits, byte for byte.
 */
import assert from "node:assert/strict";
import { nameTable } from "../lib/analysis/profile_facts.ts";
import { cumTopRows, peekTexts, stackTable } from "../lib/analysis/stack_table.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { newReport } from "../lib/report/report.ts";
import { FIXTURES, topRows } from "./analysis_refs.ts";

interface Entry {
  profile: string;
  view: string;
  argv: string[];
  stdout: string;
}

const manifest = JSON.parse(Deno.readTextFileSync(`${FIXTURES}ref_culprits/manifest.json`));
const entries = manifest.entries as Entry[];
const fileOf = (e: Entry) => `${FIXTURES}${e.argv[e.argv.length - 1]}`;
const sampleIndex = (e: Entry) => e.argv.find((a) => a.startsWith("-sample_index="))?.split("=")[1] ?? "";

for (const e of entries.filter((x) => x.view.startsWith("top_cum_n40"))) {
  Deno.test(`stack table: ${e.profile} -top -cum -nodecount=40 rows equal pprof's`, async () => {
    const p = await loadProfile(fileOf(e));
    const r = newReport(p, "top", { ...defaultConfig(), sampleIndex: sampleIndex(e), sort: "cum", nodeCount: 40 });
    const rows = cumTopRows(stackTable(r, nameTable(p)), 40).map((
      { row: { flat_seconds: _a, cum_seconds: _b, ...x } },
    ) => x);
    assert.deepEqual(rows, topRows(Deno.readTextFileSync(`${FIXTURES}ref_culprits/${e.stdout}`)));
  });
}

for (const e of entries.filter((x) => x.argv.includes("-peek"))) {
  Deno.test(`stack table: ${e.profile} ${e.view} equals pprof -peek`, async () => {
    const p = await loadProfile(fileOf(e));
    const pattern = e.argv[e.argv.indexOf("-peek") + 1];
    // The references peek one function by its escaped, anchored name.
    const name = pattern.slice(1, -1).replace(/\\(.)/g, "$1");
    const r = newReport(p, "peek", { ...defaultConfig(), sampleIndex: sampleIndex(e) });
    const t = stackTable(r, nameTable(p));
    const id = t.names.indexOf(name);
    assert.ok(id >= 0, name);
    assert.equal(peekTexts(t, [id]).get(id), Deno.readTextFileSync(`${FIXTURES}ref_culprits/${e.stdout}`));
  });
}

Deno.test("stack table: bigcpu's whole -top -cum table (nodes without lines, inline markers) equals pprof's", async () => {
  const p = await loadProfile(`${FIXTURES}big/bigcpu.pb.gz`);
  const r = newReport(p, "top", { ...defaultConfig(), sort: "cum", nodeCount: 0 });
  const rows = cumTopRows(stackTable(r, nameTable(p)), Infinity).map((
    { row: { flat_seconds: _a, cum_seconds: _b, ...x } },
  ) => x);
  assert.deepEqual(rows, topRows(Deno.readTextFileSync(`${FIXTURES}ref/bigcpu/top_cum/stdout.txt`)));
});

Deno.test("stack table: bigcpu's peek of the one function matching ranker.(*Scorer).bm25 equals pprof's", async () => {
  const p = await loadProfile(`${FIXTURES}big/bigcpu.pb.gz`);
  const t = stackTable(newReport(p, "peek", defaultConfig()), nameTable(p));
  const ids = t.names.flatMap((n, i) => (/ranker\.\(\*Scorer\)\.bm25/.test(n) ? [i] : []));
  assert.equal(ids.length, 1);
  assert.equal(peekTexts(t, ids).get(ids[0]), Deno.readTextFileSync(`${FIXTURES}ref/bigcpu/peek_bm25/stdout.txt`));
});
