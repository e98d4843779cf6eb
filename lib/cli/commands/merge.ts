/**
 * `pprof-mcp merge -o OUT.pb.gz FILE…`: merges profiles into one gzipped
 * profile.proto that `go tool pprof` and every pprof reader accept.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { parseSymbolizeMode } from "../../profile/symbolize.ts";
import { type CliCommand, jsonText, requirePositionals } from "../command.ts";
import { EXIT } from "../io.ts";
import { formatFlags, formatOptionsFromFlags, SYMBOLIZE_HELP } from "../report_flags.ts";

/** The merge command. */
export const mergeCommand: CliCommand = {
  name: "merge",
  summary: "Merge profiles of the same type into one .pb.gz (like `go tool pprof -proto`).",
  usage: "merge -o OUT.pb.gz FILE... [--json]",
  description: "Identical stacks are summed; the output is written to a temporary file, then renamed into place.",
  flags: {
    output: { type: "string", short: "o", arg: "OUT", help: "Output file (required)" },
    json: { type: "boolean", help: "Print what was written as JSON" },
    symbolize: { type: "string", arg: "MODE", help: SYMBOLIZE_HELP },
    ...formatFlags,
  },
  async run(v, files, io) {
    requirePositionals(this, files, 1, "profile FILE");
    const out = v.output as string | undefined;
    if (!out) throw new UserError("merge: -o OUT is required");
    const err = (m: string) => void io.err(m + "\n");
    const symbolize = parseSymbolizeMode((v.symbolize as string | undefined) ?? "", err);
    const [{ mergeFiles }, { encodeProfileGzip }, { writeFileAtomic }] = await Promise.all([
      import("../../profile/sources.ts"),
      import("../../profile/encode.ts"),
      import("../../util/atomic.ts"),
    ]);
    const merged = await mergeFiles(files, { progress: err, symbolize, formats: formatOptionsFromFlags(v) });
    const bytes = encodeProfileGzip(merged);
    try {
      await writeFileAtomic(out, bytes);
    } catch (e) {
      throw new UserError(`merge: cannot write ${out}: ${e instanceof Error ? e.message : e}`);
    }
    const summary = { output_path: out, input_count: files.length, samples: merged.sampleCount, bytes: bytes.length };
    if (v.json) await io.out(jsonText(summary));
    else {await io.err(
        `merged ${files.length} profiles into ${out} (${merged.sampleCount} samples, ${bytes.length} bytes)\n`,
      );}
    return EXIT.OK;
  },
};
