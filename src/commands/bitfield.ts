/**
 * BITFIELD and BITFIELD_RO (Redis 7.0 bitops.c): integer fields of 1..64 bits (signed) or 1..63 bits
 * (unsigned) at any bit offset of a string value, big-endian (the first bit is the most significant).
 *
 * Arithmetic is on JS numbers while every value involved stays below 2^53 (fields up to 52 bits with
 * an argument within +-2^52); wider fields and larger arguments take a BigInt path that reproduces
 * Redis's int64/uint64 C arithmetic exactly, wrap-around included. That matters for two documented
 * overflow quirks of Redis's checks:
 * - unsigned SET of a negative value is seen as a huge uint64: OVERFLOW SAT stores the maximum;
 * - signed SET (under 64 bits) of a value within `max` of INT64_MIN makes `max - value` wrap, so
 *   OVERFLOW SAT stores the maximum rather than the minimum.
 * Fields are read and written in pieces of at most 32 bits, so no piece needs a BigInt.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { ValueType } from '../storage/keyspace.js';
import { NOT_INTEGER, SYNTAX, WRONGTYPE } from '../protocol/errors.js';
import { string2ll, string2llExact } from '../protocol/number-parse.js';
import { isCToken } from './set-options.js';
import { bitOffsetOrReply, bitWriteGrew, stringForBitWrite } from './bitmap.js';

const INVALID_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const INVALID_OVERFLOW = 'ERR Invalid OVERFLOW type specified';
const RO_ONLY_GET = 'ERR BITFIELD_RO only supports the GET subcommand';

export const enum Overflow {
  Wrap = 0,
  Sat = 1,
  Fail = 2,
}

export const enum FieldOp {
  Get = 0,
  Set = 1,
  Incrby = 2,
}

/** Widest field handled with plain numbers, and the largest argument magnitude with it. */
const NUMBER_BITS = 52;
const NUMBER_ARG = 2 ** 52;
const INT64_MAX = 0x7fffffffffffffffn;

// ---------------------------------------------------------------- field access

/**
 * Reads `bits` (at most 32) bits at bit `offset` of the bytes u8[start, start+len) as an unsigned
 * number; bytes past `len` read as zero.
 */
function readPiece(u8: Uint8Array, start: number, len: number, offset: number, bits: number): number {
  let byte = Math.floor(offset / 8);
  let skip = offset & 7;
  let v = 0;
  while (bits > 0) {
    const b = byte < len ? u8[start + byte] : 0;
    const avail = 8 - skip;
    const take = avail < bits ? avail : bits;
    v = v * (1 << take) + ((b >>> (avail - take)) & ((1 << take) - 1));
    bits -= take;
    skip = 0;
    byte++;
  }
  return v;
}

/** Writes the unsigned number v (< 2^bits, bits at most 32) at bit `offset` of the bytes at `start`. */
function writePiece(u8: Uint8Array, start: number, offset: number, bits: number, v: number): void {
  let last = offset + bits - 1;
  while (bits > 0) {
    const byte = start + Math.floor(last / 8);
    const inByte = (last & 7) + 1; // bits of this byte up to and including `last`
    const take = inByte < bits ? inByte : bits;
    const shift = 8 - inByte;
    const unit = 2 ** take;
    const chunk = v % unit;
    const mask = ((1 << take) - 1) << shift;
    u8[byte] = (u8[byte] & ~mask) | (chunk << shift);
    v = (v - chunk) / unit;
    bits -= take;
    last -= take;
  }
}

/** The unsigned field as a number (bits <= 52). */
function readNumber(u8: Uint8Array, start: number, len: number, offset: number, bits: number): number {
  if (bits <= 32) return readPiece(u8, start, len, offset, bits);
  const low = bits - 32;
  return readPiece(u8, start, len, offset, 32) * 2 ** low + readPiece(u8, start, len, offset + 32, low);
}

/** Writes the unsigned number v (< 2^bits, bits <= 52). */
function writeNumber(u8: Uint8Array, start: number, offset: number, bits: number, v: number): void {
  if (bits <= 32) {
    writePiece(u8, start, offset, bits, v);
    return;
  }
  const low = bits - 32;
  const unit = 2 ** low;
  const lo = v % unit;
  writePiece(u8, start, offset, 32, (v - lo) / unit);
  writePiece(u8, start, offset + 32, low, lo);
}

