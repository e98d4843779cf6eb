/**
 * pprof's sample filters over a {@link ProfileView}: focus/ignore/hide/show by
 * function name, show_from, prune_from, the profile's own drop_frames, and the
 * tag filters. Each returns a new view; the decoded profile is never touched.
 *
 * @module
 */
import { compileRE2, type GoRegexp } from "../regex/re2.ts";
import type { ReportConfig } from "./config.ts";
import { selectSamples } from "../profile/view.ts";
import type { ProfileView } from "../profile/view.ts";
import { compileTagFilter, labelUnits, type TagFilter } from "./tagfilter.ts";

/** Per-function memo of a regex test against the function's name or file. */
function functionMatcher(v: ProfileView, re: GoRegexp): (fn: number) => boolean {
  const p = v.profile;
  const memo = new Int8Array(p.functionCount).fill(-1);
  return (fn) => {
    let m = memo[fn];
    if (m < 0) {
      m = re.test(p.strings[p.functionName[fn]]) || re.test(p.strings[p.functionFilename[fn]]) ? 1 : 0;
      memo[fn] = m;
    }
    return m === 1;
  };
}

function mappingMatches(v: ProfileView, l: number, re: GoRegexp): boolean {
  const p = v.profile;
  const m = p.locationMapping[l];
  // pprof gives a profile without mappings one fake mapping (no file) for every location, so "^$" matches there.
  if (m < 0) return p.mappings.length === 0 && re.test("");
  return re.test(p.mappings[m].file);
}

/** Lines of location `l` (current view) for which `keep` holds. */
function filterLines(v: ProfileView, l: number, keep: (fn: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = v.lineFrom[l]; i < v.lineTo[l]; i++) {
    if (keep(v.profile.lineFunction[v.lines[i]])) out.push(v.lines[i]);
  }
  return out;
}

/** Rebuilds the line table with new frames for some locations. */
function withLines(v: ProfileView, changed: Map<number, ArrayLike<number>>): ProfileView {
  if (changed.size === 0) return v;
  const n = v.profile.locationCount;
  let total = 0;
  for (let l = 0; l < n; l++) total += changed.get(l)?.length ?? v.lineTo[l] - v.lineFrom[l];
  const lines = new Uint32Array(total);
  const lineFrom = new Uint32Array(n);
  const lineTo = new Uint32Array(n);
  let k = 0;
  for (let l = 0; l < n; l++) {
    lineFrom[l] = k;
    const c = changed.get(l);
    if (c) { for (let i = 0; i < c.length; i++) lines[k++] = c[i]; }
    else for (let i = v.lineFrom[l]; i < v.lineTo[l]; i++) lines[k++] = v.lines[i];
    lineTo[l] = k;
  }
  return { ...v, lines, lineFrom, lineTo };
}

function keepWhere(v: ProfileView, pred: (i: number) => boolean): ProfileView {
  const keep: number[] = [];
  for (let i = 0; i < v.samples.length; i++) if (pred(i)) keep.push(i);
  return selectSamples(v, Uint32Array.from(keep));
}

/** Which filter options matched something, for pprof's "matched no samples" warnings. */
export interface NameFilterResult {
  view: ProfileView;
  focus: boolean;
  ignore: boolean;
  hide: boolean;
  show: boolean;
}

/**
 * `-focus`, `-ignore`, `-hide`, `-show`: keeps samples with a focused and no
 * ignored frame, and removes hidden frames (or all but shown ones).
 */
export function filterByName(
  v: ProfileView,
  focus?: GoRegexp,
  ignore?: GoRegexp,
  hide?: GoRegexp,
  show?: GoRegexp,
): NameFilterResult {
  const p = v.profile;
  const nLoc = p.locationCount;
  const FOCUS = 1, IGNORE = 2;
  const mark = new Uint8Array(nLoc);
  const removed = v.removed.slice();
  const changed = new Map<number, number[]>();
  const fm = focus && functionMatcher(v, focus);
  const im = ignore && functionMatcher(v, ignore);
  const hm = hide && functionMatcher(v, hide);
  const sm = show && functionMatcher(v, show);
  const res = { focus: false, ignore: false, hide: false, show: false };
  let anyHidden = false;

  const matchesName = (l: number, re: GoRegexp, fnMatch: (fn: number) => boolean) => {
    for (let i = v.lineFrom[l]; i < v.lineTo[l]; i++) if (fnMatch(p.lineFunction[v.lines[i]])) return true;
    return mappingMatches(v, l, re);
  };

  for (let l = 0; l < nLoc; l++) {
    if (v.removed[l]) continue;
    if (ignore && matchesName(l, ignore, im!)) {
      res.ignore = true;
      mark[l] = IGNORE;
    } else if (!focus || matchesName(l, focus, fm!)) {
      res.focus = true;
      mark[l] = FOCUS;
    }
    let lines: number[] | undefined;
    if (hide && matchesName(l, hide, hm!)) {
      res.hide = true;
      lines = mappingMatches(v, l, hide) ? [] : filterLines(v, l, (fn) => !hm!(fn));
    }
    if (show) {
      const cur = lines ?? filterLines(v, l, () => true);
      lines = mappingMatches(v, l, show) ? cur : cur.filter((li) => sm!(p.lineFunction[li]));
      if (lines.length > 0) res.show = true;
    }
    if (lines !== undefined) {
      changed.set(l, lines);
      if (lines.length === 0) {
        removed[l] = 1;
        anyHidden = true;
      }
    }
  }

  const kept = keepWhere(v, (i) => {
    let focused = false;
    let visible = !anyHidden;
    for (let k = v.stackFrom[i]; k < v.stackTo[i]; k++) {
      const l = p.stackLocs[k];
      if (v.removed[l]) continue;
      if (mark[l] === IGNORE) return false;
      if (mark[l] === FOCUS) focused = true;
      if (!removed[l]) visible = true;
    }
    return focused && visible;
  });
  return { ...res, view: withLines({ ...kept, removed }, changed) };
}

