/**
 * Listpack: a packed sequence of entries (each a byte string or an integer) in one arena block, the
 * small encoding of hashes, lists (quicklist nodes), sets and sorted sets, as Redis's listpack.
 *
 * ## Public API (all functions take the shard's arena; `lp` is the block's address)
 *
 * Positions: an entry is named by its byte offset from `lp` (a "pos"), so positions survive the block
 * moving. Pos 0 means "no entry" (offset 0 is the header). `lpBytes(a, lp)` is the end position: the
 * pos one past the last entry, valid as an insertion point (append).
 *
 * Every mutation may move the block and returns the (possibly new) `lp`; the caller stores it back
 * (in a key's value word, a quicklist node, ...). Mutations allocate, so re-read `arena.u8` after them.
 *
 *   lpNew(a, capacity = 0)                       new empty listpack (room for `capacity` payload bytes)
 *   lpFree(a, lp)                                free the block
 *   lpClone(src, lp, dst)                        deep copy into arena `dst` (may equal `src`)
 *   lpCount(a, lp)                               number of entries (O(1))
 *   lpBytes(a, lp)                               bytes used, header included (O(1)); also the end pos
 *   lpFirst(a, lp) / lpLast(a, lp)               pos of first / last entry, 0 if empty
 *   lpNext(a, lp, pos) / lpPrev(a, lp, pos)      following / preceding entry, 0 past either end
 *   lpSeek(a, lp, index)                         pos of entry `index` (negative counts from the end), 0 if out of range
 *   lpIsInt(a, lp, pos)                          true if the entry is stored as an integer
 *   lpInt(a, lp, pos)                            an integer entry's value (a safe integer)
 *   lpStrStart(a, lp, pos) / lpStrLength(a, lp, pos)   a string entry's bytes: absolute address in a.u8, length
 *   lpRead(a, lp, pos, out: ListpackEntry)       fills a reusable record with either of the above
 *   lpEntryBytes(a, lp, pos)                     entry as a new Uint8Array (integers as decimal text); allocates
 *   lpEntryEquals(a, lp, pos, buf, off, len)     does the entry equal this byte string (integers compare as text)
 *   lpFind(a, lp, startPos, buf, off, len, skip) first entry at or after startPos equal to the bytes, looking at
 *                                                every (skip+1)-th entry (skip 1 = keys of a key/value listpack); 0 if none
 *   lpValidInt(buf, off, len)                    the integer a byte string encodes canonically, or NaN
 *
 *   lpAppend(a, lp, buf, off, len)    -> lp     add a byte string at the end (stored as an integer if canonical)
 *   lpAppendInt(a, lp, n)             -> lp     add an integer at the end (a safe integer)
 *   lpPrepend(a, lp, buf, off, len)   -> lp     add at the front
 *   lpInsert(a, lp, pos, buf, off, len) -> lp   insert before the entry at pos (pos = lpBytes: append);
 *                                               the new entry is then at `pos`
 *   lpInsertInt(a, lp, pos, n)        -> lp
 *   lpReplace(a, lp, pos, buf, off, len) -> lp  replace the entry at pos; it stays at `pos`
 *   lpReplaceInt(a, lp, pos, n)       -> lp
 *   lpDelete(a, lp, pos)              -> lp     remove the entry at pos; the following entry is then at `pos`
 *   lpDeleteRange(a, lp, pos, count)  -> lp     remove `count` entries from pos (fewer if the list ends)
 *
 * Strings given as (buf, off, len) may live in the arena itself (`a.u8`): growth never moves a
 * SharedArrayBuffer's memory, so an old view stays valid; but the source must not be inside `lp`'s
 * own block when that block is the one being changed.
 *
 * ## Layout
 *
 *   0  u32 total bytes (header included)     4  u32 entry count     8  entries...
 *
 * An entry is an encoding tag, a payload, and a back-length (the size of tag+payload, written so it
 * can be read from its last byte backwards, as Redis's), which is what makes backward iteration work:
 *
 *   0x00-0x7f           integer 0..127, no payload
 *   0x80-0xbf           string of 0..63 bytes (length in the low 6 bits), bytes follow
 *   0xe0  u16 len       string of up to 65535 bytes
 *   0xe2  u32 len       longer string
 *   0xf1  i16 / 0xf2 i24 / 0xf3 i32 / 0xf4 i64 (lo u32, hi i32)   little-endian integers
 *
 * Integers are safe JS integers (|n| <= 2^53-1). A byte string is stored as an integer only when it
 * is that integer's canonical decimal text (no sign '+', no leading zeros, not "-0"), so reading an
 * entry back always yields the exact bytes stored. Strings such as "9223372036854775807" beyond the
 * safe range stay strings: the round trip is still exact.
 */
