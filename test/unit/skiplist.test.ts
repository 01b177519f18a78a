import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import {
  skiplistCreate,
  skiplistInsert,
  skiplistDelete,
  skiplistUpdateScore,
  skiplistRank,
  skiplistByRank,
  skiplistLength,
  skiplistFirst,
  skiplistLast,
  skiplistFree,
  skiplistFirstInScoreRange,
  skiplistLastInScoreRange,
  skiplistFirstInLexRange,
  skiplistLastInLexRange,
  skiplistDeleteRangeByRank,
  skiplistDeleteRangeByScore,
  skiplistDeleteRangeByLex,
  nodeScore,
  nodeMemberStart,
  nodeMemberLength,
  nodeNext,
  nodePrev,
  compareBytes,
  skiplistVerify,
  type ScoreRange,
  type LexRange,
} from '../../src/storage/skiplist.js';

type Item = { score: number; member: Buffer };

function cmp(a: Item, b: Item): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return Buffer.compare(a.member, b.member);
}

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function member(a: ShardArena, node: number): Buffer {
  const start = nodeMemberStart(a, node);
  return Buffer.from(a.u8.slice(start, start + nodeMemberLength(a, node)));
}

function contents(a: ShardArena, sl: number): Item[] {
  const out: Item[] = [];
  for (let n = skiplistFirst(a, sl); n !== 0; n = nodeNext(a, n)) out.push({ score: nodeScore(a, n), member: member(a, n) });
  return out;
}

function backwards(a: ShardArena, sl: number): Item[] {
  const out: Item[] = [];
  for (let n = skiplistLast(a, sl); n !== 0; n = nodePrev(a, n)) out.push({ score: nodeScore(a, n), member: member(a, n) });
  return out.reverse();
}

function check(a: ShardArena, sl: number, model: Item[]): void {
  expect(skiplistVerify(a, sl)).toBe('');
  expect(skiplistLength(a, sl)).toBe(model.length);
  expect(contents(a, sl)).toEqual(model);
  expect(backwards(a, sl)).toEqual(model);
  for (let i = 0; i < model.length; i++) {
    const m = model[i];
    expect(skiplistRank(a, sl, m.score, m.member, 0, m.member.length)).toBe(i + 1);
    const n = skiplistByRank(a, sl, i + 1);
    expect(member(a, n)).toEqual(m.member);
  }
  expect(skiplistByRank(a, sl, 0)).toBe(0);
  expect(skiplistByRank(a, sl, model.length + 1)).toBe(0);
}

function scoreRange(min: number, max: number, minex = false, maxex = false): ScoreRange {
  return { min, max, minex, maxex };
}

