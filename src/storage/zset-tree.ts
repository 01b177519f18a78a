/**
 * ZTree: the ordered index of a skiplist-encoded sorted set, a counted B+tree in the shard arena.
 *
 * It plays the part of Redis's zskiplist (OBJECT ENCODING still says 'skiplist': the encoding is the
 * pair ordered index + member table, and every reply is the same), with wide nodes so a search loads
 * about 4 nodes at 100k elements instead of ~28 skiplist nodes.
 *
 * Keys are (score, member) ordered by score, ties broken by memcmp of the member bytes (a shorter
 * prefix first), as Redis's zslInsert. A key holds its score (f64) and a member reference: the address
 * of the member's field-table entry (field-table.ts layout: field length at byte 8, bytes from 16),
 * so member bytes are stored once, in the member table. A referenced entry must outlive its key: the
 * caller removes a key from the tree before freeing the entry.
 *
 * Invariants (checked by ztVerify):
 * - Every leaf is at depth `height`; leaves are chained in key order (next/prev), first/last kept.
 * - Keys strictly increase along the chain.
 * - An inner node's key i is exactly the smallest key of its child i's subtree (same score and the
 *   same member reference, so a reference in an inner node is always live), and its count i is the
 *   number of keys in that subtree.
 * - Non-root leaves hold LEAF_MIN..LEAF_CAP keys, non-root inner nodes INNER_MIN..INNER_CAP
 *   children, an inner root at least 2; the root may be an empty leaf.
 *
 * Handles name an element: leaf * 64 + position (0 is none); valid until the tree is modified.
 *
 * Tree block (u32 words): 0 root, 1 height (0: the root is a leaf), 2 length, 3 first leaf, 4 last leaf.
 * Leaf (bytes): 0 n, 4 next, 8 prev, 16 scores (f64 x LEAF_CAP), then references (u32 x LEAF_CAP).
 * Inner node (bytes): 0 n, 8 scores (f64 x INNER_CAP), then references, children, counts (u32 x INNER_CAP each).
 */
import type { ShardArena } from './arena.js';
import { compareBytes, scoreGteMin, scoreLteMax, lexGteMin, lexLteMax, scoreRangeEmpty, lexRangeEmpty, type ScoreRange, type LexRange } from './skiplist.js';

/** Field-table entry layout: the member's length and bytes. */
const REF_LEN = 8;
const REF_BYTES = 16;

export const LEAF_CAP = 40;
const LEAF_MIN = 10;
const L_NEXT = 4;
const L_PREV = 8;
const L_SCORES = 16;
const L_REFS = L_SCORES + 8 * LEAF_CAP;
const LEAF_BYTES = L_REFS + 4 * LEAF_CAP; // 496: the arena's 512-byte class

export const INNER_CAP = 48;
const INNER_MIN = 12;
const I_SCORES = 8;
const I_REFS = I_SCORES + 8 * INNER_CAP;
const I_CHILD = I_REFS + 4 * INNER_CAP;
const I_COUNT = I_CHILD + 4 * INNER_CAP;
const INNER_BYTES = I_COUNT + 4 * INNER_CAP; // 968: the 1024-byte class

const T_ROOT = 0;
const T_HEIGHT = 1;
const T_LENGTH = 2;
const T_FIRST = 3;
const T_LAST = 4;

const H_MUL = 64;

/** The last descent: pathNode[l] is the node at level l (0 = leaf); pathSlot[l] the child taken (l >= 1) or the leaf position. */
const MAX_HEIGHT = 32;
const pathNode = new Uint32Array(MAX_HEIGHT + 1);
const pathSlot = new Int32Array(MAX_HEIGHT + 1);

// ---------------------------------------------------------------- small helpers

function handle(leaf: number, pos: number): number {
  return leaf * H_MUL + pos;
}

function hLeaf(h: number): number {
  return Math.floor(h / H_MUL);
}

function hPos(h: number): number {
  return h % H_MUL;
}

function refLen(u32: Uint32Array, ref: number): number {
  return u32[(ref + REF_LEN) >>> 2];
}

/** Copies leaf entry i of src to entry j of dst (score words and reference). */
function leafCopy(u32: Uint32Array, src: number, i: number, dst: number, j: number): void {
  const s = ((src + L_SCORES) >>> 2) + 2 * i;
  const d = ((dst + L_SCORES) >>> 2) + 2 * j;
  u32[d] = u32[s];
  u32[d + 1] = u32[s + 1];
  u32[((dst + L_REFS) >>> 2) + j] = u32[((src + L_REFS) >>> 2) + i];
}

function innerCopy(u32: Uint32Array, src: number, i: number, dst: number, j: number): void {
  const s = ((src + I_SCORES) >>> 2) + 2 * i;
  const d = ((dst + I_SCORES) >>> 2) + 2 * j;
  u32[d] = u32[s];
  u32[d + 1] = u32[s + 1];
  u32[((dst + I_REFS) >>> 2) + j] = u32[((src + I_REFS) >>> 2) + i];
  u32[((dst + I_CHILD) >>> 2) + j] = u32[((src + I_CHILD) >>> 2) + i];
  u32[((dst + I_COUNT) >>> 2) + j] = u32[((src + I_COUNT) >>> 2) + i];
}

