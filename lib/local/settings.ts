/**
 * Settings of the dev-cluster tools (d2.profiles.download, branch impact): where the pods are, how their debug server
 * is reached, how a token is obtained, which Tilt resource a service is. Each comes from a tool argument, else an
 * environment variable, else the JSON file `PPROF_MCP_LOCAL_CONFIG` names, else a default that fits a plain cluster
 * (namespace `default`, label `app`, net/http/pprof on port 6060 over http, no token).
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { envValue } from "../util/env.ts";

/** The profiles a d2 download takes, in order: endpoint, file suffix and the type handles record. */
export const D2_KINDS = {
  cpu: { path: "/debug/pprof/profile", suffix: "cpu.pprof", type: "cpu" },
  heap: { path: "/debug/pprof/heap", suffix: "heap.pprof", type: "heap" },
  goroutine: { path: "/debug/pprof/goroutine", suffix: "goroutines.pprof", type: "goroutines" },
  mutex: { path: "/debug/pprof/mutex", suffix: "mutex.pprof", type: "mutex" },
  block: { path: "/debug/pprof/block", suffix: "block.pprof", type: "block" },
  allocs: { path: "/debug/pprof/allocs", suffix: "allocs.pprof", type: "allocs" },
} as const;

/** A profile a d2 download can take. */
export type D2Kind = keyof typeof D2_KINDS;

/** Every kind, in download order. */
export const ALL_KINDS = Object.keys(D2_KINDS) as D2Kind[];

/** How the token the debug server wants is obtained and sent. */
export interface TokenSettings {
  /** none: no token; endpoint: asked of the debug server; env: read from an environment variable. */
  source: "none" | "endpoint" | "env";
  /** endpoint: the request that answers with the token (`token: <value>` or the bare value). */
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  /** env: the variable that holds the token. */
  env: string;
  /** The header the token is sent in on every profile request, and what goes before it. */
  header: string;
  prefix: string;
}

/** The cluster side. */
export interface ClusterSettings {
  namespace: string;
  /** Pods are found by `<label>=<service>`. */
  label: string;
  /** More label requirements for every pod lookup (`tier=backend,team=x`), or "". */
  selector: string;
  /** kubectl's `--context`, or "" for the current context. */
  context: string;
  /** The container port of the debug server. */
  port: number;
  scheme: "http" | "https";
  /** Tried before the fuzzy match: `<prefix><service>` for each prefix (e.g. `be-`, `pub-`). */
  servicePrefixes: string[];
  kinds: D2Kind[];
  token: TokenSettings;
  /** Seconds to wait for a port-forward to accept connections. */
  portForwardTimeoutSeconds: number;
}

/** The Tilt side of branch impact. */
export interface TiltSettings {
  /** Tilt resource names by service, where they are not the service's name. */
  resources: Record<string, string>;
  /** Seconds after a checkout before the first look, and between looks. */
  initialDelaySeconds: number;
  pollSeconds: number;
}

/** Every setting, and where the file ones came from. */
export interface LocalSettings {
  cluster: ClusterSettings;
  tilt: TiltSettings;
  /** The config file read, or "". */
  configFile: string;
}

/** Settings a tool call may give as arguments. */
export interface SettingArgs {
  namespace?: string;
  label?: string;
  selector?: string;
  context?: string;
  port?: number;
  scheme?: "http" | "https";
  kinds?: D2Kind[];
}

/** The environment variable that names the config file. */
export const CONFIG_ENV = "PPROF_MCP_LOCAL_CONFIG";

/** The environment variables of the settings. */
export const SETTING_ENV = {
  namespace: "PPROF_MCP_K8S_NAMESPACE",
  label: "PPROF_MCP_K8S_LABEL",
  selector: "PPROF_MCP_K8S_SELECTOR",
  context: "PPROF_MCP_K8S_CONTEXT",
  port: "PPROF_MCP_K8S_PORT",
  scheme: "PPROF_MCP_K8S_SCHEME",
  servicePrefixes: "PPROF_MCP_SERVICE_PREFIXES",
  token: "PPROF_MCP_PROFILE_TOKEN",
  tokenHeader: "PPROF_MCP_PROFILE_TOKEN_HEADER",
} as const;

/** The defaults: a plain cluster with net/http/pprof on its conventional port. */
export function defaultSettings(): LocalSettings {
  return {
    cluster: {
      namespace: "default",
      label: "app",
      selector: "",
      context: "",
      port: 6060,
      scheme: "http",
      servicePrefixes: [],
      kinds: [...ALL_KINDS],
      token: {
        source: "none",
        method: "PUT",
        path: "/debug/token",
        requestHeaders: {},
        env: SETTING_ENV.token,
        header: "Authorization",
        prefix: "Bearer ",
      },
      portForwardTimeoutSeconds: 10,
    },
    tilt: { resources: {}, initialDelaySeconds: 5, pollSeconds: 3 },
    configFile: "",
  };
}

