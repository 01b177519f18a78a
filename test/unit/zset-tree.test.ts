import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import { FieldKind, ftNew, ftInsert, ftFind, ftDeleteEntry } from '../../src/storage/field-table.js';
import {
  ztCreate,
  ztInsert,
  ztDelete,
  ztUpdateScore,
  ztRank,
  ztByRank,
  ztLength,
  ztFirst,
  ztLast,
  ztNext,
  ztPrev,
  ztHandleScore,
  ztHandleRef,
  ztMemberStart,
  ztMemberLength,
  ztFirstInScoreRange,
  ztLastInScoreRange,
  ztFirstInLexRange,
  ztLastInLexRange,
  ztDeleteRangeByRank,
  ztDeleteRangeByScore,
  ztDeleteRangeByLex,
  ztFree,
  ztFreeSome,
  ztBytes,
  ztVerify,
} from '../../src/storage/zset-tree.js';
import type { ScoreRange, LexRange } from '../../src/storage/skiplist.js';

type Item = { score: number; member: Buffer; ref: number };

function cmp(a: Item, b: Item): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return Buffer.compare(a.member, b.member);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function memberOf(a: ShardArena, h: number): Buffer {
  const start = ztMemberStart(a, h);
  return Buffer.from(a.u8.slice(start, start + ztMemberLength(a, h)));
}

/** A tree with its member table (the tree refers to the table's entries), and a sorted model of it. */
class Fixture {
  readonly a: ShardArena;
  readonly ft: number;
  readonly t: number;
  model: Item[] = [];
  readonly byMember = new Map<string, Item>();

  constructor(bytes = 1 << 16) {
    this.a = ShardArena.create(bytes);
    this.ft = ftNew(this.a, FieldKind.Score);
    this.t = ztCreate(this.a);
  }

  insert(score: number, member: Buffer): void {
    const ref = ftInsert(this.a, this.ft, member, 0, member.length);
    ztInsert(this.a, this.t, score, ref);
    const it = { score, member, ref };
    this.byMember.set(member.toString('latin1'), it);
    const at = this.model.findIndex((m) => cmp(m, it) > 0);
    this.model.splice(at < 0 ? this.model.length : at, 0, it);
  }

  remove(it: Item): void {
    expect(ztDelete(this.a, this.t, it.score, it.ref)).toBe(true);
    this.forget(it);
  }

  /** Drops an element the tree no longer holds from the model and frees its entry. */
  forget(it: Item): void {
    this.byMember.delete(it.member.toString('latin1'));
    this.model.splice(this.model.indexOf(it), 1);
    ftDeleteEntry(this.a, this.ft, it.ref);
  }

  update(it: Item, score: number): void {
    const h = ztUpdateScore(this.a, this.t, it.score, it.ref, score);
    expect(ztHandleScore(this.a, h)).toBe(score);
    expect(ztHandleRef(this.a, h)).toBe(it.ref);
    this.model.splice(this.model.indexOf(it), 1);
    it.score = score;
    const at = this.model.findIndex((m) => cmp(m, it) > 0);
    this.model.splice(at < 0 ? this.model.length : at, 0, it);
  }

  /** Removes what a range delete reported, checking it is exactly the expected elements in order. */
  expectRemoved(refs: number[], expected: Item[]): void {
    expect(refs).toEqual(expected.map((m) => m.ref));
    const gone = new Set(expected);
    this.model = this.model.filter((m) => !gone.has(m));
    for (const it of expected) {
      this.byMember.delete(it.member.toString('latin1'));
      ftDeleteEntry(this.a, this.ft, it.ref);
    }
  }

  verify(): void {
    expect(ztVerify(this.a, this.t)).toBe('');
    expect(ztLength(this.a, this.t)).toBe(this.model.length);
  }

  /** Full comparison: both directions, rank and by-rank of every element. */
  check(): void {
    this.verify();
    const { a, t, model } = this;
    const show = (it: Item) => `${Object.is(it.score, -0) ? '-0' : it.score} ${it.member.toString('hex')} ${it.ref}`;
    const expected = model.map(show);
    const fwd: string[] = [];
    for (let h = ztFirst(a, t); h !== 0; h = ztNext(a, h)) fwd.push(show({ score: ztHandleScore(a, h), member: memberOf(a, h), ref: ztHandleRef(a, h) }));
    expect(fwd).toEqual(expected);
    const back: string[] = [];
    for (let h = ztLast(a, t); h !== 0; h = ztPrev(a, h)) back.push(show({ score: ztHandleScore(a, h), member: memberOf(a, h), ref: ztHandleRef(a, h) }));
    expect(back.reverse()).toEqual(expected);
    const badRank: number[] = [];
    for (let i = 0; i < model.length; i++) {
      if (ztRank(a, t, model[i].score, model[i].ref) !== i + 1 || ztHandleRef(a, ztByRank(a, t, i + 1)) !== model[i].ref) badRank.push(i + 1);
    }
    expect(badRank).toEqual([]);
    expect(ztByRank(a, t, 0)).toBe(0);
    expect(ztByRank(a, t, model.length + 1)).toBe(0);
  }
}

