/**
 * The d2 download: live profiles of a service's pod in a dev cluster, through a kubectl port-forward (always
 * stopped), with the debug server's token when it wants one; each answer is checked to be a profile, written
 * atomically and registered as a handle. This is what `d2.profiles.download`, branch impact and the d2 mode of
 * `profiles.download` run.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { fetchProfile, MARGIN_SECONDS, profileTarget } from "./fetch.ts";
import { freePath, rfc3339, utcStamp } from "./files.ts";
import { firstLine, httpRequest } from "./http.ts";
import { findPod, type Pod, startPortForward } from "./kubectl.ts";
import { type ClusterSettings, D2_KINDS, type D2Kind, loadSettings, type SettingArgs } from "./settings.ts";
import { envValue } from "../util/env.ts";

/** The arguments of a d2 download (`out_dir` already resolved; `""` is refused: the caller applies any fallback). */
export interface D2Args {
  service: string;
  out_dir: string;
  /** Seconds of CPU profile; absent, 0 or less → 30. */
  seconds?: number;
  /** Settings given as arguments (namespace, label, port…); the rest from the environment and the config file. */
  settings?: SettingArgs;
}

/** What a d2 download needs from its caller: a tool's context fits. */
export interface D2Context {
  signal: AbortSignal;
  progress(done: number, total?: number, message?: string): Promise<void>;
  handles: {
    register(info: {
      path: string;
      service?: string;
      env?: string;
      type?: string;
      timestamp?: string;
      bytes?: number;
    }): { id: string };
  };
}

/** One downloaded profile. */
export interface D2File {
  /** cpu, heap, goroutines, mutex, block, allocs. */
  type: string;
  handle: string;
  bytes: number;
  path: string;
}

/** The pod's profiles: the spec's `result`. */
export interface D2Profiles {
  service: string;
  namespace: string;
  pod_name: string;
  pod_ip: string;
  files: D2File[];
  /** Present only when some profile failed. */
  warnings?: string[];
}

/** A d2 download's answer: the port-forward's command line and the profiles. */
export interface D2Result {
  command: string;
  result: D2Profiles;
}

/** The deadline of the token request. */
const TOKEN_TIMEOUT_MS = 10_000;

/** Service names as Kubernetes labels allow them, which also keeps them safe in file names. */
const SERVICE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/**
 * Checks the arguments the spec requires.
 *
 * @throws {UserError} `service is required`, `out_dir is required`, or a service name no label can hold.
 */
export function checkD2Args(a: Pick<D2Args, "service" | "out_dir">): void {
  if (a.service.trim() === "") throw new UserError("service is required", "INVALID_ARGUMENT", { field: "service" });
  if (!SERVICE.test(a.service)) {
    throw new UserError(
      `service "${a.service}" is not a label value (letters, digits, '-', '_', '.', at most 63)`,
      "INVALID_ARGUMENT",
      { field: "service" },
    );
  }
  if (a.out_dir === "") throw new UserError("out_dir is required", "INVALID_ARGUMENT", { field: "out_dir" });
}

/** The headers that carry the token, asked of the debug server or read from the environment as configured. */
async function tokenHeaders(c: ClusterSettings, origin: string, signal: AbortSignal): Promise<Record<string, string>> {
  const t = c.token;
  if (t.source === "none") return {};
  let token: string;
  if (t.source === "env") {
    const v = envValue(t.env);
    if (v === undefined) throw new UserError(`the token comes from ${t.env}, which is not set`);
    token = v;
  } else {
    let answer;
    try {
      answer = await httpRequest({
        url: new URL(t.path, origin),
        method: t.method,
        headers: t.requestHeaders,
        insecure: true,
        signal,
        timeoutMs: TOKEN_TIMEOUT_MS,
        maxBytes: 64 << 10,
      });
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`failed to get token: ${e.message}`);
      throw e;
    }
    if (answer.status !== 200) {
      throw new UserError(
        `failed to get token: ${t.method} ${t.path}: ${answer.status} ${answer.statusText}: ${firstLine(answer.body)}`,
      );
    }
    token = parseToken(new TextDecoder().decode(answer.body));
  }
  return { [t.header]: t.prefix + token };
}

/**
 * The token in a token endpoint's answer: trimmed, a leading `token:` dropped (`token: 3f9c…`), or the `token` of a
 * JSON object.
 *
 * @throws {UserError} `received empty token`.
 */
