/**
 * Quicklist: a list value as a doubly linked chain of listpack nodes in the shard arena, as Redis's
 * quicklist.c (without LZF compression of interior nodes: `list-compress-depth` is not applied).
 *
 * Invariants:
 * - Every node holds at least one entry; an emptied node is unlinked and freed at once, so an empty
 *   list has no node (the caller deletes the key then).
 * - The root's entry count is the sum of the nodes' counts; a node's count and byte size mirror its
 *   listpack's header, kept beside the links so that walking nodes (LINDEX, LRANGE's seek) reads
 *   only node blocks.
 * - Node size follows the list's fill factor, fixed when the list is created from
 *   `list-max-listpack-size` (Redis keeps it per quicklist too): a negative fill -1..-5 caps a
 *   node's listpack at 4/8/16/32/64 KiB; a positive fill caps its entry count, and then also its size
 *   at SIZE_SAFETY_LIMIT (8 KiB), so a few huge elements never share a node.
 * - Pushes at either end fill the end node or start a new one; an insert in the middle of a full node
 *   splits it and then merges neighbours that fit together (Redis's _quicklistInsert and
 *   _quicklistMergeNodes). Deletes never merge, as in Redis.
 *
 * Root block (u32 words): 0 head node   4 tail node   8 entry count   12 node count   16 fill (i32)
 * Node block (u32 words): 0 prev        4 next        8 listpack      12 entry count  16 listpack bytes
 *                         20 block (the arena block holding the listpack)
 *
 * Positions inside a node are listpack positions (byte offsets from the listpack), so a cursor is a
 * (node, pos) pair; any mutation may move a node's listpack, never the node block itself.
 *
 * Head room: a node's listpack need not start its block. Pushes and pops at the head of the list
 * move the listpack's 8-byte header into or out of free bytes before it (lpPrependInRoom,
 * lpDeleteHead) instead of shifting the node's entries, so LPUSH/LPOP cost what RPUSH/RPOP do; when a
 * head push finds no room, the listpack is moved to the middle of its free bytes (or into a block of
 * the exact size needed, as a realloc would make). Listpack functions that allocate or free (inserts,
 * replaces, appends past the block) need the listpack at its block's start: `plain` moves it back
 * first. Deletes never reallocate, so they work in place. Memory stays what exact-size reallocs give.
 */
import type { ShardArena } from './arena.js';
import {
  ListpackEntry,
  LP_HEADER,
  lpAppend,
  lpAppendInRoom,
  lpAppendInt,
  lpBytes,
  lpClone,
  lpCount,
  lpDelete,
  lpDeleteHead,
  lpDeleteRange,
  lpEntryEquals,
  lpEntrySize,
  lpFind,
  lpFirst,
  lpInsert,
  lpLast,
  lpNew,
  lpNext,
  lpPrepend,
  lpPrependInRoom,
  lpPrev,
  lpRead,
  lpReplace,
  lpSeek,
} from './listpack.js';
import { moveBytes } from './move-bytes.js';

const R_HEAD = 0;
const R_TAIL = 1;
const R_COUNT = 2;
const R_NODES = 3;
const R_FILL = 4;
const ROOT_BYTES = 20;

const N_PREV = 0;
const N_NEXT = 1;
const N_LP = 2;
const N_COUNT = 3;
const N_SZ = 4;
const N_BLOCK = 5;
const NODE_BYTES = 24;

/** Size caps of fill -1..-5 (Redis's optimization_level). */
const SIZE_LEVELS = [4096, 8192, 16384, 32768, 65536];
/** Byte cap of a node when the fill counts entries (Redis's SIZE_SAFETY_LIMIT). */
const SIZE_SAFETY_LIMIT = 8192;
/** Over-estimate of one entry's listpack overhead when deciding whether it still fits. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Fill factor bounds (Redis clamps to -5 .. 2^15-1). */
const FILL_MIN = -5;
const FILL_MAX = 32767;

