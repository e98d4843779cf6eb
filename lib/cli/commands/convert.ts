/**
 * `pprof-mcp convert IN -o OUT.pb.gz`: writes a profile of any format
 * pprof-mcp reads (V8 .cpuprofile/.heapprofile, folded stacks, JFR, legacy
 * pprof) as gzipped profile.proto, for `go tool pprof` and every pprof reader.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { parseSymbolizeMode } from "../../profile/symbolize.ts";
import { type CliCommand, jsonText, requirePositionals } from "../command.ts";
import { EXIT } from "../io.ts";
import { formatFlags, formatOptionsFromFlags, SYMBOLIZE_HELP } from "../report_flags.ts";

/** The convert command. */
export const convertCommand: CliCommand = {
  name: "convert",
  summary: "Write a V8, folded-stacks, JFR or legacy profile as profile.proto (.pb.gz) for any pprof tool.",
  usage: "convert FILE -o OUT.pb.gz [--sample_type=TYPE/UNIT [--period=N]] [--json]",
  description: "FILE's format is told by its content. The output is written to a temporary file, then renamed into " +
    "place;\nan existing OUT is replaced.",
  flags: {
    output: { type: "string", short: "o", arg: "OUT", help: "Output file (required)" },
    json: { type: "boolean", help: "Print what was written as JSON" },
    symbolize: { type: "string", arg: "MODE", help: SYMBOLIZE_HELP },
    ...formatFlags,
  },
  async run(v, files, io) {
    requirePositionals(this, files, 1, "profile FILE");
    if (files.length > 1) throw new UserError("convert: one FILE at a time (use merge to combine profiles)");
    const out = v.output as string | undefined;
    if (!out) throw new UserError("convert: -o OUT is required");
    const err = (m: string) => void io.err(m + "\n");
    const symbolize = parseSymbolizeMode((v.symbolize as string | undefined) ?? "", err);
    const [{ convertProfile }, { writeFileAtomic }] = await Promise.all([
      import("../../profile/convert.ts"),
      import("../../util/atomic.ts"),
    ]);
    const c = await convertProfile(files[0], { formats: formatOptionsFromFlags(v), symbolize });
    try {
      await writeFileAtomic(out, c.bytes);
    } catch (e) {
      throw new UserError(`convert: cannot write ${out}: ${e instanceof Error ? e.message : e}`);
    }
    const types = c.profile.sampleTypes.map((t) => `${t.type}/${t.unit}`);
    if (v.json) {
      await io.out(jsonText({
        output_path: out,
        input_format: c.format,
        sample_types: types,
        samples: c.profile.sampleCount,
        bytes: c.bytes.length,
      }));
    } else {
      await io.err(
        `converted ${c.format} ${files[0]} into ${out} (${c.profile.sampleCount} samples of ${types.join(", ")}, ` +
          `${c.bytes.length} bytes)\n`,
      );
    }
    return EXIT.OK;
  },
};
