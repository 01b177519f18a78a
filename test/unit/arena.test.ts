import { describe, it, expect } from 'vitest';
import { ShardArena, CLASS_SIZE, classOf } from '../../src/storage/arena.js';

describe('ShardArena', () => {
  it('size classes grow by at most 25% and cover the sizes asked for', () => {
    for (let i = 1; i < CLASS_SIZE.length; i++) {
      expect(CLASS_SIZE[i]).toBeGreaterThan(CLASS_SIZE[i - 1]);
      if (CLASS_SIZE[i - 1] >= 64) expect(CLASS_SIZE[i] / CLASS_SIZE[i - 1]).toBeLessThanOrEqual(1.25 + 1e-9);
    }
    for (const size of [1, 16, 17, 63, 64, 65, 100, 4096, 4097, 100000, 1 << 24]) {
      expect(CLASS_SIZE[classOf(size)]).toBeGreaterThanOrEqual(size);
      if (classOf(size) > 0) expect(CLASS_SIZE[classOf(size) - 1]).toBeLessThan(size);
    }
  });

  it('allocates aligned, disjoint blocks and reuses freed ones', () => {
    const a = ShardArena.create(1 << 16);
    const blocks = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const size = 1 + ((i * 37) % 300);
      const addr = a.alloc(size);
      expect(addr % 4).toBe(0);
      expect(a.usableSize(addr)).toBeGreaterThanOrEqual(size);
      a.u8.fill(i & 255, addr, addr + size);
      blocks.set(addr, size);
    }
    let k = 0;
    for (const [addr, size] of blocks) {
      const expected = k++ & 255;
      for (let j = 0; j < size; j++) expect(a.u8[addr + j]).toBe(expected);
    }
    const live = a.liveBlocks;
    const [first, firstSize] = blocks.entries().next().value as [number, number];
    a.free(first);
    expect(a.liveBlocks).toBe(live - 1);
    expect(a.alloc(firstSize)).toBe(first);
  });

  it('grows the shared buffer and keeps existing data, visible through another attachment', () => {
    const a = ShardArena.create(1 << 16);
    const addr = a.alloc(8);
    a.u8.set([1, 2, 3, 4, 5, 6, 7, 8], addr);
    const other = ShardArena.attach(a.sab);
    const big = a.alloc(5 << 20);
    expect(a.capacity).toBeGreaterThan(5 << 20);
    a.u8[big + (5 << 20) - 1] = 99;
    other.refresh();
    expect(Array.from(other.u8.subarray(addr, addr + 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(other.u8[big + (5 << 20) - 1]).toBe(99);
    const fromOther = other.alloc(16);
    expect(fromOther).not.toBe(addr);
    expect(a.liveBlocks).toBe(3);
  });

  it('realloc keeps the prefix', () => {
    const a = ShardArena.create();
    const p = a.alloc(10);
    a.u8.set([9, 8, 7], p);
    const q = a.realloc(p, 1000, 3);
    expect(Array.from(a.u8.subarray(q, q + 3))).toEqual([9, 8, 7]);
  });
});
