/**
 * String commands (Redis 7.0 t_string.c): GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET
 * MSETNX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY DECRBY INCRBYFLOAT LCS.
 *
 * Storage: a string value lives inline in its key's entry, right after the key bytes
 * (`ks.valueStart(e)`, length in `ks.valueWord(e)`). Integers are kept as their decimal text too; the
 * entry's encoding byte only records what Redis would report for OBJECT ENCODING:
 * - 'int' for a canonical int64 written by SET-like commands (Redis's tryObjectEncoding) or produced by
 *   INCR/DECR;
 * - 'embstr' for other values of at most 44 bytes written whole (SET, INCRBYFLOAT...);
 * - 'raw' above 44 bytes, and always after APPEND to an existing key or SETRANGE (Redis unshares the
 *   value into a raw sds before editing it).
 *
 * Error precedence follows Redis's order of checks in each command (options, then expire value, then
 * key type, ...), since a client sees only the first error.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { ShardKeyspace, ValueType, Encoding, E_KEY } from '../storage/keyspace.js';
import { Setting } from '../shard/shared-settings.js';
import { NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, WRONGTYPE, WRONG_ARITY } from '../protocol/errors.js';
import {
  string2ll,
  string2llExact,
  isCanonicalInt64,
  string2ld,
  addLongDouble,
  formatLongDoubleHuman,
  longDoubleFromInteger,
  writeDecimal,
  decimalLength,
} from '../protocol/number-parse.js';
import {
  SetFlag,
  OptionsFor,
  ANY_EXPIRE,
  isCToken,
  parseExtendedOptionsOrReply,
  expireAtOrReply,
  type ExtendedOptions,
} from './set-options.js';

/** Strings up to this length are embstr in Redis (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
const EMBSTR_LIMIT = 44;
/** Redis's OBJ_ENCODING_INT candidates are at most 20 bytes (tryObjectEncoding). */
const INT_CANDIDATE_LIMIT = 20;
/** Growth beyond the exact size when APPEND/SETRANGE must move a value (sds's greedy preallocation). */
const GREEDY_LIMIT = 1024 * 1024;

const STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
const OFFSET_OUT_OF_RANGE = 'ERR offset is out of range';
const DECREMENT_OVERFLOW = 'ERR decrement would overflow';
const FLOAT_NAN_OR_INF = 'ERR increment would produce NaN or Infinity';
const LCS_NOT_STRINGS = 'ERR The specified keys must contain string values';
const LCS_IDX_AND_LEN = 'ERR If you want both the length and indexes, please just use IDX.';
const LCS_TOO_MUCH_MEMORY = 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Reused option parse result (one command runs at a time per thread). */
const options: ExtendedOptions = { flags: 0, expireArg: -1 };

// ---------------------------------------------------------------- value storage

/** Redis's tryObjectEncoding for a whole value being stored. */
function encodingOf(buf: Uint8Array, off: number, len: number): Encoding {
  if (len <= INT_CANDIDATE_LIMIT && isCanonicalInt64(buf, off, len)) return Encoding.Int;
  return len <= EMBSTR_LIMIT ? Encoding.Embstr : Encoding.Raw;
}

/** createStringObject's choice (no integer attempt). */
function plainEncodingOf(len: number): Encoding {
  return len <= EMBSTR_LIMIT ? Encoding.Embstr : Encoding.Raw;
}

/**
 * Stores `src[off, off+len)` as the string value of the key in argument `keyArg` (Redis's setKey /
 * dbAdd / dbOverwrite). `e` is the key's current entry (0 if absent). The expiry is cleared unless
 * `keepTtl`. Returns the entry address. Hot path (SET): no allocation when the value fits in place.
 */
