/**
 * `profiles.fetch`: a profile from a live endpoint (net/http/pprof's /debug/pprof/…, or any server that answers
 * with profile.proto), checked to be a profile, written into the sandbox and registered as a handle.
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { fetchProfile, profileTarget } from "../../local/fetch.ts";
import { freePath, pathExists, rfc3339, safeName, utcStamp } from "../../local/files.ts";
import { writeFileAtomic } from "../../util/atomic.ts";
import { shellJoin } from "../../util/shell.ts";
import { outputPathArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";

const input = z.object({
  url: z.string().describe(
    "The endpoint, e.g. http://localhost:6060/debug/pprof/profile?seconds=30 (CPU), /debug/pprof/heap, /allocs, " +
      "/goroutine, /mutex, /block; host:port alone means http and /debug/pprof/profile, as in go tool pprof",
  ),
  out_dir: outputPathArg(
    "Folder to write the profile into (created if missing), as <host>_<port>_<kind>_<UTC time>.pb.gz; or output_path",
  ).optional(),
  output_path: outputPathArg("File to write the profile to (must not exist yet); or out_dir").optional(),
  seconds: z.number().int().min(1).max(300).describe(
    "Seconds to record, set as ?seconds=N (CPU profiles default to 30; on heap, allocs, mutex, block and " +
      "goroutine Go then answers with the change over that time)",
  ).optional(),
}).strict();

const nextStep = z.object({
  tool: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  why: z.string(),
});

const output = z.object({
  command: z.string().describe("The equivalent curl command line"),
  url: z.string(),
  kind: z.string().describe("cpu, heap, allocs, goroutine, mutex, block, threadcreate, or the endpoint's name"),
  output_path: z.string(),
  handle: z.string().describe("Use it as the profile argument of the pprof.* tools"),
  bytes: z.number().int().describe("Bytes written (the answer as served)"),
  format: z.string().describe("What the answer was read as, e.g. profile.proto file"),
  capture_seconds: z.number().describe("Seconds the server recorded before answering (0: it answered at once)"),
  sample_types: z.array(z.string()).describe("TYPE/UNIT of each sample type"),
  samples: z.number().int(),
  timestamp: z.string().describe("When the answer arrived (RFC 3339, UTC)"),
  message: z.string(),
  warnings: z.array(z.string()).optional(),
  next_steps: z.array(nextStep).describe("Tool calls that follow, under the names this client sees"),
});

type FetchArgs = z.infer<typeof input>;
type FetchResult = z.infer<typeof output>;

/** profiles.fetch's handler. */
export async function profilesFetch(
  a: FetchArgs,
  ctx: Pick<ToolContext, "signal" | "progress" | "handles" | "toolName">,
): Promise<FetchResult> {
  if ((a.out_dir ?? "") === "" && (a.output_path ?? "") === "") {
    throw new UserError("out_dir or output_path is required", "INVALID_ARGUMENT", { field: "out_dir" });
  }
  if ((a.out_dir ?? "") !== "" && (a.output_path ?? "") !== "") {
    throw new UserError("give out_dir or output_path, not both", "INVALID_ARGUMENT", { field: "output_path" });
  }
  const target = profileTarget(a.url, a.seconds);
  if (a.output_path && await pathExists(a.output_path)) {
    throw new UserError(
      `output_path ${a.output_path} already exists; fetch only writes new files`,
      "INVALID_ARGUMENT",
      { field: "output_path", hint: "Choose a file name that does not exist yet, or give out_dir." },
    );
  }
  const total = target.captureSeconds;
  await ctx.progress(0, total || 1, total ? `recording ${target.kind} for ${total} s` : `fetching ${target.kind}`);
  const got = await fetchProfile(target, {
    signal: ctx.signal,
    progress: (elapsed, t) => ctx.progress(elapsed, t, `recording ${target.kind}: ${elapsed}/${t} s`),
  });
  const now = new Date();
  let path = a.output_path ?? "";
  if (path === "") {
    await Deno.mkdir(a.out_dir!, { recursive: true });
    const port = target.url.port || (target.url.protocol === "https:" ? "443" : "80");
    path = await freePath(
      a.out_dir!,
      `${safeName(target.url.hostname)}_${port}_${target.kind}_${utcStamp(now)}`,
      got.extension,
    );
  }
  ctx.signal.throwIfAborted();
  await writeFileAtomic(path, got.bytes);
  const handle = ctx.handles.register({
    path,
    type: target.kind,
    timestamp: rfc3339(now),
    bytes: got.bytes.length,
  });
  await ctx.progress(total || 1, total || 1, `wrote ${path}`);
  const p = got.profile;
  const warnings: string[] = [];
  if (p.sampleCount === 0) warnings.push(emptyNote(target.kind));
  const top = ctx.toolName("pprof.top");
  const meta = ctx.toolName("pprof.meta");
  const next_steps = [
    ...(top
      ? [{ tool: top, arguments: { profile: handle.id }, why: `the hottest functions of the ${target.kind} profile` }]
      : []),
    ...(meta ? [{ tool: meta, arguments: { profile: handle.id }, why: "its sample types, totals and duration" }] : []),
  ];
  const samples = p.sampleCount;
  return {
    command: shellJoin(["curl", "-sSf", "-o", path, target.url.href]),
    url: target.url.href,
    kind: target.kind,
    output_path: path,
    handle: handle.id,
    bytes: got.bytes.length,
    format: got.format,
    capture_seconds: target.captureSeconds,
    sample_types: p.sampleTypes.map((t) => `${t.type}/${t.unit}`),
    samples,
    timestamp: rfc3339(now),
    message: `fetched the ${target.kind} profile of ${target.url.host} into ${path} (${samples} samples, ` +
      `${got.bytes.length} bytes)`,
    ...(warnings.length > 0 ? { warnings } : {}),
    next_steps,
  };
}