/** A position in a list: a node and a listpack position in it (node 0 = nowhere). Reused, never kept. */
export class QuicklistCursor {
  node = 0;
  pos = 0;
}

// ------------------------------------------------------------------ root and node words

function word(a: ShardArena, addr: number, k: number): number {
  return a.u32[(addr >>> 2) + k];
}

function setWord(a: ShardArena, addr: number, k: number, v: number): void {
  a.u32[(addr >>> 2) + k] = v;
}

export function qlNew(a: ShardArena, fill: number): number {
  const ql = a.alloc(ROOT_BYTES);
  const u32 = a.u32;
  const w = ql >>> 2;
  u32[w + R_HEAD] = 0;
  u32[w + R_TAIL] = 0;
  u32[w + R_COUNT] = 0;
  u32[w + R_NODES] = 0;
  a.i32[w + R_FILL] = Math.max(FILL_MIN, Math.min(FILL_MAX, fill | 0));
  return ql;
}

/** Number of entries (O(1)). */
export function qlCount(a: ShardArena, ql: number): number {
  return word(a, ql, R_COUNT);
}

export function qlNodeCount(a: ShardArena, ql: number): number {
  return word(a, ql, R_NODES);
}

export function qlFill(a: ShardArena, ql: number): number {
  return a.i32[(ql >>> 2) + R_FILL];
}

export function qlHead(a: ShardArena, ql: number): number {
  return word(a, ql, R_HEAD);
}

export function qlNodeNext(a: ShardArena, node: number): number {
  return word(a, node, N_NEXT);
}

export function qlNodeListpack(a: ShardArena, node: number): number {
  return word(a, node, N_LP);
}

export function qlNodeEntries(a: ShardArena, node: number): number {
  return word(a, node, N_COUNT);
}

export function qlNodeBytes(a: ShardArena, node: number): number {
  return word(a, node, N_SZ);
}

/** The arena block holding the node's listpack (which may start after the block's start). */
export function qlNodeBlock(a: ShardArena, node: number): number {
  return word(a, node, N_BLOCK);
}

/** Frees every node and the root. */
export function qlFree(a: ShardArena, ql: number): void {
  let node = word(a, ql, R_HEAD);
  while (node !== 0) {
    const next = word(a, node, N_NEXT);
    a.free(word(a, node, N_BLOCK));
    a.free(node);
    node = next;
  }
  a.free(ql);
}

/**
 * Lazy freeing: frees nodes from the head, about `budget` units of work (two blocks per node).
 * Returns the work done; a result below `budget` means the list is completely freed (root included).
 */
export function qlFreeSome(a: ShardArena, ql: number, budget: number): number {
  let used = 0;
  let node = word(a, ql, R_HEAD);
  while (used < budget) {
    if (node === 0) {
      a.free(ql);
      return used;
    }
    const next = word(a, node, N_NEXT);
    a.free(word(a, node, N_BLOCK));
    a.free(node);
    used += 2;
    node = next;
    setWord(a, ql, R_HEAD, node);
  }
  return used;
}

/** Deep copy of list `ql` of arena `src` into arena `dst` (which may be the same); returns the new root. */
export function qlClone(src: ShardArena, ql: number, dst: ShardArena): number {
  const copy = qlNew(dst, qlFill(src, ql));
  let prev = 0;
  for (let node = word(src, ql, R_HEAD); node !== 0; node = word(src, node, N_NEXT)) {
    const lp = lpClone(src, word(src, node, N_LP), dst);
    const n = dst.alloc(NODE_BYTES);
    setWord(dst, n, N_PREV, prev);
    setWord(dst, n, N_NEXT, 0);
    setWord(dst, n, N_LP, lp);
    setWord(dst, n, N_COUNT, word(src, node, N_COUNT));
    setWord(dst, n, N_SZ, word(src, node, N_SZ));
    setWord(dst, n, N_BLOCK, lp);
    if (prev === 0) setWord(dst, copy, R_HEAD, n);
    else setWord(dst, prev, N_NEXT, n);
    prev = n;
  }
  setWord(dst, copy, R_TAIL, prev);
  setWord(dst, copy, R_COUNT, word(src, ql, R_COUNT));
  setWord(dst, copy, R_NODES, word(src, ql, R_NODES));
  return copy;
}

