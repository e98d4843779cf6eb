/**
 * The one registry of tools. Each tool is defined once (name, title,
 * description, zod input and output schemas, annotations, handler); the MCP
 * server and the CLI both list and call tools through this registry, so the
 * validation, path sandboxing, error envelope and result shape are the same
 * everywhere.
 *
 * @module
 */
import { z } from "zod";
import { type ErrorCode, NoMatchError, UserError } from "../errors.ts";
import type { HandleRegistry } from "./handles.ts";
import { type PathField, pathFields } from "./paths.ts";
import type { Sandbox } from "./sandbox.ts";
import { type JsonSchema, jsonSchema, validateArgs } from "./schema.ts";

/** How tool names are exposed: dotted, or with `_` for clients that reject dots (Codex). */
export type NameMode = "default" | "codex";

/** The exposed name of a canonical tool name. */
export function exposedName(name: string, mode: NameMode): string {
  return mode === "codex" ? name.replaceAll(".", "_") : name;
}

/** The naming mode: the `--tool-name-mode` flag if given, else `PPROF_MCP_TOOL_NAME_MODE`; only "codex" counts. */
export function nameMode(flag?: string, env?: string): NameMode {
  const pick = (flag ?? "").trim() !== "" ? flag! : env ?? "";
  return pick.trim().toLowerCase() === "codex" ? "codex" : "default";
}

/** {@link nameMode} of a `--tool-name-mode` flag and this process's `PPROF_MCP_TOOL_NAME_MODE`. */
export function configuredNameMode(flag?: string): NameMode {
  return nameMode(flag, Deno.env.get("PPROF_MCP_TOOL_NAME_MODE"));
}

/** What a tool name looks like in prose: dotted lower-case words, e.g. `pprof.top`, `datadog.profiles.list`. */
const TOOL_NAME = /\b[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+\b/g;

/** MCP tool annotations. */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** What a handler gets besides its arguments. */
export interface ToolContext {
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
  /** Reports progress to the client, when it asked for it. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  sandbox: Sandbox;
  handles: HandleRegistry;
  /** The name the client called the tool by. */
  exposedName: string;
  /**
   * The name the client sees for a registered tool (canonical name in), or
   * undefined when no such tool is registered: hints and next steps name
   * tools only through this, so they never point at a tool that is not there.
   */
  toolName(canonical: string): string | undefined;
}

/** A tool: schemas, annotations and one handler. */
// deno-lint-ignore no-explicit-any
export interface ToolDef<I extends z.ZodObject<any> = z.ZodObject<any>, O extends z.ZodType = z.ZodType> {
  /** Canonical (dotted) name. */
  name: string;
  title: string;
  /** Written for a model choosing among tools: what it does, when to use it. */
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /**
   * The tool can answer "no matches" (a result, not an error); `patternArgs`
   * are the arguments holding the pattern that matched nothing, first set wins.
   */
  noMatches?: { patternArgs: string[] };
  /** A one-line summary put before the result in the text content. */
  summary?(out: z.infer<O>): string;
  /** The text body (default: the result as compact JSON). */
  text?(out: z.infer<O>): string;
  /** Links to files the call wrote, put after the text as `resource_link` content (a file is never inlined). */
  links?(out: z.infer<O>): ResourceLink[];
  run(args: z.infer<I>, ctx: ToolContext): Promise<z.infer<O>>;
}

const errorPayload = z.object({
  error: z.object({
    message: z.string(),
    code: z.enum(["INVALID_ARGUMENT", "NOT_FOUND", "CANCELED", "INTERNAL"]),
    details: z.object({
      field: z.string().optional(),
      expected: z.string().optional(),
      received: z.string().optional(),
      hint: z.string().optional(),
    }).optional(),
  }),
});

const noMatchPayload = z.object({
  matched: z.literal(false),
  reason: z.literal("no_matches"),
  tool: z.string(),
  hint: z.string(),
  pattern: z.string().optional(),
});

/** An MCP tool as tools/list describes it. */
export interface ListedTool {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  annotations: ToolAnnotations & { title: string };
}

export { contentText, type ResourceLink, type ToolResult } from "./result.ts";
import type { ResourceLink, ToolResult } from "./result.ts";

function errorResult(message: string, code: ErrorCode, details: UserError["details"] = {}): ToolResult {
  const d = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined && v !== ""));
  const lines = [message];
  if (d.expected) lines.push(`Expected: ${d.expected}`);
  if (d.received) lines.push(`Received: ${d.received}`);
  if (d.hint) lines.push(`Hint: ${d.hint}`);
  const error = Object.keys(d).length > 0 ? { message, code, details: d } : { message, code };
  return { content: [{ type: "text", text: lines.join("\n") }], structuredContent: { error }, isError: true };
}

/** The registry: add tools, list them, call them. */
export class ToolRegistry {
  #tools = new Map<string, ToolDef>();
  #schemas = new Map<string, { input: JsonSchema; output: JsonSchema }>();
  #paths = new Map<string, readonly PathField[]>();

