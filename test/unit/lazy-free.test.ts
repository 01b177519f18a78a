import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import { ShardKeyspace, ValueType, Encoding, LAZYFREE_THRESHOLD } from '../../src/storage/keyspace.js';
import { qlNew, qlPush, qlCount, qlFirst, qlNext, qlRead, QuicklistCursor } from '../../src/storage/quicklist.js';
import { ListpackEntry } from '../../src/storage/listpack.js';
import { FieldKind, ftNew, ftInsert, ftInsertValue, ftCount, ftFind } from '../../src/storage/field-table.js';
import { ZSetRef, zsetCreate, zsetAdd, zsetLength } from '../../src/storage/zset-value.js';
import '../../src/storage/list-value.js';
import '../../src/storage/hash-value.js';
import '../../src/storage/set-value.js';
import '../../src/commands/zset.js';

const enc = new TextEncoder();
const LIMITS = { entries: 0, value: 0 };

function fresh(): ShardKeyspace {
  const arena = ShardArena.create(1 << 16);
  ShardKeyspace.format(arena, 16, 777);
  return new ShardKeyspace(arena, 0);
}

type Kind = 'list' | 'hash' | 'set' | 'zset';

/**
 * Builds a collection of `n` elements under `key` in db 0 (the big encodings) and links it. A list
 * gets 10x the elements: its free effort counts nodes (~500 elements each), as Redis's does.
 */
function build(ks: ShardKeyspace, kind: Kind, key: string, n: number, tag = ''): number {
  const a = ks.arena;
  if (kind === 'list') n *= 10;
  let root: number;
  let type: ValueType;
  let encoding: Encoding;
  if (kind === 'list') {
    root = qlNew(a, -2);
    for (let i = 0; i < n; i++) {
      const b = enc.encode(`${tag}element:${i}`);
      qlPush(a, root, false, b, 0, b.length);
    }
    type = ValueType.List;
    encoding = Encoding.QuickList;
  } else if (kind === 'hash') {
    const t = ftNew(a, FieldKind.Bytes);
    for (let i = 0; i < n; i++) {
      const f = enc.encode(`field:${i}`);
      const v = enc.encode(`${tag}value:${i}`);
      ftInsertValue(a, t, f, 0, f.length, v, 0, v.length);
    }
    root = t | 1;
    type = ValueType.Hash;
    encoding = Encoding.HashTable;
  } else if (kind === 'set') {
    const t = ftNew(a, FieldKind.None);
    for (let i = 0; i < n; i++) {
      const m = enc.encode(`${tag}member:${i}`);
      ftInsert(a, t, m, 0, m.length);
    }
    root = t | 1;
    type = ValueType.Set;
    encoding = Encoding.HashTable;
  } else {
    const z = zsetCreate(new ZSetRef(), a, n, 16, LIMITS);
    for (let i = 0; i < n; i++) {
      const m = enc.encode(`${tag}member:${i}`);
      zsetAdd(z, i, m, 0, m.length, 0, LIMITS);
    }
    root = z.root;
    type = ValueType.ZSet;
    encoding = Encoding.SkipList;
  }
  const k = enc.encode(key);
  const e = ks.newEntry(k, 0, k.length, type, 0);
  ks.setValueWord(e, root);
  ks.setEncoding(e, encoding);
  ks.link(0, e);
  return e;
}

function find(ks: ShardKeyspace, key: string): number {
  const k = enc.encode(key);
  return ks.find(0, k, 0, k.length);
}

function size(ks: ShardKeyspace, kind: Kind, e: number): number {
  const a = ks.arena;
  const root = ks.valueWord(e);
  if (kind === 'list') return qlCount(a, root);
  if (kind === 'zset') {
    const z = new ZSetRef();
    z.arena = a;
    z.enc = Encoding.SkipList;
    z.root = root;
    return zsetLength(z);
  }
  return ftCount(a, root & ~1);
}

/** Runs slices of `budget` until the queue is empty; checks each is bounded and memory only falls. */
function drain(ks: ShardKeyspace, budget: number): number {
  let slices = 0;
  let live = ks.arena.liveBytes;
  while (ks.hasLazyWork()) {
    const used = ks.lazyFreeSome(budget);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(budget + 2 * LAZYFREE_THRESHOLD + 8);
    expect(ks.arena.liveBytes).toBeLessThanOrEqual(live);
    live = ks.arena.liveBytes;
    slices++;
  }
  return slices;
}

