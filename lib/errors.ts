/**
 * Errors meant for the user: they carry a message that stands on its own
 * (the CLI prints it without a stack trace, the MCP server returns it as a tool
 * error) and a machine-readable code.
 *
 * @module
 */

/** Error codes shared by the CLI (`--json`) and MCP tool errors. */
export type ErrorCode = "INVALID_ARGUMENT" | "NOT_FOUND" | "CANCELED" | "INTERNAL";

/** Optional structured detail about a rejected argument. */
export interface ErrorDetails {
  field?: string;
  expected?: string;
  received?: string;
  hint?: string;
}

/** An error whose message is fit to show the user as is. */
export class UserError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(message: string, code: ErrorCode = "INVALID_ARGUMENT", details: ErrorDetails = {}) {
    super(message);
    this.name = "UserError";
    this.code = code;
    this.details = details;
  }
}

/** A profile file that cannot be read or is not a valid pprof profile. */
export class ProfileError extends UserError {
  constructor(message: string, code: ErrorCode = "INVALID_ARGUMENT") {
    super(message, code);
    this.name = "ProfileError";
  }
}

/** A report regexp that selected nothing: tools answer it as a result, not an error. */
export class NoMatchError extends UserError {
  constructor(message: string, hint: string) {
    super(message, "INVALID_ARGUMENT", { hint });
    this.name = "NoMatchError";
  }
}