function entryCopy(u32: Uint32Array, leaf: boolean, src: number, i: number, dst: number, j: number): void {
  if (leaf) leafCopy(u32, src, i, dst, j);
  else innerCopy(u32, src, i, dst, j);
}

/** Moves entries [from, n) of a node by `by` places (positive: right), in the safe direction. */
function shift(u32: Uint32Array, leaf: boolean, node: number, from: number, n: number, by: number): void {
  if (by > 0) for (let i = n - 1; i >= from; i--) entryCopy(u32, leaf, node, i, node, i + by);
  else for (let i = from; i < n; i++) entryCopy(u32, leaf, node, i, node, i + by);
}

/** Sets inner node p's key i to the smallest key of `child` (a leaf when `leafChild`). */
function setKeyFromChild(u32: Uint32Array, p: number, i: number, child: number, leafChild: boolean): void {
  const s = ((child + (leafChild ? L_SCORES : I_SCORES)) >>> 2);
  const d = ((p + I_SCORES) >>> 2) + 2 * i;
  u32[d] = u32[s];
  u32[d + 1] = u32[s + 1];
  u32[((p + I_REFS) >>> 2) + i] = u32[(child + (leafChild ? L_REFS : I_REFS)) >>> 2];
}

/** Sum of an inner node's counts. */
function innerTotal(u32: Uint32Array, node: number): number {
  let sum = 0;
  const c = (node + I_COUNT) >>> 2;
  for (let i = 0, n = u32[node >>> 2]; i < n; i++) sum += u32[c + i];
  return sum;
}

/** The node at `level` of the path got a new smallest key: rewrite the ancestors' keys that copy it. */
function propagateMin(u32: Uint32Array, height: number, level: number): void {
  let child = pathNode[level];
  for (let l = level + 1; l <= height; l++) {
    const p = pathNode[l];
    const i = pathSlot[l];
    setKeyFromChild(u32, p, i, child, l === 1);
    if (i !== 0) return;
    child = p;
  }
}

// ---------------------------------------------------------------- lifecycle

function newLeaf(a: ShardArena): number {
  const leaf = a.alloc(LEAF_BYTES);
  const u32 = a.u32;
  u32[leaf >>> 2] = 0;
  u32[(leaf + L_NEXT) >>> 2] = 0;
  u32[(leaf + L_PREV) >>> 2] = 0;
  return leaf;
}

export function ztCreate(a: ShardArena): number {
  const t = a.alloc(20);
  const leaf = newLeaf(a);
  const u32 = a.u32;
  const tw = t >>> 2;
  u32[tw + T_ROOT] = leaf;
  u32[tw + T_HEIGHT] = 0;
  u32[tw + T_LENGTH] = 0;
  u32[tw + T_FIRST] = leaf;
  u32[tw + T_LAST] = leaf;
  return t;
}

export function ztLength(a: ShardArena, t: number): number {
  return a.u32[(t >>> 2) + T_LENGTH];
}

function freeNode(a: ShardArena, node: number, level: number, leaves: boolean): void {
  if (level > 0) {
    const u32 = a.u32;
    for (let i = 0, n = u32[node >>> 2]; i < n; i++) freeNode(a, u32[((node + I_CHILD) >>> 2) + i], level - 1, leaves);
  }
  if (level > 0 || leaves) a.free(node);
}

/** Frees every node and the tree block (not the referenced members). */
export function ztFree(a: ShardArena, t: number): void {
  const tw = t >>> 2;
  freeNode(a, a.u32[tw + T_ROOT], a.u32[tw + T_HEIGHT], true);
  a.free(t);
}

/**
 * Lazy freeing: frees leaves (work = their element count) until `budget` is reached, then the inner
 * nodes and the tree block once no leaf is left. A result below `budget` means completely freed.
 * The tree must not be read any more once this has been called.
 */
export function ztFreeSome(a: ShardArena, t: number, budget: number): number {
  const tw = t >>> 2;
  let used = 0;
  for (;;) {
    if (used >= budget) return used;
    const u32 = a.u32;
    const leaf = u32[tw + T_FIRST];
    if (leaf === 0) {
      freeNode(a, u32[tw + T_ROOT], u32[tw + T_HEIGHT], false);
      a.free(t);
      return used;
    }
    u32[tw + T_FIRST] = u32[(leaf + L_NEXT) >>> 2];
    used += Math.max(1, u32[leaf >>> 2]);
    a.free(leaf);
  }
}

// ---------------------------------------------------------------- search

/**
 * Descends to the leaf where (score, buf[start, start+len)) belongs, filling the path; returns the
 * position in the leaf of the first key >= the target. Hot path.
 */