export function storeString(
  ctx: ExecContext,
  ks: ShardKeyspace,
  e: number,
  keyArg: number,
  src: Uint8Array,
  off: number,
  len: number,
  encoding: Encoding,
  keepTtl: boolean,
): number {
  const a = ctx.args;
  const arena = ks.arena;
  if (e !== 0 && ks.type(e) === ValueType.String) {
    const room = arena.usableSize(e) - E_KEY - ks.keyLength(e);
    // Reuse the block unless the value shrank to a small fraction of it.
    if (len <= room && len * 4 >= room - 64) {
      copyBytes(src, off, len, arena.u8, ks.valueStart(e));
      ks.setValueWord(e, len);
      ks.setEncoding(e, encoding);
      if (!keepTtl && ks.expireOf(e) !== 0) ks.setExpire(ctx.db, e, 0);
      if (!ctx.settings.lfu) ks.setLru(e, ctx.newAccessWord());
      return e;
    }
  }
  let expireAt = 0;
  let access = ctx.newAccessWord();
  if (e !== 0) {
    if (keepTtl) expireAt = ks.expireOf(e);
    if (ctx.settings.lfu) access = ks.lru(e);
    ks.remove(ctx.db, e);
  }
  const next = ks.newEntry(a.buf, a.offset(keyArg), a.length(keyArg), ValueType.String, len);
  copyBytes(src, off, len, ks.arena.u8, ks.valueStart(next));
  ks.setValueWord(next, len);
  ks.setEncoding(next, encoding);
  ks.setLru(next, access);
  if (expireAt !== 0) ks.setExpireDetached(next, expireAt);
  ks.link(ctx.db, next);
  if (e === 0) ctx.notifyNew(ks, next);
  return next;
}

/** Copies src[off, off+len) to dst at `at`: a loop for short values (no subarray view), `set` for long. */
function copyBytes(src: Uint8Array, off: number, len: number, dst: Uint8Array, at: number): void {
  if (len < 64) {
    for (let i = 0; i < len; i++) dst[at + i] = src[off + i];
  } else {
    dst.set(src.subarray(off, off + len), at);
  }
}

/** Stores argument `valArg` as the value of argument `keyArg`, with tryObjectEncoding's encoding. */
function storeArgument(ctx: ExecContext, ks: ShardKeyspace, e: number, keyArg: number, valArg: number, keepTtl: boolean): number {
  const a = ctx.args;
  const off = a.offset(valArg);
  const len = a.length(valArg);
  return storeString(ctx, ks, e, keyArg, a.buf, off, len, encodingOf(a.buf, off, len), keepTtl);
}

/** Stores a latin1 text (an INCR/INCRBYFLOAT result) as the value of argument `keyArg`, keeping the TTL. */
function storeText(ctx: ExecContext, ks: ShardKeyspace, e: number, keyArg: number, text: string, encoding: Encoding): number {
  const bytes = scratch(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return storeString(ctx, ks, e, keyArg, bytes, 0, text.length, encoding, true);
}

let scratchBuf = new Uint8Array(64);
function scratch(n: number): Uint8Array {
  if (scratchBuf.length < n) scratchBuf = new Uint8Array(Math.max(n, scratchBuf.length * 2));
  return scratchBuf;
}

/**
 * Makes room for `len` value bytes in string entry `e` (linked in ctx.db), keeping its first `keep`
 * bytes; moves it with greedy headroom when the block is too small. Returns the entry address.
 */
export function growString(ctx: ExecContext, ks: ShardKeyspace, e: number, len: number, keep: number): number {
  const room = ks.arena.usableSize(e) - E_KEY - ks.keyLength(e);
  if (len <= room) return e;
  const greedy = len + Math.min(len, GREEDY_LIMIT);
  return ks.resizeEntry(ctx.db, e, greedy, keep);
}

/** Redis's checkStringLength: false (after replying) when `size + append` exceeds proto-max-bulk-len. */
function checkStringLength(ctx: ExecContext, size: number, append: number): boolean {
  if (size + append > ctx.settings.get(Setting.ProtoMaxBulkLen)) {
    ctx.reply.error(STRING_TOO_LONG);
    return false;
  }
  return true;
}

/** Replies the string value of entry `e` as a bulk string. */
function replyValue(ctx: ExecContext, ks: ShardKeyspace, e: number): void {
  const start = ks.valueStart(e);
  ctx.reply.bulk(ks.arena.u8, start, start + ks.valueWord(e));
}

/**
 * Redis's getGenericCommand: replies the value of argument `keyArg` (null when missing). Returns false
 * after a WRONGTYPE error.
 */
function getGeneric(ctx: ExecContext, ks: ShardKeyspace, keyArg: number): boolean {
  const e = ctx.lookupRead(ks, keyArg);
  if (e === 0) {
    ctx.reply.nullBulk();
    return true;
  }
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return false;
  }
  replyValue(ctx, ks, e);
  return true;
}