/**
 * `-show_from`: keeps, in each sample, only the frames from the outermost one
 * matching `re` down to the leaf; samples without a match are dropped.
 */
export function showFrom(v: ProfileView, re: GoRegexp): { view: ProfileView; matched: boolean } {
  const p = v.profile;
  const fnMatch = functionMatcher(v, re);
  const isFrom = new Uint8Array(p.locationCount);
  const changed = new Map<number, number[]>();
  let matched = false;
  for (let l = 0; l < p.locationCount; l++) {
    if (v.removed[l]) continue;
    if (mappingMatches(v, l, re)) {
      isFrom[l] = 1;
      matched = true;
      continue;
    }
    for (let i = v.lineTo[l] - 1; i >= v.lineFrom[l]; i--) {
      if (fnMatch(p.lineFunction[v.lines[i]])) {
        changed.set(l, Array.from(v.lines.subarray(v.lineFrom[l], i + 1)));
        isFrom[l] = 1;
        matched = true;
        break;
      }
    }
  }
  const stackTo = v.stackTo.slice();
  const keep: number[] = [];
  for (let i = 0; i < v.samples.length; i++) {
    for (let k = v.stackTo[i] - 1; k >= v.stackFrom[i]; k--) {
      const l = p.stackLocs[k];
      if (!v.removed[l] && isFrom[l]) {
        stackTo[i] = k + 1;
        keep.push(i);
        break;
      }
    }
  }
  const view = selectSamples({ ...v, stackTo }, Uint32Array.from(keep));
  return { view: withLines(view, changed), matched };
}

/**
 * pprof's simplification of a function name before prune matching: drops a
 * leading "." and everything from the first "(" that is not part of
 * "(anonymous namespace)" or "operator()".
 */
