/**
 * List commands (Redis 7.0.15's t_list.c, non-blocking ones): LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP
 * LLEN LINDEX LSET LRANGE LTRIM LREM LINSERT LPOS LMOVE RPOPLPUSH LMPOP.
 *
 * A list is a quicklist (src/storage/quicklist.ts) whose root sits in its key's value word. Every
 * command follows Redis's order of checks, which decides which error wins: argument parsing that
 * Redis does before the lookup comes first here too (LRANGE's indexes, LPOS's options), then the key
 * lookup (a missing key answers the command's empty reply), then the type check, then the rest.
 * A list that becomes empty is deleted at once, so no empty list is ever visible.
 *
 * Elements are replied straight from the arena bytes; moving one between lists (LMOVE, RPOPLPUSH)
 * copies it through a scratch buffer first, since the destination may be another shard's arena or
 * the very same listpack.
 *
 * Costs as Redis: pushes and pops O(1) per element; LINDEX and LSET walk whole nodes from the
 * nearer end by their counts, then one node; LRANGE seeks its start the same way, then walks.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { valueReporters, mixDigest } from './server-admin.js';
import { ShardKeyspace, ValueType, Encoding } from '../storage/keyspace.js';
import { Setting } from '../shard/shared-settings.js';
import { ListpackEntry, lpValidInt } from '../storage/listpack.js';
import {
  QuicklistCursor,
  qlCount,
  qlDelete,
  qlDeleteRange,
  qlFindForward,
  qlFirst,
  qlInsert,
  qlLast,
  qlNew,
  qlNext,
  qlPrev,
  qlPush,
  qlRead,
  qlReplace,
  qlSeek,
} from '../storage/quicklist.js';
import { bulkEntry, copyEntry, entryScratch, forEachElement, listDebugText, listMemoryUsage, replyEntries } from '../storage/list-value.js';
import { INDEX_OUT_OF_RANGE, NOT_INTEGER, NOT_POSITIVE_LONG, NO_SUCH_KEY, SYNTAX, WRONGTYPE, WRONG_ARITY } from '../protocol/errors.js';
import { integerArgOrReply, string2ll, string2llExact } from '../protocol/number-parse.js';

const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const COUNT_NEGATIVE = "ERR COUNT can't be negative";
const MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
const NUMKEYS_NOT_POSITIVE = 'ERR numkeys should be greater than 0';
const COUNT_NOT_POSITIVE = 'ERR count should be greater than 0';
const LONG_MIN = -9223372036854775808n;

// One cursor and entry record per thread, reused by every command (no allocation per command).
const cur = new QuicklistCursor();
const entry = new ListpackEntry();

// ---------------------------------------------------------------- shared helpers

/** Replies the element under the cursor as a bulk string. Hot path. */
function replyElement(ctx: ExecContext, ks: ShardKeyspace): void {
  bulkEntry(ctx.reply, ks.arena, cur);
}

/**
 * Whether the element under the cursor equals argument bytes whose integer reading (`asInt`, NaN when
 * they are not a canonical integer) was computed once by the caller: integer elements compare by
 * value, string elements byte by byte. Hot path (LPOS and backward LREM scans; forward scans use
 * qlFindForward).
 */
function elementEquals(ks: ShardKeyspace, buf: Uint8Array, off: number, len: number, asInt: number): boolean {
  const a = ks.arena;
  qlRead(a, cur, entry);
  if (entry.isInt) return entry.value === asInt;
  if (entry.length !== len) return false;
  const u8 = a.u8;
  const start = entry.start;
  for (let i = 0; i < len; i++) if (u8[start + i] !== buf[off + i]) return false;
  return true;
}

/** A new empty list under the key of argument `i` (its fill factor from list-max-listpack-size). */
function createList(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const a = ctx.args;
  const root = qlNew(ks.arena, ctx.settings.get(Setting.ListMaxListpackSize));
  const e = ks.newEntry(a.buf, a.offset(i), a.length(i), ValueType.List, 0);
  ks.setValueWord(e, root);
  ks.setEncoding(e, Encoding.QuickList);
  ks.setLru(e, ctx.newAccessWord());
  ks.link(ctx.db, e);
  ctx.notifyNew(ks, e);
  return e;
}

/** Deletes the key when its list has no element left (with its `del` event). */
function deleteIfEmpty(ctx: ExecContext, ks: ShardKeyspace, e: number): void {
  if (qlCount(ks.arena, ks.valueWord(e)) !== 0) return;
  ctx.notifyEntry(NotifyClass.Generic, KeyEvent.Del, ks, e);
  ks.remove(ctx.db, e);
}