function descend(a: ShardArena, t: number, score: number, buf: Uint8Array, start: number, len: number): number {
  const u32 = a.u32;
  const u8 = a.u8;
  const dv = a.dv;
  const tw = t >>> 2;
  let node = u32[tw + T_ROOT];
  for (let l = u32[tw + T_HEIGHT]; l > 0; l--) {
    pathNode[l] = node;
    // The child to take: the last one whose smallest key is <= the target (the first one at least).
    let lo = 1;
    let hi = u32[node >>> 2];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = dv.getFloat64(node + I_SCORES + 8 * mid, true);
      let le: boolean;
      if (s < score) le = true;
      else if (s > score) le = false;
      else {
        const ref = u32[((node + I_REFS) >>> 2) + mid];
        le = compareBytes(u8, ref + REF_BYTES, u32[(ref + REF_LEN) >>> 2], buf, start, len) <= 0;
      }
      if (le) lo = mid + 1;
      else hi = mid;
    }
    pathSlot[l] = lo - 1;
    node = u32[((node + I_CHILD) >>> 2) + lo - 1];
  }
  pathNode[0] = node;
  let lo = 0;
  let hi = u32[node >>> 2];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = dv.getFloat64(node + L_SCORES + 8 * mid, true);
    let lt: boolean;
    if (s < score) lt = true;
    else if (s > score) lt = false;
    else {
      const ref = u32[((node + L_REFS) >>> 2) + mid];
      lt = compareBytes(u8, ref + REF_BYTES, u32[(ref + REF_LEN) >>> 2], buf, start, len) < 0;
    }
    if (lt) lo = mid + 1;
    else hi = mid;
  }
  pathSlot[0] = lo;
  return lo;
}

/** Descends to the element of 1-based rank `rank` (which must exist), filling the path; returns its leaf position. */
function descendRank(a: ShardArena, t: number, rank: number): number {
  const u32 = a.u32;
  const tw = t >>> 2;
  let node = u32[tw + T_ROOT];
  for (let l = u32[tw + T_HEIGHT]; l > 0; l--) {
    pathNode[l] = node;
    const c = (node + I_COUNT) >>> 2;
    let i = 0;
    while (rank > u32[c + i]) rank -= u32[c + i++];
    pathSlot[l] = i;
    node = u32[((node + I_CHILD) >>> 2) + i];
  }
  pathNode[0] = node;
  pathSlot[0] = rank - 1;
  return rank - 1;
}

/** The leaf entry at pos holds exactly this reference (after a descent by its key). */
function foundRef(u32: Uint32Array, pos: number, ref: number): boolean {
  const leaf = pathNode[0];
  return pos < u32[leaf >>> 2] && u32[((leaf + L_REFS) >>> 2) + pos] === ref;
}

// ---------------------------------------------------------------- insert

/**
 * Inserts (score, member of `ref`), which the caller knows is absent; `ref` is the member's
 * field-table entry. Returns the new element's handle.
 */
export function ztInsert(a: ShardArena, t: number, score: number, ref: number): number {
  const pos = descend(a, t, score, a.u8, ref + REF_BYTES, refLen(a.u32, ref));
  return insertAt(a, t, pos, score, ref);
}

/** Inserts at the path's leaf position `pos`. */
function insertAt(a: ShardArena, t: number, pos: number, score: number, ref: number): number {
  let u32 = a.u32;
  const tw = t >>> 2;
  const height = u32[tw + T_HEIGHT];
  for (let l = 1; l <= height; l++) u32[((pathNode[l] + I_COUNT) >>> 2) + pathSlot[l]]++;
  u32[tw + T_LENGTH]++;
  let leaf = pathNode[0];
  let n = u32[leaf >>> 2];
  let right = 0;
  if (n === LEAF_CAP) {
    right = newLeaf(a);
    u32 = a.u32;
    const half = LEAF_CAP >>> 1;
    for (let i = half; i < n; i++) leafCopy(u32, leaf, i, right, i - half);
    u32[right >>> 2] = n - half;
    u32[leaf >>> 2] = half;
    const next = u32[(leaf + L_NEXT) >>> 2];
    u32[(right + L_NEXT) >>> 2] = next;
    u32[(right + L_PREV) >>> 2] = leaf;
    u32[(leaf + L_NEXT) >>> 2] = right;
    if (next !== 0) u32[(next + L_PREV) >>> 2] = right;
    else u32[tw + T_LAST] = right;
    if (pos > half) {
      leaf = right;
      pos -= half;
    }
    n = u32[leaf >>> 2];
  }
  shift(u32, true, leaf, pos, n, 1);
  a.dv.setFloat64(leaf + L_SCORES + 8 * pos, score, true);
  u32[((leaf + L_REFS) >>> 2) + pos] = ref;
  u32[leaf >>> 2] = n + 1;
  if (pos === 0 && leaf === pathNode[0]) propagateMin(u32, height, 0);
  if (right !== 0) {
    const left = pathNode[0];
    if (height === 0) newRoot(a, t, left, right, true);
    else {
      const p = pathNode[1];
      u32[((p + I_COUNT) >>> 2) + pathSlot[1]] = u32[left >>> 2];
      insertChild(a, t, 1, pathSlot[1] + 1, right, u32[right >>> 2], true);
    }
  }
  return handle(leaf, pos);
}

