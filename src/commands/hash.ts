/**
 * Hash commands (Redis 7.0.15's t_hash.c): HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS
 * HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
 *
 * A hash is a listpack or a field table (src/storage/hash-value.ts). Every command follows Redis's
 * order of checks, which decides which error wins: argument parsing Redis does before the lookup
 * (HSET's pair count, HINCRBY's increment, HRANDFIELD's count) comes first, then the lookup (a
 * missing key answers the command's empty reply), then the type check, then the rest. A hash that
 * loses its last field is deleted at once.
 *
 * Values are replied straight from the arena: listpack integers as their decimal text, everything
 * else as the stored bytes.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { valueReporters, mixDigest, xorDigest } from './server-admin.js';
import { ShardKeyspace, ValueType, Encoding } from '../storage/keyspace.js';
import { Setting } from '../shard/shared-settings.js';
import { ListpackEntry, lpCount, lpFirst, lpNext, lpRead } from '../storage/listpack.js';
import { ftForEach, ftRandomEntry, ftScan } from '../storage/field-table.js';
import {
  hashDelete,
  hashExists,
  hashField,
  hashForEach,
  hashGet,
  hashLength,
  hashListpack,
  hashMemory,
  hashNew,
  hashSet,
  hashTable,
  hashTryConversion,
  hashValue,
  readTableEntry,
} from '../storage/hash-value.js';
import { NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, WRONGTYPE, WRONG_ARITY } from '../protocol/errors.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  longDoubleFromInteger,
  string2ld,
  string2ll,
  string2llExact,
  type LongDouble,
} from '../protocol/number-parse.js';
import {
  parseScanCursorOrReply,
  parseScanOptionsOrReply,
  replyEmptyScan,
  replyScanCursor,
  scanCursor,
  scanMatches,
  scanOptions,
} from './scan-cursor.js';

const HASH_VALUE_NOT_INTEGER = 'ERR hash value is not an integer';
const HASH_VALUE_NOT_FLOAT = 'ERR hash value is not a float';
const INCREMENT_NAN_OR_INF = 'ERR value is NaN or Infinity';
const RESULT_NAN_OR_INF = 'ERR increment would produce NaN or Infinity';
const VALUE_OUT_OF_RANGE = 'ERR value is out of range';
const COUNT_OUT_OF_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
/** LONG_MAX / 2 in C's integer division. */
const HALF_LONG_MAX = 4611686018427387903n;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

const scratchEntry = new ListpackEntry();
const encoder = new TextEncoder();
let textScratch = new Uint8Array(64);

/** Writes ASCII text into a reused buffer (valid until the next call); returns its length. */
function asciiScratch(text: string): number {
  if (text.length > textScratch.length) textScratch = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) textScratch[i] = text.charCodeAt(i);
  return text.length;
}

// ---------------------------------------------------------------- shared helpers

/** Replies a field or value record as a bulk string. Hot path. */
function replyEntry(ctx: ExecContext, ks: ShardKeyspace, rec: ListpackEntry): void {
  if (rec.isInt) ctx.reply.bulkInteger(rec.value);
  else ctx.reply.bulk(ks.arena.u8, rec.start, rec.start + rec.length);
}

/** The hash of key argument `i` for writing: WRONGTYPE replied (and 0 returned) for another type, 0 when missing. */
function lookupWrite(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const e = ctx.lookup(ks, i);
  if (e !== 0 && ks.type(e) !== ValueType.Hash) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return e;
}

/** A new empty (listpack) hash under the key of argument `i`. */
function createHash(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const a = ctx.args;
  const root = hashNew(ks.arena);
  const e = ks.newEntry(a.buf, a.offset(i), a.length(i), ValueType.Hash, 0);
  ks.setValueWord(e, root);
  ks.setEncoding(e, Encoding.ListPack);
  ks.setLru(e, ctx.newAccessWord());
  ks.link(ctx.db, e);
  ctx.notifyNew(ks, e);
  return e;
}

