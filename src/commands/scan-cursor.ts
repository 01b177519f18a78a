/**
 * What SCAN, HSCAN, SSCAN and ZSCAN share: the cursor argument, the MATCH / COUNT / TYPE options, the
 * pattern test and the cursor reply (Redis 7.0.15's parseScanCursorOrReply and scanGenericCommand).
 *
 * Usage in a family (HSCAN key cursor [MATCH p] [COUNT n]), in Redis's order of checks:
 *
 *   if (!parseScanCursorOrReply(ctx, 2)) return;          // 'ERR invalid cursor'
 *   const e = ctx.lookupRead(ks, 1);
 *   if (e === 0) return replyEmptyScan(ctx.reply);        // a missing key answers [0, []]
 *   ...WRONGTYPE check...
 *   if (!parseScanOptionsOrReply(ctx, 3, false)) return;  // options are parsed after the key checks
 *   // scanCursor.lo is the 32-bit bucket cursor (scanCursor.hi is only for the keyspace's shard part)
 *   // scanOptions.count is the work hint; scanMatches(ctx, bytes, start, end) applies MATCH
 *   replyScanCursor(ctx.reply, nextHi, nextLo); ctx.reply.arrayLen(n); ...elements
 *
 * The cursor is an unsigned 64-bit number as Redis's (strtoul: a leading '-' wraps, '' is 0, the text
 * ends at the first NUL byte); it is kept as two u32 halves so no precision is lost above 2^53.
 * Collection cursors only ever need the low half (a table never has 2^32 buckets); SCAN over the
 * keyspace puts the shard index in the high half.
 *
 * The parse results live in module-level objects reused by every call (no allocation per command):
 * read them right after parsing, before anything else can parse again.
 */
import type { ExecContext } from './context.js';
import type { Reply } from '../protocol/reply.js';
import { SYNTAX, NOT_INTEGER } from '../protocol/errors.js';
import { globMatch, isMatchAll } from './glob.js';
import { parseLongLong } from '../protocol/number-parse.js';

export const INVALID_CURSOR = 'ERR invalid cursor';

/** The last parsed cursor: value = hi * 2^32 + lo. */
export const scanCursor = { hi: 0, lo: 0 };

/** TYPE filter value that no key has (an unknown type name: Redis then returns nothing). */
export const TYPE_MATCHES_NOTHING = -2;
/** No TYPE option. */
export const TYPE_ANY = -1;

/** The last parsed options. `matchStart` < 0 means no pattern (absent, or `*`). */
export const scanOptions = {
  count: 10,
  matchStart: -1,
  matchEnd: -1,
  /** A ValueType, TYPE_ANY or TYPE_MATCHES_NOTHING. */
  type: TYPE_ANY,
};

const TWO32 = 4294967296;
const U64_MAX = 18446744073709551615n;

/** Parses argument `i` as a SCAN cursor into `scanCursor`; replies 'ERR invalid cursor' and returns false if it is not one. */
export function parseScanCursorOrReply(ctx: ExecContext, i: number): boolean {
  const a = ctx.args;
  if (parseCursor(a.buf, a.offset(i), a.offset(i) + a.length(i))) return true;
  ctx.reply.error(INVALID_CURSOR);
  return false;
}

/** strtoul(text, &end, 10) with Redis's checks: no leading space, nothing but a NUL after the digits, no overflow. */
export function parseCursor(buf: Uint8Array, start: number, end: number): boolean {
  // The C string ends at the first NUL byte.
  let stop = start;
  while (stop < end && buf[stop] !== 0) stop++;
  if (stop === start) {
    scanCursor.hi = 0;
    scanCursor.lo = 0;
    return true;
  }
  let p = start;
  const first = buf[p];
  if (first === 32 || (first >= 9 && first <= 13)) return false;
  let negative = false;
  if (first === 43 || first === 45) {
    negative = first === 45;
    p++;
  }
  if (p === stop) return false;
  const digitsStart = p;
  while (p < stop && buf[p] >= 48 && buf[p] <= 57) p++;
  if (p === digitsStart || p !== stop) return false;
  let value: bigint;
  if (p - digitsStart <= 15) {
    let n = 0;
    for (let k = digitsStart; k < p; k++) n = n * 10 + (buf[k] - 48);
    if (!negative) {
      scanCursor.hi = Math.floor(n / TWO32);
      scanCursor.lo = n % TWO32;
      return true;
    }
    value = BigInt(n);
  } else {
    value = BigInt(Buffer.from(buf.buffer, buf.byteOffset + digitsStart, p - digitsStart).toString('latin1'));
    if (value > U64_MAX) return false;
  }
  if (negative) value = (U64_MAX + 1n - value) & U64_MAX;
  scanCursor.hi = Number(value >> 32n);
  scanCursor.lo = Number(value & 0xffffffffn);
  return true;
}

