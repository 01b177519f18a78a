import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import {
  FieldKind,
  ftClone,
  ftCount,
  ftDelete,
  ftDeleteEntry,
  ftExpand,
  ftFieldBytes,
  ftFind,
  ftForEach,
  ftAdd,
  ftFree,
  ftHash,
  ftInsert,
  ftInsertValue,
  ftRandomEntry,
  ftRehashSome,
  ftScan,
  ftScore,
  ftSetScore,
  ftSetValue,
  ftUpsertValue,
  ftValueBytes,
} from '../../src/storage/field-table.js';

const enc = new TextEncoder();
const dec = new TextDecoder('latin1');
const b = (s: string) => enc.encode(s);

function dump(a: ShardArena, t: number): Map<string, string> {
  const m = new Map<string, string>();
  ftForEach(a, t, (e) => {
    const k = dec.decode(ftFieldBytes(a, e));
    expect(m.has(k)).toBe(false);
    m.set(k, dec.decode(ftValueBytes(a, e)));
  });
  return m;
}

describe('field table', () => {
  it('matches a Map model under random inserts, updates and deletes through resizes', () => {
    const a = ShardArena.create();
    const t = ftNewBytes(a);
    const model = new Map<string, string>();
    for (let step = 0; step < 20000; step++) {
      const k = 'f' + Math.floor(Math.random() * (step < 10000 ? 3000 : 300));
      const op = Math.random();
      const kb = b(k);
      if (op < 0.55) {
        const v = 'v'.repeat(Math.floor(Math.random() * 40)) + step;
        const vb = b(v);
        const e = ftFind(a, t, kb, 0, kb.length);
        if (e === 0) ftInsertValue(a, t, kb, 0, kb.length, vb, 0, vb.length);
        else expect(ftSetValue(a, t, e, vb, 0, vb.length)).toBe(ftFind(a, t, kb, 0, kb.length));
        model.set(k, v);
      } else {
        expect(ftDelete(a, t, kb, 0, kb.length)).toBe(model.delete(k));
      }
      expect(ftCount(a, t)).toBe(model.size);
      if (step % 1000 === 0) expect(dump(a, t)).toEqual(model);
    }
    expect(dump(a, t)).toEqual(model);
    for (const [k, v] of model) {
      const kb = b(k);
      const e = ftFind(a, t, kb, 0, kb.length);
      expect(dec.decode(ftValueBytes(a, e))).toBe(v);
    }
    const other = ShardArena.create();
    expect(dump(other, ftClone(a, t, other))).toEqual(model);
    const live = a.liveBlocks;
    const copy = ftClone(a, t, a);
    ftFree(a, copy);
    expect(a.liveBlocks).toBe(live);
  });

  it('adds and upserts with one hash as find-then-insert does, through resizes (members, scores, values)', () => {
    const a = ShardArena.create();
    const values = ftNewBytes(a);
    const members = ftNew(a, FieldKind.None);
    const scores = ftNew(a, FieldKind.Score);
    const vmodel = new Map<string, string>();
    const mmodel = new Set<string>();
    for (let step = 0; step < 20000; step++) {
      const k = 'm' + Math.floor(Math.random() * (step < 10000 ? 4000 : 400));
      const kb = b(`..${k}..`);
      const op = Math.random();
      if (op < 0.4) {
        const v = 'v'.repeat(Math.floor(Math.random() * 90)) + step;
        const vb = b(v);
        expect(ftUpsertValue(a, values, kb, 2, kb.length - 4, vb, 0, vb.length)).toBe(!vmodel.has(k));
        vmodel.set(k, v);
      } else if (op < 0.75) {
        const added = !mmodel.has(k);
        expect(ftAdd(a, members, kb, 2, kb.length - 4)).toBe(added);
        expect(ftAdd(a, scores, kb, 2, kb.length - 4)).toBe(added);
        mmodel.add(k);
      } else if (op < 0.87) {
        expect(ftDelete(a, values, b(k), 0, k.length)).toBe(vmodel.delete(k));
      } else {
        const had = mmodel.delete(k);
        expect(ftDelete(a, members, b(k), 0, k.length)).toBe(had);
        expect(ftDelete(a, scores, b(k), 0, k.length)).toBe(had);
      }
      expect(ftCount(a, values)).toBe(vmodel.size);
      expect(ftCount(a, members)).toBe(mmodel.size);
    }
    expect(dump(a, values)).toEqual(vmodel);
    expect(new Set(dump(a, members).keys())).toEqual(mmodel);
    for (const k of mmodel) expect(ftScore(a, ftFind(a, scores, b(k), 0, k.length))).toBe(0);
  });

  it('hashes as MurmurHash3 x86_32 (reference vectors), from any offset and for every tail length', () => {
    expect(ftHash(b(''), 0, 0, 0)).toBe(0);
    expect(ftHash(b(''), 0, 0, 1)).toBe(0x514e28b7);
    expect(ftHash(b(''), 0, 0, 0xffffffff)).toBe(0x81f16f39);
    expect(ftHash(b('hello'), 0, 5, 0)).toBe(0x248bfa47);
    expect(ftHash(b('Hello, world!'), 0, 13, 1234)).toBe(0xfaf6cdb3);
    expect(ftHash(b('The quick brown fox jumps over the lazy dog'), 0, 43, 0)).toBe(0x2e4ff723);
    expect(ftHash(b('aaaa'), 0, 4, 0x9747b28c)).toBe(0x5a97808a);
    expect(ftHash(b('aaa'), 0, 3, 0x9747b28c)).toBe(0x283e0130);
    expect(ftHash(b('aa'), 0, 2, 0x9747b28c)).toBe(0x5d211726);
    expect(ftHash(b('a'), 0, 1, 0x9747b28c)).toBe(0x7fa09ea6);
    const framed = b('xx element:000000012345 yy');
    expect(ftHash(framed, 3, 20, 77)).toBe(ftHash(b('element:000000012345'), 0, 20, 77));
    // Low bits (what a bucket index takes) spread evenly over redis-benchmark's members.
    const buckets = new Array(1024).fill(0);
    for (let i = 0; i < 100000; i++) buckets[ftHash(b(`element:${String(i).padStart(12, '0')}`), 0, 20, 42) & 1023]++;
    expect(Math.max(...buckets)).toBeLessThan(150);
    expect(Math.min(...buckets)).toBeGreaterThan(50);
  });

  it('keeps scores and members-only entries', () => {
    const a = ShardArena.create();
    const z = ftNewKind(a, FieldKind.Score);
    for (let i = 0; i < 100; i++) {
      const e = ftInsert(a, z, b('m' + i), 0, ('m' + i).length);
      expect(ftScore(a, e)).toBe(0);
      ftSetScore(a, e, i === 7 ? -Infinity : i / 3);
    }
    expect(ftScore(a, ftFind(a, z, b('m7'), 0, 2))).toBe(-Infinity);
    expect(ftScore(a, ftFind(a, z, b('m9'), 0, 2))).toBe(3);
    const s = ftNewKind(a, FieldKind.None);
    for (let i = 0; i < 50; i++) ftInsert(a, s, b('s' + i), 0, ('s' + i).length);
    expect(ftCount(a, s)).toBe(50);
    expect(ftFind(a, s, b('s49'), 0, 3)).not.toBe(0);
    ftDeleteEntry(a, s, ftFind(a, s, b('s49'), 0, 3));
    expect(ftFind(a, s, b('s49'), 0, 3)).toBe(0);
    const other = ShardArena.create();
    const zc = ftClone(a, z, other);
    expect(ftScore(other, ftFind(other, zc, b('m9'), 0, 2))).toBe(3);
  });

  it('scan returns every field present for the whole scan, across growth and shrinking', () => {
    for (const mode of ['grow', 'shrink', 'steady']) {
      const a = ShardArena.create();
      const t = ftNewBytes(a);
      const n = 2000;
      for (let i = 0; i < n; i++) ftInsert(a, t, b('k' + i), 0, ('k' + i).length);
      const seen = new Set<string>();
      let cursor = 0;
      let extra = 0;
      let calls = 0;
      do {
        cursor = ftScan(a, t, cursor, (e) => seen.add(dec.decode(ftFieldBytes(a, e))));
        calls++;
        if (mode === 'grow') for (let i = 0; i < 20 && extra < 6000; i++, extra++) ftInsert(a, t, b('x' + extra), 0, ('x' + extra).length);
        if (mode === 'shrink') for (let i = 0; i < 20 && extra < n / 2; i++, extra++) ftDelete(a, t, b('k' + (n - 1 - extra)), 0, ('k' + (n - 1 - extra)).length);
      } while (cursor !== 0);
      const stable = mode === 'shrink' ? n / 2 : n;
      for (let i = 0; i < stable; i++) expect(seen.has('k' + i)).toBe(true);
      expect(calls).toBeGreaterThan(1);
    }
  });

  it('random entries cover the table, also while rehashing', () => {
    const a = ShardArena.create();
    const t = ftNewBytes(a);
    expect(ftRandomEntry(a, t)).toBe(0);
    for (let i = 0; i < 64; i++) ftInsert(a, t, b('r' + i), 0, ('r' + i).length);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(dec.decode(ftFieldBytes(a, ftRandomEntry(a, t))));
    expect(seen.size).toBe(64);
    ftRehashSome(a, t, 1000);
    ftExpand(a, t, 1000);
    expect(dump(a, t).size).toBe(64);
    ftRehashSome(a, t, 1000);
    expect(dump(a, t).size).toBe(64);
  });
});

function ftNewBytes(a: ShardArena): number {
  return ftNewKind(a, FieldKind.Bytes);
}

import { ftNew } from '../../src/storage/field-table.js';
function ftNewKind(a: ShardArena, kind: FieldKind): number {
  return ftNew(a, kind);
}
