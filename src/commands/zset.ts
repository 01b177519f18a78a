/**
 * Sorted-set commands (Redis 7.0.15's t_zset.c): ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK
 * ZREVRANK ZCOUNT ZLEXCOUNT, the ZRANGE family and ZRANGESTORE, ZREMRANGEBY*, ZPOPMIN ZPOPMAX ZMPOP,
 * ZRANDMEMBER, ZUNION ZINTER ZDIFF (and *STORE), ZINTERCARD and ZSCAN.
 *
 * Values live in the shard arena behind zset-value.ts. Handlers follow Redis's order of checks
 * (argument parsing, then key lookup and type, then the operation) so errors match byte for byte.
 * Multi-key commands reach each key's shard with `ctx.keyspaceFor(i)`; results are built in the
 * destination's arena. The blocking BZPOPMIN / BZPOPMAX / BZMPOP are not implemented here.
 */
import type { ExecContext } from './context.js';
import type { CommandFamily } from './handler.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { ValueType, Encoding, valueFreers, valueCloners } from '../storage/keyspace.js';
import { WRONGTYPE, SYNTAX, NOT_INTEGER, NOT_FLOAT, NOT_POSITIVE_LONG } from '../protocol/errors.js';
import { string2ll, string2llExact, string2d } from '../protocol/number-parse.js';
import { formatDouble } from '../protocol/reply.js';
import { Setting } from '../shard/shared-settings.js';
import { parseScanCursorOrReply, parseScanOptionsOrReply, replyEmptyScan, replyScanCursor, scanCursor, scanOptions, scanMatches } from './scan-cursor.js';
import { valueReporters, mixDigest, xorDigest } from './server-admin.js';
import { ftScan, ftFieldStart, ftFieldLength, ftScore } from '../storage/field-table.js';
import { setSize, setHas, setForEach } from '../storage/set-value.js';
import {
  ZSetRef,
  ZAddIn,
  ZAddOut,
  zsetResult,
  zsetOpen,
  zsetStore,
  zsetCreate,
  zsetFree,
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
  zsetFirstInScoreRange,
  zsetLastInScoreRange,
  zsetFirstInLexRange,
  zsetLastInLexRange,
  zsetHandleScoreLteMax,
  zsetHandleScoreGteMin,
  zsetHandleLexLteMax,
  zsetHandleLexGteMin,
  zsetDeleteRangeByRank,
  zsetDeleteRangeByScore,
  zsetDeleteRangeByLex,
  zsetConvertToListpackIfNeeded,
  zsetTable,
  zsetMemory,
  type ZSetLimits,
  type ScoreRange,
  type LexRange,
} from '../storage/zset-value.js';

valueFreers[ValueType.ZSet] = zsetFreeRoot;
valueCloners[ValueType.ZSet] = zsetCloneRoot;

const MIN_OR_MAX_NOT_FLOAT = 'ERR min or max is not a float';
const MIN_OR_MAX_NOT_STRING = 'ERR min or max not valid string range item';
const NAN_SCORE = 'ERR resulting score is not a number (NaN)';
const LONG_MAX = 9223372036854775807;

// Reused per command: no allocation per call for these.
const zref = new ZSetRef();
const zsrc = new ZSetRef();
const zdst = new ZSetRef();
const limits: ZSetLimits = { entries: 128, value: 64 };
const scoreRange: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
const lexRange: LexRange = { buf: new Uint8Array(0), minKind: 0, minStart: 0, minEnd: 0, minex: false, maxKind: 0, maxStart: 0, maxEnd: 0, maxex: false };

function readLimits(ctx: ExecContext): ZSetLimits {
  limits.entries = ctx.settings.get(Setting.ZsetMaxListpackEntries);
  limits.value = ctx.settings.get(Setting.ZsetMaxListpackValue);
  return limits;
}

// ---------------------------------------------------------------- argument parsing

/** Redis's getLongFromObjectOrReply: null after replying when argument i is not an int64. */
function longArg(ctx: ExecContext, i: number, message = NOT_INTEGER): number | null {
  const a = ctx.args;
  const n = string2ll(a.buf, a.offset(i), a.length(i));
  if (n === null) ctx.reply.error(message);
  return n;
}

/** The C string length of argument i (up to its first NUL byte), as strtod and strcasecmp see it. */
function cLength(buf: Uint8Array, off: number, len: number): number {
  for (let k = 0; k < len; k++) if (buf[off + k] === 0) return k;
  return len;
}

/**
 * C's strtod over the whole C string buf[off, off+len): the value, or NaN when the text is not
 * entirely a number (trailing bytes) or is NaN. Leading spaces are skipped, overflow gives +-inf and
 * underflow 0, an empty string is 0: zslParseRange's rules.
 */