const KUBE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const SELECTOR = /^[A-Za-z0-9._\/=!,() -]*$/;
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function bad(where: string, what: string): UserError {
  return new UserError(`${where}: ${what}`, "INVALID_ARGUMENT");
}

function str(v: unknown, where: string, check?: RegExp, what = "a string"): string {
  if (typeof v !== "string") throw bad(where, `must be ${what}`);
  if (check && !check.test(v)) throw bad(where, `"${v}" is not ${what}`);
  return v;
}

function num(v: unknown, where: string, min: number, max: number, integer = true): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw bad(where, `must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, not ${JSON.stringify(v)}`);
  }
  return n;
}

function scheme(v: unknown, where: string): "http" | "https" {
  if (v !== "http" && v !== "https") throw bad(where, `must be "http" or "https", not ${JSON.stringify(v)}`);
  return v;
}

function kinds(v: unknown, where: string): D2Kind[] {
  if (!Array.isArray(v) || v.length === 0) throw bad(where, `must be a non-empty list of ${ALL_KINDS.join(", ")}`);
  for (const k of v) {
    if (!(ALL_KINDS as string[]).includes(k)) throw bad(where, `"${k}" is not one of ${ALL_KINDS.join(", ")}`);
  }
  return [...new Set(v as D2Kind[])];
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw bad(where, "must be a list of strings");
  return v as string[];
}

function headers(v: unknown, where: string): Record<string, string> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw bad(where, "must be an object of header: value");
  for (const [k, x] of Object.entries(v)) {
    str(k, `${where} key`, HEADER, "an HTTP header name");
    str(x, `${where}.${k}`);
  }
  return v as Record<string, string>;
}

function only(o: Record<string, unknown>, where: string, keys: string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) throw bad(where, `unknown setting "${k}" (known: ${keys.join(", ")})`);
  }
}

function object(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw bad(where, "must be a JSON object");
  return v as Record<string, unknown>;
}

/** Applies a config file's content onto `s`. */
function applyFile(s: LocalSettings, json: unknown, file: string): void {
  const o = object(json, file);
  only(o, file, [
    "namespace",
    "label",
    "selector",
    "context",
    "port",
    "scheme",
    "service_prefixes",
    "profiles",
    "port_forward_timeout_seconds",
    "token",
    "tilt",
  ]);
  const c = s.cluster;
  const at = (k: string) => `${file}: ${k}`;
  if (o.namespace !== undefined) c.namespace = str(o.namespace, at("namespace"), KUBE_NAME, "a namespace name");
  if (o.label !== undefined) c.label = str(o.label, at("label"), LABEL_KEY, "a label key");
  if (o.selector !== undefined) c.selector = str(o.selector, at("selector"), SELECTOR, "a label selector");
  if (o.context !== undefined) c.context = str(o.context, at("context"));
  if (o.port !== undefined) c.port = num(o.port, at("port"), 1, 65535);
  if (o.scheme !== undefined) c.scheme = scheme(o.scheme, at("scheme"));
  if (o.service_prefixes !== undefined) c.servicePrefixes = strings(o.service_prefixes, at("service_prefixes"));
  if (o.profiles !== undefined) c.kinds = kinds(o.profiles, at("profiles"));
  if (o.port_forward_timeout_seconds !== undefined) {
    c.portForwardTimeoutSeconds = num(o.port_forward_timeout_seconds, at("port_forward_timeout_seconds"), 1, 600);
  }
  if (o.token !== undefined) {
    const t = object(o.token, at("token"));
    only(t, at("token"), ["source", "method", "path", "request_headers", "env", "header", "prefix"]);
    const tk = c.token;
    if (t.source !== undefined) {
      if (t.source !== "none" && t.source !== "endpoint" && t.source !== "env") {
        throw bad(at("token.source"), `must be "none", "endpoint" or "env", not ${JSON.stringify(t.source)}`);
      }
      tk.source = t.source;
    }
    if (t.method !== undefined) tk.method = str(t.method, at("token.method"), /^[A-Z]+$/, "an HTTP method");
    if (t.path !== undefined) tk.path = str(t.path, at("token.path"), /^\/\S*$/, "a path starting with /");
    if (t.request_headers !== undefined) tk.requestHeaders = headers(t.request_headers, at("token.request_headers"));
    if (t.env !== undefined) tk.env = str(t.env, at("token.env"), /^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name");
    if (t.header !== undefined) {
      tk.header = str(t.header, at("token.header"), HEADER, "an HTTP header name");
      if (t.prefix === undefined) tk.prefix = tk.header.toLowerCase() === "authorization" ? "Bearer " : "";
    }
    if (t.prefix !== undefined) tk.prefix = str(t.prefix, at("token.prefix"));
  }
  if (o.tilt !== undefined) {
    const t = object(o.tilt, at("tilt"));
    only(t, at("tilt"), ["resources", "initial_delay_seconds", "poll_seconds"]);
    if (t.resources !== undefined) {
      const r = object(t.resources, at("tilt.resources"));
      for (const [k, v] of Object.entries(r)) s.tilt.resources[k] = str(v, at(`tilt.resources.${k}`));
    }
    if (t.initial_delay_seconds !== undefined) {
      s.tilt.initialDelaySeconds = num(t.initial_delay_seconds, at("tilt.initial_delay_seconds"), 0, 600, false);
    }
    if (t.poll_seconds !== undefined) {
      s.tilt.pollSeconds = num(t.poll_seconds, at("tilt.poll_seconds"), 0.1, 600, false);
    }
  }
}

/** Reads the config file `PPROF_MCP_LOCAL_CONFIG` names, or undefined when it names none. */
function readConfig(env: (name: string) => string | undefined): { file: string; json: unknown } | undefined {
  const file = env(CONFIG_ENV);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.NotCapable
      ? "this process may not read it (a server confined to PPROF_MCP_BASEDIR reads only the base dir and this file)"
      : (e as Error).message;
    throw new UserError(`${CONFIG_ENV}=${file}: cannot read the config file: ${why}`);
  }
  try {
    return { file, json: JSON.parse(text) };
  } catch (e) {
    throw new UserError(`${CONFIG_ENV}=${file}: not JSON: ${(e as Error).message}`);
  }
}

