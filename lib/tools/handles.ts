/**
 * Handles: short process-local names (`handle:` + 16 hex digits) for profiles
 * the server downloaded or made, usable wherever a path is.
 *
 * @module
 */
import { UserError } from "../errors.ts";

/** What is known about a registered profile. */
export interface HandleInfo {
  id: string;
  path: string;
  service?: string;
  env?: string;
  type?: string;
  timestamp?: string;
  profile_id?: string;
  event_id?: string;
  bytes?: number;
  registered_at: string;
}

/** The registry of handles of one server process. */
export class HandleRegistry {
  #byId = new Map<string, HandleInfo>();

  /** Registers a file and returns its new handle. */
  register(info: Omit<HandleInfo, "id" | "registered_at">): HandleInfo {
    if (info.path === "") throw new UserError("cannot register a handle without a path");
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    const id = "handle:" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    const entry = { ...info, id, registered_at: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
    this.#byId.set(id, entry);
    return entry;
  }

  /** The registration of `id`, or undefined. */
  get(id: string): HandleInfo | undefined {
    return this.#byId.get(id);
  }

  /** Whether a value is a handle (rather than a path). */
  static isHandle(value: string): boolean {
    return value.startsWith("handle:");
  }
}
