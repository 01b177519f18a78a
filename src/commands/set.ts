/**
 * Set commands (Redis 7.0.15's t_set.c): SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SPOP
 * SRANDMEMBER SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
 *
 * Values and encodings live in storage/set-value.ts (intset / hashtable, Redis's thresholds). This
 * file follows t_set.c's algorithms where they decide what a client can observe: reply order (the
 * *STORE and union/diff commands build a fresh set, starting as an intset, and reply by iterating
 * it, so integer results come back sorted), encodings of stored results, and SPOP/SRANDMEMBER's
 * strategies (SPOP with a count close to the size rebuilds the set from the members that stay).
 *
 * Keys of a multi-key command may live in different shards: each key is reached through
 * `ctx.keyspaceFor(i)`, and a stored result is built directly in the destination's arena.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import type { ShardArena } from '../storage/arena.js';
import { ShardKeyspace, ValueType } from '../storage/keyspace.js';
import { WRONGTYPE, SYNTAX, NOT_POSITIVE_LONG } from '../protocol/errors.js';
import { Setting } from '../shard/shared-settings.js';
import { Counter } from '../shard/command-stats.js';
import { string2ll, integerArgExactOrReply } from '../protocol/number-parse.js';
import {
  parseScanCursorOrReply,
  parseScanOptionsOrReply,
  scanCursor,
  scanOptions,
  scanMatches,
  replyScanCursor,
  replyEmptyScan,
} from './scan-cursor.js';
import { valueReporters, xorDigest } from './server-admin.js';
import {
  setNewFor,
  setNewIntset,
  setFree,
  setSize,
  setHas,
  setAdd,
  setRemove,
  setForEach,
  setRandomMember,
  setPopRandom,
  randomMember,
  setScan,
  setEncodingOf,
  setMemory,
} from '../storage/set-value.js';

const NUMKEYS_NOT_POSITIVE = 'ERR numkeys should be greater than 0';
const NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
const LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
const COUNT_OUT_OF_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';

/** SPOP: above this ratio of count to the members left, rebuild the set from the members that stay. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SRANDMEMBER: when count * this exceeds the size, copy the set and remove random members. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

const INT64_MAX = 9223372036854775807n;

// ---------------------------------------------------------------- helpers

function maxIntsetEntries(ctx: ExecContext): number {
  return ctx.settings.get(Setting.SetMaxIntsetEntries);
}

/**
 * The entry of the set key in argument `i` (0 when missing), or -1 after replying WRONGTYPE when the
 * key holds another type. `read` counts keyspace hits/misses (lookupKeyRead) instead of lookupKeyWrite.
 */
function setEntryOrReply(ctx: ExecContext, ks: ShardKeyspace, i: number, read: boolean): number {
  const e = read ? ctx.lookupRead(ks, i) : ctx.lookup(ks, i);
  if (e !== 0 && ks.type(e) !== ValueType.Set) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return e;
}

/** Writes a (possibly moved or converted) set word back into its entry. */
function storeWord(ks: ShardKeyspace, e: number, word: number): void {
  ks.setValueWord(e, word);
  ks.setEncoding(e, setEncodingOf(word));
}

/** Links a new set key named by argument `i` holding `word` (built in ks.arena); returns the entry. */
function addSetKey(ctx: ExecContext, ks: ShardKeyspace, i: number, word: number): number {
  const a = ctx.args;
  const e = ks.newEntry(a.buf, a.offset(i), a.length(i), ValueType.Set, 0);
  storeWord(ks, e, word);
  ks.setLru(e, ctx.newAccessWord());
  ks.link(ctx.db, e);
  return e;
}

/** addSetKey for a key that did not exist: with its `new` event (Redis's dbAdd). */
function addNewSetKey(ctx: ExecContext, ks: ShardKeyspace, i: number, word: number): number {
  const e = addSetKey(ctx, ks, i, word);
  ctx.notifyNew(ks, e);
  return e;
}

/**
 * Redis's setKey / dbDelete for the *STORE commands: replaces the key in argument `i` (whatever its
 * type, dropping its TTL) with `word`, or deletes it when the result is empty. Replies the size.
 */
