/**
 * SORT and SORT_RO (Redis 7.0.15's sort.c).
 *
 * The command loads the elements of a list, set or sorted set into a vector, gives each one a sort
 * key (its own value, or the value a BY pattern names: a string key, or a hash field with `->`),
 * sorts the vector and replies (or stores into a list) the elements or the values GET patterns name.
 * What a client can observe follows sort.c step by step:
 *
 * - Options are parsed left to right; the last LIMIT / ASC|DESC / BY / STORE wins, but a BY pattern
 *   without `*` (looked for as C's strchr does: up to the first NUL byte) turns sorting off for good
 *   ("dontsort"), even when a later BY has a `*`. Parsing errors come before the key's lookup.
 * - Without sorting, a list and a sorted set keep their own order (reversed by DESC) and LIMIT picks
 *   that range directly; a set keeps its iteration order, except with STORE, where it is sorted ALPHA
 *   (so the stored result is deterministic).
 * - A sorted set in the listpack encoding is converted to a skiplist first (Redis does it
 *   destructively, for SORT_RO too, and OBJECT ENCODING shows it).
 * - Numeric sort keys are read as strtod reads a C string: leading white space, hex floats, inf;
 *   the text ends at the first NUL byte; an empty or missing value is 0; a value strtod does not
 *   consume whole, NaN, or out of range (ERANGE, also for subnormal results) fails the whole command
 *   with "One or more scores can't be converted into double" (after sorting, as Redis).
 *   Equal scores compare the elements as binary strings, so a numeric sort is fully determined.
 * - ALPHA compares with strcoll, which in the C / C.UTF-8 locale is strcmp (stops at a NUL byte);
 *   with STORE, Redis compares binary-safe instead (memcmp, then the length). With BY, elements
 *   whose BY value is missing sort first.
 * - Redis sorts with libc's qsort (glibc: a stable merge sort), or with its own partial quicksort
 *   (pqsort.c) when BY and a LIMIT narrower than the whole vector are both given. The first is
 *   Array.prototype.sort (stable, same comparator); the second is a port of pqsort, so even ties
 *   come out in Redis's order.
 * - Pattern lookups are lookupKeyRead calls (lazy expiry, keyspace hits/misses); a pattern key of
 *   the wrong type reads as missing. GET `#` is the element itself. A pattern without `*` finds
 *   nothing. GET values missing are null in the reply and empty strings in a stored list.
 * - STORE replaces the destination (any type, TTL dropped) with a list, or deletes it when the
 *   result is empty; the reply is the number of stored entries.
 *
 * Pattern keys can live in any shard, as can the STORE destination: the command routes 'all' when
 * BY, GET or STORE appear. Elements and sort keys are copied out of the arenas into one byte pool
 * first (the destination may be the sorted key itself, and building the stored list allocates).
 */
import type { Args } from '../protocol/args.js';
import type { CommandFamily, Route } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { ShardKeyspace, ValueType, Encoding } from '../storage/keyspace.js';
import { WRONGTYPE, SYNTAX } from '../protocol/errors.js';
import { integerArgOrReply, string2d } from '../protocol/number-parse.js';
import { Setting } from '../shard/shared-settings.js';
import { Counter } from '../shard/command-stats.js';
import { ListpackEntry } from '../storage/listpack.js';
import { QuicklistCursor, qlCount, qlFirst, qlNew, qlNext, qlPrev, qlPush, qlRead, qlSeek } from '../storage/quicklist.js';
import { setForEach, setSize } from '../storage/set-value.js';
import { ZSetRef, zsetOpen, zsetStore, zsetConvertToSkiplist, zsetLength, zsetFirst, zsetNext, zsetAtRank, zsetMember, zsetPrev } from '../storage/zset-value.js';
import { hashGet, hashValue } from '../storage/hash-value.js';

const SCORES_NOT_DOUBLE = "ERR One or more scores can't be converted into double";

// ---------------------------------------------------------------- byte pool and the sort vector