/** The unsigned field as a bigint (any width up to 64). */
function readBig(u8: Uint8Array, start: number, len: number, offset: number, bits: number): bigint {
  if (bits <= 32) return BigInt(readPiece(u8, start, len, offset, bits));
  const low = bits - 32;
  return (BigInt(readPiece(u8, start, len, offset, 32)) << BigInt(low)) | BigInt(readPiece(u8, start, len, offset + 32, low));
}

/** Writes the low `bits` bits of v. */
function writeBig(u8: Uint8Array, start: number, offset: number, bits: number, v: bigint): void {
  v = BigInt.asUintN(bits, v);
  if (bits <= 32) {
    writePiece(u8, start, offset, bits, Number(v));
    return;
  }
  const low = bits - 32;
  writePiece(u8, start, offset, 32, Number(v >> BigInt(low)));
  writePiece(u8, start, offset + 32, low, Number(BigInt.asUintN(low, v)));
}

/**
 * GET: the field of `bits` bits at bit `offset` of u8[start, start+len) (zero past the end), signed
 * or unsigned. A number up to 52 bits, a bigint beyond.
 */
export function getField(u8: Uint8Array, start: number, len: number, offset: number, bits: number, signed: boolean): number | bigint {
  if (bits <= NUMBER_BITS) {
    const v = readNumber(u8, start, len, offset, bits);
    return signed && v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
  }
  const v = readBig(u8, start, len, offset, bits);
  return signed ? BigInt.asIntN(bits, v) : v;
}

/** Set by updateField: whether the stored field changed. */
export let fieldChanged = false;

/**
 * SET or INCRBY on the field at bit `offset` of the bytes at `start` (which must cover it), with the
 * given overflow behaviour. Returns the reply: the old value (SET) or the new one (INCRBY), or null
 * when OVERFLOW FAIL refused the write. `arg` is the SET value or the increment (an int64).
 */
export function updateField(
  u8: Uint8Array,
  start: number,
  offset: number,
  bits: number,
  signed: boolean,
  op: FieldOp,
  arg: number | bigint,
  overflow: Overflow,
): number | bigint | null {
  if (bits <= NUMBER_BITS && typeof arg === 'number' && arg <= NUMBER_ARG && arg >= -NUMBER_ARG) {
    return updateNumber(u8, start, offset, bits, signed, op, arg, overflow);
  }
  return updateBig(u8, start, offset, bits, signed, op, BigInt(arg), overflow);
}

/** updateField with numbers: every sum stays below 2^53, where Redis's checks are plain comparisons. */
function updateNumber(u8: Uint8Array, start: number, offset: number, bits: number, signed: boolean, op: FieldOp, arg: number, overflow: Overflow): number | null {
  const span = 2 ** bits;
  const raw = readNumber(u8, start, Infinity, offset, bits);
  let max: number;
  let min: number;
  let old: number;
  if (signed) {
    max = span / 2 - 1;
    min = -span / 2;
    old = raw > max ? raw - span : raw;
  } else {
    max = span - 1;
    min = 0;
    old = raw;
  }
  let value = op === FieldOp.Incrby ? old + arg : arg;
  // Unsigned SET of a negative value: a huge uint64 for Redis, so an overflow upwards.
  const up = value > max || (!signed && op === FieldOp.Set && value < 0);
  const down = !up && value < min;
  if (up || down) {
    if (overflow === Overflow.Fail) {
      fieldChanged = false;
      return null;
    }
    if (overflow === Overflow.Sat) value = up ? max : min;
    else {
      value = ((value % span) + span) % span;
      if (value > max) value -= span;
    }
  }
  fieldChanged = value !== old;
  writeNumber(u8, start, offset, bits, value < 0 ? value + span : value);
  return op === FieldOp.Incrby ? value : old;
}