import type { ShardArena } from './arena.js';
import { moveBytes } from './move-bytes.js';

const H_TOTAL = 0;
const H_COUNT = 4;
export const LP_HEADER = 8;

const TAG_STR6 = 0x80;
const TAG_STR16 = 0xe0;
const TAG_STR32 = 0xe2;
const TAG_INT16 = 0xf1;
const TAG_INT24 = 0xf2;
const TAG_INT32 = 0xf3;
const TAG_INT64 = 0xf4;

const TWO32 = 4294967296;

/** A decoded entry, reused by callers to avoid allocation. */
export class ListpackEntry {
  /** True for integer entries: `value` holds the number; otherwise `start`/`length` address the bytes in a.u8. */
  isInt = false;
  value = 0;
  start = 0;
  length = 0;
}

// ------------------------------------------------------------------ header

export function lpNew(a: ShardArena, capacity = 0): number {
  const lp = a.alloc(LP_HEADER + capacity);
  writeU32(a.u8, lp + H_TOTAL, LP_HEADER);
  writeU32(a.u8, lp + H_COUNT, 0);
  return lp;
}

export function lpFree(a: ShardArena, lp: number): void {
  a.free(lp);
}

export function lpClone(src: ShardArena, lp: number, dst: ShardArena): number {
  const bytes = lpBytes(src, lp);
  const copy = dst.alloc(bytes);
  if (src === dst) moveBytes(dst.u8, copy, lp, bytes);
  else dst.u8.set(src.u8.subarray(lp, lp + bytes), copy);
  return copy;
}

export function lpCount(a: ShardArena, lp: number): number {
  return readU32(a.u8, lp + H_COUNT);
}

export function lpBytes(a: ShardArena, lp: number): number {
  return readU32(a.u8, lp + H_TOTAL);
}

// ------------------------------------------------------------------ navigation

export function lpFirst(a: ShardArena, lp: number): number {
  return readU32(a.u8, lp + H_TOTAL) > LP_HEADER ? LP_HEADER : 0;
}

export function lpLast(a: ShardArena, lp: number): number {
  const end = readU32(a.u8, lp + H_TOTAL);
  return end > LP_HEADER ? lpPrev(a, lp, end) : 0;
}

/** Hot path. */
export function lpNext(a: ShardArena, lp: number, pos: number): number {
  const u8 = a.u8;
  const size = encodedSize(u8, lp + pos);
  const next = pos + size + backlenSize(size);
  return next < readU32(u8, lp + H_TOTAL) ? next : 0;
}

/** Hot path. */
export function lpPrev(a: ShardArena, lp: number, pos: number): number {
  if (pos <= LP_HEADER) return 0;
  const u8 = a.u8;
  let p = lp + pos - 1;
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = u8[p];
    value += (b & 127) * scale;
    if ((b & 128) === 0) break;
    scale *= 128;
    p--;
  }
  return pos - value - backlenSize(value);
}

export function lpSeek(a: ShardArena, lp: number, index: number): number {
  const count = lpCount(a, lp);
  if (index < 0) index += count;
  if (index < 0 || index >= count) return 0;
  if (index < count / 2) {
    let pos = LP_HEADER;
    for (let i = 0; i < index; i++) pos = lpNext(a, lp, pos);
    return pos;
  }
  let pos = lpLast(a, lp);
  for (let i = count - 1; i > index; i--) pos = lpPrev(a, lp, pos);
  return pos;
}

// ------------------------------------------------------------------ reading entries

export function lpIsInt(a: ShardArena, lp: number, pos: number): boolean {
  const tag = a.u8[lp + pos];
  return tag < 0x80 || tag >= TAG_INT16;
}