function storeResult(ctx: ExecContext, ks: ShardKeyspace, i: number, word: number, event: KeyEvent): void {
  const size = setSize(ks.arena, word);
  const old = ctx.lookup(ks, i);
  if (old !== 0) ks.remove(ctx.db, old);
  if (size > 0) {
    if (old === 0) addNewSetKey(ctx, ks, i, word);
    else addSetKey(ctx, ks, i, word);
    ctx.dirty++;
    ctx.reply.integer(size);
    ctx.notify(NotifyClass.Set, event, i);
  } else {
    setFree(ks.arena, word);
    if (old !== 0) {
      ctx.dirty++;
      ctx.notify(NotifyClass.Generic, KeyEvent.Del, i);
    }
    ctx.reply.integer(size);
  }
}

/** Deletes a set key whose last member went away (its `del` event is the caller's). */
function deleteIfEmpty(ctx: ExecContext, ks: ShardKeyspace, e: number): boolean {
  if (setSize(ks.arena, ks.valueWord(e)) !== 0) return false;
  ks.remove(ctx.db, e);
  return true;
}

/** The source sets of a multi-key command, in argument order; null entries are missing keys. */
interface SourceSets {
  arenas: Array<ShardArena | null>;
  words: number[];
  /** Identity of each key (shard index and entry): the same key named twice is the same set. */
  ids: number[];
  missing: number;
}

/** Looks up keys `first`..`first+count-1` for reading; replies WRONGTYPE and returns null on a non-set. */
function loadSources(ctx: ExecContext, first: number, count: number): SourceSets | null {
  const sources: SourceSets = { arenas: [], words: [], ids: [], missing: 0 };
  for (let j = 0; j < count; j++) {
    const ks = ctx.keyspaceFor(first + j);
    const e = setEntryOrReply(ctx, ks, first + j, true);
    if (e < 0) return null;
    if (e === 0) {
      sources.arenas.push(null);
      sources.words.push(0);
      sources.ids.push(-1 - j);
      sources.missing++;
    } else {
      sources.arenas.push(ks.arena);
      sources.words.push(ks.valueWord(e));
      sources.ids.push(ks.index * 4294967296 + e);
    }
  }
  return sources;
}

// ---------------------------------------------------------------- single-key commands

function sadd(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  let e = setEntryOrReply(ctx, ks, 1, false);
  if (e < 0) return;
  const arena = ks.arena;
  let word: number;
  if (e === 0) {
    word = setNewFor(arena, a.buf, a.offset(2), a.length(2));
    e = addNewSetKey(ctx, ks, 1, word);
  } else {
    word = ks.valueWord(e);
  }
  const max = maxIntsetEntries(ctx);
  let added = 0;
  for (let i = 2; i < a.argc; i++) {
    const next = setAdd(arena, word, a.buf, a.offset(i), a.length(i), max);
    if (next !== 0) {
      word = next;
      added++;
    }
  }
  storeWord(ks, e, word);
  ctx.dirty += added;
  if (added > 0) ctx.notify(NotifyClass.Set, KeyEvent.Sadd, 1);
  ctx.reply.integer(added);
}

function srem(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, false);
  if (e < 0) return;
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  const word = ks.valueWord(e);
  let removed = 0;
  let keyRemoved = false;
  for (let i = 2; i < a.argc; i++) {
    if (setRemove(ks.arena, word, a.buf, a.offset(i), a.length(i))) {
      removed++;
      if (deleteIfEmpty(ctx, ks, e)) {
        keyRemoved = true;
        break;
      }
    }
  }
  ctx.dirty += removed;
  if (removed > 0) {
    ctx.notify(NotifyClass.Set, KeyEvent.Srem, 1);
    if (keyRemoved) ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
  }
  ctx.reply.integer(removed);
}

function scard(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, true);
  if (e < 0) return;
  ctx.reply.integer(e === 0 ? 0 : setSize(ks.arena, ks.valueWord(e)));
}

function sismember(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, true);
  if (e < 0) return;
  ctx.reply.integer(e !== 0 && setHas(ks.arena, ks.valueWord(e), a.buf, a.offset(2), a.length(2)) ? 1 : 0);
}

function smismember(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, true);
  if (e < 0) return;
  const word = e === 0 ? 0 : ks.valueWord(e);
  ctx.reply.arrayLen(a.argc - 2);
  for (let i = 2; i < a.argc; i++) {
    ctx.reply.integer(e !== 0 && setHas(ks.arena, word, a.buf, a.offset(i), a.length(i)) ? 1 : 0);
  }
}

