/**
 * The name pass `go tool pprof` runs on every profile it loads (its
 * symbolizer's demangling step): function names that are still their system
 * name are demangled (C++, Rust) or, when they already look like demangled
 * C++, simplified by cutting `(…)` and `<…>` groups. pprof-mcp does not
 * symbolize addresses, so of the `-symbolize` modes only the naming part
 * applies.
 *
 * @module
 */
import { demangle, type DemangleOptions } from "./demangle/mod.ts";
import type { Profile } from "./model.ts";

/** How function names are rewritten; parsed from a `-symbolize` value by {@link parseSymbolizeMode}. */
export interface SymbolizeMode {
  /** `none`/`no`: leave every name as stored. */
  skip: boolean;
  /** Reset names to system names first (pprof's `force`, implied by every `demangle=` choice). */
  force: boolean;
  /**
   * The demangler options, or null for `demangle=none`: names become their system names and nothing is demangled
   * or simplified. (Go 1.19's pprof passes no options for `demangle=none`, which demangles fully; newer pprof and
   * pprof-mcp mean no demangling.)
   */
  demangle: DemangleOptions | null;
}

/** pprof's default: demangle without parameters and template arguments. */
export const DEFAULT_SYMBOLIZE: SymbolizeMode = {
  skip: false,
  force: false,
  demangle: { noParams: true, noTemplateParams: true },
};

/** `-symbolize=none`: names as stored. */
export const NO_SYMBOLIZE: SymbolizeMode = { skip: true, force: false, demangle: null };

const MODES: Record<string, DemangleOptions | null> = {
  full: { noClones: true },
  templates: { noParams: true },
  none: null,
};

/**
 * Parses a `-symbolize` value as pprof does: `:`-separated, case-insensitive
 * words. `none`/`no` stops everything; `demangle=full|templates|none` picks
 * the demangling and forces it; `local`, `fastlocal`, `remote`, `force`,
 * `default` are accepted (address symbolization does not apply here). An
 * unknown word gets pprof's two-line note through `note`.
 */
export function parseSymbolizeMode(value: string, note: (line: string) => void = () => {}): SymbolizeMode {
  let force = false;
  let demangleOptions: DemangleOptions | null = DEFAULT_SYMBOLIZE.demangle;
  for (const word of value.toLowerCase().split(":")) {
    switch (word) {
      case "":
      case "local":
      case "fastlocal":
      case "remote":
        continue;
      case "none":
      case "no":
        return NO_SYMBOLIZE;
      case "force":
        force = true;
        continue;
    }
    // pprof strips an optional "demangle=", so a bare "full" or "templates" works too.
    const d = word.startsWith("demangle=") ? word.slice("demangle=".length) : word;
    if (d === "full" || d === "templates" || d === "none") {
      demangleOptions = MODES[d];
      force = true;
    } else if (d !== "default") {
      note(`ignoring unrecognized symbolization option: ${value}`);
      note("expecting -symbolize=[local|fastlocal|remote|none][:force][:demangle=[none|full|templates|default]");
    }
  }
  return { skip: false, force, demangle: demangleOptions };
}

/**
 * Applies the name pass to `p`, rewriting `functionName` in place (new names
 * are interned into `p.strings`); `functionSystemName` is kept. Returns `p`.
 */
export function symbolizeProfile(p: Profile, mode: SymbolizeMode = DEFAULT_SYMBOLIZE): Profile {
  if (mode.skip) return p;
  const names = p.functionName, systems = p.functionSystemName, strings = p.strings;
  // Results by system-name string index: many functions share a system name only rarely, but
  // the demangler and the heuristics are the costly part, so each distinct input runs once.
  const done = new Map<number, number>();
  let index: Map<string, number> | null = null;
  const intern = (s: string): number => {
    if (index === null) {
      index = new Map();
      for (let i = strings.length - 1; i >= 0; i--) index.set(strings[i], i);
    }
    let i = index.get(s);
    if (i === undefined) {
      i = strings.push(s) - 1;
      index.set(s, i);
    }
    return i;
  };
  for (let f = 0; f < p.functionCount; f++) {
    const sys = systems[f];
    // Forcing starts from the system name, when both are set.
    if (mode.force && names[f] !== 0 && sys !== 0) names[f] = sys;
    // A name that differs from its system name was demangled by whoever wrote the profile.
    if (names[f] !== 0 && names[f] !== sys) continue;
    if (mode.demangle === null) {
      names[f] = sys;
      continue;
    }
    let out = done.get(sys);
    if (out === undefined) {
      const name = strings[sys];
      const pretty = functionDisplayName(name, mode.demangle);
      out = pretty === name ? sys : intern(pretty);
      done.set(sys, out);
    }
    names[f] = out;
  }
  return p;
}

/** The name pprof shows for a function whose system name is `sys`. */
export function functionDisplayName(sys: string, o: DemangleOptions): string {
  const demangled = demangle(sys, o);
  if (demangled !== sys) return demangled;
  if (!looksLikeDemangledCPlusPlus(sys)) return sys;
  let name = sys;
  if (o.noParams) name = removeMatching(name, "(", ")");
  if (o.noTemplateParams) name = removeMatching(name, "<", ">");
  return name;
}

/**
 * pprof's guess that a name is already demangled C++: it has `<`, `>`, `[`,
 * `]` or `::`, but is no Java `Class.<init>` and no Go `pkg.(*T[…]).Method`.
 */
export function looksLikeDemangledCPlusPlus(name: string): boolean {
  if (name.includes(".<") || name.includes("]).")) return false;
  return /[<>[\]]|::/.test(name);
}

/**
 * Removes every outermost `open … close` group from `name`, nested groups
 * included. A `close` without its `open` leaves the name as it is; an
 * unclosed `open` is kept.
 */
export function removeMatching(name: string, open: string, close: string): string {
  let depth = 0, first = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === open) {
      if (++depth === 1) first = i;
    } else if (c === close) {
      if (--depth < 0) return name;
      if (depth === 0) {
        name = name.slice(0, first) + name.slice(i + 1);
        i = first - 1;
      }
    }
  }
  return name;
}
