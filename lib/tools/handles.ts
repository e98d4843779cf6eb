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
  /** The canonical name of the tool whose call registered it (absent outside tool calls). */
  source?: string;
  registered_at: string;
}

/** What the views of one registry share: the handles and who listens for new ones. */
interface HandleStore {
  byId: Map<string, HandleInfo>;
  listeners: Set<(info: HandleInfo) => void>;
}

/** The registry of handles of one server process. */
export class HandleRegistry {
  #store: HandleStore;
  #source: string | undefined;

  constructor() {
    this.#store = { byId: new Map(), listeners: new Set() };
  }

  /**
   * A view of this registry whose registrations record `tool` as their
   * source; it shares the handles and listeners with this one.
   */
  forTool(tool: string): HandleRegistry {
    const view = new HandleRegistry();
    view.#store = this.#store;
    view.#source = tool;
    return view;
  }

  /** Registers a file and returns its new handle; listeners hear of it after it is registered. */
  register(info: Omit<HandleInfo, "id" | "registered_at">): HandleInfo {
    if (info.path === "") throw new UserError("cannot register a handle without a path");
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    const id = "handle:" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    const source = info.source ?? this.#source;
    const entry: HandleInfo = {
      ...info,
      ...(source !== undefined ? { source } : {}),
      id,
      registered_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    };
    this.#store.byId.set(id, entry);
    for (const listener of this.#store.listeners) listener(entry);
    return entry;
  }

  /** The registration of `id`, or undefined. */
  get(id: string): HandleInfo | undefined {
    return this.#store.byId.get(id);
  }

  /** Every registration, oldest first. */
  list(): HandleInfo[] {
    return [...this.#store.byId.values()];
  }

  /** Calls `listener` after each new registration; returns the function that stops it. */
  onRegister(listener: (info: HandleInfo) => void): () => void {
    this.#store.listeners.add(listener);
    return () => this.#store.listeners.delete(listener);
  }

  /** Whether a value is a handle (rather than a path). */
  static isHandle(value: string): boolean {
    return value.startsWith("handle:");
  }
}
