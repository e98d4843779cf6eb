/**
 * Where Go 1.19's regexp and re2js read the same pattern differently, a scan
 * that rewrites or rejects the pattern before re2js sees it, so that what
 * compiles means what it means in Go.
 *
 * re2js follows newer Go and its own Unicode tables in a few places: it knows
 * `\p` names Go 1.19 does not (`\p{LC}`, `\p{Cn}`, `\p{Alphabetic}`, scripts
 * added since Unicode 13), its `\pC` includes unassigned code points, it
 * rejects duplicate group names (Go accepts them), it reads `[[:]]` as a bad
 * POSIX class (Go: the characters `[` and `:`), and it calls lookbehind an
 * "invalid named capture". Everything else (the syntax, its errors, the
 * matching) is re2js's, which is a port of Go's own parser and matchers.
 *
 * @module
 */

/** A pattern Go's regexp rejects; the message is Go's, without "error parsing regexp: ". */
export class Re2SyntaxError extends Error {}

// Go 1.19's unicode.Categories and unicode.Scripts (Unicode 13.0.0), plus "Any".
const categories =
  "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs";
const scripts = "Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali " +
  "Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham " +
  "Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan " +
  "Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi " +
  "Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited " +
  "Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kayah_Li Kharoshthi " +
  "Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani " +
  "Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui " +
  "Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari New_Tai_Lue " +
  "Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic " +
  "Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau " +
  "Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham SignWriting " +
  "Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet " +
  "Takri Tamil Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Ugaritic Vai Wancho Warang_Citi Yezidi Yi " +
  "Zanabazar_Square";
const unicodeNames = new Set(["Any", ...categories.split(" "), ...scripts.split(" ")]);

const posixNames = new Set(
  "alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit".split(" ").flatMap((n) => [
    `[:${n}:]`,
    `[:^${n}:]`,
  ]),
);

// Go's C is Cc, Cf, Co and Cs; re2js's C also holds the unassigned code points (Cn).
const goC = "\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}";
const goNotC = "\\PC\\p{Cn}";

/** Capture names Go accepts: one or more ASCII letters, digits and underscores. */
const captureName = /^[A-Za-z0-9_]+$/;