// ------------------------------------------------------------------ node management

/** A new unlinked node with an empty listpack. */
function newNode(a: ShardArena): number {
  const lp = lpNew(a);
  const node = a.alloc(NODE_BYTES);
  const u32 = a.u32;
  const w = node >>> 2;
  u32[w + N_PREV] = 0;
  u32[w + N_NEXT] = 0;
  u32[w + N_LP] = lp;
  u32[w + N_COUNT] = 0;
  u32[w + N_SZ] = lpBytes(a, lp);
  u32[w + N_BLOCK] = lp;
  return node;
}

/**
 * Stores a node's (possibly moved) listpack and refreshes its count and size words. A listpack that
 * moved was reallocated, which `plain` made possible: it starts its new block.
 */
function storeListpack(a: ShardArena, node: number, lp: number): void {
  if (lp !== word(a, node, N_LP)) {
    setWord(a, node, N_LP, lp);
    setWord(a, node, N_BLOCK, lp);
  }
  setWord(a, node, N_COUNT, lpCount(a, lp));
  setWord(a, node, N_SZ, lpBytes(a, lp));
}

/** Moves the node's listpack to the start of its block (if it is not there); returns it. */
function plain(a: ShardArena, node: number): number {
  const lp = word(a, node, N_LP);
  const block = word(a, node, N_BLOCK);
  if (lp === block) return lp;
  moveBytes(a.u8, block, lp, word(a, node, N_SZ));
  setWord(a, node, N_LP, block);
  return block;
}

/**
 * Gives the node's listpack at least `need` free bytes before it: moves it to the middle of its
 * block's free bytes, or into a block of exactly the size needed (then into the middle of what the
 * size class rounds up), as a realloc would. Returns the listpack's new address.
 */
function makeHeadRoom(a: ShardArena, node: number, need: number): number {
  const lp = word(a, node, N_LP);
  const block = word(a, node, N_BLOCK);
  const sz = word(a, node, N_SZ);
  let to = block;
  if (a.usableSize(block) < sz + need) {
    to = a.alloc(sz + need);
  }
  const spare = a.usableSize(to) - sz - need;
  const at = to + need + (spare >>> 1);
  moveBytes(a.u8, at, lp, sz);
  if (to !== block) {
    a.free(block);
    setWord(a, node, N_BLOCK, to);
  }
  setWord(a, node, N_LP, at);
  return at;
}

/** Whether `len` more bytes fit after the node's listpack inside its block. */
function tailRoom(a: ShardArena, node: number, len: number): boolean {
  const block = word(a, node, N_BLOCK);
  return word(a, node, N_LP) + word(a, node, N_SZ) + len <= block + a.usableSize(block);
}

/** Links `node` after `old` (or before it when !after); old = 0 only when the list has no node. */
function linkNode(a: ShardArena, ql: number, old: number, node: number, after: boolean): void {
  if (old === 0) {
    setWord(a, node, N_PREV, 0);
    setWord(a, node, N_NEXT, 0);
    setWord(a, ql, R_HEAD, node);
    setWord(a, ql, R_TAIL, node);
  } else if (after) {
    const next = word(a, old, N_NEXT);
    setWord(a, node, N_PREV, old);
    setWord(a, node, N_NEXT, next);
    if (next !== 0) setWord(a, next, N_PREV, node);
    else setWord(a, ql, R_TAIL, node);
    setWord(a, old, N_NEXT, node);
  } else {
    const prev = word(a, old, N_PREV);
    setWord(a, node, N_NEXT, old);
    setWord(a, node, N_PREV, prev);
    if (prev !== 0) setWord(a, prev, N_NEXT, node);
    else setWord(a, ql, R_HEAD, node);
    setWord(a, old, N_PREV, node);
  }
  setWord(a, ql, R_NODES, word(a, ql, R_NODES) + 1);
}

