/**
 * Time zones read from TZif files (RFC 8536, /usr/share/zoneinfo) and their
 * POSIX TZ footer rules, looked up the way Go's `time` package does, so a
 * local time gets Go's offset and abbreviation (CET, CEST, IST, +0545…).
 *
 * @module
 */

/** The zone in effect at one instant. */
export interface ZoneAt {
  /** Abbreviation, e.g. "CEST"; "" when the data has none. */
  name: string;
  /** Seconds east of UTC. */
  offset: number;
}

interface ZoneType extends ZoneAt {
  isDST: boolean;
}

/** A time zone: transitions, their zone types and the rule for times after the last transition. */
export interface TimeZone {
  /** The zone in effect at `sec` seconds since the Unix epoch. */
  lookup(sec: number): ZoneAt;
}

/** UTC, as Go uses it when the local zone cannot be loaded. */
export const UTC_ZONE: TimeZone = { lookup: () => ({ name: "UTC", offset: 0 }) };

/**
 * Parses a TZif file (version 1, 2 or 3: the 64-bit data when present, and
 * the footer rule). Returns undefined for data Go would reject.
 */
export function parseTZif(data: Uint8Array): TimeZone | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  const need = (n: number) => pos + n <= data.length;
  if (!need(44) || String.fromCharCode(...data.subarray(0, 4)) !== "TZif") return undefined;
  const version = data[4] === 0 ? 1 : data[4] === 0x32 ? 2 : data[4] === 0x33 ? 3 : 0;
  if (version === 0) return undefined;
  const counts = () => {
    const c = [0, 1, 2, 3, 4, 5].map((i) => view.getUint32(pos + 20 + 4 * i));
    pos += 44;
    return { isut: c[0], isstd: c[1], leap: c[2], time: c[3], type: c[4], char: c[5] };
  };
  let n = counts();
  let size = 4;
  if (version > 1) {
    // Skip the 32-bit block; its second header describes the 64-bit one.
    pos += n.time * 5 + n.type * 6 + n.char + n.leap * 8 + n.isstd + n.isut;
    if (!need(44)) return undefined;
    n = counts();
    size = 8;
  }
  if (!need(n.time * (size + 1) + n.type * 6 + n.char + n.leap * (size + 4) + n.isstd + n.isut)) return undefined;
  if (n.type === 0) return undefined;
  const when = new Float64Array(n.time);
  for (let i = 0; i < n.time; i++, pos += size) {
    when[i] = size === 4 ? view.getInt32(pos) : Number(view.getBigInt64(pos));
  }
  const index = data.slice(pos, pos + n.time);
  pos += n.time;
  const typeAt = pos;
  pos += n.type * 6;
  const chars = data.subarray(pos, pos + n.char);
  pos += n.char + n.leap * (size + 4) + n.isstd + n.isut;
  const types: ZoneType[] = [];
  for (let i = 0; i < n.type; i++) {
    const at = typeAt + 6 * i;
    const desig = data[at + 5];
    if (desig >= chars.length) return undefined;
    let end = chars.indexOf(0, desig);
    if (end < 0) end = chars.length;
    const name = String.fromCharCode(...chars.subarray(desig, end));
    types.push({ offset: view.getInt32(at), isDST: data[at + 4] !== 0, name });
  }
  for (const i of index) if (i >= types.length) return undefined;
  const rest = data.subarray(pos);
  const footer = rest.length > 2 && rest[0] === 10 && rest[rest.length - 1] === 10
    ? String.fromCharCode(...rest.subarray(1, rest.length - 1))
    : "";
  return new TZifZone(when, index, types, footer);
}

class TZifZone implements TimeZone {
  readonly #when: Float64Array;
  readonly #index: Uint8Array;
  readonly #types: ZoneType[];
  readonly #rule: PosixRule | undefined;