function strtodWhole(buf: Uint8Array, off: number, len: number): number {
  const end = off + cLength(buf, off, len);
  let p = off;
  if (p === end) return 0;
  while (p < end && (buf[p] === 32 || (buf[p] >= 9 && buf[p] <= 13))) p++;
  const start = p;
  let negative = false;
  if (p < end && (buf[p] === 43 || buf[p] === 45)) {
    negative = buf[p] === 45;
    p++;
  }
  const lower = (k: number) => (p + k < end ? buf[p + k] | 0x20 : 0);
  if (lower(0) === 0x69 && lower(1) === 0x6e && lower(2) === 0x66) {
    // "inf" or "infinity"
    let q = p + 3;
    if (end - q >= 5 && lower(3) === 0x69 && lower(4) === 0x6e && lower(5) === 0x69 && lower(6) === 0x74 && lower(7) === 0x79) q = p + 8;
    return q === end ? (negative ? -Infinity : Infinity) : NaN;
  }
  if (lower(0) === 0x6e && lower(1) === 0x61 && lower(2) === 0x6e) return NaN;
  if (buf[p] === 48 && lower(1) === 0x78) {
    // Hex floats: rare; parsed by the strict parser (which rejects overflow, unlike strtod).
    const d = string2d(buf, start, end - start);
    return d === null ? NaN : d;
  }
  const numStart = p;
  let digits = 0;
  while (p < end && buf[p] >= 48 && buf[p] <= 57) {
    p++;
    digits++;
  }
  if (p < end && buf[p] === 46) {
    p++;
    while (p < end && buf[p] >= 48 && buf[p] <= 57) {
      p++;
      digits++;
    }
  }
  if (digits === 0) return NaN;
  if (p < end && (buf[p] | 0x20) === 0x65) {
    let q = p + 1;
    if (q < end && (buf[q] === 43 || buf[q] === 45)) q++;
    if (q < end && buf[q] >= 48 && buf[q] <= 57) {
      while (q < end && buf[q] >= 48 && buf[q] <= 57) q++;
      p = q;
    }
  }
  if (p !== end) return NaN;
  let text = '';
  for (let k = numStart; k < end; k++) text += String.fromCharCode(buf[k]);
  const v = Number(text.endsWith('.') ? text.slice(0, -1) : text.startsWith('.') ? '0' + text : text);
  return negative ? -v : v;
}

/** One bound of a score range: false when it is not a float. */
function parseScoreBound(ctx: ExecContext, i: number, isMin: boolean): boolean {
  const a = ctx.args;
  const buf = a.buf;
  let off = a.offset(i);
  let len = a.length(i);
  let ex = false;
  if (len > 0 && buf[off] === 40) {
    ex = true;
    off++;
    len--;
  }
  const v = strtodWhole(buf, off, len);
  if (Number.isNaN(v)) return false;
  if (isMin) {
    scoreRange.min = v;
    scoreRange.minex = ex;
  } else {
    scoreRange.max = v;
    scoreRange.maxex = ex;
  }
  return true;
}

/** zslParseRange into `scoreRange`; replies and returns false on error. */
function parseScoreRangeOrReply(ctx: ExecContext, minIdx: number, maxIdx: number): boolean {
  if (parseScoreBound(ctx, minIdx, true) && parseScoreBound(ctx, maxIdx, false)) return true;
  ctx.reply.error(MIN_OR_MAX_NOT_FLOAT);
  return false;
}

function parseLexBound(ctx: ExecContext, i: number, isMin: boolean): boolean {
  const a = ctx.args;
  const buf = a.buf;
  const off = a.offset(i);
  const len = a.length(i);
  if (len === 0) return false;
  const c = buf[off];
  let kind = 0;
  let ex = false;
  if (c === 43 || c === 45) {
    if (len > 1 && buf[off + 1] !== 0) return false;
    kind = c === 43 ? 1 : -1;
  } else if (c === 40) ex = true;
  else if (c !== 91) return false;
  lexRange.buf = buf;
  if (isMin) {
    lexRange.minKind = kind;
    lexRange.minex = ex;
    lexRange.minStart = off + 1;
    lexRange.minEnd = off + len;
  } else {
    lexRange.maxKind = kind;
    lexRange.maxex = ex;
    lexRange.maxStart = off + 1;
    lexRange.maxEnd = off + len;
  }
  return true;
}

/** zslParseLexRange into `lexRange`; replies and returns false on error. */
function parseLexRangeOrReply(ctx: ExecContext, minIdx: number, maxIdx: number): boolean {
  if (parseLexBound(ctx, minIdx, true) && parseLexBound(ctx, maxIdx, false)) return true;
  ctx.reply.error(MIN_OR_MAX_NOT_STRING);
  return false;
}

