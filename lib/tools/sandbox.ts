/**
 * The base-dir sandbox (`PPROF_MCP_BASEDIR`): every path a tool reads or
 * writes is resolved through symlinks and must stay inside the base dir.
 * Handles are resolved to their paths first and checked like any other path.
 *
 * @module
 */
import { isAbsolute, join, relative } from "node:path";
import { UserError } from "../errors.ts";
import { goClean } from "../util/gopath.ts";
import { resolveBaseDir } from "./basedir.ts";
import { HandleRegistry } from "./handles.ts";
import type { PathField } from "./paths.ts";
import { describeReceived } from "./schema.ts";

/** The hint tool errors about paths carry. */
export const PATH_HINT = "Provide paths within PPROF_MCP_BASEDIR if it is set.";

/** Resolves and confines paths. */
export class Sandbox {
  /** The base dir as configured (absolute, cleaned), or undefined when not confined. */
  readonly base: string | undefined;
  readonly handles: HandleRegistry;

  constructor(base: string | undefined, handles: HandleRegistry) {
    this.base = resolveBaseDir(base);
    this.handles = handles;
  }

  /** The sandbox of this process: `PPROF_MCP_BASEDIR` from the environment. */
  static fromEnv(handles: HandleRegistry): Sandbox {
    return new Sandbox(Deno.env.get("PPROF_MCP_BASEDIR"), handles);
  }

  #error(key: string, message: string, value: string): UserError {
    return new UserError(message, "INVALID_ARGUMENT", {
      field: key,
      expected: this.base ? `path within base dir "${this.base}"` : "valid path",
      received: describeReceived(key, value),
      hint: PATH_HINT,
    });
  }

  /**
   * The path to use for argument `key`: a handle becomes its file; with a base
   * dir, the path is made absolute, resolved through symlinks and must be
   * inside the base dir.
   *
   * @throws {UserError} for unknown handles and paths outside the base dir
   */
  resolve(key: string, value: string): string {
    let path = value;
    if (HandleRegistry.isHandle(value)) {
      const h = this.handles.get(value);
      if (!h) throw this.#error(key, `unknown profile handle "${value}"`, value);
      path = h.path;
    }
    if (path === "") return "";
    if (!this.base) return goClean(path);
    const candidate = goClean(isAbsolute(path) ? path : join(this.base, path));
    const realBase = realPath(this.base) ?? this.base;
    const real = this.#realCandidate(key, candidate, value);
    const rel = relative(realBase, real);
    if (rel === ".." || rel.startsWith("../") || isAbsolute(rel)) {
      throw this.#error(key, `path "${value}" is outside base dir "${realBase}"`, value);
    }
    return real;
  }

  /**
   * Resolves symlinks of the path, or of its nearest existing ancestor for a
   * path still to be created. A dangling symlink is followed to its target,
   * so a link inside the base dir cannot lead a write outside it.
   */
  #realCandidate(key: string, candidate: string, value: string): string {
    const outside = () =>
      this.#error(key, `path "${value}" is outside base dir "${realPath(this.base!) ?? this.base}"`, value);
    const missing: string[] = [];
    let p = candidate;
    for (let hops = 0; hops < 64; hops++) {
      let info: Deno.FileInfo | undefined;
      try {
        info = Deno.lstatSync(p);
      } catch (e) {
        // Outside the base dir the process may not even be allowed to look.
        if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) throw outside();
      }
      if (info?.isSymlink) {
        const real = realPath(p);
        if (real !== undefined) return join(real, ...[...missing].reverse());
        const target = Deno.readLinkSync(p);
        p = goClean(isAbsolute(target) ? target : join(p, "..", target));
        continue;
      }
      if (info) {
        if (missing.length > 0 && !info.isDirectory) throw this.#error(key, `parent "${p}" is not a directory`, value);
        return join(realPath(p) ?? p, ...[...missing].reverse());
      }
      const parent = goClean(join(p, ".."));
      if (parent === p) throw this.#error(key, `no existing parent directory for "${value}"`, value);
      missing.push(p.slice(p.lastIndexOf("/") + 1));
      p = parent;
    }
    throw this.#error(key, `too many levels of symbolic links in "${value}"`, value);
  }

  /**
   * Resolves the path arguments of a tool call (list arguments element by
   * element; a plain string counts as a list of one). Written paths must be
   * paths, not handles.
   */
  resolveArgs<T extends Record<string, unknown>>(args: T, fields: readonly PathField[]): T {
    const out: Record<string, unknown> = { ...args };
    const one = (f: PathField, v: string) => {
      if (f.use === "write" && HandleRegistry.isHandle(v)) {
        throw new UserError(`"${f.key}" is a file to write: give a path, not a handle`, "INVALID_ARGUMENT", {
          field: f.key,
          expected: "a file path",
          received: describeReceived(f.key, v),
        });
      }
      return this.resolve(f.key, v);
    };
    for (const f of fields) {
      const v = out[f.key];
      if (typeof v === "string") out[f.key] = one(f, v);
      else if (Array.isArray(v)) {
        out[f.key] = v.map((x) => {
          if (typeof x !== "string") throw new UserError(`invalid path value in "${f.key}"`);
          return one(f, x);
        });
      }
    }
    return out as T;
  }
}

function realPath(p: string): string | undefined {
  try {
    return Deno.realPathSync(p);
  } catch {
    return undefined;
  }
}