/** updateField with bigints: Redis's checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow. */
function updateBig(u8: Uint8Array, start: number, offset: number, bits: number, signed: boolean, op: FieldOp, arg: bigint, overflow: Overflow): bigint | null {
  const raw = readBig(u8, start, Infinity, offset, bits);
  const old = signed ? BigInt.asIntN(bits, raw) : raw;
  // Redis's (value, incr) pair: INCRBY adds to the old value, SET checks the new value plus 0.
  const value = op === FieldOp.Incrby ? old : signed ? arg : BigInt.asUintN(64, arg);
  const incr = op === FieldOp.Incrby ? arg : 0n;
  let result: bigint;
  let over = 0;
  let limit = 0n;
  if (signed) {
    const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
    const min = -max - 1n;
    const maxIncr = BigInt.asIntN(64, max - value);
    const minIncr = BigInt.asIntN(64, min - value);
    if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) {
      over = 1;
      limit = max;
    } else if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) {
      over = -1;
      limit = min;
    }
    result = over === 0 ? value + incr : overflow === Overflow.Sat ? limit : BigInt.asIntN(bits, value + incr);
  } else {
    const max = (1n << BigInt(bits)) - 1n;
    const maxIncr = BigInt.asIntN(64, max - value);
    const minIncr = BigInt.asIntN(64, -value);
    if (value > max || (incr > 0n && incr > maxIncr)) {
      over = 1;
      limit = max;
    } else if (incr < 0n && incr < minIncr) {
      over = -1;
      limit = 0n;
    }
    result = over === 0 ? value + incr : overflow === Overflow.Sat ? limit : BigInt.asUintN(bits, value + incr);
  }
  if (over !== 0 && overflow === Overflow.Fail) {
    fieldChanged = false;
    return null;
  }
  fieldChanged = result !== old;
  writeBig(u8, start, offset, bits, result);
  return op === FieldOp.Incrby ? result : old;
}

// ---------------------------------------------------------------- the command

/** Parsed operations, reused across commands (one command runs at a time per thread). */
let opCodes = new Uint8Array(16);
let opBits = new Uint8Array(16);
let opSigned = new Uint8Array(16);
let opOverflow = new Uint8Array(16);
let opOffsets = new Float64Array(16);
const opArgs: Array<number | bigint> = [];

function grown<T extends Uint8Array | Float64Array>(old: T, next: T): T {
  next.set(old);
  return next;
}

function ensureOps(n: number): void {
  if (opCodes.length >= n) return;
  const size = Math.max(n, opCodes.length * 2);
  opCodes = grown(opCodes, new Uint8Array(size));
  opBits = grown(opBits, new Uint8Array(size));
  opSigned = grown(opSigned, new Uint8Array(size));
  opOverflow = grown(opOverflow, new Uint8Array(size));
  opOffsets = grown(opOffsets, new Float64Array(size));
}

/** Set by fieldTypeOrReply: whether the type parsed was signed. */
let typeSigned = false;

/**
 * Redis's getBitfieldTypeFromArgument: 'i' or 'u' (case-sensitive) then a width, i1..i64 or u1..u63,
 * read as a C string. Returns the width (the sign goes to `typeSigned`), or 0 after the error reply.
 */
function fieldTypeOrReply(ctx: ExecContext, i: number): number {
  const a = ctx.args;
  const off = a.offset(i);
  let len = a.length(i);
  for (let k = 0; k < len; k++) {
    if (a.buf[off + k] === 0) {
      len = k;
      break;
    }
  }
  const first = len > 0 ? a.buf[off] : 0;
  if (first !== 105 && first !== 117) {
    ctx.reply.error(INVALID_TYPE);
    return 0;
  }
  typeSigned = first === 105; // 'i'
  const bits = string2ll(a.buf, off + 1, len - 1);
  if (bits === null || bits < 1 || (typeSigned && bits > 64) || (!typeSigned && bits > 63)) {
    ctx.reply.error(INVALID_TYPE);
    return 0;
  }
  return bits;
}

/**
 * BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset value | INCRBY type offset
 * increment ...]: every operation is parsed (and any error replied) before anything runs; the key is
 * grown once to the highest bit any write reaches. BITFIELD_RO accepts GET only.
 */