// ---------------------------------------------------------------- keys

/** Looks up a key for reading: entry, 0 when absent, -1 after replying WRONGTYPE. */
function readZset(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const e = ctx.lookupRead(ks, i);
  if (e !== 0 && ks.type(e) !== ValueType.ZSet) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return e;
}

/** Looks up a key for writing: entry, 0 when absent, -1 after replying WRONGTYPE. */
function writeZset(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const e = ctx.lookup(ks, i);
  if (e !== 0 && ks.type(e) !== ValueType.ZSet) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return e;
}

/** Links a new key named by argument i holding `z` (built in ks's arena). */
function addKey(ctx: ExecContext, ks: ShardKeyspace, i: number, z: ZSetRef): number {
  const a = ctx.args;
  const e = ks.newEntry(a.buf, a.offset(i), a.length(i), ValueType.ZSet, 0);
  ks.setLru(e, ctx.newAccessWord());
  zsetStore(z, ks, e);
  ks.link(ctx.db, e);
  return e;
}

/** Stores `z` back into entry e, deleting the key when the set became empty. */
function storeOrDelete(ctx: ExecContext, ks: ShardKeyspace, e: number, z: ZSetRef): void {
  if (zsetLength(z) === 0) {
    zsetStore(z, ks, e);
    ks.remove(ctx.db, e);
  } else {
    zsetStore(z, ks, e);
  }
}

/** Redis's setKey for a built result: replaces whatever argument i names (dropping its TTL). */
function setKey(ctx: ExecContext, ks: ShardKeyspace, i: number, z: ZSetRef): void {
  const old = ctx.lookup(ks, i);
  if (old !== 0) ks.remove(ctx.db, old);
  addKey(ctx, ks, i, z);
}

/** Deletes the key of argument i if present (a store with an empty result); true when it did. */
function deleteKey(ctx: ExecContext, ks: ShardKeyspace, i: number): boolean {
  const e = ctx.lookup(ks, i);
  if (e === 0) return false;
  ks.remove(ctx.db, e);
  return true;
}

// ---------------------------------------------------------------- replies

function replyMember(ctx: ExecContext, z: ZSetRef, h: number): void {
  const m = zsetMember(z, h);
  ctx.reply.bulk(m.buf, m.start, m.start + m.len);
}

/** One element of a range reply: member, or member and score (a pair array in RESP3). */
function replyElement(ctx: ExecContext, z: ZSetRef, h: number, withScores: boolean): void {
  const r = ctx.reply;
  if (withScores && r.resp === 3) r.arrayLen(2);
  replyMember(ctx, z, h);
  if (withScores) r.double(zsetHandleScore(z, h));
}

