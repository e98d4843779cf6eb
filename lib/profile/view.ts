/**
 * A filtered view of a profile: which samples are kept, which part of each
 * stack remains, and which inline frames each location still has.
 *
 * pprof's filters (focus, hide, show_from, prune, tag filters) rewrite the
 * profile in place; here they produce a new view over the same immutable
 * decoded profile, so the decode is never repeated or copied.
 *
 * @module
 */
import type { Profile } from "./model.ts";

/** A profile seen through filters. */
export interface ProfileView {
  profile: Profile;
  /** Kept samples, as indices into the profile, in profile order. */
  samples: Uint32Array;
  /**
   * Stack of kept sample `i`: `profile.stackLocs[stackFrom[i] .. stackTo[i])`,
   * leaf first, skipping locations flagged in `removed`.
   */
  stackFrom: Uint32Array;
  stackTo: Uint32Array;
  /**
   * Inline frames of location `l` still present: `lines[lineFrom[l] .. lineTo[l])`,
   * as indices into the profile's line columns, innermost first.
   */
  lines: Uint32Array;
  lineFrom: Uint32Array;
  lineTo: Uint32Array;
  /** Locations that filters took out of every stack. */
  removed: Uint8Array;
  /** Labels still visible after tagshow/taghide; undefined means all. */
  labelKept?: Uint8Array;
}

/** The unfiltered view of a profile. */
export function fullView(p: Profile): ProfileView {
  const n = p.sampleCount;
  const samples = new Uint32Array(n);
  for (let i = 0; i < n; i++) samples[i] = i;
  const nLines = p.lineFunction.length;
  const lines = new Uint32Array(nLines);
  for (let i = 0; i < nLines; i++) lines[i] = i;
  return {
    profile: p,
    samples,
    stackFrom: p.stackStart.slice(0, n),
    stackTo: p.stackStart.slice(1, n + 1),
    lines,
    lineFrom: p.lineStart.slice(0, p.locationCount),
    lineTo: p.lineStart.slice(1, p.locationCount + 1),
    removed: new Uint8Array(p.locationCount),
  };
}

/** Whether label `j` is still shown (tagshow/taghide hide labels by key). */
export function labelVisible(v: ProfileView, j: number): boolean {
  return v.labelKept === undefined || v.labelKept[j] === 1;
}

/** A view keeping only the kept samples listed in `keep` (positions in `v.samples`). */
export function selectSamples(v: ProfileView, keep: Uint32Array): ProfileView {
  if (keep.length === v.samples.length) return v;
  const samples = new Uint32Array(keep.length);
  const stackFrom = new Uint32Array(keep.length);
  const stackTo = new Uint32Array(keep.length);
  for (let j = 0; j < keep.length; j++) {
    const i = keep[j];
    samples[j] = v.samples[i];
    stackFrom[j] = v.stackFrom[i];
    stackTo[j] = v.stackTo[i];
  }
  return { ...v, samples, stackFrom, stackTo };
}
