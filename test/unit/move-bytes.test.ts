import { describe, it, expect } from 'vitest';
import { moveBytes, moveBytesTwin } from '../../src/storage/move-bytes.js';
import { loadNative } from '../../src/native/loader.js';

function filled(n: number, shared: boolean): Uint8Array {
  const u = new Uint8Array(shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
  for (let i = 0; i < n; i++) u[i] = (i * 131 + 7) & 255;
  return u;
}

describe('moveBytes', () => {
  it('matches copyWithin for overlapping and disjoint moves of every size class, on shared and plain memory', () => {
    let seed = 12345;
    const rand = (m: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % m;
    };
    for (const shared of [true, false]) {
      for (let round = 0; round < 2000; round++) {
        const size = 64 + rand(9000);
        const n = rand(size);
        const src = rand(size - n + 1);
        const dst = rand(size - n + 1);
        const a = filled(size, shared);
        const b = filled(size, false);
        moveBytes(a, dst, src, n);
        b.copyWithin(dst, src, src + n);
        expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
      }
    }
  });

  it('the native move equals its TypeScript twin and rejects ranges outside the array', () => {
    const addon = loadNative();
    if (addon === null) return;
    for (const [dst, src, n] of [[10, 0, 500], [0, 10, 500], [100, 100, 50], [0, 4000, 96]]) {
      const a = filled(4096, true);
      const b = filled(4096, true);
      addon.moveBytes(a, dst, src, n);
      moveBytesTwin(b, dst, src, n);
      expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    }
    expect(() => addon.moveBytes(filled(100, true), 60, 0, 50)).toThrow(RangeError);
    expect(() => addon.moveBytes(filled(100, true), 0, 60, 50)).toThrow(RangeError);
  });
});
