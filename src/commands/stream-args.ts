/**
 * Stream command helpers shared by stream.ts and stream-group.ts: id arguments parsed as Redis
 * 7.0.15's streamGenericParseIDOrReply does, and entries written as replies.
 */
import type { Args } from '../protocol/args.js';
import type { Reply } from '../protocol/reply.js';
import type { ShardArena } from '../storage/arena.js';
import type { ExecContext } from './context.js';
import { ListpackEntry, lpNext, lpRead } from '../storage/listpack.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { ValueType, Encoding } from '../storage/keyspace.js';
import { WRONGTYPE } from '../protocol/errors.js';
import {
  ENTRIES_READ_INVALID,
  R_FIRST,
  R_LAST,
  R_MAXDEL,
  STREAM_ID_MAX,
  STREAM_ID_ZERO,
  StreamId,
  StreamIterator,
  entriesAdded,
  entriesAddedIsZero,
  groupEntriesRead,
  groupLastId,
  idCmp,
  idFromBig,
  idIsZero,
  idSet,
  idText,
  streamId,
  streamLength,
  streamNew,
} from '../storage/stream-value.js';

export const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';
export const INVALID_START = 'ERR invalid start ID for the interval';
export const INVALID_END = 'ERR invalid end ID for the interval';

const U64_MAX = 0xffffffffffffffffn;
const I64_MAX = 0x7fffffffffffffffn;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Redis's string2ull on a C string: string2ll first (a canonical int64; negative fails), else
 * strtoull (leading spaces, a sign, digits to the end, no overflow; '-' negates modulo 2^64).
 */
function string2ull(buf: Uint8Array, off: number, len: number): bigint | null {
  if (len === 0) return null;
  // string2ll's canonical form
  let p = off;
  const end = off + len;
  let neg = false;
  if (buf[p] === 45) {
    neg = true;
    p++;
  }
  let canonical = p < end && (buf[p] !== 48 || p + 1 === end) && !(neg && buf[p] === 48) && len < 21;
  for (let q = p; canonical && q < end; q++) if (buf[q] < 48 || buf[q] > 57) canonical = false;
  if (canonical) {
    const v = BigInt(Buffer.from(buf.buffer, buf.byteOffset + off, len).toString('latin1'));
    if (v >= -I64_MAX - 1n && v <= I64_MAX) return v < 0n ? null : v;
  }
  // strtoull
  p = off;
  while (p < end && isSpace(buf[p])) p++;
  neg = false;
  if (p < end && (buf[p] === 43 || buf[p] === 45)) {
    neg = buf[p] === 45;
    p++;
  }
  if (p === end) return null;
  let v = 0n;
  let digits = '';
  for (; p < end; p++) {
    const c = buf[p];
    if (c < 48 || c > 57) return null;
    digits += String.fromCharCode(c);
  }
  v = BigInt(digits);
  if (v > U64_MAX) return null;
  return neg ? (U64_MAX + 1n - v) & U64_MAX : v;
}

/**
 * Parses an id argument into `out`. `strict` rejects '-' and '+'; `missingSeq` is the sequence of a
 * bare "<ms>"; `allowSeqStar` accepts "<ms>-*" (XADD) and then returns 'auto-seq'. Returns false on
 * an invalid id (the caller replies INVALID_ID).
 */