function bitfieldGeneric(ctx: ExecContext, readOnlyCommand: boolean): void {
  const a = ctx.args;
  let n = 0;
  let overflow = Overflow.Wrap;
  let readOnly = true;
  let highest = 0;
  for (let j = 2; j < a.argc; j++) {
    const remaining = a.argc - j - 1;
    let op: FieldOp;
    if (isCToken(a, j, 'get') && remaining >= 2) op = FieldOp.Get;
    else if (isCToken(a, j, 'set') && remaining >= 3) op = FieldOp.Set;
    else if (isCToken(a, j, 'incrby') && remaining >= 3) op = FieldOp.Incrby;
    else if (isCToken(a, j, 'overflow') && remaining >= 1) {
      j++;
      if (isCToken(a, j, 'wrap')) overflow = Overflow.Wrap;
      else if (isCToken(a, j, 'sat')) overflow = Overflow.Sat;
      else if (isCToken(a, j, 'fail')) overflow = Overflow.Fail;
      else {
        ctx.reply.error(INVALID_OVERFLOW);
        return;
      }
      continue;
    } else {
      ctx.reply.error(SYNTAX);
      return;
    }
    const bits = fieldTypeOrReply(ctx, j + 1);
    if (bits === 0) return;
    const offset = bitOffsetOrReply(ctx, j + 2, true, bits);
    if (offset < 0) return;
    let arg: number | bigint = 0;
    if (op !== FieldOp.Get) {
      readOnly = false;
      if (highest < offset + bits - 1) highest = offset + bits - 1;
      const parsed = string2ll(a.buf, a.offset(j + 3), a.length(j + 3));
      if (parsed === null) {
        ctx.reply.error(NOT_INTEGER);
        return;
      }
      arg = Number.isSafeInteger(parsed) ? parsed : (string2llExact(a.buf, a.offset(j + 3), a.length(j + 3)) as bigint);
    }
    ensureOps(n + 1);
    opCodes[n] = op;
    opBits[n] = bits;
    opSigned[n] = typeSigned ? 1 : 0;
    opOverflow[n] = overflow;
    opOffsets[n] = offset;
    opArgs[n] = arg;
    n++;
    j += op === FieldOp.Get ? 2 : 3;
  }

  const ks = ctx.keyspaceFor(1);
  let e: number;
  let grew = false;
  if (readOnly) {
    e = ctx.lookupRead(ks, 1);
    if (e !== 0 && ks.type(e) !== ValueType.String) {
      ctx.reply.error(WRONGTYPE);
      return;
    }
  } else {
    if (readOnlyCommand) {
      ctx.reply.error(RO_ONLY_GET);
      return;
    }
    e = stringForBitWrite(ctx, ks, highest);
    if (e === 0) return;
    grew = bitWriteGrew;
  }

  const u8 = ks.arena.u8;
  const start = e === 0 ? 0 : ks.valueStart(e);
  const len = e === 0 ? 0 : ks.valueWord(e);
  const reply = ctx.reply;
  let changes = 0;
  reply.arrayLen(n);
  for (let k = 0; k < n; k++) {
    const signed = opSigned[k] === 1;
    if (opCodes[k] === FieldOp.Get) {
      reply.integer(getField(u8, start, len, opOffsets[k], opBits[k], signed));
      continue;
    }
    const result = updateField(u8, start, opOffsets[k], opBits[k], signed, opCodes[k], opArgs[k], opOverflow[k]);
    if (result === null) {
      reply.nullBulk();
      continue;
    }
    reply.integer(result);
    if (grew || fieldChanged) changes++;
  }
  if (changes > 0) ctx.notify(NotifyClass.String, KeyEvent.Setbit, 1);
  ctx.dirty += changes;
}

function bitfield(ctx: ExecContext): void {
  bitfieldGeneric(ctx, false);
}

function bitfieldRo(ctx: ExecContext): void {
  bitfieldGeneric(ctx, true);
}

export const bitfieldCommands: CommandFamily = {
  bitfield: { route: 'keys', run: bitfield },
  bitfield_ro: { route: 'keys', run: bitfieldRo },
};