/** Hash of argument `i` for reading; replies WRONGTYPE and returns -1 for another type; 0 if missing. */
function lookupRead(ctx: ExecContext, ks: ShardKeyspace, i: number): number {
  const e = ctx.lookupRead(ks, i);
  if (e !== 0 && ks.type(e) !== ValueType.Hash) {
    ctx.reply.error(WRONGTYPE);
    return -1;
  }
  return e;
}

function maxEntries(ctx: ExecContext): number {
  return ctx.settings.get(Setting.HashMaxListpackEntries);
}

function maxValue(ctx: ExecContext): number {
  return ctx.settings.get(Setting.HashMaxListpackValue);
}

/** Sets field/value arguments (f, v) on hash `e`; true when the field is new. */
function setFromArgs(ctx: ExecContext, ks: ShardKeyspace, e: number, f: number, v: number): boolean {
  const a = ctx.args;
  return hashSet(ks, e, a.buf, a.offset(f), a.length(f), a.buf, a.offset(v), a.length(v), maxEntries(ctx), maxValue(ctx));
}

// ---------------------------------------------------------------- HSET HMSET HSETNX

function hsetGeneric(ctx: ExecContext, name: string, replyOk: boolean): void {
  const a = ctx.args;
  if (a.argc % 2 === 1) {
    ctx.reply.error(WRONG_ARITY(name));
    return;
  }
  const ks = ctx.keyspaceFor(1);
  let e = lookupWrite(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) e = createHash(ctx, ks, 1);
  const entries = maxEntries(ctx);
  const value = maxValue(ctx);
  hashTryConversion(ks, e, a, 2, a.argc - 1, value);
  let created = 0;
  for (let j = 2; j < a.argc; j += 2) {
    if (hashSet(ks, e, a.buf, a.offset(j), a.length(j), a.buf, a.offset(j + 1), a.length(j + 1), entries, value)) created++;
  }
  ctx.dirty += (a.argc - 2) / 2;
  if (replyOk) ctx.reply.ok();
  else ctx.reply.integer(created);
  ctx.notify(NotifyClass.Hash, KeyEvent.Hset, 1);
}

function hsetnx(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  let e = lookupWrite(ctx, ks, 1);
  if (e < 0) return;
  if (e !== 0 && hashExists(ks, e, a.buf, a.offset(2), a.length(2))) {
    ctx.reply.integer(0);
    return;
  }
  if (e === 0) e = createHash(ctx, ks, 1);
  hashTryConversion(ks, e, a, 2, 3, maxValue(ctx));
  setFromArgs(ctx, ks, e, 2, 3);
  ctx.dirty++;
  ctx.reply.integer(1);
  ctx.notify(NotifyClass.Hash, KeyEvent.Hset, 1);
}

// ---------------------------------------------------------------- HGET HMGET HEXISTS HSTRLEN HLEN

function hget(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0 || !hashGet(ks, e, a.buf, a.offset(2), a.length(2))) ctx.reply.nullBulk();
  else replyEntry(ctx, ks, hashValue);
}

function hmget(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  ctx.reply.arrayLen(a.argc - 2);
  for (let j = 2; j < a.argc; j++) {
    if (e === 0 || !hashGet(ks, e, a.buf, a.offset(j), a.length(j))) ctx.reply.nullBulk();
    else replyEntry(ctx, ks, hashValue);
  }
}

function hexists(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  ctx.reply.integer(e !== 0 && hashExists(ks, e, a.buf, a.offset(2), a.length(2)) ? 1 : 0);
}

function hstrlen(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0 || !hashGet(ks, e, a.buf, a.offset(2), a.length(2))) ctx.reply.integer(0);
  else ctx.reply.integer(hashValue.isInt ? String(hashValue.value).length : hashValue.length);
}

function hlen(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  ctx.reply.integer(e === 0 ? 0 : hashLength(ks, e));
}

// ---------------------------------------------------------------- HDEL