/** Parses LEFT / RIGHT; true for LEFT (the head). Replies a syntax error and returns null otherwise. */
export function whereOrReply(ctx: ExecContext, i: number): boolean | null {
  if (ctx.args.is(i, 'left')) return true;
  if (ctx.args.is(i, 'right')) return false;
  ctx.reply.error(SYNTAX);
  return null;
}

/** Integer argument within [min, max] (Redis's getRangeLongFromObjectOrReply with one message). */
function rangeArgOrReply(ctx: ExecContext, i: number, min: number, max: number, message: string): number | null {
  const a = ctx.args;
  const n = string2ll(a.buf, a.offset(i), a.length(i));
  if (n === null || n < min || n > max) {
    ctx.reply.error(message);
    return null;
  }
  return n;
}

const LONG_MAX = 9223372036854775807;

/** Pops `count` elements from one end of the list of entry `e`, replying them as an array. */
function popRangeReply(ctx: ExecContext, ks: ShardKeyspace, e: number, head: boolean, count: number): void {
  const a = ks.arena;
  const root = ks.valueWord(e);
  const n = Math.min(count, qlCount(a, root));
  ctx.reply.arrayLen(n);
  if (head) {
    // Reply the first n in one walk, then delete them by whole nodes (one move per node, not per element).
    qlFirst(a, root, cur);
    replyEntries(ctx.reply, a, cur, n);
    qlDeleteRange(a, root, 0, n);
  } else {
    for (let k = 0; k < n; k++) {
      qlLast(a, root, cur);
      replyElement(ctx, ks);
      qlDelete(a, root, cur, false);
    }
  }
  ctx.dirty += n;
  ctx.notifyEntry(NotifyClass.List, head ? KeyEvent.Lpop : KeyEvent.Rpop, ks, e);
  deleteIfEmpty(ctx, ks, e);
}

/** Pops one element from one end of the list of entry `e`, replying it as a bulk string (LPOP, BLPOP). */
export function popOneReply(ctx: ExecContext, ks: ShardKeyspace, e: number, head: boolean): void {
  const root = ks.valueWord(e);
  if (head) qlFirst(ks.arena, root, cur);
  else qlLast(ks.arena, root, cur);
  replyElement(ctx, ks);
  qlDelete(ks.arena, root, cur, head);
  ctx.dirty++;
  ctx.notifyEntry(NotifyClass.List, head ? KeyEvent.Lpop : KeyEvent.Rpop, ks, e);
  deleteIfEmpty(ctx, ks, e);
}

// ---------------------------------------------------------------- LPUSH RPUSH LPUSHX RPUSHX

function pushGeneric(ctx: ExecContext, head: boolean, onlyExisting: boolean): void {
  const ks = ctx.keyspaceFor(1);
  let e = ctx.lookup(ks, 1);
  if (e !== 0 && ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  if (e === 0) {
    if (onlyExisting) {
      ctx.reply.integer(0);
      return;
    }
    e = createList(ctx, ks, 1);
  }
  const root = ks.valueWord(e);
  const a = ctx.args;
  for (let j = 2; j < a.argc; j++) qlPush(ks.arena, root, head, a.buf, a.offset(j), a.length(j));
  ctx.dirty += a.argc - 2;
  ctx.reply.integer(qlCount(ks.arena, root));
  ctx.notify(NotifyClass.List, head ? KeyEvent.Lpush : KeyEvent.Rpush, 1);
}

// ---------------------------------------------------------------- LPOP RPOP

function popGeneric(ctx: ExecContext, head: boolean): void {
  const a = ctx.args;
  if (a.argc > 3) {
    ctx.reply.error(WRONG_ARITY(head ? 'lpop' : 'rpop'));
    return;
  }
  const hasCount = a.argc === 3;
  let count = 0;
  if (hasCount) {
    const n = rangeArgOrReply(ctx, 2, 0, LONG_MAX, NOT_POSITIVE_LONG);
    if (n === null) return;
    count = n;
  }
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0) {
    if (hasCount) ctx.reply.nullArray();
    else ctx.reply.nullBulk();
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  if (!hasCount) {
    popOneReply(ctx, ks, e, head);
    return;
  }
  if (count === 0) {
    ctx.reply.arrayLen(0);
    return;
  }
  popRangeReply(ctx, ks, e, head, count);
}

// ---------------------------------------------------------------- LLEN LINDEX LSET

function llen(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  ctx.reply.integer(qlCount(ks.arena, ks.valueWord(e)));
}

function lindex(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    ctx.reply.nullBulk();
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const index = integerArgOrReply(ctx.args, 2, ctx.reply);
  if (index === null) return;
  if (qlSeek(ks.arena, ks.valueWord(e), index, cur)) replyElement(ctx, ks);
  else ctx.reply.nullBulk();
}

function lset(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0) {
    ctx.reply.error(NO_SUCH_KEY);
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const index = integerArgOrReply(ctx.args, 2, ctx.reply);
  if (index === null) return;
  if (!qlSeek(ks.arena, ks.valueWord(e), index, cur)) {
    ctx.reply.error(INDEX_OUT_OF_RANGE);
    return;
  }
  const a = ctx.args;
  qlReplace(ks.arena, cur, a.buf, a.offset(3), a.length(3));
  ctx.dirty++;
  ctx.reply.ok();
  ctx.notify(NotifyClass.List, KeyEvent.Lset, 1);
}

// ---------------------------------------------------------------- LRANGE LTRIM

function lrange(ctx: ExecContext): void {
  const a = ctx.args;
  let start = integerArgOrReply(a, 2, ctx.reply);
  if (start === null) return;
  let end = integerArgOrReply(a, 3, ctx.reply);
  if (end === null) return;
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    ctx.reply.arrayLen(0);
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const root = ks.valueWord(e);
  const len = qlCount(ks.arena, root);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    ctx.reply.arrayLen(0);
    return;
  }
  if (end >= len) end = len - 1;
  const n = end - start + 1;
  ctx.reply.arrayLen(n);
  qlSeek(ks.arena, root, start, cur);
  replyEntries(ctx.reply, ks.arena, cur, n);
}

