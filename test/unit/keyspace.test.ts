import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import { ShardKeyspace, ValueType } from '../../src/storage/keyspace.js';

function fresh(): ShardKeyspace {
  const arena = ShardArena.create(1 << 16);
  ShardKeyspace.format(arena, 16, 12345);
  return new ShardKeyspace(arena, 0);
}

const enc = new TextEncoder();

function put(ks: ShardKeyspace, db: number, key: string, value: string): number {
  const k = enc.encode(key);
  const v = enc.encode(value);
  const e = ks.newEntry(k, 0, k.length, ValueType.String, v.length);
  ks.arena.u8.set(v, ks.valueStart(e));
  ks.setValueWord(e, v.length);
  ks.link(db, e);
  return e;
}

function find(ks: ShardKeyspace, db: number, key: string): number {
  const k = enc.encode(key);
  return ks.find(db, k, 0, k.length);
}

function value(ks: ShardKeyspace, e: number): string {
  const s = ks.valueStart(e);
  return new TextDecoder().decode(ks.arena.u8.subarray(s, s + ks.valueWord(e)));
}

describe('ShardKeyspace', () => {
  it('stores, finds and removes keys through incremental rehashing', () => {
    const ks = fresh();
    const n = 20000;
    for (let i = 0; i < n; i++) put(ks, 0, `key:${i}`, `value:${i}`);
    expect(ks.count(0)).toBe(n);
    for (let i = 0; i < n; i += 97) expect(value(ks, find(ks, 0, `key:${i}`))).toBe(`value:${i}`);
    expect(find(ks, 0, 'missing')).toBe(0);
    expect(find(ks, 1, 'key:1')).toBe(0);
    for (let i = 0; i < n; i += 2) ks.remove(0, find(ks, 0, `key:${i}`));
    expect(ks.count(0)).toBe(n / 2);
    for (let i = 0; i < n; i++) expect(find(ks, 0, `key:${i}`) !== 0).toBe(i % 2 === 1);
  });

  it('hashes keys with murmur3 (x86, 32-bit) under the server seed, at any offset', () => {
    const seeded = (seed: number): ShardKeyspace => {
      const arena = ShardArena.create(1 << 16);
      ShardKeyspace.format(arena, 1, seed);
      return new ShardKeyspace(arena, 0);
    };
    const h = (ks: ShardKeyspace, s: string): number => {
      const b = Buffer.from(`..${s}`, 'latin1');
      return ks.hash(b, 2, b.length - 2);
    };
    // Reference values of MurmurHash3_x86_32 (Austin Appleby's SMHasher).
    expect(h(seeded(0), '')).toBe(0);
    expect(h(seeded(1), '')).toBe(0x514e28b7);
    expect(h(seeded(0xffffffff), '')).toBe(0x81f16f39);
    expect(h(seeded(0), 'hello')).toBe(0x248bfa47);
    expect(h(seeded(0), 'Hello, world!')).toBe(0xc0363e43);
    expect(h(seeded(0x9747b28c), 'The quick brown fox jumps over the lazy dog')).toBe(0x2fa826cd);
    expect(h(seeded(0), 'a')).toBe(0x3c2569b2);
    expect(h(seeded(0), 'ab')).toBe(0x9bbfd75f);
    expect(h(seeded(0), 'abc')).toBe(0xb3dd93fa);
    expect(h(seeded(0), 'abcd')).toBe(0x43ed676a);
    expect(h(seeded(1), 'hello')).not.toBe(h(seeded(0), 'hello'));
  });

  it('shrinks when emptied and frees all memory on flush', () => {
    const ks = fresh();
    const before = ks.arena.liveBlocks;
    for (let i = 0; i < 5000; i++) put(ks, 3, `k${i}`, 'v');
    for (let i = 0; i < 4990; i++) ks.remove(3, find(ks, 3, `k${i}`));
    expect(ks.count(3)).toBe(10);
    expect(ks.flush(3)).toBe(10);
    expect(ks.count(3)).toBe(0);
    expect(ks.arena.liveBlocks).toBe(before);
  });

  it('scans every key present for the whole scan at least once, across resizes', () => {
    const ks = fresh();
    for (let i = 0; i < 1000; i++) put(ks, 0, `stable:${i}`, 'x');
    const seen = new Set<string>();
    let cursor = 0;
    let step = 0;
    do {
      cursor = ks.scanStep(0, cursor, (e) => seen.add(new TextDecoder().decode(ks.keyBytes(e))));
      // Grow and shrink the table while scanning.
      if (step < 300) put(ks, 0, `churn:${step}`, 'y');
      else if (step < 600) {
        const e = find(ks, 0, `churn:${step - 300}`);
        if (e) ks.remove(0, e);
      }
      step++;
    } while (cursor !== 0);
    for (let i = 0; i < 1000; i++) expect(seen.has(`stable:${i}`)).toBe(true);
  });

  it('tracks expiry counts and moves entries that outgrow their block', () => {
    const ks = fresh();
    const e = put(ks, 0, 'a', 'short');
    ks.setExpire(0, e, Date.now() + 1000);
    expect(ks.expiresCount(0)).toBe(1);
    const moved = ks.resizeEntry(0, e, 5000, 5);
    expect(ks.expireOf(moved)).toBeGreaterThan(0);
    expect(ks.expiresCount(0)).toBe(1);
    expect(find(ks, 0, 'a')).toBe(moved);
    ks.setExpire(0, moved, 0);
    expect(ks.expiresCount(0)).toBe(0);
    expect(ks.count(0)).toBe(1);
  });

  it('expires keys in the active cycle and swaps databases', () => {
    const ks = fresh();
    for (let i = 0; i < 100; i++) ks.setExpire(0, put(ks, 0, `t${i}`, 'v'), 1);
    put(ks, 0, 'keep', 'v');
    let expired = 0;
    for (let r = 0; r < 50 && ks.count(0) > 1; r++) expired += ks.expireCycle(0, Date.now(), 64, () => {})[1];
    expect(expired).toBe(100);
    expect(ks.count(0)).toBe(1);
    ks.swap(0, 5);
    expect(ks.count(0)).toBe(0);
    expect(ks.count(5)).toBe(1);
  });

  it('returns random entries from a non-empty database', () => {
    const ks = fresh();
    expect(ks.randomEntry(0)).toBe(0);
    for (let i = 0; i < 50; i++) put(ks, 0, `r${i}`, 'v');
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(ks.randomEntry(0));
    expect(seen.size).toBeGreaterThan(30);
  });
});
