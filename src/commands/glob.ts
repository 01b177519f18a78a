/**
 * Glob matching over byte ranges: Redis 7.0.15's stringmatchlen (util.c), used by KEYS, SCAN MATCH,
 * HSCAN/SSCAN/ZSCAN MATCH, PSUBSCRIBE and CONFIG GET patterns.
 *
 * Syntax: `*` any run of bytes, `?` one byte, `[abc]` / `[^abc]` / `[a-z]` a class (a reversed range
 * `[z-a]` is the same as `[a-z]`; an unterminated class ends at the pattern's end), `\x` the byte x.
 *
 * Redis compares `char`s, which are signed on the platforms it ships on: bytes >= 0x80 sort below
 * ASCII inside ranges (`[\x80-a]` holds 0x80..0xff and 0x00..'a'). That is reproduced by comparing
 * bytes as signed values. `nocase` folds ASCII letters only (C locale tolower).
 *
 * After a `*` has tried every start position for the rest of the pattern without success, no longer
 * match for an earlier `*` can succeed either (Redis's skipLongerMatches, the CVE-2022-36021 fix):
 * that bounds the work on patterns like `a*a*a*a*b`.
 */

/** True when bytes `str[sStart, sEnd)` match the glob `pat[pStart, pEnd)`. Hot path: no allocation. */
export function globMatch(
  pat: Uint8Array,
  pStart: number,
  pEnd: number,
  str: Uint8Array,
  sStart: number,
  sEnd: number,
  nocase = false,
): boolean {
  return matchFrom(pat, pStart, pEnd, str, sStart, sEnd, nocase);
}

/** Convenience for whole arrays (tests, config patterns). */
export function globMatchBytes(pattern: Uint8Array, text: Uint8Array, nocase = false): boolean {
  return globMatch(pattern, 0, pattern.length, text, 0, text.length, nocase);
}

/** True when the pattern is exactly `*` (KEYS and SCAN then skip matching, as Redis does). */
export function isMatchAll(pat: Uint8Array, pStart: number, pEnd: number): boolean {
  return pEnd - pStart === 1 && pat[pStart] === 42;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/** A byte as C's signed char. */
function signed(c: number): number {
  return (c << 24) >> 24;
}

/**
 * Redis recurses at each `*`; with skipLongerMatches a failed inner `*` fails every outer one, so only
 * the innermost `*` ever backtracks. That makes the recursion a loop remembering one star: where the
 * rest of the pattern starts (`starP`) and the string position it is being tried at (`starS`). A
 * mismatch retries the rest one byte later; running out of string there fails the whole match. No
 * stack depth grows with the pattern, however many stars it has.
 */
function matchFrom(pat: Uint8Array, p: number, pEnd: number, str: Uint8Array, s: number, sEnd: number, nocase: boolean): boolean {
  let starP = -1;
  let starS = 0;
  for (;;) {
    let failed = false;
    while (p < pEnd && s < sEnd) {
      const c = pat[p];
      if (c === 42) {
        // '*': collapse runs; a trailing star matches the rest; else try the rest from here on.
        while (p + 1 < pEnd && pat[p + 1] === 42) p++;
        if (p + 1 === pEnd) return true;
        starP = p + 1;
        starS = s;
        p = starP;
        continue;
      } else if (c === 63) {
        // '?'
        s++;
      } else if (c === 91) {
        // '[': a class.
        p++;
        const not = p < pEnd && pat[p] === 94;
        if (not) p++;
        let match = false;
        const sc = str[s];
        for (;;) {
          const left = pEnd - p;
          const pc = left > 0 ? pat[p] : 0;
          if (pc === 92 && left >= 2) {
            p++;
            if (pat[p] === sc) match = true;
          } else if (pc === 93 && left > 0) {
            break;
          } else if (left === 0) {
            // Unterminated class: step back so the shared advance below lands on the end.
            p--;
            break;
          } else if (left >= 3 && pat[p + 1] === 45) {
            let start = signed(pat[p]);
            let end = signed(pat[p + 2]);
            let ch = signed(sc);
            if (start > end) {
              const t = start;
              start = end;
              end = t;
            }
            if (nocase) {
              start = lower(start);
              end = lower(end);
              ch = lower(ch);
            }
            p += 2;
            if (ch >= start && ch <= end) match = true;
          } else if (nocase ? lower(pc) === lower(sc) : pc === sc) {
            match = true;
          }
          p++;
        }
        if (not) match = !match;
        if (!match) {
          failed = true;
          break;
        }
        s++;
      } else {
        // '\x' matches x literally; a trailing backslash matches itself.
        let lit = c;
        if (c === 92 && pEnd - p >= 2) {
          p++;
          lit = pat[p];
        }
        if (nocase ? lower(lit) !== lower(str[s]) : lit !== str[s]) {
          failed = true;
          break;
        }
        s++;
      }
      p++;
      if (s === sEnd) {
        while (p < pEnd && pat[p] === 42) p++;
        break;
      }
    }
    if (!failed && p === pEnd && s === sEnd) return true;
    // Retry the rest of the pattern one byte further after the innermost star, if there is room.
    if (starP < 0 || ++starS >= sEnd) return false;
    p = starP;
    s = starS;
  }
}
