/**
 * moveBytes: memmove inside one Uint8Array, for the shard arena.
 *
 * The arena is a SharedArrayBuffer, and `copyWithin` on shared memory takes V8's slow path: measured
 * here (best of 5, 2 cores) 54 ns at 8 bytes, 970 ns at 512, 2.6 us at 4 KiB, where the addon's
 * memmove (native/src/memory.rs) costs a flat ~50 ns and a JS loop ~1 ns per byte. So: a loop below
 * 48 bytes, the addon above, and copyWithin (the twin, same result) when the addon is absent.
 * bench/README.md has the table.
 */
import { loadNative } from '../native/loader.js';

const LOOP_MAX = 48;

type Move = (u8: Uint8Array, dst: number, src: number, n: number) => void;

function copyWithinMove(u8: Uint8Array, dst: number, src: number, n: number): void {
  u8.copyWithin(dst, src, src + n);
}

const addon = loadNative();
const bigMove: Move = addon !== null && typeof addon.moveBytes === 'function' ? addon.moveBytes : copyWithinMove;

/** Copies `u8[src, src + n)` to `u8[dst, dst + n)`; the ranges may overlap. */
export function moveBytes(u8: Uint8Array, dst: number, src: number, n: number): void {
  if (n <= 0 || dst === src) return;
  if (n > LOOP_MAX) {
    bigMove(u8, dst, src, n);
    return;
  }
  if (dst > src) for (let i = n - 1; i >= 0; i--) u8[dst + i] = u8[src + i];
  else for (let i = 0; i < n; i++) u8[dst + i] = u8[src + i];
}

/** The TypeScript twin of the native move, for tests. */
export const moveBytesTwin: Move = copyWithinMove;