// ---------------------------------------------------------------- GET SET and friends

/** GET key. Hot path. */
function get(ctx: ExecContext): void {
  getGeneric(ctx, ctx.keyspaceFor(1), 1);
}

const enum Abort {
  /** Null bulk when NX/XX stops the write (SET). */
  Null = 0,
  /** Integer 0 (SETNX). */
  Zero = 1,
}

/**
 * Redis's setGenericCommand: the expire value is checked first, then GET replies the old value, then
 * NX/XX decide, then the write. `expireArg` is -1 without an expire. Replies OK (or 1 for SETNX) unless
 * GET already replied.
 */
function setGeneric(ctx: ExecContext, flags: number, valArg: number, expireArg: number, abort: Abort, command: string): void {
  let expireAt = 0;
  if (expireArg >= 0) {
    const at = expireAtOrReply(ctx.args, expireArg, ctx.reply, flags, ctx.now, command);
    if (at === null) return;
    expireAt = at;
  }
  const ks = ctx.keyspaceFor(1);
  if (flags & SetFlag.GET) {
    if (!getGeneric(ctx, ks, 1)) return;
  }
  const e = ctx.lookup(ks, 1);
  const found = e !== 0;
  if ((flags & SetFlag.NX && found) || (flags & SetFlag.XX && !found)) {
    if (!(flags & SetFlag.GET)) {
      if (abort === Abort.Zero) ctx.reply.integer(0);
      else ctx.reply.nullBulk();
    }
    return;
  }
  const next = storeArgument(ctx, ks, e, 1, valArg, (flags & SetFlag.KEEPTTL) !== 0);
  ctx.dirty++;
  ctx.notify(NotifyClass.String, KeyEvent.Set, 1);
  if (expireArg >= 0) {
    ks.setExpire(ctx.db, next, expireAt);
    ctx.notify(NotifyClass.Generic, KeyEvent.Expire, 1);
  }
  if (!(flags & SetFlag.GET)) {
    if (abort === Abort.Zero) ctx.reply.integer(1);
    else ctx.reply.ok();
  }
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]. Hot path. */
function set(ctx: ExecContext): void {
  if (ctx.args.argc === 3) {
    setGeneric(ctx, 0, 2, -1, Abort.Null, 'set');
    return;
  }
  if (!parseExtendedOptionsOrReply(ctx.args, ctx.reply, OptionsFor.Set, options)) return;
  setGeneric(ctx, options.flags, 2, options.expireArg, Abort.Null, 'set');
}

function setnx(ctx: ExecContext): void {
  setGeneric(ctx, SetFlag.NX, 2, -1, Abort.Zero, 'setnx');
}

function setex(ctx: ExecContext): void {
  setGeneric(ctx, SetFlag.EX, 3, 2, Abort.Null, 'setex');
}

function psetex(ctx: ExecContext): void {
  setGeneric(ctx, SetFlag.PX, 3, 2, Abort.Null, 'psetex');
}

/** GETSET key value: GET, then an unconditional SET that clears the TTL. */
function getset(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  if (!getGeneric(ctx, ks, 1)) return;
  const e = ctx.lookup(ks, 1);
  storeArgument(ctx, ks, e, 1, 2, false);
  ctx.dirty++;
  ctx.notify(NotifyClass.String, KeyEvent.Set, 1);
}

/** GETDEL key. */
function getdel(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  if (!getGeneric(ctx, ks, 1)) return;
  const e = ctx.lookup(ks, 1);
  if (e !== 0) {
    ks.remove(ctx.db, e);
    ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
    ctx.dirty++;
  }
}

/** GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]. */
function getex(ctx: ExecContext): void {
  if (!parseExtendedOptionsOrReply(ctx.args, ctx.reply, OptionsFor.Get, options)) return;
  const flags = options.flags;
  const expireArg = options.expireArg;
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    ctx.reply.nullBulk();
    return;
  }
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  let expireAt = 0;
  if (expireArg >= 0) {
    const at = expireAtOrReply(ctx.args, expireArg, ctx.reply, flags, ctx.now, 'getex');
    if (at === null) return;
    expireAt = at;
  }
  replyValue(ctx, ks, e);
  if (flags & (SetFlag.EXAT | SetFlag.PXAT) && expireAt <= ctx.now) {
    // An absolute time already past deletes the key (Redis's checkAlreadyExpired).
    ks.remove(ctx.db, e, ctx.lazyExpire());
    ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
    ctx.dirty++;
  } else if (flags & ANY_EXPIRE) {
    ks.setExpire(ctx.db, e, expireAt);
    ctx.notify(NotifyClass.Generic, KeyEvent.Expire, 1);
    ctx.dirty++;
  } else if (flags & SetFlag.PERSIST) {
    if (ks.expireOf(e) !== 0) {
      ks.setExpire(ctx.db, e, 0);
      ctx.notify(NotifyClass.Generic, KeyEvent.Persist, 1);
      ctx.dirty++;
    }
  }
}

// ---------------------------------------------------------------- multi-key

/** MGET key [key ...]: null for missing keys and keys of other types. */
function mget(ctx: ExecContext): void {
  const a = ctx.args;
  ctx.reply.arrayLen(a.argc - 1);
  for (let j = 1; j < a.argc; j++) {
    const ks = ctx.keyspaceFor(j);
    const e = ctx.lookupRead(ks, j);
    if (e === 0 || ks.type(e) !== ValueType.String) ctx.reply.nullBulk();
    else replyValue(ctx, ks, e);
  }
}

/** MSET / MSETNX: pairs; MSETNX writes nothing (0) if any key exists. The dispatcher holds all shards. */
function msetGeneric(ctx: ExecContext, nx: boolean): void {
  const a = ctx.args;
  if (a.argc % 2 === 0) {
    ctx.reply.error(WRONG_ARITY(nx ? 'msetnx' : 'mset'));
    return;
  }
  if (nx) {
    for (let j = 1; j < a.argc; j += 2) {
      if (ctx.lookup(ctx.keyspaceFor(j), j) !== 0) {
        ctx.reply.integer(0);
        return;
      }
    }
  }
  for (let j = 1; j < a.argc; j += 2) {
    const ks = ctx.keyspaceFor(j);
    const e = ctx.lookup(ks, j);
    storeArgument(ctx, ks, e, j, j + 1, false);
    ctx.notify(NotifyClass.String, KeyEvent.Set, j);
  }
  ctx.dirty += (a.argc - 1) / 2;
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

function mset(ctx: ExecContext): void {
  msetGeneric(ctx, false);
}

function msetnx(ctx: ExecContext): void {
  msetGeneric(ctx, true);
}

// ---------------------------------------------------------------- APPEND STRLEN GETRANGE SETRANGE

/** APPEND key value: a new key takes the value as SET would; an existing one becomes raw. */
function append(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  let e = ctx.lookup(ks, 1);
  const addLen = a.length(2);
  if (e === 0) {
    storeArgument(ctx, ks, 0, 1, 2, false);
    ctx.dirty++;
    ctx.notify(NotifyClass.String, KeyEvent.Append, 1);
    ctx.reply.integer(addLen);
    return;
  }
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const oldLen = ks.valueWord(e);
  if (!checkStringLength(ctx, oldLen, addLen)) return;
  const total = oldLen + addLen;
  e = growString(ctx, ks, e, total, oldLen);
  ks.arena.u8.set(a.bytes(2), ks.valueStart(e) + oldLen);
  ks.setValueWord(e, total);
  ks.setEncoding(e, Encoding.Raw);
  ctx.dirty++;
  ctx.notify(NotifyClass.String, KeyEvent.Append, 1);
  ctx.reply.integer(total);
}

/** STRLEN key. */
function strlen(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  ctx.reply.integer(ks.valueWord(e));
}

const EMPTY = new Uint8Array(0);

/** GETRANGE key start end (and SUBSTR): inclusive, negative indexes from the end, clamped. */
function getrange(ctx: ExecContext): void {
  const a = ctx.args;
  let start = string2ll(a.buf, a.offset(2), a.length(2));
  if (start === null) {
    ctx.reply.error(NOT_INTEGER);
    return;
  }
  let end = string2ll(a.buf, a.offset(3), a.length(3));
  if (end === null) {
    ctx.reply.error(NOT_INTEGER);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    ctx.reply.bulk(EMPTY);
    return;
  }
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const len = ks.valueWord(e);
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.bulk(EMPTY);
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    ctx.reply.bulk(EMPTY);
    return;
  }
  const v = ks.valueStart(e);
  ctx.reply.bulk(ks.arena.u8, v + start, v + end + 1);
}

