import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import { ListpackEntry } from '../../src/storage/listpack.js';
import {
  QuicklistCursor,
  qlClone,
  qlCount,
  qlDelete,
  qlDeleteRange,
  qlEquals,
  qlFindForward,
  qlFirst,
  qlFree,
  qlInsert,
  qlLast,
  qlNew,
  qlNext,
  qlNodeCount,
  qlPrev,
  qlPush,
  qlRead,
  qlReplace,
  qlSeek,
  qlVerify,
} from '../../src/storage/quicklist.js';
import { copyEntry, entryScratch, forEachElement, listDebugText } from '../../src/storage/list-value.js';
import { mulberry32 } from './prng.js';

const enc = (s: string) => Buffer.from(s, 'latin1');
const entry = new ListpackEntry();

function readAt(a: ShardArena, cur: QuicklistCursor): string {
  qlRead(a, cur, entry);
  return entry.isInt ? String(entry.value) : Buffer.from(a.u8.subarray(entry.start, entry.start + entry.length)).toString('latin1');
}

function contents(a: ShardArena, ql: number): string[] {
  const out: string[] = [];
  const cur = new QuicklistCursor();
  for (let more = qlFirst(a, ql, cur); more; more = qlNext(a, cur)) out.push(readAt(a, cur));
  return out;
}

function contentsBackward(a: ShardArena, ql: number): string[] {
  const out: string[] = [];
  const cur = new QuicklistCursor();
  for (let more = qlLast(a, ql, cur); more; more = qlPrev(a, cur)) out.push(readAt(a, cur));
  return out.reverse();
}

function push(a: ShardArena, ql: number, head: boolean, s: string): void {
  const b = enc(s);
  qlPush(a, ql, head, b, 0, b.length);
}

const rng = mulberry32;

function randomValue(r: () => number): string {
  const kind = r();
  if (kind < 0.3) return String(Math.floor(r() * 2000) - 1000);
  if (kind < 0.35) return String(Math.floor(r() * 2 ** 53) * (r() < 0.5 ? -1 : 1));
  if (kind < 0.4) return '9223372036854775807';
  if (kind < 0.45) return 'x'.repeat(Math.floor(r() * 3000));
  if (kind < 0.5) return '';
  return 'v' + Math.floor(r() * 50) + 'y'.repeat(Math.floor(r() * 40));
}

