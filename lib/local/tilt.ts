/**
 * Tilt for branch impact: which Tilt resource a service is, what its pod and live updates look like now, and
 * waiting until a checkout has been rebuilt (a new pod, a restarted container or a newer live update).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { errorText, ProgramUnavailable, runProgram } from "./process.ts";
import type { TiltSettings } from "./settings.ts";

/** How a rebuild showed. */
export type UpdateMethod = "live_update" | "pod_restart" | "pod_recreate";

/** What Tilt reports about a resource at one moment. */
export interface TiltState {
  pod: string;
  startedAt: string;
  /** The live update's last synced file time, or "" when there is none. */
  lastSync: string;
}

const TILT_TIMEOUT_MS = 30_000;

async function tiltJson(args: string[], cwd: string, signal?: AbortSignal): Promise<unknown> {
  const r = await runProgram("tilt", [...args, "-o", "json"], { cwd, timeoutMs: TILT_TIMEOUT_MS, signal });
  if (!r.success) throw new UserError(`${r.command} failed: ${errorText(r)}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new UserError(`${r.command} printed no JSON`);
  }
}

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * The Tilt resource of a service: the configured one, else the service's name when Tilt knows it, else the first
 * kubernetesdiscovery whose name contains the service's or is contained in it (case-insensitive).
 *
 * @throws {UserError} when Tilt cannot be asked or knows no such resource.
 */
export async function tiltResource(
  service: string,
  s: TiltSettings,
  cwd: string,
  given?: string,
  signal?: AbortSignal,
): Promise<string> {
  const configured = given || s.resources[service];
  if (configured) {
    await tiltJson(["get", "kubernetesdiscovery", configured], cwd, signal);
    return configured;
  }
  try {
    await tiltJson(["get", "kubernetesdiscovery", service], cwd, signal);
    return service;
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof ProgramUnavailable) throw e;
  }
  const list = await tiltJson(["get", "kubernetesdiscovery"], cwd, signal) as Json;
  const want = service.toLowerCase();
  const names: string[] = (Array.isArray(list?.items) ? list.items : []).map((i: Json) =>
    String(i?.metadata?.name ?? "")
  );
  const found = names.find((n) => n !== "" && (n.toLowerCase().includes(want) || want.includes(n.toLowerCase())));
  if (!found) {
    throw new UserError(
      `no Tilt resource matches service "${service}" (tilt get kubernetesdiscovery lists ${
        names.length ? names.join(", ") : "none"
      }); set tilt_resource or the config file's tilt.resources`,
    );
  }
  return found;
}

/**
 * The resource's state: its first pod's name and first container's start time, and the last file sync of the
 * first live update whose name contains the resource's (errors of that lookup are ignored, as not every resource
 * has one).
 *
 * @throws {UserError} when the resource cannot be read.
 */
export async function tiltState(resource: string, cwd: string, signal?: AbortSignal): Promise<TiltState> {
  const kd = await tiltJson(["get", "kubernetesdiscovery", resource], cwd, signal) as Json;
  const pod = kd?.status?.pods?.[0];
  let lastSync = "";
  try {
    const lu = await tiltJson(["get", "liveupdate"], cwd, signal) as Json;
    const item = (Array.isArray(lu?.items) ? lu.items : []).find((i: Json) =>
      String(i?.metadata?.name ?? "").includes(resource)
    );
    lastSync = String(item?.status?.containers?.[0]?.lastFileTimeSynced ?? "");
  } catch (e) {
    if (signal?.aborted) throw e;
  }
  return {
    pod: String(pod?.name ?? ""),
    startedAt: String(pod?.containers?.[0]?.state?.running?.startedAt ?? ""),
    lastSync,
  };
}

/** How a state differs from an earlier one, or undefined when it does not (yet). */
export function rebuildOf(before: TiltState, now: TiltState): UpdateMethod | undefined {
  if (now.pod !== "" && now.pod !== before.pod) return "pod_recreate";
  if (now.startedAt !== "" && now.startedAt !== before.startedAt) return "pod_restart";
  if (now.lastSync !== "" && (before.lastSync === "" || Date.parse(now.lastSync) > Date.parse(before.lastSync))) {
    return "live_update";
  }
  return undefined;
}

/** Go's duration notation for whole seconds: `15s`, `5m0s`, `1h0m0s`. */
export function goDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s === 0) return "0s";
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h > 0) return `${h}h${m}m${r}s`;
  if (m > 0) return `${m}m${r}s`;
  return `${r}s`;
}

/** Sleeps, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new DOMException("aborted", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** How to wait. */
export interface WaitOptions {
  timeoutSeconds: number;
  warmupSeconds: number;
  signal?: AbortSignal;
  /** Called before each look, with the seconds waited so far. */
  progress?: (waited: number) => Promise<void> | void;
}

/**
 * Waits until the resource differs from `before` (taken before the checkout, so a rebuild that is over before the
 * first look still counts): a first look after the initial delay, then one every poll (failed looks are skipped),
 * until the timeout; then waits the warm-up and returns how it was rebuilt.
 *
 * @throws {UserError} `timeout waiting for rebuild after <duration>`.
 */
export async function waitForRebuild(
  resource: string,
  before: TiltState,
  cwd: string,
  s: TiltSettings,
  o: WaitOptions,
): Promise<UpdateMethod> {
  const started = Date.now();
  const deadline = started + o.timeoutSeconds * 1000;
  await sleep(s.initialDelaySeconds * 1000, o.signal);
  for (;;) {
    await o.progress?.((Date.now() - started) / 1000);
    let now: TiltState | undefined;
    try {
      now = await tiltState(resource, cwd, o.signal);
    } catch (e) {
      if (o.signal?.aborted || e instanceof ProgramUnavailable) throw e;
    }
    const method = now && rebuildOf(before, now);
    if (method) {
      await sleep(o.warmupSeconds * 1000, o.signal);
      return method;
    }
    if (Date.now() + s.pollSeconds * 1000 > deadline) {
      throw new UserError(`timeout waiting for rebuild after ${goDuration(o.timeoutSeconds)}`);
    }
    await sleep(s.pollSeconds * 1000, o.signal);
  }
}