/** Why a fetched profile can have no samples. */
function emptyNote(kind: string): string {
  switch (kind) {
    case "mutex":
      return "the mutex profile has no samples: Go records contention only after runtime.SetMutexProfileFraction(n)";
    case "block":
      return "the block profile has no samples: Go records blocking only after runtime.SetBlockProfileRate(n)";
    case "cpu":
      return "the CPU profile has no samples: the program was idle while it recorded (or recorded too briefly)";
    default:
      return `the ${kind} profile has no samples`;
  }
}

/** The profiles.fetch tool. */
export const fetchTool: ToolDef<typeof input, typeof output> = {
  name: "profiles.fetch",
  title: "Fetch a profile from a running server",
  description: "Fetch a profile from a live endpoint of a running program on this machine or reachable from it: " +
    "Go's net/http/pprof (http://localhost:6060/debug/pprof/profile?seconds=30 for CPU, /debug/pprof/heap, " +
    "/allocs, /goroutine, /mutex, /block) or any server that answers with profile.proto (Node.js, Python…). The " +
    "answer is checked to be a profile before it is kept, written into out_dir (or to output_path) and given a " +
    "handle for the pprof.* tools (start with pprof.top). A CPU capture takes `seconds` (default 30) and reports " +
    "progress; cancelling stops it. For pods in a Kubernetes dev cluster use d2.profiles.download.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary: (o) => o.message,
  text: (o) =>
    [
      `${o.kind.padEnd(10)} ${o.handle}  ${o.output_path} (${o.bytes} bytes, ${o.samples} samples, ${o.format})`,
      ...(o.warnings ?? []).map((w) => `warning: ${w}`),
      ...o.next_steps.map((s) => `next: ${s.tool} ${JSON.stringify(s.arguments)} (${s.why})`),
    ].join("\n"),
  run: (a, ctx) => profilesFetch(a, ctx),
};
