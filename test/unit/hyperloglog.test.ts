import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as hll from '../../src/storage/hyperloglog.js';
import { loadNative, nativeLoadFailure } from '../../src/native/loader.js';

const native = loadNative();
const haveHll = native !== null && typeof native.hllAdd === 'function';
const cargo = spawnSync('cargo', ['--version']).status === 0;

/** Elements packed as the RESP parser packs arguments: one buffer, (offset, length) pairs. */
function pack(elements: string[]): { src: Uint8Array; words: Uint32Array } {
  const parts = elements.map((e) => Buffer.from(e, 'latin1'));
  const src = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const words = new Uint32Array(parts.length * 2);
  let o = 0;
  parts.forEach((p, i) => {
    src.set(p, o);
    words[2 * i] = o;
    words[2 * i + 1] = p.length;
    o += p.length;
  });
  return { src, words };
}

type Add = typeof hll.hllAdd;

/** A new HLL in a work buffer, elements added in batches of `batch`; returns [buffer, length]. */
function build(add: Add, elements: string[], batch: number, sparseMax = 3000): [Uint8Array, number] {
  const v = new Uint8Array(hll.HLL_WORK_CAP);
  let len = hll.hllWriteEmpty(v, 0);
  for (let s = 0; s < elements.length; s += batch) {
    const { src, words } = pack(elements.slice(s, s + batch));
    const r = add(v, 0, len, sparseMax, src, words, 0, words.length / 2);
    expect(hll.hllResultError(r)).toBe(false);
    len = hll.hllResultLength(r);
    hll.hllInvalidateCache(v, 0);
  }
  return [v, len];
}

function value(add: Add, elements: string[], batch = 100, sparseMax = 3000): Buffer {
  const [v, len] = build(add, elements, batch, sparseMax);
  return Buffer.from(v.subarray(0, len));
}

let seed = 12345;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
}
function randomElements(n: number, tag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = Math.floor(random() * 20);
    let s = `${tag}${i}:`;
    for (let k = 0; k < len; k++) s += String.fromCharCode(Math.floor(random() * 256));
    out.push(s);
  }
  return out;
}