describe('skiplist', () => {
  it('keeps elements ordered by score then member bytes, with correct ranks', () => {
    const a = ShardArena.create();
    const sl = skiplistCreate(a);
    const items: Item[] = [
      { score: 1, member: Buffer.from('b') },
      { score: 1, member: Buffer.from('a') },
      { score: 1, member: Buffer.from('ab') },
      { score: -Infinity, member: Buffer.from('z') },
      { score: Infinity, member: Buffer.from('') },
      { score: 0.5, member: Buffer.from([0, 255]) },
    ];
    for (const it of items) skiplistInsert(a, sl, it.score, it.member, 0, it.member.length);
    check(a, sl, [...items].sort(cmp));
    expect(skiplistRank(a, sl, 1, Buffer.from('c'), 0, 1)).toBe(0);
    expect(skiplistRank(a, sl, 2, Buffer.from('a'), 0, 1)).toBe(0);
  });

  it('matches a sorted model under random inserts, deletes and score updates', () => {
    const a = ShardArena.create(1 << 16);
    const sl = skiplistCreate(a);
    const rand = rng(42);
    let model: Item[] = [];
    const byMember = new Map<string, Item>();
    for (let step = 0; step < 4000; step++) {
      const op = rand();
      const name = Buffer.from('m' + Math.floor(rand() * 600));
      const key = name.toString('latin1');
      const existing = byMember.get(key);
      const score = Math.floor(rand() * 50) - 25;
      if (op < 0.5) {
        if (existing) continue;
        const it = { score, member: name };
        skiplistInsert(a, sl, score, name, 0, name.length);
        byMember.set(key, it);
        model.push(it);
      } else if (op < 0.75) {
        if (!existing) {
          expect(skiplistDelete(a, sl, score, name, 0, name.length)).toBe(false);
          continue;
        }
        expect(skiplistDelete(a, sl, existing.score, name, 0, name.length)).toBe(true);
        byMember.delete(key);
        model = model.filter((m) => m !== existing);
      } else if (existing) {
        const node = skiplistUpdateScore(a, sl, existing.score, name, 0, name.length, score);
        expect(nodeScore(a, node)).toBe(score);
        existing.score = score;
      }
      if (step % 25 === 0) expect(skiplistVerify(a, sl)).toBe('');
      if (step % 500 === 0) check(a, sl, [...model].sort(cmp));
    }
    model.sort(cmp);
    check(a, sl, model);
    skiplistFree(a, sl);
  });

  it('reads exact scores across arena growth and with two arenas used in turn', () => {
    // Scores are read through a DataView cached per arena view: growth and switching must refresh it.
    const arenas = [ShardArena.create(1 << 16), ShardArena.create(1 << 16)];
    const lists = arenas.map((a) => skiplistCreate(a));
    const models: Item[][] = [[], []];
    const rand = rng(7);
    for (let i = 0; i < 3000; i++) {
      const k = i & 1;
      const score = (rand() - 0.5) * 1e6 + rand() / 3;
      const name = Buffer.from(`member:${i}:${'x'.repeat(i % 40)}`);
      skiplistInsert(arenas[k], lists[k], score, name, 0, name.length);
      models[k].push({ score, member: name });
    }
    expect(arenas[0].capacity).toBeGreaterThan(1 << 16);
    for (let k = 0; k < 2; k++) {
      models[k].sort(cmp);
      check(arenas[k], lists[k], models[k]);
    }
    // Nudging every score without changing the order updates in place (and the score copies).
    for (let k = 0; k < 2; k++) {
      const a = arenas[k];
      for (let j = 0; j < models[k].length; j++) {
        const it = models[k][j];
        const nudged = it.score + (j + 1 < models[k].length ? (models[k][j + 1].score - it.score) / 2 : 1);
        skiplistUpdateScore(a, lists[k], it.score, it.member, 0, it.member.length, nudged);
        it.score = nudged;
      }
      check(a, lists[k], models[k]);
    }
    // Moving every element keeps spans and links right (the node is relinked, not reallocated).
    for (let k = 0; k < 2; k++) {
      const a = arenas[k];
      for (const it of models[k]) {
        const next = -it.score + 0.25;
        const node = skiplistUpdateScore(a, lists[k], it.score, it.member, 0, it.member.length, next);
        expect(nodeScore(a, node)).toBe(next);
        it.score = next;
      }
      models[k].sort(cmp);
      check(a, lists[k], models[k]);
    }
  });

  it('finds the first and last node of score ranges', () => {
    const a = ShardArena.create();
    const sl = skiplistCreate(a);
    const model: Item[] = [];
    for (let i = 0; i < 200; i++) {
      const m = Buffer.from('x' + i);
      const score = i % 20;
      skiplistInsert(a, sl, score, m, 0, m.length);
      model.push({ score, member: m });
    }
    model.sort(cmp);
    const ranges = [
      scoreRange(3, 5),
      scoreRange(3, 5, true, true),
      scoreRange(-Infinity, Infinity),
      scoreRange(19, 100, true),
      scoreRange(-5, 0, false, true),
      scoreRange(7, 7),
      scoreRange(7, 7, true),
      scoreRange(8, 2),
      scoreRange(2.5, 3.5),
    ];
    for (const r of ranges) {
      const inRange = model.filter((m) => (r.minex ? m.score > r.min : m.score >= r.min) && (r.maxex ? m.score < r.max : m.score <= r.max));
      const first = skiplistFirstInScoreRange(a, sl, r);
      const last = skiplistLastInScoreRange(a, sl, r);
      if (inRange.length === 0) {
        expect(first).toBe(0);
        expect(last).toBe(0);
      } else {
        expect(member(a, first)).toEqual(inRange[0].member);
        expect(member(a, last)).toEqual(inRange[inRange.length - 1].member);
      }
    }
  });

  it('finds lex ranges and deletes by lex, score and rank', () => {
    const a = ShardArena.create();
    const sl = skiplistCreate(a);
    let model: Item[] = [];
    for (const w of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'aa', 'bb', 'cc']) {
      const m = Buffer.from(w);
      skiplistInsert(a, sl, 0, m, 0, m.length);
      model.push({ score: 0, member: m });
    }
    model.sort(cmp);
    const buf = Buffer.from('bd');
    const lex = (minKind: number, minex: boolean, maxKind: number, maxex: boolean): LexRange => ({
      buf,
      minKind,
      minStart: 0,
      minEnd: 1,
      minex,
      maxKind,
      maxStart: 1,
      maxEnd: 2,
      maxex,
    });
    const within = (r: LexRange) =>
      model.filter((m) => {
        const lo = r.minKind === -1 ? true : r.minKind === 1 ? false : r.minex ? compareBytes(m.member, 0, m.member.length, buf, 0, 1) > 0 : compareBytes(m.member, 0, m.member.length, buf, 0, 1) >= 0;
        const hi = r.maxKind === 1 ? true : r.maxKind === -1 ? false : r.maxex ? compareBytes(m.member, 0, m.member.length, buf, 1, 1) < 0 : compareBytes(m.member, 0, m.member.length, buf, 1, 1) <= 0;
        return lo && hi;
      });
    for (const r of [lex(0, false, 0, false), lex(0, true, 0, true), lex(-1, false, 0, false), lex(0, false, 1, false), lex(1, false, 1, false), lex(-1, false, -1, false)]) {
      const expected = within(r);
      const first = skiplistFirstInLexRange(a, sl, r);
      const last = skiplistLastInLexRange(a, sl, r);
      if (expected.length === 0) {
        expect(first).toBe(0);
        expect(last).toBe(0);
      } else {
        expect(member(a, first)).toEqual(expected[0].member);
        expect(member(a, last)).toEqual(expected[expected.length - 1].member);
      }
    }
    const removed: string[] = [];
    const r = lex(0, false, 0, true);
    const gone = within(r);
    expect(skiplistDeleteRangeByLex(a, sl, r, (n) => removed.push(member(a, n).toString()))).toBe(gone.length);
    expect(removed).toEqual(gone.map((m) => m.member.toString()));
    model = model.filter((m) => !gone.includes(m));
    check(a, sl, model);

    // Give distinct scores, then delete by score and by rank.
    for (let i = 0; i < model.length; i++) skiplistUpdateScore(a, sl, 0, model[i].member, 0, model[i].member.length, i);
    model = model.map((m, i) => ({ score: i, member: m.member }));
    check(a, sl, model);
    expect(skiplistDeleteRangeByScore(a, sl, scoreRange(1, 3, true), () => {})).toBe(2);
    model = model.filter((m) => !(m.score > 1 && m.score <= 3));
    check(a, sl, model);
    expect(skiplistDeleteRangeByRank(a, sl, 2, 3, () => {})).toBe(2);
    model.splice(1, 2);
    check(a, sl, model);
    expect(skiplistDeleteRangeByRank(a, sl, 1, model.length, () => {})).toBe(model.length);
    check(a, sl, []);
  });

  it('survives arena growth while inserting many long members', () => {
    const a = ShardArena.create(1 << 16);
    const sl = skiplistCreate(a);
    const model: Item[] = [];
    for (let i = 0; i < 3000; i++) {
      const m = Buffer.alloc(100, i % 251);
      m.writeUInt32BE(i, 0);
      skiplistInsert(a, sl, i % 7, m, 0, m.length);
      model.push({ score: i % 7, member: m });
    }
    model.sort(cmp);
    check(a, sl, model);
  });
});