function smove(ctx: ExecContext): void {
  const a = ctx.args;
  const srcKs = ctx.keyspaceFor(1);
  const dstKs = ctx.keyspaceFor(2);
  const src = ctx.lookup(srcKs, 1);
  const dst = ctx.lookup(dstKs, 2);
  if (src === 0) {
    ctx.reply.integer(0);
    return;
  }
  if (srcKs.type(src) !== ValueType.Set || (dst !== 0 && dstKs.type(dst) !== ValueType.Set)) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const mOff = a.offset(3);
  const mLen = a.length(3);
  if (srcKs === dstKs && src === dst) {
    ctx.reply.integer(setHas(srcKs.arena, srcKs.valueWord(src), a.buf, mOff, mLen) ? 1 : 0);
    return;
  }
  if (!setRemove(srcKs.arena, srcKs.valueWord(src), a.buf, mOff, mLen)) {
    ctx.reply.integer(0);
    return;
  }
  ctx.notify(NotifyClass.Set, KeyEvent.Srem, 1);
  if (deleteIfEmpty(ctx, srcKs, src)) ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
  let d = dst;
  let added = false;
  if (d === 0) {
    d = addNewSetKey(ctx, dstKs, 2, setNewFor(dstKs.arena, a.buf, mOff, mLen));
    added = true;
  }
  ctx.dirty++;
  const next = setAdd(dstKs.arena, dstKs.valueWord(d), a.buf, mOff, mLen, maxIntsetEntries(ctx));
  if (next !== 0) {
    storeWord(dstKs, d, next);
    added = true;
  }
  if (added) {
    ctx.dirty++;
    ctx.notify(NotifyClass.Set, KeyEvent.Sadd, 2);
  }
  ctx.reply.integer(1);
}

// ---------------------------------------------------------------- SPOP / SRANDMEMBER

function spop(ctx: ExecContext): void {
  const a = ctx.args;
  if (a.argc === 3) {
    spopWithCount(ctx);
    return;
  }
  if (a.argc > 3) {
    ctx.reply.error(SYNTAX);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, false);
  if (e < 0) return;
  if (e === 0) {
    ctx.reply.nullBulk();
    return;
  }
  setPopRandom(ks.arena, ks.valueWord(e));
  ctx.notify(NotifyClass.Set, KeyEvent.Spop, 1);
  ctx.reply.bulk(randomMember.buf, randomMember.off, randomMember.off + randomMember.len);
  if (deleteIfEmpty(ctx, ks, e)) ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
  ctx.dirty++;
}

function spopWithCount(ctx: ExecContext): void {
  const a = ctx.args;
  const n = string2ll(a.buf, a.offset(2), a.length(2));
  if (n === null || n < 0) {
    ctx.reply.error(NOT_POSITIVE_LONG);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, false);
  if (e < 0) return;
  const { reply } = ctx;
  if (e === 0 || n === 0) {
    reply.setLen(0);
    return;
  }
  const arena = ks.arena;
  const word = ks.valueWord(e);
  const size = setSize(arena, word);
  let count = n;
  ctx.notify(NotifyClass.Set, KeyEvent.Spop, 1);

  // The whole set: reply it as SUNION of the one key would (a fresh set's order, and its lookup
  // counted as a keyspace hit), delete the key.
  if (count >= size) {
    ctx.stats.count(Counter.KeyspaceHits);
    const copy = unionOf(arena, [arena], [word], maxIntsetEntries(ctx));
    replySetMembers(ctx, arena, copy);
    setFree(arena, copy);
    ks.remove(ctx.db, e);
    ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
    ctx.dirty++;
    return;
  }

  let remaining = size - count;
  reply.setLen(count);
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // Few members asked for: pop them one by one.
    while (count-- > 0) {
      setPopRandom(arena, word);
      reply.bulk(randomMember.buf, randomMember.off, randomMember.off + randomMember.len);
    }
  } else {
    // Most of the set asked for: move the members that stay into a new set, reply the rest.
    const max = maxIntsetEntries(ctx);
    let kept = 0;
    while (remaining-- > 0) {
      setRandomMember(arena, word);
      const m = copyMember(randomMember.buf, randomMember.off, randomMember.len);
      if (kept === 0) kept = setNewFor(arena, m, 0, m.length);
      const next = setAdd(arena, kept, m, 0, m.length, max);
      if (next !== 0) kept = next;
      setRemove(arena, word, m, 0, m.length);
    }
    setForEach(arena, word, (buf, off, len) => reply.bulk(buf, off, off + len));
    setFree(arena, word);
    storeWord(ks, e, kept);
  }
  ctx.dirty += n;
}

