/**
 * kubectl for the dev-cluster tools: finding the running pod of a service (by label, then by name prefixes, then by
 * a fuzzy match of the label's values) and a port-forward to its debug server that is ready before it is used and
 * always stopped.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { shellJoin } from "../util/shell.ts";
import { type Background, errorText, ProgramUnavailable, runProgram, startBackground } from "./process.ts";
import { type ClusterSettings, contextArgs } from "./settings.ts";

/** A running pod. */
export interface Pod {
  name: string;
  namespace: string;
  ip: string;
  /** The value of the settings' label (the service as the cluster names it). */
  app: string;
}

/** kubectl get's deadline: a listing answers in seconds even on a busy laptop cluster. */
const GET_TIMEOUT_MS = 30_000;

interface PodJson {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: { phase?: string; podIP?: string };
}

async function getPods(c: ClusterSettings, selector: string, signal?: AbortSignal): Promise<PodJson[]> {
  const args = [
    ...contextArgs(c),
    "get",
    "pods",
    "-n",
    c.namespace,
    ...(selector ? ["-l", selector] : []),
    "-o",
    "json",
  ];
  const r = await runProgram("kubectl", args, { timeoutMs: GET_TIMEOUT_MS, signal });
  if (!r.success) throw new UserError(`${r.command} failed: ${errorText(r)}`);
  let json: { items?: PodJson[] };
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new UserError(`${r.command} printed no JSON${r.stdoutTruncated ? " (its output was over the cap)" : ""}`);
  }
  return Array.isArray(json.items) ? json.items : [];
}

/** Running and not being deleted (a pod on its way out still says Running while it terminates). */
const usable = (p: PodJson) => p.status?.phase === "Running" && !p.metadata?.deletionTimestamp;

function podOf(p: PodJson, c: ClusterSettings): Pod {
  return {
    name: p.metadata?.name ?? "",
    namespace: p.metadata?.namespace ?? c.namespace,
    ip: p.status?.podIP ?? "",
    app: p.metadata?.labels?.[c.label] ?? "",
  };
}

const join = (...selectors: string[]) => selectors.filter((s) => s !== "").join(",");

/**
 * The running pod of `service`: the first running pod labelled `<label>=<service>`, else `<label>=<prefix><service>`
 * for each configured prefix, else the first running pod whose label value contains the service or is contained in
 * it (case-insensitive, in kubectl's order).
 *
 * @throws {UserError} `failed to find pod: …` with kubectl's error or the pattern that matched nothing.
 */
export async function findPod(service: string, c: ClusterSettings, signal?: AbortSignal): Promise<Pod> {
  const names = [service, ...c.servicePrefixes.filter((p) => !service.startsWith(p)).map((p) => p + service)];
  for (const name of names) {
    try {
      const found = (await getPods(c, join(`${c.label}=${name}`, c.selector), signal)).find(usable);
      if (found) return podOf(found, c);
    } catch (e) {
      if (!(e instanceof UserError) || e instanceof ProgramUnavailable) throw e;
      // kubectl itself failed (no cluster, no such context): the fuzzy listing fails the same way and says so.
      break;
    }
  }
  let all: PodJson[];
  try {
    all = await getPods(c, c.selector, signal);
  } catch (e) {
    if (!(e instanceof UserError) || e instanceof ProgramUnavailable) throw e;
    throw new UserError(`failed to find pod: ${e.message}`);
  }
  const want = service.toLowerCase();
  const match = all.find((p) => {
    const app = p.metadata?.labels?.[c.label]?.toLowerCase();
    return usable(p) && app !== undefined && app !== "" && (app.includes(want) || want.includes(app));
  });
  if (match) return podOf(match, c);
  const where = `namespace ${c.namespace}${c.context ? ` of context ${c.context}` : ""}`;
  throw new UserError(
    `failed to find pod: no pods found matching service pattern "${service}" (no running pod in ${where} has a ` +
      `${c.label} label that matches; ${all.length} pods listed)`,
  );
}

/** A port-forward to a pod's debug server. */
export interface PortForward {
  localPort: number;
  /** The kubectl command line that runs it. */
  command: string;
  /** The process id of kubectl (the leader of its process group). */
  pid: number;
  stop(): Promise<void>;
}

/** A local TCP port that was free a moment ago (bound, read, released). */
export function pickFreePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function accepts(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(signal!.reason ?? new DOMException("aborted", "AbortError"));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Starts `kubectl port-forward` to the pod's debug port on a free local port and waits until it accepts connections
 * (a try every 100 ms, then 200 ms more, as the original did). The caller must `stop()` it; on any failure here it is
 * stopped before the error is thrown.
 *
 * @throws {UserError} when kubectl exits first (with its error) or the port is not ready in time.
 */
export async function startPortForward(pod: Pod, c: ClusterSettings, signal?: AbortSignal): Promise<PortForward> {
  const localPort = pickFreePort();
  const args = [
    ...contextArgs(c),
    "port-forward",
    "-n",
    pod.namespace,
    "--address",
    "127.0.0.1",
    pod.name,
    `${localPort}:${c.port}`,
  ];
  const bg: Background = startBackground("kubectl", args);
  let ended = false;
  void bg.exited.then(() => ended = true);
  try {
    const deadline = Date.now() + c.portForwardTimeoutSeconds * 1000;
    for (;;) {
      if (ended) {
        const { stderr, stdout } = bg.output();
        throw new UserError(`${bg.command} exited: ${errorText({ stderr, stdout, code: (await bg.exited).code })}`);
      }
      if (await accepts(localPort)) break;
      if (Date.now() > deadline) {
        throw new UserError(
          `timeout waiting for port-forward to be ready (${bg.command} accepted no connection within ` +
            `${c.portForwardTimeoutSeconds} s)`,
        );
      }
      await sleep(100, signal);
    }
    await sleep(200, signal);
  } catch (e) {
    await bg.stop();
    throw e;
  }
  return { localPort, command: shellJoin(["kubectl", ...args]), pid: bg.pid, stop: () => bg.stop() };
}