describe('sorted-set values over the skiplist and listpack encodings', () => {
  // Imported lazily so the skiplist tests above stand alone.
  it('match a model under random adds, increments, removals and range deletes, across conversions', async () => {
    const zv = await import('../../src/storage/zset-value.js');
    for (const lim of [
      { entries: 128, value: 64 },
      { entries: 8, value: 64 },
      { entries: 0, value: 0 },
    ]) {
      const a = ShardArena.create(1 << 16);
      const z = new zv.ZSetRef();
      zv.zsetCreate(z, a, 1, 1, lim);
      const model = new Map<string, number>();
      const rand = rng(7 + lim.entries);
      const sorted = () =>
        [...model.entries()]
          .map(([m, score]) => ({ score, member: Buffer.from(m, 'latin1') }))
          .sort(cmp);
      for (let step = 0; step < 3000; step++) {
        const op = rand();
        const pick = Math.floor(rand() * 40);
        const name = Buffer.from(pick % 3 === 0 ? String(pick) : 'k' + pick, 'latin1');
        const key = name.toString('latin1');
        if (op < 0.45) {
          const score = Math.floor(rand() * 20) - 10 + (rand() < 0.2 ? 0.5 : 0);
          const incr = rand() < 0.2;
          const out = zv.zsetAdd(z, score, name, 0, name.length, incr ? zv.ZAddIn.Incr : 0, lim);
          const next = incr ? (model.get(key) ?? 0) + score : score;
          expect(out & zv.ZAddOut.NaN).toBe(0);
          model.set(key, next);
          expect(zv.zsetResult.score).toBe(next);
        } else if (op < 0.7) {
          expect(zv.zsetRemove(z, name, 0, name.length)).toBe(model.delete(key));
        } else if (op < 0.75 && model.size > 2) {
          const n = zv.zsetLength(z);
          const s = Math.floor(rand() * n);
          const e = Math.min(n - 1, s + Math.floor(rand() * 3));
          expect(zv.zsetDeleteRangeByRank(z, s, e)).toBe(e - s + 1);
          sorted()
            .slice(s, e + 1)
            .forEach((it) => model.delete(it.member.toString('latin1')));
        } else if (op < 0.8) {
          const r = { min: Math.floor(rand() * 20) - 10, max: 0, minex: rand() < 0.5, maxex: rand() < 0.5 };
          r.max = r.min + Math.floor(rand() * 4);
          const doomed = sorted().filter((it) => (r.minex ? it.score > r.min : it.score >= r.min) && (r.maxex ? it.score < r.max : it.score <= r.max));
          expect(zv.zsetDeleteRangeByScore(z, r)).toBe(doomed.length);
          doomed.forEach((it) => model.delete(it.member.toString('latin1')));
        } else {
          const want = model.get(key);
          const got = zv.zsetScore(z, name, 0, name.length);
          if (want === undefined) expect(Number.isNaN(got)).toBe(true);
          else expect(got).toBe(want);
        }
        if (step % 250 === 0 || step === 2999) {
          const expected = sorted();
          expect(zv.zsetLength(z)).toBe(expected.length);
          const forward: Item[] = [];
          for (let h = zv.zsetFirst(z); h !== 0; h = zv.zsetNext(z, h)) forward.push({ score: zv.zsetHandleScore(z, h), member: Buffer.from(zv.zsetMemberCopy(z, h)) });
          expect(forward).toEqual(expected);
          const backward: Item[] = [];
          for (let h = zv.zsetLast(z); h !== 0; h = zv.zsetPrev(z, h)) backward.push({ score: zv.zsetHandleScore(z, h), member: Buffer.from(zv.zsetMemberCopy(z, h)) });
          expect(backward.reverse()).toEqual(expected);
          expected.forEach((it, i) => {
            expect(zv.zsetRank(z, it.member, 0, it.member.length, false)).toBe(i);
            expect(zv.zsetRank(z, it.member, 0, it.member.length, true)).toBe(expected.length - 1 - i);
            expect(Buffer.from(zv.zsetMemberCopy(z, zv.zsetAtRank(z, i)))).toEqual(it.member);
          });
        }
      }
      if (lim.entries === 0) expect(z.enc).toBe(7);
      const copy = zv.zsetCloneRoot(a, z.root, a);
      const other = ShardArena.create();
      const far = zv.zsetCloneRoot(a, z.root, other);
      zv.zsetFree(z);
      for (const [arena, root] of [
        [a, copy],
        [other, far],
      ] as const) {
        const c = new zv.ZSetRef();
        c.arena = arena;
        c.root = root;
        c.enc = zv.isSkiplistRoot(arena, root) ? 7 : 11;
        const items: Item[] = [];
        for (let h = zv.zsetFirst(c); h !== 0; h = zv.zsetNext(c, h)) items.push({ score: zv.zsetHandleScore(c, h), member: Buffer.from(zv.zsetMemberCopy(c, h)) });
        expect(items).toEqual(sorted());
        zv.zsetFree(c);
      }
    }
  });
});
