/**
 * Path arguments, marked in the schema: a tool declares a file or folder
 * argument with {@link pathArg} (read), {@link outputPathArg} (written) or
 * {@link pathListArg}, and the registry resolves and confines every marked
 * argument through the sandbox. Nothing else decides which arguments are
 * paths, so a new tool's `out_dir` cannot skip the check by its name.
 *
 * @module
 */
import { z } from "zod";

/** How a tool uses a path: reads it (handles accepted) or writes it. */
export type PathUse = "read" | "write";

const marks = z.registry<{ use: PathUse }>();

function marked(use: PathUse, description: string): z.ZodString {
  const s = z.string().describe(description);
  s.register(marks, { use });
  return s;
}

/** A file or folder the tool reads: a path, or for profiles a handle. */
export function pathArg(description: string): z.ZodString {
  return marked("read", description);
}

/** A file or folder the tool writes (or creates): a path, never a handle. */
export function outputPathArg(description: string): z.ZodString {
  return marked("write", description);
}

/** Paths the tool reads, as a list (a plain string counts as one), with at least `min` items. */
export function pathListArg(description: string, min = 0) {
  const item = marked("read", "A path or handle");
  const list = min > 0 ? z.array(item).min(min) : z.array(item);
  return z.union([list, item]).describe(description);
}

/** One path argument of a tool's input. */
export interface PathField {
  key: string;
  use: PathUse;
  /** The argument may hold a list of paths. */
  list: boolean;
}

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[] };

const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The marks found in a schema, looking through optional, default, nullable, union and array. */
function findMarks(s: z.ZodType, inList = false): { use: PathUse; list: boolean }[] {
  const mark = marks.get(s);
  if (mark) return [{ use: mark.use, list: inList }];
  const d = defOf(s);
  if (d.innerType) return findMarks(d.innerType, inList);
  if (d.type === "array" && d.element) return findMarks(d.element, true);
  if (d.type === "union" && d.options) return d.options.flatMap((o) => findMarks(o, inList));
  return [];
}

/** Every marked path argument of an object schema. */
export function pathFields(input: z.ZodObject): PathField[] {
  const out: PathField[] = [];
  for (const [key, schema] of Object.entries(input.shape)) {
    const found = findMarks(schema as z.ZodType);
    if (found.length === 0) continue;
    out.push({ key, use: found.some((f) => f.use === "write") ? "write" : "read", list: found.some((f) => f.list) });
  }
  return out;
}

/** Whether a schema holds a string anywhere (looking through wrappers, unions and arrays). */
export function holdsString(s: z.ZodType): boolean {
  const d = defOf(s);
  if (d.type === "string") return true;
  if (d.innerType) return holdsString(d.innerType);
  if (d.type === "array" && d.element) return holdsString(d.element);
  if (d.type === "union" && d.options) return d.options.some(holdsString);
  return false;
}