/** Bytes of the elements, sort keys and stored values of the running command. */
let pool = new Uint8Array(1 << 12);
let poolLen = 0;

function poolReserve(n: number): void {
  if (poolLen + n <= pool.length) return;
  let size = pool.length * 2;
  while (size < poolLen + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(pool.subarray(0, poolLen));
  pool = next;
}

/** Copies bytes into the pool; returns their offset. Hot path: short values are copied by hand. */
function poolPut(buf: Uint8Array, off: number, len: number): number {
  if (poolLen + len > pool.length) poolReserve(len);
  const at = poolLen;
  copyBytes(buf, off, len, pool, at);
  poolLen += len;
  return at;
}

/** Copies `len` bytes; a loop for short runs (a subarray view costs more than the copy). */
function copyBytes(src: Uint8Array, off: number, len: number, dst: Uint8Array, at: number): void {
  if (len > 48) dst.set(src.subarray(off, off + len), at);
  else for (let i = 0; i < len; i++) dst[at + i] = src[off + i];
}

/** Writes an integer's decimal text into the pool; sets `putLen` and returns the offset. */
let putLen = 0;
function poolPutInt(v: number): number {
  const s = String(v);
  poolReserve(s.length);
  const at = poolLen;
  for (let i = 0; i < s.length; i++) pool[at + i] = s.charCodeAt(i);
  poolLen += s.length;
  putLen = s.length;
  return at;
}

// Per element: its bytes, its numeric score, its ALPHA BY value (cmpLen -1 = none).
let elOff = new Int32Array(64);
let elLen = new Int32Array(64);
let score = new Float64Array(64);
let cmpOff = new Int32Array(64);
let cmpLen = new Int32Array(64);
let count = 0;

function vectorReset(capacity: number): void {
  if (elOff.length < capacity) {
    let size = elOff.length;
    while (size < capacity) size *= 2;
    elOff = new Int32Array(size);
    elLen = new Int32Array(size);
    score = new Float64Array(size);
    cmpOff = new Int32Array(size);
    cmpLen = new Int32Array(size);
  }
  count = 0;
  poolLen = 0;
}

function vectorAdd(buf: Uint8Array, off: number, len: number): void {
  elOff[count] = poolPut(buf, off, len);
  elLen[count] = len;
  score[count] = 0;
  cmpLen[count] = -1;
  count++;
}

function vectorAddInt(v: number): void {
  elOff[count] = poolPutInt(v);
  elLen[count] = putLen;
  score[count] = 0;
  cmpLen[count] = -1;
  count++;
}

// ---------------------------------------------------------------- comparisons

/** compareStringObjects: memcmp over the shorter length, then the lengths. */
function binaryCompare(ao: number, al: number, bo: number, bl: number): number {
  const p = pool;
  const n = al < bl ? al : bl;
  for (let i = 0; i < n; i++) {
    const d = p[ao + i] - p[bo + i];
    if (d !== 0) return d;
  }
  return al - bl;
}

/** strcoll in the C locale: strcmp over the C strings (each ends at its first NUL byte). */
function collateCompare(ao: number, al: number, bo: number, bl: number): number {
  const p = pool;
  for (let i = 0; ; i++) {
    const ca = i < al ? p[ao + i] : 0;
    const cb = i < bl ? p[bo + i] : 0;
    if (ca !== cb) return ca - cb;
    if (ca === 0) return 0;
  }
}

let sortDesc = false;
let sortAlpha = false;
let sortByPattern = false;
let sortStore = false;

/** Redis's sortCompare over two vector indexes. */
function sortCompare(x: number, y: number): number {
  let cmp: number;
  if (!sortAlpha) {
    const sx = score[x];
    const sy = score[y];
    if (sx > sy) cmp = 1;
    else if (sx < sy) cmp = -1;
    else cmp = binaryCompare(elOff[x], elLen[x], elOff[y], elLen[y]);
  } else if (sortByPattern) {
    const lx = cmpLen[x];
    const ly = cmpLen[y];
    if (lx < 0 || ly < 0) cmp = lx === ly ? 0 : lx < 0 ? -1 : 1;
    else if (sortStore) cmp = binaryCompare(cmpOff[x], lx, cmpOff[y], ly);
    else cmp = collateCompare(cmpOff[x], lx, cmpOff[y], ly);
  } else if (sortStore) cmp = binaryCompare(elOff[x], elLen[x], elOff[y], elLen[y]);
  else cmp = collateCompare(elOff[x], elLen[x], elOff[y], elLen[y]);
  return sortDesc ? -cmp : cmp;
}

// ---------------------------------------------------------------- pqsort (Redis's pqsort.c)

/**
 * Redis's partial quicksort (Bentley & McIlroy's qsort from NetBSD, skipping partitions that lie
 * wholly outside [lrange, rrange]) over an array of vector indexes. Ported step by step so that
 * elements comparing equal end up where Redis puts them.
 */
function pqsort(v: number[], lrange: number, rrange: number): void {
  pqsortRange(v, 0, v.length, lrange, rrange);
}

function swap(v: number[], i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}

function vecswap(v: number[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(v, i + k, j + k);
}

function med3(v: number[], a: number, b: number, c: number): number {
  return sortCompare(v[a], v[b]) < 0
    ? sortCompare(v[b], v[c]) < 0
      ? b
      : sortCompare(v[a], v[c]) < 0
        ? c
        : a
    : sortCompare(v[b], v[c]) > 0
      ? b
      : sortCompare(v[a], v[c]) < 0
        ? a
        : c;
}

function pqsortRange(v: number[], a: number, n: number, lrange: number, rrange: number): void {
  for (;;) {
    if (n < 7) {
      for (let pm = a + 1; pm < a + n; pm++) {
        for (let pl = pm; pl > a && sortCompare(v[pl - 1], v[pl]) > 0; pl--) swap(v, pl, pl - 1);
      }
      return;
    }
    let pm = a + Math.floor(n / 2);
    if (n > 7) {
      let pl = a;
      let pn = a + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(v, pl, pl + d, pl + 2 * d);
        pm = med3(v, pm - d, pm, pm + d);
        pn = med3(v, pn - 2 * d, pn - d, pn);
      }
      pm = med3(v, pl, pm, pn);
    }
    swap(v, a, pm);
    let pa = a + 1;
    let pb = pa;
    let pc = a + n - 1;
    let pd = pc;
    for (;;) {
      let c: number;
      while (pb <= pc && (c = sortCompare(v[pb], v[a])) <= 0) {
        if (c === 0) {
          swap(v, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (c = sortCompare(v[pc], v[a])) >= 0) {
        if (c === 0) {
          swap(v, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb, pc);
      pb++;
      pc--;
    }
    const pn = a + n;
    let r = Math.min(pa - a, pb - pa);
    vecswap(v, a, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(v, pb, pn - r, r);
    r = pb - pa;
    if (r > 1) {
      const l = a;
      const rr = a + r - 1;
      if (!((lrange < l && rrange < l) || (lrange > rr && rrange > rr))) pqsortRange(v, a, r, lrange, rrange);
    }
    r = pd - pc;
    if (r <= 1) return;
    a = pn - r;
    n = r;
    const l = a;
    const rr = a + r - 1;
    if ((lrange < l && rrange < l) || (lrange > rr && rrange > rr)) return;
  }
}

// ---------------------------------------------------------------- patterns

/** A pattern's shape, found once per command: where its `*` is, and its `->field` if any. */
class Pattern {
  arg = 0;
  /** GET # (the element itself). */
  self = false;
  /** Index of the `*` in the pattern, -1 when there is none (the pattern finds nothing). */
  star = -1;
  /** Offset of the field name in the pattern and its length (0: a string key, no hash field). */
  fieldAt = 0;
  fieldLen = 0;
  /** Bytes after the `*` that belong to the key name. */
  postfixLen = 0;
}

/** Length of the C string at buf[off, off+len): up to the first NUL byte. */
function cLength(buf: Uint8Array, off: number, len: number): number {
  for (let i = 0; i < len; i++) if (buf[off + i] === 0) return i;
  return len;
}

function analyzePattern(args: Args, i: number, p: Pattern): void {
  const buf = args.buf;
  const off = args.offset(i);
  const len = args.length(i);
  const clen = cLength(buf, off, len);
  p.arg = i;
  p.self = clen === 1 && buf[off] === 35; // "#" followed by the end or a NUL byte
  p.star = -1;
  p.fieldAt = 0;
  p.fieldLen = 0;
  for (let k = 0; k < clen; k++) {
    if (buf[off + k] === 42) {
      p.star = k;
      break;
    }
  }
  if (p.star < 0) return;
  for (let k = p.star + 1; k + 1 < clen; k++) {
    if (buf[off + k] === 45 && buf[off + k + 1] === 62) {
      if (k + 2 < clen) {
        p.fieldAt = k + 2;
        p.fieldLen = len - k - 2;
      }
      break;
    }
  }
  p.postfixLen = len - (p.star + 1) - (p.fieldLen ? p.fieldLen + 2 : 0);
}

let keyBuf = new Uint8Array(256);
/** What lookupByPattern found: `found.buf[start, start+len)`. */
const found = { buf: pool as Uint8Array, start: 0, len: 0 };
const intText = new Uint8Array(24);

/**
 * Redis's lookupKeyByPattern for the element at vector index `x`: true with `found` set when the
 * pattern names an existing string key (or hash field), false otherwise.
 */
function lookupByPattern(ctx: ExecContext, p: Pattern, x: number): boolean {
  if (p.self) {
    found.buf = pool;
    found.start = elOff[x];
    found.len = elLen[x];
    return true;
  }
  if (p.star < 0) return false;
  const args = ctx.args;
  const pat = args.buf;
  const po = args.offset(p.arg);
  const sublen = elLen[x];
  const keyLen = p.star + sublen + p.postfixLen;
  if (keyBuf.length < keyLen) keyBuf = new Uint8Array(keyLen * 2);
  copyBytes(pat, po, p.star, keyBuf, 0);
  copyBytes(pool, elOff[x], sublen, keyBuf, p.star);
  copyBytes(pat, po + p.star + 1, p.postfixLen, keyBuf, p.star + sublen);
  const ks = ctx.keyspaceForBytes(keyBuf, 0, keyLen);
  const e = ctx.lookupBytes(ks, keyBuf, 0, keyLen);
  ctx.stats.count(e === 0 ? Counter.KeyspaceMisses : Counter.KeyspaceHits);
  if (e === 0) return false;
  if (p.fieldLen === 0) {
    if (ks.type(e) !== ValueType.String) return false;
    found.buf = ks.arena.u8;
    found.start = ks.valueStart(e);
    found.len = ks.valueWord(e);
    return true;
  }
  if (ks.type(e) !== ValueType.Hash) return false;
  if (!hashGet(ks, e, pat, po + p.fieldAt, p.fieldLen)) return false;
  if (hashValue.isInt) {
    const s = String(hashValue.value);
    for (let i = 0; i < s.length; i++) intText[i] = s.charCodeAt(i);
    found.buf = intText;
    found.start = 0;
    found.len = s.length;
  } else {
    found.buf = ks.arena.u8;
    found.start = hashValue.start;
    found.len = hashValue.length;
  }
  return true;
}

// ---------------------------------------------------------------- numeric sort keys

/**
 * The score strtod gives a C string, or NaN when sort.c rejects it (text left over, NaN, ERANGE).
 * The text ends at the first NUL byte; the empty string is 0 (strtod consumes nothing and stops at
 * the terminator).
 */
function sortScore(buf: Uint8Array, off: number, len: number): number {
  len = cLength(buf, off, len);
  if (len === 0) return 0;
  let p = off;
  const end = off + len;
  while (p < end && (buf[p] === 32 || (buf[p] >= 9 && buf[p] <= 13))) p++;
  if (p === end) return NaN;
  let d = plainDecimal(buf, p, end);
  if (Number.isNaN(d)) {
    const parsed = string2d(buf, p, end - p);
    if (parsed === null) return NaN;
    d = parsed;
  }
  if (!Number.isFinite(d) && !isInfText(buf, p, end)) return NaN;
  if (d === 0 && hasNonZeroDigit(buf, p, end)) return NaN;
  // glibc's strtod reports ERANGE for inexact results in the subnormal range too.
  if (d !== 0 && Math.abs(d) < 2.2250738585072014e-308 && !exactSubnormal(buf, p, end, d)) return NaN;
  return d;
}

/**
 * Fast path of sortScore for plain decimal text ([sign] digits [. digits] [e [sign] digits]): JS's
 * Number() then rounds exactly as strtod does. NaN for any other text (string2d reads it).
 */
function plainDecimal(buf: Uint8Array, p: number, end: number): number {
  let i = p;
  const negative = buf[i] === 45;
  if (negative || buf[i] === 43) i++;
  let digits = 0;
  let int = 0;
  let c = 0;
  while (i < end && (c = buf[i] - 48) >= 0 && c <= 9) {
    int = int * 10 + c;
    i++;
    digits++;
  }
  if (i === end && digits > 0 && digits <= 15) return negative ? -int : int;
  if (i < end && buf[i] === 46) {
    i++;
    while (i < end && (c = buf[i] - 48) >= 0 && c <= 9) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end && (buf[i] | 0x20) === 101) {
    i++;
    if (i < end && (buf[i] === 43 || buf[i] === 45)) i++;
    let exp = 0;
    while (i < end && (c = buf[i] - 48) >= 0 && c <= 9) {
      i++;
      exp++;
    }
    if (exp === 0) return NaN;
  }
  if (i !== end) return NaN;
  let text = '';
  for (let k = p; k < end; k++) text += String.fromCharCode(buf[k]);
  return Number(buf[p] === 43 ? text.slice(1) : text);
}

/** Whether the text is an infinity (strtod's "inf"/"infinity"), not an overflowing number. */
function isInfText(buf: Uint8Array, p: number, end: number): boolean {
  if (buf[p] === 43 || buf[p] === 45) p++;
  return (buf[p] | 0x20) === 105;
}

/** Whether a mantissa digit before the exponent is not zero (a zero result is then an underflow). */
function hasNonZeroDigit(buf: Uint8Array, p: number, end: number): boolean {
  if (buf[p] === 43 || buf[p] === 45) p++;
  let hex = false;
  if (end - p > 2 && buf[p] === 48 && (buf[p + 1] | 0x20) === 120) {
    hex = true;
    p += 2;
  }
  for (; p < end; p++) {
    const c = buf[p] | 0x20;
    if (c === (hex ? 112 : 101)) break;
    if (buf[p] >= 49 && buf[p] <= 57) return true;
    if (hex && c >= 97 && c <= 102) return true;
  }
  return false;
}

/**
 * Whether text that string2d read as the subnormal `d` is exactly that value (no rounding), as for
 * hex floats such as 0x1p-1074. Rare path: exact arithmetic on the digits.
 */
function exactSubnormal(buf: Uint8Array, p: number, end: number, d: number): boolean {
  if (buf[p] === 43 || buf[p] === 45) p++;
  const hex = end - p > 2 && buf[p] === 48 && (buf[p + 1] | 0x20) === 120;
  if (hex) p += 2;
  const base = hex ? 16n : 10n;
  let mantissa = 0n;
  let fraction = 0;
  let seenPoint = false;
  for (; p < end; p++) {
    const c = buf[p];
    if (c === 46) {
      seenPoint = true;
      continue;
    }
    let digit: number;
    if (c >= 48 && c <= 57) digit = c - 48;
    else if (hex && (c | 0x20) >= 97 && (c | 0x20) <= 102) digit = (c | 0x20) - 87;
    else break;
    mantissa = mantissa * base + BigInt(digit);
    if (seenPoint) fraction++;
  }
  let exp = 0;
  if (p < end) {
    p++; // 'e' or 'p'
    let negative = false;
    if (buf[p] === 43 || buf[p] === 45) negative = buf[p++] === 45;
    for (; p < end; p++) exp = Math.min(exp * 10 + buf[p] - 48, 100000);
    if (negative) exp = -exp;
  }
  const k = BigInt(Math.abs(d) * 2 ** 1000 * 2 ** 74); // d = k * 2^-1074 exactly (2^1074 itself overflows)
  if (hex) {
    const e2 = exp - 4 * fraction + 1074;
    return e2 >= 0 ? mantissa << BigInt(e2) === k : mantissa === k << BigInt(-e2);
  }
  const e10 = exp - fraction;
  if (e10 >= 0) return false;
  return mantissa * (1n << 1074n) === k * 10n ** BigInt(-e10);
}

// ---------------------------------------------------------------- the command

const cur = new QuicklistCursor();
const entry = new ListpackEntry();
const zref = new ZSetRef();
let gets: Pattern[] = [];
const byPattern = new Pattern();

function sortGeneric(ctx: ExecContext, readonly: boolean): void {
  const args = ctx.args;
  const argc = args.argc;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let byArg = -1;
  let storeArg = -1;
  let getop = 0;

  for (let j = 2; j < argc; j++) {
    const left = argc - j - 1;
    if (args.is(j, 'asc')) desc = false;
    else if (args.is(j, 'desc')) desc = true;
    else if (args.is(j, 'alpha')) alpha = true;
    else if (args.is(j, 'limit') && left >= 2) {
      const s = integerArgOrReply(args, j + 1, ctx.reply);
      if (s === null) return;
      const c = integerArgOrReply(args, j + 2, ctx.reply);
      if (c === null) return;
      limitStart = s;
      limitCount = c;
      j += 2;
    } else if (!readonly && args.is(j, 'store') && left >= 1) {
      storeArg = j + 1;
      j++;
    } else if (args.is(j, 'by') && left >= 1) {
      byArg = j + 1;
      const o = args.offset(j + 1);
      const clen = cLength(args.buf, o, args.length(j + 1));
      let star = false;
      for (let k = 0; k < clen; k++) if (args.buf[o + k] === 42) star = true;
      if (!star) dontsort = true;
      j++;
    } else if (args.is(j, 'get') && left >= 1) {
      if (gets.length <= getop) gets.push(new Pattern());
      analyzePattern(args, j + 1, gets[getop]);
      getop++;
      j++;
    } else {
      ctx.reply.error(SYNTAX);
      return;
    }
  }

  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  let type = ValueType.List;
  if (e !== 0) {
    type = ks.type(e);
    if (type !== ValueType.Set && type !== ValueType.List && type !== ValueType.ZSet) {
      ctx.reply.error(WRONGTYPE);
      return;
    }
  }

  // A set read without sorting would give its iteration order: STORE sorts it (ALPHA) instead.
  let sortBy = byArg;
  if (dontsort && type === ValueType.Set && storeArg >= 0) {
    dontsort = false;
    alpha = true;
    sortBy = -1;
  }

  // Sorted sets are sorted in the skiplist encoding (converted for good, as Redis does).
  if (type === ValueType.ZSet) {
    zsetOpen(zref, ks, e);
    if (zref.enc === Encoding.ListPack) {
      zsetConvertToSkiplist(zref, zsetLength(zref));
      zsetStore(zref, ks, e);
    }
  }

  let vectorlen = 0;
  if (e !== 0) {
    if (type === ValueType.List) vectorlen = qlCount(ks.arena, ks.valueWord(e));
    else if (type === ValueType.Set) vectorlen = setSize(ks.arena, ks.valueWord(e));
    else vectorlen = zsetLength(zref);
  }

  // LIMIT sanity, as sort.c (exact arithmetic: no overflow with huge counts).
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  if ((type === ValueType.ZSet || type === ValueType.List) && dontsort && (start !== 0 || end !== vectorlen - 1)) {
    vectorlen = end - start + 1;
  }
  if (vectorlen < 0) vectorlen = 0;

  vectorReset(vectorlen);
  if (e !== 0) {
    const a = ks.arena;
    if (type === ValueType.List) {
      const ql = ks.valueWord(e);
      if (dontsort) {
        if (end >= start) {
          const len = qlCount(a, ql);
          let ok = qlSeek(a, ql, desc ? len - start - 1 : start, cur);
          while (count < vectorlen && ok) {
            readListEntry(ks);
            ok = desc ? qlPrev(a, cur) : qlNext(a, cur);
          }
          end -= start;
          start = 0;
        }
      } else {
        for (let ok = qlFirst(a, ql, cur); ok; ok = qlNext(a, cur)) readListEntry(ks);
      }
    } else if (type === ValueType.Set) {
      setForEach(a, ks.valueWord(e), vectorAdd);
    } else if (dontsort) {
      const zlen = zsetLength(zref);
      let h: number;
      if (desc) h = start > 0 ? zsetAtRank(zref, zlen - start - 1) : zsetAtRank(zref, zlen - 1);
      else h = start > 0 ? zsetAtRank(zref, start) : zsetFirst(zref);
      for (let k = 0; k < vectorlen && h !== 0; k++) {
        const m = zsetMember(zref, h);
        vectorAdd(m.buf, m.start, m.len);
        h = desc ? zsetPrev(zref, h) : zsetNext(zref, h);
      }
      end -= start;
      start = 0;
    } else {
      for (let h = zsetFirst(zref); h !== 0; h = zsetNext(zref, h)) {
        const m = zsetMember(zref, h);
        vectorAdd(m.buf, m.start, m.len);
      }
    }
  }

  // Sort keys, then the sort.
  let conversionError = false;
  const order: number[] = new Array(count);
  for (let x = 0; x < count; x++) order[x] = x;
  if (!dontsort) {
    if (sortBy >= 0) analyzePattern(args, sortBy, byPattern);
    for (let x = 0; x < count; x++) {
      let buf: Uint8Array;
      let off: number;
      let len: number;
      if (sortBy >= 0) {
        if (!lookupByPattern(ctx, byPattern, x)) continue;
        buf = found.buf;
        off = found.start;
        len = found.len;
      } else {
        buf = pool;
        off = elOff[x];
        len = elLen[x];
      }
      if (alpha) {
        if (sortBy >= 0) {
          cmpOff[x] = poolPut(buf, off, len);
          cmpLen[x] = len;
        }
      } else {
        const s = sortScore(buf, off, len);
        if (Number.isNaN(s)) conversionError = true;
        score[x] = s;
      }
    }
    sortDesc = desc;
    sortAlpha = alpha;
    sortByPattern = sortBy >= 0;
    sortStore = storeArg >= 0;
    if (sortBy >= 0 && (start !== 0 || end !== count - 1)) pqsort(order, start, end);
    else order.sort(sortCompare);
  }

  const outputlen = getop ? getop * (end - start + 1) : end - start + 1;
  if (conversionError) {
    ctx.reply.error(SCORES_NOT_DOUBLE);
    return;
  }
  if (storeArg < 0) {
    const reply = ctx.reply;
    reply.arrayLen(outputlen);
    for (let j = start; j <= end; j++) {
      const x = order[j];
      if (getop === 0) reply.bulk(pool, elOff[x], elOff[x] + elLen[x]);
      for (let g = 0; g < getop; g++) {
        if (lookupByPattern(ctx, gets[g], x)) reply.bulk(found.buf, found.start, found.start + found.len);
        else reply.nullBulk();
      }
    }
    return;
  }
  store(ctx, storeArg, order, start, end, getop, outputlen);
}

/** Copies the list entry under the cursor into the vector. */
function readListEntry(ks: ShardKeyspace): void {
  const a = ks.arena;
  qlRead(a, cur, entry);
  if (entry.isInt) vectorAddInt(entry.value);
  else vectorAdd(a.u8, entry.start, entry.length);
}

// Stored values: offsets and lengths in the pool, gathered before the destination changes.
let outOff = new Int32Array(64);
let outLen = new Int32Array(64);

function store(ctx: ExecContext, dst: number, order: number[], start: number, end: number, getop: number, outputlen: number): void {
  if (outOff.length < outputlen) {
    let size = outOff.length;
    while (size < outputlen) size *= 2;
    outOff = new Int32Array(size);
    outLen = new Int32Array(size);
  }
  let n = 0;
  for (let j = start; j <= end; j++) {
    const x = order[j];
    if (getop === 0) {
      outOff[n] = elOff[x];
      outLen[n++] = elLen[x];
      continue;
    }
    for (let g = 0; g < getop; g++) {
      if (lookupByPattern(ctx, gets[g], x)) {
        outOff[n] = found.buf === pool ? found.start : poolPut(found.buf, found.start, found.len);
        outLen[n++] = found.len;
      } else {
        outOff[n] = 0;
        outLen[n++] = 0;
      }
    }
  }
  const dks = ctx.keyspaceFor(dst);
  const old = ctx.lookup(dks, dst);
  if (outputlen > 0) {
    if (old !== 0) dks.remove(ctx.db, old);
    const ql = qlNew(dks.arena, ctx.settings.get(Setting.ListMaxListpackSize));
    for (let k = 0; k < n; k++) qlPush(dks.arena, ql, false, pool, outOff[k], outLen[k]);
    const args = ctx.args;
    const d = dks.newEntry(args.buf, args.offset(dst), args.length(dst), ValueType.List, 0);
    dks.setValueWord(d, ql);
    dks.setEncoding(d, Encoding.QuickList);
    dks.setLru(d, ctx.newAccessWord());
    dks.link(ctx.db, d);
    if (old === 0) ctx.notifyNew(dks, d);
    ctx.notify(NotifyClass.List, KeyEvent.Sortstore, dst);
    ctx.dirty += outputlen;
  } else if (old !== 0) {
    dks.remove(ctx.db, old);
    ctx.notify(NotifyClass.Generic, KeyEvent.Del, dst);
    ctx.dirty++;
  }
  ctx.reply.integer(outputlen);
}

/** Scratch kept between commands up to this size; a bigger sort's buffers are dropped after it. */
const KEEP_BYTES = 1 << 20;
const KEEP_ELEMENTS = 1 << 14;

function releaseScratch(): void {
  if (pool.length > KEEP_BYTES) pool = new Uint8Array(1 << 12);
  if (elOff.length > KEEP_ELEMENTS) {
    elOff = new Int32Array(64);
    elLen = new Int32Array(64);
    score = new Float64Array(64);
    cmpOff = new Int32Array(64);
    cmpLen = new Int32Array(64);
  }
  if (outOff.length > KEEP_ELEMENTS) {
    outOff = new Int32Array(64);
    outLen = new Int32Array(64);
  }
  found.buf = pool;
}

function sort(ctx: ExecContext): void {
  sortGeneric(ctx, false);
  releaseScratch();
}

function sortRo(ctx: ExecContext): void {
  sortGeneric(ctx, true);
  releaseScratch();
}

/** Every shard when BY, GET or STORE may name keys outside the sorted key's shard. */
function sortRoute(args: Args): Route {
  for (let i = 2; i < args.argc; i++) {
    if (args.is(i, 'by') || args.is(i, 'get') || args.is(i, 'store')) return 'all';
  }
  return 'keys';
}

export const sortCommands: CommandFamily = {
  sort: { route: sortRoute, run: sort, main: (ctx) => sort(ctx) },
  sort_ro: { route: sortRoute, run: sortRo, main: (ctx) => sortRo(ctx) },
};
