/**
 * BITFIELD field arithmetic against a BigInt model, for every width (i1..i64, u1..u63), both
 * operations (SET, INCRBY) and every overflow behaviour (WRAP, SAT, FAIL).
 *
 * The model is plain integer arithmetic over bits read one at a time, plus the two places where
 * Redis's C checks differ from it (kept on purpose, confirmed against redis-server 7.0.15):
 * - unsigned SET of a negative value counts as an overflow upwards (the value is a huge uint64);
 * - signed SET under 64 bits of a value <= INT64_MIN + max counts as an overflow upwards
 *   (`max - value` wraps around in int64).
 * BITCOUNT's popcount and BITPOS's search (bitmap.ts), which work a word at a time, are checked
 * against bit-at-a-time versions at every alignment.
 */
import { describe, it, expect } from 'vitest';
import { getField, updateField, FieldOp, Overflow } from '../../src/commands/bitfield.js';
import { popcount, bitpos } from '../../src/commands/bitmap.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** xorshift32: reproducible pseudo-random numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function modelRead(buf: Uint8Array, offset: number, bits: number, signed: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i++) {
    const bit = offset + i;
    const byte = bit >> 3;
    const b = byte < buf.length ? (buf[byte] >> (7 - (bit & 7))) & 1 : 0;
    v = (v << 1n) | BigInt(b);
  }
  return signed ? BigInt.asIntN(bits, v) : v;
}

function modelWrite(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(bits, value);
  for (let i = 0; i < bits; i++) {
    const bit = offset + i;
    const on = (v >> BigInt(bits - 1 - i)) & 1n;
    const mask = 1 << (7 - (bit & 7));
    if (on) buf[bit >> 3] |= mask;
    else buf[bit >> 3] &= ~mask;
  }
}

/** The expected reply (null for a refused FAIL) and what the field holds afterwards. */
function model(signed: boolean, bits: number, op: FieldOp, old: bigint, arg: bigint, overflow: Overflow): { reply: bigint | null; stored: bigint } {
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -max - 1n : 0n;
  const target = op === FieldOp.Incrby ? old + arg : arg;
  let up = target > max;
  let down = target < min;
  if (op === FieldOp.Set && !signed && arg < 0n) {
    up = true;
    down = false;
  }
  if (op === FieldOp.Set && signed && bits < 64 && arg <= INT64_MIN + max) {
    up = true;
    down = false;
  }
  let stored = target;
  if (up || down) {
    if (overflow === Overflow.Fail) return { reply: null, stored: old };
    if (overflow === Overflow.Sat) stored = up ? max : min;
    else stored = signed ? BigInt.asIntN(bits, target) : BigInt.asUintN(bits, target);
  }
  return { reply: op === FieldOp.Incrby ? stored : old, stored };
}

/** Arguments that hit the interesting edges of a width, and random ones. */
function pickArg(next: () => number, bits: number, signed: boolean): bigint {
  const span = 1n << BigInt(bits);
  const edges = [
    0n, 1n, -1n, 2n, -2n,
    span, span - 1n, span + 1n, -span, -span + 1n,
    span / 2n, span / 2n - 1n, -span / 2n, -span / 2n - 1n,
    1n << 52n, -(1n << 52n), (1n << 52n) + 1n, -(1n << 52n) - 1n, 1n << 53n, -(1n << 53n),
    INT64_MAX, INT64_MIN, INT64_MIN + 1n, INT64_MAX - 1n,
    INT64_MIN + (signed ? span / 2n - 1n : span - 1n), INT64_MIN + (signed ? span / 2n : span),
  ];
  const choice = next() % 4;
  if (choice === 0) {
    const e = edges[next() % edges.length];
    return e > INT64_MAX || e < INT64_MIN ? 0n : e;
  }
  if (choice === 1) return BigInt((next() % 1000) - 500);
  if (choice === 2) {
    const r = (BigInt(next()) << 32n) | BigInt(next());
    return BigInt.asIntN(64, r);
  }
  const r = (BigInt(next()) << 32n) | BigInt(next());
  return BigInt.asIntN(bits + 2 > 64 ? 64 : bits + 2, r);
}

/** The argument as the command passes it: a number when safe, else a bigint. */
function asArg(v: bigint): number | bigint {
  return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v;
}

const widths: Array<[boolean, number]> = [];
for (let b = 1; b <= 64; b++) widths.push([true, b]);
for (let b = 1; b <= 63; b++) widths.push([false, b]);

const OVERFLOWS = [Overflow.Wrap, Overflow.Sat, Overflow.Fail];
const OVERFLOW_NAMES = ['WRAP', 'SAT', 'FAIL'];

