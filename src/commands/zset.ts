/**
 * Sorted-set commands (Redis 7.0.15's t_zset.c): ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK
 * ZREVRANK ZCOUNT ZLEXCOUNT, the ZRANGE family and ZRANGESTORE, ZREMRANGEBY*, ZPOPMIN ZPOPMAX ZMPOP,
 * ZRANDMEMBER, ZUNION ZINTER ZDIFF (and *STORE), ZINTERCARD and ZSCAN.
 *
 * Values live in the shard arena behind zset-value.ts. Handlers follow Redis's order of checks
 * (argument parsing, then key lookup and type, then the operation) so errors match byte for byte.
 * Multi-key commands reach each key's shard with `ctx.keyspaceFor(i)`; results are built in the
 * destination's arena. The blocking BZPOPMIN / BZPOPMAX / BZMPOP live in zset-blocking.ts.
 *
 * Files: this one (single-key commands, pops, ZRANDMEMBER, ZSCAN, the value hooks and the family),
 * zset-range.ts (range commands and the shared helpers), zset-store.ts (ZUNION/ZINTER/ZDIFF...).
 */
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import type { CommandFamily } from './handler.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { ValueType, Encoding, valueFreers, valueCloners } from '../storage/keyspace.js';
import { WRONGTYPE, SYNTAX, NOT_INTEGER, NOT_FLOAT, NOT_POSITIVE_LONG } from '../protocol/errors.js';
import { string2ll, string2llExact, string2d } from '../protocol/number-parse.js';
import { formatDouble } from '../protocol/reply.js';
import { parseScanCursorOrReply, parseScanOptionsOrReply, replyEmptyScan, replyScanCursor, scanCursor, scanOptions, scanMatches } from './scan-cursor.js';
import { valueReporters, mixDigest, xorDigest } from './server-admin.js';
import { ftScan, ftFieldStart, ftFieldLength, ftScore } from '../storage/field-table.js';
import {
  ZSetRef,
  ZAddIn,
  ZAddOut,
  zsetResult,
  zsetOpen,
  zsetStore,
  zsetCreate,
  zsetFreeRoot,
  zsetCloneRoot,
  zsetLength,
  zsetScore,
  zsetAdd,
  zsetRemove,
  zsetRank,
  zsetFirst,
  zsetLast,
  zsetNext,
  zsetPrev,
  zsetAtRank,
  zsetHandleScore,
  zsetMember,
  zsetMemberStable,
  zsetDeleteRangeByRank,
  zsetTable,
  zsetMemory,
} from '../storage/zset-value.js';
import { readLimits, readZset, writeZset, addKey, storeOrDelete, replyMember, replyElement, sortedSetRangeCommands } from './zset-range.js';
import { sortedSetStoreCommands } from './zset-store.js';

valueFreers[ValueType.ZSet] = zsetFreeRoot;
valueCloners[ValueType.ZSet] = zsetCloneRoot;

const NAN_SCORE = 'ERR resulting score is not a number (NaN)';
const LONG_MAX = 9223372036854775807;

const zref = new ZSetRef();

// ---------------------------------------------------------------- ZADD ZINCRBY

let zaddScores = new Float64Array(16);