function scoreRange(min: number, max: number, minex: boolean, maxex: boolean): ScoreRange {
  return { min, max, minex, maxex };
}

function inScore(s: number, r: ScoreRange): boolean {
  return (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
}

/** A lex range over member bytes; kind -1 / 1 are -inf / +inf. */
function lexRange(min: Buffer | number, minex: boolean, max: Buffer | number, maxex: boolean): LexRange {
  const mb = typeof min === 'number' ? Buffer.alloc(0) : min;
  const xb = typeof max === 'number' ? Buffer.alloc(0) : max;
  const buf = Buffer.concat([mb, xb]);
  return {
    buf,
    minKind: typeof min === 'number' ? min : 0,
    minStart: 0,
    minEnd: mb.length,
    minex,
    maxKind: typeof max === 'number' ? max : 0,
    maxStart: mb.length,
    maxEnd: mb.length + xb.length,
    maxex,
  };
}

function inLex(m: Buffer, r: LexRange): boolean {
  const lo = r.minKind === -1 ? true : r.minKind === 1 ? false : ((c) => (r.minex ? c > 0 : c >= 0))(Buffer.compare(m, r.buf.subarray(r.minStart, r.minEnd)));
  const hi = r.maxKind === 1 ? true : r.maxKind === -1 ? false : ((c) => (r.maxex ? c < 0 : c <= 0))(Buffer.compare(m, r.buf.subarray(r.maxStart, r.maxEnd)));
  return lo && hi;
}

function expectScoreRange(f: Fixture, r: ScoreRange): void {
  const inside = f.model.filter((m) => inScore(m.score, r));
  const first = ztFirstInScoreRange(f.a, f.t, r);
  const last = ztLastInScoreRange(f.a, f.t, r);
  expect(first === 0 ? null : ztHandleRef(f.a, first)).toBe(inside.length ? inside[0].ref : null);
  expect(last === 0 ? null : ztHandleRef(f.a, last)).toBe(inside.length ? inside[inside.length - 1].ref : null);
}

function expectLexRange(f: Fixture, r: LexRange): void {
  const inside = f.model.filter((m) => inLex(m.member, r));
  const first = ztFirstInLexRange(f.a, f.t, r);
  const last = ztLastInLexRange(f.a, f.t, r);
  expect(first === 0 ? null : ztHandleRef(f.a, first)).toBe(inside.length ? inside[0].ref : null);
  expect(last === 0 ? null : ztHandleRef(f.a, last)).toBe(inside.length ? inside[inside.length - 1].ref : null);
}

function name(rand: () => number, spread: number): Buffer {
  // Mixed lengths so equal scores order by memcmp with prefixes.
  const n = Math.floor(rand() * spread);
  return Buffer.from(rand() < 0.2 ? `m${n}` : `member:${String(n).padStart(6, '0')}`);
}

describe('zset tree (counted B+tree)', () => {
  it('orders by score then member bytes, prefixes first, with -0, infinities and empty members', () => {
    const f = new Fixture();
    const items: Array<[number, string]> = [
      [1, 'b'],
      [1, 'a'],
      [1, 'ab'],
      [-Infinity, 'z'],
      [Infinity, ''],
      [0.5, '\u0000\u00ff'],
      [-0, 'zero'],
      [0, 'y'],
    ];
    for (const [s, m] of items) f.insert(s, Buffer.from(m, 'latin1'));
    f.check();
    expect(ztFirst(f.a, f.t)).not.toBe(0);
  });

  it('matches a sorted model under random single-element operations, verified after every step', () => {
    const rand = rng(7);
    const f = new Fixture();
    for (let step = 0; step < 6000; step++) {
      const op = rand();
      const m = name(rand, 700);
      const it = f.byMember.get(m.toString('latin1'));
      const score = Math.floor(rand() * 40) - 20 + (rand() < 0.1 ? 0.5 : 0);
      if (op < 0.5) {
        if (!it) f.insert(score, m);
      } else if (op < 0.7) {
        if (it) f.remove(it);
      } else if (op < 0.9) {
        if (it) f.update(it, rand() < 0.3 ? it.score + (rand() < 0.5 ? 0.25 : -0.25) : score);
      } else if (op < 0.95) {
        expectScoreRange(f, scoreRange(score, score + Math.floor(rand() * 10) - 2, rand() < 0.5, rand() < 0.5));
      } else if (f.model.length > 0) {
        const k = Math.floor(rand() * f.model.length);
        const it2 = f.model[k];
        expect(ztRank(f.a, f.t, it2.score, it2.ref)).toBe(k + 1);
        expect(ztHandleRef(f.a, ztByRank(f.a, f.t, k + 1))).toBe(it2.ref);
      }
      f.verify();
      if (step % 1000 === 0) f.check();
    }
    f.check();
  });

  it('keeps its invariants through growth to four levels, random churn, pops from both ends and emptying', () => {
    const rand = rng(99);
    const f = new Fixture(1 << 20);
    // Random inserts up to 120k elements: leaves, two inner levels and a root (height 3), so inner
    // nodes split and rebalance under inner parents.
    const a = f.a;
    const members: Buffer[] = [];
    for (let i = 0; i < 120000; i++) members.push(Buffer.from(`element:${String(i).padStart(12, '0')}`));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    // The model is built in one sort (insert() would be quadratic here).
    const items: Item[] = [];
    for (const m of members) {
      const score = Math.floor(rand() * 100000);
      const ref = ftInsert(a, f.ft, m, 0, m.length);
      ztInsert(a, f.t, score, ref);
      const it = { score, member: m, ref };
      items.push(it);
      f.byMember.set(m.toString('latin1'), it);
    }
    f.model = items.sort(cmp);
    f.check();
    expect(f.a.u32[(f.t >>> 2) + 1]).toBe(3);
    // Score updates (ZADD's pattern), verifying now and then.
    for (let k = 0; k < 20000; k++) {
      const it = f.model[Math.floor(rand() * f.model.length)];
      const score = Math.floor(rand() * 100000);
      const h = ztUpdateScore(a, f.t, it.score, it.ref, score);
      expect(ztHandleRef(a, h)).toBe(it.ref);
      it.score = score;
      if (k % 5000 === 0) expect(ztVerify(a, f.t)).toBe('');
    }
    f.model.sort(cmp);
    f.check();
    // ZPOPMIN / ZPOPMAX: rank deletes at both ends until a few hundred are left.
    // The model keeps the live slice [lo, hi) of the sorted array (splicing would be quadratic).
    let lo = 0;
    let hi = f.model.length;
    const wrong: number[] = [];
    for (let popped = 0; hi - lo > 300; popped++) {
      const fromEnd = popped % 3 === 2;
      const rank = fromEnd ? hi - lo : 1;
      let got = 0;
      expect(ztDeleteRangeByRank(a, f.t, rank, rank, (r) => (got = r))).toBe(1);
      const it = fromEnd ? f.model[--hi] : f.model[lo++];
      if (got !== it.ref) wrong.push(popped);
      ftDeleteEntry(a, f.ft, it.ref);
      f.byMember.delete(it.member.toString('latin1'));
      if (popped % 9973 === 0) expect(ztVerify(a, f.t)).toBe('');
      if (hi - lo === 5000) {
        f.model = f.model.slice(lo, hi);
        hi -= lo;
        lo = 0;
        f.check();
      }
    }
    expect(wrong).toEqual([]);
    f.model = f.model.slice(lo, hi);
    f.check();
    while (f.model.length > 0) f.remove(f.model[Math.floor(rand() * f.model.length)]);
    f.check();
    f.insert(1, Buffer.from('again'));
    f.check();
  }, 120_000);

  it('deletes ranges by rank, score and lex like the model, runs of leaves at once', () => {
    const rand = rng(3);
    for (let round = 0; round < 12; round++) {
      const f = new Fixture();
      const sameScore = round % 3 === 0;
      const big = round >= 9;
      const target = big ? 20000 : 50 + Math.floor(rand() * 3000);
      while (f.byMember.size < target) {
        const m = name(rand, 100000);
        const key = m.toString('latin1');
        if (f.byMember.has(key)) continue;
        const score = sameScore ? 0 : Math.floor(rand() * 1000);
        const ref = ftInsert(f.a, f.ft, m, 0, m.length);
        ztInsert(f.a, f.t, score, ref);
        const it = { score, member: m, ref };
        f.byMember.set(key, it);
        f.model.push(it);
      }
      f.model.sort(cmp);
      f.verify();
      if (big) expect(f.a.u32[(f.t >>> 2) + 1]).toBe(2);
      for (let k = 0; k < 6 && f.model.length > 0; k++) {
        const removed: number[] = [];
        const kind = Math.floor(rand() * 3);
        if (kind === 0) {
          const start = 1 + Math.floor(rand() * f.model.length);
          const end = Math.min(f.model.length, start + Math.floor(rand() * (big ? 8000 : 400)));
          const expected = f.model.slice(start - 1, end);
          expect(ztDeleteRangeByRank(f.a, f.t, start, end, (r) => removed.push(r))).toBe(expected.length);
          f.expectRemoved(removed, expected);
        } else if (kind === 1 && !sameScore) {
          const min = Math.floor(rand() * 1000);
          const r = scoreRange(min, min + Math.floor(rand() * (big ? 400 : 150)), rand() < 0.5, rand() < 0.5);
          expectScoreRange(f, r);
          const expected = f.model.filter((m) => inScore(m.score, r));
          expect(ztDeleteRangeByScore(f.a, f.t, r, (x) => removed.push(x))).toBe(expected.length);
          f.expectRemoved(removed, expected);
        } else if (sameScore) {
          const lo = f.model[Math.floor(rand() * f.model.length)].member;
          const hi = f.model[Math.floor(rand() * f.model.length)].member;
          const r = lexRange(rand() < 0.1 ? -1 : lo, rand() < 0.5, rand() < 0.1 ? 1 : hi, rand() < 0.5);
          expectLexRange(f, r);
          const expected = f.model.filter((m) => inLex(m.member, r));
          expect(ztDeleteRangeByLex(f.a, f.t, r, (x) => removed.push(x))).toBe(expected.length);
          f.expectRemoved(removed, expected);
        }
        f.verify();
      }
      if (sameScore && f.model.length > 0) {
        for (let k = 0; k < 20; k++) {
          const lo = f.model[Math.floor(rand() * f.model.length)].member;
          const hi = f.model[Math.floor(rand() * f.model.length)].member;
          expectLexRange(f, lexRange(lo, rand() < 0.5, hi, rand() < 0.5));
          expectLexRange(f, lexRange(-1, false, hi, rand() < 0.5));
          expectLexRange(f, lexRange(lo, rand() < 0.5, 1, false));
        }
        expectLexRange(f, lexRange(1, false, 1, false));
        expectLexRange(f, lexRange(-1, false, -1, false));
      }
      if (!sameScore)
        for (let k = 0; k < 20; k++) {
          const min = Math.floor(rand() * 1100) - 50;
          expectScoreRange(f, scoreRange(min, min + Math.floor(rand() * 60) - 5, rand() < 0.5, rand() < 0.5));
        }
      expectScoreRange(f, scoreRange(-Infinity, Infinity, false, false));
      expectScoreRange(f, scoreRange(5, 5, true, false));
      f.check();
    }
  });

  it('finds nothing missing and frees every block, at once or lazily', () => {
    const f = new Fixture();
    const before = f.a.u32[4];
    const t2 = ztCreate(f.a);
    const refs: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const m = Buffer.from(`x${i}`);
      const ref = ftInsert(f.a, f.ft, m, 0, m.length);
      refs.push(ref);
      ztInsert(f.a, f.t, i % 17, ref);
      ztInsert(f.a, t2, -i, ref);
    }
    const ghost = Buffer.from('ghost');
    const gref = ftInsert(f.a, f.ft, ghost, 0, ghost.length);
    expect(ztDelete(f.a, f.t, 3, gref)).toBe(false);
    expect(ztRank(f.a, f.t, 3, gref)).toBe(0);
    expect(ztBytes(f.a, f.t)).toBeGreaterThan(5000 * 12);
    const sampled = ztBytes(f.a, f.t, 100);
    expect(Math.abs(sampled - ztBytes(f.a, f.t)) / ztBytes(f.a, f.t)).toBeLessThan(0.5);
    ztFree(f.a, f.t);
    let rounds = 0;
    while (ztFreeSome(f.a, t2, 64) >= 64) rounds++;
    expect(rounds).toBeGreaterThan(10);
    // Only the member table's blocks are left: the table, its buckets and the entries.
    for (const r of [...refs, gref]) ftDeleteEntry(f.a, f.ft, r);
    expect(ftFind(f.a, f.ft, ghost, 0, ghost.length)).toBe(0);
    expect(f.a.u32[4] - before).toBeLessThanOrEqual(2);
  });
});