function copyMember(buf: Uint8Array, off: number, len: number): Uint8Array {
  return buf.slice(off, off + len);
}

function srandmember(ctx: ExecContext): void {
  const a = ctx.args;
  if (a.argc === 3) {
    srandmemberWithCount(ctx);
    return;
  }
  if (a.argc > 3) {
    ctx.reply.error(SYNTAX);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, true);
  if (e < 0) return;
  if (e === 0) {
    ctx.reply.nullBulk();
    return;
  }
  setRandomMember(ks.arena, ks.valueWord(e));
  ctx.reply.bulk(randomMember.buf, randomMember.off, randomMember.off + randomMember.len);
}

function srandmemberWithCount(ctx: ExecContext): void {
  const a = ctx.args;
  const exact = integerArgExactOrReply(a, 2, ctx.reply);
  if (exact === null) return;
  if (exact < -INT64_MAX) {
    ctx.reply.error(COUNT_OUT_OF_RANGE);
    return;
  }
  const unique = exact >= 0n;
  let count = Number(unique ? exact : -exact);
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, true);
  if (e < 0) return;
  const { reply } = ctx;
  if (e === 0 || count === 0) {
    reply.arrayLen(0);
    return;
  }
  const arena = ks.arena;
  const word = ks.valueWord(e);
  const size = setSize(arena, word);

  // Repeats allowed (negative count), or one member: sample independently.
  if (!unique || count === 1) {
    reply.arrayLen(count);
    while (count-- > 0) {
      setRandomMember(arena, word);
      reply.bulk(randomMember.buf, randomMember.off, randomMember.off + randomMember.len);
    }
    return;
  }

  // At least the whole set: every member, in the set's order.
  if (count >= size) {
    reply.arrayLen(size);
    setForEach(arena, word, (buf, off, len) => reply.bulk(buf, off, off + len));
    return;
  }

  let picked: Uint8Array[];
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // Close to the size: copy every member, then drop random ones until `count` are left.
    picked = [];
    setForEach(arena, word, (buf, off, len) => {
      picked.push(copyMember(buf, off, len));
    });
    while (picked.length > count) {
      const i = Math.floor(Math.random() * picked.length);
      picked[i] = picked[picked.length - 1];
      picked.pop();
    }
  } else {
    // Small next to the size: draw random members until `count` distinct ones were seen.
    const seen = new Map<string, Uint8Array>();
    while (seen.size < count) {
      setRandomMember(arena, word);
      const m = copyMember(randomMember.buf, randomMember.off, randomMember.len);
      seen.set(Buffer.from(m.buffer, m.byteOffset, m.length).toString('latin1'), m);
    }
    picked = [...seen.values()];
  }
  reply.arrayLen(count);
  for (const m of picked) reply.bulk(m);
}

// ---------------------------------------------------------------- SMEMBERS / SINTER family

/** Replies a set value as a RESP3 set (array in RESP2), in its iteration order. */
function replySetMembers(ctx: ExecContext, arena: ShardArena, word: number): void {
  const { reply } = ctx;
  reply.setLen(setSize(arena, word));
  setForEach(arena, word, (buf, off, len) => reply.bulk(buf, off, off + len));
}

const enum InterMode {
  Reply,
  Store,
  Cardinality,
}

/**
 * Redis's sinterGenericCommand over keys `first`..`first+count-1`: iterate the smallest set and keep
 * the members every other set has. `dst` is the destination argument (Store); `limit` stops counting
 * (Cardinality; 0 = no limit).
 */