function zaddGeneric(ctx: ExecContext, baseFlags: number): void {
  const a = ctx.args;
  let flags = baseFlags;
  let ch = false;
  let scoreIdx = 2;
  while (scoreIdx < a.argc) {
    if (a.is(scoreIdx, 'nx')) flags |= ZAddIn.NX;
    else if (a.is(scoreIdx, 'xx')) flags |= ZAddIn.XX;
    else if (a.is(scoreIdx, 'ch')) ch = true;
    else if (a.is(scoreIdx, 'incr')) flags |= ZAddIn.Incr;
    else if (a.is(scoreIdx, 'gt')) flags |= ZAddIn.GT;
    else if (a.is(scoreIdx, 'lt')) flags |= ZAddIn.LT;
    else break;
    scoreIdx++;
  }
  const incr = (flags & ZAddIn.Incr) !== 0;
  const nx = (flags & ZAddIn.NX) !== 0;
  const xx = (flags & ZAddIn.XX) !== 0;
  const gt = (flags & ZAddIn.GT) !== 0;
  const lt = (flags & ZAddIn.LT) !== 0;
  let elements = a.argc - scoreIdx;
  if (elements % 2 !== 0 || elements === 0) return ctx.reply.error(SYNTAX);
  elements /= 2;
  if (nx && xx) return ctx.reply.error('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ctx.reply.error('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && elements > 1) return ctx.reply.error('ERR INCR option supports a single increment-element pair');
  // Every score is parsed before anything changes, as Redis does; the buffer is reused across calls.
  if (zaddScores.length < elements) zaddScores = new Float64Array(Math.max(elements, zaddScores.length * 2));
  const scores = zaddScores;
  for (let j = 0; j < elements; j++) {
    const i = scoreIdx + 2 * j;
    const d = scoreArg(a.buf, a.offset(i), a.length(i));
    if (d === null) return ctx.reply.error(NOT_FLOAT);
    scores[j] = d;
  }
  const ks = ctx.keyspaceFor(1);
  let e = writeZset(ctx, ks, 1);
  if (e < 0) return;
  const lim = readLimits(ctx);
  const z = zref;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (e === 0) {
    if (xx) return replyZadd(ctx, incr, ch, 0, 0, 0, 0);
    // Redis 7.0 picks the encoding of a new key from the first member only.
    zsetCreate(z, ks.arena, 1, a.length(scoreIdx + 1), lim);
    e = addKey(ctx, ks, 1, z);
  } else {
    zsetOpen(z, ks, e);
  }
  let nanError = false;
  for (let j = 0; j < elements; j++) {
    const m = scoreIdx + 2 * j + 1;
    const out = zsetAdd(z, scores[j], a.buf, a.offset(m), a.length(m), flags, lim);
    if (out & ZAddOut.NaN) {
      nanError = true;
      break;
    }
    if (out & ZAddOut.Added) added++;
    if (out & ZAddOut.Updated) updated++;
    if (!(out & ZAddOut.Nop)) processed++;
    score = zsetResult.score;
  }
  zsetStore(z, ks, e);
  ctx.dirty += added + updated;
  if (nanError) ctx.reply.error(NAN_SCORE);
  else replyZadd(ctx, incr, ch, added, updated, processed, score);
  if (added + updated > 0) ctx.notify(NotifyClass.Zset, incr ? KeyEvent.Zincr : KeyEvent.Zadd, 1);
}

/**
 * A score argument as Redis's string2d reads it. Hot path: plain decimal integers of up to 15 digits
 * (what clients and redis-benchmark mostly send) are exact doubles read directly, as strtod reads
 * them ("-0" stays -0, leading zeros are digits); anything else goes to string2d.
 */