// ---------------------------------------------------------------- ZADD ZINCRBY

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
  const scores = new Float64Array(elements);
  for (let j = 0; j < elements; j++) {
    const i = scoreIdx + 2 * j;
    const d = string2d(a.buf, a.offset(i), a.length(i));
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
  if (nanError) return ctx.reply.error(NAN_SCORE);
  replyZadd(ctx, incr, ch, added, updated, processed, score);
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
  storeOrDelete(ctx, ks, e, z);
  ctx.dirty += deleted;
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

// ---------------------------------------------------------------- ZCOUNT ZLEXCOUNT

/** 0-based ascending rank of handle h (O(log n) for skiplists via the member's rank). */
function rankOf(z: ZSetRef, h: number): number {
  const m = zsetMemberStable(z, h);
  return zsetRank(z, m.buf, m.start, m.len, false);
}

function zcount(ctx: ExecContext): void {
  if (!parseScoreRangeOrReply(ctx, 2, 3)) return;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return ctx.reply.integer(0);
  const z = zsetOpen(zref, ks, e);
  let count = 0;
  if (z.enc === Encoding.ListPack) {
    for (let h = zsetFirstInScoreRange(z, scoreRange); h !== 0 && zsetHandleScoreLteMax(z, h, scoreRange); h = zsetNext(z, h)) count++;
  } else {
    const first = zsetFirstInScoreRange(z, scoreRange);
    if (first !== 0) count = rankOf(z, zsetLastInScoreRange(z, scoreRange)) - rankOf(z, first) + 1;
  }
  ctx.reply.integer(count);
}

function zlexcount(ctx: ExecContext): void {
  if (!parseLexRangeOrReply(ctx, 2, 3)) return;
  const ks = ctx.keyspaceFor(1);
  const e = readZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return ctx.reply.integer(0);
  const z = zsetOpen(zref, ks, e);
  let count = 0;
  if (z.enc === Encoding.ListPack) {
    for (let h = zsetFirstInLexRange(z, lexRange); h !== 0 && zsetHandleLexLteMax(z, h, lexRange); h = zsetNext(z, h)) count++;
  } else {
    const first = zsetFirstInLexRange(z, lexRange);
    if (first !== 0) count = rankOf(z, zsetLastInLexRange(z, lexRange)) - rankOf(z, first) + 1;
  }
  ctx.reply.integer(count);
}

// ---------------------------------------------------------------- ZRANGE family

const enum RangeType {
  Auto,
  Rank,
  Score,
  Lex,
}

const enum Direction {
  Auto,
  Forward,
  Reverse,
}

/**
 * Where range results go (Redis's zrange_result_handler): the client, or a new sorted set for
 * ZRANGESTORE. `begin(n)` with n < 0 defers the length.
 */
class RangeSink {
  ctx!: ExecContext;
  store = false;
  withScores = false;
  deferred = -1;
  dstKs: ShardKeyspace | null = null;
  dstArg = 0;

  begin(length: number): void {
    if (this.store) {
      zsetCreate(zdst, this.dstKs!.arena, length < 0 ? 0 : length, 0, readLimits(this.ctx));
      return;
    }
    const r = this.ctx.reply;
    if (length >= 0) {
      r.arrayLen(this.withScores && r.resp === 2 ? length * 2 : length);
      this.deferred = -1;
    } else {
      this.deferred = r.deferredLen();
    }
  }

  emit(z: ZSetRef, h: number): void {
    if (this.store) {
      const m = zsetMemberStable(z, h);
      zsetAdd(zdst, zsetHandleScore(z, h), m.buf, m.start, m.len, 0, limits);
      return;
    }
    replyElement(this.ctx, z, h, this.withScores);
  }

  finish(count: number): void {
    const ctx = this.ctx;
    if (this.store) {
      const ks = this.dstKs!;
      if (count) {
        setKey(ctx, ks, this.dstArg, zdst);
        ctx.reply.integer(count);
        ctx.dirty++;
      } else {
        zsetFree(zdst);
        ctx.reply.integer(0);
        if (deleteKey(ctx, ks, this.dstArg)) ctx.dirty++;
      }
      return;
    }
    if (this.deferred >= 0) {
      const r = ctx.reply;
      r.setDeferredLen(this.deferred, this.withScores && r.resp === 2 ? count * 2 : count);
    }
  }
}

const sink = new RangeSink();

function zrangeGeneric(ctx: ExecContext, argStart: number, store: boolean, rangeType: RangeType, direction: Direction): void {
  const a = ctx.args;
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < a.argc; j++) {
    const left = a.argc - j - 1;
    if (!store && a.is(j, 'withscores')) withScores = true;
    else if (a.is(j, 'limit') && left >= 2) {
      const o = longArg(ctx, j + 1);
      if (o === null) return;
      const l = longArg(ctx, j + 2);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === Direction.Auto && a.is(j, 'rev')) direction = Direction.Reverse;
    else if (rangeType === RangeType.Auto && a.is(j, 'bylex')) rangeType = RangeType.Lex;
    else if (rangeType === RangeType.Auto && a.is(j, 'byscore')) rangeType = RangeType.Score;
    else return ctx.reply.error(SYNTAX);
  }
  if (direction === Direction.Auto) direction = Direction.Forward;
  if (rangeType === RangeType.Auto) rangeType = RangeType.Rank;
  if (limit !== -1 && rangeType === RangeType.Rank) return ctx.reply.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && rangeType === RangeType.Lex) return ctx.reply.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  const reverse = direction === Direction.Reverse;
  if (reverse && rangeType !== RangeType.Rank) {
    const t = maxIdx;
    maxIdx = minIdx;
    minIdx = t;
  }
  let start = 0;
  let end = 0;
  if (rangeType === RangeType.Rank) {
    const s = longArg(ctx, minIdx);
    if (s === null) return;
    const t = longArg(ctx, maxIdx);
    if (t === null) return;
    start = s;
    end = t;
  } else if (rangeType === RangeType.Score) {
    if (!parseScoreRangeOrReply(ctx, minIdx, maxIdx)) return;
  } else if (!parseLexRangeOrReply(ctx, minIdx, maxIdx)) return;

  sink.ctx = ctx;
  sink.store = store;
  sink.withScores = withScores;
  sink.deferred = -1;
  if (store) {
    sink.dstKs = ctx.keyspaceFor(1);
    sink.dstArg = 1;
    readLimits(ctx);
  }
  const ks = ctx.keyspaceFor(argStart);
  const e = ctx.lookupRead(ks, argStart);
  if (e === 0) {
    if (store) {
      sink.begin(-1);
      sink.finish(0);
    } else ctx.reply.arrayLen(0);
    return;
  }
  if (ks.type(e) !== ValueType.ZSet) return ctx.reply.error(WRONGTYPE);
  // The source is read through zsrc: the store sink writes zdst, possibly in the same arena.
  const z = zsetOpen(zsrc, ks, e);
  if (rangeType === RangeType.Rank) rangeByRank(z, start, end, reverse);
  else if (rangeType === RangeType.Score) rangeByScore(z, offset, limit, reverse);
  else rangeByLex(z, offset, limit, reverse);
}