/** A new root above the two halves of the old one (height + 1). */
function newRoot(a: ShardArena, t: number, left: number, right: number, leaves: boolean): void {
  const root = a.alloc(INNER_BYTES);
  const u32 = a.u32;
  u32[root >>> 2] = 2;
  setKeyFromChild(u32, root, 0, left, leaves);
  setKeyFromChild(u32, root, 1, right, leaves);
  u32[(root + I_CHILD) >>> 2] = left;
  u32[((root + I_CHILD) >>> 2) + 1] = right;
  u32[(root + I_COUNT) >>> 2] = leaves ? u32[left >>> 2] : innerTotal(u32, left);
  u32[((root + I_COUNT) >>> 2) + 1] = leaves ? u32[right >>> 2] : innerTotal(u32, right);
  const tw = t >>> 2;
  u32[tw + T_ROOT] = root;
  u32[tw + T_HEIGHT]++;
}

/**
 * Inserts child `child` (holding `count` keys; a leaf when `leafChild`) at index `at` of the path's
 * inner node at `level`, splitting upwards as needed. The caller has set the count of the child at
 * at - 1.
 */
function insertChild(a: ShardArena, t: number, level: number, at: number, child: number, count: number, leafChild: boolean): void {
  let u32 = a.u32;
  const tw = t >>> 2;
  let node = pathNode[level];
  let n = u32[node >>> 2];
  let right = 0;
  if (n === INNER_CAP) {
    right = a.alloc(INNER_BYTES);
    u32 = a.u32;
    const half = INNER_CAP >>> 1;
    for (let i = half; i < n; i++) innerCopy(u32, node, i, right, i - half);
    u32[right >>> 2] = n - half;
    u32[node >>> 2] = half;
    if (at > half) {
      node = right;
      at -= half;
    }
    n = u32[node >>> 2];
  }
  shift(u32, false, node, at, n, 1);
  setKeyFromChild(u32, node, at, child, leafChild);
  u32[((node + I_CHILD) >>> 2) + at] = child;
  u32[((node + I_COUNT) >>> 2) + at] = count;
  u32[node >>> 2] = n + 1;
  if (right === 0) return;
  const left = pathNode[level];
  if (level === u32[tw + T_HEIGHT]) {
    newRoot(a, t, left, right, false);
    return;
  }
  const p = pathNode[level + 1];
  u32[((p + I_COUNT) >>> 2) + pathSlot[level + 1]] = innerTotal(u32, left);
  insertChild(a, t, level + 1, pathSlot[level + 1] + 1, right, innerTotal(a.u32, right), false);
}

// ---------------------------------------------------------------- delete

/** Removes the entry at the path's leaf position `pos` (counts, order, rebalancing). */
function removeAt(a: ShardArena, t: number, pos: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  const height = u32[tw + T_HEIGHT];
  for (let l = 1; l <= height; l++) u32[((pathNode[l] + I_COUNT) >>> 2) + pathSlot[l]]--;
  u32[tw + T_LENGTH]--;
  const leaf = pathNode[0];
  const n = u32[leaf >>> 2];
  shift(u32, true, leaf, pos + 1, n, -1);
  u32[leaf >>> 2] = n - 1;
  if (height === 0) return;
  if (pos === 0 && n > 1) propagateMin(u32, height, 0);
  if (n - 1 < LEAF_MIN) rebalance(a, t, 0);
}

/**
 * The path's node at `level` is below its minimum: merges it with a sibling when both fit in one
 * node, else moves entries over from the sibling so both have about half.
 */
function rebalance(a: ShardArena, t: number, level: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  const height = u32[tw + T_HEIGHT];
  const leaf = level === 0;
  const p = pathNode[level + 1];
  const idx = pathSlot[level + 1];
  const pn = u32[p >>> 2];
  const li = idx + 1 < pn ? idx : idx - 1;
  const pc = (p + I_CHILD) >>> 2;
  const pcount = (p + I_COUNT) >>> 2;
  const A = u32[pc + li];
  const B = u32[pc + li + 1];
  const an = u32[A >>> 2];
  const bn = u32[B >>> 2];
  if (an + bn <= (leaf ? LEAF_CAP : INNER_CAP)) {
    for (let i = 0; i < bn; i++) entryCopy(u32, leaf, B, i, A, an + i);
    u32[A >>> 2] = an + bn;
    if (leaf) {
      const next = u32[(B + L_NEXT) >>> 2];
      u32[(A + L_NEXT) >>> 2] = next;
      if (next !== 0) u32[(next + L_PREV) >>> 2] = A;
      else u32[tw + T_LAST] = A;
    }
    a.free(B);
    u32[pcount + li] += u32[pcount + li + 1];
    shift(u32, false, p, li + 2, pn, -1);
    u32[p >>> 2] = pn - 1;
    if (an === 0) fixKey(u32, height, level + 1, li, A, leaf);
    if (level + 1 === height) {
      if (pn - 1 === 1) {
        u32[tw + T_ROOT] = A;
        u32[tw + T_HEIGHT] = height - 1;
        a.free(p);
      }
    } else if (pn - 1 < INNER_MIN) rebalance(a, t, level + 1);
    return;
  }
  const ta = (an + bn) >>> 1;
  let moved = 0;
  if (an < ta) {
    const k = ta - an;
    for (let i = 0; i < k; i++) {
      if (!leaf) moved += u32[((B + I_COUNT) >>> 2) + i];
      entryCopy(u32, leaf, B, i, A, an + i);
    }
    shift(u32, leaf, B, k, bn, -k);
    if (leaf) moved = k;
  } else {
    const k = an - ta;
    shift(u32, leaf, B, 0, bn, k);
    for (let i = 0; i < k; i++) {
      if (!leaf) moved -= u32[((A + I_COUNT) >>> 2) + ta + i];
      entryCopy(u32, leaf, A, ta + i, B, i);
    }
    if (leaf) moved = -k;
  }
  u32[A >>> 2] = ta;
  u32[B >>> 2] = an + bn - ta;
  u32[pcount + li] += moved;
  u32[pcount + li + 1] -= moved;
  setKeyFromChild(u32, p, li + 1, B, leaf);
  if (an === 0) fixKey(u32, height, level + 1, li, A, leaf);
}