/** Unlinks and frees a node; its entries leave the root's count. */
function dropNode(a: ShardArena, ql: number, node: number): void {
  const prev = word(a, node, N_PREV);
  const next = word(a, node, N_NEXT);
  if (prev !== 0) setWord(a, prev, N_NEXT, next);
  else setWord(a, ql, R_HEAD, next);
  if (next !== 0) setWord(a, next, N_PREV, prev);
  else setWord(a, ql, R_TAIL, prev);
  setWord(a, ql, R_NODES, word(a, ql, R_NODES) - 1);
  setWord(a, ql, R_COUNT, word(a, ql, R_COUNT) - word(a, node, N_COUNT));
  a.free(word(a, node, N_BLOCK));
  a.free(node);
}

function sizeWithinLevel(sz: number, fill: number): boolean {
  if (fill >= 0) return false;
  return sz <= SIZE_LEVELS[-fill - 1];
}

/** Whether one more element of `len` bytes may go into `node` (Redis 7.0's _quicklistNodeAllowInsert). */
function allowInsert(a: ShardArena, node: number, fill: number, len: number): boolean {
  if (node === 0) return false;
  const sz = word(a, node, N_SZ) + len + SIZE_ESTIMATE_OVERHEAD;
  if (sizeWithinLevel(sz, fill)) return true;
  if (sz > SIZE_SAFETY_LIMIT) return false;
  return word(a, node, N_COUNT) < fill;
}

/** Whether nodes x and y fit in one (Redis 7.0's _quicklistNodeAllowMerge). */
function allowMerge(a: ShardArena, x: number, y: number, fill: number): boolean {
  if (x === 0 || y === 0) return false;
  const sz = word(a, x, N_SZ) + word(a, y, N_SZ) - LP_HEADER;
  if (sizeWithinLevel(sz, fill)) return true;
  if (sz > SIZE_SAFETY_LIMIT) return false;
  return word(a, x, N_COUNT) + word(a, y, N_COUNT) <= fill;
}

const scratchEntry = new ListpackEntry();

/** Appends every entry of `from`'s listpack to `to`'s. The two nodes are distinct. */
function appendEntries(a: ShardArena, to: number, from: number): void {
  let lp = plain(a, to);
  const src = word(a, from, N_LP);
  for (let pos = lpFirst(a, src); pos !== 0; pos = lpNext(a, src, pos)) {
    const e = lpRead(a, src, pos, scratchEntry);
    lp = e.isInt ? lpAppendInt(a, lp, e.value) : lpAppend(a, lp, a.u8, e.start, e.length);
  }
  storeListpack(a, to, lp);
}

/** Merges adjacent nodes x (first) and y into x; returns x. */
function mergeInto(a: ShardArena, ql: number, x: number, y: number): number {
  const moved = word(a, y, N_COUNT);
  appendEntries(a, x, y);
  // dropNode subtracts y's entries from the root; they now live in x.
  setWord(a, ql, R_COUNT, word(a, ql, R_COUNT) + moved);
  dropNode(a, ql, y);
  return x;
}

/** Redis's _quicklistMergeNodes around `center` after a split. */
function mergeAround(a: ShardArena, ql: number, center: number): void {
  const fill = qlFill(a, ql);
  const prev = word(a, center, N_PREV);
  const prevPrev = prev !== 0 ? word(a, prev, N_PREV) : 0;
  const next = word(a, center, N_NEXT);
  const nextNext = next !== 0 ? word(a, next, N_NEXT) : 0;
  if (allowMerge(a, prevPrev, prev, fill)) mergeInto(a, ql, prevPrev, prev);
  if (allowMerge(a, next, nextNext, fill)) mergeInto(a, ql, next, nextNext);
  let target = center;
  const before = word(a, center, N_PREV);
  if (allowMerge(a, before, center, fill)) target = mergeInto(a, ql, before, center);
  const after = word(a, target, N_NEXT);
  if (allowMerge(a, target, after, fill)) mergeInto(a, ql, target, after);
}