export function lpInt(a: ShardArena, lp: number, pos: number): number {
  const u8 = a.u8;
  const p = lp + pos;
  const tag = u8[p];
  if (tag < 0x80) return tag;
  switch (tag) {
    case TAG_INT16:
      return ((u8[p + 1] | (u8[p + 2] << 8)) << 16) >> 16;
    case TAG_INT24:
      return ((u8[p + 1] | (u8[p + 2] << 8) | (u8[p + 3] << 16)) << 8) >> 8;
    case TAG_INT32:
      return u8[p + 1] | (u8[p + 2] << 8) | (u8[p + 3] << 16) | (u8[p + 4] << 24);
    case TAG_INT64:
      return readI32(u8, p + 5) * TWO32 + readU32(u8, p + 1);
    default:
      throw new Error('listpack: entry is not an integer');
  }
}

export function lpStrStart(a: ShardArena, lp: number, pos: number): number {
  const tag = a.u8[lp + pos];
  if (tag < TAG_STR16) return lp + pos + 1;
  return lp + pos + (tag === TAG_STR16 ? 3 : 5);
}

export function lpStrLength(a: ShardArena, lp: number, pos: number): number {
  const u8 = a.u8;
  const p = lp + pos;
  const tag = u8[p];
  if (tag < TAG_STR16) return tag & 63;
  return tag === TAG_STR16 ? u8[p + 1] | (u8[p + 2] << 8) : readU32(u8, p + 1);
}

/** Decodes the entry at pos into `out`. Hot path. */
export function lpRead(a: ShardArena, lp: number, pos: number, out: ListpackEntry): ListpackEntry {
  const tag = a.u8[lp + pos];
  if (tag < 0x80 || tag >= TAG_INT16) {
    out.isInt = true;
    out.value = lpInt(a, lp, pos);
    out.start = 0;
    out.length = 0;
  } else {
    out.isInt = false;
    out.value = 0;
    out.start = lpStrStart(a, lp, pos);
    out.length = lpStrLength(a, lp, pos);
  }
  return out;
}

/** The entry's bytes as a new array (integers as their decimal text). Allocates. */
export function lpEntryBytes(a: ShardArena, lp: number, pos: number): Uint8Array {
  if (lpIsInt(a, lp, pos)) return asciiBytes(String(lpInt(a, lp, pos)));
  const start = lpStrStart(a, lp, pos);
  return a.u8.slice(start, start + lpStrLength(a, lp, pos));
}

export function lpEntryEquals(a: ShardArena, lp: number, pos: number, buf: Uint8Array, off: number, len: number): boolean {
  if (lpIsInt(a, lp, pos)) {
    const n = lpValidInt(buf, off, len);
    return n === n && n === lpInt(a, lp, pos);
  }
  if (lpStrLength(a, lp, pos) !== len) return false;
  const start = lpStrStart(a, lp, pos);
  const u8 = a.u8;
  for (let i = 0; i < len; i++) if (u8[start + i] !== buf[off + i]) return false;
  return true;
}

/**
 * First entry at or after `startPos` (0 = from the first entry) equal to the bytes, comparing every
 * (skip+1)-th entry. Hot path: the byte string is classified once, then only entries of the same
 * storage kind are compared.
 */
export function lpFind(a: ShardArena, lp: number, startPos: number, buf: Uint8Array, off: number, len: number, skip: number): number {
  const u8 = a.u8;
  const end = readU32(u8, lp + H_TOTAL);
  let pos = startPos === 0 ? LP_HEADER : startPos;
  const n = lpValidInt(buf, off, len);
  const wantInt = n === n;
  let skipped = 0;
  while (pos < end) {
    const p = lp + pos;
    const tag = u8[p];
    const size = encodedSize(u8, p);
    if (skipped === 0) {
      if (tag < 0x80 || tag >= TAG_INT16) {
        if (wantInt && lpInt(a, lp, pos) === n) return pos;
      } else if (!wantInt) {
        let s: number;
        let l: number;
        if (tag < TAG_STR16) {
          s = p + 1;
          l = tag & 63;
        } else if (tag === TAG_STR16) {
          s = p + 3;
          l = u8[p + 1] | (u8[p + 2] << 8);
        } else {
          s = p + 5;
          l = readU32(u8, p + 1);
        }
        if (l === len) {
          let i = 0;
          while (i < len && u8[s + i] === buf[off + i]) i++;
          if (i === len) return pos;
        }
      }
      skipped = skip;
    } else {
      skipped--;
    }
    pos += size + backlenSize(size);
  }
  return 0;
}