  constructor(when: Float64Array, index: Uint8Array, types: ZoneType[], footer: string) {
    this.#when = when;
    this.#index = index;
    this.#types = types;
    this.#rule = footer === "" ? undefined : parsePosixTZ(footer);
  }

  lookup(sec: number): ZoneAt {
    const when = this.#when;
    if (when.length === 0 || sec < when[0]) {
      // Go's zone for times before the first transition (or with none at all),
      // then the footer for zones without transitions.
      if (when.length === 0 && this.#rule) return this.#rule.at(sec);
      const t = this.#types[this.#firstZone()];
      return { name: t.name, offset: t.offset };
    }
    let lo = 0, hi = when.length;
    while (hi - lo > 1) {
      const m = lo + ((hi - lo) >> 1);
      if (sec < when[m]) hi = m;
      else lo = m;
    }
    if (lo === when.length - 1 && this.#rule) return this.#rule.at(sec);
    const t = this.#types[this.#index[lo]];
    return { name: t.name, offset: t.offset };
  }

  /** The zone type Go uses before the first transition. */
  #firstZone(): number {
    if (!this.#index.includes(0)) return 0;
    if (this.#index.length > 0 && this.#types[this.#index[0]].isDST) {
      for (let i = this.#index[0] - 1; i >= 0; i--) if (!this.#types[i].isDST) return i;
    }
    const std = this.#types.findIndex((t) => !t.isDST);
    return std < 0 ? 0 : std;
  }
}

/** A rule's day: Julian (1..365, no Feb 29), zero-based day of year, or month.week.weekday. */
type Day = { kind: "J"; day: number } | { kind: "D"; day: number } | {
  kind: "M";
  mon: number;
  week: number;
  wday: number;
};

interface PosixRule {
  at(sec: number): ZoneAt;
}

/** A cursor over a POSIX TZ string, with tzcode's extensions Go accepts. */
class Cursor {
  s: string;
  constructor(s: string) {
    this.s = s;
  }

  name(): string | undefined {
    const s = this.s;
    if (s === "") return undefined;
    if (s[0] === "<") {
      const end = s.indexOf(">");
      if (end < 0) return undefined;
      this.s = s.slice(end + 1);
      return s.slice(1, end);
    }
    const i = s.search(/[0-9,+-]/);
    if (i < 0) {
      if (s.length < 3) return undefined;
      this.s = "";
      return s;
    }
    if (i < 3) return undefined;
    this.s = s.slice(i);
    return s.slice(0, i);
  }

  num(min: number, max: number): number | undefined {
    const m = /^[0-9]+/.exec(this.s);
    if (!m) return undefined;
    // Go stops at the first digit that takes the number over max.
    let v = 0;
    for (const c of m[0]) {
      v = v * 10 + (c.charCodeAt(0) - 48);
      if (v > max) return undefined;
    }
    if (v < min) return undefined;
    this.s = this.s.slice(m[0].length);
    return v;
  }

  /** `[+-]hh[:mm[:ss]]` in seconds. */
  offset(): number | undefined {
    let neg = false;
    if (this.s[0] === "+" || this.s[0] === "-") {
      neg = this.s[0] === "-";
      this.s = this.s.slice(1);
    }
    const h = this.num(0, 24 * 7);
    if (h === undefined) return undefined;
    let off = h * 3600;
    for (const mul of [60, 1]) {
      if (this.s[0] !== ":") break;
      this.s = this.s.slice(1);
      const v = this.num(0, 59);
      if (v === undefined) return undefined;
      off += v * mul;
    }
    return neg ? -off : off;
  }

  rule(): { day: Day; time: number } | undefined {
    let day: Day;
    if (this.s[0] === "J") {
      this.s = this.s.slice(1);
      const d = this.num(1, 365);
      if (d === undefined) return undefined;
      day = { kind: "J", day: d };
    } else if (this.s[0] === "M") {
      this.s = this.s.slice(1);
      const mon = this.num(1, 12);
      if (mon === undefined || !this.eat(".")) return undefined;
      const week = this.num(1, 5);
      if (week === undefined || !this.eat(".")) return undefined;
      const wday = this.num(0, 6);
      if (wday === undefined) return undefined;
      day = { kind: "M", mon, week, wday };
    } else {
      const d = this.num(0, 365);
      if (d === undefined) return undefined;
      day = { kind: "D", day: d };
    }
    if (!this.eat("/")) return { day, time: 2 * 3600 };
    const time = this.offset();
    return time === undefined ? undefined : { day, time };
  }

  eat(c: string): boolean {
    if (this.s[0] !== c) return false;
    this.s = this.s.slice(1);
    return true;
  }
}

/** Parses a POSIX TZ string such as `CET-1CEST,M3.5.0,M10.5.0/3`; undefined when Go would not use it. */
export function parsePosixTZ(tz: string): PosixRule | undefined {
  const c = new Cursor(tz);
  const stdName = c.name();
  const stdOff = stdName === undefined ? undefined : c.offset();
  if (stdName === undefined || stdOff === undefined) return undefined;
  // POSIX offsets are west of UTC; ours are east.
  const std: ZoneType = { name: stdName, offset: -stdOff, isDST: false };
  if (c.s === "" || c.s[0] === ",") return { at: () => ({ name: std.name, offset: std.offset }) };
  const dstName = c.name();
  if (dstName === undefined) return undefined;
  let dstOffset = std.offset + 3600;
  if (c.s !== "" && c.s[0] !== ",") {
    const o = c.offset();
    if (o === undefined) return undefined;
    dstOffset = -o;
  }
  if (c.s === "") c.s = ",M3.2.0,M11.1.0";
  if (c.s[0] !== "," && c.s[0] !== ";") return undefined;
  c.s = c.s.slice(1);
  const start = c.rule();
  if (start === undefined || !c.eat(",")) return undefined;
  const end = c.rule();
  if (end === undefined || c.s !== "") return undefined;
  const dst: ZoneType = { name: dstName, offset: dstOffset, isDST: true };
  return {
    at(sec: number): ZoneAt {
      // Go places the instant by its UTC year and day of that year, plus the
      // remainder of sec modulo a day (truncated: negative before 1970).
      const year = new Date(sec * 1000).getUTCFullYear();
      const yday = Math.floor((sec - Date.UTC(year, 0, 1) / 1000) / 86400);
      const ysec = yday * 86400 + (sec % 86400);
      let s = ruleTime(year, start, std.offset);
      let e = ruleTime(year, end, dst.offset);
      let [a, b] = [std, dst];
      if (e < s) {
        // Southern hemisphere: daylight saving spans the new year.
        [s, e] = [e, s];
        [a, b] = [b, a];
      }
      const z = ysec < s || ysec >= e ? a : b;
      return { name: z.name, offset: z.offset };
    },
  };
}

const daysBefore = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** Seconds from the start of `year` (UTC) to a rule's moment, given in local time at offset `off`. */
function ruleTime(year: number, r: { day: Day; time: number }, off: number): number {
  let days: number;
  const day = r.day;
  if (day.kind === "J") days = day.day - 1 + (isLeap(year) && day.day >= 60 ? 1 : 0);
  else if (day.kind === "D") days = day.day;
  else {
    const first = new Date(Date.UTC(year, day.mon - 1, 1)).getUTCDay();
    let d = (day.wday - first + 7) % 7;
    const inMonth = daysBefore[day.mon] - daysBefore[day.mon - 1] + (day.mon === 2 && isLeap(year) ? 1 : 0);
    for (let i = 1; i < day.week && d + 7 < inMonth; i++) d += 7;
    days = d + daysBefore[day.mon - 1] + (isLeap(year) && day.mon > 2 ? 1 : 0);
  }
  return days * 86400 + r.time - off;
}
