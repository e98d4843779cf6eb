/**
 * Tool schemas: zod definitions turned into the JSON Schemas tools/list shows,
 * and the argument validator whose errors name the field, what was expected
 * and what was received (the original tool's wording).
 *
 * @module
 */
import { z } from "zod";
import { UserError } from "../errors.ts";

/** A JSON Schema object. */
export type JsonSchema = { [key: string]: unknown };

function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (node === null || typeof node !== "object") return node;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$schema") continue;
    // zod's integer bounds of ±2^53 say nothing a client needs.
    if ((k === "maximum" && v === Number.MAX_SAFE_INTEGER) || (k === "minimum" && v === Number.MIN_SAFE_INTEGER)) {
      continue;
    }
    out[k] = clean(v);
  }
  return out;
}

/**
 * The JSON Schema (draft-07 keywords, which draft 2020-12 validators read the
 * same way) of a zod schema, with `type: "object"` at the root as MCP requires.
 */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const s = clean(z.toJSONSchema(schema, { target: "draft-7", io, unrepresentable: "any" })) as JsonSchema;
  if (s.type === undefined) s.type = "object";
  return s;
}

const HINT = "Check the arguments against the tool's input schema.";

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "object" : typeof v;
}

/** A received value as error messages show it: secrets redacted, long values shortened. */
export function describeReceived(field: string, v: unknown): string {
  if (/key|token|secret|password/i.test(field)) return "[REDACTED]";
  if (v === undefined) return "<missing>";
  if (Array.isArray(v)) return `array(len=${v.length})`;
  if (v !== null && typeof v === "object") return `object(len=${Object.keys(v).length})`;
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 200 ? s.slice(0, 200) + "...(truncated)" : s;
}

function invalid(field: string, message: string, expected: string, v: unknown): UserError {
  return new UserError(message, "INVALID_ARGUMENT", {
    field,
    expected,
    received: describeReceived(field, v),
    hint: HINT,
  });
}

function checkValue(field: string, s: JsonSchema, v: unknown): void {
  if (v === null) throw invalid(field, `invalid argument "${field}": value is null`, "a value", v);
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf as JsonSchema[];
    const array = branches.find((b) => b.type === "array");
    // An array-or-string field: a plain string counts as one item.
    if (typeof v === "string" && array && typeof array.minItems === "number" && array.minItems > 1) {
      throw invalid(
        field,
        `invalid argument "${field}": expected at least ${array.minItems} items, got 1`,
        `at least ${array.minItems} items`,
        v,
      );
    }
    const errors: UserError[] = [];
    for (const b of branches) {
      try {
        checkValue(field, b, v);
        return;
      } catch (e) {
        errors.push(e as UserError);
      }
    }
    const types = branches.map((b) => b.type).filter(Boolean);
    const sameType = errors.find((_, i) =>
      branches[i].type === jsonType(v) ||
      (branches[i].type === "integer" && typeof v === "number")
    );
    if (sameType) throw sameType;
    throw invalid(
      field,
      `invalid argument "${field}": expected ${types.join(" or ")}, got ${jsonType(v)}`,
      types.join(" or "),
      v,
    );
  }
  const t = s.type as string | undefined;
  const actual = jsonType(v);
  const typeOk = t === undefined || t === actual || (t === "integer" && typeof v === "number" && Number.isInteger(v));
  if (!typeOk) {
    throw invalid(field, `invalid argument "${field}": expected ${t}, got ${actual}`, t!, v);
  }
  if (Array.isArray(s.enum) && !s.enum.includes(v)) {
    const options = (s.enum as unknown[]).map(String).join(", ");
    throw invalid(field, `invalid argument "${field}": value "${v}" is not allowed`, `one of: ${options}`, v);
  }
  if (typeof v === "number") {
    if (typeof s.minimum === "number" && v < s.minimum) {
      throw invalid(
        field,
        `invalid argument "${field}": value ${v} is below minimum ${s.minimum}`,
        `>= ${s.minimum}`,
        v,
      );
    }
    if (typeof s.maximum === "number" && v > s.maximum) {
      throw invalid(
        field,
        `invalid argument "${field}": value ${v} exceeds maximum ${s.maximum}`,
        `<= ${s.maximum}`,
        v,
      );
    }
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === "number" && v.length < s.minItems) {
      throw invalid(
        field,
        `invalid argument "${field}": expected at least ${s.minItems} items, got ${v.length}`,
        `at least ${s.minItems} items`,
        v,
      );
    }
    if (s.items && typeof s.items === "object") {
      v.forEach((item, i) => checkValue(`${field}[${i}]`, s.items as JsonSchema, item));
    }
  }
  if (actual === "object" && s.properties) checkObject(field, s, v as Record<string, unknown>);
}

function checkObject(prefix: string, s: JsonSchema, obj: Record<string, unknown>): void {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const name = (k: string) => (prefix === "" ? k : `${prefix}.${k}`);
  for (const k of (s.required ?? []) as string[]) {
    if (obj[k] === undefined || obj[k] === null) {
      throw new UserError(`missing required argument "${name(k)}"`, "INVALID_ARGUMENT", {
        field: name(k),
        expected: "required field",
        received: "<missing>",
        hint: HINT,
      });
    }
  }
  for (const [k, v] of Object.entries(obj)) {
    if (!(k in props)) {
      if (s.additionalProperties === false) {
        throw invalid(name(k), `unknown argument "${name(k)}"`, `one of: ${Object.keys(props).sort().join(", ")}`, v);
      }
      continue;
    }
    checkValue(name(k), props[k], v);
  }
}

/**
 * Checks tool arguments against the tool's input JSON Schema.
 *
 * @throws {UserError} INVALID_ARGUMENT with field, expected and received details
 */
export function validateArgs(schema: JsonSchema, args: unknown): void {
  if (args === undefined) args = {};
  if (jsonType(args) !== "object") {
    throw invalid("arguments", `invalid arguments: expected object, got ${jsonType(args)}`, "object", args);
  }
  checkObject("", schema, args as Record<string, unknown>);
}
