import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import {
  type Int64,
  parseInt64,
  int64ToString,
  widthOf,
  intsetCreate,
  intsetAdd,
  intsetRemove,
  intsetFind,
  intsetGet,
  intsetGetText,
  intsetLength,
  intsetWidth,
  intsetClone,
  intsetFree,
  intsetRandomIndex,
} from '../../src/storage/intset.js';

const out: Int64 = { hi: 0, lo: 0 };

function toHalves(v: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, v >> 32n)), Number(BigInt.asUintN(32, v))];
}

function fromHalves(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) + BigInt(lo);
}

function parse(text: string): bigint | null {
  const b = Buffer.from(text, 'latin1');
  return parseInt64(b, 0, b.length, out) ? fromHalves(out.hi, out.lo) : null;
}

function contents(arena: ShardArena, root: number): bigint[] {
  const values: bigint[] = [];
  for (let i = 0; i < intsetLength(arena, root); i++) {
    intsetGet(arena, root, i, out);
    values.push(fromHalves(out.hi, out.lo));
  }
  return values;
}

function add(arena: ShardArena, root: number, v: bigint): [number, boolean] {
  const [hi, lo] = toHalves(v);
  const next = intsetAdd(arena, root, hi, lo);
  return next === 0 ? [root, false] : [next, true];
}

describe('parseInt64 (string2ll)', () => {
  it('accepts canonical decimal integers across the int64 range', () => {
    for (const t of ['0', '1', '-1', '42', '-32768', '32767', '2147483647', '-2147483648', '9007199254740993',
      '9223372036854775807', '-9223372036854775808', '123456789012345', '1234567890123456']) {
      expect(parse(t)).toBe(BigInt(t));
    }
  });

  it('rejects non-canonical text and out-of-range values', () => {
    for (const t of ['', '-', '-0', '01', '+1', ' 1', '1 ', '1.0', '1e3', 'abc', '9223372036854775808',
      '-9223372036854775809', '99999999999999999999', '123456789012345678901', '0x10', '1a']) {
      expect(parse(t)).toBeNull();
    }
  });

  it('prints int64 halves back as decimal text', () => {
    for (const t of ['0', '-1', '9223372036854775807', '-9223372036854775808', '4294967296', '-4294967297', '9007199254740993']) {
      const [hi, lo] = toHalves(BigInt(t));
      expect(int64ToString(hi, lo)).toBe(t);
    }
  });

  it('picks the narrowest width', () => {
    const w = (v: bigint) => widthOf(...toHalves(v));
    expect(w(0n)).toBe(2);
    expect(w(32767n)).toBe(2);
    expect(w(-32768n)).toBe(2);
    expect(w(32768n)).toBe(4);
    expect(w(-32769n)).toBe(4);
    expect(w(2147483647n)).toBe(4);
    expect(w(-2147483648n)).toBe(4);
    expect(w(2147483648n)).toBe(8);
    expect(w(-2147483649n)).toBe(8);
  });
});

describe('intset', () => {
  it('keeps elements sorted and distinct', () => {
    const a = ShardArena.create(1 << 16);
    let root = intsetCreate(a);
    for (const v of [5n, 3n, 9n, 3n, -1n, 7n]) [root] = add(a, root, v);
    expect(contents(a, root)).toEqual([-1n, 3n, 5n, 7n, 9n]);
    expect(intsetWidth(a, root)).toBe(2);
    const [, again] = add(a, root, 5n);
    expect(again).toBe(false);
  });

  it('upgrades from 16 to 32 to 64 bits, placing negatives first and positives last', () => {
    const a = ShardArena.create(1 << 16);
    let root = intsetCreate(a);
    for (const v of [1n, 2n, -3n]) [root] = add(a, root, v);
    [root] = add(a, root, 70000n);
    expect(intsetWidth(a, root)).toBe(4);
    expect(contents(a, root)).toEqual([-3n, 1n, 2n, 70000n]);
    [root] = add(a, root, -5000000000n);
    expect(intsetWidth(a, root)).toBe(8);
    expect(contents(a, root)).toEqual([-5000000000n, -3n, 1n, 2n, 70000n]);
    [root] = add(a, root, 9223372036854775807n);
    [root] = add(a, root, -9223372036854775808n);
    expect(contents(a, root)).toEqual([-9223372036854775808n, -5000000000n, -3n, 1n, 2n, 70000n, 9223372036854775807n]);
    expect(intsetGetText(a, root, 0)).toBe('-9223372036854775808');
    expect(intsetGetText(a, root, 3)).toBe('1');
    // Narrow values are found in a wide set, and wide values are not found in a narrow one.
    expect(intsetFind(a, root, ...toHalves(70000n))).toBe(true);
    const narrow = intsetCreate(a);
    expect(intsetFind(a, narrow, ...toHalves(70000n))).toBe(false);
    expect(intsetRemove(a, narrow, ...toHalves(-5000000000n))).toBe(false);
  });

  it('upgrades directly from 16 to 64 bits', () => {
    const a = ShardArena.create(1 << 16);
    let root = intsetCreate(a);
    for (const v of [-2n, 0n, 2n]) [root] = add(a, root, v);
    [root] = add(a, root, 1n << 40n);
    expect(intsetWidth(a, root)).toBe(8);
    expect(contents(a, root)).toEqual([-2n, 0n, 2n, 1n << 40n]);
    expect(intsetGetText(a, root, 1)).toBe('0');
  });

  it('matches a model under random adds, removes and lookups at every width', () => {
    const a = ShardArena.create(1 << 20);
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const ranges = [100n, 40000n, 3000000000n, 9223372036854775807n];
    for (const range of ranges) {
      let root = intsetCreate(a);
      const model = new Set<bigint>();
      for (let step = 0; step < 3000; step++) {
        const r = BigInt(Math.floor(rand() * 2 ** 31)) * BigInt(Math.floor(rand() * 2 ** 31));
        let v = r % (2n * range + 1n) - range;
        if (range === 100n) v = BigInt(Math.floor(rand() * 201) - 100);
        const [hi, lo] = toHalves(v);
        const op = rand();
        if (op < 0.55) {
          const next = intsetAdd(a, root, hi, lo);
          expect(next !== 0).toBe(!model.has(v));
          if (next !== 0) root = next;
          model.add(v);
        } else if (op < 0.8) {
          expect(intsetRemove(a, root, hi, lo)).toBe(model.has(v));
          model.delete(v);
        } else {
          expect(intsetFind(a, root, hi, lo)).toBe(model.has(v));
        }
      }
      const sorted = [...model].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      expect(contents(a, root)).toEqual(sorted);
      expect(intsetLength(a, root)).toBe(model.size);
      const other = ShardArena.create(1 << 16);
      const cloned = intsetClone(a, root, other);
      expect(contents(other, cloned)).toEqual(sorted);
      if (model.size > 0) {
        const i = intsetRandomIndex(a, root);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(i).toBeLessThan(model.size);
      }
      intsetFree(a, root);
    }
  });

  it('frees every block it allocated', () => {
    const a = ShardArena.create(1 << 16);
    const before = a.liveBlocks;
    let root = intsetCreate(a);
    for (let i = 0; i < 600; i++) [root] = add(a, root, BigInt(i * 7919 - 2000000));
    intsetFree(a, root);
    expect(a.liveBlocks).toBe(before);
  });
});