/** The safe integer whose canonical decimal text these bytes are, or NaN. Hot path. */
export function lpValidInt(buf: Uint8Array, off: number, len: number): number {
  if (len === 0 || len > 17) return NaN;
  let i = off;
  const end = off + len;
  let negative = false;
  if (buf[i] === 45) {
    negative = true;
    i++;
    if (i === end) return NaN;
  }
  if (buf[i] === 48) return len === 1 ? 0 : NaN; // "0" only: no leading zeros, no "-0"
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  if (v > Number.MAX_SAFE_INTEGER) return NaN;
  return negative ? -v : v;
}

// ------------------------------------------------------------------ mutation

export function lpAppend(a: ShardArena, lp: number, buf: Uint8Array, off: number, len: number): number {
  return lpInsert(a, lp, lpBytes(a, lp), buf, off, len);
}

export function lpAppendInt(a: ShardArena, lp: number, n: number): number {
  return lpInsertInt(a, lp, lpBytes(a, lp), n);
}

export function lpPrepend(a: ShardArena, lp: number, buf: Uint8Array, off: number, len: number): number {
  return lpInsert(a, lp, LP_HEADER, buf, off, len);
}

export function lpInsert(a: ShardArena, lp: number, pos: number, buf: Uint8Array, off: number, len: number): number {
  const n = lpValidInt(buf, off, len);
  if (n === n) return lpInsertInt(a, lp, pos, n);
  const size = stringEncodedSize(len);
  const total = size + backlenSize(size);
  lp = openGap(a, lp, pos, total, 0);
  writeString(a.u8, lp + pos, buf, off, len, size);
  bumpCount(a, lp, 1);
  return lp;
}

export function lpInsertInt(a: ShardArena, lp: number, pos: number, n: number): number {
  const size = intEncodedSize(n);
  const total = size + backlenSize(size);
  lp = openGap(a, lp, pos, total, 0);
  writeInt(a.u8, lp + pos, n, size);
  bumpCount(a, lp, 1);
  return lp;
}

export function lpReplace(a: ShardArena, lp: number, pos: number, buf: Uint8Array, off: number, len: number): number {
  const n = lpValidInt(buf, off, len);
  if (n === n) return lpReplaceInt(a, lp, pos, n);
  const size = stringEncodedSize(len);
  const old = entryTotal(a.u8, lp + pos);
  lp = openGap(a, lp, pos, size + backlenSize(size), old);
  writeString(a.u8, lp + pos, buf, off, len, size);
  return lp;
}

export function lpReplaceInt(a: ShardArena, lp: number, pos: number, n: number): number {
  const size = intEncodedSize(n);
  const old = entryTotal(a.u8, lp + pos);
  lp = openGap(a, lp, pos, size + backlenSize(size), old);
  writeInt(a.u8, lp + pos, n, size);
  return lp;
}

export function lpDelete(a: ShardArena, lp: number, pos: number): number {
  return lpDeleteRange(a, lp, pos, 1);
}

export function lpDeleteRange(a: ShardArena, lp: number, pos: number, count: number): number {
  const u8 = a.u8;
  const end = readU32(u8, lp + H_TOTAL);
  let p = pos;
  let removed = 0;
  while (removed < count && p < end) {
    p += entryTotal(u8, lp + p);
    removed++;
  }
  if (removed === 0) return lp;
  moveBytes(u8, lp + pos, lp + p, end - p);
  writeU32(u8, lp + H_TOTAL, end - (p - pos));
  bumpCount(a, lp, -removed);
  return lp;
}

// ------------------------------------------------------------------ head room (quicklist nodes)
//
// A quicklist node may keep its listpack at an offset inside its block, with free bytes before it
// (and after it): then a push or pop at the head moves the 8-byte header instead of every entry,
// which is what makes LPUSH/LPOP cost what RPUSH/RPOP do. These functions never allocate, free or
// ask the arena for a block size (the listpack need not start its block); the caller checks room.