function scoreArg(buf: Uint8Array, off: number, len: number): number | null {
  let p = off;
  const end = off + len;
  let negative = false;
  if (len > 1 && (buf[p] === 45 || buf[p] === 43)) {
    negative = buf[p] === 45;
    p++;
  }
  if (end - p > 15 || p === end) return string2d(buf, off, len);
  let v = 0;
  for (; p < end; p++) {
    const d = buf[p] - 48;
    if (d < 0 || d > 9) return string2d(buf, off, len);
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

function replyZadd(ctx: ExecContext, incr: boolean, ch: boolean, added: number, updated: number, processed: number, score: number): void {
  if (incr) {
    if (processed) ctx.reply.double(score);
    else ctx.reply.nullBulk();
  } else {
    ctx.reply.integer(ch ? added + updated : added);
  }
}

// ---------------------------------------------------------------- ZREM ZCARD ZSCORE ZMSCORE ZRANK

function zrem(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = writeZset(ctx, ks, 1);
  if (e <= 0) {
    if (e === 0) ctx.reply.integer(0);
    return;
  }
  const z = zsetOpen(zref, ks, e);
  let deleted = 0;
  for (let i = 2; i < a.argc; i++) {
    if (zsetRemove(z, a.buf, a.offset(i), a.length(i))) deleted++;
    if (zsetLength(z) === 0) break;
  }
  const keyRemoved = storeOrDelete(ctx, ks, e, z);
  ctx.dirty += deleted;
  if (deleted > 0) {
    ctx.notify(NotifyClass.Zset, KeyEvent.Zrem, 1);
    if (keyRemoved) ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
  }
  ctx.reply.integer(deleted);
}

function zcard(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  ctx.reply.integer(e === 0 ? 0 : zsetLength(zsetOpen(zref, ks, e)));
}

function zscore(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return ctx.reply.nullBulk();
  const s = zsetScore(zsetOpen(zref, ks, e), a.buf, a.offset(2), a.length(2));
  if (Number.isNaN(s)) ctx.reply.nullBulk();
  else ctx.reply.double(s);
}

function zmscore(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  const r = ctx.reply;
  r.arrayLen(a.argc - 2);
  const z = e === 0 ? null : zsetOpen(zref, ks, e);
  for (let i = 2; i < a.argc; i++) {
    const s = z === null ? NaN : zsetScore(z, a.buf, a.offset(i), a.length(i));
    if (Number.isNaN(s)) r.nullBulk();
    else r.double(s);
  }
}

function zrankGeneric(ctx: ExecContext, reverse: boolean): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return ctx.reply.nullBulk();
  const rank = zsetRank(zsetOpen(zref, ks, e), a.buf, a.offset(2), a.length(2), reverse);
  if (rank < 0) ctx.reply.nullBulk();
  else ctx.reply.integer(rank);
}

// ---------------------------------------------------------------- ZPOPMIN ZPOPMAX ZMPOP

/**
 * Redis's genericZpopCommand over the keys of arguments first..first+keyc-1: pops up to `count`
 * elements from the first existing key (count -1: a single pop with a flat reply).
 */
export function zpopGeneric(ctx: ExecContext, first: number, keyc: number, max: boolean, emitKey: boolean, count: number, nested: boolean, nilWhenEmpty: boolean): void {
  const r = ctx.reply;
  let ks: ShardKeyspace | null = null;
  let e = 0;
  let keyIdx = 0;
  for (let i = first; i < first + keyc; i++) {
    const kks = ctx.keyspaceFor(i);
    const ke = ctx.lookup(kks, i);
    if (ke === 0) continue;
    if (kks.type(ke) !== ValueType.ZSet) return r.error(WRONGTYPE);
    ks = kks;
    e = ke;
    keyIdx = i;
    break;
  }
  if (ks === null) {
    if (nilWhenEmpty) r.nullArray();
    else r.arrayLen(0);
    return;
  }
  if (count === 0) return r.arrayLen(0);
  if (count === -1) count = 1;
  const z = zsetOpen(zref, ks, e);
  const llen = zsetLength(z);
  const rangelen = count > llen ? llen : count;
  if (!nested && !emitKey) r.arrayLen(rangelen * 2);
  else if (nested && !emitKey) r.arrayLen(rangelen);
  else if (!nested && emitKey) {
    r.arrayLen(rangelen * 2 + 1);
    r.bulk(ctx.args.bytes(keyIdx));
  } else {
    r.arrayLen(2);
    r.bulk(ctx.args.bytes(keyIdx));
    r.arrayLen(rangelen);
  }
  // Redis notifies between the reply's header and its elements.
  ctx.notify(NotifyClass.Zset, max ? KeyEvent.Zpopmax : KeyEvent.Zpopmin, keyIdx);
  let h = max ? zsetLast(z) : zsetFirst(z);
  for (let n = 0; n < rangelen && h !== 0; n++) {
    if (nested) r.arrayLen(2);
    replyMember(ctx, z, h);
    r.double(zsetHandleScore(z, h));
    h = max ? zsetPrev(z, h) : zsetNext(z, h);
  }
  if (max) zsetDeleteRangeByRank(z, llen - rangelen, llen - 1);
  else zsetDeleteRangeByRank(z, 0, rangelen - 1);
  const keyRemoved = storeOrDelete(ctx, ks, e, z);
  ctx.dirty += rangelen;
  if (keyRemoved) ctx.notify(NotifyClass.Generic, KeyEvent.Del, keyIdx);
}

function zpopMinMax(ctx: ExecContext, max: boolean): void {
  const a = ctx.args;
  if (a.argc > 3) return ctx.reply.error(SYNTAX);
  let count = -1;
  if (a.argc === 3) {
    // getPositiveLongFromObjectOrReply: any failure answers the 'must be positive' text.
    const n = string2ll(a.buf, a.offset(2), a.length(2));
    if (n === null || n < 0) return ctx.reply.error(NOT_POSITIVE_LONG);
    count = n;
  }
  zpopGeneric(ctx, 1, 1, max, false, count, ctx.reply.resp > 2 && count !== -1, false);
}

/** Parsed ZMPOP / BZMPOP arguments: `numkeys` keys from argument `firstKey`. */
export class ZmpopArgs {
  firstKey = 0;
  numkeys = 0;
  max = false;
  count = 1;
}

/** Parses numkeys (argument `numkeysIdx`), MIN|MAX and COUNT; replies the error and returns false. */
export function zmpopArgsOrReply(ctx: ExecContext, numkeysIdx: number, out: ZmpopArgs): boolean {
  const a = ctx.args;
  const numkeys = string2ll(a.buf, a.offset(numkeysIdx), a.length(numkeysIdx));
  if (numkeys === null || numkeys < 1 || numkeys > LONG_MAX) {
    ctx.reply.error('ERR numkeys should be greater than 0');
    return false;
  }
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= a.argc) {
    ctx.reply.error(SYNTAX);
    return false;
  }
  let max: boolean;
  if (a.is(whereIdx, 'min')) max = false;
  else if (a.is(whereIdx, 'max')) max = true;
  else {
    ctx.reply.error(SYNTAX);
    return false;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (count === -1 && a.is(j, 'count') && more > 0) {
      j++;
      const n = string2ll(a.buf, a.offset(j), a.length(j));
      if (n === null || n < 1) {
        ctx.reply.error('ERR count should be greater than 0');
        return false;
      }
      count = n;
    } else {
      ctx.reply.error(SYNTAX);
      return false;
    }
  }
  out.firstKey = numkeysIdx + 1;
  out.numkeys = numkeys;
  out.max = max;
  out.count = count === -1 ? 1 : count;
  return true;
}

