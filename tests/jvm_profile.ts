/**
 * A JVM-shaped CPU profile, generated deterministically for the output-cap
 * tests: deep stacks of long Java names (packages, nested and generated
 * classes, lambdas, method descriptors), as async-profiler or JFR converters
 * write them, with thread and span labels of many values.
 *
 * @module
 */
import { ProfileBuilder } from "../lib/profile/builder.ts";
import { encodeProfileGzip } from "../lib/profile/encode.ts";
import type { Profile } from "../lib/profile/model.ts";
import { mulberry32 } from "../lib/util/random.ts";

const ROOTS = ["com", "org", "io", "net"];
const VENDORS = ["acme", "springframework", "netty", "fasterxml.jackson", "hibernate", "apache.kafka", "grpc"];
const AREAS = ["core", "web", "service", "internal", "impl", "support", "databind", "transport", "orm", "client"];
const NOUNS = ["Order", "Invoice", "Request", "Response", "Channel", "Handler", "Session", "Entity", "Message", "Bean"];
const ROLES = ["Service", "Processor", "Dispatcher", "Interceptor", "Serializer", "Factory", "Repository", "Adapter"];
const VERBS = ["process", "handle", "invoke", "serialize", "resolve", "dispatch", "apply", "read", "write", "doFilter"];
const TYPES = ["Ljava/lang/Object;", "Ljava/lang/String;", "Ljava/util/Map;", "I", "J", "Z", "[B", "Ljava/util/List;"];

/** Options of a generated JVM profile. */
export interface JvmOptions {
  samples: number;
  functions: number;
  /** Seed of the samples; the program (names, call graph) is the same for every seed. */
  seed: number;
}

/** A JVM-shaped CPU profile in memory. */
export function jvmProfile(o: JvmOptions): Profile {
  let rand = mulberry32(0x5eed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: T[]) => xs[int(xs.length)];
  const b = new ProfileBuilder({
    sampleTypes: [{ type: "samples", unit: "count" }, { type: "cpu", unit: "nanoseconds" }],
    defaultSampleType: "",
    periodType: { type: "cpu", unit: "nanoseconds" },
    period: 10_000_000,
    timeNanos: 1_717_243_200_123_456_789n,
    durationNanos: 60_000_000_000,
    comments: [],
    dropFrames: "",
    keepFrames: "",
  });
  const mapping = b.addMapping({
    start: 0n,
    limit: 0n,
    offset: 0n,
    file: "java",
    buildId: "",
    hasFunctions: true,
    hasFilenames: true,
    hasLineNumbers: true,
    hasInlineFrames: false,
  });
  const locs: number[] = [];
  for (let f = 0; f < o.functions; f++) {
    const pkg = [pick(ROOTS), pick(VENDORS), ...Array.from({ length: 2 + int(4) }, () => pick(AREAS))].join(".");
    let cls = pick(NOUNS) + pick(ROLES) + (f % 7 === 0 ? "Impl" : "");
    if (f % 5 === 0) cls += `$$EnhancerBySpringCGLIB$$${(f * 2654435761 >>> 0).toString(16)}`;
    if (f % 3 === 0) cls += `$${pick(NOUNS)}${pick(ROLES)}`;
    const method = f % 4 === 0 ? `lambda$${pick(VERBS)}${pick(NOUNS)}$${f % 97}` : pick(VERBS) + pick(NOUNS);
    const args = Array.from({ length: int(6) }, () => pick(TYPES)).join("");
    const name = `${pkg}.${cls}.${method}(${args})${pick(TYPES)}`;
    const fn = b.addFunction(name, name, `${pkg.replaceAll(".", "/")}/${cls.split("$")[0]}.java`, 0);
    locs.push(b.addLocation(mapping, BigInt(0x1000 + f * 16), false, [[fn, 10 + int(900)]]));
  }
  const callees = Array.from({ length: o.functions }, () => Array.from({ length: 1 + int(3) }, () => int(o.functions)));
  const roots = Array.from({ length: 12 }, () => int(o.functions));
  rand = mulberry32(o.seed);
  const threads = Array.from({ length: 400 }, (_, i) => `http-nio-8080-exec-${i}`);
  const path: number[] = [];
  for (let s = 0; s < o.samples; s++) {
    path.length = 0;
    let f = roots[int(roots.length)];
    const depth = 40 + int(60);
    for (let d = 0; d < depth; d++) {
      path.push(locs[f]);
      f = callees[f][Math.floor(callees[f].length * rand() ** 2)];
    }
    const n = 1 + int(3);
    const labels = [
      { key: "thread", str: threads[Math.floor(threads.length * rand() ** 2)] },
      { key: "span_id", str: (Math.floor(rand() * 2 ** 48)).toString(16).padStart(12, "0") },
    ];
    b.addSample(path.reverse(), [n, n * 10_000_000], labels);
  }
  return b.finish();
}

/** Writes a JVM-shaped profile to `path` (gzipped profile.proto). */
export async function writeJvmProfile(path: string, o: JvmOptions): Promise<void> {
  await Deno.writeFile(path, encodeProfileGzip(jvmProfile(o)));
}