// ------------------------------------------------------------------ pushing

/** Adds an element at the head (or tail) of the list. O(1) amortised. */
export function qlPush(a: ShardArena, ql: number, head: boolean, buf: Uint8Array, off: number, len: number): void {
  const fill = qlFill(a, ql);
  const end = word(a, ql, head ? R_HEAD : R_TAIL);
  if (allowInsert(a, end, fill, len)) {
    const u32 = a.u32;
    const w = end >>> 2;
    const t = lpEntrySize(buf, off, len);
    let lp = u32[w + N_LP];
    if (head) {
      if (lp - u32[w + N_BLOCK] < t) lp = makeHeadRoom(a, end, t);
      lp = lpPrependInRoom(a, lp, buf, off, len);
      const v = a.u32;
      v[w + N_LP] = lp;
      v[w + N_COUNT]++;
      v[w + N_SZ] += t;
    } else if (lp === u32[w + N_BLOCK]) {
      storeListpack(a, end, lpAppend(a, lp, buf, off, len));
    } else if (tailRoom(a, end, t)) {
      lpAppendInRoom(a, lp, buf, off, len);
      u32[w + N_COUNT]++;
      u32[w + N_SZ] += t;
    } else {
      storeListpack(a, end, lpAppend(a, plain(a, end), buf, off, len));
    }
  } else {
    const node = newNode(a);
    storeListpack(a, node, lpAppend(a, word(a, node, N_LP), buf, off, len));
    linkNode(a, ql, end, node, !head);
  }
  setWord(a, ql, R_COUNT, word(a, ql, R_COUNT) + 1);
}

// ------------------------------------------------------------------ cursors

/** Points `cur` at the first entry; false when the list is empty. */
export function qlFirst(a: ShardArena, ql: number, cur: QuicklistCursor): boolean {
  const node = word(a, ql, R_HEAD);
  cur.node = node;
  cur.pos = node === 0 ? 0 : LP_HEADER;
  return node !== 0;
}

/** Points `cur` at the last entry; false when the list is empty. */
export function qlLast(a: ShardArena, ql: number, cur: QuicklistCursor): boolean {
  const node = word(a, ql, R_TAIL);
  cur.node = node;
  cur.pos = node === 0 ? 0 : lpLast(a, word(a, node, N_LP));
  return node !== 0;
}

/**
 * Points `cur` at entry `index` (negative counts from the tail); false when out of range.
 * Walks whole nodes from the nearer end by their counts, then seeks inside one node. Hot path.
 */
export function qlSeek(a: ShardArena, ql: number, index: number, cur: QuicklistCursor): boolean {
  const count = word(a, ql, R_COUNT);
  if (index < 0) index += count;
  if (index < 0 || index >= count) {
    cur.node = 0;
    cur.pos = 0;
    return false;
  }
  const u32 = a.u32;
  let node: number;
  let local: number;
  if (index < count / 2) {
    node = u32[(ql >>> 2) + R_HEAD];
    let skipped = 0;
    for (;;) {
      const n = u32[(node >>> 2) + N_COUNT];
      if (skipped + n > index) break;
      skipped += n;
      node = u32[(node >>> 2) + N_NEXT];
    }
    local = index - skipped;
  } else {
    node = u32[(ql >>> 2) + R_TAIL];
    let start = count - u32[(node >>> 2) + N_COUNT];
    while (start > index) {
      node = u32[(node >>> 2) + N_PREV];
      start -= u32[(node >>> 2) + N_COUNT];
    }
    local = index - start;
  }
  cur.node = node;
  cur.pos = lpSeek(a, u32[(node >>> 2) + N_LP], local);
  return true;
}