export function parseId(buf: Uint8Array, off: number, len: number, out: StreamId, strict: boolean, missingSeqMax: boolean, allowSeqStar = false): boolean | 'auto-seq' {
  if (len > 127) return false;
  // A C string: it ends at the first NUL.
  for (let i = 0; i < len; i++) {
    if (buf[off + i] === 0) {
      len = i;
      break;
    }
  }
  if (len === 1 && (buf[off] === 45 || buf[off] === 43)) {
    if (strict) return false;
    if (buf[off] === 45) idSet(out, 0, 0, 0, 0);
    else idSet(out, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
    return true;
  }
  let dash = -1;
  for (let i = 0; i < len; i++) {
    if (buf[off + i] === 45) {
      dash = i;
      break;
    }
  }
  const ms = string2ull(buf, off, dash < 0 ? len : dash);
  if (ms === null) return false;
  let seq: bigint | null;
  let auto = false;
  if (dash >= 0) {
    const sOff = off + dash + 1;
    const sLen = len - dash - 1;
    if (allowSeqStar && sLen === 1 && buf[sOff] === 42) {
      seq = 0n;
      auto = true;
    } else {
      seq = string2ull(buf, sOff, sLen);
      if (seq === null) return false;
    }
  } else seq = missingSeqMax ? U64_MAX : 0n;
  idFromBig(out, ms, seq);
  return auto ? 'auto-seq' : true;
}

/** Strict id argument (no '-' / '+', bare ms means seq 0), replying the error when invalid. */
export function strictIdOrReply(ctx: ExecContext, i: number, out: StreamId): boolean {
  const a = ctx.args;
  if (parseId(a.buf, a.offset(i), a.length(i), out, true, false) === false) {
    ctx.reply.error(INVALID_ID);
    return false;
  }
  return true;
}

export function strictIdValid(a: Args, i: number, out: StreamId): boolean {
  return parseId(a.buf, a.offset(i), a.length(i), out, true, false) !== false;
}

/**
 * A range bound (streamParseIntervalIDOrReply): '(' makes it exclusive (then strict), bare ms gets
 * seq 0 for a start and the largest seq for an end. Returns null after replying, else exclusive?.
 */
export function intervalIdOrReply(ctx: ExecContext, i: number, out: StreamId, isEnd: boolean): boolean | null {
  const a = ctx.args;
  const off = a.offset(i);
  const len = a.length(i);
  const exclusive = len > 1 && a.buf[off] === 40;
  const ok = exclusive ? parseId(a.buf, off + 1, len - 1, out, true, isEnd) : parseId(a.buf, off, len, out, false, isEnd);
  if (ok === false) {
    ctx.reply.error(INVALID_ID);
    return null;
  }
  return exclusive;
}

export function replyId(reply: Reply, id: StreamId): void {
  reply.bulkLatin1(idText(id));
}

const field = new ListpackEntry();

/** The iterator's current entry as [id, [field, value, ...]]. */
export function replyEntry(reply: Reply, a: ShardArena, it: StreamIterator): void {
  reply.arrayLen(2);
  replyId(reply, it.id);
  reply.arrayLen(2 * it.pairs);
  let p = it.fieldsPos;
  for (let i = 0; i < 2 * it.pairs; i++) {
    lpRead(a, it.lp, p, field);
    if (field.isInt) reply.bulkInteger(field.value);
    else reply.bulk(a.u8, field.start, field.start + field.length);
    p = lpNext(a, it.lp, p);
  }
}

// ---------------------------------------------------------------- lookups

/** The stream under argument i for reading: its root, 0 when missing, -1 after replying WRONGTYPE. */
export function streamRead(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const e = ctx.lookupRead(ks, i);
  if (e === 0) return 0;
  if (ks.type(e) !== ValueType.Stream) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return ks.valueWord(e);
}

/** The same for writing (no hit/miss counting). */
export function streamWrite(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const e = ctx.lookup(ks, i);
  if (e === 0) return 0;
  if (ks.type(e) !== ValueType.Stream) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return ks.valueWord(e);
}

/** A new empty stream under the key of argument i. */
export function streamCreate(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const a = ctx.args;
  const root = streamNew(ks.arena);
  const e = ks.newEntry(a.buf, a.offset(i), a.length(i), ValueType.Stream, 0);
  ks.setValueWord(e, root);
  ks.setEncoding(e, Encoding.Stream);
  ks.setLru(e, ctx.newAccessWord());
  ks.link(ctx.db, e);
  ctx.notifyNew(ks, e);
  return root;
}

/** Redis's streamRangeHasTombstones (end null = the largest id). */
export function rangeHasTombstones(arena: ShardKeyspace['arena'], s: number, start: StreamId | null, end: StreamId | null): boolean {
  const maxDel = new StreamId();
  streamId(arena, s, R_MAXDEL, maxDel);
  if (streamLength(arena, s) === 0 || idIsZero(maxDel)) return false;
  const first = new StreamId();
  streamId(arena, s, R_FIRST, first);
  if (idCmp(first, maxDel) > 0) return false;
  const st = start ?? STREAM_ID_ZERO;
  const en = end ?? STREAM_ID_MAX;
  return idCmp(st, maxDel) <= 0 && idCmp(maxDel, en) <= 0;
}

/** Redis's streamEstimateDistanceFromFirstEverEntry (-1 = not obtainable). */
export function estimateDistance(arena: ShardKeyspace['arena'], s: number, id: StreamId): bigint {
  if (entriesAddedIsZero(arena, s)) return 0n;
  const added = entriesAdded(arena, s);
  const len = BigInt(streamLength(arena, s));
  const last = new StreamId();
  streamId(arena, s, R_LAST, last);
  if (len === 0n && idCmp(id, last) < 1) return added;
  const cmpLast = idCmp(id, last);
  if (cmpLast === 0) return added;
  if (cmpLast > 0) return ENTRIES_READ_INVALID;
  const first = new StreamId();
  streamId(arena, s, R_FIRST, first);
  const maxDel = new StreamId();
  streamId(arena, s, R_MAXDEL, maxDel);
  const cmpFirst = idCmp(id, first);
  if (idIsZero(maxDel) || idCmp(maxDel, first) < 0) {
    if (cmpFirst < 0) return added - len;
    if (cmpFirst === 0) return added - len + 1n;
  }
  return ENTRIES_READ_INVALID;
}

/** Redis's streamReplyWithCGLag: the group's lag, or null when it cannot be known. */
export function replyGroupLag(ctx: ExecContext, arena: ShardArena, s: number, g: number): void {
  const read = groupEntriesRead(arena, g);
  const last = new StreamId();
  groupLastId(arena, g, last);
  if (entriesAddedIsZero(arena, s)) {
    ctx.reply.integer(0);
    return;
  }
  if (read !== ENTRIES_READ_INVALID && !rangeHasTombstones(arena, s, last, null)) {
    ctx.reply.integer(entriesAdded(arena, s) - read);
    return;
  }
  const est = estimateDistance(arena, s, last);
  if (est !== ENTRIES_READ_INVALID) ctx.reply.integer(entriesAdded(arena, s) - est);
  else ctx.reply.nullBulk();
}