/** Sets key i of the path's node at `level` from its child, and the ancestors' keys when i is 0. */
function fixKey(u32: Uint32Array, height: number, level: number, i: number, child: number, leafChild: boolean): void {
  setKeyFromChild(u32, pathNode[level], i, child, leafChild);
  if (i === 0) propagateMin(u32, height, level);
}

/** Deletes the element (score, member of `ref`); false when absent. */
export function ztDelete(a: ShardArena, t: number, score: number, ref: number): boolean {
  const pos = descend(a, t, score, a.u8, ref + REF_BYTES, refLen(a.u32, ref));
  if (!foundRef(a.u32, pos, ref)) return false;
  removeAt(a, t, pos);
  return true;
}

/**
 * Changes the score of the element (curScore, member of `ref`), which must exist (Redis's
 * zslUpdateScore): in place when it keeps its place between its neighbours, else removed and
 * inserted again. Returns its handle.
 */
export function ztUpdateScore(a: ShardArena, t: number, curScore: number, ref: number, newScore: number): number {
  const u32 = a.u32;
  const start = ref + REF_BYTES;
  const len = refLen(u32, ref);
  const pos = descend(a, t, curScore, a.u8, start, len);
  if (!foundRef(u32, pos, ref)) throw new Error('zset tree: updated element not found');
  const leaf = pathNode[0];
  const h = handle(leaf, pos);
  const prev = ztPrev(a, h);
  const next = ztNext(a, h);
  if ((prev === 0 || handleLess(a, prev, newScore, start, len)) && (next === 0 || !handleLess(a, next, newScore, start, len))) {
    a.dv.setFloat64(leaf + L_SCORES + 8 * pos, newScore, true);
    if (pos === 0) propagateMin(u32, u32[(t >>> 2) + T_HEIGHT], 0);
    return h;
  }
  removeAt(a, t, pos);
  return ztInsert(a, t, newScore, ref);
}

/** The handle's key < (score, arena bytes at start). */
function handleLess(a: ShardArena, h: number, score: number, start: number, len: number): boolean {
  const s = ztHandleScore(a, h);
  if (s < score) return true;
  if (s > score) return false;
  const ref = ztHandleRef(a, h);
  return compareBytes(a.u8, ref + REF_BYTES, refLen(a.u32, ref), a.u8, start, len) < 0;
}

// ---------------------------------------------------------------- rank and handles

/** 1-based rank of (score, member of `ref`), 0 when absent. */
export function ztRank(a: ShardArena, t: number, score: number, ref: number): number {
  const u32 = a.u32;
  const pos = descend(a, t, score, a.u8, ref + REF_BYTES, refLen(u32, ref));
  if (!foundRef(u32, pos, ref)) return 0;
  return pathRank(u32, u32[(t >>> 2) + T_HEIGHT], pos);
}

/** The element of 1-based rank `rank` (0 when out of range). */
export function ztByRank(a: ShardArena, t: number, rank: number): number {
  if (rank < 1 || rank > ztLength(a, t)) return 0;
  const pos = descendRank(a, t, rank);
  return handle(pathNode[0], pos);
}

export function ztFirst(a: ShardArena, t: number): number {
  const leaf = a.u32[(t >>> 2) + T_FIRST];
  return a.u32[leaf >>> 2] === 0 ? 0 : handle(leaf, 0);
}

export function ztLast(a: ShardArena, t: number): number {
  const leaf = a.u32[(t >>> 2) + T_LAST];
  const n = a.u32[leaf >>> 2];
  return n === 0 ? 0 : handle(leaf, n - 1);
}

export function ztNext(a: ShardArena, h: number): number {
  const leaf = hLeaf(h);
  const pos = hPos(h);
  if (pos + 1 < a.u32[leaf >>> 2]) return h + 1;
  const next = a.u32[(leaf + L_NEXT) >>> 2];
  return next === 0 ? 0 : handle(next, 0);
}

