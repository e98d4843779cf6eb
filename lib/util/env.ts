/**
 * Environment variables read only where the process may: a variable Deno's permissions do not grant reads as unset,
 * so a confined server never fails or prompts over a setting.
 *
 * @module
 */

/** An environment variable as it is, or undefined when unset or not readable under the process's permissions. */
export function envVar(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") return undefined;
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** An environment variable trimmed, or undefined when unset, blank or not readable. */
export function envValue(name: string): string | undefined {
  const v = envVar(name)?.trim();
  return v === undefined || v === "" ? undefined : v;
}