function hdel(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = lookupWrite(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < a.argc; j++) {
    if (!hashDelete(ks, e, a.buf, a.offset(j), a.length(j))) continue;
    deleted++;
    if (hashLength(ks, e) === 0) {
      ks.remove(ctx.db, e);
      keyRemoved = true;
      break;
    }
  }
  ctx.dirty += deleted;
  if (deleted > 0) {
    ctx.notify(NotifyClass.Hash, KeyEvent.Hdel, 1);
    if (keyRemoved) ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
  }
  ctx.reply.integer(deleted);
}

// ---------------------------------------------------------------- HKEYS HVALS HGETALL

const WITH_FIELDS = 1;
const WITH_VALUES = 2;

function getAllGeneric(ctx: ExecContext, what: number): void {
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  const both = what === (WITH_FIELDS | WITH_VALUES);
  if (e === 0) {
    if (both) ctx.reply.mapLen(0);
    else ctx.reply.arrayLen(0);
    return;
  }
  const n = hashLength(ks, e);
  if (both) ctx.reply.mapLen(n);
  else ctx.reply.arrayLen(n);
  hashForEach(ks, e, () => {
    if (what & WITH_FIELDS) replyEntry(ctx, ks, hashField);
    if (what & WITH_VALUES) replyEntry(ctx, ks, hashValue);
  });
}

// ---------------------------------------------------------------- HINCRBY HINCRBYFLOAT