/** Bytes the byte string takes as an entry (tag, payload, back-length), as lpInsert would store it. */
export function lpEntrySize(buf: Uint8Array, off: number, len: number): number {
  const n = lpValidInt(buf, off, len);
  const size = n === n ? intEncodedSize(n) : stringEncodedSize(len);
  return size + backlenSize(size);
}

/**
 * Adds the byte string at the front by writing it, then the header, into the lpEntrySize bytes that
 * precede `lp` (the caller's free room). Returns the new lp: lp - lpEntrySize.
 */
export function lpPrependInRoom(a: ShardArena, lp: number, buf: Uint8Array, off: number, len: number): number {
  const u8 = a.u8;
  const total = readU32(u8, lp + H_TOTAL);
  const count = readU32(u8, lp + H_COUNT);
  const n = lpValidInt(buf, off, len);
  const size = n === n ? intEncodedSize(n) : stringEncodedSize(len);
  const t = size + backlenSize(size);
  const next = lp - t;
  // The entry ends where the first entry starts (lp + 8), over the old header: read above.
  if (n === n) writeInt(u8, next + LP_HEADER, n, size);
  else writeString(u8, next + LP_HEADER, buf, off, len, size);
  writeU32(u8, next + H_TOTAL, total + t);
  writeU32(u8, next + H_COUNT, count + 1);
  return next;
}

/** Adds the byte string at the end, into free room the caller checked follows the listpack's bytes. */
export function lpAppendInRoom(a: ShardArena, lp: number, buf: Uint8Array, off: number, len: number): void {
  const u8 = a.u8;
  const total = readU32(u8, lp + H_TOTAL);
  const n = lpValidInt(buf, off, len);
  let size: number;
  if (n === n) {
    size = intEncodedSize(n);
    writeInt(u8, lp + total, n, size);
  } else {
    size = stringEncodedSize(len);
    writeString(u8, lp + total, buf, off, len, size);
  }
  writeU32(u8, lp + H_TOTAL, total + size + backlenSize(size));
  bumpCount(a, lp, 1);
}

/**
 * Removes the first `count` entries (fewer if the listpack ends) by moving the header forward over
 * them: returns the new lp (lp plus the bytes removed); the bytes before it are free room.
 */
export function lpDeleteHead(a: ShardArena, lp: number, count: number): number {
  const u8 = a.u8;
  const total = readU32(u8, lp + H_TOTAL);
  const entries = readU32(u8, lp + H_COUNT);
  let p = LP_HEADER;
  let removed = 0;
  while (removed < count && p < total) {
    p += entryTotal(u8, lp + p);
    removed++;
  }
  const gone = p - LP_HEADER;
  if (gone === 0) return lp;
  const next = lp + gone;
  writeU32(u8, next + H_TOTAL, total - gone);
  writeU32(u8, next + H_COUNT, entries - removed);
  return next;
}

// ------------------------------------------------------------------ internals

/**
 * Makes the `oldBytes` at pos into `newBytes` bytes (shifting the tail), growing the block if needed.
 * Returns the (possibly moved) lp; the gap's content is undefined.
 */
function openGap(a: ShardArena, lp: number, pos: number, newBytes: number, oldBytes: number): number {
  const end = readU32(a.u8, lp + H_TOTAL);
  const nextEnd = end + newBytes - oldBytes;
  if (nextEnd > a.usableSize(lp)) {
    // Exactly what is needed, as Redis's lpInsert: the arena's size classes (four per doubling)
    // already make a move at most every ~19% of growth, so appends stay amortised O(1) in copies,
    // and a listpack built one entry at a time ends in the smallest class that holds it.
    lp = a.realloc(lp, nextEnd, end);
  }
  const u8 = a.u8;
  if (newBytes !== oldBytes) moveBytes(u8, lp + pos + newBytes, lp + pos + oldBytes, end - pos - oldBytes);
  writeU32(u8, lp + H_TOTAL, nextEnd);
  return lp;
}

function bumpCount(a: ShardArena, lp: number, delta: number): void {
  writeU32(a.u8, lp + H_COUNT, readU32(a.u8, lp + H_COUNT) + delta);
}