function rangeByRank(z: ZSetRef, start: number, end: number, reverse: boolean): void {
  const llen = zsetLength(z);
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    sink.begin(0);
    sink.finish(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  const rangelen = end - start + 1;
  sink.begin(rangelen);
  let h = zsetAtRank(z, reverse ? llen - 1 - start : start);
  for (let n = 0; n < rangelen && h !== 0; n++) {
    sink.emit(z, h);
    h = reverse ? zsetPrev(z, h) : zsetNext(z, h);
  }
  sink.finish(rangelen);
}

function rangeByScore(z: ZSetRef, offset: number, limit: number, reverse: boolean): void {
  sink.begin(-1);
  if (offset > 0 && offset >= zsetLength(z)) return sink.finish(0);
  let h = reverse ? zsetLastInScoreRange(z, scoreRange) : zsetFirstInScoreRange(z, scoreRange);
  // A negative offset skips everything, as Redis's `while (ln && offset--)`.
  if (offset < 0) h = 0;
  while (h !== 0 && offset > 0) {
    h = reverse ? zsetPrev(z, h) : zsetNext(z, h);
    offset--;
  }
  let count = 0;
  while (h !== 0 && limit !== 0) {
    if (reverse ? !zsetHandleScoreGteMin(z, h, scoreRange) : !zsetHandleScoreLteMax(z, h, scoreRange)) break;
    sink.emit(z, h);
    count++;
    limit--;
    h = reverse ? zsetPrev(z, h) : zsetNext(z, h);
  }
  sink.finish(count);
}

function rangeByLex(z: ZSetRef, offset: number, limit: number, reverse: boolean): void {
  sink.begin(-1);
  if (offset > 0 && offset >= zsetLength(z)) return sink.finish(0);
  let h = reverse ? zsetLastInLexRange(z, lexRange) : zsetFirstInLexRange(z, lexRange);
  if (offset < 0) h = 0;
  while (h !== 0 && offset > 0) {
    h = reverse ? zsetPrev(z, h) : zsetNext(z, h);
    offset--;
  }
  let count = 0;
  while (h !== 0 && limit !== 0) {
    if (reverse ? !zsetHandleLexGteMin(z, h, lexRange) : !zsetHandleLexLteMax(z, h, lexRange)) break;
    sink.emit(z, h);
    count++;
    limit--;
    h = reverse ? zsetPrev(z, h) : zsetNext(z, h);
  }
  sink.finish(count);
}

// ---------------------------------------------------------------- ZREMRANGEBY*

function zremrange(ctx: ExecContext, type: RangeType): void {
  let start = 0;
  let end = 0;
  if (type === RangeType.Rank) {
    const s = longArg(ctx, 2);
    if (s === null) return;
    const t = longArg(ctx, 3);
    if (t === null) return;
    start = s;
    end = t;
  } else if (type === RangeType.Score) {
    if (!parseScoreRangeOrReply(ctx, 2, 3)) return;
  } else if (!parseLexRangeOrReply(ctx, 2, 3)) return;
  const ks = ctx.keyspaceFor(1);
  const e = writeZset(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) return ctx.reply.integer(0);
  const z = zsetOpen(zref, ks, e);
  let deleted: number;
  if (type === RangeType.Rank) {
    const llen = zsetLength(z);
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return ctx.reply.integer(0);
    if (end >= llen) end = llen - 1;
    deleted = zsetDeleteRangeByRank(z, start, end);
  } else if (type === RangeType.Score) {
    deleted = zsetDeleteRangeByScore(z, scoreRange);
  } else {
    deleted = zsetDeleteRangeByLex(z, lexRange);
  }
  storeOrDelete(ctx, ks, e, z);
  ctx.dirty += deleted;
  ctx.reply.integer(deleted);
}

// ---------------------------------------------------------------- ZPOPMIN ZPOPMAX ZMPOP

/**
 * Redis's genericZpopCommand over the keys of arguments first..first+keyc-1: pops up to `count`
 * elements from the first existing key (count -1: a single pop with a flat reply).
 */
function zpopGeneric(ctx: ExecContext, first: number, keyc: number, max: boolean, emitKey: boolean, count: number, nested: boolean, nilWhenEmpty: boolean): void {
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
  let h = max ? zsetLast(z) : zsetFirst(z);
  for (let n = 0; n < rangelen && h !== 0; n++) {
    if (nested) r.arrayLen(2);
    replyMember(ctx, z, h);
    r.double(zsetHandleScore(z, h));
    h = max ? zsetPrev(z, h) : zsetNext(z, h);
  }
  if (max) zsetDeleteRangeByRank(z, llen - rangelen, llen - 1);
  else zsetDeleteRangeByRank(z, 0, rangelen - 1);
  storeOrDelete(ctx, ks, e, z);
  ctx.dirty += rangelen;
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

function zmpop(ctx: ExecContext): void {
  const a = ctx.args;
  const numkeys = string2ll(a.buf, a.offset(1), a.length(1));
  if (numkeys === null || numkeys < 1 || numkeys > LONG_MAX) return ctx.reply.error('ERR numkeys should be greater than 0');
  const whereIdx = 1 + numkeys + 1;
  if (whereIdx >= a.argc) return ctx.reply.error(SYNTAX);
  let max: boolean;
  if (a.is(whereIdx, 'min')) max = false;
  else if (a.is(whereIdx, 'max')) max = true;
  else return ctx.reply.error(SYNTAX);
  let count = -1;
  for (let j = whereIdx + 1; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (count === -1 && a.is(j, 'count') && more > 0) {
      j++;
      const n = string2ll(a.buf, a.offset(j), a.length(j));
      if (n === null || n < 1) return ctx.reply.error('ERR count should be greater than 0');
      count = n;
    } else return ctx.reply.error(SYNTAX);
  }
  if (count === -1) count = 1;
  zpopGeneric(ctx, 2, numkeys, max, true, count, true, true);
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

// ---------------------------------------------------------------- ZUNION ZINTER ZDIFF ZINTERCARD

const enum SetOp {
  Union,
  Inter,
  Diff,
}

const enum Aggregate {
  Sum,
  Min,
  Max,
}

/** One input of a set operation: a sorted set, a plain set (scores 1), or a missing key. */
interface OpSource {
  ks: ShardKeyspace | null;
  e: number;
  type: ValueType;
  weight: number;
  length: number;
  /** Argument index of the key (to tell repeated keys apart). */
  arg: number;
}

function aggregate(target: number, val: number, agg: Aggregate): number {
  if (agg === Aggregate.Sum) {
    const s = target + val;
    return Number.isNaN(s) ? 0 : s;
  }
  if (agg === Aggregate.Min) return val < target ? val : target;
  return val > target ? val : target;
}

/** Score of a member in a source (NaN when absent). */
function sourceScore(src: OpSource, buf: Uint8Array, off: number, len: number): number {
  if (src.ks === null) return NaN;
  if (src.type === ValueType.ZSet) return zsetScore(zsetOpen(zsrcLookup, src.ks, src.e), buf, off, len);
  return setValue.has(src.ks.arena, src.ks.valueWord(src.e), buf, off, len) ? 1 : NaN;
}

const zsrcLookup = new ZSetRef();

/** Calls visit(member bytes, score) for every element of a source. */
function forEachInSource(src: OpSource, visit: (buf: Uint8Array, off: number, len: number, score: number) => void): void {
  if (src.ks === null) return;
  if (src.type === ValueType.ZSet) {
    const z = zsetOpen(new ZSetRef(), src.ks, src.e);
    for (let h = zsetFirst(z); h !== 0; h = zsetNext(z, h)) {
      const score = zsetHandleScore(z, h);
      const m = zsetMemberStable(z, h);
      visit(m.buf, m.start, m.len, score);
    }
    return;
  }
  setValue.forEach(src.ks.arena, src.ks.valueWord(src.e), (buf, off, len) => visit(buf, off, len, 1));
}

/** Plain sets as set-operation inputs: every member counts with score 1, as in Redis. */
const setValue = {
  size: setSize,
  has: setHas,
  forEach: setForEach,
};

function zsetOperation(ctx: ExecContext, dstArg: number, numkeysIdx: number, op: SetOp, cardinalityOnly: boolean): void {
  const a = ctx.args;
  const r = ctx.reply;
  const setnum = longArg(ctx, numkeysIdx);
  if (setnum === null) return;
  if (setnum < 1) return r.error(`ERR at least 1 input key is needed for '${ctx.spec?.name ?? a.lower(0)}' command`);
  if (setnum > a.argc - (numkeysIdx + 1)) return r.error(SYNTAX);
  const srcs: OpSource[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const ks = ctx.keyspaceFor(j);
    const e = dstArg ? ctx.lookup(ks, j) : ctx.lookupRead(ks, j);
    if (e !== 0) {
      const type = ks.type(e);
      if (type !== ValueType.ZSet && type !== ValueType.Set) return r.error(WRONGTYPE);
      const length = type === ValueType.ZSet ? zsetLength(zsetOpen(zsrcLookup, ks, e)) : setValue.size(ks.arena, ks.valueWord(e));
      srcs.push({ ks, e, type, weight: 1, length, arg: j });
    } else {
      srcs.push({ ks: null, e: 0, type: ValueType.ZSet, weight: 1, length: 0, arg: j });
    }
  }
  let agg = Aggregate.Sum;
  let withScores = false;
  let limit = 0;
  let remaining = a.argc - j;
  while (remaining > 0) {
    if (op !== SetOp.Diff && !cardinalityOnly && remaining >= setnum + 1 && a.is(j, 'weights')) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = string2d(a.buf, a.offset(j), a.length(j));
        if (w === null) return r.error('ERR weight value is not a float');
        srcs[i].weight = w;
      }
    } else if (op !== SetOp.Diff && !cardinalityOnly && remaining >= 2 && a.is(j, 'aggregate')) {
      j++;
      remaining--;
      if (a.is(j, 'sum')) agg = Aggregate.Sum;
      else if (a.is(j, 'min')) agg = Aggregate.Min;
      else if (a.is(j, 'max')) agg = Aggregate.Max;
      else return r.error(SYNTAX);
      j++;
      remaining--;
    } else if (remaining >= 1 && !dstArg && !cardinalityOnly && a.is(j, 'withscores')) {
      j++;
      remaining--;
      withScores = true;
    } else if (cardinalityOnly && remaining >= 2 && a.is(j, 'limit')) {
      j++;
      remaining--;
      const n = string2ll(a.buf, a.offset(j), a.length(j));
      if (n === null || n < 0) return r.error("ERR LIMIT can't be negative");
      limit = n;
      j++;
      remaining--;
    } else return r.error(SYNTAX);
  }
  if (op !== SetOp.Diff) srcs.sort((x, y) => x.length - y.length);

  if (cardinalityOnly) {
    let cardinality = 0;
    if (srcs[0].length > 0) {
      const stop = {};
      try {
        forEachInSource(srcs[0], (buf, off, len) => {
          for (let k = 1; k < setnum; k++) if (Number.isNaN(sourceScore(srcs[k], buf, off, len))) return;
          cardinality++;
          if (limit && cardinality >= limit) throw stop;
        });
      } catch (err) {
        if (err !== stop) throw err;
      }
    }
    return r.integer(cardinality);
  }

  // Build the result as a skiplist-encoded set in the destination's arena (or the first input's
  // for a reply), converted to a listpack at the end when it fits, as Redis does.
  const dstKs = dstArg ? ctx.keyspaceFor(dstArg) : ctx.keyspaceFor(numkeysIdx + 1);
  const lim = readLimits(ctx);
  const dst = zsetCreate(zdst, dstKs.arena, srcs[setnum - 1].length, Infinity, lim);
  const noLimits: ZSetLimits = { entries: 0, value: 0 };
  let maxLen = 0;
  if (op === SetOp.Inter) {
    if (srcs[0].length > 0) {
      forEachInSource(srcs[0], (buf, off, len, s0) => {
        let score = srcs[0].weight * s0;
        if (Number.isNaN(score)) score = 0;
        for (let k = 1; k < setnum; k++) {
          const v = sourceScore(srcs[k], buf, off, len);
          if (Number.isNaN(v)) return;
          score = aggregate(score, v * srcs[k].weight, agg);
        }
        zsetAdd(dst, score, buf, off, len, 0, noLimits);
        if (len > maxLen) maxLen = len;
      });
    }
  } else if (op === SetOp.Union) {
    for (const src of srcs) {
      if (src.length === 0) continue;
      forEachInSource(src, (buf, off, len, s) => {
        let score = src.weight * s;
        if (Number.isNaN(score)) score = 0;
        const cur = zsetScore(dst, buf, off, len);
        if (Number.isNaN(cur)) {
          zsetAdd(dst, score, buf, off, len, 0, noLimits);
          if (len > maxLen) maxLen = len;
        } else {
          const next = aggregate(cur, score, agg);
          if (next !== cur) zsetAdd(dst, next, buf, off, len, ZAddIn.XX, noLimits);
        }
      });
    }
  } else {
    if (srcs[0].length > 0) {
      forEachInSource(srcs[0], (buf, off, len, s0) => {
        for (let k = 1; k < setnum; k++) if (!Number.isNaN(sourceScore(srcs[k], buf, off, len))) return;
        zsetAdd(dst, s0, buf, off, len, 0, noLimits);
        if (len > maxLen) maxLen = len;
      });
    }
  }

  if (dstArg) {
    const length = zsetLength(dst);
    if (length) {
      zsetConvertToListpackIfNeeded(dst, maxLen, lim);
      setKey(ctx, dstKs, dstArg, dst);
      r.integer(length);
      ctx.dirty++;
    } else {
      zsetFree(dst);
      r.integer(0);
      if (deleteKey(ctx, dstKs, dstArg)) ctx.dirty++;
    }
    return;
  }
  const length = zsetLength(dst);
  r.arrayLen(withScores && r.resp === 2 ? length * 2 : length);
  for (let h = zsetFirst(dst); h !== 0; h = zsetNext(dst, h)) replyElement(ctx, dst, h, withScores);
  zsetFree(dst);
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
  memoryUsage(ks, e) {
    return zsetMemory(zsetOpen(new ZSetRef(), ks, e));
  },
};

// ---------------------------------------------------------------- the family

export const sortedSetCommands: CommandFamily = {
  zadd: { route: 'keys', run: (ctx) => zaddGeneric(ctx, 0) },
  zincrby: { route: 'keys', run: (ctx) => zaddGeneric(ctx, ZAddIn.Incr) },
  zrem: { route: 'keys', run: zrem },
  zcard: { route: 'keys', run: zcard },
  zscore: { route: 'keys', run: zscore },
  zmscore: { route: 'keys', run: zmscore },
  zrank: { route: 'keys', run: (ctx) => zrankGeneric(ctx, false) },
  zrevrank: { route: 'keys', run: (ctx) => zrankGeneric(ctx, true) },
  zcount: { route: 'keys', run: zcount },
  zlexcount: { route: 'keys', run: zlexcount },
  zrange: { route: 'keys', run: (ctx) => zrangeGeneric(ctx, 1, false, RangeType.Auto, Direction.Auto) },
  zrangestore: { route: 'keys', run: (ctx) => zrangeGeneric(ctx, 2, true, RangeType.Auto, Direction.Auto) },
  zrevrange: { route: 'keys', run: (ctx) => zrangeGeneric(ctx, 1, false, RangeType.Rank, Direction.Reverse) },
  zrangebyscore: { route: 'keys', run: (ctx) => zrangeGeneric(ctx, 1, false, RangeType.Score, Direction.Forward) },
  zrevrangebyscore: { route: 'keys', run: (ctx) => zrangeGeneric(ctx, 1, false, RangeType.Score, Direction.Reverse) },
  zrangebylex: { route: 'keys', run: (ctx) => zrangeGeneric(ctx, 1, false, RangeType.Lex, Direction.Forward) },
  zrevrangebylex: { route: 'keys', run: (ctx) => zrangeGeneric(ctx, 1, false, RangeType.Lex, Direction.Reverse) },
  zremrangebyrank: { route: 'keys', run: (ctx) => zremrange(ctx, RangeType.Rank) },
  zremrangebyscore: { route: 'keys', run: (ctx) => zremrange(ctx, RangeType.Score) },
  zremrangebylex: { route: 'keys', run: (ctx) => zremrange(ctx, RangeType.Lex) },
  zpopmin: { route: 'keys', run: (ctx) => zpopMinMax(ctx, false) },
  zpopmax: { route: 'keys', run: (ctx) => zpopMinMax(ctx, true) },
  zmpop: { route: 'keys', run: zmpop },
  zrandmember: { route: 'keys', run: zrandmember },
  zunion: { route: 'keys', run: (ctx) => zsetOperation(ctx, 0, 1, SetOp.Union, false) },
  zinter: { route: 'keys', run: (ctx) => zsetOperation(ctx, 0, 1, SetOp.Inter, false) },
  zdiff: { route: 'keys', run: (ctx) => zsetOperation(ctx, 0, 1, SetOp.Diff, false) },
  zunionstore: { route: 'keys', run: (ctx) => zsetOperation(ctx, 1, 2, SetOp.Union, false) },
  zinterstore: { route: 'keys', run: (ctx) => zsetOperation(ctx, 1, 2, SetOp.Inter, false) },
  zdiffstore: { route: 'keys', run: (ctx) => zsetOperation(ctx, 1, 2, SetOp.Diff, false) },
  zintercard: { route: 'keys', run: (ctx) => zsetOperation(ctx, 0, 1, SetOp.Inter, true) },
  zscan: { route: 'keys', run: zscan },
};