const zmpopArgs = new ZmpopArgs();

function zmpop(ctx: ExecContext): void {
  if (!zmpopArgsOrReply(ctx, 1, zmpopArgs)) return;
  zpopGeneric(ctx, 2, zmpopArgs.numkeys, zmpopArgs.max, true, zmpopArgs.count, true, true);
}

// ---------------------------------------------------------------- ZRANDMEMBER

function zrandmember(ctx: ExecContext): void {
  const a = ctx.args;
  const r = ctx.reply;
  if (a.argc >= 3) {
    const l = string2ll(a.buf, a.offset(2), a.length(2));
    if (l === null) return r.error(NOT_INTEGER);
    if (l <= -LONG_MAX && string2llExact(a.buf, a.offset(2), a.length(2)) === -9223372036854775808n) return r.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    let withScores = false;
    if (a.argc > 4 || (a.argc === 4 && !a.is(3, 'withscores'))) return r.error(SYNTAX);
    if (a.argc === 4) {
      withScores = true;
      // Exact int64 comparison: doubles cannot tell LONG_MAX / 2 from its neighbours.
      if (outsideHalfLong(ctx, 2)) return r.error('ERR value is out of range');
    }
    return zrandmemberWithCount(ctx, l, withScores);
  }
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return r.nullBulk();
  const z = zsetOpen(zref, ks, e);
  replyMember(ctx, z, zsetAtRank(z, Math.floor(Math.random() * zsetLength(z))));
}

/** True when argument i (an int64) is outside [-LONG_MAX/2, LONG_MAX/2]. */
function outsideHalfLong(ctx: ExecContext, i: number): boolean {
  const a = ctx.args;
  const v = string2llExact(a.buf, a.offset(i), a.length(i)) ?? 0n;
  return v < -4611686018427387903n || v > 4611686018427387903n;
}

function zrandmemberWithCount(ctx: ExecContext, l: number, withScores: boolean): void {
  const r = ctx.reply;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return r.arrayLen(0);
  const z = zsetOpen(zref, ks, e);
  const size = zsetLength(z);
  let count: number;
  let uniq = true;
  if (l >= 0) count = l;
  else {
    count = -l;
    uniq = false;
  }
  if (count === 0) return r.arrayLen(0);
  if (!uniq || count === 1) {
    r.arrayLen(withScores && r.resp === 2 ? count * 2 : count);
    for (let n = 0; n < count; n++) replyElement(ctx, z, zsetAtRank(z, Math.floor(Math.random() * size)), withScores);
    return;
  }
  if (count >= size) {
    // The whole set, highest rank first, as Redis 7.0 emits it.
    r.arrayLen(withScores && r.resp === 2 ? size * 2 : size);
    for (let h = zsetLast(z); h !== 0; h = zsetPrev(z, h)) replyElement(ctx, z, h, withScores);
    return;
  }
  // Distinct random ranks (Floyd's sampling), emitted in rank order.
  const picked = new Set<number>();
  for (let j = size - count; j < size; j++) {
    const t = Math.floor(Math.random() * (j + 1));
    picked.add(picked.has(t) ? j : t);
  }
  const ranks = Array.from(picked).sort((x, y) => x - y);
  r.arrayLen(withScores && r.resp === 2 ? count * 2 : count);
  if (z.enc === Encoding.ListPack) {
    let h = zsetFirst(z);
    let rank = 0;
    for (const want of ranks) {
      while (rank < want) {
        h = zsetNext(z, h);
        rank++;
      }
      replyElement(ctx, z, h, withScores);
    }
  } else {
    for (const want of ranks) replyElement(ctx, z, zsetAtRank(z, want), withScores);
  }
}

