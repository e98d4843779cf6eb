/**
 * MCP's two protocol eras on one stdio connection: 2025-era clients open a
 * session with `initialize` (the SDK's v1 Server answers them as before);
 * 2026-07-28 clients send no `initialize` but name the protocol version and
 * their capabilities in every request's `_meta`. This transport layer sits
 * between the stdio transport and the v1 Server and adds what the stateless
 * revision asks for: `server/discover`, the per-request envelope check
 * (-32602 when it is incomplete, -32022 for a version we do not speak),
 * `resultType`, cache hints and `serverInfo` on every result of a 2026-era
 * request, and `subscriptions/listen` streams for list changes. Everything
 * else (the handlers, progress notifications, cancellation) is the same for
 * both eras: a handler never needs to know which era asked.
 *
 * Why not the SDK's v2 line (`@modelcontextprotocol/server`), which does all
 * this itself: its stdio entry owns the connection and pins one era per
 * process, so our stdio transport (an answer for every unusable line, -32602
 * sentences for ill-fitting params) and the v1 request handlers the tools,
 * resources and prompts register would all move to a new, fast-moving API at
 * once. The stateless revision is small at the wire (a method, an envelope,
 * stamped results, a subscription stream), so it is added here, on the v1
 * Server, and tested against the v2 Client pinned to 2026-07-28.
 *
 * @module
 */
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, type JSONRPCMessage, type ServerCapabilities } from "@modelcontextprotocol/sdk/types.js";

/** The stateless revisions this server speaks (2025-era versions are negotiated by `initialize`). */
export const MODERN_VERSIONS = ["2026-07-28"] as const;

/** The `_meta` keys of the 2026-07-28 envelope. */
export const META = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  serverInfo: "io.modelcontextprotocol/serverInfo",
  subscriptionId: "io.modelcontextprotocol/subscriptionId",
} as const;

/** -32022: the request names a protocol version the server does not speak. */
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/**
 * The cache hints of the results the revision makes cacheable. Nothing is
 * shared across users (paths and handles are the user's); the held profiles
 * change with every download, so their list and metadata are stale at once;
 * tools and prompts are fixed for the life of the process.
 */
const CACHE_HINTS: Record<string, { ttlMs: number; cacheScope: "private" }> = {
  "server/discover": { ttlMs: 0, cacheScope: "private" },
  "tools/list": { ttlMs: 3_600_000, cacheScope: "private" },
  "prompts/list": { ttlMs: 3_600_000, cacheScope: "private" },
  "resources/list": { ttlMs: 0, cacheScope: "private" },
  "resources/templates/list": { ttlMs: 0, cacheScope: "private" },
  "resources/read": { ttlMs: 0, cacheScope: "private" },
};

/** What `server/discover` tells. */
export interface ServerDescription {
  serverInfo: { name: string; title?: string; version: string };
  capabilities: ServerCapabilities;
  instructions?: string;
}

type Id = string | number;
type Meta = Record<string, unknown>;
type Message = { jsonrpc: "2.0"; id?: Id; method?: string; params?: Record<string, unknown>; result?: Meta };

/** A subscription's filter: what it asked for, narrowed to what this server sends. */
interface Subscription {
  resourcesListChanged: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * What is wrong with a 2026-era request's envelope (as a JSON-RPC error), or
 * undefined when it fits. `meta` is the request's `_meta`, which names a
 * protocol version.
 */
export function envelopeError(
  method: string,
  meta: Meta,
): { code: number; message: string; data?: unknown } | undefined {
  const version = meta[META.protocolVersion];
  const key = (k: string) => `params._meta["${k}"]`;
  if (typeof version !== "string") {
    return {
      code: ErrorCode.InvalidParams,
      message: `Invalid params for ${method}: ${key(META.protocolVersion)} must be a string`,
    };
  }
  if (!(MODERN_VERSIONS as readonly string[]).includes(version)) {
    return {
      code: UNSUPPORTED_PROTOCOL_VERSION,
      message: `Unsupported protocol version "${version}": this server speaks ${MODERN_VERSIONS.join(", ")} ` +
        "per request, and 2025-era versions after initialize",
      data: { supported: [...MODERN_VERSIONS], requested: version },
    };
  }
  const caps = meta[META.clientCapabilities];
  if (!isObject(caps)) {
    const what = caps === undefined ? "is missing (expected an object)" : "must be an object";
    return {
      code: ErrorCode.InvalidParams,
      message: `Invalid params for ${method}: ${key(META.clientCapabilities)} ${what}`,
    };
  }
  const info = meta[META.clientInfo];
  if (info !== undefined && !(isObject(info) && typeof info.name === "string" && typeof info.version === "string")) {
    return {
      code: ErrorCode.InvalidParams,
      message: `Invalid params for ${method}: ${key(META.clientInfo)} must be an object with a name and a version`,
    };
  }
  return undefined;
}

/**
 * A transport in front of another (the stdio one) that serves the 2026-07-28
 * revision's additions and passes everything else through, so that the v1
 * Server connected to it answers both eras.
 */
export class EraTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  #inner: Transport;
  #server: ServerDescription;
  /** The method of each 2026-era request not answered yet, by id. */
  #modern = new Map<Id, string>();
  /** Open `subscriptions/listen` streams, by the id of the request that opened them. */
  #subscriptions = new Map<Id, Subscription>();