/** SETRANGE key offset value: zero-pads up to offset; the result is raw. */
function setrange(ctx: ExecContext): void {
  const a = ctx.args;
  const offset = string2ll(a.buf, a.offset(2), a.length(2));
  if (offset === null) {
    ctx.reply.error(NOT_INTEGER);
    return;
  }
  if (offset < 0) {
    ctx.reply.error(OFFSET_OUT_OF_RANGE);
    return;
  }
  const valueLen = a.length(3);
  const ks = ctx.keyspaceFor(1);
  let e = ctx.lookup(ks, 1);
  if (e === 0) {
    if (valueLen === 0) {
      ctx.reply.integer(0);
      return;
    }
    if (!checkStringLength(ctx, offset, valueLen)) return;
    const total = offset + valueLen;
    e = ks.newEntry(a.buf, a.offset(1), a.length(1), ValueType.String, total);
    const v = ks.valueStart(e);
    const u8 = ks.arena.u8;
    u8.fill(0, v, v + offset);
    u8.set(a.bytes(3), v + offset);
    ks.setValueWord(e, total);
    ks.setEncoding(e, Encoding.Raw);
    ks.setLru(e, ctx.newAccessWord());
    ks.link(ctx.db, e);
    ctx.notifyNew(ks, e);
    ctx.dirty++;
    ctx.notify(NotifyClass.String, KeyEvent.Setrange, 1);
    ctx.reply.integer(total);
    return;
  }
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const oldLen = ks.valueWord(e);
  if (valueLen === 0) {
    ctx.reply.integer(oldLen);
    return;
  }
  if (!checkStringLength(ctx, offset, valueLen)) return;
  const total = Math.max(oldLen, offset + valueLen);
  e = growString(ctx, ks, e, total, oldLen);
  const v = ks.valueStart(e);
  const u8 = ks.arena.u8;
  if (offset > oldLen) u8.fill(0, v + oldLen, v + offset);
  u8.set(a.bytes(3), v + offset);
  ks.setValueWord(e, total);
  ks.setEncoding(e, Encoding.Raw);
  ctx.dirty++;
  ctx.notify(NotifyClass.String, KeyEvent.Setrange, 1);
  ctx.reply.integer(total);
}

// ---------------------------------------------------------------- INCR family

/**
 * Redis's incrDecrCommand: adds `incr` (an int64: number when safe, bigint otherwise) to the integer
 * value of key 1 (0 when missing), keeping the TTL; the result is int-encoded.
 */
function incrDecr(ctx: ExecContext, incr: number | bigint): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  let value: number | bigint = 0;
  if (e !== 0) {
    if (ks.type(e) !== ValueType.String) {
      ctx.reply.error(WRONGTYPE);
      return;
    }
    const start = ks.valueStart(e);
    const len = ks.valueWord(e);
    const n = string2ll(ks.arena.u8, start, len);
    if (n === null) {
      ctx.reply.error(NOT_INTEGER);
      return;
    }
    value = Number.isSafeInteger(n) ? n : (string2llExact(ks.arena.u8, start, len) as bigint);
  }
  let result: number | bigint;
  if (typeof value === 'number' && typeof incr === 'number' && Number.isSafeInteger(value + incr)) {
    result = value + incr;
  } else {
    const v = BigInt(value);
    const d = BigInt(incr);
    if ((d < 0n && v < 0n && d < INT64_MIN - v) || (d > 0n && v > 0n && d > INT64_MAX - v)) {
      ctx.reply.error(OVERFLOW);
      return;
    }
    result = v + d;
  }
  if (typeof result === 'number') {
    if (e === 0 || !storeIntegerInPlace(ks, e, result)) {
      const digits = scratch(24);
      storeString(ctx, ks, e, 1, digits, 0, writeDecimal(digits, 0, result), Encoding.Int, true);
    }
  } else storeText(ctx, ks, e, 1, String(result), Encoding.Int);
  ctx.dirty++;
  ctx.notify(NotifyClass.String, KeyEvent.Incrby, 1);
  ctx.reply.integer(result);
}