/** Moves `cur` to the following entry; false (cursor cleared) past the tail. Hot path. */
export function qlNext(a: ShardArena, cur: QuicklistCursor): boolean {
  const pos = lpNext(a, word(a, cur.node, N_LP), cur.pos);
  if (pos !== 0) {
    cur.pos = pos;
    return true;
  }
  const next = word(a, cur.node, N_NEXT);
  cur.node = next;
  cur.pos = next === 0 ? 0 : LP_HEADER;
  return next !== 0;
}

/** Moves `cur` to the preceding entry; false (cursor cleared) past the head. Hot path. */
export function qlPrev(a: ShardArena, cur: QuicklistCursor): boolean {
  const pos = lpPrev(a, word(a, cur.node, N_LP), cur.pos);
  if (pos !== 0) {
    cur.pos = pos;
    return true;
  }
  const prev = word(a, cur.node, N_PREV);
  cur.node = prev;
  cur.pos = prev === 0 ? 0 : lpLast(a, word(a, prev, N_LP));
  return prev !== 0;
}

/** Decodes the entry under the cursor into `out` (string bytes are addressed in a.u8). */
export function qlRead(a: ShardArena, cur: QuicklistCursor, out: ListpackEntry): ListpackEntry {
  return lpRead(a, word(a, cur.node, N_LP), cur.pos, out);
}

/** Whether the entry under the cursor equals the byte string (integers compare as their text). */
export function qlEquals(a: ShardArena, cur: QuicklistCursor, buf: Uint8Array, off: number, len: number): boolean {
  return lpEntryEquals(a, word(a, cur.node, N_LP), cur.pos, buf, off, len);
}

/**
 * Moves `cur` to the first entry at or after it equal to the byte string (integers compare as their
 * text, as qlEquals); false (cursor cleared) when there is none. Scans each node with lpFind, which
 * classifies the bytes once. Hot path (LREM, LINSERT).
 */
export function qlFindForward(a: ShardArena, cur: QuicklistCursor, buf: Uint8Array, off: number, len: number): boolean {
  const u32 = a.u32;
  let node = cur.node;
  let pos = cur.pos;
  while (node !== 0) {
    const found = lpFind(a, u32[(node >>> 2) + N_LP], pos, buf, off, len, 0);
    if (found !== 0) {
      cur.node = node;
      cur.pos = found;
      return true;
    }
    node = u32[(node >>> 2) + N_NEXT];
    pos = LP_HEADER;
  }
  cur.node = 0;
  cur.pos = 0;
  return false;
}

// ------------------------------------------------------------------ changes at a cursor

/**
 * Deletes the entry under the cursor. Afterwards the cursor is on the entry that followed it (when
 * `forward`) or preceded it; returns false (cursor cleared) when there is no such entry.
 */
export function qlDelete(a: ShardArena, ql: number, cur: QuicklistCursor, forward: boolean): boolean {
  const node = cur.node;
  const pos = cur.pos;
  const lp = word(a, node, N_LP);
  setWord(a, ql, R_COUNT, word(a, ql, R_COUNT) - 1);
  if (word(a, node, N_COUNT) === 1) {
    const other = word(a, node, forward ? N_NEXT : N_PREV);
    // dropNode subtracts the node's count; the entry was already taken off above.
    setWord(a, node, N_COUNT, 0);
    dropNode(a, ql, node);
    cur.node = other;
    cur.pos = other === 0 ? 0 : forward ? LP_HEADER : lpLast(a, word(a, other, N_LP));
    return other !== 0;
  }
  if (pos === LP_HEADER) return deleteFirst(a, cur, forward);
  const before = forward ? 0 : lpPrev(a, lp, pos);
  const next = lpDelete(a, lp, pos);
  storeListpack(a, node, next);
  if (forward) {
    if (pos < lpBytes(a, next)) return true;
    const other = word(a, node, N_NEXT);
    cur.node = other;
    cur.pos = other === 0 ? 0 : LP_HEADER;
    return other !== 0;
  }
  if (before !== 0) {
    cur.pos = before;
    return true;
  }
  const other = word(a, node, N_PREV);
  cur.node = other;
  cur.pos = other === 0 ? 0 : lpLast(a, word(a, other, N_LP));
  return other !== 0;
}

