/**
 * Bitmap commands (Redis 7.0 bitops.c): SETBIT GETBIT BITCOUNT BITPOS BITOP. BITFIELD and BITFIELD_RO
 * are in bitfield.ts and share this file's offset parsing and write lookup.
 *
 * A bitmap is a string value (string.ts: stored inline in the key's entry, length in the value word),
 * so GET, SETRANGE and APPEND see the same bytes. Bit 0 is the most significant bit of byte 0.
 * Writes grow the string with zero bytes up to the highest bit they touch; a write makes the value
 * 'raw' (Redis unshares int/embstr values before editing them), as does any value BITOP stores.
 *
 * Counting and searching work a 32-bit word at a time over the arena's Uint32Array where the bytes are
 * aligned (SWAR popcount; skipping all-0/all-1 words), bytes at the unaligned edges.
 *
 * Redis 7.0 quirks kept on purpose: BITCOUNT and BITPOS answer a missing key before looking at their
 * range arguments; BITCOUNT answers 0 for two negative indexes with start > end before checking the
 * BYTE|BIT token; BITPOS 0 without an explicit end treats the string as followed by zero bits.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { ShardKeyspace, ValueType, Encoding } from '../storage/keyspace.js';
import { Setting } from '../shard/shared-settings.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE } from '../protocol/errors.js';
import { string2ll, string2llExact } from '../protocol/number-parse.js';
import { isCToken } from './set-options.js';
import { growString, storeString } from './string.js';

const BIT_OFFSET_OUT_OF_RANGE = 'ERR bit offset is not an integer or out of range';
const BIT_NOT_INTEGER = 'ERR bit is not an integer or out of range';
const BITPOS_BIT_ARG = 'ERR The bit argument must be 1 or 0.';
const BITOP_NOT_ONE_KEY = 'ERR BITOP NOT must be called with a single source key.';

// ---------------------------------------------------------------- shared with bitfield.ts

/**
 * Redis's getBitOffsetFromArgument: the bit offset in argument i, or -1 after replying the error.
 * With `hash`, a '#N' argument means N * bits (int64 multiplication, wrapping as in C). The offset
 * must be below proto-max-bulk-len * 8.
 */
export function bitOffsetOrReply(ctx: ExecContext, i: number, hash: boolean, bits: number): number {
  const a = ctx.args;
  let off = a.offset(i);
  let len = a.length(i);
  const useHash = hash && len > 1 && a.buf[off] === 35; // '#'
  if (useHash) {
    off++;
    len--;
  }
  let offset = string2ll(a.buf, off, len);
  if (offset === null) {
    ctx.reply.error(BIT_OFFSET_OUT_OF_RANGE);
    return -1;
  }
  if (useHash) {
    const product = offset * bits;
    if (Number.isSafeInteger(offset) && Number.isSafeInteger(product)) offset = product;
    else offset = Number(BigInt.asIntN(64, (string2llExact(a.buf, off, len) as bigint) * BigInt(bits)));
  }
  if (offset < 0 || Math.floor(offset / 8) >= ctx.settings.get(Setting.ProtoMaxBulkLen)) {
    ctx.reply.error(BIT_OFFSET_OUT_OF_RANGE);
    return -1;
  }
  return offset;
}

/** Set by stringForBitWrite: true when it created the key or grew its value (Redis's `dirty`). */
export let bitWriteGrew = false;

/**
 * Redis's lookupStringForBitCommand for the key in argument 1: creates it or zero-pads its value so
 * that bit `maxBit` exists, and marks the value raw. Returns the entry, or 0 after a WRONGTYPE reply.
 * The arena may grow: callers re-read `ks.arena.u8` afterwards.
 */
