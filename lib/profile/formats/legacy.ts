/**
 * Legacy profile formats, from before profile.proto: the binary CPU profile
 * that gperftools' libprofiler and old Go runtimes write (read here into a
 * {@link Profile} of addresses and mappings, as pprof reads it), and the
 * legacy text formats (heap, growth, contention, goroutine counts, threadz,
 * Java heapz/contentionz), which are recognised so the error can name them.
 *
 * The binary CPU format is a sequence of machine words (32- or 64-bit, either
 * byte order): a header `0, 3, 0, period (µs), 0`, then records
 * `count, depth, pc_1 … pc_depth`, an end marker `0, 1, 0`, and the text of
 * `/proc/self/maps` as the profiler saw it.
 *
 * @module
 */
import { ProfileError } from "../../errors.ts";
import { ProfileBuilder } from "../builder.ts";
import type { Mapping, Profile } from "../model.ts";

const U64_MAX = (1n << 64n) - 1n;

/** Reads one word at a byte offset; `undefined` past the end. */
type WordReader = (b: Uint8Array, at: number) => bigint | undefined;

const word = (size: 4 | 8, little: boolean): WordReader => (b, at) => {
  if (at + size > b.length) return undefined;
  let v = 0n;
  for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(b[at + (little ? size - 1 - i : i)]);
  return v;
};

// In pprof's order: 32-bit little-endian, 32-bit big-endian, then 64-bit.
const wordFormats: [WordReader, number][] = [
  [word(4, true), 4],
  [word(4, false), 4],
  [word(8, true), 8],
  [word(8, false), 8],
];

/** The frames gperftools' signal handler adds, which pprof drops when symbolized. */
const CPU_PROFILER_FRAMES =
  "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";

/**
 * Reads a legacy binary CPU profile, or returns `undefined` when `b` does not
 * start with its header.
 *
 * @throws {ProfileError} when the header is there but the records are broken.
 */
export function legacyCpuProfile(b: Uint8Array): Profile | undefined {
  if (b.length < 20 || b[0] !== 0 || b[1] !== 0 || b[2] !== 0 || b[3] !== 0) return undefined;
  for (const [read, size] of wordFormats) {
    const h = [0, 1, 2, 3, 4].map((i) => read(b, i * size));
    if (h[4] === undefined || h[0] !== 0n || h[1] !== 3n || h[3]! <= 0n || h[4] !== 0n) continue;
    if (h[2] === 1n) {
      throw new ProfileError(
        "this is a legacy Java CPU profile, which pprof-mcp does not read: convert it to profile.proto " +
          "with `go tool pprof -proto FILE > FILE.pb.gz`",
      );
    }
    if (h[2] === 0n) return cpuProfile(b, 5 * size, Number(h[3]), read, size);
  }
  return undefined;
}

interface Sample {
  count: number;
  /** Addresses, leaf first. */
  stack: bigint[];
}

function cpuProfile(b: Uint8Array, start: number, periodMicros: number, read: WordReader, size: number): Profile {
  const period = periodMicros * 1000;
  const { samples, end } = cpuSamples(b, start, read, size);
  dropSignalFrames(samples);
  const mappings = parseMemoryMap(new TextDecoder().decode(b.subarray(end)));
  return buildProfile(samples, mappings, period);
}

/** Reads the count/depth/PCs records up to the end marker; returns where the memory map starts. */
function cpuSamples(b: Uint8Array, pos: number, read: WordReader, size: number): { samples: Sample[]; end: number } {
  const samples: Sample[] = [];
  while (pos < b.length) {
    const count = read(b, pos);
    const depth = read(b, pos + size);
    pos += 2 * size;
    // pprof bounds the depth by the bytes left over 4, whatever the word size.
    if (count === undefined || depth === undefined || depth > BigInt(Math.floor((b.length - pos) / 4))) {
      throw new ProfileError(
        `malformed legacy CPU profile: the record at byte ${pos - 2 * size} ` +
          (depth === undefined ? "is cut off" : `claims ${depth} frames, more than the file holds`),
      );
    }
    const stack: bigint[] = [];
    for (let i = 0; i < Number(depth); i++) {
      const pc = read(b, pos) ?? 0n;
      pos = Math.min(pos + size, b.length);
      stack.push(pc);
    }
    if (count === 0n && stack.length === 1 && stack[0] === 0n) break; // the end marker
    // Return addresses point after the call: step back onto it, except for the leaf (the interrupted PC).
    for (let i = 1; i < stack.length; i++) stack[i] = (stack[i] - 1n) & U64_MAX;
    samples.push({ count: Number(BigInt.asIntN(64, count)), stack });
  }
  return { samples, end: pos };
}

/**
 * When nearly every sample has the same second frame, it is the frame the
 * signal handler pushed, not the program's: pprof removes it (twice at most),
 * allowing one sample in 32 to differ.
 */
