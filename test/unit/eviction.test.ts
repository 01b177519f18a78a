import { describe, it, expect, vi, afterEach } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import { ShardKeyspace, ValueType } from '../../src/storage/keyspace.js';
import { lfuDecayedCounter, lfuInitial, lfuTouch, lruIdleMs, lruClock } from '../../src/commands/context.js';
import { evictionTimeLimitUs } from '../../src/server/eviction.js';

function fresh(): ShardKeyspace {
  const arena = ShardArena.create(1 << 16);
  ShardKeyspace.format(arena, 16, 777);
  return new ShardKeyspace(arena, 0);
}

function put(ks: ShardKeyspace, db: number, key: string, expireAt = 0): number {
  const k = new TextEncoder().encode(key);
  const e = ks.newEntry(k, 0, k.length, ValueType.String, 1);
  ks.setValueWord(e, 1);
  if (expireAt !== 0) ks.setExpireDetached(e, expireAt);
  ks.link(db, e);
  return e;
}

const MINUTE = 60_000;
/** A time whose minute counter (16 bits) is `m`. */
const atMinute = (m: number) => m * MINUTE + 1234;
const lfuWord = (minute: number, counter: number) => (minute << 8) | counter;

describe('LFU counter (Redis LFULogIncr / LFUDecrAndReturn)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a new key starts at LFU_INIT_VAL 5 with the current minute', () => {
    expect(lfuInitial(atMinute(100))).toBe(lfuWord(100, 5));
  });

  it('increments with probability 1 / ((counter - 5) * lfu-log-factor + 1)', () => {
    const random = vi.spyOn(Math, 'random');
    random.mockReturnValue(0.999);
    // At or below the initial value the probability is 1.
    expect(lfuTouch(lfuWord(7, 3), atMinute(7), 10, 1) & 255).toBe(4);
    expect(lfuTouch(lfuWord(7, 5), atMinute(7), 10, 1) & 255).toBe(6);
    // Counter 6, factor 10: p = 1/11.
    random.mockReturnValue(1 / 11 - 1e-9);
    expect(lfuTouch(lfuWord(7, 6), atMinute(7), 10, 1) & 255).toBe(7);
    random.mockReturnValue(1 / 11 + 1e-9);
    expect(lfuTouch(lfuWord(7, 6), atMinute(7), 10, 1) & 255).toBe(6);
    // Counter 15, factor 100: p = 1/1001.
    random.mockReturnValue(1 / 1001 - 1e-9);
    expect(lfuTouch(lfuWord(7, 15), atMinute(7), 100, 1) & 255).toBe(16);
    random.mockReturnValue(1 / 1001 + 1e-9);
    expect(lfuTouch(lfuWord(7, 15), atMinute(7), 100, 1) & 255).toBe(15);
    // Saturates at 255.
    random.mockReturnValue(0);
    expect(lfuTouch(lfuWord(7, 255), atMinute(7), 0, 1) & 255).toBe(255);
    // The access time becomes the current minute.
    expect(lfuTouch(lfuWord(3, 9), atMinute(7), 10, 0) >>> 8).toBe(7);
  });

  it('decays by one per lfu-decay-time minutes elapsed, down to 0, with 16-bit minute wrap-around', () => {
    expect(lfuDecayedCounter(lfuWord(100, 10), atMinute(103), 1)).toBe(7);
    expect(lfuDecayedCounter(lfuWord(100, 10), atMinute(103), 2)).toBe(9);
    expect(lfuDecayedCounter(lfuWord(100, 10), atMinute(103), 0)).toBe(10);
    expect(lfuDecayedCounter(lfuWord(100, 2), atMinute(103), 1)).toBe(0);
    // Last access at minute 65530, now minute 4 of the next cycle: 65535 - 65530 + 4 = 9 minutes.
    expect(lfuDecayedCounter(lfuWord(65530, 20), atMinute(65536 + 4), 1)).toBe(11);
  });

  it('a touch decays first, then increments', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    // 10 decays to 7 after 3 minutes; at 7 (> 5) p = 1/21 < 0.999: no increment.
    expect(lfuTouch(lfuWord(100, 10), atMinute(103), 10, 1)).toBe(lfuWord(103, 7));
  });
});

describe('LRU clock', () => {
  it('counts seconds in 24 bits and measures idle time across its wrap-around', () => {
    expect(lruClock(5_000)).toBe(5);
    expect(lruIdleMs(lruClock(10_000), 15_500)).toBe(5000);
    // Across the wrap Redis's estimateObjectIdleTime counts one tick less: (clock + (MAX - lru)) s.
    const max = (1 << 24) - 1;
    expect(lruIdleMs(max - 2, (max + 3) * 1000)).toBe(4000);
  });
});

describe('eviction time limit (maxmemory-eviction-tenacity)', () => {
  it('is Redis evictionTimeLimitUs: linear to 500 us at 10, then +15% per step, unlimited at 100', () => {
    expect(evictionTimeLimitUs(0)).toBe(0);
    expect(evictionTimeLimitUs(1)).toBe(50);
    expect(evictionTimeLimitUs(10)).toBe(500);
    expect(evictionTimeLimitUs(11)).toBe(575);
    expect(evictionTimeLimitUs(20)).toBe(Math.floor(500 * 1.15 ** 10));
    expect(evictionTimeLimitUs(99)).toBe(Math.floor(500 * 1.15 ** 89));
    expect(evictionTimeLimitUs(100)).toBe(Infinity);
  });
});

describe('ShardKeyspace.sampleEntries', () => {
  it('samples up to the asked count, and only keys with an expiry when volatile', () => {
    const ks = fresh();
    const volatile = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const e = put(ks, 0, `k:${i}`, i % 10 === 0 ? 1e13 + i : 0);
      if (i % 10 === 0) volatile.add(e);
    }
    const out: number[] = [];
    for (let round = 0; round < 50; round++) {
      out.length = 0;
      expect(ks.sampleEntries(0, 5, false, 50, out)).toBe(5);
      expect(new Set(out).size).toBe(5);
      out.length = 0;
      const n = ks.sampleEntries(0, 5, true, 5 * 10 * 10, out);
      expect(n).toBeGreaterThan(0);
      for (const e of out) expect(volatile.has(e)).toBe(true);
    }
    out.length = 0;
    expect(ks.sampleEntries(1, 5, false, 50, out)).toBe(0);
    expect(ks.sampleEntries(0, 5, true, 0, out)).toBe(0);
  });

  it('samples a table in the middle of a rehash', () => {
    const ks = fresh();
    const all = new Set<number>();
    // Growing past a power of two starts a rehash that moves one bucket per write.
    for (let i = 0; i < 1030; i++) all.add(put(ks, 0, `k:${i}`));
    const out: number[] = [];
    let total = 0;
    for (let round = 0; round < 100; round++) {
      out.length = 0;
      total += ks.sampleEntries(0, 5, false, 50, out);
      for (const e of out) expect(all.has(e)).toBe(true);
    }
    // The new table is still sparse, so a walk may come back short (as Redis's dictGetSomeKeys).
    expect(total).toBeGreaterThan(400);
  });
});