/**
 * Parses [MATCH pattern] [COUNT n] [TYPE name] from argument `first` on into `scanOptions`, replying
 * Redis's error and returning false on a bad option. TYPE is accepted only when `allowType` (SCAN).
 */
export function parseScanOptionsOrReply(ctx: ExecContext, first: number, allowType: boolean): boolean {
  const a = ctx.args;
  scanOptions.count = 10;
  scanOptions.matchStart = -1;
  scanOptions.matchEnd = -1;
  scanOptions.type = TYPE_ANY;
  let i = first;
  while (i < a.argc) {
    const left = a.argc - i;
    if (left >= 2 && a.is(i, 'count')) {
      const n = parseLongLong(a.buf, a.offset(i + 1), a.length(i + 1));
      if (n === null) {
        ctx.reply.error(NOT_INTEGER);
        return false;
      }
      if (n < 1) {
        ctx.reply.error(SYNTAX);
        return false;
      }
      scanOptions.count = Number(n);
      i += 2;
    } else if (left >= 2 && a.is(i, 'match')) {
      const start = a.offset(i + 1);
      const end = start + a.length(i + 1);
      if (isMatchAll(a.buf, start, end)) {
        scanOptions.matchStart = -1;
        scanOptions.matchEnd = -1;
      } else {
        scanOptions.matchStart = start;
        scanOptions.matchEnd = end;
      }
      i += 2;
    } else if (allowType && left >= 2 && a.is(i, 'type')) {
      scanOptions.type = typeByName(a.buf, a.offset(i + 1), a.length(i + 1));
      i += 2;
    } else {
      ctx.reply.error(SYNTAX);
      return false;
    }
  }
  return true;
}

/** True when `bytes[start, end)` passes the parsed MATCH option (always, without one). */
export function scanMatches(ctx: ExecContext, bytes: Uint8Array, start: number, end: number): boolean {
  if (scanOptions.matchStart < 0) return true;
  return globMatch(ctx.args.buf, scanOptions.matchStart, scanOptions.matchEnd, bytes, start, end, false);
}

/** Writes the first element of a scan reply: `*2` and the cursor as a bulk string. */
export function replyScanCursor(reply: Reply, hi: number, lo: number): void {
  reply.arrayLen(2);
  if (hi === 0) reply.bulkInteger(lo);
  else if (hi < 1 << 21) reply.bulkInteger(hi * TWO32 + lo);
  else reply.bulkInteger((BigInt(hi) << 32n) | BigInt(lo));
}

/** The reply to a scan of a missing key: cursor 0 and no elements (Redis's shared.emptyscan). */
export function replyEmptyScan(reply: Reply): void {
  reply.arrayLen(2);
  reply.bulkLatin1('0');
  reply.arrayLen(0);
}

const TYPE_NAMES = ['string', 'list', 'set', 'zset', 'hash', '', 'stream'];

/** Redis's type name of a ValueType (TYPE's reply, SCAN's TYPE filter). */
export function typeName(type: number): string {
  return TYPE_NAMES[type] || 'none';
}

/** A TYPE option's name, compared as strcasecmp does (case-insensitive, up to a NUL byte). */
function typeByName(buf: Uint8Array, off: number, len: number): number {
  let n = 0;
  while (n < len && buf[off + n] !== 0) n++;
  for (let t = 0; t < TYPE_NAMES.length; t++) {
    const name = TYPE_NAMES[t];
    if (name === '' || name.length !== n) continue;
    let k = 0;
    while (k < n && (buf[off + k] | 0x20) === name.charCodeAt(k)) k++;
    if (k === n) return t;
  }
  return TYPE_MATCHES_NOTHING;
}