const KINDS: Kind[] = ['list', 'hash', 'set', 'zset'];

describe('lazy freeing in the shard arena', () => {
  for (const kind of KINDS) {
    it(`a big ${kind} is unlinked at once and freed in bounded slices, returning every byte`, () => {
      const ks = fresh();
      ks.table(0);
      const bytes0 = ks.arena.liveBytes;
      const blocks0 = ks.arena.liveBlocks;
      const e = build(ks, kind, 'big', 20000);
      const full = ks.arena.liveBytes;
      ks.remove(0, e, true);
      expect(find(ks, 'big')).toBe(0);
      expect(ks.count(0)).toBe(0);
      expect(ks.hasLazyWork()).toBe(true);
      expect(ks.lazyPending()).toBe(1);
      expect(ks.arena.liveBytes).toBeGreaterThan(bytes0 + (full - bytes0) / 2);
      const slices = drain(ks, 64);
      expect(slices).toBeGreaterThan(10);
      expect(ks.lazyPending()).toBe(0);
      expect(ks.lazyFreed()).toBe(1);
      expect(ks.arena.liveBytes).toBe(bytes0);
      expect(ks.arena.liveBlocks).toBe(blocks0);
    });

    it(`a ${kind} re-created under the same name while the old one is being freed is unaffected`, () => {
      const ks = fresh();
      ks.table(0);
      const bytes0 = ks.arena.liveBytes;
      const old = build(ks, kind, 'k', 5000, 'old-');
      ks.remove(0, old, true);
      ks.lazyFreeSome(40);
      ks.lazyFreeSome(40);
      expect(ks.hasLazyWork()).toBe(true);
      build(ks, kind, 'k', 3000, 'new-');
      drain(ks, 150);
      const e = find(ks, 'k');
      expect(e).not.toBe(0);
      expect(size(ks, kind, e)).toBe(kind === 'list' ? 30000 : 3000);
      if (kind === 'list') {
        const cur = new QuicklistCursor();
        const entry = new ListpackEntry();
        let i = 0;
        for (let more = qlFirst(ks.arena, ks.valueWord(e), cur); more; more = qlNext(ks.arena, cur), i++) {
          qlRead(ks.arena, cur, entry);
          expect(Buffer.from(ks.arena.u8.subarray(entry.start, entry.start + entry.length)).toString()).toBe(`new-element:${i}`);
        }
        expect(i).toBe(30000);
      }
      if (kind === 'set') {
        const m = enc.encode('new-member:2999');
        expect(ftFind(ks.arena, ks.valueWord(e) & ~1, m, 0, m.length)).not.toBe(0);
      }
      ks.remove(0, e, false);
      expect(ks.arena.liveBytes).toBe(bytes0);
    });
  }

  it('small values are freed at once, lazy or not', () => {
    const ks = fresh();
    ks.table(0);
    const bytes0 = ks.arena.liveBytes;
    const e = build(ks, 'set', 's', LAZYFREE_THRESHOLD);
    ks.remove(0, e, true);
    expect(ks.hasLazyWork()).toBe(false);
    expect(ks.lazyFreed()).toBe(0);
    expect(ks.arena.liveBytes).toBe(bytes0);
  });

  it('an asynchronous flush swaps in an empty table at once and frees the old one in slices', () => {
    const ks = fresh();
    const bytes0 = ks.arena.liveBytes;
    for (let i = 0; i < 3000; i++) {
      const k = enc.encode(`key:${i}`);
      const e = ks.newEntry(k, 0, k.length, ValueType.String, 0);
      ks.link(0, e);
    }
    build(ks, 'hash', 'bighash', 10000);
    build(ks, 'list', 'biglist', 3000);
    expect(ks.flushLazy(0)).toBe(3002);
    expect(ks.count(0)).toBe(0);
    expect(find(ks, 'bighash')).toBe(0);
    expect(ks.lazyPending()).toBe(3002);
    // The new table takes writes while the old one is freed.
    build(ks, 'zset', 'fresh', 100);
    const slices = drain(ks, 256);
    expect(slices).toBeGreaterThan(10);
    expect(ks.lazyPending()).toBe(0);
    expect(ks.lazyFreed()).toBe(3002);
    expect(ks.count(0)).toBe(1);
    expect(size(ks, 'zset', find(ks, 'fresh'))).toBe(100);
    ks.flush(0);
    expect(ks.arena.liveBytes).toBe(bytes0);
  });
});