export function parseToken(body: string): string {
  let text = body.trim();
  if (text.startsWith("{")) {
    try {
      const v = JSON.parse(text).token;
      if (typeof v === "string") text = v;
    } catch {
      // not JSON after all: read as text
    }
  }
  text = text.replace(/^token:/i, "").trim();
  if (text === "") throw new UserError("received empty token");
  return text;
}

/**
 * Downloads the pod's profiles into `out_dir`: finds the pod, forwards its debug port, gets the token, takes each
 * configured profile in turn (the CPU profile records `seconds`), and registers a handle for each file (env `d2`,
 * one time stamp for all). A profile that fails is a warning; none at all is an error. The port-forward is stopped
 * whatever happens, cancellation included.
 *
 * @throws {UserError} `failed to find pod: …`, port-forward and token errors, `failed to download any profiles: …`.
 * @throws {DOMException} AbortError when the call is cancelled.
 */
export async function downloadD2(a: D2Args, ctx: D2Context): Promise<D2Result> {
  checkD2Args(a);
  const seconds = a.seconds === undefined || a.seconds <= 0 ? 30 : a.seconds;
  const c = loadSettings(a.settings).cluster;
  const steps = 3 + c.kinds.length;
  await ctx.progress(0, steps, `finding the pod of ${a.service}`);
  const pod: Pod = await findPod(a.service, c, ctx.signal);
  ctx.signal.throwIfAborted();
  await ctx.progress(1, steps, `port-forwarding to ${pod.name}:${c.port}`);
  const forward = await startPortForward(pod, c, ctx.signal);
  try {
    const origin = `${c.scheme}://127.0.0.1:${forward.localPort}`;
    await ctx.progress(2, steps, "getting the debug server's token");
    const headers = await tokenHeaders(c, origin, ctx.signal);
    await Deno.mkdir(a.out_dir, { recursive: true, mode: 0o755 });
    const timestamp = rfc3339(new Date());
    const files: D2File[] = [];
    const warnings: string[] = [];
    for (const [i, kind] of c.kinds.entries()) {
      const done = 3 + i;
      await ctx.progress(done, steps, `downloading the ${kind} profile${kind === "cpu" ? ` (${seconds} s)` : ""}`);
      try {
        files.push(await downloadOne(kind, origin, headers, seconds, a, ctx, done, steps, timestamp));
      } catch (e) {
        if (ctx.signal.aborted || (e instanceof DOMException && e.name === "AbortError")) throw e;
        if (!(e instanceof UserError)) throw e;
        warnings.push(`Failed to download ${kind} profile: ${e.message}`);
      }
    }
    if (files.length === 0) {
      throw new UserError(`failed to download any profiles: ${warnings.join("; ")}`);
    }
    await ctx.progress(steps, steps, `downloaded ${files.length} profiles of ${pod.name}`);
    return {
      command: forward.command,
      result: {
        service: a.service,
        namespace: pod.namespace,
        pod_name: pod.name,
        pod_ip: pod.ip,
        files,
        ...(warnings.length > 0 ? { warnings } : {}),
      },
    };
  } finally {
    await forward.stop();
  }
}

async function downloadOne(
  kind: D2Kind,
  origin: string,
  headers: Record<string, string>,
  seconds: number,
  a: D2Args,
  ctx: D2Context,
  done: number,
  steps: number,
  timestamp: string,
): Promise<D2File> {
  const k = D2_KINDS[kind];
  const target = profileTarget(origin + k.path, kind === "cpu" ? seconds : undefined);
  const got = await fetchProfile(target, {
    headers,
    insecure: true,
    signal: ctx.signal,
    marginSeconds: MARGIN_SECONDS,
    progress: (elapsed, total) =>
      ctx.progress(
        Math.round((done + elapsed / total) * 100) / 100,
        steps,
        `recording the ${kind} profile: ${elapsed}/${total} s`,
      ),
  });
  const path = await freePath(
    a.out_dir,
    `${a.service}_${utcStamp(new Date())}_${k.suffix.replace(/\.pprof$/, "")}`,
    ".pprof",
  );
  ctx.signal.throwIfAborted();
  await writeFileAtomic(path, got.bytes);
  const h = ctx.handles.register({
    service: a.service,
    env: "d2",
    type: k.type,
    timestamp,
    path,
    bytes: got.bytes.length,
  });
  return { type: k.type, handle: h.id, bytes: got.bytes.length, path };
}