export function ztPrev(a: ShardArena, h: number): number {
  const pos = hPos(h);
  if (pos > 0) return h - 1;
  const prev = a.u32[(hLeaf(h) + L_PREV) >>> 2];
  return prev === 0 ? 0 : handle(prev, a.u32[prev >>> 2] - 1);
}

export function ztHandleScore(a: ShardArena, h: number): number {
  return a.dv.getFloat64(hLeaf(h) + L_SCORES + 8 * hPos(h), true);
}

/** The member reference (field-table entry) of a handle. */
export function ztHandleRef(a: ShardArena, h: number): number {
  return a.u32[((hLeaf(h) + L_REFS) >>> 2) + hPos(h)];
}

/** Byte offset of a handle's member bytes in arena.u8. */
export function ztMemberStart(a: ShardArena, h: number): number {
  return ztHandleRef(a, h) + REF_BYTES;
}

export function ztMemberLength(a: ShardArena, h: number): number {
  return refLen(a.u32, ztHandleRef(a, h));
}

// ---------------------------------------------------------------- ranges

const SEEK_BELOW_MIN = 0;
const SEEK_SCORE_LTE_MAX = 1;
const SEEK_LEX_BELOW_MIN = 2;
const SEEK_LEX_LTE_MAX = 3;
let seekKind = 0;
let seekScore: ScoreRange | null = null;
let seekLex: LexRange | null = null;

/** The seek predicate (true for a prefix of the order) on the key at byte `scoreAt` / reference `ref`. */
function before(a: ShardArena, scoreAt: number, ref: number): boolean {
  switch (seekKind) {
    case SEEK_BELOW_MIN:
      return !scoreGteMin(a.dv.getFloat64(scoreAt, true), seekScore as ScoreRange);
    case SEEK_SCORE_LTE_MAX:
      return scoreLteMax(a.dv.getFloat64(scoreAt, true), seekScore as ScoreRange);
    case SEEK_LEX_BELOW_MIN:
      return !lexGteMin(a.u8, ref + REF_BYTES, refLen(a.u32, ref), seekLex as LexRange);
    default:
      return lexLteMax(a.u8, ref + REF_BYTES, refLen(a.u32, ref), seekLex as LexRange);
  }
}

/** Handle of the first element for which `before` is false, 0 when it holds for all. */
function seek(a: ShardArena, t: number): number {
  const u32 = a.u32;
  const tw = t >>> 2;
  let node = u32[tw + T_ROOT];
  for (let l = u32[tw + T_HEIGHT]; l > 0; l--) {
    let lo = 1;
    let hi = u32[node >>> 2];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(a, node + I_SCORES + 8 * mid, u32[((node + I_REFS) >>> 2) + mid])) lo = mid + 1;
      else hi = mid;
    }
    node = u32[((node + I_CHILD) >>> 2) + lo - 1];
  }
  let lo = 0;
  const n = u32[node >>> 2];
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(a, node + L_SCORES + 8 * mid, u32[((node + L_REFS) >>> 2) + mid])) lo = mid + 1;
    else hi = mid;
  }
  if (lo < n) return handle(node, lo);
  const next = u32[(node + L_NEXT) >>> 2];
  return next === 0 || u32[next >>> 2] === 0 ? 0 : handle(next, 0);
}

/** First element with a score in the range (0 when none). */
export function ztFirstInScoreRange(a: ShardArena, t: number, r: ScoreRange): number {
  if (scoreRangeEmpty(r)) return 0;
  seekKind = SEEK_BELOW_MIN;
  seekScore = r;
  const h = seek(a, t);
  seekScore = null;
  return h !== 0 && scoreLteMax(ztHandleScore(a, h), r) ? h : 0;
}

/** Last element with a score in the range (0 when none). */
export function ztLastInScoreRange(a: ShardArena, t: number, r: ScoreRange): number {
  if (scoreRangeEmpty(r)) return 0;
  seekKind = SEEK_SCORE_LTE_MAX;
  seekScore = r;
  const after = seek(a, t);
  seekScore = null;
  const h = after === 0 ? ztLast(a, t) : ztPrev(a, after);
  return h !== 0 && scoreGteMin(ztHandleScore(a, h), r) ? h : 0;
}

function handleLexGteMin(a: ShardArena, h: number, r: LexRange): boolean {
  const ref = ztHandleRef(a, h);
  return lexGteMin(a.u8, ref + REF_BYTES, refLen(a.u32, ref), r);
}

function handleLexLteMax(a: ShardArena, h: number, r: LexRange): boolean {
  const ref = ztHandleRef(a, h);
  return lexLteMax(a.u8, ref + REF_BYTES, refLen(a.u32, ref), r);
}

/** Redis's zslIsInLexRange: the range is not empty, the last member >= min and the first <= max. */
function inLexRange(a: ShardArena, t: number, r: LexRange): boolean {
  if (lexRangeEmpty(r)) return false;
  const last = ztLast(a, t);
  return last !== 0 && handleLexGteMin(a, last, r) && handleLexLteMax(a, ztFirst(a, t), r);
}