function ltrim(ctx: ExecContext): void {
  const a = ctx.args;
  let start = integerArgOrReply(a, 2, ctx.reply);
  if (start === null) return;
  let end = integerArgOrReply(a, 3, ctx.reply);
  if (end === null) return;
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0) {
    ctx.reply.ok();
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const root = ks.valueWord(e);
  const len = qlCount(ks.arena, root);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  let left: number;
  let right: number;
  if (start > end || start >= len) {
    left = len;
    right = 0;
  } else {
    if (end >= len) end = len - 1;
    left = start;
    right = len - end - 1;
  }
  qlDeleteRange(ks.arena, root, 0, left);
  qlDeleteRange(ks.arena, root, len - left - right, right);
  ctx.dirty += left + right;
  ctx.notify(NotifyClass.List, KeyEvent.Ltrim, 1);
  deleteIfEmpty(ctx, ks, e);
  ctx.reply.ok();
}

// ---------------------------------------------------------------- LREM LINSERT LPOS

function lrem(ctx: ExecContext): void {
  const a = ctx.args;
  let toRemove = integerArgOrReply(a, 2, ctx.reply);
  if (toRemove === null) return;
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const arena = ks.arena;
  const root = ks.valueWord(e);
  const forward = toRemove >= 0;
  if (toRemove < 0) toRemove = -toRemove;
  const off = a.offset(3);
  const len = a.length(3);
  const asInt = lpValidInt(a.buf, off, len);
  let removed = 0;
  if (forward) {
    let more = qlFirst(arena, root, cur) && qlFindForward(arena, cur, a.buf, off, len);
    while (more) {
      more = qlDelete(arena, root, cur, true);
      removed++;
      if (toRemove !== 0 && removed === toRemove) break;
      more = more && qlFindForward(arena, cur, a.buf, off, len);
    }
  } else {
    let more = qlLast(arena, root, cur);
    while (more) {
      if (elementEquals(ks, a.buf, off, len, asInt)) {
        more = qlDelete(arena, root, cur, false);
        removed++;
        if (toRemove !== 0 && removed === toRemove) break;
      } else {
        more = qlPrev(arena, cur);
      }
    }
  }
  if (removed > 0) {
    ctx.dirty += removed;
    ctx.notify(NotifyClass.List, KeyEvent.Lrem, 1);
    deleteIfEmpty(ctx, ks, e);
  }
  ctx.reply.integer(removed);
}