  /** Adds a tool; names must be non-empty and unique. */
  add(def: ToolDef): void {
    if (def.name.trim() === "") throw new Error("tool name must not be empty");
    if (this.#tools.has(def.name)) throw new Error(`duplicate tool name ${def.name}`);
    this.#tools.set(def.name, def);
  }

  /** Every tool, by canonical name. */
  get tools(): ToolDef[] {
    return [...this.#tools.values()];
  }

  /** JSON Schemas of a tool's input and of every result it can give (payload, no match, error). */
  schemas(def: ToolDef): { input: JsonSchema; output: JsonSchema } {
    let s = this.#schemas.get(def.name);
    if (!s) {
      const results = def.noMatches ? [def.output, noMatchPayload, errorPayload] : [def.output, errorPayload];
      s = {
        input: jsonSchema(def.input, "input"),
        output: jsonSchema(z.union(results as [z.ZodType, z.ZodType]), "output"),
      };
      this.#schemas.set(def.name, s);
    }
    return s;
  }

  /** tools/list: every tool under its exposed name, sorted by that name. */
  list(mode: NameMode): ListedTool[] {
    return this.tools.map((def) => {
      const name = exposedName(def.name, mode);
      const text = this.exposeText(def.description, mode);
      const description = mode === "codex" ? `Codex tool name: ${name}\n\n${text}` : text;
      const { input, output } = this.schemas(def);
      const expose = (schema: JsonSchema) =>
        mode === "default" ? schema : mapDescriptions(schema, (t) => this.exposeText(t, mode)) as JsonSchema;
      return {
        name,
        title: def.title,
        description,
        inputSchema: expose(input),
        outputSchema: expose(output),
        annotations: { title: def.title, ...def.annotations },
      };
    }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * `text` with every registered tool's canonical name replaced by the name
   * the client sees in `mode` (descriptions, instructions and hints are
   * written with canonical names).
   */
  exposeText(text: string, mode: NameMode): string {
    if (mode === "default") return text;
    return text.replace(TOOL_NAME, (m) => (this.#tools.has(m) ? exposedName(m, mode) : m));
  }

  /** The exposed name of a registered tool, or undefined. */
  toolName(canonical: string, mode: NameMode): string | undefined {
    return this.#tools.has(canonical) ? exposedName(canonical, mode) : undefined;
  }

  /** The path arguments of a tool, as its input schema marks them. */
  pathFields(def: ToolDef): readonly PathField[] {
    let f = this.#paths.get(def.name);
    if (!f) {
      f = pathFields(def.input);
      this.#paths.set(def.name, f);
    }
    return f;
  }

  /** The tool exposed as `name` in `mode`. */
  find(name: string, mode: NameMode): ToolDef | undefined {
    return this.tools.find((t) => exposedName(t.name, mode) === name);
  }

  /**
   * tools/call: validates the arguments, resolves paths and handles through
   * the sandbox, runs the handler and shapes the result or error.
   */
  async call(
    name: string,
    args: unknown,
    mode: NameMode,
    ctx: Omit<ToolContext, "exposedName" | "toolName">,
  ): Promise<ToolResult> {
    const def = this.find(name, mode);
    if (!def) {
      return errorResult(`unknown tool "${name}"`, "INVALID_ARGUMENT", {
        hint: "Call tools/list (or `pprof-mcp tools`) for the available tools.",
      });
    }
    try {
      validateArgs(this.schemas(def).input, args);
      const parsed = def.input.parse(args ?? {});
      const resolved = ctx.sandbox.resolveArgs(parsed, this.pathFields(def));
      const out = await def.run(resolved, {
        ...ctx,
        exposedName: name,
        toolName: (canonical) => this.toolName(canonical, mode),
      });
      const summary = def.summary?.(out);
      const body = def.text?.(out) ?? JSON.stringify(out);
      return {
        content: [{ type: "text", text: summary ? `${summary}\n\n${body}` : body }, ...(def.links?.(out) ?? [])],
        structuredContent: out as Record<string, unknown>,
        isError: false,
      };
    } catch (e) {
      if (e instanceof NoMatchError && def.noMatches) return noMatchResult(name, def.noMatches.patternArgs, e, args);
      if (ctx.signal.aborted || (e instanceof DOMException && e.name === "AbortError")) {
        return errorResult("the call was canceled", "CANCELED");
      }
      if (e instanceof UserError) return errorResult(e.message, e.code, e.details);
      if (e instanceof z.ZodError) return errorResult(`invalid arguments: ${z.prettifyError(e)}`, "INVALID_ARGUMENT");
      return errorResult(e instanceof Error ? e.message : String(e), "INTERNAL");
    }
  }
}

/** `schema` with `f` applied to every `description` string in it (the descriptions of arguments and results). */
function mapDescriptions(schema: unknown, f: (text: string) => string): unknown {
  if (Array.isArray(schema)) return schema.map((x) => mapDescriptions(x, f));
  if (schema === null || typeof schema !== "object") return schema;
  const entries = Object.entries(schema).map(([k, v]) =>
    [k, k === "description" && typeof v === "string" ? f(v) : mapDescriptions(v, f)] as const
  );
  return Object.fromEntries(entries);
}

function noMatchResult(tool: string, patternArgs: string[], e: NoMatchError, args: unknown): ToolResult {
  const a = (args ?? {}) as Record<string, unknown>;
  const pattern = patternArgs
    .map((k) => a[k])
    .find((v) => typeof v === "string" && v !== "") as string | undefined;
  const hint = e.details.hint ?? "Try a broader, case-insensitive regexp such as (?i)Name.";
  const payload = { matched: false, reason: "no_matches", tool, hint, ...(pattern ? { pattern } : {}) };
  return {
    content: [{ type: "text", text: `${e.message}\nHint: ${hint}` }],
    structuredContent: payload,
    isError: false,
  };
}