/** Size of tag + payload of the entry at absolute address p. */
function encodedSize(u8: Uint8Array, p: number): number {
  const tag = u8[p];
  if (tag < 0x80) return 1;
  if (tag < 0xc0) return 1 + (tag & 63);
  switch (tag) {
    case TAG_STR16:
      return 3 + (u8[p + 1] | (u8[p + 2] << 8));
    case TAG_STR32:
      return 5 + readU32(u8, p + 1);
    case TAG_INT16:
      return 3;
    case TAG_INT24:
      return 4;
    case TAG_INT32:
      return 5;
    case TAG_INT64:
      return 9;
    default:
      throw new Error(`listpack: bad entry tag ${tag}`);
  }
}

function entryTotal(u8: Uint8Array, p: number): number {
  const size = encodedSize(u8, p);
  return size + backlenSize(size);
}

function backlenSize(size: number): number {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  if (size < 268435455) return 4;
  return 5;
}

/** Writes the back-length of an entry of `size` bytes at p (so its last byte is read first). */
function writeBacklen(u8: Uint8Array, p: number, size: number): void {
  const n = backlenSize(size);
  // Byte n-1 (last) holds the lowest 7 bits; every byte but the first has the continuation bit.
  let v = size;
  for (let i = n - 1; i >= 0; i--) {
    u8[p + i] = (v % 128) | (i === 0 ? 0 : 128);
    v = Math.floor(v / 128);
  }
}

function stringEncodedSize(len: number): number {
  if (len < 64) return 1 + len;
  if (len < 65536) return 3 + len;
  return 5 + len;
}

function intEncodedSize(n: number): number {
  if (n >= 0 && n <= 127) return 1;
  if (n >= -32768 && n <= 32767) return 3;
  if (n >= -8388608 && n <= 8388607) return 4;
  if (n >= -2147483648 && n <= 2147483647) return 5;
  return 9;
}

function writeString(u8: Uint8Array, p: number, buf: Uint8Array, off: number, len: number, size: number): void {
  let q: number;
  if (len < 64) {
    u8[p] = TAG_STR6 | len;
    q = p + 1;
  } else if (len < 65536) {
    u8[p] = TAG_STR16;
    u8[p + 1] = len & 255;
    u8[p + 2] = len >>> 8;
    q = p + 3;
  } else {
    u8[p] = TAG_STR32;
    writeU32(u8, p + 1, len);
    q = p + 5;
  }
  if (len <= 64) for (let i = 0; i < len; i++) u8[q + i] = buf[off + i];
  else u8.set(buf.subarray(off, off + len), q);
  writeBacklen(u8, p + size, size);
}

function writeInt(u8: Uint8Array, p: number, n: number, size: number): void {
  switch (size) {
    case 1:
      u8[p] = n;
      break;
    case 3:
      u8[p] = TAG_INT16;
      u8[p + 1] = n & 255;
      u8[p + 2] = (n >> 8) & 255;
      break;
    case 4:
      u8[p] = TAG_INT24;
      u8[p + 1] = n & 255;
      u8[p + 2] = (n >> 8) & 255;
      u8[p + 3] = (n >> 16) & 255;
      break;
    case 5:
      u8[p] = TAG_INT32;
      writeU32(u8, p + 1, n >>> 0);
      break;
    default: {
      u8[p] = TAG_INT64;
      const hi = Math.floor(n / TWO32);
      writeU32(u8, p + 1, n - hi * TWO32);
      writeU32(u8, p + 5, hi >>> 0);
    }
  }
  writeBacklen(u8, p + size, size);
}

function readU32(u8: Uint8Array, p: number): number {
  return (u8[p] | (u8[p + 1] << 8) | (u8[p + 2] << 16) | (u8[p + 3] << 24)) >>> 0;
}

function readI32(u8: Uint8Array, p: number): number {
  return u8[p] | (u8[p + 1] << 8) | (u8[p + 2] << 16) | (u8[p + 3] << 24);
}

function writeU32(u8: Uint8Array, p: number, v: number): void {
  u8[p] = v & 255;
  u8[p + 1] = (v >>> 8) & 255;
  u8[p + 2] = (v >>> 16) & 255;
  u8[p + 3] = (v >>> 24) & 255;
}

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