export function stringForBitWrite(ctx: ExecContext, ks: ShardKeyspace, maxBit: number): number {
  const byteLen = Math.floor(maxBit / 8) + 1;
  let e = ctx.lookup(ks, 1);
  if (e === 0) {
    const a = ctx.args;
    e = ks.newEntry(a.buf, a.offset(1), a.length(1), ValueType.String, byteLen);
    const v = ks.valueStart(e);
    ks.arena.u8.fill(0, v, v + byteLen);
    ks.setValueWord(e, byteLen);
    ks.setEncoding(e, Encoding.Raw);
    ks.setLru(e, ctx.newAccessWord());
    ks.link(ctx.db, e);
    ctx.notifyNew(ks, e);
    bitWriteGrew = true;
    return e;
  }
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return 0;
  }
  const oldLen = ks.valueWord(e);
  bitWriteGrew = byteLen > oldLen;
  if (bitWriteGrew) {
    e = growString(ctx, ks, e, byteLen, oldLen);
    const v = ks.valueStart(e);
    ks.arena.u8.fill(0, v + oldLen, v + byteLen);
    ks.setValueWord(e, byteLen);
  }
  ks.setEncoding(e, Encoding.Raw);
  return e;
}

// ---------------------------------------------------------------- popcount and bit search

/** Set bits per byte value. */
const BYTE_POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) BYTE_POPCOUNT[i] = (i & 1) + BYTE_POPCOUNT[i >>> 1];

