/**
 * The sorted-set range commands (Redis 7.0.15's t_zset.c): ZRANGE and its older forms (ZREVRANGE,
 * Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX), ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY{RANK,SCORE,LEX};
 * and the helpers every sorted-set command file shares: score and lex range parsing (zslParseRange,
 * zslParseLexRange with strtod's rules), key lookups with the type check, key creation and the
 * element replies.
 */
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import type { CommandFamily } from './handler.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { ValueType, Encoding } from '../storage/keyspace.js';
import { WRONGTYPE, SYNTAX, NOT_INTEGER } from '../protocol/errors.js';
import { string2ll, string2d } from '../protocol/number-parse.js';
import { Setting } from '../shard/shared-settings.js';
import {
  ZSetRef,
  zsetOpen,
  zsetStore,
  zsetCreate,
  zsetFree,
  zsetLength,
  zsetAdd,
  zsetRank,
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
  type ZSetLimits,
  type ScoreRange,
  type LexRange,
} from '../storage/zset-value.js';

const MIN_OR_MAX_NOT_FLOAT = 'ERR min or max is not a float';
const MIN_OR_MAX_NOT_STRING = 'ERR min or max not valid string range item';

// Reused per command: no allocation per call for these.
const zsrc = new ZSetRef();
const zdst = new ZSetRef();
const zref = new ZSetRef();
const limits: ZSetLimits = { entries: 128, value: 64 };
const scoreRange: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
const lexRange: LexRange = { buf: new Uint8Array(0), minKind: 0, minStart: 0, minEnd: 0, minex: false, maxKind: 0, maxStart: 0, maxEnd: 0, maxex: false };

/** zset-max-listpack-entries / -value as the shards see them (one object, refreshed per call). */
export function readLimits(ctx: ExecContext): ZSetLimits {
  limits.entries = ctx.settings.get(Setting.ZsetMaxListpackEntries);
  limits.value = ctx.settings.get(Setting.ZsetMaxListpackValue);
  return limits;
}

// ---------------------------------------------------------------- argument parsing

/** Redis's getLongFromObjectOrReply: null after replying when argument i is not an int64. */
export function longArg(ctx: ExecContext, i: number, message = NOT_INTEGER): number | null {
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
export function readZset(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const e = ctx.lookupRead(ks, i);
  if (e !== 0 && ks.type(e) !== ValueType.ZSet) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return e;
}

/** Looks up a key for writing: entry, 0 when absent, -1 after replying WRONGTYPE. */
export function writeZset(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const e = ctx.lookup(ks, i);
  if (e !== 0 && ks.type(e) !== ValueType.ZSet) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return e;
}

/** Links a new key named by argument i holding `z` (built in ks's arena). */
export function addKey(ctx: ExecContext, ks: ShardKeyspace, i: number, z: ZSetRef, isNew = true): number {
  const a = ctx.args;
  const e = ks.newEntry(a.buf, a.offset(i), a.length(i), ValueType.ZSet, 0);
  ks.setLru(e, ctx.newAccessWord());
  zsetStore(z, ks, e);
  ks.link(ctx.db, e);
  if (isNew) ctx.notifyNew(ks, e);
  return e;
}

/** Stores `z` back into entry e, deleting the key when the set became empty; true when it did. */
export function storeOrDelete(ctx: ExecContext, ks: ShardKeyspace, e: number, z: ZSetRef): boolean {
  zsetStore(z, ks, e);
  if (zsetLength(z) !== 0) return false;
  ks.remove(ctx.db, e);
  return true;
}

/** Redis's setKey for a built result: replaces whatever argument i names (dropping its TTL). */
export function setKey(ctx: ExecContext, ks: ShardKeyspace, i: number, z: ZSetRef): void {
  const old = ctx.lookup(ks, i);
  if (old !== 0) ks.remove(ctx.db, old);
  addKey(ctx, ks, i, z, old === 0);
}

/** Deletes the key of argument i if present (a store with an empty result); true when it did. */
export function deleteKey(ctx: ExecContext, ks: ShardKeyspace, i: number): boolean {
  const e = ctx.lookup(ks, i);
  if (e === 0) return false;
  ks.remove(ctx.db, e);
  return true;
}

// ---------------------------------------------------------------- replies

export function replyMember(ctx: ExecContext, z: ZSetRef, h: number): void {
  const m = zsetMember(z, h);
  ctx.reply.bulk(m.buf, m.start, m.start + m.len);
}

/** One element of a range reply: member, or member and score (a pair array in RESP3). */
export function replyElement(ctx: ExecContext, z: ZSetRef, h: number, withScores: boolean): void {
  const r = ctx.reply;
  if (withScores && r.resp === 3) r.arrayLen(2);
  replyMember(ctx, z, h);
  if (withScores) r.double(zsetHandleScore(z, h));
}

// ---------------------------------------------------------------- ZCOUNT ZLEXCOUNT

/** 0-based ascending rank of handle h (O(log n) for skiplists via the member's rank). */
function rankOf(z: ZSetRef, h: number): number {
  const m = zsetMemberStable(z, h);
  return zsetRank(z, m.buf, m.start, m.len, false);
}

/**
 * Elements from `first` to `last` by rank, as Redis counts on a skiplist: from first's rank to the end,
 * less what follows `last` (with unordered members a lex search can find a first but no last).
 */
function countBetween(z: ZSetRef, first: number, last: number): number {
  if (first === 0) return 0;
  const length = zsetLength(z);
  let count = length - rankOf(z, first);
  if (last !== 0) count -= length - (rankOf(z, last) + 1);
  return count;
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
    count = countBetween(z, zsetFirstInScoreRange(z, scoreRange), zsetLastInScoreRange(z, scoreRange));
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
    count = countBetween(z, zsetFirstInLexRange(z, lexRange), zsetLastInLexRange(z, lexRange));
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
        ctx.notify(NotifyClass.Zset, KeyEvent.Zrangestore, this.dstArg);
        ctx.dirty++;
      } else {
        zsetFree(zdst);
        ctx.reply.integer(0);
        if (deleteKey(ctx, ks, this.dstArg)) {
          ctx.notify(NotifyClass.Generic, KeyEvent.Del, this.dstArg);
          ctx.dirty++;
        }
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
  const keyRemoved = storeOrDelete(ctx, ks, e, z);
  ctx.dirty += deleted;
  if (deleted > 0) {
    ctx.notify(NotifyClass.Zset, type === RangeType.Rank ? KeyEvent.Zremrangebyrank : type === RangeType.Score ? KeyEvent.Zremrangebyscore : KeyEvent.Zremrangebylex, 1);
    if (keyRemoved) ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
  }
  ctx.reply.integer(deleted);
}

/** The range commands, merged into the family in zset.ts. */
export const sortedSetRangeCommands: CommandFamily = {
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
};