/**
 * qlDelete of a node's first entry (the node keeps others): the header moves over it (see Head
 * room), so the cursor, forward, names the next entry where it is.
 */
function deleteFirst(a: ShardArena, cur: QuicklistCursor, forward: boolean): boolean {
  const node = cur.node;
  const next = lpDeleteHead(a, word(a, node, N_LP), 1);
  setWord(a, node, N_LP, next);
  setWord(a, node, N_COUNT, word(a, node, N_COUNT) - 1);
  setWord(a, node, N_SZ, lpBytes(a, next));
  if (forward) return true;
  const other = word(a, node, N_PREV);
  cur.node = other;
  cur.pos = other === 0 ? 0 : lpLast(a, word(a, other, N_LP));
  return other !== 0;
}

/** Replaces the entry under the cursor in place (Redis 7.0 keeps it in its node whatever its size). */
export function qlReplace(a: ShardArena, cur: QuicklistCursor, buf: Uint8Array, off: number, len: number): void {
  storeListpack(a, cur.node, lpReplace(a, plain(a, cur.node), cur.pos, buf, off, len));
}

/** Index of the entry at `pos` inside its node's listpack. O(node entries). */
function localIndex(a: ShardArena, lp: number, pos: number): number {
  let i = 0;
  for (let p = lpFirst(a, lp); p !== pos; p = lpNext(a, lp, p)) i++;
  return i;
}

/**
 * Splits `node` around its entry at `pos`: with `after`, the node keeps entries up to pos and the new
 * node gets the rest; otherwise the node keeps pos onwards and the new node gets those before it.
 * The new node is not linked yet.
 */
function splitNode(a: ShardArena, node: number, pos: number, after: boolean): number {
  const lp = word(a, node, N_LP);
  const index = localIndex(a, lp, pos);
  const count = word(a, node, N_COUNT);
  const copy = lpClone(a, lp, a);
  const fresh = a.alloc(NODE_BYTES);
  setWord(a, fresh, N_PREV, 0);
  setWord(a, fresh, N_NEXT, 0);
  setWord(a, fresh, N_LP, copy);
  setWord(a, fresh, N_BLOCK, copy);
  if (after) {
    storeListpack(a, node, lpDeleteRange(a, word(a, node, N_LP), lpSeek(a, word(a, node, N_LP), index + 1) || lpBytes(a, lp), count));
    storeListpack(a, fresh, lpDeleteRange(a, copy, LP_HEADER, index + 1));
  } else {
    storeListpack(a, node, lpDeleteRange(a, word(a, node, N_LP), LP_HEADER, index));
    storeListpack(a, fresh, lpDeleteRange(a, copy, lpSeek(a, copy, index), count));
  }
  return fresh;
}

/**
 * Inserts an element after (or before) the entry under the cursor: Redis 7.0's _quicklistInsert
 * (fill the node, else spill into the neighbour, else a new node, else split and re-merge).
 * The cursor is invalid afterwards.
 */
export function qlInsert(a: ShardArena, ql: number, cur: QuicklistCursor, after: boolean, buf: Uint8Array, off: number, len: number): void {
  const fill = qlFill(a, ql);
  const node = cur.node;
  const pos = cur.pos;
  const lp = word(a, node, N_LP);
  const full = !allowInsert(a, node, fill, len);
  const atTail = after && lpNext(a, lp, pos) === 0;
  const atHead = !after && pos === LP_HEADER;
  const next = word(a, node, N_NEXT);
  const prev = word(a, node, N_PREV);
  setWord(a, ql, R_COUNT, word(a, ql, R_COUNT) + 1);
  if (!full) {
    const at = after ? lpNext(a, lp, pos) || lpBytes(a, lp) : pos;
    storeListpack(a, node, lpInsert(a, plain(a, node), at, buf, off, len));
    return;
  }
  if (atTail && next !== 0 && allowInsert(a, next, fill, len)) {
    storeListpack(a, next, lpPrepend(a, plain(a, next), buf, off, len));
    return;
  }
  if (atHead && prev !== 0 && allowInsert(a, prev, fill, len)) {
    storeListpack(a, prev, lpAppend(a, plain(a, prev), buf, off, len));
    return;
  }
  if (atTail || atHead) {
    const fresh = newNode(a);
    storeListpack(a, fresh, lpAppend(a, word(a, fresh, N_LP), buf, off, len));
    linkNode(a, ql, node, fresh, after);
    return;
  }
  const fresh = splitNode(a, node, pos, after);
  const flp = word(a, fresh, N_LP);
  storeListpack(a, fresh, after ? lpPrepend(a, flp, buf, off, len) : lpAppend(a, flp, buf, off, len));
  linkNode(a, ql, node, fresh, after);
  mergeAround(a, ql, node);
}