/**
 * INCR's common case (Redis updates its int-encoded object in place): writes safe integer `n` as the
 * value of string entry `e` over its old digits when they fit the entry's block, under storeString's
 * reuse rule. The TTL stays, and the access word is the one the lookup just set. False when the
 * digits do not fit (the caller stores them through storeString). Hot path: no allocation.
 */
function storeIntegerInPlace(ks: ShardKeyspace, e: number, n: number): boolean {
  const len = decimalLength(n);
  const room = ks.arena.usableSize(e) - E_KEY - ks.keyLength(e);
  if (len > room || len * 4 < room - 64) return false;
  writeDecimal(ks.arena.u8, ks.valueStart(e), n);
  ks.setValueWord(e, len);
  ks.setEncoding(e, Encoding.Int);
  return true;
}

/** The increment in argument 2 as a number when safe, else an exact bigint; null after replying. */
function incrementArg(ctx: ExecContext): number | bigint | null {
  const a = ctx.args;
  const n = string2ll(a.buf, a.offset(2), a.length(2));
  if (n === null) {
    ctx.reply.error(NOT_INTEGER);
    return null;
  }
  return Number.isSafeInteger(n) ? n : (string2llExact(a.buf, a.offset(2), a.length(2)) as bigint);
}

function incr(ctx: ExecContext): void {
  incrDecr(ctx, 1);
}

function decr(ctx: ExecContext): void {
  incrDecr(ctx, -1);
}

function incrby(ctx: ExecContext): void {
  const n = incrementArg(ctx);
  if (n !== null) incrDecr(ctx, n);
}

function decrby(ctx: ExecContext): void {
  const n = incrementArg(ctx);
  if (n === null) return;
  if (n === INT64_MIN) {
    ctx.reply.error(DECREMENT_OVERFLOW);
    return;
  }
  incrDecr(ctx, -n);
}

/** The value of a missing key for INCRBYFLOAT. */
const ZERO_LD = longDoubleFromInteger(0n);

/**
 * INCRBYFLOAT key increment: 80-bit long double arithmetic as Redis on x86-64, the result written with
 * "%.17Lf" trimmed (not int-encoded); the TTL is kept.
 */
function incrbyfloat(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e !== 0 && ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  let value = e === 0 ? ZERO_LD : string2ld(ks.arena.u8, ks.valueStart(e), ks.valueWord(e));
  if (value === null) {
    ctx.reply.error(NOT_FLOAT);
    return;
  }
  const increment = string2ld(a.buf, a.offset(2), a.length(2));
  if (increment === null) {
    ctx.reply.error(NOT_FLOAT);
    return;
  }
  value = addLongDouble(value, increment);
  if (value.kind !== 'finite') {
    ctx.reply.error(FLOAT_NAN_OR_INF);
    return;
  }
  const text = formatLongDoubleHuman(value);
  storeText(ctx, ks, e, 1, text, plainEncodingOf(text.length));
  ctx.dirty++;
  ctx.notify(NotifyClass.String, KeyEvent.Incrbyfloat, 1);
  ctx.reply.bulkLatin1(text);
}