// ---------------------------------------------------------------- ZSCAN

function zscan(ctx: ExecContext): void {
  if (!parseScanCursorOrReply(ctx, 2)) return;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return replyEmptyScan(ctx.reply);
  if (!parseScanOptionsOrReply(ctx, 3, false)) return;
  const r = ctx.reply;
  const z = zsetOpen(zref, ks, e);
  const arena = ks.arena;
  if (z.enc === Encoding.ListPack) {
    let n = 0;
    for (let h = zsetFirst(z); h !== 0; h = zsetNext(z, h)) {
      const m = zsetMember(z, h);
      if (scanMatches(ctx, m.buf, m.start, m.start + m.len)) n++;
    }
    replyScanCursor(r, 0, 0);
    r.arrayLen(n * 2);
    for (let h = zsetFirst(z); h !== 0; h = zsetNext(z, h)) {
      const m = zsetMember(z, h);
      if (!scanMatches(ctx, m.buf, m.start, m.start + m.len)) continue;
      r.bulk(m.buf, m.start, m.start + m.len);
      r.bulkLatin1(formatDouble(zsetHandleScore(z, h)));
    }
    return;
  }
  const table = zsetTable(z);
  const found: number[] = [];
  const count = scanOptions.count;
  let maxIterations = count * 10;
  let cursor = scanCursor.lo;
  do {
    cursor = ftScan(arena, table, cursor, (fe) => {
      found.push(fe);
    });
  } while (cursor !== 0 && maxIterations-- > 0 && found.length < count);
  let n = 0;
  for (const fe of found) if (scanMatches(ctx, arena.u8, ftFieldStart(arena, fe), ftFieldStart(arena, fe) + ftFieldLength(arena, fe))) n++;
  replyScanCursor(r, 0, cursor);
  r.arrayLen(n * 2);
  for (const fe of found) {
    const start = ftFieldStart(arena, fe);
    const end = start + ftFieldLength(arena, fe);
    if (!scanMatches(ctx, arena.u8, start, end)) continue;
    r.bulk(arena.u8, start, end);
    r.bulkLatin1(formatDouble(ftScore(arena, fe)));
  }
}

// ---------------------------------------------------------------- DEBUG / MEMORY hooks

const DIGEST_ZEROES = new Uint8Array(20);

valueReporters[ValueType.ZSet] = {
  /** Redis's xorObjectDigest for sorted sets: XOR over elements of SHA1-mix(member, %.17g score). */
  digest(ks, e, digest) {
    const z = zsetOpen(new ZSetRef(), ks, e);
    const element = new Uint8Array(20);
    for (let h = zsetFirst(z); h !== 0; h = zsetNext(z, h)) {
      element.set(DIGEST_ZEROES);
      const m = zsetMemberStable(z, h);
      mixDigest(element, m.buf.slice(m.start, m.start + m.len));
      mixDigest(element, Buffer.from(formatDouble(zsetHandleScore(z, h)), 'latin1'));
      xorDigest(digest, element);
    }
  },
  memoryUsage(ks, e, samples) {
    return zsetMemory(zsetOpen(new ZSetRef(), ks, e), samples);
  },
};
// ---------------------------------------------------------------- the family

export const sortedSetCommands: CommandFamily = {
  ...sortedSetRangeCommands,
  ...sortedSetStoreCommands,
  zadd: { route: 'keys', run: (ctx) => zaddGeneric(ctx, 0) },
  zincrby: { route: 'keys', run: (ctx) => zaddGeneric(ctx, ZAddIn.Incr) },
  zrem: { route: 'keys', run: zrem },
  zcard: { route: 'keys', run: zcard },
  zscore: { route: 'keys', run: zscore },
  zmscore: { route: 'keys', run: zmscore },
  zrank: { route: 'keys', run: (ctx) => zrankGeneric(ctx, false) },
  zrevrank: { route: 'keys', run: (ctx) => zrankGeneric(ctx, true) },
  zpopmin: { route: 'keys', run: (ctx) => zpopMinMax(ctx, false) },
  zpopmax: { route: 'keys', run: (ctx) => zpopMinMax(ctx, true) },
  zmpop: { route: 'keys', run: zmpop },
  zrandmember: { route: 'keys', run: zrandmember },
  zscan: { route: 'keys', run: zscan },
};