/** SWAR population count of a 32-bit word. */
function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Set bits in u8[start, start+n) (Redis's redisPopcount); `u32` views the same buffer. Hot path: a
 * word at a time over the aligned middle, eight words per iteration.
 */
export function popcount(u8: Uint8Array, u32: Uint32Array, start: number, n: number): number {
  let count = 0;
  let p = start;
  const end = start + n;
  while (p < end && (p & 3) !== 0) count += BYTE_POPCOUNT[u8[p++]];
  let w = p >>> 2;
  const wordsEnd = end >>> 2 > w ? end >>> 2 : w;
  // Eight words' per-byte counts (at most 64 per byte lane) are summed, then the four lanes are folded
  // in 16-bit halves (their total, up to 256, does not fit the byte a multiply fold would leave).
  for (; w + 8 <= wordsEnd; w += 8) {
    let lanes = 0;
    for (let k = w; k < w + 8; k++) {
      let x = u32[k];
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      lanes += (x + (x >>> 4)) & 0x0f0f0f0f;
    }
    lanes = (lanes & 0x00ff00ff) + ((lanes >>> 8) & 0x00ff00ff);
    count += (lanes & 0xffff) + (lanes >>> 16);
  }
  for (; w < wordsEnd; w++) count += popcount32(u32[w]);
  p = Math.max(p, w * 4);
  while (p < end) count += BYTE_POPCOUNT[u8[p++]];
  return count;
}

/** Position (0 = MSB) of the first `bit` in byte b, or 8 when there is none. */
function firstBitInByte(b: number, bit: number): number {
  const x = bit ? b & 0xff : ~b & 0xff;
  return x === 0 ? 8 : Math.clz32(x) - 24;
}

/**
 * Redis's redisBitpos over u8[start, start+n): the first bit equal to `bit`, counted from `start`.
 * When there is none: -1 for a 1, n*8 for a 0 (the string is taken as followed by zero bits). Hot
 * path: whole words that cannot hold the bit are skipped.
 */
export function bitpos(u8: Uint8Array, u32: Uint32Array, start: number, n: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  const skipWord = bit ? 0 : 0xffffffff;
  let p = start;
  const end = start + n;
  while (p < end && (p & 3) !== 0 && u8[p] === skip) p++;
  if (p < end && (p & 3) === 0) {
    let w = p >>> 2;
    const wordsEnd = end >>> 2;
    while (w < wordsEnd && u32[w] === skipWord) w++;
    p = w * 4;
    while (p < end && u8[p] === skip) p++;
  }
  if (p < end) return (p - start) * 8 + firstBitInByte(u8[p], bit);
  return bit ? -1 : n * 8;
}

// ---------------------------------------------------------------- SETBIT GETBIT

/** SETBIT key offset value: replies the bit's previous value. Hot path: no allocation. */
function setbit(ctx: ExecContext): void {
  const a = ctx.args;
  const offset = bitOffsetOrReply(ctx, 2, false, 0);
  if (offset < 0) return;
  const on = string2ll(a.buf, a.offset(3), a.length(3));
  if (on === null || (on !== 0 && on !== 1)) {
    ctx.reply.error(BIT_NOT_INTEGER);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = stringForBitWrite(ctx, ks, offset);
  if (e === 0) return;
  const at = ks.valueStart(e) + Math.floor(offset / 8);
  const mask = 1 << (7 - (offset & 7));
  const u8 = ks.arena.u8;
  const old = (u8[at] & mask) !== 0 ? 1 : 0;
  if (bitWriteGrew || old !== on) {
    u8[at] = on ? u8[at] | mask : u8[at] & ~mask;
    ctx.notify(NotifyClass.String, KeyEvent.Setbit, 1);
    ctx.dirty++;
  }
  ctx.reply.integer(old);
}

/** GETBIT key offset: 0 beyond the end of the string or for a missing key. Hot path: no allocation. */
function getbit(ctx: ExecContext): void {
  const offset = bitOffsetOrReply(ctx, 2, false, 0);
  if (offset < 0) return;
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
  const byte = Math.floor(offset / 8);
  let bit = 0;
  if (byte < ks.valueWord(e)) bit = (ks.arena.u8[ks.valueStart(e) + byte] >>> (7 - (offset & 7))) & 1;
  ctx.reply.integer(bit);
}

// ---------------------------------------------------------------- ranges

/**
 * A BITCOUNT/BITPOS range after Redis's conversion: bytes [start, end] of the value, with masks of
 * the bits outside a BIT range in the first and last byte (0 when the range covers the byte).
 */
const range = { start: 0, end: 0, firstMask: 0, lastMask: 0 };

/** Whether integer arguments i and j satisfy i > j exactly (parsed values may be rounded past 2^53). */
function argGreater(ctx: ExecContext, i: number, vi: number, j: number, vj: number): boolean {
  if (Number.isSafeInteger(vi) && Number.isSafeInteger(vj)) return vi > vj;
  const a = ctx.args;
  return (string2llExact(a.buf, a.offset(i), a.length(i)) as bigint) > (string2llExact(a.buf, a.offset(j), a.length(j)) as bigint);
}

/** Clamps start/end (negative = from the end) to a string of `total` units; fills `range`. */
function convertRange(start: number, end: number, total: number, isBit: boolean): void {
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  range.firstMask = 0;
  range.lastMask = 0;
  if (isBit && start <= end) {
    range.firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    range.lastMask = (1 << (7 - (end & 7))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  range.start = start;
  range.end = end;
}

/** Argument i is BIT (1), BYTE (0), or neither (-1, after a syntax error reply). */
function unitOrReply(ctx: ExecContext, i: number): number {
  if (isCToken(ctx.args, i, 'bit')) return 1;
  if (isCToken(ctx.args, i, 'byte')) return 0;
  ctx.reply.error(SYNTAX);
  return -1;
}

// ---------------------------------------------------------------- BITCOUNT

/** BITCOUNT key [start end [BYTE|BIT]]. */
function bitcount(ctx: ExecContext): void {
  const a = ctx.args;
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
  const len = ks.valueWord(e);
  if (a.argc === 4 || a.argc === 5) {
    const start = string2ll(a.buf, a.offset(2), a.length(2));
    if (start === null) {
      ctx.reply.error(NOT_INTEGER);
      return;
    }
    const end = string2ll(a.buf, a.offset(3), a.length(3));
    if (end === null) {
      ctx.reply.error(NOT_INTEGER);
      return;
    }
    if (start < 0 && end < 0 && argGreater(ctx, 2, start, 3, end)) {
      ctx.reply.integer(0);
      return;
    }
    let isBit = 0;
    if (a.argc === 5) {
      isBit = unitOrReply(ctx, 4);
      if (isBit < 0) return;
    }
    convertRange(start, end, isBit ? len * 8 : len, isBit === 1);
  } else if (a.argc === 2) {
    range.start = 0;
    range.end = len - 1;
    range.firstMask = 0;
    range.lastMask = 0;
  } else {
    ctx.reply.error(SYNTAX);
    return;
  }
  if (range.start > range.end) {
    ctx.reply.integer(0);
    return;
  }
  const u8 = ks.arena.u8;
  const v = ks.valueStart(e);
  let count = popcount(u8, ks.arena.u32, v + range.start, range.end - range.start + 1);
  // Bits of the edge bytes outside a BIT range were counted: take them off.
  if (range.firstMask !== 0) count -= BYTE_POPCOUNT[u8[v + range.start] & range.firstMask];
  if (range.lastMask !== 0) count -= BYTE_POPCOUNT[u8[v + range.end] & range.lastMask];
  ctx.reply.integer(count);
}

// ---------------------------------------------------------------- BITPOS

/** BITPOS key bit [start [end [BYTE|BIT]]]. */
function bitposCommand(ctx: ExecContext): void {
  const a = ctx.args;
  const bit = string2ll(a.buf, a.offset(2), a.length(2));
  if (bit === null) {
    ctx.reply.error(NOT_INTEGER);
    return;
  }
  if (bit !== 0 && bit !== 1) {
    ctx.reply.error(BITPOS_BIT_ARG);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  // A missing key is an endless run of zero bits.
  if (e === 0) {
    ctx.reply.integer(bit ? -1 : 0);
    return;
  }
  if (ks.type(e) !== ValueType.String) {
    ctx.reply.error(WRONGTYPE);
    return;
  }
  const len = ks.valueWord(e);
  let endGiven = false;
  if (a.argc >= 4 && a.argc <= 6) {
    const start = string2ll(a.buf, a.offset(3), a.length(3));
    if (start === null) {
      ctx.reply.error(NOT_INTEGER);
      return;
    }
    let isBit = 0;
    if (a.argc === 6) {
      isBit = unitOrReply(ctx, 5);
      if (isBit < 0) return;
    }
    let end: number;
    if (a.argc >= 5) {
      const parsed = string2ll(a.buf, a.offset(4), a.length(4));
      if (parsed === null) {
        ctx.reply.error(NOT_INTEGER);
        return;
      }
      end = parsed;
      endGiven = true;
    } else {
      end = isBit ? len * 8 + 7 : len - 1;
    }
    convertRange(start, end, isBit ? len * 8 : len, isBit === 1);
  } else if (a.argc === 3) {
    range.start = 0;
    range.end = len - 1;
    range.firstMask = 0;
    range.lastMask = 0;
  } else {
    ctx.reply.error(SYNTAX);
    return;
  }
  // An empty range holds neither a 0 nor a 1.
  if (range.start > range.end) {
    ctx.reply.integer(-1);
    return;
  }
  const u8 = ks.arena.u8;
  const u32 = ks.arena.u32;
  const v = ks.valueStart(e);
  let start = range.start;
  let bytes = range.end - range.start + 1;
  const firstMask = range.firstMask;
  const lastMask = range.lastMask;
  let pos: number;
  search: {
    if (firstMask !== 0) {
      let b = bit ? u8[v + start] & ~firstMask : u8[v + start] | firstMask;
      if (lastMask !== 0 && bytes === 1) b = bit ? b & ~lastMask : b | lastMask;
      pos = firstBitInByte(b, bit);
      if (bit && pos === 8) pos = -1;
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break search;
      start++;
      bytes--;
    }
    const whole = bytes - (lastMask !== 0 ? 1 : 0);
    if (whole > 0) {
      pos = bitpos(u8, u32, v + start, whole, bit);
      if (bytes === whole || (pos !== -1 && pos !== whole * 8)) break search;
      start += whole;
      bytes -= whole;
    }
    const b = bit ? u8[v + range.end] & ~lastMask : u8[v + range.end] | lastMask;
    pos = firstBitInByte(b, bit);
    if (bit && pos === 8) pos = -1;
  }
  // With an explicit end, the bits after the range are not zero padding: no clear bit means -1.
  if (endGiven && bit === 0 && pos === bytes * 8) {
    ctx.reply.integer(-1);
    return;
  }
  if (pos !== -1) pos += start * 8;
  ctx.reply.integer(pos);
}

// ---------------------------------------------------------------- BITOP

const enum BitOp {
  And,
  Or,
  Xor,
  Not,
}

/** Scratch for BITOP results up to this size is reused between commands. */
const BITOP_KEEP_LIMIT = 1 << 20;
let bitopBuf = new Uint8Array(64);

/**
 * BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty strings, shorter inputs are
 * zero-padded; the result (as long as the longest input) replaces destkey as a raw string without a
 * TTL, or deletes it when empty. Sources may live in other shards (the dispatcher holds them all).
 */
function bitop(ctx: ExecContext): void {
  const a = ctx.args;
  let op: BitOp;
  if (isCToken(a, 1, 'and')) op = BitOp.And;
  else if (isCToken(a, 1, 'or')) op = BitOp.Or;
  else if (isCToken(a, 1, 'xor')) op = BitOp.Xor;
  else if (isCToken(a, 1, 'not')) op = BitOp.Not;
  else {
    ctx.reply.error(SYNTAX);
    return;
  }
  if (op === BitOp.Not && a.argc !== 4) {
    ctx.reply.error(BITOP_NOT_ONE_KEY);
    return;
  }
  // First pass: types and the longest length.
  let maxLen = 0;
  for (let j = 3; j < a.argc; j++) {
    const ks = ctx.keyspaceFor(j);
    const e = ctx.lookupRead(ks, j);
    if (e === 0) continue;
    if (ks.type(e) !== ValueType.String) {
      ctx.reply.error(WRONGTYPE);
      return;
    }
    maxLen = Math.max(maxLen, ks.valueWord(e));
  }
  if (maxLen > 0) {
    // The result is built apart (a source may be the destination); big scratch buffers are not kept.
    let res = bitopBuf;
    if (maxLen > BITOP_KEEP_LIMIT) res = new Uint8Array(maxLen);
    else if (bitopBuf.length < maxLen) res = bitopBuf = new Uint8Array(Math.min(BITOP_KEEP_LIMIT, Math.max(maxLen, bitopBuf.length * 2)));
    for (let j = 3; j < a.argc; j++) {
      const ks = ctx.keyspaceFor(j);
      const e = ks.find(ctx.db, a.buf, a.offset(j), a.length(j));
      const len = e === 0 ? 0 : ks.valueWord(e);
      const v = e === 0 ? 0 : ks.valueStart(e);
      const u8 = ks.arena.u8;
      if (op === BitOp.Not) {
        for (let i = 0; i < len; i++) res[i] = ~u8[v + i];
      } else if (j === 3) {
        res.set(u8.subarray(v, v + len), 0);
        res.fill(0, len, maxLen);
      } else if (op === BitOp.And) {
        for (let i = 0; i < len; i++) res[i] &= u8[v + i];
        res.fill(0, len, maxLen);
      } else if (op === BitOp.Or) {
        for (let i = 0; i < len; i++) res[i] |= u8[v + i];
      } else {
        for (let i = 0; i < len; i++) res[i] ^= u8[v + i];
      }
    }
    const ks = ctx.keyspaceFor(2);
    const e = ctx.lookup(ks, 2);
    storeString(ctx, ks, e, 2, res, 0, maxLen, Encoding.Raw, false);
    ctx.notify(NotifyClass.String, KeyEvent.Set, 2);
    ctx.dirty++;
  } else {
    const ks = ctx.keyspaceFor(2);
    const e = ctx.lookup(ks, 2);
    if (e !== 0) {
      ks.remove(ctx.db, e);
      ctx.notify(NotifyClass.Generic, KeyEvent.Del, 2);
      ctx.dirty++;
    }
  }
  ctx.reply.integer(maxLen);
}

// ---------------------------------------------------------------- family

export const bitmapCommands: CommandFamily = {
  setbit: { route: 'keys', run: setbit },
  getbit: { route: 'keys', run: getbit },
  bitcount: { route: 'keys', run: bitcount },
  bitpos: { route: 'keys', run: bitposCommand },
  bitop: { route: 'keys', run: bitop },
};