/** Deletes `count` entries from index `start` (0 <= start < count of the list). LTRIM's work. */
export function qlDeleteRange(a: ShardArena, ql: number, start: number, count: number): void {
  const total = word(a, ql, R_COUNT);
  if (count <= 0 || start >= total) return;
  let node = word(a, ql, R_HEAD);
  let local = start;
  if (start < total / 2) {
    while (local >= word(a, node, N_COUNT)) {
      local -= word(a, node, N_COUNT);
      node = word(a, node, N_NEXT);
    }
  } else {
    node = word(a, ql, R_TAIL);
    let first = total - word(a, node, N_COUNT);
    while (first > start) {
      node = word(a, node, N_PREV);
      first -= word(a, node, N_COUNT);
    }
    local = start - first;
  }
  let left = count;
  while (left > 0 && node !== 0) {
    const next = word(a, node, N_NEXT);
    const n = word(a, node, N_COUNT);
    if (local === 0 && left >= n) {
      dropNode(a, ql, node);
      left -= n;
    } else {
      const del = Math.min(left, n - local);
      const lp = word(a, node, N_LP);
      if (local === 0) setWord(a, node, N_LP, lpDeleteHead(a, lp, del));
      storeListpack(a, node, local === 0 ? word(a, node, N_LP) : lpDeleteRange(a, lp, lpSeek(a, lp, local), del));
      setWord(a, ql, R_COUNT, word(a, ql, R_COUNT) - del);
      left -= del;
    }
    node = next;
    local = 0;
  }
}

// ------------------------------------------------------------------ checking (tests, DEBUG)

/** Throws when the structure's invariants do not hold. O(n). */
export function qlVerify(a: ShardArena, ql: number): void {
  let prev = 0;
  let nodes = 0;
  let entries = 0;
  for (let node = word(a, ql, R_HEAD); node !== 0; node = word(a, node, N_NEXT)) {
    if (word(a, node, N_PREV) !== prev) throw new Error('quicklist: broken prev link');
    const lp = word(a, node, N_LP);
    const n = word(a, node, N_COUNT);
    if (n === 0) throw new Error('quicklist: empty node');
    if (n !== lpCount(a, lp)) throw new Error('quicklist: node count differs from its listpack');
    if (word(a, node, N_SZ) !== lpBytes(a, lp)) throw new Error('quicklist: node size differs from its listpack');
    const block = word(a, node, N_BLOCK);
    if (lp < block || lp + word(a, node, N_SZ) > block + a.usableSize(block)) throw new Error('quicklist: listpack outside its block');
    let walked = 0;
    for (let p = lpFirst(a, lp); p !== 0; p = lpNext(a, lp, p)) walked++;
    if (walked !== n) throw new Error('quicklist: listpack walk differs from its count');
    entries += n;
    nodes++;
    prev = node;
  }
  if (word(a, ql, R_TAIL) !== prev) throw new Error('quicklist: tail is not the last node');
  if (word(a, ql, R_NODES) !== nodes) throw new Error('quicklist: node count is wrong');
  if (word(a, ql, R_COUNT) !== entries) throw new Error('quicklist: entry count is wrong');
}