function linsert(ctx: ExecContext): void {
  const a = ctx.args;
  let after: boolean;
  if (a.is(2, 'after')) after = true;
  else if (a.is(2, 'before')) after = false;
  else {
    ctx.reply.error(SYNTAX);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const arena = ks.arena;
  const root = ks.valueWord(e);
  const pivotOff = a.offset(3);
  const pivotLen = a.length(3);
  if (!qlFirst(arena, root, cur) || !qlFindForward(arena, cur, a.buf, pivotOff, pivotLen)) {
    ctx.reply.integer(-1);
    return;
  }
  qlInsert(arena, root, cur, after, a.buf, a.offset(4), a.length(4));
  ctx.dirty++;
  ctx.notify(NotifyClass.List, KeyEvent.Linsert, 1);
  ctx.reply.integer(qlCount(arena, root));
}

function lpos(ctx: ExecContext): void {
  const a = ctx.args;
  let rank = 1;
  // RANK -2^63 cannot be negated: Redis then counts every match as past the rank and never reaches COUNT.
  let rankWraps = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < a.argc; j++) {
    const more = j + 1 < a.argc;
    if (more && a.is(j, 'rank')) {
      j++;
      const exact = string2llExact(a.buf, a.offset(j), a.length(j));
      if (exact === null) {
        ctx.reply.error(NOT_INTEGER);
        return;
      }
      if (exact === 0n) {
        ctx.reply.error(RANK_ZERO);
        return;
      }
      rankWraps = exact === LONG_MIN;
      rank = Number(exact);
    } else if (more && a.is(j, 'count')) {
      j++;
      const n = rangeArgOrReply(ctx, j, 0, LONG_MAX, COUNT_NEGATIVE);
      if (n === null) return;
      count = n;
    } else if (more && a.is(j, 'maxlen')) {
      j++;
      const n = rangeArgOrReply(ctx, j, 0, LONG_MAX, MAXLEN_NEGATIVE);
      if (n === null) return;
      maxlen = n;
    } else {
      ctx.reply.error(SYNTAX);
      return;
    }
  }
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    if (count >= 0) ctx.reply.arrayLen(0);
    else ctx.reply.nullBulk();
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const arena = ks.arena;
  const root = ks.valueWord(e);
  const len = qlCount(arena, root);
  const fromHead = rank > 0;
  if (rank < 0) rank = -rank;
  const off = a.offset(2);
  const elen = a.length(2);
  const asInt = lpValidInt(a.buf, off, elen);
  const handle = count >= 0 ? ctx.reply.deferredLen() : -1;
  let found = 0;
  let matches = 0;
  let index = 0;
  let more = fromHead ? qlFirst(arena, root, cur) : qlLast(arena, root, cur);
  while (more && (maxlen === 0 || index < maxlen)) {
    if (elementEquals(ks, a.buf, off, elen, asInt)) {
      matches++;
      if (rankWraps || matches >= rank) {
        const position = fromHead ? index : len - index - 1;
        if (count >= 0) {
          found++;
          ctx.reply.integer(position);
          if (!rankWraps && count !== 0 && matches - rank + 1 >= count) break;
        } else {
          ctx.reply.integer(position);
          return;
        }
      }
    }
    index++;
    more = fromHead ? qlNext(arena, cur) : qlPrev(arena, cur);
  }
  if (count >= 0) ctx.reply.setDeferredLen(handle, found);
  else ctx.reply.nullBulk();
}

// ---------------------------------------------------------------- LMOVE RPOPLPUSH LMPOP

