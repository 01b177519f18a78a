/**
 * Intset: Redis's compact encoding for a set of integers, a sorted array of signed integers that all
 * share one width (2, 4 or 8 bytes), in one arena block.
 *
 * Invariants:
 * - Elements are distinct and strictly ascending, little-endian, each `width` bytes wide; `width` is
 *   the smallest of 2/4/8 that holds every element ever added (it never shrinks, as in Redis).
 * - Adding a value too wide for the current width upgrades the whole array in place; such a value is
 *   smaller or larger than every element, so it goes first (negative) or last (positive).
 * - Lookups are binary searches, so membership is O(log n); adds and removes move the tail, O(n) in
 *   the worst case, which bounds the encoding to `set-max-intset-entries` elements.
 *
 * 64-bit values are handled as two 32-bit halves (`hi` signed, `lo` unsigned: value = hi * 2^32 + lo)
 * so that no BigInt is made on the data path; 2- and 4-byte widths always fit in a JS number.
 *
 * Block layout (byte offsets from the root address, u32 little-endian):
 *   0 width (2, 4 or 8)   4 element count   8 elements
 */
import type { ShardArena } from './arena.js';
import { string2ll, string2llExact } from '../protocol/number-parse.js';
import { moveBytes } from './move-bytes.js';

const H_WIDTH = 0;
const H_LENGTH = 4;
export const INTSET_HEADER = 8;
const TWO32 = 4294967296;

/** A mutable int64 as two halves, reused by callers to receive values without allocating. */
export interface Int64 {
  /** High 32 bits, signed. */
  hi: number;
  /** Low 32 bits, unsigned. */
  lo: number;
}

// ---------------------------------------------------------------- int64 helpers

/**
 * Redis's string2ll (number-parse.ts decides what is an integer) with the result as halves: true, and
 * `out` filled, when the bytes are the canonical decimal text of a signed 64-bit integer. This is
 * the test Redis uses to decide whether a set member can live in an intset. No allocation unless
 * the value is beyond 2^53.
 */
export function parseInt64(buf: Uint8Array, off: number, len: number, out: Int64): boolean {
  const n = string2ll(buf, off, len);
  if (n === null) return false;
  if (Number.isSafeInteger(n)) {
    splitNumber(n, out);
    return true;
  }
  const big = string2llExact(buf, off, len)!;
  out.lo = Number(BigInt.asUintN(32, big));
  out.hi = Number(BigInt.asIntN(32, big >> 32n));
  return true;
}

/** Splits a safe integer into halves. */
export function splitNumber(v: number, out: Int64): void {
  const hi = Math.floor(v / TWO32);
  out.hi = hi;
  out.lo = v - hi * TWO32;
}

/** The decimal text of an int64 (as Redis's ll2string writes it). */
export function int64ToString(hi: number, lo: number): string {
  if (hi >= -2097152 && hi < 2097152) return String(hi * TWO32 + lo);
  return ((BigInt(hi) << 32n) + BigInt(lo)).toString();
}

/** -1, 0 or 1 as (aHi, aLo) is below, equal to or above (bHi, bLo). */
export function compareInt64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  if (aHi !== bHi) return aHi < bHi ? -1 : 1;
  if (aLo !== bLo) return aLo < bLo ? -1 : 1;
  return 0;
}

/** The narrowest intset width holding the value: 2, 4 or 8 bytes. */
export function widthOf(hi: number, lo: number): 2 | 4 | 8 {
  if (hi === 0) return lo <= 0x7fff ? 2 : lo <= 0x7fffffff ? 4 : 8;
  if (hi === -1) return lo >= 0xffff8000 ? 2 : lo >= 0x80000000 ? 4 : 8;
  return 8;
}

// ---------------------------------------------------------------- block access

/** A new, empty intset (width 2); returns its root address. */
export function intsetCreate(arena: ShardArena): number {
  const root = arena.alloc(INTSET_HEADER + 16);
  const u32 = arena.u32;
  u32[(root + H_WIDTH) >>> 2] = 2;
  u32[(root + H_LENGTH) >>> 2] = 0;
  return root;
}

export function intsetFree(arena: ShardArena, root: number): void {
  arena.free(root);
}

export function intsetLength(arena: ShardArena, root: number): number {
  return arena.u32[(root + H_LENGTH) >>> 2];
}

export function intsetWidth(arena: ShardArena, root: number): number {
  return arena.u32[(root + H_WIDTH) >>> 2];
}

/** Bytes the intset's blob takes (header and elements): MEMORY USAGE and RDB sizes. */
export function intsetBlobBytes(arena: ShardArena, root: number): number {
  return INTSET_HEADER + intsetLength(arena, root) * intsetWidth(arena, root);
}

/** Element `i` of a 2- or 4-byte wide intset as a number. Hot path. */
function readNarrow(arena: ShardArena, root: number, width: number, i: number): number {
  if (width === 2) {
    const p = root + INTSET_HEADER + 2 * i;
    const u8 = arena.u8;
    return ((u8[p] | (u8[p + 1] << 8)) << 16) >> 16;
  }
  return arena.i32[(root + INTSET_HEADER + 4 * i) >>> 2];
}

/** Element `i` (0-based, ascending order) into `out`. */
export function intsetGet(arena: ShardArena, root: number, i: number, out: Int64): void {
  const width = intsetWidth(arena, root);
  if (width === 8) {
    const w = (root + INTSET_HEADER + 8 * i) >>> 2;
    out.lo = arena.u32[w];
    out.hi = arena.i32[w + 1];
  } else {
    const v = readNarrow(arena, root, width, i);
    out.lo = v >>> 0;
    out.hi = v < 0 ? -1 : 0;
  }
}