/** First element whose member is in the lex range (0 when none). Meaningful when all scores are equal. */
export function ztFirstInLexRange(a: ShardArena, t: number, r: LexRange): number {
  if (!inLexRange(a, t, r)) return 0;
  seekKind = SEEK_LEX_BELOW_MIN;
  seekLex = r;
  const h = seek(a, t);
  seekLex = null;
  return h !== 0 && handleLexLteMax(a, h, r) ? h : 0;
}

export function ztLastInLexRange(a: ShardArena, t: number, r: LexRange): number {
  if (!inLexRange(a, t, r)) return 0;
  seekKind = SEEK_LEX_LTE_MAX;
  seekLex = r;
  const after = seek(a, t);
  seekLex = null;
  const h = after === 0 ? ztLast(a, t) : ztPrev(a, after);
  return h !== 0 && handleLexGteMin(a, h, r) ? h : 0;
}

/** References of the run being removed, handed to `removed` once the tree no longer holds them. */
const runRefs = new Uint32Array(LEAF_CAP);

/**
 * Removes the `k` entries from the path's leaf position `pos` (counts, order, rebalancing), then
 * calls `removed` with each one's reference, in order.
 */
function removeRun(a: ShardArena, t: number, pos: number, k: number, removed: (ref: number) => void): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  const height = u32[tw + T_HEIGHT];
  const leaf = pathNode[0];
  const n = u32[leaf >>> 2];
  for (let i = 0; i < k; i++) runRefs[i] = u32[((leaf + L_REFS) >>> 2) + pos + i];
  for (let l = 1; l <= height; l++) u32[((pathNode[l] + I_COUNT) >>> 2) + pathSlot[l]] -= k;
  u32[tw + T_LENGTH] -= k;
  shift(u32, true, leaf, pos + k, n, -k);
  u32[leaf >>> 2] = n - k;
  if (height > 0) {
    if (pos === 0 && n - k > 0) propagateMin(u32, height, 0);
    // An emptied leaf's key in its parent is stale until the merge drops it.
    if (n - k < LEAF_MIN) rebalance(a, t, 0);
  }
  for (let i = 0; i < k; i++) removed(runRefs[i]);
}

/** 1-based rank of the element at the path's leaf position `pos`. */
function pathRank(u32: Uint32Array, height: number, pos: number): number {
  let rank = pos + 1;
  for (let l = 1; l <= height; l++) {
    const c = (pathNode[l] + I_COUNT) >>> 2;
    for (let i = 0, k = pathSlot[l]; i < k; i++) rank += u32[c + i];
  }
  return rank;
}

/** 1-based rank of a handle's element. */
function handleRank(a: ShardArena, t: number, h: number): number {
  const ref = ztHandleRef(a, h);
  const pos = descend(a, t, ztHandleScore(a, h), a.u8, ref + REF_BYTES, refLen(a.u32, ref));
  return pathRank(a.u32, a.u32[(t >>> 2) + T_HEIGHT], pos);
}

/**
 * Deletes the elements of 1-based ranks start..end (inclusive, in range), calling `removed(ref)`
 * for each once it has left the tree (so the caller can free its member entry), in order. Runs of
 * one leaf go at once. Returns the count.
 */
export function ztDeleteRangeByRank(a: ShardArena, t: number, start: number, end: number, removed: (ref: number) => void): number {
  let left = Math.min(end, ztLength(a, t)) - start + 1;
  let count = 0;
  while (left > 0) {
    const pos = descendRank(a, t, start);
    const k = Math.min(left, a.u32[pathNode[0] >>> 2] - pos);
    removeRun(a, t, pos, k, removed);
    left -= k;
    count += k;
  }
  return count;
}

/**
 * Deletes every element with a score in the range; see ztDeleteRangeByRank. As Redis's
 * zslDeleteRangeByScore: from the first element in the range, onwards while within its max.
 */
export function ztDeleteRangeByScore(a: ShardArena, t: number, r: ScoreRange, removed: (ref: number) => void): number {
  const first = ztFirstInScoreRange(a, t, r);
  return first === 0 ? 0 : deleteWhile(a, t, first, (leaf, pos) => scoreLteMax(a.dv.getFloat64(leaf + L_SCORES + 8 * pos, true), r), removed);
}

/**
 * Deletes every element whose member is in the lex range; see ztDeleteRangeByRank. As Redis's
 * zslDeleteRangeByLex: from the first element in the range, onwards while within its max.
 */
export function ztDeleteRangeByLex(a: ShardArena, t: number, r: LexRange, removed: (ref: number) => void): number {
  const first = ztFirstInLexRange(a, t, r);
  return first === 0 ? 0 : deleteWhile(a, t, first, (leaf, pos) => handleLexLteMax(a, handle(leaf, pos), r), removed);
}

/**
 * Deletes the elements from handle `first` onwards while `withinMax(leaf, pos)` holds, a leaf's
 * run at a time (one descent per run). Returns how many went.
 */