describe('HyperLogLog format (values a real Redis 7.0.15 produced)', () => {
  it('writes the empty sparse value', () => {
    const v = new Uint8Array(32);
    expect(hll.hllWriteEmpty(v, 0)).toBe(18);
    expect(Buffer.from(v.subarray(0, 18)).toString('latin1')).toBe('HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff');
    expect(hll.hllIsValid(v, 0, 18)).toBe(true);
    expect(hll.hllCount(v, 0, 18)).toBe(0);
  });

  it('PFADD a: one VAL opcode between two zero runs, cache invalid', () => {
    expect(value(hll.hllAdd, ['a']).toString('latin1')).toBe('HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80q\xa6\x84NW');
  });

  it('PFADD hello world "" then PFCOUNT caches 3', () => {
    const [v, len] = build(hll.hllAdd, ['hello', 'world', ''], 3);
    const card = hll.hllCount(v, 0, len);
    expect(card).toBe(3);
    hll.hllSetCachedCard(v, 0, card);
    expect(Buffer.from(v.subarray(0, len)).toString('latin1')).toBe(
      'HYLL\x01\0\0\0\x03\0\0\0\0\0\0\0J\xb5\x88Lz\x84L\xcc\x80[\xfe',
    );
    expect(hll.hllCacheValid(v, 0)).toBe(true);
    expect(hll.hllCachedCard(v, 0)).toBe(3);
  });

  it('PFADD 1..5000 in one call: the dense value Redis writes, count 4985', () => {
    const elements = Array.from({ length: 5000 }, (_, i) => String(i + 1));
    const [v, len] = build(hll.hllAdd, elements, 5000);
    expect(len).toBe(hll.HLL_DENSE_SIZE);
    expect(hll.hllEncoding(v, 0)).toBe(hll.HLL_DENSE);
    const card = hll.hllCount(v, 0, len);
    expect(card).toBe(4985);
    hll.hllSetCachedCard(v, 0, card);
    expect(createHash('md5').update(v.subarray(0, len)).digest('hex')).toBe('3bae899aeb887292e9be513d0bfd9035');
    const regs = [0, 1, 2, 3, 4].map((i) => hll.denseGet(v, hll.HLL_HDR_SIZE, i, len));
    expect(regs).toEqual([0, 2, 1, 0, 0]);
  });

  it('reads and writes the cached cardinality, up to 2^63-1', () => {
    const v = new Uint8Array(18);
    hll.hllWriteEmpty(v, 0);
    hll.hllSetCachedCard(v, 0, 2 ** 40 + 5);
    expect(hll.hllCachedCard(v, 0)).toBe(2 ** 40 + 5);
    v.fill(0xff, 8, 15);
    v[15] = 0x7f;
    expect(hll.hllCachedCard(v, 0)).toBe(9223372036854775807n);
    hll.hllInvalidateCache(v, 0);
    expect(hll.hllCacheValid(v, 0)).toBe(false);
  });

  it('refuses strings that are not HLLs', () => {
    const v = new Uint8Array(hll.HLL_DENSE_SIZE + 1);
    hll.hllWriteEmpty(v, 0);
    expect(hll.hllIsValid(v, 0, 15)).toBe(false);
    v[4] = 2;
    expect(hll.hllIsValid(v, 0, 18)).toBe(false);
    v[4] = hll.HLL_DENSE;
    expect(hll.hllIsValid(v, 0, 18)).toBe(false);
    expect(hll.hllIsValid(v, 0, hll.HLL_DENSE_SIZE)).toBe(true);
    expect(hll.hllIsValid(v, 0, hll.HLL_DENSE_SIZE + 1)).toBe(false);
    v[4] = 1;
    v[0] = 104;
    expect(hll.hllIsValid(v, 0, 18)).toBe(false);
  });

  it('packs 6-bit registers without touching neighbours', () => {
    const v = new Uint8Array(hll.HLL_DENSE_SIZE);
    const expected = new Uint8Array(hll.HLL_REGISTERS);
    for (let i = 0; i < hll.HLL_REGISTERS; i++) {
      expected[i] = Math.floor(random() * 64);
      hll.denseSet(v, hll.HLL_HDR_SIZE, i, expected[i]);
    }
    for (let i = 0; i < hll.HLL_REGISTERS; i++) expect(hll.denseGet(v, hll.HLL_HDR_SIZE, i, hll.HLL_DENSE_SIZE)).toBe(expected[i]);
  });

  it('decodes sparse opcodes as PFDEBUG DECODE', () => {
    const [v, len] = build(hll.hllAdd, ['a'], 1);
    expect(hll.hllDecode(v, 0, len)).toMatch(/^Z:\d+ v:\d+,1 Z:\d+$/);
  });

  it('detects corrupted sparse values', () => {
    const v = new Uint8Array(hll.HLL_WORK_CAP);
    hll.hllWriteEmpty(v, 0);
    v[16] = 0x7f;
    v[17] = 0xfe; // XZERO of 16383 registers: one short
    expect(hll.hllCount(v, 0, 18)).toBe(-1);
    expect(hll.hllMerge(new Uint8Array(hll.HLL_REGISTERS), v, 0, 18)).toBe(false);
    expect(hll.hllSparseToDense(v, 0, 18, v, 0)).toBe(false);
    v[18] = 0x83; // then VAL(1, 4): past the last register
    v[17] = 0xff;
    expect(hll.hllCount(v, 0, 19)).toBe(-1);
  });
});

describe('HyperLogLog estimator', () => {
  it.each([100_000, 300_000, 1_000_000])('estimates %i distinct elements within 3%%', (n) => {
    const v = new Uint8Array(hll.HLL_WORK_CAP);
    let len = hll.hllWriteEmpty(v, 0);
    const src = new Uint8Array(8);
    const words = new Uint32Array([0, 8]);
    const view = new DataView(src.buffer);
    const salt = Math.floor(random() * 2 ** 32);
    for (let i = 0; i < n; i++) {
      view.setUint32(0, i, true);
      view.setUint32(4, salt, true);
      len = hll.hllResultLength(hll.hllAdd(v, 0, len, 3000, src, words, 0, 1));
    }
    const card = hll.hllCount(v, 0, len);
    expect(Math.abs(card - n) / n).toBeLessThan(0.03);
  });

  it('gives small sets their exact size', () => {
    for (const n of [1, 2, 10, 100]) {
      const [v, len] = build(hll.hllAdd, randomElements(n, 'small'), 7);
      expect(hll.hllCount(v, 0, len)).toBe(n);
    }
  });
});