  constructor(inner: Transport, server: ServerDescription) {
    this.#inner = inner;
    this.#server = server;
    inner.onmessage = (m: JSONRPCMessage) => this.#inbound(m as Message);
    inner.onclose = () => {
      this.#subscriptions.clear();
      this.onclose?.();
    };
    inner.onerror = (e: Error) => this.onerror?.(e);
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** Sends a message from the server, stamping results of 2026-era requests. */
  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const m = message as Message;
    if (m.method === undefined && m.id !== undefined && this.#modern.has(m.id)) {
      const method = this.#modern.get(m.id)!;
      this.#modern.delete(m.id);
      if (isObject(m.result)) {
        return this.#inner.send({ ...m, result: this.#stamp(method, m.result) } as JSONRPCMessage);
      }
    }
    return this.#inner.send(message, options);
  }

  /** Tells every 2026-era subscription that asked for it that the list of resources changed. */
  async resourcesChanged(): Promise<void> {
    for (const [id, s] of this.#subscriptions) {
      if (!s.resourcesListChanged) continue;
      await this.#inner.send({
        jsonrpc: "2.0",
        method: "notifications/resources/list_changed",
        params: { _meta: { [META.subscriptionId]: id } },
      });
    }
  }

  #stamp(method: string, result: Meta): Meta {
    const meta = isObject(result._meta) ? result._meta : {};
    return {
      ...CACHE_HINTS[method],
      ...result,
      resultType: typeof result.resultType === "string" ? result.resultType : "complete",
      _meta: { ...meta, [META.serverInfo]: this.#server.serverInfo },
    };
  }

  #reply(id: Id, result: Meta, method: string): void {
    void this.#inner.send({ jsonrpc: "2.0", id, result: this.#stamp(method, result) } as JSONRPCMessage)
      .catch((e: Error) => this.onerror?.(e));
  }

  #error(id: Id, error: { code: number; message: string; data?: unknown }): void {
    void this.#inner.send({ jsonrpc: "2.0", id, error } as JSONRPCMessage).catch((e: Error) => this.onerror?.(e));
  }

  #inbound(m: Message): void {
    if (m.method !== undefined && m.id === undefined) {
      // A canceled subscription ends without an answer; other cancellations are the Server's.
      if (m.method === "notifications/cancelled" && this.#subscriptions.delete(m.params?.requestId as Id)) return;
      this.onmessage?.(m as JSONRPCMessage);
      return;
    }
    const meta = m.params?._meta;
    const modern = m.method !== undefined && isObject(meta) && META.protocolVersion in meta;
    if (!modern) {
      if (m.method === "server/discover" || m.method === "subscriptions/listen") {
        // Sent without an envelope: the revision requires one.
        this.#error(m.id!, {
          code: ErrorCode.InvalidParams,
          message: `Invalid params for ${m.method}: params._meta["${META.protocolVersion}"] is missing ` +
            `(expected one of ${MODERN_VERSIONS.join(", ")})`,
        });
        return;
      }
      this.onmessage?.(m as JSONRPCMessage);
      return;
    }
    const id = m.id!;
    const method = m.method!;
    const bad = envelopeError(method, meta as Meta);
    if (bad) {
      this.#error(id, bad);
      return;
    }
    if (method === "server/discover") {
      const { capabilities, instructions } = this.#server;
      this.#reply(id, {
        supportedVersions: [...MODERN_VERSIONS],
        capabilities,
        ...(instructions ? { instructions } : {}),
      }, method);
      return;
    }
    if (method === "subscriptions/listen") {
      this.#listen(id, m.params!);
      return;
    }
    this.#modern.set(id, method);
    this.onmessage?.(m as JSONRPCMessage);
  }

  /** Opens a subscription: acknowledged with what of its filter this server honours; never answered while open. */
  #listen(id: Id, params: Record<string, unknown>): void {
    const filter = params.notifications;
    if (!isObject(filter)) {
      this.#error(id, {
        code: ErrorCode.InvalidParams,
        message: "Invalid params for subscriptions/listen: params.notifications must be an object",
      });
      return;
    }
    if (this.#subscriptions.has(id)) {
      this.#error(id, {
        code: ErrorCode.InvalidRequest,
        message: `Invalid Request: a subscription with id ${JSON.stringify(id)} is already open`,
      });
      return;
    }
    // Tools and prompts never change while the server runs, and single resources are not watched: only the
    // list of held profiles changes.
    const s: Subscription = { resourcesListChanged: filter.resourcesListChanged === true };
    this.#subscriptions.set(id, s);
    void this.#inner.send({
      jsonrpc: "2.0",
      method: "notifications/subscriptions/acknowledged",
      params: {
        _meta: { [META.subscriptionId]: id },
        notifications: s.resourcesListChanged ? { resourcesListChanged: true } : {},
      },
    }).catch((e: Error) => this.onerror?.(e));
  }
}