/**
 * The settings of a call: its arguments, else the environment, else the config file, else the defaults. `env`
 * reads a variable (blank counts as unset); the process's environment by default.
 *
 * @throws {UserError} naming the argument, variable or file entry that is wrong.
 */
export function loadSettings(
  args: SettingArgs = {},
  env: (name: string) => string | undefined = envValue,
): LocalSettings {
  const s = defaultSettings();
  const config = readConfig(env);
  if (config) {
    applyFile(s, config.json, config.file);
    s.configFile = config.file;
  }
  const c = s.cluster;
  const e = (k: keyof typeof SETTING_ENV) => env(SETTING_ENV[k]);
  const from = (k: keyof typeof SETTING_ENV) => SETTING_ENV[k];
  if (e("namespace")) c.namespace = str(e("namespace"), from("namespace"), KUBE_NAME, "a namespace name");
  if (e("label")) c.label = str(e("label"), from("label"), LABEL_KEY, "a label key");
  if (e("selector")) c.selector = str(e("selector"), from("selector"), SELECTOR, "a label selector");
  if (e("context")) c.context = e("context")!;
  if (e("port")) c.port = num(e("port"), from("port"), 1, 65535);
  if (e("scheme")) c.scheme = scheme(e("scheme"), from("scheme"));
  if (e("servicePrefixes")) c.servicePrefixes = e("servicePrefixes")!.split(",").map((p) => p.trim()).filter(Boolean);
  if (e("tokenHeader")) {
    c.token.header = str(e("tokenHeader"), from("tokenHeader"), HEADER, "an HTTP header name");
    c.token.prefix = c.token.header.toLowerCase() === "authorization" ? "Bearer " : "";
  }
  // A token in the environment is used unless the config file says how to get one.
  const configSource = (config?.json as { token?: { source?: unknown } } | undefined)?.token?.source;
  if (configSource === undefined && env(c.token.env) !== undefined) c.token.source = "env";
  if (args.namespace) c.namespace = str(args.namespace, "namespace", KUBE_NAME, "a namespace name");
  if (args.label) c.label = str(args.label, "label", LABEL_KEY, "a label key");
  if (args.selector) c.selector = str(args.selector, "selector", SELECTOR, "a label selector");
  if (args.context) c.context = args.context;
  if (args.port !== undefined) c.port = num(args.port, "port", 1, 65535);
  if (args.scheme) c.scheme = scheme(args.scheme, "scheme");
  if (args.kinds && args.kinds.length > 0) c.kinds = kinds(args.kinds, "kinds");
  return s;
}

/** kubectl's leading arguments for the settings' context. */
export function contextArgs(c: ClusterSettings): string[] {
  return c.context ? ["--context", c.context] : [];
}
