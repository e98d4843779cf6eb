/**
 * The workflow guides as MCP prompts: every step names a registered tool and passes arguments its input schema
 * accepts (in both naming modes), and prompts/list and prompts/get answer through the SDK's Client.
 */
import a from "node:assert/strict";
import { exposedSteps, PromptArgumentError, PROMPTS, renderPrompt } from "../lib/prompts/prompts.ts";
import { createRegistry } from "../lib/tools/index.ts";
import type { NameMode } from "../lib/tools/registry.ts";
import { validateArgs } from "../lib/tools/schema.ts";
import { startModernServer, startServer } from "./mcp_client.ts";

/** Arguments for every prompt argument: required and optional ones filled. */
const SAMPLE: Record<string, string> = {
  service: "checkout",
  env: "prod",
  repo_prefix: "github.com/acme/checkout",
  function: "main.(*pricer).Price",
  fixed_at: "2026-01-07T10:00:00Z",
  deployed_at: "2026-01-07T10:00:00Z",
  profile_type: "heap",
  container_rss_mb: "2048",
  label: "tenant_id",
  value: "acme",
};

/** A prompt's arguments from the samples: all of them, or the required ones only. */
function argsOf(def: (typeof PROMPTS)[number], all: boolean): Record<string, string> {
  return Object.fromEntries(def.arguments.filter((x) => all || x.required).map((x) => [x.name, SAMPLE[x.name]]));
}

Deno.test("prompts: every step names a registered tool and passes arguments its schema accepts", () => {
  const r = createRegistry();
  for (const mode of ["default", "codex"] as NameMode[]) {
    for (const p of PROMPTS) {
      for (const all of [true, false]) {
        const args = argsOf(p, all);
        for (const x of p.arguments) a.ok(x.name in SAMPLE, `${p.name}: no sample for argument ${x.name}`);
        const steps = p.steps(args);
        a.ok(steps.length >= 2, `${p.name}: a guide is a sequence`);
        const exposed = exposedSteps(p, args, r, mode);
        a.equal(exposed.length, steps.length, `${p.name}: every tool it names is registered`);
        for (const s of exposed) {
          const def = r.find(s.tool, mode);
          if (!def) throw new Error(`${p.name}: ${s.tool} is not a tool in ${mode} mode`);
          validateArgs(r.schemas(def).input, s.arguments);
          def.input.parse(s.arguments);
        }
      }
    }
  }
});

Deno.test("prompts: times become the ranges the Datadog tools take; bad arguments are refused", () => {
  const verify = PROMPTS.find((p) => p.name === "verify_fix")!;
  const [compare, check] = verify.steps({ ...SAMPLE, function: "main.scoreTerms" });
  a.deepEqual(
    [compare.arguments.before_from, compare.arguments.before_to, compare.arguments.after_from],
    ["2026-01-07T08:00:00Z", "2026-01-07T10:00:00Z", "2026-01-07T10:00:00Z"],
  );
  a.deepEqual(check.arguments.checks, [{ function: "^main\\.scoreTerms$", metric: "cum_pct_delta", max: 0 }]);
  a.throws(() => verify.steps({ ...SAMPLE, fixed_at: "yesterday" }), PromptArgumentError);
  const memory = PROMPTS.find((p) => p.name === "memory_investigation")!;
  a.throws(() => memory.steps({ ...SAMPLE, container_rss_mb: "2 GB" }), PromptArgumentError);
  a.throws(() => renderPrompt(verify, { service: "checkout" }, createRegistry(), "default"), /missing required/);
});

Deno.test({
  name: "prompts over MCP: listed with arguments, rendered with the client's tool names, errors for bad requests",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    for (const mode of ["default", "codex"] as const) {
      const c = await startServer(mode === "codex" ? { args: ["--tool-name-mode=codex"] } : {});
      try {
        a.ok(c.getServerCapabilities()?.prompts, "prompts capability");
        const { prompts } = await c.listPrompts();
        a.deepEqual(prompts.map((p: { name: string }) => p.name), PROMPTS.map((p) => p.name));
        const discover = prompts.find((p: { name: string }) => p.name === "discover_hotspots")!;
        a.deepEqual(discover.arguments?.map((x: { name: string; required?: boolean }) => [x.name, x.required]), [
          ["service", true],
          ["env", true],
          ["repo_prefix", false],
        ]);
        const got = await c.getPrompt({ name: "discover_hotspots", arguments: { service: "checkout", env: "prod" } });
        const text = (got.messages[0].content as { text: string }).text;
        const name = mode === "codex" ? "pprof_discover" : "pprof.discover";
        a.ok(text.includes(`1. ${name} {"service":"checkout","env":"prod"`), text);
        if (mode === "codex") a.ok(!/\bpprof\.[a-z]/.test(text), `codex text names a dotted tool: ${text}`);
        for (const p of PROMPTS) {
          const r = await c.getPrompt({ name: p.name, arguments: argsOf(p, false) });
          a.equal(r.messages.length, 1);
          a.equal(r.messages[0].role, "user");
        }
        await a.rejects(c.getPrompt({ name: "no_such_prompt" }), /unknown prompt "no_such_prompt"/);
        await a.rejects(
          c.getPrompt({ name: "verify_fix", arguments: { service: "checkout", env: "prod", function: "f" } }),
          /prompt verify_fix: missing required argument fixed_at/,
        );
      } finally {
        await c.close();
      }
    }
  },
});

Deno.test({
  name: "prompts over MCP 2026-07-28: a stateless client lists and gets them too",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { client } = await startModernServer();
    try {
      const { prompts } = await client.listPrompts();
      a.deepEqual(prompts.map((p: { name: string }) => p.name), PROMPTS.map((p) => p.name));
      const r = await client.getPrompt({
        name: "temporal_worker_tuning",
        arguments: { service: "worker", env: "prod" },
      });
      const text = (r.messages[0].content as { text: string }).text;
      a.match(text, /^2\. pprof\.temporal_analysis \{"profile":"<the goroutines handle of step 1>"\}$/m);
    } finally {
      await client.close();
    }
  },
});