// ---------------------------------------------------------------- LCS

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: Redis's dynamic programming, byte for byte. */
function lcs(ctx: ExecContext): void {
  const args = ctx.args;
  const ksA = ctx.keyspaceFor(1);
  const ea = ctx.lookupRead(ksA, 1);
  const ksB = ctx.keyspaceFor(2);
  const eb = ctx.lookupRead(ksB, 2);
  if ((ea !== 0 && ksA.type(ea) !== ValueType.String) || (eb !== 0 && ksB.type(eb) !== ValueType.String)) {
    ctx.reply.error(LCS_NOT_STRINGS);
    return;
  }
  // Copies: the table allocation below may not touch the arena, but the reply must not alias it either.
  const a = ea === 0 ? EMPTY : ksA.arena.u8.slice(ksA.valueStart(ea), ksA.valueStart(ea) + ksA.valueWord(ea));
  const b = eb === 0 ? EMPTY : ksB.arena.u8.slice(ksB.valueStart(eb), ksB.valueStart(eb) + ksB.valueWord(eb));
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < args.argc; j++) {
    const more = args.argc - 1 - j;
    if (isCToken(args, j, 'idx')) getIdx = true;
    else if (isCToken(args, j, 'len')) getLen = true;
    else if (isCToken(args, j, 'withmatchlen')) withMatchLen = true;
    else if (isCToken(args, j, 'minmatchlen') && more > 0) {
      const n = string2ll(args.buf, args.offset(j + 1), args.length(j + 1));
      if (n === null) {
        ctx.reply.error(NOT_INTEGER);
        return;
      }
      minMatchLen = n < 0 ? 0 : n;
      j++;
    } else {
      ctx.reply.error(SYNTAX);
      return;
    }
  }
  if (getIdx && getLen) {
    ctx.reply.error(LCS_IDX_AND_LEN);
    return;
  }
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > ctx.settings.get(Setting.ProtoMaxBulkLen)) {
    ctx.reply.error(LCS_TOO_MUCH_MEMORY);
    return;
  }
  const table = new Uint32Array(cells);
  const w = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const row = i * w;
    const prev = row - w;
    const ai = a[i - 1];
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) table[row + j] = table[prev + j - 1] + 1;
      else {
        const up = table[prev + j];
        const left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * w + blen];
  const reply = ctx.reply;
  if (getLen) {
    reply.integer(total);
    return;
  }
  const result = new Uint8Array(total);
  let idx = total;
  let handle = 0;
  let ranges = 0;
  if (getIdx) {
    reply.mapLen(2);
    reply.bulkLatin1('matches');
    handle = reply.deferredLen();
  }
  let i = alen;
  let j = blen;
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (table[(i - 1) * w + j] > table[i * w + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if ((minMatchLen === 0 || matchLen >= minMatchLen) && getIdx) {
        reply.arrayLen(withMatchLen ? 3 : 2);
        reply.arrayLen(2);
        reply.integer(aStart);
        reply.integer(aEnd);
        reply.arrayLen(2);
        reply.integer(bStart);
        reply.integer(bEnd);
        if (withMatchLen) reply.integer(matchLen);
        ranges++;
      }
      aStart = alen;
    }
  }
  if (getIdx) {
    reply.setDeferredLen(handle, ranges);
    reply.bulkLatin1('len');
    reply.integer(total);
  } else {
    reply.bulk(result);
  }
}

// ---------------------------------------------------------------- family

export const stringCommands: CommandFamily = {
  get: { route: 'keys', run: get },
  set: { route: 'keys', run: set },
  setnx: { route: 'keys', run: setnx },
  setex: { route: 'keys', run: setex },
  psetex: { route: 'keys', run: psetex },
  getset: { route: 'keys', run: getset },
  getdel: { route: 'keys', run: getdel },
  getex: { route: 'keys', run: getex },
  mget: { route: 'keys', run: mget },
  mset: { route: 'keys', run: mset },
  msetnx: { route: 'keys', run: msetnx },
  append: { route: 'keys', run: append },
  strlen: { route: 'keys', run: strlen },
  getrange: { route: 'keys', run: getrange },
  substr: { route: 'keys', run: getrange },
  setrange: { route: 'keys', run: setrange },
  incr: { route: 'keys', run: incr },
  decr: { route: 'keys', run: decr },
  incrby: { route: 'keys', run: incrby },
  decrby: { route: 'keys', run: decrby },
  incrbyfloat: { route: 'keys', run: incrbyfloat },
  lcs: { route: 'keys', run: lcs },
};