function deleteWhile(a: ShardArena, t: number, first: number, withinMax: (leaf: number, pos: number) => boolean, removed: (ref: number) => void): number {
  const rank = handleRank(a, t, first);
  let count = 0;
  while (rank <= ztLength(a, t)) {
    const pos = descendRank(a, t, rank);
    const leaf = pathNode[0];
    const n = a.u32[leaf >>> 2];
    let k = 0;
    while (pos + k < n && withinMax(leaf, pos + k)) k++;
    if (k === 0) break;
    removeRun(a, t, pos, k, removed);
    count += k;
    if (pos + k < n) break;
  }
  return count;
}

// ---------------------------------------------------------------- reporting and checking

function innerBytes(a: ShardArena, node: number, level: number): number {
  if (level === 0) return 0;
  let bytes = a.usableSize(node);
  if (level > 1) for (let i = 0, n = a.u32[node >>> 2]; i < n; i++) bytes += innerBytes(a, a.u32[((node + I_CHILD) >>> 2) + i], level - 1);
  return bytes;
}

/**
 * Bytes the tree's blocks take (MEMORY USAGE): the tree block, inner nodes, leaves; with `samples` > 0
 * the leaves are estimated from the first ones holding `samples` elements.
 */
export function ztBytes(a: ShardArena, t: number, samples = 0): number {
  const u32 = a.u32;
  const tw = t >>> 2;
  let bytes = a.usableSize(t) + innerBytes(a, u32[tw + T_ROOT], u32[tw + T_HEIGHT]);
  let leaves = 0;
  let seen = 0;
  for (let leaf = u32[tw + T_FIRST]; leaf !== 0 && (samples === 0 || seen < samples); leaf = u32[(leaf + L_NEXT) >>> 2]) {
    leaves += a.usableSize(leaf);
    seen += u32[leaf >>> 2];
  }
  const length = u32[tw + T_LENGTH];
  bytes += seen >= length || seen === 0 ? leaves : Math.round((leaves / seen) * length);
  return bytes;
}

/** Compares two keys given as (score, reference): <0, 0, >0. */
function keyCompare(a: ShardArena, s1: number, r1: number, s2: number, r2: number): number {
  if (s1 !== s2) return s1 < s2 ? -1 : 1;
  return compareBytes(a.u8, r1 + REF_BYTES, refLen(a.u32, r1), a.u8, r2 + REF_BYTES, refLen(a.u32, r2));
}

/** Checks the invariants (for tests); returns '' or a description of the first violation. */
export function ztVerify(a: ShardArena, t: number): string {
  const u32 = a.u32;
  const tw = t >>> 2;
  const height = u32[tw + T_HEIGHT];
  const leaves: number[] = [];
  const check = (node: number, level: number, isRoot: boolean): { count: number; score: number; ref: number } | string => {
    const n = u32[node >>> 2];
    if (level === 0) {
      if (n > LEAF_CAP || (!isRoot && n < LEAF_MIN)) return `leaf size ${n}`;
      leaves.push(node);
      return { count: n, score: n ? a.dv.getFloat64(node + L_SCORES, true) : NaN, ref: n ? u32[(node + L_REFS) >>> 2] : 0 };
    }
    if (n > INNER_CAP || n < (isRoot ? 2 : INNER_MIN)) return `inner size ${n} at level ${level}`;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const sub = check(u32[((node + I_CHILD) >>> 2) + i], level - 1, false);
      if (typeof sub === 'string') return sub;
      if (sub.count !== u32[((node + I_COUNT) >>> 2) + i]) return `count ${i} at level ${level}: ${u32[((node + I_COUNT) >>> 2) + i]}, subtree ${sub.count}`;
      if (!Object.is(sub.score, a.dv.getFloat64(node + I_SCORES + 8 * i, true)) || sub.ref !== u32[((node + I_REFS) >>> 2) + i]) return `key ${i} at level ${level} is not its child's smallest`;
      total += sub.count;
    }
    return { count: total, score: a.dv.getFloat64(node + I_SCORES, true), ref: u32[(node + I_REFS) >>> 2] };
  };
  const top = check(u32[tw + T_ROOT], height, true);
  if (typeof top === 'string') return top;
  if (top.count !== u32[tw + T_LENGTH]) return `length ${u32[tw + T_LENGTH]}, ${top.count} keys`;
  if (u32[tw + T_FIRST] !== leaves[0] || u32[tw + T_LAST] !== leaves[leaves.length - 1]) return 'first/last leaf';
  let ps = 0;
  let pr = 0;
  for (let k = 0; k < leaves.length; k++) {
    const leaf = leaves[k];
    if (u32[(leaf + L_PREV) >>> 2] !== (k > 0 ? leaves[k - 1] : 0)) return `prev link of leaf ${k}`;
    if (u32[(leaf + L_NEXT) >>> 2] !== (k + 1 < leaves.length ? leaves[k + 1] : 0)) return `next link of leaf ${k}`;
    for (let i = 0, n = u32[leaf >>> 2]; i < n; i++) {
      const s = a.dv.getFloat64(leaf + L_SCORES + 8 * i, true);
      const r = u32[((leaf + L_REFS) >>> 2) + i];
      if (pr !== 0 && keyCompare(a, ps, pr, s, r) >= 0) return `order in leaf ${k} at ${i}`;
      ps = s;
      pr = r;
    }
  }
  return '';
}
