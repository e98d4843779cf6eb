/**
 * The Datadog answers pprof-mcp reads, as zod schemas: a changed API gives "unexpected Datadog response: <field>:
 * …" naming the field, never an undefined value further on.
 *
 * @module
 */
import { z } from "zod";
import { DatadogError } from "./http.ts";

/** `data[3].attributes.timestamp` from a zod issue path. */
function fieldPath(prefix: string, path: PropertyKey[]): string {
  let out = prefix;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out || "(the whole answer)";
}

/**
 * Parses `value` with `schema`.
 *
 * @throws {DatadogError} `unexpected Datadog response from <what>: <field>: <problem>`.
 */
export function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, what: string, prefix = ""): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const problem = issue.message.replace(/^Invalid input: /, "");
  throw new DatadogError(`unexpected Datadog response from ${what}: ${fieldPath(prefix, issue.path)}: ${problem}`);
}

/**
 * The JSON of a body.
 *
 * @throws {DatadogError} when it is not JSON.
 */
export function parseJson(body: Uint8Array, what: string): unknown {
  const text = new TextDecoder().decode(body);
  try {
    return JSON.parse(text);
  } catch (e) {
    const start = text.slice(0, 80).replace(/\s+/g, " ");
    throw new DatadogError(`unexpected Datadog response from ${what}: not JSON (${(e as Error).message}): ${start}`);
  }
}

const str = z.string().nullish();

/** The attributes of a list entry that pprof-mcp reads (everything else is ignored). */
const attributes = z.looseObject({
  "profile-id": str,
  profile_id: str,
  timestamp: str,
  version: str,
  tags: z.array(z.unknown()).nullish(),
  service: str,
  service_name: str,
  "service-name": str,
  env: str,
  environment: str,
  host: str,
});

/** One entry of the profiles list. */
export const listEntry = z.looseObject({
  id: str,
  "profile-id": str,
  profile_id: str,
  timestamp: str,
  version: str,
  attributes: attributes.nullish(),
});

/** A list entry as read. */
export type ListEntry = z.infer<typeof listEntry>;

/** The profiles list answer: entries (any JSON, checked one by one) and the next page's cursor. */
export const listAnswer = z.looseObject({
  data: z.array(z.unknown(), { error: (i) => (i.input === undefined ? "missing" : "expected an array") }),
  meta: z.looseObject({
    page: z.looseObject({ after: z.string().nullish() }).nullish(),
  }).nullish(),
});

/** The metric search answer (`GET /api/v1/search`). */
export const searchAnswer = z.looseObject({
  results: z.looseObject({ metrics: z.array(z.string()).nullish() }),
});

const point = z.array(z.number().nullable());

/** The metric query answer (`GET /api/v1/query`). */
export const queryAnswer = z.looseObject({
  series: z.array(
    z.looseObject({
      metric: z.string(),
      pointlist: z.array(point).nullish(),
      tag_set: z.array(z.string()).nullish(),
      unit: z.array(z.looseObject({ name: z.string().nullish() }).nullable()).nullish(),
    }),
  ).nullish(),
});
