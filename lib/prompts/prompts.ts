/**
 * The workflow guides, as MCP prompts: each one a short sequence of tool calls (canonical names, arguments to
 * pass, why) for one question an engineer brings — a service's hot spots, whether a fix worked, memory growth or
 * an OOM, a regression after a deploy, one tenant's cost, a Temporal worker's settings. One list feeds
 * `prompts/list` and `prompts/get`; tools are named through the registry, so a client sees the names of its
 * naming mode and a step whose tool is not registered is left out.
 *
 * @module
 */
import { exactName } from "../regex/quote.ts";
import type { NameMode, ToolRegistry } from "../tools/registry.ts";

/** One step: a tool call and why it comes next. Values in `<…>` come from an earlier step's result. */
export interface PromptStep {
  tool: string;
  arguments: Record<string, unknown>;
  why: string;
}

/** A prompt argument, as `prompts/list` describes it. */
export interface PromptArgument {
  name: string;
  description: string;
  required?: boolean;
}

/** A workflow guide. */
export interface PromptDef {
  name: string;
  title: string;
  description: string;
  arguments: PromptArgument[];
  /** What the steps find out, with canonical tool names. */
  goal(a: Record<string, string>): string;
  /** The steps for these arguments; throws {@link PromptArgumentError} for an argument it cannot use. */
  steps(a: Record<string, string>): PromptStep[];
}

/** An argument a prompt cannot use (missing, or not of the form it needs). */
export class PromptArgumentError extends Error {}

const service: PromptArgument = {
  name: "service",
  description: "Datadog service name, e.g. checkout (datadog.services.search finds names)",
  required: true,
};
const env: PromptArgument = { name: "env", description: "Datadog env tag, e.g. prod", required: true };

/** The folder a guide downloads into: relative, so inside the server's base dir. */
const folder = (a: Record<string, string>, what: string) => `profiles/${a.service}_${a.env}_${what}`;

function positiveInt(a: Record<string, string>, name: string): number | undefined {
  const v = a[name]?.trim();
  if (!v) return undefined;
  if (!/^\d+$/.test(v)) throw new PromptArgumentError(`argument ${name} must be a whole number, got "${v}"`);
  return Number(v);
}

function time(a: Record<string, string>, name: string): number {
  const v = a[name]?.trim() ?? "";
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(t)) {
    throw new PromptArgumentError(`argument ${name} must be an RFC 3339 time such as 2026-01-07T10:00:00Z, got "${v}"`);
  }
  return t;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
const HOUR = 3_600_000;

/**
 * A function argument as a regexp: a Go function name (letters, dots, slashes, `(*T)`) becomes the exact-name
 * regexp; anything else is taken as the regexp it already is.
 */
function functionRegexp(f: string): string {
  const name = f.trim();
  return /^[\w./-]+(?:\.\(\*?\w+\))?(?:\.[\w]+)*$/.test(name) ? exactName(name) : name;
}