function dropSignalFrames(samples: Sample[]): void {
  const margin = Math.floor(samples.length / 32);
  for (let iter = 0; iter < 2; iter++) {
    const counts = new Map<bigint, number>();
    for (const s of samples) if (s.stack.length > 1) counts.set(s.stack[1], (counts.get(s.stack[1]) ?? 0) + 1);
    for (const [pc, n] of counts) {
      if (n < samples.length - margin) continue;
      for (const s of samples) if (s.stack.length > 1 && s.stack[1] === pc) s.stack.splice(1, 1);
      break;
    }
  }
}

type LegacyMapping = Omit<Mapping, "id">;

/** Builds the profile as pprof's legacy parser leaves it: location and mapping order included. */
function buildProfile(samples: Sample[], maps: LegacyMapping[], period: number): Profile {
  const b = new ProfileBuilder({
    sampleTypes: [{ type: "samples", unit: "count" }, { type: "cpu", unit: "nanoseconds" }],
    defaultSampleType: "",
    periodType: { type: "cpu", unit: "nanoseconds" },
    period,
    timeNanos: 0n,
    durationNanos: 0,
    comments: [],
    dropFrames: CPU_PROFILER_FRAMES,
    keepFrames: "",
  });
  // Locations are numbered in the order samples first use them.
  const locByPc = new Map<bigint, number>();
  const locPcs: bigint[] = [];
  const stacks = samples.map((s) =>
    s.stack.map((pc) => {
      let l = locByPc.get(pc);
      if (l === undefined) {
        locByPc.set(pc, l = locPcs.length);
        locPcs.push(pc);
      }
      return l;
    })
  );
  const locMapping = assignMappings(locPcs, maps);
  for (const m of maps) b.addMapping(m);
  for (let l = 0; l < locPcs.length; l++) b.addLocation(locMapping[l], locPcs[l], false, []);
  // The leaf may appear twice, from the signal context and unadjusted from the unwinder: keep one.
  samples.forEach((s, i) => {
    const st = stacks[i];
    if (st.length > 1 && s.stack[0] === ((s.stack[1] + 1n) & U64_MAX)) st.splice(1, 1);
    b.addSample(st, [s.count, s.count * period], []);
  });
  return b.finish();
}

/**
 * Tidies the mappings and gives each address the mapping that holds it, as
 * pprof's remapMappingIDs does (including its repairs of split or
 * misreported main-binary mappings, and a catch-all mapping for the rest).
 * Returns each location's mapping index (-1 for address 0); may edit `maps`.
 */
function assignMappings(pcs: bigint[], maps: LegacyMapping[]): number[] {
  if (maps.length > 1 && maps[0].file.startsWith("/anon_hugepage") && maps[0].limit === maps[1].start) maps.shift();
  if (maps.length > 0 && ((maps[0].start - maps[0].offset) & U64_MAX) === 0x400000n) {
    maps[0].start = 0x400000n;
    maps[0].offset = 0n;
  }
  let fake = -1;
  return pcs.map((a) => {
    if (a === 0n) return -1;
    const i = maps.findIndex((m) => m.start <= a && a < m.limit);
    if (i >= 0) return i;
    const j = maps.findIndex((m) => m.offset !== 0n && ((m.start - m.offset) & U64_MAX) <= a && a < m.start);
    if (j >= 0) {
      maps[j].start = (maps[j].start - maps[j].offset) & U64_MAX;
      maps[j].offset = 0n;
      return j;
    }
    if (fake < 0) fake = maps.push(newMapping(0n, U64_MAX, 0n, "", "")) - 1;
    return fake;
  });
}

function newMapping(start: bigint, limit: bigint, offset: bigint, file: string, buildId: string): LegacyMapping {
  return {
    start,
    limit,
    offset,
    file,
    buildId,
    hasFunctions: false,
    hasFilenames: false,
    hasLineNumbers: false,
    hasInlineFrames: false,
  };
}

// RE2's \s and \S (ASCII only), for the patterns below that follow pprof's.
const S = "[\\t\\n\\f\\r ]";
const NS = "[^\\t\\n\\f\\r ]";
const HEX = "[0-9A-Fa-f]";
const hexRange = `${S}*(?:0x)?(${HEX}+)(?:${S}|-)?${S}*(?:0x)?(${HEX}+):?`;
const perm = `(?:${S}+([-rwxp]+))?`;
// `start-end perms offset dev inode file`, as in /proc/self/maps.
const procMapsRe = new RegExp(
  `^${hexRange}${perm}(?:${S}+(${HEX}+))?${S}+${HEX}+:${HEX}+${S}+[0-9]+(?:${S}+(${NS}+))?`,
);
// `start-end [perms] [file] [(@offset)] [build id]`, the brief form some tools write.
const briefMapsRe = new RegExp(`^${hexRange}${perm}(?:${S}+(${NS}+))?(?:${S}+\\(@(${HEX}+)\\))?(?:${S}+(${HEX}+))?`);
// A glog prefix such as `I0102 12:00:00.000 123 file.cc:45] `.
const logPrefixRe = /^[^[\]]+:[0-9]+\][\t\n\f\r ]/;
const libRe = /([.]so$|[.]so[._][0-9]+)/;

