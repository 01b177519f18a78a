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
  ftFree,
  ftInsert,
  ftInsertValue,
  ftRandomEntry,
  ftRehashSome,
  ftScan,
  ftScore,
  ftSetScore,
  ftSetValue,
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