describe('BITFIELD SET and INCRBY against a BigInt model', () => {
  for (const [signed, bits] of widths) {
    const type = `${signed ? 'i' : 'u'}${bits}`;
    it(`${type}: every overflow behaviour, random fields and offsets`, () => {
      const next = rng(bits * 2 + (signed ? 1 : 0));
      const size = 16;
      for (let trial = 0; trial < 600; trial++) {
        const buf = new Uint8Array(size);
        for (let i = 0; i < size; i++) buf[i] = next() & 0xff;
        const offset = next() % (size * 8 - bits + 1);
        const op = next() % 2 === 0 ? FieldOp.Set : FieldOp.Incrby;
        const overflow = OVERFLOWS[next() % 3];
        const arg = pickArg(next, bits, signed);
        const old = modelRead(buf, offset, bits, signed);
        const expected = model(signed, bits, op, old, arg, overflow);
        const want = buf.slice();
        modelWrite(want, offset, bits, expected.stored);

        const got = updateField(buf, 0, offset, bits, signed, op, asArg(arg), overflow);
        const what = `${op === FieldOp.Set ? 'SET' : 'INCRBY'} ${type} ${offset} ${arg} OVERFLOW ${OVERFLOW_NAMES[overflow]} on ${old}`;
        expect(got === null ? null : BigInt(got), what).toBe(expected.reply);
        expect(Array.from(buf), what).toEqual(Array.from(want));
        expect(BigInt(getField(buf, 0, size, offset, bits, signed)), what).toBe(expected.stored);
      }
    });
  }
});

describe('BITFIELD GET', () => {
  it('reads zeros past the end of the value and at any offset', () => {
    const next = rng(7);
    const buf = new Uint8Array(12);
    for (let i = 0; i < buf.length; i++) buf[i] = next() & 0xff;
    for (const [signed, bits] of widths) {
      for (let offset = 0; offset < 12 * 8 + 10; offset += 3) {
        const len = 9;
        const visible = buf.slice(0, len);
        expect(BigInt(getField(buf, 0, len, offset, bits, signed)), `${signed ? 'i' : 'u'}${bits} at ${offset}`).toBe(modelRead(visible, offset, bits, signed));
      }
    }
  });

  it('reads fields of a value at an offset inside a larger buffer', () => {
    const buf = new Uint8Array([0xff, 0xff, 0x80, 0x01, 0xff]);
    expect(getField(buf, 2, 2, 0, 16, false)).toBe(0x8001);
    expect(getField(buf, 2, 2, 0, 16, true)).toBe(-32767);
    expect(getField(buf, 2, 2, 8, 16, false)).toBe(0x0100);
    expect(getField(buf, 2, 2, 0, 64, true)).toBe(BigInt.asIntN(64, 0x8001000000000000n));
  });
});

describe('BITFIELD i64 arithmetic at the int64 limits', () => {
  it('INCRBY of i64 by INT64_MIN from -1 saturates and wraps as Redis does', () => {
    const buf = new Uint8Array(8).fill(0xff);
    expect(updateField(buf, 0, 0, 64, true, FieldOp.Incrby, INT64_MIN, Overflow.Sat)).toBe(INT64_MIN);
    buf.fill(0xff);
    expect(updateField(buf, 0, 0, 64, true, FieldOp.Incrby, INT64_MIN, Overflow.Wrap)).toBe(INT64_MAX);
    buf.fill(0xff);
    expect(updateField(buf, 0, 0, 64, true, FieldOp.Incrby, INT64_MIN, Overflow.Fail)).toBe(null);
    expect(Array.from(buf)).toEqual(new Array(8).fill(0xff));
  });
});

describe('bitmap popcount and bit search a word at a time', () => {
  const buffer = new ArrayBuffer(256);
  const u8 = new Uint8Array(buffer);
  const u32 = new Uint32Array(buffer);

  function naiveCount(start: number, n: number): number {
    let c = 0;
    for (let i = start; i < start + n; i++) for (let b = 0; b < 8; b++) c += (u8[i] >> b) & 1;
    return c;
  }

  function naivePos(start: number, n: number, bit: number): number {
    for (let i = 0; i < n * 8; i++) if (((u8[start + (i >> 3)] >> (7 - (i & 7))) & 1) === bit) return i;
    return bit ? -1 : n * 8;
  }

  it('popcount agrees with a bit-at-a-time count at every alignment and length', () => {
    const next = rng(99);
    for (let trial = 0; trial < 300; trial++) {
      // Random bytes, and runs of all-ones words (every byte lane full).
      for (let i = 0; i < u8.length; i++) u8[i] = trial % 3 === 0 ? 0xff : next() & 0xff;
      const start = next() % 64;
      const n = next() % 180;
      expect(popcount(u8, u32, start, n), `start ${start} n ${n}`).toBe(naiveCount(start, n));
    }
  });

  it('bitpos agrees with a bit-at-a-time search over sparse and dense data', () => {
    const next = rng(1234);
    for (let trial = 0; trial < 400; trial++) {
      const bit = trial & 1;
      // Mostly the byte that is skipped, with a few others: long runs of skippable words.
      const fill = bit ? 0 : 0xff;
      u8.fill(fill);
      const others = next() % 3;
      for (let k = 0; k < others; k++) u8[next() % u8.length] = next() & 0xff;
      const start = next() % 64;
      const n = next() % 190;
      expect(bitpos(u8, u32, start, n, bit), `bit ${bit} start ${start} n ${n}`).toBe(naivePos(start, n, bit));
    }
  });
});