function hex64(s: string): bigint | undefined {
  if (s.length > 16) return undefined;
  return BigInt("0x" + s);
}

/** One line of a memory map: a mapping, `null` for a non-executable one, `undefined` when not a mapping line. */
function mappingEntry(line: string): LegacyMapping | null | undefined {
  let start: string, end: string, permissions: string | undefined, offset: string | undefined;
  let file: string | undefined, buildId: string | undefined;
  let m = procMapsRe.exec(line);
  if (m) [, start, end, permissions, offset, file] = m;
  else if ((m = briefMapsRe.exec(line))) [, start, end, permissions, file, offset, buildId] = m;
  else return undefined;
  if (permissions && !permissions.includes("x")) return null;
  const s = hex64(start), e = hex64(end), o = offset ? hex64(offset) : 0n;
  if (s === undefined || e === undefined || o === undefined) return undefined;
  return newMapping(s, e, o, file ?? "", buildId ?? "");
}

/**
 * Parses the memory map text that ends a legacy profile (`/proc/self/maps`
 * lines or the brief form; `name=value` lines define `$name` for later lines),
 * then merges split mappings and moves the main binary first, as pprof does.
 */
export function parseMemoryMap(text: string): LegacyMapping[] {
  const maps: LegacyMapping[] = [];
  const vars: [string, string][] = [];
  for (let line of text.split("\n")) {
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const prefix = logPrefixRe.exec(line);
    if (prefix) line = line.slice(prefix[0].length);
    line = substitute(line, vars);
    const m = mappingEntry(line);
    if (m === undefined) {
      const eq = line.indexOf("=");
      if (eq >= 0) vars.push(["$" + line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
      continue;
    }
    if (m) maps.push(m);
  }
  return massageMappings(maps);
}

/** Replaces each `$name` defined so far, scanning left to right, earlier definitions first. */
function substitute(line: string, vars: [string, string][]): string {
  if (vars.length === 0 || !line.includes("$")) return line;
  let out = "";
  for (let i = 0; i < line.length;) {
    const v = vars.find(([k]) => line.startsWith(k, i));
    if (v) {
      out += v[1];
      i += v[0].length;
    } else out += line[i++];
  }
  return out;
}

function adjacent(a: LegacyMapping, b: LegacyMapping): boolean {
  if (a.file !== "" && b.file !== "" && a.file !== b.file) return false;
  if (a.buildId !== "" && b.buildId !== "" && a.buildId !== b.buildId) return false;
  if (a.limit !== b.start) return false;
  if (a.offset !== 0n && b.offset !== 0n && ((a.offset + a.limit - a.start) & U64_MAX) !== b.offset) return false;
  return true;
}

function massageMappings(maps: LegacyMapping[]): LegacyMapping[] {
  const out: LegacyMapping[] = [];
  for (const m of maps) {
    const last = out[out.length - 1];
    if (last && adjacent(last, m)) {
      last.limit = m.limit;
      if (m.file !== "") last.file = m.file;
      if (m.buildId !== "") last.buildId = m.buildId;
    } else out.push(m);
  }
  const main = out.findIndex((m) => {
    const file = m.file.replaceAll("(deleted)", "").trim();
    return file !== "" && !libRe.test(file) && file[0] !== "[";
  });
  if (main > 0) [out[0], out[main]] = [out[main], out[0]];
  return out;
}

/**
 * Names the legacy text format of `b` (e.g. "heap", "contention",
 * "goroutine count"), or returns `undefined` when it is none of them.
 */
export function legacyTextFormat(b: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(b.subarray(0, 4096));
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const first = lines[0] ?? "";
  const heap = /heap profile: *\d+: *\d+ *\[ *\d+: *\d+ *\] *@ *(heap[_a-z0-9]*|growthz?|fragmentationz?)/.exec(first);
  if (heap) {
    if (heap[1].startsWith("growth")) return "heap growth";
    if (heap[1].startsWith("fragmentation")) return "heap fragmentation";
    return "heap";
  }
  const firstReal = lines.find((l) => !/^[\t\n\v\f\r ]*(#|$)/.test(l)) ?? "";
  const count = /^(\S+) profile: total \d+$/.exec(firstReal);
  if (count) return `${count[1]} count`;
  if (/--- threadz \d+ ---/.test(firstReal) || /--- Thread [0-9A-Fa-f]+ \(name: .*\/\d+\) stack: ---/.test(firstReal)) {
    return "threadz";
  }
  switch (first.trim()) {
    case "--- heapz 1 ---":
      return "Java heapz";
    case "--- contentionz 1 ---":
      return "Java contentionz";
  }
  if (first.startsWith("--- contentionz ") || first.startsWith("--- contention:")) return "contention";
  if (first.startsWith("--- mutex:")) return "mutex contention";
  return undefined;
}
