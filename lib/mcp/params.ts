/**
 * Checks the params of the requests the server answers against the SDK's
 * schemas before the SDK sees them, so that a misfit is answered with
 * -32602 and a sentence (`params.name must be a string, not a number`)
 * instead of -32603 and a dump of zod's issues.
 *
 * @module
 */
import {
  CallToolRequestSchema,
  InitializeRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ParamsCheck } from "./stdio.ts";

/** The requests the server answers, by method, with the schema their params must fit. */
const REQUESTS = new Map(
  [
    InitializeRequestSchema,
    PingRequestSchema,
    ListToolsRequestSchema,
    CallToolRequestSchema,
    ListResourcesRequestSchema,
    ListResourceTemplatesRequestSchema,
    ReadResourceRequestSchema,
  ].map((s) => [
    s.shape.method.value as string,
    s,
  ]),
);

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  errors?: Issue[][];
}

/** A zod type name as prose: "an object", "a string"… */
function article(type: string): string {
  const t = type === "record" ? "object" : type;
  return t === "null" || t === "undefined" ? t : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function kind(v: unknown): string {
  return article(v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
}

/** One issue as a sentence; `data` is what was parsed, to say what was received. */
function describeIssue(i: Issue, data: unknown): string {
  const path = i.path.map(String).join(".");
  const value = i.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], data);
  let expected = i.code === "invalid_type" && i.expected ? article(i.expected) : undefined;
  if (i.code === "invalid_union" && i.errors) {
    const alternatives = [...new Set(i.errors.flat().map((e) => e.expected).filter((e): e is string => !!e))];
    if (alternatives.length) expected = alternatives.map(article).join(" or ");
  }
  if (expected === undefined) return `${path}: ${i.message}`;
  return value === undefined
    ? `${path} is missing (expected ${expected})`
    : `${path} must be ${expected}, not ${kind(value)}`;
}

/** {@link ParamsCheck} for the requests this server answers: what does not fit, in a sentence. */
export const checkParams: ParamsCheck = ({ method, params }) => {
  const schema = REQUESTS.get(method);
  if (!schema) return undefined;
  const data = { method, params };
  const r = schema.safeParse(data);
  if (r.success) return undefined;
  const issues = r.error.issues as unknown as Issue[];
  return issues.slice(0, 3).map((i) => describeIssue(i, data)).join("; ");
};