/** Element `i` as decimal text. */
export function intsetGetText(arena: ShardArena, root: number, i: number): string {
  const width = intsetWidth(arena, root);
  if (width !== 8) return String(readNarrow(arena, root, width, i));
  const w = (root + INTSET_HEADER + 8 * i) >>> 2;
  return int64ToString(arena.i32[w + 1], arena.u32[w]);
}

function write(arena: ShardArena, root: number, width: number, i: number, hi: number, lo: number): void {
  if (width === 8) {
    const w = (root + INTSET_HEADER + 8 * i) >>> 2;
    arena.u32[w] = lo;
    arena.i32[w + 1] = hi;
  } else if (width === 4) {
    arena.u32[(root + INTSET_HEADER + 4 * i) >>> 2] = lo;
  } else {
    const p = root + INTSET_HEADER + 2 * i;
    arena.u8[p] = lo & 0xff;
    arena.u8[p + 1] = (lo >>> 8) & 0xff;
  }
}

/**
 * Binary search for (hi, lo) in an intset whose width holds it: the index of the value when found
 * (>= 0), else -(insertion index) - 1. Hot path.
 */
function search(arena: ShardArena, root: number, width: number, hi: number, lo: number): number {
  const length = intsetLength(arena, root);
  let low = 0;
  let high = length - 1;
  if (width === 8) {
    const u32 = arena.u32;
    const i32 = arena.i32;
    const base = (root + INTSET_HEADER) >>> 2;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const mHi = i32[base + 2 * mid + 1];
      const mLo = u32[base + 2 * mid];
      if (mHi < hi || (mHi === hi && mLo < lo)) low = mid + 1;
      else if (mHi === hi && mLo === lo) return mid;
      else high = mid - 1;
    }
    return -low - 1;
  }
  const v = hi * TWO32 + lo;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const m = readNarrow(arena, root, width, mid);
    if (m < v) low = mid + 1;
    else if (m > v) high = mid - 1;
    else return mid;
  }
  return -low - 1;
}

export function intsetFind(arena: ShardArena, root: number, hi: number, lo: number): boolean {
  const width = intsetWidth(arena, root);
  if (widthOf(hi, lo) > width) return false;
  return search(arena, root, width, hi, lo) >= 0;
}

/**
 * Adds (hi, lo). Returns the intset's root address afterwards (the block may move), or 0 when the
 * value was already present (nothing changed).
 */
export function intsetAdd(arena: ShardArena, root: number, hi: number, lo: number): number {
  const width = intsetWidth(arena, root);
  const need = widthOf(hi, lo);
  const length = intsetLength(arena, root);
  if (need > width) return upgradeAndAdd(arena, root, width, need, length, hi, lo);
  const found = search(arena, root, width, hi, lo);
  if (found >= 0) return 0;
  const at = -found - 1;
  root = arena.realloc(root, INTSET_HEADER + (length + 1) * width, INTSET_HEADER + length * width);
  const from = root + INTSET_HEADER + at * width;
  if (at < length) moveBytes(arena.u8, from + width, from, root + INTSET_HEADER + length * width - from);
  write(arena, root, width, at, hi, lo);
  arena.u32[(root + H_LENGTH) >>> 2] = length + 1;
  return root;
}

/** Widens every element to `next` bytes and adds a value outside the current range at an end. */
function upgradeAndAdd(arena: ShardArena, root: number, width: number, next: number, length: number, hi: number, lo: number): number {
  root = arena.realloc(root, INTSET_HEADER + (length + 1) * next, INTSET_HEADER + length * width);
  const prepend = hi < 0 ? 1 : 0;
  // Back to front: each element's new slot starts at or after its old one, so nothing is overwritten early.
  for (let i = length - 1; i >= 0; i--) {
    const v = readNarrow(arena, root, width, i);
    write(arena, root, next, i + prepend, v < 0 ? -1 : 0, v >>> 0);
  }
  write(arena, root, next, prepend ? 0 : length, hi, lo);
  const u32 = arena.u32;
  u32[(root + H_WIDTH) >>> 2] = next;
  u32[(root + H_LENGTH) >>> 2] = length + 1;
  return root;
}

/** Removes (hi, lo); true when it was present. The block never moves. */
export function intsetRemove(arena: ShardArena, root: number, hi: number, lo: number): boolean {
  const width = intsetWidth(arena, root);
  if (widthOf(hi, lo) > width) return false;
  const at = search(arena, root, width, hi, lo);
  if (at < 0) return false;
  const length = intsetLength(arena, root);
  const from = root + INTSET_HEADER + at * width;
  moveBytes(arena.u8, from, from + width, root + INTSET_HEADER + length * width - from - width);
  arena.u32[(root + H_LENGTH) >>> 2] = length - 1;
  return true;
}

/** Index of a uniformly random element (the intset must not be empty). */
export function intsetRandomIndex(arena: ShardArena, root: number): number {
  return Math.floor(Math.random() * intsetLength(arena, root));
}

/** A copy of the intset in arena `dst` (which may be `src`). */
export function intsetClone(src: ShardArena, root: number, dst: ShardArena): number {
  const bytes = intsetBlobBytes(src, root);
  const copy = dst.alloc(Math.max(bytes, INTSET_HEADER + 16));
  if (dst === src) moveBytes(dst.u8, copy, root, bytes);
  else dst.u8.set(src.u8.subarray(root, root + bytes), copy);
  return copy;
}