function hincrby(ctx: ExecContext): void {
  const a = ctx.args;
  const incr = string2ll(a.buf, a.offset(3), a.length(3));
  if (incr === null) {
    ctx.reply.error(NOT_INTEGER);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  let e = lookupWrite(ctx, ks, 1);
  if (e < 0) return;
  let current: number | bigint = 0;
  if (e !== 0 && hashGet(ks, e, a.buf, a.offset(2), a.length(2))) {
    if (hashValue.isInt) current = hashValue.value;
    else {
      const u8 = ks.arena.u8;
      const v = string2ll(u8, hashValue.start, hashValue.length);
      if (v === null) {
        ctx.reply.error(HASH_VALUE_NOT_INTEGER);
        return;
      }
      current = Number.isSafeInteger(v) ? v : string2llExact(u8, hashValue.start, hashValue.length)!;
    }
  }
  let next: number | bigint;
  if (typeof current === 'number' && Number.isSafeInteger(incr) && Number.isSafeInteger(current + incr)) {
    next = current + incr;
  } else {
    const inc = Number.isSafeInteger(incr) ? BigInt(incr) : string2llExact(a.buf, a.offset(3), a.length(3))!;
    const sum = BigInt(current) + inc;
    if (sum < INT64_MIN || sum > INT64_MAX) {
      ctx.reply.error(OVERFLOW);
      return;
    }
    next = sum;
  }
  if (e === 0) e = createHash(ctx, ks, 1);
  const n = asciiScratch(String(next));
  hashSet(ks, e, a.buf, a.offset(2), a.length(2), textScratch, 0, n, maxEntries(ctx), maxValue(ctx));
  ctx.dirty++;
  ctx.reply.integer(next);
  ctx.notify(NotifyClass.Hash, KeyEvent.Hincrby, 1);
}

function hincrbyfloat(ctx: ExecContext): void {
  const a = ctx.args;
  const incr = string2ld(a.buf, a.offset(3), a.length(3));
  if (incr === null) {
    ctx.reply.error(NOT_FLOAT);
    return;
  }
  if (incr.kind !== 'finite') {
    ctx.reply.error(INCREMENT_NAN_OR_INF);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  let e = lookupWrite(ctx, ks, 1);
  if (e < 0) return;
  let value: LongDouble = ZERO_LD;
  if (e !== 0 && hashGet(ks, e, a.buf, a.offset(2), a.length(2))) {
    if (hashValue.isInt) value = longDoubleFromInteger(BigInt(hashValue.value));
    else {
      const v = string2ld(ks.arena.u8, hashValue.start, hashValue.length);
      if (v === null) {
        ctx.reply.error(HASH_VALUE_NOT_FLOAT);
        return;
      }
      value = v;
    }
  }
  value = addLongDouble(value, incr);
  if (value.kind !== 'finite') {
    ctx.reply.error(RESULT_NAN_OR_INF);
    return;
  }
  if (e === 0) e = createHash(ctx, ks, 1);
  const text = formatLongDoubleHuman(value);
  const n = asciiScratch(text);
  hashSet(ks, e, a.buf, a.offset(2), a.length(2), textScratch, 0, n, maxEntries(ctx), maxValue(ctx));
  ctx.dirty++;
  ctx.reply.bulkLatin1(text);
  ctx.notify(NotifyClass.Hash, KeyEvent.Hincrbyfloat, 1);
}

const ZERO_LD = string2ld(new Uint8Array([48]), 0, 1)!;

// ---------------------------------------------------------------- HRANDFIELD

/** Below this many requested fields Redis samples instead of copying the hash (HRANDFIELD_SUB_STRATEGY_MUL). */
const SUB_STRATEGY_MUL = 3;

function hrandfield(ctx: ExecContext): void {
  const a = ctx.args;
  if (a.argc >= 3) {
    const l = string2ll(a.buf, a.offset(2), a.length(2));
    if (l === null) {
      ctx.reply.error(NOT_INTEGER);
      return;
    }
    // Beyond 2^53 the number is approximate: range checks use the exact value.
    const exact = Number.isSafeInteger(l) ? null : string2llExact(a.buf, a.offset(2), a.length(2))!;
    if (exact === INT64_MIN) {
      ctx.reply.error(COUNT_OUT_OF_RANGE);
      return;
    }
    let withValues = false;
    if (a.argc > 4 || (a.argc === 4 && !a.is(3, 'withvalues'))) {
      ctx.reply.error(SYNTAX);
      return;
    } else if (a.argc === 4) {
      withValues = true;
      if (exact !== null && (exact < -HALF_LONG_MAX || exact > HALF_LONG_MAX)) {
        ctx.reply.error(VALUE_OUT_OF_RANGE);
        return;
      }
    }
    hrandfieldWithCount(ctx, l, withValues);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) {
    ctx.reply.nullBulk();
    return;
  }
  pickRandom(ks, e);
  replyEntry(ctx, ks, hashField);
}

/** Fills hashField/hashValue with a random field of the hash. */
function pickRandom(ks: ShardKeyspace, e: number): void {
  const a = ks.arena;
  const t = hashTable(ks, e);
  if (t !== 0) {
    readTableEntry(a, ftRandomEntry(a, t));
    return;
  }
  const lp = hashListpack(ks, e);
  let pos = lpFirst(a, lp);
  for (let k = Math.floor(Math.random() * (lpCount(a, lp) >>> 1)); k > 0; k--) pos = lpNext(a, lp, lpNext(a, lp, pos));
  lpRead(a, lp, pos, hashField);
  lpRead(a, lp, lpNext(a, lp, pos), hashValue);
}

/** Positions of the fields of a listpack hash, in order (listpacks are small: <= hash-max-listpack-entries). */
function listpackFieldPositions(ks: ShardKeyspace, lp: number): number[] {
  const a = ks.arena;
  const out: number[] = [];
  for (let pos = lpFirst(a, lp); pos !== 0; pos = lpNext(a, lp, lpNext(a, lp, pos))) out.push(pos);
  return out;
}

/**
 * Replies the field (and value) at a listpack position or table entry; HRANDFIELD nests each pair
 * in RESP3 (`nested`), HSCAN never does.
 */
function replyPick(ctx: ExecContext, ks: ShardKeyspace, lp: number, ref: number, withValues: boolean, nested = true): void {
  const a = ks.arena;
  if (lp !== 0) {
    lpRead(a, lp, ref, hashField);
    lpRead(a, lp, lpNext(a, lp, ref), hashValue);
  } else {
    readTableEntry(a, ref);
  }
  if (withValues && nested && ctx.reply.resp === 3) ctx.reply.arrayLen(2);
  replyEntry(ctx, ks, hashField);
  if (withValues) replyEntry(ctx, ks, hashValue);
}

function hrandfieldWithCount(ctx: ExecContext, l: number, withValues: boolean): void {
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) {
    ctx.reply.arrayLen(0);
    return;
  }
  const a = ks.arena;
  const size = hashLength(ks, e);
  const uniq = l >= 0;
  let count = Math.abs(l);
  if (count === 0) {
    ctx.reply.arrayLen(0);
    return;
  }
  const lp = hashListpack(ks, e);
  const t = hashTable(ks, e);
  const resp3 = ctx.reply.resp === 3;

  // Case 1: repeats allowed (or a single field): sample the whole hash each time, in random order.
  if (!uniq || count === 1) {
    ctx.reply.arrayLen(withValues && !resp3 ? count * 2 : count);
    const positions = lp !== 0 ? listpackFieldPositions(ks, lp) : null;
    while (count-- > 0) {
      const ref = positions !== null ? positions[Math.floor(Math.random() * positions.length)] : ftRandomEntry(a, t);
      replyPick(ctx, ks, lp, ref, withValues);
    }
    return;
  }

  const replySize = Math.min(count, size);
  ctx.reply.arrayLen(withValues && !resp3 ? replySize * 2 : replySize);

  // Case 2: at least as many as the hash has: the whole hash, in its order.
  if (count >= size) {
    hashForEach(ks, e, () => {
      if (withValues && resp3) ctx.reply.arrayLen(2);
      replyEntry(ctx, ks, hashField);
      if (withValues) replyEntry(ctx, ks, hashValue);
    });
    return;
  }

  // Case 3: a good part of the hash: take every field, keep a random `count` of them.
  if (lp !== 0 || count * SUB_STRATEGY_MUL > size) {
    let refs: number[];
    if (lp !== 0) refs = listpackFieldPositions(ks, lp);
    else {
      refs = [];
      hashForEachEntry(ks, t, refs);
    }
    for (let k = 0; k < count; k++) {
      const j = k + Math.floor(Math.random() * (refs.length - k));
      const tmp = refs[k];
      refs[k] = refs[j];
      refs[j] = tmp;
    }
    for (let k = 0; k < count; k++) replyPick(ctx, ks, lp, refs[k], withValues);
    return;
  }

  // Case 4: few fields of a big table: draw random entries until `count` distinct ones.
  const picked = new Set<number>();
  while (picked.size < count) {
    const fe = ftRandomEntry(a, t);
    if (picked.has(fe)) continue;
    picked.add(fe);
    replyPick(ctx, ks, 0, fe, withValues);
  }
}

function hashForEachEntry(ks: ShardKeyspace, t: number, out: number[]): void {
  ftForEach(ks.arena, t, (fe) => {
    out.push(fe);
  });
}

// ---------------------------------------------------------------- HSCAN

function hscan(ctx: ExecContext): void {
  if (!parseScanCursorOrReply(ctx, 2)) return;
  // Table cursors fit 32 bits; the high half of a larger cursor names no bucket and is dropped.
  const cursorLo = scanCursor.lo;
  const ks = ctx.keyspaceFor(1);
  const e = lookupRead(ctx, ks, 1);
  if (e < 0) return;
  if (e === 0) {
    replyEmptyScan(ctx.reply);
    return;
  }
  if (!parseScanOptionsOrReply(ctx, 3, false)) return;
  const a = ks.arena;
  const t = hashTable(ks, e);
  if (t === 0) {
    // A listpack hash is returned whole in one call, with cursor 0, as Redis does.
    const lp = hashListpack(ks, e);
    let n = 0;
    for (let pos = lpFirst(a, lp); pos !== 0; pos = lpNext(a, lp, lpNext(a, lp, pos))) if (listpackFieldMatches(ctx, ks, lp, pos)) n++;
    replyScanCursor(ctx.reply, 0, 0);
    ctx.reply.arrayLen(n * 2);
    for (let pos = lpFirst(a, lp); pos !== 0; pos = lpNext(a, lp, lpNext(a, lp, pos))) {
      if (!listpackFieldMatches(ctx, ks, lp, pos)) continue;
      replyPick(ctx, ks, lp, pos, true, false);
    }
    return;
  }
  const found: number[] = [];
  let cursor = cursorLo;
  let maxIterations = scanOptions.count * 10;
  do {
    cursor = ftScan(a, t, cursor, (fe) => {
      found.push(fe);
    });
  } while (cursor !== 0 && maxIterations-- > 0 && found.length * 2 < scanOptions.count);
  let n = 0;
  for (let k = 0; k < found.length; k++) {
    readTableEntry(a, found[k]);
    if (scanMatches(ctx, a.u8, hashField.start, hashField.start + hashField.length)) found[n++] = found[k];
  }
  replyScanCursor(ctx.reply, 0, cursor);
  ctx.reply.arrayLen(n * 2);
  for (let k = 0; k < n; k++) replyPick(ctx, ks, 0, found[k], true, false);
}

const intText = new Uint8Array(24);

function listpackFieldMatches(ctx: ExecContext, ks: ShardKeyspace, lp: number, pos: number): boolean {
  const a = ks.arena;
  lpRead(a, lp, pos, scratchEntry);
  if (!scratchEntry.isInt) return scanMatches(ctx, a.u8, scratchEntry.start, scratchEntry.start + scratchEntry.length);
  const s = String(scratchEntry.value);
  for (let i = 0; i < s.length; i++) intText[i] = s.charCodeAt(i);
  return scanMatches(ctx, intText, 0, s.length);
}

// ---------------------------------------------------------------- DEBUG / MEMORY hooks

valueReporters[ValueType.Hash] = {
  digest(ks, e, digest) {
    // Redis's xorObjectDigest for hashes: each field/value pair is mixed on its own, then xored in,
    // so the digest does not depend on the encoding's order.
    const element = new Uint8Array(20);
    hashForEach(ks, e, () => {
      element.fill(0);
      mixDigest(element, entryBytes(ks, hashField));
      mixDigest(element, entryBytes(ks, hashValue));
      xorDigest(digest, element);
    });
  },
  memoryUsage(ks, e, samples) {
    return hashMemory(ks, e, samples);
  },
};

function entryBytes(ks: ShardKeyspace, rec: ListpackEntry): Uint8Array {
  if (rec.isInt) return encoder.encode(String(rec.value));
  return ks.arena.u8.slice(rec.start, rec.start + rec.length);
}

export const hashCommands: CommandFamily = {
  hset: { route: 'keys', run: (ctx) => hsetGeneric(ctx, 'hset', false) },
  hmset: { route: 'keys', run: (ctx) => hsetGeneric(ctx, 'hmset', true) },
  hsetnx: { route: 'keys', run: hsetnx },
  hget: { route: 'keys', run: hget },
  hmget: { route: 'keys', run: hmget },
  hexists: { route: 'keys', run: hexists },
  hstrlen: { route: 'keys', run: hstrlen },
  hlen: { route: 'keys', run: hlen },
  hdel: { route: 'keys', run: hdel },
  hkeys: { route: 'keys', run: (ctx) => getAllGeneric(ctx, WITH_FIELDS) },
  hvals: { route: 'keys', run: (ctx) => getAllGeneric(ctx, WITH_VALUES) },
  hgetall: { route: 'keys', run: (ctx) => getAllGeneric(ctx, WITH_FIELDS | WITH_VALUES) },
  hincrby: { route: 'keys', run: hincrby },
  hincrbyfloat: { route: 'keys', run: hincrbyfloat },
  hrandfield: { route: 'keys', run: hrandfield },
  hscan: { route: 'keys', run: hscan },
};