/** LMOVE's work (also BLMOVE's once its source has elements): replies the moved element. */
export function moveGeneric(ctx: ExecContext, fromHead: boolean, toHead: boolean): void {
  const src = ctx.keyspaceFor(1);
  const e = ctx.lookup(src, 1);
  if (e === 0) {
    ctx.reply.nullBulk();
    return;
  }
  if (src.type(e) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const dst = ctx.keyspaceFor(2);
  let d = ctx.lookup(dst, 2);
  if (d !== 0 && dst.type(d) !== ValueType.List) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const root = src.valueWord(e);
  if (fromHead) qlFirst(src.arena, root, cur);
  else qlLast(src.arena, root, cur);
  const n = copyEntry(src.arena, cur);
  qlDelete(src.arena, root, cur, fromHead);
  if (d === 0) d = createList(ctx, dst, 2);
  qlPush(dst.arena, dst.valueWord(d), toHead, entryScratch(), 0, n);
  ctx.notify(NotifyClass.List, toHead ? KeyEvent.Lpush : KeyEvent.Rpush, 2);
  ctx.reply.bulk(entryScratch(), 0, n);
  ctx.notify(NotifyClass.List, fromHead ? KeyEvent.Lpop : KeyEvent.Rpop, 1);
  // Same key: the element is back in the list, so it is not empty.
  deleteIfEmpty(ctx, src, e);
  ctx.dirty++;
}

function lmove(ctx: ExecContext): void {
  const from = whereOrReply(ctx, 3);
  if (from === null) return;
  const to = whereOrReply(ctx, 4);
  if (to === null) return;
  moveGeneric(ctx, from, to);
}

/** Parsed LMPOP / BLMPOP arguments: keys are arguments [firstKey, endKey). */
export class MpopArgs {
  firstKey = 0;
  endKey = 0;
  head = true;
  count = 1;
}

/** Parses numkeys (argument `numkeysIdx`), the keys, LEFT|RIGHT and COUNT; replies the error and returns false. */
export function mpopArgsOrReply(ctx: ExecContext, numkeysIdx: number, out: MpopArgs): boolean {
  const a = ctx.args;
  const numkeys = rangeArgOrReply(ctx, numkeysIdx, 1, LONG_MAX, NUMKEYS_NOT_POSITIVE);
  if (numkeys === null) return false;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= a.argc) {
    ctx.reply.error(SYNTAX);
    return false;
  }
  const head = whereOrReply(ctx, whereIdx);
  if (head === null) return false;
  let count = -1;
  for (let j = whereIdx + 1; j < a.argc; j++) {
    if (count === -1 && j + 1 < a.argc && a.is(j, 'count')) {
      j++;
      const n = rangeArgOrReply(ctx, j, 1, LONG_MAX, COUNT_NOT_POSITIVE);
      if (n === null) return false;
      count = n;
    } else {
      ctx.reply.error(SYNTAX);
      return false;
    }
  }
  out.firstKey = numkeysIdx + 1;
  out.endKey = whereIdx;
  out.head = head;
  out.count = count === -1 ? 1 : count;
  return true;
}

/**
 * Pops from the first key holding a list, replying [key, elements]; a key of another type replies
 * WRONGTYPE, or is passed over when `skipOtherTypes`. False (nothing replied) when no key holds a list.
 */
export function mpopFromFirstList(ctx: ExecContext, m: MpopArgs, skipOtherTypes: boolean): boolean {
  const a = ctx.args;
  for (let k = m.firstKey; k < m.endKey; k++) {
    const ks = ctx.keyspaceFor(k);
    const e = ctx.lookup(ks, k);
    if (e === 0) continue;
    if (ks.type(e) !== ValueType.List) {
      if (skipOtherTypes) continue;
      ctx.reply.error(WRONGTYPE);
      return true;
    }
    ctx.reply.arrayLen(2);
    ctx.reply.bulk(a.buf, a.offset(k), a.offset(k) + a.length(k));
    popRangeReply(ctx, ks, e, m.head, m.count);
    return true;
  }
  return false;
}

const mpopArgs = new MpopArgs();

function lmpop(ctx: ExecContext): void {
  if (!mpopArgsOrReply(ctx, 1, mpopArgs)) return;
  if (!mpopFromFirstList(ctx, mpopArgs, false)) ctx.reply.nullArray();
}

// ---------------------------------------------------------------- DEBUG and MEMORY hooks

valueReporters[ValueType.List] = {
  digest(ks, e, digest) {
    forEachElement(ks.arena, ks.valueWord(e), (bytes, start, end) => mixDigest(digest, bytes.subarray(start, end)));
  },
  memoryUsage(ks, e, samples) {
    return listMemoryUsage(ks.arena, ks.valueWord(e), samples);
  },
  debugExtra(ks, e) {
    return listDebugText(ks.arena, ks.valueWord(e));
  },
};

export const listCommands: CommandFamily = {
  lpush: { route: 'keys', run: (ctx) => pushGeneric(ctx, true, false) },
  rpush: { route: 'keys', run: (ctx) => pushGeneric(ctx, false, false) },
  lpushx: { route: 'keys', run: (ctx) => pushGeneric(ctx, true, true) },
  rpushx: { route: 'keys', run: (ctx) => pushGeneric(ctx, false, true) },
  lpop: { route: 'keys', run: (ctx) => popGeneric(ctx, true) },
  rpop: { route: 'keys', run: (ctx) => popGeneric(ctx, false) },
  llen: { route: 'keys', run: llen },
  lindex: { route: 'keys', run: lindex },
  lset: { route: 'keys', run: lset },
  lrange: { route: 'keys', run: lrange },
  ltrim: { route: 'keys', run: ltrim },
  lrem: { route: 'keys', run: lrem },
  linsert: { route: 'keys', run: linsert },
  lpos: { route: 'keys', run: lpos },
  lmove: { route: 'keys', run: lmove },
  rpoplpush: { route: 'keys', run: (ctx) => moveGeneric(ctx, false, true) },
  lmpop: { route: 'keys', run: lmpop },
};