function sinterGeneric(ctx: ExecContext, first: number, count: number, mode: InterMode, dst: number, limit: number): void {
  const sources = loadSources(ctx, first, count);
  if (sources === null) return;
  const { reply } = ctx;
  if (sources.missing > 0) {
    if (mode === InterMode.Store) storeResult(ctx, ctx.keyspaceFor(dst), dst, setNewIntset(ctx.keyspaceFor(dst).arena), KeyEvent.Sinterstore);
    else if (mode === InterMode.Cardinality) reply.integer(0);
    else reply.setLen(0);
    return;
  }
  // Smallest first (a stable sort, as glibc's qsort is for this size of input).
  const order = sources.words.map((_, j) => j);
  const sizes = sources.words.map((w, j) => setSize(sources.arenas[j]!, w));
  order.sort((x, y) => sizes[x] - sizes[y]);
  const arenas = order.map((j) => sources.arenas[j]!);
  const words = order.map((j) => sources.words[j]);
  const ids = order.map((j) => sources.ids[j]);

  const dstKs = mode === InterMode.Store ? ctx.keyspaceFor(dst) : null;
  let result = dstKs === null ? 0 : setNewIntset(dstKs.arena);
  const max = maxIntsetEntries(ctx);
  const handle = mode === InterMode.Reply ? reply.deferredLen() : 0;
  let cardinality = 0;
  let done = false;
  setForEach(arenas[0], words[0], (buf, off, len) => {
    if (done) return;
    for (let j = 1; j < words.length; j++) {
      if (ids[j] === ids[0]) continue;
      if (!setHas(arenas[j], words[j], buf, off, len)) return;
    }
    if (mode === InterMode.Cardinality) {
      cardinality++;
      if (limit !== 0 && cardinality >= limit) done = true;
    } else if (mode === InterMode.Reply) {
      reply.bulk(buf, off, off + len);
      cardinality++;
    } else {
      const next = setAdd(dstKs!.arena, result, buf, off, len, max);
      if (next !== 0) result = next;
    }
  });
  if (mode === InterMode.Reply) reply.setDeferredLen(handle, cardinality, '~');
  else if (mode === InterMode.Cardinality) reply.integer(cardinality);
  else storeResult(ctx, dstKs!, dst, result, KeyEvent.Sinterstore);
}

function smembers(ctx: ExecContext): void {
  sinterGeneric(ctx, 1, 1, InterMode.Reply, 0, 0);
}

function sinter(ctx: ExecContext): void {
  sinterGeneric(ctx, 1, ctx.args.argc - 1, InterMode.Reply, 0, 0);
}

function sinterstore(ctx: ExecContext): void {
  sinterGeneric(ctx, 2, ctx.args.argc - 2, InterMode.Store, 1, 0);
}

function sintercard(ctx: ExecContext): void {
  const a = ctx.args;
  const numkeys = string2ll(a.buf, a.offset(1), a.length(1));
  if (numkeys === null || numkeys < 1) {
    ctx.reply.error(NUMKEYS_NOT_POSITIVE);
    return;
  }
  if (numkeys > a.argc - 2) {
    ctx.reply.error(NUMKEYS_TOO_MANY);
    return;
  }
  let limit = 0;
  for (let j = 2 + numkeys; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (a.is(j, 'limit') && more > 0) {
      j++;
      const n = string2ll(a.buf, a.offset(j), a.length(j));
      if (n === null || n < 0) {
        ctx.reply.error(LIMIT_NEGATIVE);
        return;
      }
      limit = n;
    } else {
      ctx.reply.error(SYNTAX);
      return;
    }
  }
  sinterGeneric(ctx, 2, numkeys, InterMode.Cardinality, 0, limit);
}

// ---------------------------------------------------------------- SUNION / SDIFF family

/** A new set in `dst` holding the union of the given sets (missing ones are null). */
function unionOf(dst: ShardArena, arenas: Array<ShardArena | null>, words: number[], max: number): number {
  let result = setNewIntset(dst);
  for (let j = 0; j < words.length; j++) {
    const arena = arenas[j];
    if (arena === null) continue;
    setForEach(arena, words[j], (buf, off, len) => {
      const next = setAdd(dst, result, buf, off, len, max);
      if (next !== 0) result = next;
    });
  }
  return result;
}

/**
 * Redis's sunionDiffGenericCommand for SDIFF: picks the algorithm Redis picks (it decides the result's
 * encoding): 1 = keep members of the first set found in no other, 2 = add the first set, remove the others.
 */
function diffOf(dst: ShardArena, sources: SourceSets, max: number): number {
  const { arenas, words, ids } = sources;
  let result = setNewIntset(dst);
  const first = arenas[0];
  if (first === null) return result;
  for (let j = 1; j < ids.length; j++) if (ids[j] === ids[0]) return result;
  let workOne = 0;
  let workTwo = 0;
  for (let j = 0; j < words.length; j++) {
    const arena = arenas[j];
    if (arena === null) continue;
    workOne += setSize(first, words[0]);
    workTwo += setSize(arena, words[j]);
  }
  workOne = Math.floor(workOne / 2);
  if (workOne <= workTwo) {
    setForEach(first, words[0], (buf, off, len) => {
      for (let j = 1; j < words.length; j++) {
        const arena = arenas[j];
        if (arena === null) continue;
        if (setHas(arena, words[j], buf, off, len)) return;
      }
      const next = setAdd(dst, result, buf, off, len, max);
      if (next !== 0) result = next;
    });
    return result;
  }
  let cardinality = 0;
  for (let j = 0; j < words.length; j++) {
    const arena = arenas[j];
    if (arena === null) continue;
    if (j === 0) {
      setForEach(arena, words[0], (buf, off, len) => {
        const next = setAdd(dst, result, buf, off, len, max);
        if (next !== 0) {
          result = next;
          cardinality++;
        }
      });
    } else {
      setForEach(arena, words[j], (buf, off, len) => {
        if (setRemove(dst, result, buf, off, len)) cardinality--;
      });
    }
    if (cardinality === 0) break;
  }
  return result;
}

