/**
 * The streamed `-raw` text (rawChunks, what the CLI writes) is the text of the
 * whole report, over several chunks, and matches go tool pprof's.
 */
import assert from "node:assert/strict";
import { loadProfile } from "../lib/profile/load.ts";
import { defaultConfig } from "../lib/report/config.ts";
import { rawChunks, rawReport, renderRaw } from "../lib/report/raw.ts";
import { newReport } from "../lib/report/report.ts";
import { FIXTURES } from "./golden.ts";

Deno.test("raw: the streamed chunks are the whole report, each ending with a newline", async () => {
  // cpu.pb.gz: 2.3k samples and 1k locations, so the chunks split both sections.
  const r = newReport(await loadProfile(FIXTURES + "profiles/cpu.pb.gz"), "raw", defaultConfig());
  const chunks = [...rawChunks(r)];
  assert.ok(chunks.length > 3, `${chunks.length} chunks`);
  for (const c of chunks) assert.ok(c.endsWith("\n"));
  assert.equal(chunks.join(""), renderRaw(rawReport(r)));
});
