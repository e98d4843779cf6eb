/**
 * Other profilers' files against `go tool pprof`: pprof cannot read them, so
 * the references in fixtures/ref_formats are what pprof prints for them as
 * `pprof-mcp convert` wrote them (fixtures/formats/converted/, made by
 * formats/mkconverted.sh). `tests/golden_test.ts` checks our reports of the
 * converted files; here every reference is checked on the original file
 * (with the spec's `original_flags`), and the converted files are checked to
 * be what convert writes today.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli.ts";
import { memoryIO } from "../lib/cli/io.ts";
import { convertProfile } from "../lib/profile/convert.ts";
import { parseSampleType } from "../lib/profile/formats/folded.ts";
import type { FormatOptions } from "../lib/profile/load.ts";
import { loadProfile } from "../lib/profile/load.ts";
import { cliArgs, diffOutputs, FIXTURES, isPprofOnlyNote, refEntries, refFile } from "./golden.ts";

interface SpecProfile {
  name: string;
  file: string;
  original: string;
  original_flags: string[];
}

const spec: { profiles: SpecProfile[] } = JSON.parse(Deno.readTextFileSync(FIXTURES + "ref_formats_spec.json"));
const byName = new Map(spec.profiles.map((p) => [p.name, p]));

for (
  const e of refEntries(["-top", "-peek", "-tree", "-traces", "-tags", "-raw"]).filter((e) => e.set === "ref_formats")
) {
  const p = byName.get(e.profile)!;
  Deno.test(`formats ref ${e.argv[3].slice(1)} ${p.original} (${e.view})`, async () => {
    const converted = FIXTURES + p.file;
    const args = cliArgs(e);
    const at = args.indexOf(converted);
    assert.ok(at > 0, `${converted} in ${args}`);
    args.splice(at, 1, ...p.original_flags, FIXTURES + p.original);
    const io = memoryIO();
    const code = await runCli(args, io);
    assert.equal(code, 0, io.stderr);
    const diff = diffOutputs(io.stdout, refFile(e, e.stdout));
    assert.ok(diff === undefined, `${args.join(" ")}: ${diff}`);
    const refErr = e.stderr ? refFile(e, e.stderr).split("\n").filter((l) => l !== "" && !isPprofOnlyNote(l)) : [];
    assert.deepEqual(io.stderr.split("\n").filter((l) => l !== ""), refErr);
  });
}

/** The format options of `--sample_type=… --period=…` flags. */
function formatsOf(flags: string[]): FormatOptions {
  const v = Object.fromEntries(flags.map((f) => f.replace(/^--/, "").split("=")));
  if (!v.sample_type) return {};
  return { folded: { sampleType: parseSampleType(v.sample_type), ...(v.period ? { period: Number(v.period) } : {}) } };
}

for (const p of spec.profiles) {
  Deno.test(`formats ref: ${p.file} is what convert writes for ${p.original}`, async () => {
    const now = await convertProfile(FIXTURES + p.original, { formats: formatsOf(p.original_flags) });
    const path = await Deno.makeTempFile({ suffix: ".pb.gz" });
    try {
      await Deno.writeFile(path, now.bytes);
      assert.deepEqual(await loadProfile(path), await loadProfile(FIXTURES + p.file));
    } finally {
      await Deno.remove(path);
    }
  });
}