function sunionDiffGeneric(ctx: ExecContext, first: number, diff: boolean, dst: number): void {
  const count = ctx.args.argc - first;
  const sources = loadSources(ctx, first, count);
  if (sources === null) return;
  const max = maxIntsetEntries(ctx);
  const ks = ctx.keyspaceFor(dst > 0 ? dst : first);
  const result = diff ? diffOf(ks.arena, sources, max) : unionOf(ks.arena, sources.arenas, sources.words, max);
  if (dst > 0) {
    storeResult(ctx, ks, dst, result, diff ? KeyEvent.Sdiffstore : KeyEvent.Sunionstore);
    return;
  }
  replySetMembers(ctx, ks.arena, result);
  setFree(ks.arena, result);
}

function sunion(ctx: ExecContext): void {
  sunionDiffGeneric(ctx, 1, false, 0);
}

function sunionstore(ctx: ExecContext): void {
  sunionDiffGeneric(ctx, 2, false, 1);
}

function sdiff(ctx: ExecContext): void {
  sunionDiffGeneric(ctx, 1, true, 0);
}

function sdiffstore(ctx: ExecContext): void {
  sunionDiffGeneric(ctx, 2, true, 1);
}

// ---------------------------------------------------------------- SSCAN

function sscan(ctx: ExecContext): void {
  if (!parseScanCursorOrReply(ctx, 2)) return;
  const cursor = scanCursor.lo;
  const ks = ctx.keyspaceFor(1);
  const e = setEntryOrReply(ctx, ks, 1, true);
  if (e < 0) return;
  const { reply } = ctx;
  if (e === 0) {
    replyEmptyScan(reply);
    return;
  }
  if (!parseScanOptionsOrReply(ctx, 3, false)) return;
  const arena = ks.arena;
  const word = ks.valueWord(e);
  const found: Array<[Uint8Array, number, number]> = [];
  const next = setScan(arena, word, cursor, scanOptions.count, (buf, off, len) => {
    if (scanMatches(ctx, buf, off, off + len)) found.push([buf === arena.u8 ? buf : copyMember(buf, off, len), buf === arena.u8 ? off : 0, len]);
  });
  replyScanCursor(reply, 0, next);
  reply.arrayLen(found.length);
  for (const [buf, off, len] of found) reply.bulk(buf, off, off + len);
}

// ---------------------------------------------------------------- DEBUG DIGEST / MEMORY USAGE

valueReporters[ValueType.Set] = {
  digest(ks, e, digest) {
    // Redis's xorObjectDigest for sets: members XORed in, so their order does not matter.
    setForEach(ks.arena, ks.valueWord(e), (buf, off, len) => xorDigest(digest, buf.slice(off, off + len)));
  },
  memoryUsage(ks, e, samples) {
    return setMemory(ks.arena, ks.valueWord(e), samples);
  },
};

export const setCommands: CommandFamily = {
  sadd: { route: 'keys', run: sadd },
  srem: { route: 'keys', run: srem },
  scard: { route: 'keys', run: scard },
  sismember: { route: 'keys', run: sismember },
  smismember: { route: 'keys', run: smismember },
  smembers: { route: 'keys', run: smembers },
  spop: { route: 'keys', run: spop },
  srandmember: { route: 'keys', run: srandmember },
  smove: { route: 'keys', run: smove },
  sinter: { route: 'keys', run: sinter },
  sintercard: { route: 'keys', run: sintercard },
  sinterstore: { route: 'keys', run: sinterstore },
  sunion: { route: 'keys', run: sunion },
  sunionstore: { route: 'keys', run: sunionstore },
  sdiff: { route: 'keys', run: sdiff },
  sdiffstore: { route: 'keys', run: sdiffstore },
  sscan: { route: 'keys', run: sscan },
};

