/**
 * What a tools/call answers, and its text: light enough (no zod, no registry) for the CLI's commands to import at
 * start-up.
 *
 * @module
 */

/** A link to a resource (a file the tool wrote), as MCP's `resource_link` content. */
export interface ResourceLink {
  type: "resource_link";
  /** A `file://` URI. */
  uri: string;
  name: string;
  mimeType?: string;
  description?: string;
  size?: number;
}

/** The text of a result's content: its text items (links have none). */
export function contentText(r: ToolResult): string {
  return r.content.flatMap((c) => (c.type === "text" ? [c.text] : [])).join("\n");
}

/** A tools/call result: a text item first (the error message, for errors), then any links. */
export interface ToolResult {
  content: [{ type: "text"; text: string }, ...ResourceLink[]];
  structuredContent: Record<string, unknown>;
  isError: boolean;
}