/** The guides, in the order `prompts/list` shows them. */
export const PROMPTS: readonly PromptDef[] = [
  {
    name: "discover_hotspots",
    title: "Find a service's hot spots",
    description: "From a service and env to its culprits: one pprof.discover call over the latest Datadog bundle, " +
      "then a closer look at the top findings, the functions hot in several profiles, and a Markdown report.",
    arguments: [service, env, {
      name: "repo_prefix",
      description: "Package prefix of the service's own code, e.g. github.com/acme/checkout (optional)",
    }],
    goal: (a) => `Find what costs ${a.service} (${a.env}) the most CPU, memory, lock time and goroutines.`,
    steps: (a) => [
      {
        tool: "pprof.discover",
        arguments: {
          service: a.service,
          env: a.env,
          out_dir: folder(a, "discover"),
          ...(a.repo_prefix ? { repo_prefix: a.repo_prefix } : {}),
        },
        why: "downloads the latest bundle, runs every analysis that fits, ranks the findings across profiles",
      },
      {
        tool: "pprof.cross_correlate",
        arguments: { bundle: "<a handle of step 1's result.profiles>" },
        why: "functions hot in CPU and allocations or locks at once are the best targets",
      },
      {
        tool: "pprof.peek",
        arguments: {
          profile: "<the handle of step 1's profile of the top finding>",
          regex: "<its function, e.g. ^main\\.f$>",
        },
        why: "who calls the top culprit and where its time goes (each finding's next_step gives the exact call)",
      },
      {
        tool: "pprof.generate_report",
        arguments: {
          title: `Hot spots of ${a.service} (${a.env})`,
          inputs: [{ kind: "discover", data: { result: "<step 1's structured result>" } }],
          output_path: `${a.service}_${a.env}_hotspots.md`,
        },
        why: "a report to share: top culprits first, a line per finding with its evidence",
      },
    ],
  },
  {
    name: "verify_fix",
    title: "Verify a fix (before and after)",
    description: "Whether a change made a function cheaper: the profiles before and after it from Datadog, their " +
      "diff, and a regression check that passes only if the function's share went down.",
    arguments: [service, env, {
      name: "function",
      description: "The function the fix was about, e.g. main.scoreTerms (a Go RE2 regexp also works)",
      required: true,
    }, {
      name: "fixed_at",
      description: "When the fix was deployed, RFC 3339 (e.g. 2026-01-07T10:00:00Z)",
      required: true,
    }],
    goal: (a) => `Check that ${a.function} costs ${a.service} (${a.env}) less since ${a.fixed_at}.`,
    steps: (a) => {
      const t = time(a, "fixed_at");
      const re = functionRegexp(a.function);
      return [
        {
          tool: "datadog.profiles.compare_range",
          arguments: {
            service: a.service,
            env: a.env,
            before_from: iso(t - 2 * HOUR),
            before_to: iso(t),
            after_from: iso(t),
            after_to: iso(t + 2 * HOUR),
            mode: "aggregate",
            profile_type: "cpu",
            out_dir: folder(a, "verify"),
          },
          why: "two hours of CPU profiles on each side of the fix, merged, and their diff",
        },
        {
          tool: "pprof.regression_check",
          arguments: {
            baseline: "<step 1's result.before_profile.handle>",
            candidate: "<step 1's result.after_profile.handle>",
            checks: [{ function: re, metric: "cum_pct_delta", max: 0 }],
          },
          why: "passes only if the function's cumulative share did not grow (a negative delta is the fix working)",
        },
        {
          tool: "pprof.diff_top",
          arguments: {
            before: "<step 1's result.before_profile.handle>",
            after: "<step 1's result.after_profile.handle>",
            cum: true,
            nodecount: 20,
          },
          why: "what else moved: a fix can push the cost to a caller or a callee",
        },
      ];
    },
  },
  {
    name: "memory_investigation",
    title: "Investigate memory growth or an OOM",
    description: "Why a Go service's memory grows or it gets OOM-killed: memory sanity over its heap, goroutine and " +
      "CPU profiles (RSS versus heap, off-heap memory, goroutine stacks), what is retained, what leaks goroutines, " +
      "and how the in-use heap changed over a few hours.",
    arguments: [service, env, {
      name: "container_rss_mb",
      description: "The container's RSS (or memory limit) in MB, to compare with the heap (optional)",
    }],
    goal: (a) => `Explain where the memory of ${a.service} (${a.env}) goes and what keeps growing.`,
    steps: (a) => {
      const rss = positiveInt(a, "container_rss_mb");
      return [
        {
          tool: "profiles.download_latest_bundle",
          arguments: { service: a.service, env: a.env, out_dir: folder(a, "memory") },
          why: "the latest heap, goroutine and CPU profiles, with handles",
        },
        {
          tool: "pprof.memory_sanity",
          arguments: {
            heap_profile: "<the heap handle of step 1>",
            goroutine_profile: "<the goroutines handle of step 1>",
            cpu_profile: "<the cpu handle of step 1>",
            ...(rss !== undefined ? { container_rss_mb: rss } : {}),
          },
          why: "RSS against the heap: off-heap memory (cgo, SQLite), compression buffers, goroutine stacks",
        },
        {
          tool: "pprof.alloc_paths",
          arguments: { profile: "<the heap handle of step 1>", sample_index: "inuse_space" },
          why: "who holds the in-use memory; retained_pct near 100% is a cache or collection that only grows",
        },
        {
          tool: "pprof.goroutine_analysis",
          arguments: { profile: "<the goroutines handle of step 1>" },
          why: "leaked goroutines keep their stacks and everything they reference",
        },
        {
          tool: "datadog.profiles.compare_range",
          arguments: {
            service: a.service,
            env: a.env,
            before_from: "-6h",
            before_to: "-5h",
            after_from: "-1h",
            profile_type: "heap",
            out_dir: folder(a, "memory_growth"),
          },
          why: "the heap five hours apart: what grew",
        },
        {
          tool: "pprof.diff_top",
          arguments: {
            before: "<step 5's result.before_profile.handle>",
            after: "<step 5's result.after_profile.handle>",
            sample_index: "inuse_space",
            nodecount: 20,
          },
          why: "the allocation sites whose in-use bytes grew most",
        },
      ];
    },
  },
  {
    name: "deploy_regression",
    title: "A regression after a deploy",
    description: "What got slower with a deploy: the profiles around it, the functions whose share grew, a gate " +
      "on the worst of them, and its history across the deploy.",
    arguments: [service, env, {
      name: "deployed_at",
      description: "When the deploy happened, RFC 3339 (e.g. 2026-01-07T10:00:00Z)",
      required: true,
    }, {
      name: "profile_type",
      description: "cpu (default), heap, mutex, block or goroutines",
    }],
    goal: (a) => `Find what ${a.service} (${a.env}) spends more on since the deploy at ${a.deployed_at}.`,
    steps: (a) => {
      const t = time(a, "deployed_at");
      const type = a.profile_type?.trim() || "cpu";
      if (!["cpu", "heap", "mutex", "block", "goroutines"].includes(type)) {
        throw new PromptArgumentError(`argument profile_type must be cpu, heap, mutex, block or goroutines`);
      }
      return [
        {
          tool: "datadog.profiles.near_event",
          arguments: { service: a.service, env: a.env, event_time: iso(t) },
          why: "which profiles exist around the deploy (a gap means no data to compare)",
        },
        {
          tool: "datadog.profiles.compare_range",
          arguments: {
            service: a.service,
            env: a.env,
            before_from: iso(t - 2 * HOUR),
            before_to: iso(t),
            after_from: iso(t),
            after_to: iso(t + 2 * HOUR),
            mode: "aggregate",
            profile_type: type,
            out_dir: folder(a, "deploy"),
          },
          why: "up to ten profiles on each side merged, so noise does not pass for a regression",
        },
        {
          tool: "pprof.regression_check",
          arguments: {
            baseline: "<step 2's result.before_profile.handle>",
            candidate: "<step 2's result.after_profile.handle>",
            checks: [{
              function: "<the top function of step 2's result.top_changes>",
              metric: "cum_pct_delta",
              max: 1,
            }],
          },
          why: "a pass/fail on the worst mover, to put in CI once it is fixed",
        },
        {
          tool: "datadog.function_history",
          arguments: {
            service: a.service,
            env: a.env,
            function: "<the top function of step 2's result.top_changes>",
            from: iso(t - 6 * HOUR),
            to: iso(t + 2 * HOUR),
          },
          why: "its share profile by profile: a step at the deploy, or a slow drift that started earlier",
        },
      ];
    },
  },
  {
    name: "tenant_analysis",
    title: "What one tenant costs",
    description: "Per-tenant (or per-endpoint, per-connector) cost from profile labels: which values of a label take " +
      "the most CPU, and the hot functions of the heaviest one.",
    arguments: [service, env, {
      name: "label",
      description: "The label to split by (default tenant_id)",
    }, {
      name: "value",
      description: "One value of the label to look into (default: the heaviest one)",
    }],
    goal: (a) =>
      `Split the CPU of ${a.service} (${a.env}) by ${a.label?.trim() || "tenant_id"} and explain the heaviest value.`,
    steps: (a) => {
      const label = a.label?.trim() || "tenant_id";
      const value = a.value?.trim() || `<the heaviest ${label} of step 2>`;
      return [
        {
          tool: "profiles.download_latest_bundle",
          arguments: { service: a.service, env: a.env, out_dir: folder(a, "tenants") },
          why: "the latest CPU profile with its labels",
        },
        {
          tool: "pprof.tags",
          arguments: { profile: "<the cpu handle of step 1>", tag_show: label },
          why: `the CPU per ${label} value`,
        },
        {
          tool: "pprof.tags",
          arguments: { profile: "<the cpu handle of step 1>", tag_focus: `${label}=${value}`, nodecount: 20 },
          why: "the hot functions of that value alone",
        },
        {
          tool: "pprof.storylines",
          arguments: { profile: "<the cpu handle of step 1>", focus: "<the top function of step 3>" },
          why: "the call chain behind it, down to your code",
        },
      ];
    },
  },
  {
    name: "temporal_worker_tuning",
    title: "Tune a Temporal worker",
    description: "A Temporal worker's real settings and load from its goroutines: pollers, executing activities, " +
      "cached workflows, what the activities wait on, and where its CPU goes.",
    arguments: [service, env],
    goal: (a) => `Infer the Temporal worker settings of ${a.service} (${a.env}) and what limits its throughput.`,
    steps: (a) => [
      {
        tool: "profiles.download_latest_bundle",
        arguments: { service: a.service, env: a.env, out_dir: folder(a, "temporal") },
        why: "the latest goroutine and CPU profiles",
      },
      {
        tool: "pprof.temporal_analysis",
        arguments: { profile: "<the goroutines handle of step 1>" },
        why: "pollers (default or configured), executing activities, cached workflows, heartbeats",
      },
      {
        tool: "pprof.goroutine_categorize",
        arguments: { profile: "<the goroutines handle of step 1>", presets: ["temporal", "grpc", "database", "http"] },
        why: "how many goroutines each layer holds",
      },
      {
        tool: "pprof.goroutine_analysis",
        arguments: { profile: "<the goroutines handle of step 1>" },
        why: "what activities wait on (network, locks, channels): more pollers do not help a blocked activity",
      },
      {
        tool: "pprof.top",
        arguments: { profile: "<the cpu handle of step 1>", nodecount: 20 },
        why: "whether the worker is CPU-bound",
      },
    ],
  },
];

