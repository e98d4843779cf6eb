/**
 * The profiles the server holds as MCP resources: every registered handle
 * (downloads, merges, aggregates, conversions) is one resource whose URI is
 * the handle itself, so that what `resources/list` shows can be passed to
 * any tool as a profile. Reading one gives its metadata as JSON; the file is
 * a `resource_link` inside it (profiles run to tens of MB and are never
 * inlined). Handles whose file is outside the sandbox are neither listed nor
 * read.
 *
 * @module
 */
import { basename } from "node:path";
import type { HandleInfo, HandleRegistry } from "../tools/handles.ts";
import type { ResourceLink } from "../tools/registry.ts";
import type { Sandbox } from "../tools/sandbox.ts";
import { fileLink } from "../tools/viz/output.ts";

/** The MIME type of a resource's contents: its metadata. */
export const METADATA_MIME = "application/json";

/**
 * The MIME type of the linked file. Held files are profile.proto (gzipped or
 * not) but also JFR recordings of a bundle, and no registered type covers
 * them: `type` in the metadata says what the file is.
 */
export const PROFILE_MIME = "application/octet-stream";

/** A resource as `resources/list` lists it. */
export interface ListedResource {
  uri: string;
  name: string;
  title: string;
  description: string;
  mimeType: string;
  annotations: { lastModified: string; audience: ["user", "assistant"] };
}

/** What `resources/read` says about a profile. */
export interface ProfileMetadata {
  handle: string;
  path: string;
  /** The profile type as registered (cpu, heap, goroutine… for downloads; the last sample type for merges). */
  type?: string;
  service?: string;
  env?: string;
  /** When the profile was taken (Datadog), RFC 3339. */
  timestamp?: string;
  profile_id?: string;
  event_id?: string;
  /** The file's size now, or as registered when it is gone. */
  bytes?: number;
  /** False when the file was removed after it was registered. */
  exists: boolean;
  /** The tool whose call made it (canonical name). */
  source_tool?: string;
  /** When the server registered it, RFC 3339. */
  created: string;
  /** The file itself. */
  link: ResourceLink;
}

/** Why a `resources/read` URI names no held profile. */
export class UnknownResourceError extends Error {}

function inside(sandbox: Sandbox, h: HandleInfo): string | undefined {
  try {
    return sandbox.resolve("uri", h.id);
  } catch {
    return undefined;
  }
}

function title(h: HandleInfo): string {
  const what = h.type ? `${h.type} profile` : "profile";
  const of = h.service ? ` of ${h.service}${h.env ? ` (${h.env})` : ""}` : "";
  return `${what}${of}`;
}

function description(h: HandleInfo): string {
  const parts = [
    h.source ? `made by ${h.source}` : undefined,
    h.timestamp ? `taken ${h.timestamp}` : undefined,
    h.bytes !== undefined ? `${h.bytes} bytes` : undefined,
  ].filter((p): p is string => p !== undefined);
  return `${title(h)}, ${h.path}${parts.length ? `; ${parts.join(", ")}` : ""}. Pass ${h.id} as a tool's profile.`;
}

/** The held profiles inside the sandbox, oldest first. */
export function listProfiles(handles: HandleRegistry, sandbox: Sandbox): ListedResource[] {
  return handles.list().filter((h) => inside(sandbox, h) !== undefined).map((h) => ({
    uri: h.id,
    name: basename(h.path),
    title: title(h),
    description: description(h),
    mimeType: METADATA_MIME,
    annotations: { lastModified: h.registered_at, audience: ["user", "assistant"] },
  }));
}

/**
 * The metadata of the held profile `uri` names.
 *
 * @throws {UnknownResourceError} when no handle of this server is `uri`, or its file is outside the sandbox
 */
export function profileMetadata(handles: HandleRegistry, sandbox: Sandbox, uri: string): ProfileMetadata {
  const h = handles.get(uri);
  const path = h ? inside(sandbox, h) : undefined;
  if (!h || path === undefined) {
    throw new UnknownResourceError(`no profile with the URI "${uri}": resources/list shows the profiles held`);
  }
  let size: number | undefined;
  try {
    size = Deno.statSync(path).size;
  } catch {
    // removed since: say so, and keep the registered size
  }
  const bytes = size ?? h.bytes;
  const link = fileLink(path, PROFILE_MIME, title(h), bytes ?? 0);
  if (bytes === undefined) delete link.size;
  return {
    handle: h.id,
    path,
    ...(h.type !== undefined ? { type: h.type } : {}),
    ...(h.service !== undefined ? { service: h.service } : {}),
    ...(h.env !== undefined ? { env: h.env } : {}),
    ...(h.timestamp !== undefined ? { timestamp: h.timestamp } : {}),
    ...(h.profile_id !== undefined ? { profile_id: h.profile_id } : {}),
    ...(h.event_id !== undefined ? { event_id: h.event_id } : {}),
    ...(bytes !== undefined ? { bytes } : {}),
    exists: size !== undefined,
    ...(h.source !== undefined ? { source_tool: h.source } : {}),
    created: h.registered_at,
    link,
  };
}