describe('quicklist', () => {
  it('pushes at both ends and reads back in order, forward and backward', () => {
    const a = ShardArena.create();
    const ql = qlNew(a, -2);
    for (let i = 0; i < 3000; i++) push(a, ql, i % 2 === 0, `e${i}`);
    const model: string[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 2 === 0) model.unshift(`e${i}`);
      else model.push(`e${i}`);
    }
    qlVerify(a, ql);
    expect(qlCount(a, ql)).toBe(3000);
    expect(contents(a, ql)).toEqual(model);
    expect(contentsBackward(a, ql)).toEqual(model);
    expect(qlNodeCount(a, ql)).toBeGreaterThan(1);
  });

  it('keeps a node within 8 KiB for fill -2 and within the entry count for a positive fill', () => {
    const a = ShardArena.create();
    const sized = qlNew(a, -2);
    for (let i = 0; i < 2000; i++) push(a, sized, false, 'x'.repeat(20));
    // 2000 entries of ~22 bytes: about 44 KB, so at least 6 nodes of at most 8 KiB.
    expect(qlNodeCount(a, sized)).toBeGreaterThanOrEqual(6);
    expect(qlNodeCount(a, sized)).toBeLessThanOrEqual(7);
    const counted = qlNew(a, 5);
    for (let i = 0; i < 23; i++) push(a, counted, false, String(i));
    expect(qlNodeCount(a, counted)).toBe(5);
    qlVerify(a, sized);
    qlVerify(a, counted);
  });

  it('lays out nodes as Redis 7.0.15 does (node counts taken from DEBUG OBJECT of a real server)', () => {
    const a = ShardArena.create();
    // 2000 x "element-value-NNNNN" with fill -2: Redis reports ql_nodes:6.
    const strings = qlNew(a, -2);
    for (let i = 1; i <= 2000; i++) push(a, strings, false, `element-value-${String(((i - 1) % 100) + 1).padStart(5, '0')}`);
    expect(qlNodeCount(a, strings)).toBe(6);
    // RPUSH n 1..3000 with fill -2: ql_nodes:2.
    const ints = qlNew(a, -2);
    for (let i = 1; i <= 3000; i++) push(a, ints, false, String(i));
    expect(qlNodeCount(a, ints)).toBe(2);
    // fill 5, RPUSH 1..23, LINSERT AFTER 12: ql_nodes:6.
    const counted = qlNew(a, 5);
    for (let i = 1; i <= 23; i++) push(a, counted, false, String(i));
    const cur = new QuicklistCursor();
    qlSeek(a, counted, 11, cur);
    const x = enc('x');
    qlInsert(a, counted, cur, true, x, 0, x.length);
    expect(qlNodeCount(a, counted)).toBe(6);
  });

  it('gives every element larger than the node size a node of its own', () => {
    const a = ShardArena.create();
    const ql = qlNew(a, -2);
    for (let i = 0; i < 4; i++) push(a, ql, false, 'z'.repeat(9000));
    expect(qlNodeCount(a, ql)).toBe(4);
    qlVerify(a, ql);
  });

  it('seeks any index from either end, negative indexes counting from the tail', () => {
    const a = ShardArena.create();
    const ql = qlNew(a, 7);
    const model: string[] = [];
    for (let i = 0; i < 500; i++) {
      push(a, ql, false, `i${i}`);
      model.push(`i${i}`);
    }
    const cur = new QuicklistCursor();
    for (let i = -600; i < 600; i++) {
      const ok = qlSeek(a, ql, i, cur);
      const idx = i < 0 ? i + 500 : i;
      expect(ok).toBe(idx >= 0 && idx < 500);
      if (ok) expect(readAt(a, cur)).toBe(model[idx]);
    }
  });

  it('stores integers compactly and reads them back as the same text', () => {
    const a = ShardArena.create();
    const ql = qlNew(a, -2);
    const values = ['0', '-1', '127', '128', '-32768', '8388607', '2147483648', '9007199254740991', '-9007199254740991', '007', '-0', '+1', '1.5', '9223372036854775807'];
    for (const v of values) push(a, ql, false, v);
    expect(contents(a, ql)).toEqual(values);
    const cur = new QuicklistCursor();
    qlFirst(a, ql, cur);
    for (const v of values) {
      const b = enc(v);
      expect(qlEquals(a, cur, b, 0, b.length)).toBe(true);
      const n = copyEntry(a, cur);
      expect(Buffer.from(entryScratch().subarray(0, n)).toString('latin1')).toBe(v);
      qlNext(a, cur);
    }
  });

  it('matches an array model under random pushes, pops, inserts, replaces, deletes and trims', () => {
    for (const fill of [-2, -1, 1, 3, 16, 0]) {
      const r = rng(1234 + fill);
      const a = ShardArena.create();
      const ql = qlNew(a, fill);
      const model: string[] = [];
      const cur = new QuicklistCursor();
      for (let step = 0; step < 3000; step++) {
        const op = r();
        if (op < 0.3 || model.length === 0) {
          const v = randomValue(r);
          const head = r() < 0.5;
          push(a, ql, head, v);
          if (head) model.unshift(v);
          else model.push(v);
        } else if (op < 0.45) {
          const head = r() < 0.5;
          expect(head ? qlFirst(a, ql, cur) : qlLast(a, ql, cur)).toBe(true);
          expect(readAt(a, cur)).toBe(head ? model[0] : model[model.length - 1]);
          qlDelete(a, ql, cur, head);
          if (head) model.shift();
          else model.pop();
        } else if (op < 0.65) {
          const i = Math.floor(r() * model.length);
          const after = r() < 0.5;
          const v = randomValue(r);
          qlSeek(a, ql, i, cur);
          const b = enc(v);
          qlInsert(a, ql, cur, after, b, 0, b.length);
          model.splice(after ? i + 1 : i, 0, v);
        } else if (op < 0.72) {
          const i = Math.floor(r() * model.length);
          const v = randomValue(r);
          qlSeek(a, ql, i, cur);
          const b = enc(v);
          qlReplace(a, cur, b, 0, b.length);
          model[i] = v;
        } else if (op < 0.85) {
          // Delete a run of entries walking forward or backward from a random index.
          const i = Math.floor(r() * model.length);
          const forward = r() < 0.5;
          let n = Math.floor(r() * 20);
          qlSeek(a, ql, i, cur);
          let at = i;
          let more = true;
          while (more && n-- > 0) {
            more = qlDelete(a, ql, cur, forward);
            model.splice(at, 1);
            if (!forward) at--;
            if (more) expect(readAt(a, cur)).toBe(model[at]);
          }
        } else if (op < 0.9) {
          const start = Math.floor(r() * model.length);
          const count = Math.floor(r() * 300);
          qlDeleteRange(a, ql, start, count);
          model.splice(start, count);
        } else {
          const i = Math.floor(r() * (model.length + 10)) - 5;
          const ok = qlSeek(a, ql, i, cur);
          expect(ok).toBe(i >= 0 && i < model.length || (i < 0 && i + model.length >= 0));
          if (ok) expect(readAt(a, cur)).toBe(model[i < 0 ? i + model.length : i]);
        }
        if (step % 50 === 0) {
          qlVerify(a, ql);
          expect(contents(a, ql)).toEqual(model);
        }
      }
      qlVerify(a, ql);
      expect(contents(a, ql)).toEqual(model);
      expect(contentsBackward(a, ql)).toEqual(model);
      expect(qlCount(a, ql)).toBe(model.length);
    }
  });

  it('splits a full node on a middle insert and merges neighbours that fit', () => {
    const a = ShardArena.create();
    const ql = qlNew(a, 4);
    for (let i = 0; i < 8; i++) push(a, ql, false, String(i));
    expect(qlNodeCount(a, ql)).toBe(2);
    const cur = new QuicklistCursor();
    qlSeek(a, ql, 1, cur);
    const b = enc('mid');
    qlInsert(a, ql, cur, true, b, 0, b.length);
    qlVerify(a, ql);
    expect(contents(a, ql)).toEqual(['0', '1', 'mid', '2', '3', '4', '5', '6', '7']);
    expect(qlNodeCount(a, ql)).toBe(3);
    // Deleting down to tiny nodes, then inserting into a full one, merges them back together.
    qlDeleteRange(a, ql, 3, 5);
    qlVerify(a, ql);
    expect(contents(a, ql)).toEqual(['0', '1', 'mid', '7']);
  });

  it('deletes whole nodes and partial ranges, emptying the list', () => {
    const a = ShardArena.create();
    const ql = qlNew(a, 3);
    for (let i = 0; i < 30; i++) push(a, ql, false, String(i));
    qlDeleteRange(a, ql, 0, 4);
    qlDeleteRange(a, ql, 20, 100);
    qlVerify(a, ql);
    expect(contents(a, ql)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 4)));
    qlDeleteRange(a, ql, 0, 20);
    qlVerify(a, ql);
    expect(qlCount(a, ql)).toBe(0);
    expect(qlNodeCount(a, ql)).toBe(0);
  });

  it('clones into another arena and frees every block', () => {
    const a = ShardArena.create();
    const b = ShardArena.create();
    const blocksBefore = a.liveBlocks;
    const ql = qlNew(a, -2);
    for (let i = 0; i < 3000; i++) push(a, ql, false, `value-${i}`);
    const copy = qlClone(a, ql, b);
    qlVerify(b, copy);
    expect(contents(b, copy)).toEqual(contents(a, ql));
    const seen: string[] = [];
    forEachElement(b, copy, (bytes, s, e) => seen.push(Buffer.from(bytes.subarray(s, e)).toString('latin1')));
    expect(seen).toEqual(contents(a, ql));
    expect(listDebugText(b, copy)).toMatch(/^ ql_nodes:\d+ ql_avg_node:\d+\.\d\d ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:\d+$/);
    qlFree(a, ql);
    expect(a.liveBlocks).toBe(blocksBefore);
    qlFree(b, copy);
    expect(b.liveBlocks).toBe(0);
  });

  it('moves an element within one listpack through the scratch copy', () => {
    const a = ShardArena.create();
    const ql = qlNew(a, -2);
    for (const v of ['a', 'b', 'c']) push(a, ql, false, v);
    const cur = new QuicklistCursor();
    qlLast(a, ql, cur);
    const n = copyEntry(a, cur);
    qlDelete(a, ql, cur, false);
    qlPush(a, ql, true, entryScratch(), 0, n);
    expect(contents(a, ql)).toEqual(['c', 'a', 'b']);
  });

  it('keeps head pushes and pops in the free bytes before a listpack, under every other operation', () => {
    // Head-heavy random work on short lists, so that nodes whose listpack sits inside its block (after
    // head pushes or pops) then take tail pushes, replaces, inserts, range deletes, clones and frees.
    for (const fill of [-2, -1, 2, 5, 64]) {
      const r = rng(99 + fill);
      const a = ShardArena.create();
      const b = ShardArena.create();
      const blocksBefore = a.liveBlocks;
      const ql = qlNew(a, fill);
      const model: string[] = [];
      const cur = new QuicklistCursor();
      const small = () => (r() < 0.2 ? randomValue(r) : r() < 0.5 ? String(Math.floor(r() * 300)) : 'h' + 'x'.repeat(Math.floor(r() * 12)));
      for (let step = 0; step < 4000; step++) {
        const op = r();
        if (op < 0.35 || model.length === 0) {
          const v = small();
          push(a, ql, true, v);
          model.unshift(v);
        } else if (op < 0.45) {
          const v = small();
          push(a, ql, false, v);
          model.push(v);
        } else if (op < 0.7) {
          qlFirst(a, ql, cur);
          expect(readAt(a, cur)).toBe(model[0]);
          const forward = r() < 0.8;
          const more = qlDelete(a, ql, cur, forward);
          model.shift();
          // Forward, the cursor is on the new first element; backward there is none before it.
          expect(more).toBe(forward && model.length > 0);
          if (more) expect(readAt(a, cur)).toBe(model[0]);
        } else if (op < 0.75) {
          qlLast(a, ql, cur);
          qlDelete(a, ql, cur, false);
          model.pop();
        } else if (op < 0.8) {
          const i = Math.floor(r() * model.length);
          const v = small();
          qlSeek(a, ql, i, cur);
          const bytes = enc(v);
          qlReplace(a, cur, bytes, 0, bytes.length);
          model[i] = v;
        } else if (op < 0.87) {
          const i = Math.floor(r() * model.length);
          const after = r() < 0.5;
          const v = small();
          qlSeek(a, ql, i, cur);
          const bytes = enc(v);
          qlInsert(a, ql, cur, after, bytes, 0, bytes.length);
          model.splice(after ? i + 1 : i, 0, v);
        } else if (op < 0.92) {
          const n = Math.floor(r() * 8);
          qlDeleteRange(a, ql, 0, n);
          model.splice(0, n);
        } else if (op < 0.94) {
          const copy = qlClone(a, ql, b);
          qlVerify(b, copy);
          expect(contents(b, copy)).toEqual(model);
          qlFree(b, copy);
        } else {
          // A popped element pushed back at the head (LMOVE) from the scratch copy.
          if (model.length > 0) {
            qlLast(a, ql, cur);
            const n = copyEntry(a, cur);
            qlDelete(a, ql, cur, false);
            qlPush(a, ql, true, entryScratch(), 0, n);
            model.unshift(model.pop()!);
          }
        }
        qlVerify(a, ql);
        if (step % 20 === 0) {
          expect(contents(a, ql)).toEqual(model);
          expect(contentsBackward(a, ql)).toEqual(model);
        }
      }
      expect(contents(a, ql)).toEqual(model);
      qlFree(a, ql);
      expect(a.liveBlocks).toBe(blocksBefore);
      expect(b.liveBlocks).toBe(0);
    }
  });

  it('takes no more arena memory for a list built at the head than for one built at the tail', () => {
    for (const [fill, n, value] of [[-2, 20000, 'xxx'], [-2, 300, 'element:000000012345'], [5, 1000, 'abc'], [-1, 5000, '12345']] as const) {
      const a = ShardArena.create();
      const base = a.liveBytes;
      const tail = qlNew(a, fill);
      for (let i = 0; i < n; i++) push(a, tail, false, value);
      const tailBytes = a.liveBytes - base;
      const head = qlNew(a, fill);
      for (let i = 0; i < n; i++) push(a, head, true, value);
      const headBytes = a.liveBytes - base - tailBytes;
      qlVerify(a, head);
      // The same node layout, and head room only ever taken from what a size class rounds up.
      expect(qlNodeCount(a, head)).toBe(qlNodeCount(a, tail));
      expect(headBytes).toBeLessThanOrEqual(tailBytes);
      qlFree(a, tail);
      qlFree(a, head);
      expect(a.liveBytes).toBe(base);
    }
  });

  it('finds the next equal element forward across nodes, integers by their text', () => {
    const pool = ['7', '007', '-7', '127', '128', 'x', '', 'yy', '9007199254740993', '-0', '70000', 'z'.repeat(70)];
    for (let seed = 1; seed <= 5; seed++) {
      const next = rng(seed);
      const a = ShardArena.create();
      const ql = qlNew(a, [1, 2, 5, -1, -2][seed - 1]);
      const model: string[] = [];
      for (let i = 0; i < 300; i++) {
        const s = pool[Math.floor(next() * pool.length)];
        push(a, ql, false, s);
        model.push(s);
      }
      const cur = new QuicklistCursor();
      for (let t = 0; t < 200; t++) {
        const start = Math.floor(next() * model.length);
        const want = pool[Math.floor(next() * pool.length)];
        qlSeek(a, ql, start, cur);
        const b = enc(want);
        const found = qlFindForward(a, cur, b, 0, b.length);
        const index = model.indexOf(want, start);
        expect(found).toBe(index >= 0);
        if (found) {
          expect(readAt(a, cur)).toBe(want);
          // The cursor is on the model's first match: as many elements follow it.
          let after = 0;
          const probe = new QuicklistCursor();
          probe.node = cur.node;
          probe.pos = cur.pos;
          while (qlNext(a, probe)) after++;
          expect(after).toBe(model.length - 1 - index);
        } else {
          expect(cur.node).toBe(0);
        }
      }
    }
  });
});