describe.skipIf(!haveHll)('HyperLogLog: native addon and TypeScript twin agree', () => {
  const nat = native!;

  it('produces the same bytes for random element sets, sparse and dense, in batches of 1 and 100', () => {
    for (const n of [0, 1, 3, 40, 250, 900, 2000, 6000]) {
      const elements = randomElements(n, `set${n}-`);
      for (const batch of [1, 100]) {
        for (const sparseMax of [3000, 200, 0]) {
          const a = value(hll.hllAdd, elements, batch, sparseMax);
          const b = value(nat.hllAdd, elements, batch, sparseMax);
          expect(b.equals(a), `n=${n} batch=${batch} sparseMax=${sparseMax}`).toBe(true);
          expect(nat.hllCount(b, 0, b.length)).toBe(hll.hllCount(a, 0, a.length));
        }
      }
    }
  });

  it('adds in place inside a larger buffer (an arena) at an offset', () => {
    const elements = randomElements(4000, 'arena');
    const dense = value(hll.hllAdd, elements);
    const arena = new Uint8Array(new SharedArrayBuffer(hll.HLL_DENSE_SIZE + 100));
    arena.set(dense, 37);
    const arena2 = arena.slice();
    const { src, words } = pack(randomElements(50, 'more'));
    const r1 = hll.hllAdd(arena2, 37, dense.length, 3000, src, words, 0, 25);
    const r2 = nat.hllAdd(arena, 37, dense.length, 3000, src, words, 0, 25);
    expect(r2).toBe(r1);
    expect(Buffer.from(arena).equals(Buffer.from(arena2))).toBe(true);
    expect(nat.hllCount(arena, 37, dense.length)).toBe(hll.hllCount(arena2, 37, dense.length));
  });

  it('merges and counts unions the same way', () => {
    const values = [5, 300, 1500, 5000].map((n) => value(hll.hllAdd, randomElements(n, `m${n}`)));
    const maxA = new Uint8Array(hll.HLL_REGISTERS);
    const maxB = new Uint8Array(hll.HLL_REGISTERS);
    for (const v of values) {
      expect(hll.hllMerge(maxA, v, 0, v.length)).toBe(true);
      expect(nat.hllMerge(maxB, v, 0, v.length)).toBe(true);
      expect(Buffer.from(maxB).equals(Buffer.from(maxA))).toBe(true);
      expect(nat.hllCountRaw(maxB)).toBe(hll.hllCountRaw(maxA));
    }
    // Writing the union into sparse and dense destinations (PFMERGE).
    for (const dest of [value(hll.hllAdd, ['x']), value(hll.hllAdd, randomElements(4000, 'dst'))]) {
      for (const union of [maxA, new Uint8Array(hll.HLL_REGISTERS).fill(0).map((_, i) => (i % 97 === 0 ? 3 : 0))]) {
        const a = new Uint8Array(hll.HLL_WORK_CAP);
        const b = new Uint8Array(hll.HLL_WORK_CAP);
        a.set(dest);
        b.set(dest);
        const ra = hll.hllSetRegisters(a, 0, dest.length, 3000, union);
        const rb = nat.hllSetRegisters(b, 0, dest.length, 3000, union);
        expect(rb).toBe(ra);
        expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
      }
    }
  });

  it('reports corrupted values the same way', () => {
    const v = new Uint8Array(hll.HLL_WORK_CAP);
    hll.hllWriteEmpty(v, 0);
    v[17] = 0xfe;
    expect(nat.hllCount(v, 0, 18)).toBe(-1);
    expect(nat.hllMerge(new Uint8Array(hll.HLL_REGISTERS), v, 0, 18)).toBe(false);
    const { src, words } = pack(randomElements(30, 'bad'));
    const w = v.slice();
    expect(nat.hllAdd(v, 0, 18, 3000, src, words, 0, 30)).toBe(hll.hllAdd(w, 0, 18, 3000, src, words, 0, 30));
    expect(Buffer.from(v).equals(Buffer.from(w))).toBe(true);
  });

  it('throws instead of reading out of range', () => {
    const v = new Uint8Array(20);
    expect(() => nat.hllCount(v, 10, 18)).toThrow();
    expect(() => nat.hllCountRaw(new Uint8Array(10))).toThrow();
    const { src, words } = pack(['a']);
    expect(() => nat.hllAdd(v, 0, 18, 3000, src, words, 0, 2)).toThrow();
  });
});

describe('native addon', () => {
  it.skipIf(!cargo || !existsSync('native/Cargo.toml'))('loads with the HyperLogLog functions when cargo is present', () => {
    expect(nativeLoadFailure()).toBeNull();
    expect(haveHll).toBe(true);
  });
});
