/**
 * Literal text as a Go RE2 regexp (Go's `regexp.QuoteMeta`), so that a function name such as
 * `main.(*tracer).finish` can be passed where a regexp is expected without its dots and parentheses acting.
 *
 * @module
 */

const META = /[\\.+*?()|[\]{}^$]/g;

/** `s` with every RE2 metacharacter escaped: the regexp matching exactly the text `s`. */
export function quoteMeta(s: string): string {
  return s.replace(META, "\\$&");
}

/** An anchored regexp matching exactly the name `s` (`^…$`), for peek/list/focus on one function. */
export function exactName(s: string): string {
  return `^${quoteMeta(s)}$`;
}
