/**
 * `d2.profiles.download`: live profiles of a service's pod in a local or dev Kubernetes cluster, through kubectl
 * port-forward (`lib/local/d2.ts`), written into the sandbox with a handle each. Also the cluster-setting arguments
 * the branch-impact tools share.
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../../errors.ts";
import { type D2Result, downloadD2 } from "../../local/d2.ts";
import { ALL_KINDS, type SettingArgs } from "../../local/settings.ts";
import { downloadDir } from "../incident.ts";
import { outputPathArg } from "../paths.ts";
import type { ToolContext, ToolDef } from "../registry.ts";

/** The cluster settings a call may give (each also an environment variable and a config-file entry). */
export const clusterArgs = {
  namespace: z.string().describe("Namespace of the pods (default: PPROF_MCP_K8S_NAMESPACE, the config file, default)")
    .optional(),
  context: z.string().describe("kubectl context (default: PPROF_MCP_K8S_CONTEXT, the config file, kubectl's current)")
    .optional(),
  label: z.string().describe("Label whose value is the service name (default: PPROF_MCP_K8S_LABEL, config, app)")
    .optional(),
  selector: z.string().describe("More label requirements for the pod, e.g. tier=backend (default: none)").optional(),
  port: z.number().int().min(1).max(65535).describe(
    "Container port of the debug server with /debug/pprof (default: PPROF_MCP_K8S_PORT, the config file, 6060)",
  ).optional(),
  scheme: z.enum(["http", "https"]).describe(
    "http or https (a pod's certificate is not checked: it is reached through the port-forward); default http",
  ).optional(),
  kinds: z.array(z.enum(ALL_KINDS as [string, ...string[]])).min(1).describe(
    `Profiles to take, in order (default all: ${ALL_KINDS.join(", ")})`,
  ).optional(),
};

/** The settings given as arguments. */
export function settingArgs(a: Partial<Record<keyof typeof clusterArgs, unknown>>): SettingArgs {
  return {
    namespace: a.namespace as string | undefined,
    context: a.context as string | undefined,
    label: a.label as string | undefined,
    selector: a.selector as string | undefined,
    port: a.port as number | undefined,
    scheme: a.scheme as "http" | "https" | undefined,
    kinds: a.kinds as SettingArgs["kinds"],
  };
}

const input = z.object({
  service: z.string().describe(
    "Service whose pod to profile: the value of its app label (e.g. checkout-api), or a part of it (e.g. checkout)",
  ),
  out_dir: outputPathArg(
    'Folder to write into (created if missing), as <service>_<UTC time>_<kind>.pprof; "" uses the active ' +
      "incident's profiles folder",
  ),
  seconds: z.number().int().min(0).max(300).describe("Seconds of CPU profile to record (default 30; 0 means 30)")
    .optional(),
  ...clusterArgs,
}).strict();

/** A downloaded file. */
export const d2File = z.object({
  type: z.string().describe("cpu, heap, goroutines, mutex, block or allocs"),
  handle: z.string().describe("Use it as the profile argument of the pprof.* tools"),
  bytes: z.number().int(),
  path: z.string(),
});

/** The profiles of one pod. */
export const d2Profiles = z.object({
  service: z.string(),
  namespace: z.string(),
  pod_name: z.string(),
  pod_ip: z.string(),
  files: z.array(d2File),
  warnings: z.array(z.string()).optional().describe("Profiles that failed (present only when some did)"),
});

const output = z.object({
  command: z.string().describe("The kubectl port-forward command line that was run"),
  result: d2Profiles,
  incident_id: z.string().optional(),
  next_steps: z.array(z.object({ tool: z.string(), arguments: z.record(z.string(), z.unknown()), why: z.string() })),
});

type D2Output = z.infer<typeof output>;

/** The calls that follow a download, under the client's names. */
export function d2NextSteps(r: D2Result["result"], ctx: Pick<ToolContext, "toolName">): D2Output["next_steps"] {
  const top = ctx.toolName("pprof.top");
  const cpu = r.files.find((f) => f.type === "cpu") ?? r.files[0];
  return top && cpu
    ? [{ tool: top, arguments: { profile: cpu.handle }, why: `the hottest functions (${cpu.type})` }]
    : [];
}

/** d2.profiles.download's handler. */
export async function d2Download(a: z.infer<typeof input>, ctx: ToolContext): Promise<D2Output> {
  if (a.service.trim() === "") throw new UserError("service is required", "INVALID_ARGUMENT", { field: "service" });
  const { dir, incident_id } = await downloadDir(a.out_dir, ctx);
  const out = await downloadD2({ service: a.service, out_dir: dir, seconds: a.seconds, settings: settingArgs(a) }, ctx);
  return { ...out, ...(incident_id ? { incident_id } : {}), next_steps: d2NextSteps(out.result, ctx) };
}

/** The d2.profiles.download tool. */
export const d2DownloadTool: ToolDef<typeof input, typeof output> = {
  name: "d2.profiles.download",
  title: "Download live profiles from a dev-cluster pod",
  description: "Download live profiles of a service running in a local or dev Kubernetes cluster (kind, minikube, " +
    "k3d, Docker Desktop, Tilt): finds the service's running pod by its app label (exact, then a part of the name), " +
    "starts kubectl port-forward to its debug port (net/http/pprof, default 6060), takes a CPU profile of `seconds` " +
    "and the heap, goroutine, mutex, block and allocs profiles, and writes them into out_dir with a handle each for " +
    "the pprof.* tools. The port-forward is always stopped. Namespace, label, port, scheme, token and the rest come " +
    "from the arguments, PPROF_MCP_K8S_* variables or the PPROF_MCP_LOCAL_CONFIG file. Needs kubectl.",
  input,
  output,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  summary: (o) =>
    `downloaded ${o.result.files.length} profiles of ${o.result.pod_name} (${o.result.namespace})` +
    (o.result.warnings ? `; ${o.result.warnings.length} failed` : ""),
  text: (o) =>
    [
      ...o.result.files.map((f) => `${f.type.padEnd(10)} ${f.handle}  ${f.path} (${f.bytes} bytes)`),
      ...(o.result.warnings ?? []).map((w) => `warning: ${w}`),
      ...o.next_steps.map((s) => `next: ${s.tool} ${JSON.stringify(s.arguments)} (${s.why})`),
    ].join("\n"),
  run: (a, ctx) => d2Download(a, ctx),
};