/** The code point length (1 or 2 UTF-16 units) of the character at `i`. */
function cpLen(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

/** What the scan found: the pattern for re2js, and whether it differs from the original. */
export interface Dialect {
  pattern: string;
  rewritten: boolean;
}

/**
 * Checks a Go pattern for the places where re2js would read it otherwise and
 * returns the pattern re2js should compile. Malformed syntax that re2js
 * reports as Go does is left for re2js.
 *
 * @throws {Re2SyntaxError} for what Go rejects and re2js would accept or report otherwise
 */
export function goDialect(src: string): Dialect {
  const lone = /[\ud800-\udfff]/u.exec(src);
  // A JS string with a lone surrogate is not Unicode text; Go sees invalid UTF-8.
  if (lone) throw new Re2SyntaxError(`invalid UTF-8: \`${src.slice(lone.index)}\``);
  const names = new Map<string, number>();
  const named: [number, number][] = []; // where each "(?P<name>" is in `out`, and its length
  let out = "";
  let rewritten = false;
  let i = 0;
  /** Rewrites `\p…`/`\P…` at `i` (a backslash), or returns undefined to leave it as written. */
  const unicodeClass = (inClass: boolean): string | undefined => {
    let name: string;
    let end: number;
    if (src[i + 2] === "{") {
      end = src.indexOf("}", i + 3);
      if (end < 0) return undefined;
      name = src.slice(i + 3, end);
      end++;
    } else {
      if (i + 2 >= src.length) return undefined;
      end = i + 2 + cpLen(src, i + 2);
      name = src.slice(i + 2, end);
    }
    const seq = src.slice(i, end);
    let negated = src[i + 1] === "P";
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.slice(1);
    }
    if (!unicodeNames.has(name)) throw new Re2SyntaxError(`invalid character class range: \`${seq}\``);
    i = end;
    if (name !== "C") return seq;
    rewritten = true;
    const body = negated ? goNotC : goC;
    return inClass ? body : `[${body}]`;
  };
  /** Copies one escape at `i` as written. */
  const escape = () => {
    let n = 1 + cpLen(src, i + 1);
    if (src[i + 1] === "x" && src[i + 2] === "{") {
      const close = src.indexOf("}", i + 3);
      if (close >= 0) n = close + 1 - i;
    }
    out += src.slice(i, i + n);
    i += n;
  };
  const charClass = () => {
    out += "[";
    i++;
    if (src[i] === "^") {
      out += "^";
      i++;
    }
    let first = true;
    let rangeHi = false; // the next item is the upper end of a range
    while (i < src.length) {
      const c = src[i];
      if (c === "]" && !first) {
        out += "]";
        i++;
        return;
      }
      first = false;
      if (rangeHi) {
        // Go reads a range's upper end as one character; \p there is Go's error, left to re2js.
        rangeHi = false;
        if (c === "\\" && i + 1 < src.length) escape();
        else {
          out += src.slice(i, i + cpLen(src, i));
          i += cpLen(src, i);
        }
        continue;
      }
      let single = true;
      if (c === "[" && src[i + 1] === ":" && i + 2 < src.length) {
        const close = src.indexOf(":]", i + 2);
        if (close < 0) {
          // Not a POSIX class for Go: a literal "[", escaped so that re2js agrees.
          out += "\\[";
          rewritten = true;
          i++;
        } else {
          const name = src.slice(i, close + 2);
          if (!posixNames.has(name)) throw new Re2SyntaxError(`invalid character class range: \`${name}\``);
          out += name;
          i = close + 2;
          single = false;
        }
      } else if (c === "\\" && (src[i + 1] === "p" || src[i + 1] === "P")) {
        const r = unicodeClass(true);
        if (r === undefined) break;
        out += r;
        single = false;
      } else if (c === "\\" && i + 1 < src.length) {
        single = !"dDsSwW".includes(src[i + 1]);
        escape();
      } else {
        out += src.slice(i, i + cpLen(src, i));
        i += cpLen(src, i);
      }
      if (single && src[i] === "-" && i + 1 < src.length && src[i + 1] !== "]") {
        out += "-";
        i++;
        rangeHi = true;
      }
    }
    // No closing "]": left for re2js to report.
    out += src.slice(i);
    i = src.length;
  };
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") {
      if (src[i + 1] === "Q") {
        const e = src.indexOf("\\E", i + 2);
        const stop = e < 0 ? src.length : e + 2;
        out += src.slice(i, stop);
        i = stop;
      } else if (src[i + 1] === "p" || src[i + 1] === "P") {
        const r = unicodeClass(false);
        if (r === undefined) {
          out += src.slice(i);
          break;
        }
        out += r;
      } else if (i + 1 < src.length) escape();
      else {
        out += c;
        i++;
      }
    } else if (c === "[") charClass();
    else if (c === "(" && src[i + 1] === "?") {
      if (src.startsWith("(?<=", i) || src.startsWith("(?<!", i)) {
        throw new Re2SyntaxError("invalid or unsupported Perl syntax: `(?<` (RE2 has no lookbehind)");
      }
      const open = src.startsWith("(?P<", i) ? 4 : src.startsWith("(?<", i) ? 3 : 0;
      if (open === 4 && src.length - i === 4) throw new Re2SyntaxError("invalid or unsupported Perl syntax: `(?P`");
      if (open) {
        const close = src.indexOf(">", i + open);
        if (close < 0) throw new Re2SyntaxError(`invalid named capture: \`${src.slice(i)}\``);
        const name = src.slice(i + open, close);
        if (!captureName.test(name)) {
          throw new Re2SyntaxError(`invalid named capture: \`${src.slice(i, close + 1)}\``);
        }
        names.set(name, (names.get(name) ?? 0) + 1);
        named.push([out.length, close + 1 - i]);
        out += src.slice(i, close + 1);
        i = close + 1;
      } else {
        out += "(";
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  if ([...names.values()].some((n) => n > 1)) {
    // Go allows a name twice; re2js does not. Names do not change what matches, so drop them all.
    for (const [at, len] of named.reverse()) out = out.slice(0, at) + "(" + out.slice(at + len);
    rewritten = true;
  }
  return { pattern: out, rewritten };
}