/** A message of `prompts/get`. */
export interface PromptMessage {
  role: "user";
  content: { type: "text"; text: string };
}

/** The prompt `name` with `args` as one user message: the goal, the numbered calls, and how to read them. */
export function renderPrompt(
  def: PromptDef,
  args: Record<string, string>,
  registry: ToolRegistry,
  mode: NameMode,
): { description: string; messages: PromptMessage[] } {
  for (const a of def.arguments) {
    if (a.required && !(args[a.name] ?? "").trim()) {
      throw new PromptArgumentError(`missing required argument ${a.name}`);
    }
  }
  const steps = exposedSteps(def, args, registry, mode);
  const lines = [registry.exposeText(def.goal(args), mode), "", "Call these tools in order:"];
  steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.tool} ${JSON.stringify(s.arguments)}`, `   Why: ${registry.exposeText(s.why, mode)}`);
  });
  lines.push(
    "",
    "Values in <angle brackets> come from an earlier step's result (handles, paths, function names). Report what " +
      "each step found, with its numbers, before going on; stop early when a step answers the question.",
  );
  return {
    description: registry.exposeText(def.description, mode),
    messages: [{ role: "user", content: { type: "text", text: lines.join("\n") } }],
  };
}

/** The steps of a prompt under the names the client sees, without steps whose tool is not registered. */
export function exposedSteps(
  def: PromptDef,
  args: Record<string, string>,
  registry: ToolRegistry,
  mode: NameMode,
): PromptStep[] {
  return def.steps(args).flatMap((s) => {
    const tool = registry.toolName(s.tool, mode);
    return tool ? [{ ...s, tool }] : [];
  });
}

/** `prompts/list`: every guide, with its arguments, described under the client's tool names. */
export function listPrompts(registry: ToolRegistry, mode: NameMode) {
  return PROMPTS.map((p) => ({
    name: p.name,
    title: p.title,
    description: registry.exposeText(p.description, mode),
    arguments: p.arguments.map((a) => ({
      name: a.name,
      description: registry.exposeText(a.description, mode),
      required: a.required ?? false,
    })),
  }));
}