export function simplifyFunc(f: string): string {
  const name = f.startsWith(".") ? f.slice(1) : f;
  const rx = /\(anonymous namespace\)|operator\(\)|\(/g;
  for (let m = rx.exec(name); m; m = rx.exec(name)) {
    if (m[0] === "(") return name.slice(0, m.index);
  }
  return name;
}

/** `-prune_from`: drops the frames beneath (called by) the first frame matching `re`. */
export function pruneFrom(v: ProfileView, re: GoRegexp): ProfileView {
  const p = v.profile;
  const beneath = new Uint8Array(p.locationCount);
  const changed = new Map<number, number[]>();
  for (let l = 0; l < p.locationCount; l++) {
    if (v.removed[l]) continue;
    for (let i = v.lineFrom[l]; i < v.lineTo[l]; i++) {
      const name = p.strings[p.functionName[p.lineFunction[v.lines[i]]]];
      if (name !== "" && re.test(simplifyFunc(name))) {
        beneath[l] = 1;
        changed.set(l, Array.from(v.lines.subarray(i, v.lineTo[l])));
        break;
      }
    }
  }
  const stackFrom = v.stackFrom.slice();
  for (let i = 0; i < v.samples.length; i++) {
    for (let k = v.stackFrom[i]; k < v.stackTo[i]; k++) {
      const l = p.stackLocs[k];
      if (!v.removed[l] && beneath[l]) {
        stackFrom[i] = k;
        break;
      }
    }
  }
  return withLines({ ...v, stackFrom }, changed);
}

/**
 * The profile's own `drop_frames`/`keep_frames` (pprof's RemoveUninteresting):
 * frames from the first dropped one down to the leaf are removed.
 */
export function dropFrames(v: ProfileView): ProfileView {
  const p = v.profile;
  if (p.dropFrames === "") return v;
  const drop = compileRE2(`^(${p.dropFrames})$`, "drop_frames");
  const keep = p.keepFrames === "" ? undefined : compileRE2(`^(${p.keepFrames})$`, "keep_frames");
  const prune = new Uint8Array(p.locationCount);
  const beneath = new Uint8Array(p.locationCount);
  const changed = new Map<number, number[]>();
  for (let l = 0; l < p.locationCount; l++) {
    if (v.removed[l]) continue;
    let i = v.lineTo[l] - 1;
    for (; i >= v.lineFrom[l]; i--) {
      const name = p.strings[p.functionName[p.lineFunction[v.lines[i]]]];
      if (name === "") continue;
      const f = simplifyFunc(name);
      if (drop.test(f) && (!keep || !keep.test(f))) break;
    }
    if (i >= v.lineFrom[l]) {
      beneath[l] = 1;
      if (i === v.lineTo[l] - 1) prune[l] = 1;
      else changed.set(l, Array.from(v.lines.subarray(i + 1, v.lineTo[l])));
    }
  }
  const stackFrom = v.stackFrom.slice();
  for (let s = 0; s < v.samples.length; s++) {
    let foundUser = false;
    for (let k = v.stackTo[s] - 1; k >= v.stackFrom[s]; k--) {
      const l = p.stackLocs[k];
      if (v.removed[l]) continue;
      if (!prune[l] && !beneath[l]) {
        foundUser = true;
        continue;
      }
      if (!foundUser) continue;
      stackFrom[s] = prune[l] ? k + 1 : k;
      break;
    }
  }
  return withLines({ ...v, stackFrom }, changed);
}

/** `-tagfocus` / `-tagignore`: keeps samples the focus accepts and the ignore does not. */
export function filterByTag(
  v: ProfileView,
  focus?: TagFilter,
  ignore?: TagFilter,
): { view: ProfileView; focus: boolean; ignore: boolean } {
  let fm = false, im = false;
  const view = keepWhere(v, (i) => {
    const s = v.samples[i];
    const focused = focus ? focus(v, s) : true;
    const ignored = ignore ? ignore(v, s) : false;
    fm ||= focused;
    im ||= ignored;
    return focused && !ignored;
  });
  return { view, focus: fm, ignore: im };
}

/** `-tagshow` / `-taghide`: hides labels by key. */
export function filterTagsByName(
  v: ProfileView,
  show?: GoRegexp,
  hide?: GoRegexp,
): { view: ProfileView; show: boolean; hide: boolean } {
  const p = v.profile;
  const kept = v.labelKept ? v.labelKept.slice() : new Uint8Array(p.labelKey.length).fill(1);
  // Per label key: [shown, hidden], decided once.
  const decision = new Map<number, [boolean, boolean]>();
  let sm = false, hm = false;
  for (const s of v.samples) {
    for (let j = p.labelStart[s]; j < p.labelStart[s + 1]; j++) {
      if (!kept[j]) continue;
      let d = decision.get(p.labelKey[j]);
      if (!d) {
        const name = p.strings[p.labelKey[j]];
        d = [!show || show.test(name), !!hide && hide.test(name)];
        decision.set(p.labelKey[j], d);
      }
      sm ||= d[0];
      hm ||= d[1];
      if (!d[0] || d[1]) kept[j] = 0;
    }
  }
  return { view: { ...v, labelKept: kept }, show: sm, hide: hm };
}

/** The result of all of pprof's focus-stage filters. */
export interface FilterResult {
  view: ProfileView;
  /** pprof's stderr notes, e.g. "Focus expression matched no samples". */
  warnings: string[];
}

/**
 * Applies every focus-stage option of `cfg` in pprof's order: name filters,
 * show_from, tag filters, tagshow/taghide, prune_from.
 */
export function applyFocus(v: ProfileView, cfg: ReportConfig): FilterResult {
  const rx = (what: string, s: string) => (s === "" ? undefined : compileRE2(s, what));
  const focus = rx("focus", cfg.focus);
  const ignore = rx("ignore", cfg.ignore);
  const hide = rx("hide", cfg.hide);
  const show = rx("show", cfg.show);
  const from = rx("show_from", cfg.showFrom);
  const warnings: string[] = [];
  const units = labelUnits(v.profile);
  const tagFocus = cfg.tagFocus === "" ? undefined : compileTagFilter("tagfocus", cfg.tagFocus, units, warnings);
  const tagIgnore = cfg.tagIgnore === "" ? undefined : compileTagFilter("tagignore", cfg.tagIgnore, units, warnings);
  const prune = rx("prune_from", cfg.pruneFrom);
  const tagShow = rx("tagshow", cfg.tagShow);
  const tagHide = rx("taghide", cfg.tagHide);
  const warn = (ok: boolean, option: string) => {
    if (!ok) warnings.push(`${option} expression matched no samples`);
  };

  const byName = filterByName(v, focus, ignore, hide, show);
  warn(!focus || byName.focus, "Focus");
  warn(!ignore || byName.ignore, "Ignore");
  warn(!hide || byName.hide, "Hide");
  warn(!show || byName.show, "Show");
  v = byName.view;
  if (from) {
    const r = showFrom(v, from);
    warn(r.matched, "ShowFrom");
    v = r.view;
  }
  if (tagFocus || tagIgnore) {
    const r = filterByTag(v, tagFocus, tagIgnore);
    warn(!tagFocus || r.focus, "TagFocus");
    warn(!tagIgnore || r.ignore, "TagIgnore");
    v = r.view;
  }
  if (tagShow || tagHide) {
    const r = filterTagsByName(v, tagShow, tagHide);
    warn(!tagShow || r.show, "TagShow");
    warn(!tagHide || r.hide, "TagHide");
    v = r.view;
  }
  if (prune) v = pruneFrom(v, prune);
  return { view: v, warnings };
}
