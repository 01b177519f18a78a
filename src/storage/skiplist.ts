/**
 * Skiplist: the ordered index of a large sorted set, in the shard arena (Redis's zskiplist).
 *
 * Elements are ordered by (score, member bytes): scores as doubles, ties broken by memcmp of the
 * member bytes (a shorter prefix sorts first). Every forward link carries a span, the number of
 * level-0 steps it skips, so a search accumulates the rank of the node it reaches: rank, by-rank
 * access and range deletion by rank are O(log n), as in Redis.
 *
 * Invariants:
 * - The header node has MAX_LEVEL levels and no member; it is not counted in `length`.
 * - A node's level is 1..MAX_LEVEL, drawn with p = 1/4 per extra level (Redis's ZSKIPLIST_P).
 * - span(x, i) = rank(forward(x, i)) - rank(x); a null forward has span = length - rank(x)
 *   (kept only at levels < `level`, exactly as Redis does).
 * - backward links level 0 in reverse; the first node's backward is 0.
 *
 * The skiplist does not own a member -> score map: the sorted-set value pairs it with a field table.
 *
 * Skiplist block (u32 words): 0 header node, 1 tail node (0 when empty), 2 length, 3 level.
 * Node block (byte offsets): 0 score (f64 as two u32, little-endian), 8 backward, 12 level,
 *   16 member length, 20 levels: (forward u32, span u32) x level, then the member bytes.
 */
import type { ShardArena } from './arena.js';
import { moveBytes } from './move-bytes.js';

export const SKIPLIST_MAX_LEVEL = 32;
const N_SCORE = 0;
const N_BACKWARD = 8;
const N_LEVEL = 12;
const N_MEMBER_LEN = 16;
const N_LEVELS = 20;

const SL_HEADER = 0;
const SL_TAIL = 1;
const SL_LENGTH = 2;
const SL_LEVEL = 3;

const update = new Uint32Array(SKIPLIST_MAX_LEVEL);
const rankAt = new Float64Array(SKIPLIST_MAX_LEVEL);

/** A score interval (Redis's zrangespec). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * A lexicographic interval (Redis's zlexrangespec) over member bytes held in `buf`: a bound is
 * -inf / +inf (kind -1 / 1) or a byte range [start, end) with an exclusive flag.
 */
export interface LexRange {
  buf: Uint8Array;
  minKind: number;
  minStart: number;
  minEnd: number;
  minex: boolean;
  maxKind: number;
  maxStart: number;
  maxEnd: number;
  maxex: boolean;
}

function randomLevel(): number {
  let level = 1;
  while (level < SKIPLIST_MAX_LEVEL && Math.random() < 0.25) level++;
  return level;
}

/** memcmp-then-length order of two byte ranges (Redis's sdscmp). */
export function compareBytes(a: Uint8Array, aStart: number, aLen: number, b: Uint8Array, bStart: number, bLen: number): number {
  const n = aLen < bLen ? aLen : bLen;
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i] - b[bStart + i];
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

export function scoreGteMin(score: number, r: ScoreRange): boolean {
  return r.minex ? score > r.min : score >= r.min;
}

export function scoreLteMax(score: number, r: ScoreRange): boolean {
  return r.maxex ? score < r.max : score <= r.max;
}

/** Member bytes at buf[start, start+len) are >= the range's min bound. */
export function lexGteMin(buf: Uint8Array, start: number, len: number, r: LexRange): boolean {
  if (r.minKind === -1) return true;
  if (r.minKind === 1) return false;
  const c = compareBytes(buf, start, len, r.buf, r.minStart, r.minEnd - r.minStart);
  return r.minex ? c > 0 : c >= 0;
}

export function lexLteMax(buf: Uint8Array, start: number, len: number, r: LexRange): boolean {
  if (r.maxKind === 1) return true;
  if (r.maxKind === -1) return false;
  const c = compareBytes(buf, start, len, r.buf, r.maxStart, r.maxEnd - r.maxStart);
  return r.maxex ? c < 0 : c <= 0;
}

/** True when no score can be in the range. */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** True when no member can be in the range (Redis's zslIsInLexRange's first check). */
export function lexRangeEmpty(r: LexRange): boolean {
  if (r.minKind === 1 || r.maxKind === -1) return true;
  if (r.minKind === 0 && r.maxKind === 0) {
    const c = compareBytes(r.buf, r.minStart, r.minEnd - r.minStart, r.buf, r.maxStart, r.maxEnd - r.maxStart);
    if (c > 0 || (c === 0 && (r.minex || r.maxex))) return true;
  }
  return false;
}

// ---------------------------------------------------------------- node accessors

export function nodeScore(arena: ShardArena, node: number): number {
  return arena.dv.getFloat64(node + N_SCORE, true);
}

function setNodeScore(arena: ShardArena, node: number, score: number): void {
  arena.dv.setFloat64(node + N_SCORE, score, true);
}

export function nodeMemberLength(arena: ShardArena, node: number): number {
  return arena.u32[(node + N_MEMBER_LEN) >>> 2];
}

/** Byte offset of the member bytes in arena.u8. */
export function nodeMemberStart(arena: ShardArena, node: number): number {
  return node + N_LEVELS + 8 * arena.u32[(node + N_LEVEL) >>> 2];
}

/** The next node in order (0 at the end). */
export function nodeNext(arena: ShardArena, node: number): number {
  return arena.u32[(node + N_LEVELS) >>> 2];
}

/** The previous node in order (0 at the start). */
export function nodePrev(arena: ShardArena, node: number): number {
  return arena.u32[(node + N_BACKWARD) >>> 2];
}

function forward(u32: Uint32Array, node: number, i: number): number {
  return u32[((node + N_LEVELS) >>> 2) + 2 * i];
}

function span(u32: Uint32Array, node: number, i: number): number {
  return u32[((node + N_LEVELS) >>> 2) + 2 * i + 1];
}

function setForward(u32: Uint32Array, node: number, i: number, v: number): void {
  u32[((node + N_LEVELS) >>> 2) + 2 * i] = v;
}

function setSpan(u32: Uint32Array, node: number, i: number, v: number): void {
  u32[((node + N_LEVELS) >>> 2) + 2 * i + 1] = v;
}

/** Node (score, member) < (score, buf[start, start+len)). */
function nodeLess(arena: ShardArena, node: number, score: number, buf: Uint8Array, start: number, len: number): boolean {
  const s = nodeScore(arena, node);
  if (s < score) return true;
  if (s > score) return false;
  return compareBytes(arena.u8, nodeMemberStart(arena, node), nodeMemberLength(arena, node), buf, start, len) < 0;
}

function nodeEquals(arena: ShardArena, node: number, score: number, buf: Uint8Array, start: number, len: number): boolean {
  if (nodeScore(arena, node) !== score) return false;
  return nodeMemberLength(arena, node) === len && compareBytes(arena.u8, nodeMemberStart(arena, node), len, buf, start, len) === 0;
}

/** Copies bytes from outside the arena: a loop for short ones (no subarray object), `set` beyond. */
function copyIn(u8: Uint8Array, to: number, buf: Uint8Array, start: number, len: number): void {
  if (len <= 64) for (let i = 0; i < len; i++) u8[to + i] = buf[start + i];
  else u8.set(buf.subarray(start, start + len), to);
}

function createNode(arena: ShardArena, level: number, score: number, buf: Uint8Array, start: number, len: number): number {
  const node = arena.alloc(N_LEVELS + 8 * level + len);
  const u32 = arena.u32;
  u32[(node + N_BACKWARD) >>> 2] = 0;
  u32[(node + N_LEVEL) >>> 2] = level;
  u32[(node + N_MEMBER_LEN) >>> 2] = len;
  setNodeScore(arena, node, score);
  const w = (node + N_LEVELS) >>> 2;
  for (let i = 0; i < 2 * level; i++) u32[w + i] = 0;
  // buf may be the arena itself (copying between nodes): copy from the current view after the alloc.
  const to = node + N_LEVELS + 8 * level;
  if (buf.buffer === arena.sab) moveBytes(arena.u8, to, buf.byteOffset + start, len);
  else copyIn(arena.u8, to, buf, start, len);
  return node;
}

// ---------------------------------------------------------------- skiplist

export function skiplistCreate(arena: ShardArena): number {
  const header = arena.alloc(N_LEVELS + 8 * SKIPLIST_MAX_LEVEL);
  const sl = arena.alloc(16);
  const u32 = arena.u32;
  u32[(header + N_BACKWARD) >>> 2] = 0;
  u32[(header + N_LEVEL) >>> 2] = SKIPLIST_MAX_LEVEL;
  u32[(header + N_MEMBER_LEN) >>> 2] = 0;
  u32[header >>> 2] = 0;
  u32[(header >>> 2) + 1] = 0;
  const w = (header + N_LEVELS) >>> 2;
  for (let i = 0; i < 2 * SKIPLIST_MAX_LEVEL; i++) u32[w + i] = 0;
  const s = sl >>> 2;
  u32[s + SL_HEADER] = header;
  u32[s + SL_TAIL] = 0;
  u32[s + SL_LENGTH] = 0;
  u32[s + SL_LEVEL] = 1;
  return sl;
}

export function skiplistLength(arena: ShardArena, sl: number): number {
  return arena.u32[(sl >>> 2) + SL_LENGTH];
}

/** First node (0 when empty). */
export function skiplistFirst(arena: ShardArena, sl: number): number {
  return forward(arena.u32, arena.u32[(sl >>> 2) + SL_HEADER], 0);
}

/** Last node (0 when empty). */
export function skiplistLast(arena: ShardArena, sl: number): number {
  return arena.u32[(sl >>> 2) + SL_TAIL];
}

/** Frees every node and the skiplist itself. */
export function skiplistFree(arena: ShardArena, sl: number): void {
  const u32 = arena.u32;
  const header = u32[(sl >>> 2) + SL_HEADER];
  let node = forward(u32, header, 0);
  while (node !== 0) {
    const next = forward(u32, node, 0);
    arena.free(node);
    node = next;
  }
  arena.free(header);
  arena.free(sl);
}

/**
 * Lazy freeing: unlinks the first node at level 0 only and returns it (0 when none is left), for a
 * skiplist being torn down that nothing else reads any more; the caller frees the node (and what it
 * owns), then `skiplistFreeShell` once this returns 0.
 */
export function skiplistTakeFirst(arena: ShardArena, sl: number): number {
  const u32 = arena.u32;
  const header = u32[(sl >>> 2) + SL_HEADER];
  const node = forward(u32, header, 0);
  if (node !== 0) u32[(header + N_LEVELS) >>> 2] = forward(u32, node, 0);
  return node;
}

/** Frees the header and root of a skiplist emptied by `skiplistTakeFirst`. */
export function skiplistFreeShell(arena: ShardArena, sl: number): void {
  arena.free(arena.u32[(sl >>> 2) + SL_HEADER]);
  arena.free(sl);
}

/**
 * Lazy freeing of a skiplist whose nodes own nothing else: about `budget` nodes. Returns the work
 * done; a result below `budget` means the skiplist is completely freed.
 */
export function skiplistFreeSome(arena: ShardArena, sl: number, budget: number): number {
  let used = 0;
  while (used < budget) {
    const node = skiplistTakeFirst(arena, sl);
    if (node === 0) {
      skiplistFreeShell(arena, sl);
      return used;
    }
    arena.free(node);
    used++;
  }
  return used;
}

/**
 * Inserts (score, member) which the caller knows is absent. `buf` may be arena.u8 (the member is
 * copied after allocation from the current view). Returns the new node.
 */
export function skiplistInsert(arena: ShardArena, sl: number, score: number, buf: Uint8Array, start: number, len: number): number {
  const level = randomLevel();
  const node = createNode(arena, level, score, buf, start, len);
  linkNode(arena, sl, node, level, score);
  return node;
}

/**
 * Links node `x` (its level, score and member set; links undefined) at its place. The search compares
 * with the node's own member bytes, so both sides of every comparison are arena bytes. Hot path.
 */
function linkNode(arena: ShardArena, sl: number, x: number, level: number, score: number): void {
  const u32 = arena.u32;
  const u8 = arena.u8;
  const dv = arena.dv;
  const mstart = x + N_LEVELS + 8 * level;
  const len = u32[(x + N_MEMBER_LEN) >>> 2];
  const s = sl >>> 2;
  const header = u32[s + SL_HEADER];
  const curLevel = u32[s + SL_LEVEL];
  let n = header;
  let rank = 0;
  for (let i = curLevel - 1; i >= 0; i--) {
    for (;;) {
      const w = ((n + N_LEVELS) >>> 2) + 2 * i;
      const f = u32[w];
      if (f === 0) break;
      const fs = dv.getFloat64(f + N_SCORE, true);
      if (fs < score || (fs === score && compareBytes(u8, f + N_LEVELS + 8 * u32[(f + N_LEVEL) >>> 2], u32[(f + N_MEMBER_LEN) >>> 2], u8, mstart, len) < 0)) {
        rank += u32[w + 1];
        n = f;
      } else break;
    }
    update[i] = n;
    rankAt[i] = rank;
  }
  const length = u32[s + SL_LENGTH];
  if (level > curLevel) {
    for (let i = curLevel; i < level; i++) {
      rankAt[i] = 0;
      update[i] = header;
      setSpan(u32, header, i, length);
    }
    u32[s + SL_LEVEL] = level;
  }
  const rank0 = rankAt[0];
  for (let i = 0; i < level; i++) {
    const u = update[i];
    const uw = ((u + N_LEVELS) >>> 2) + 2 * i;
    const xw = ((x + N_LEVELS) >>> 2) + 2 * i;
    const d = rank0 - rankAt[i];
    u32[xw] = u32[uw];
    u32[uw] = x;
    u32[xw + 1] = u32[uw + 1] - d;
    u32[uw + 1] = d + 1;
  }
  for (let i = level, top = u32[s + SL_LEVEL]; i < top; i++) setSpan(u32, update[i], i, span(u32, update[i], i) + 1);
  u32[(x + N_BACKWARD) >>> 2] = update[0] === header ? 0 : update[0];
  const next = forward(u32, x, 0);
  if (next !== 0) u32[(next + N_BACKWARD) >>> 2] = x;
  else u32[s + SL_TAIL] = x;
  u32[s + SL_LENGTH] = length + 1;
}

/** Unlinks `x` given the update vector (Redis's zslDeleteNode); does not free it. */
function unlinkNode(arena: ShardArena, sl: number, x: number): void {
  const u32 = arena.u32;
  const s = sl >>> 2;
  const level = u32[s + SL_LEVEL];
  for (let i = 0; i < level; i++) {
    const u = update[i];
    if (forward(u32, u, i) === x) {
      setSpan(u32, u, i, span(u32, u, i) + span(u32, x, i) - 1);
      setForward(u32, u, i, forward(u32, x, i));
    } else {
      setSpan(u32, u, i, span(u32, u, i) - 1);
    }
  }
  const next = forward(u32, x, 0);
  const back = u32[(x + N_BACKWARD) >>> 2];
  if (next !== 0) u32[(next + N_BACKWARD) >>> 2] = back;
  else u32[s + SL_TAIL] = back;
  const header = u32[s + SL_HEADER];
  let l = level;
  while (l > 1 && forward(u32, header, l - 1) === 0) l--;
  u32[s + SL_LEVEL] = l;
  u32[s + SL_LENGTH]--;
}

/** Fills `update` with the last node before (score, member) at each level. Hot path. */
function findUpdate(arena: ShardArena, sl: number, score: number, buf: Uint8Array, start: number, len: number): number {
  const u32 = arena.u32;
  const u8 = arena.u8;
  const dv = arena.dv;
  const s = sl >>> 2;
  let x = u32[s + SL_HEADER];
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (;;) {
      const f = u32[((x + N_LEVELS) >>> 2) + 2 * i];
      if (f === 0) break;
      const fs = dv.getFloat64(f + N_SCORE, true);
      if (fs < score || (fs === score && compareBytes(u8, f + N_LEVELS + 8 * u32[(f + N_LEVEL) >>> 2], u32[(f + N_MEMBER_LEN) >>> 2], buf, start, len) < 0)) x = f;
      else break;
    }
    update[i] = x;
  }
  return forward(u32, x, 0);
}

/** Deletes (score, member); false when absent. */
export function skiplistDelete(arena: ShardArena, sl: number, score: number, buf: Uint8Array, start: number, len: number): boolean {
  const x = findUpdate(arena, sl, score, buf, start, len);
  if (x === 0 || !nodeEquals(arena, x, score, buf, start, len)) return false;
  unlinkNode(arena, sl, x);
  arena.free(x);
  return true;
}

/**
 * Changes the score of the element (curScore, member), which must exist (Redis's zslUpdateScore):
 * in place when the order does not change, else by unlinking the node and linking it again at its
 * new place (same node, same level: nothing is allocated or copied). Returns the node.
 */
export function skiplistUpdateScore(arena: ShardArena, sl: number, curScore: number, buf: Uint8Array, start: number, len: number, newScore: number): number {
  const x = findUpdate(arena, sl, curScore, buf, start, len);
  if (x === 0 || !nodeEquals(arena, x, curScore, buf, start, len)) throw new Error('skiplist: updated element not found');
  const u32 = arena.u32;
  const back = u32[(x + N_BACKWARD) >>> 2];
  const next = forward(u32, x, 0);
  const memberStart = nodeMemberStart(arena, x);
  if (
    (back === 0 || nodeLess(arena, back, newScore, arena.u8, memberStart, len)) &&
    (next === 0 || !nodeLess(arena, next, newScore, arena.u8, memberStart, len))
  ) {
    setNodeScore(arena, x, newScore);
    return x;
  }
  unlinkNode(arena, sl, x);
  setNodeScore(arena, x, newScore);
  linkNode(arena, sl, x, u32[(x + N_LEVEL) >>> 2], newScore);
  return x;
}

/** 1-based rank of (score, member), 0 when absent. */
export function skiplistRank(arena: ShardArena, sl: number, score: number, buf: Uint8Array, start: number, len: number): number {
  const u32 = arena.u32;
  const u8 = arena.u8;
  const dv = arena.dv;
  const s = sl >>> 2;
  const header = u32[s + SL_HEADER];
  let x = header;
  let rank = 0;
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (;;) {
      const w = ((x + N_LEVELS) >>> 2) + 2 * i;
      const f = u32[w];
      if (f === 0) break;
      const fs = dv.getFloat64(f + N_SCORE, true);
      if (fs < score || (fs === score && compareBytes(u8, f + N_LEVELS + 8 * u32[(f + N_LEVEL) >>> 2], u32[(f + N_MEMBER_LEN) >>> 2], buf, start, len) <= 0)) {
        rank += u32[w + 1];
        x = f;
      } else break;
    }
    if (x !== header && nodeEquals(arena, x, score, buf, start, len)) return rank;
  }
  return 0;
}

/** The node of 1-based rank `rank` (0 when out of range). */
export function skiplistByRank(arena: ShardArena, sl: number, rank: number): number {
  const u32 = arena.u32;
  const s = sl >>> 2;
  if (rank < 1 || rank > u32[s + SL_LENGTH]) return 0;
  let x = u32[s + SL_HEADER];
  let traversed = 0;
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (let f = forward(u32, x, i); f !== 0 && traversed + span(u32, x, i) <= rank; f = forward(u32, x, i)) {
      traversed += span(u32, x, i);
      x = f;
    }
    if (traversed === rank) return x;
  }
  return 0;
}

/** First node with a score in the range (0 when none). */
export function skiplistFirstInScoreRange(arena: ShardArena, sl: number, r: ScoreRange): number {
  if (scoreRangeEmpty(r)) return 0;
  const u32 = arena.u32;
  const s = sl >>> 2;
  const last = u32[s + SL_TAIL];
  const first = skiplistFirst(arena, sl);
  if (last === 0 || !scoreGteMin(nodeScore(arena, last), r) || !scoreLteMax(nodeScore(arena, first), r)) return 0;
  let x = u32[s + SL_HEADER];
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (let f = forward(u32, x, i); f !== 0 && !scoreGteMin(nodeScore(arena, f), r); f = forward(u32, x, i)) x = f;
  }
  x = forward(u32, x, 0);
  return x !== 0 && scoreLteMax(nodeScore(arena, x), r) ? x : 0;
}

/** Last node with a score in the range (0 when none). */
export function skiplistLastInScoreRange(arena: ShardArena, sl: number, r: ScoreRange): number {
  if (scoreRangeEmpty(r)) return 0;
  const u32 = arena.u32;
  const s = sl >>> 2;
  const last = u32[s + SL_TAIL];
  const first = skiplistFirst(arena, sl);
  if (last === 0 || !scoreGteMin(nodeScore(arena, last), r) || !scoreLteMax(nodeScore(arena, first), r)) return 0;
  let x = u32[s + SL_HEADER];
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (let f = forward(u32, x, i); f !== 0 && scoreLteMax(nodeScore(arena, f), r); f = forward(u32, x, i)) x = f;
  }
  return x !== u32[s + SL_HEADER] && scoreGteMin(nodeScore(arena, x), r) ? x : 0;
}

function nodeLexGteMin(arena: ShardArena, node: number, r: LexRange): boolean {
  return lexGteMin(arena.u8, nodeMemberStart(arena, node), nodeMemberLength(arena, node), r);
}

function nodeLexLteMax(arena: ShardArena, node: number, r: LexRange): boolean {
  return lexLteMax(arena.u8, nodeMemberStart(arena, node), nodeMemberLength(arena, node), r);
}

/** First node whose member is in the lex range (0 when none). Meaningful when all scores are equal. */
export function skiplistFirstInLexRange(arena: ShardArena, sl: number, r: LexRange): number {
  if (lexRangeEmpty(r)) return 0;
  const u32 = arena.u32;
  const s = sl >>> 2;
  const last = u32[s + SL_TAIL];
  if (last === 0 || !nodeLexGteMin(arena, last, r) || !nodeLexLteMax(arena, skiplistFirst(arena, sl), r)) return 0;
  let x = u32[s + SL_HEADER];
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (let f = forward(u32, x, i); f !== 0 && !nodeLexGteMin(arena, f, r); f = forward(u32, x, i)) x = f;
  }
  x = forward(u32, x, 0);
  return x !== 0 && nodeLexLteMax(arena, x, r) ? x : 0;
}

export function skiplistLastInLexRange(arena: ShardArena, sl: number, r: LexRange): number {
  if (lexRangeEmpty(r)) return 0;
  const u32 = arena.u32;
  const s = sl >>> 2;
  const last = u32[s + SL_TAIL];
  if (last === 0 || !nodeLexGteMin(arena, last, r) || !nodeLexLteMax(arena, skiplistFirst(arena, sl), r)) return 0;
  let x = u32[s + SL_HEADER];
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (let f = forward(u32, x, i); f !== 0 && nodeLexLteMax(arena, f, r); f = forward(u32, x, i)) x = f;
  }
  return x !== u32[s + SL_HEADER] && nodeLexGteMin(arena, x, r) ? x : 0;
}

/**
 * Deletes every node of 1-based ranks start..end (inclusive, clamped by the caller), calling
 * `removed(node)` before each is freed (so the caller can drop it from its member index).
 * Returns the number removed.
 */
export function skiplistDeleteRangeByRank(arena: ShardArena, sl: number, start: number, end: number, removed: (node: number) => void): number {
  const u32 = arena.u32;
  const s = sl >>> 2;
  let x = u32[s + SL_HEADER];
  let traversed = 0;
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (let f = forward(u32, x, i); f !== 0 && traversed + span(u32, x, i) < start; f = forward(u32, x, i)) {
      traversed += span(u32, x, i);
      x = f;
    }
    update[i] = x;
  }
  traversed++;
  x = forward(u32, x, 0);
  let count = 0;
  while (x !== 0 && traversed <= end) {
    const next = forward(arena.u32, x, 0);
    unlinkNode(arena, sl, x);
    removed(x);
    arena.free(x);
    count++;
    traversed++;
    x = next;
  }
  return count;
}

/** Deletes every node with a score in the range; see skiplistDeleteRangeByRank. */
export function skiplistDeleteRangeByScore(arena: ShardArena, sl: number, r: ScoreRange, removed: (node: number) => void): number {
  const u32 = arena.u32;
  const s = sl >>> 2;
  let x = u32[s + SL_HEADER];
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (let f = forward(u32, x, i); f !== 0 && !scoreGteMin(nodeScore(arena, f), r); f = forward(u32, x, i)) x = f;
    update[i] = x;
  }
  x = forward(u32, x, 0);
  let count = 0;
  while (x !== 0 && scoreLteMax(nodeScore(arena, x), r)) {
    const next = forward(arena.u32, x, 0);
    unlinkNode(arena, sl, x);
    removed(x);
    arena.free(x);
    count++;
    x = next;
  }
  return count;
}

/** Deletes every node whose member is in the lex range; see skiplistDeleteRangeByRank. */
export function skiplistDeleteRangeByLex(arena: ShardArena, sl: number, r: LexRange, removed: (node: number) => void): number {
  const u32 = arena.u32;
  const s = sl >>> 2;
  let x = u32[s + SL_HEADER];
  for (let i = u32[s + SL_LEVEL] - 1; i >= 0; i--) {
    for (let f = forward(u32, x, i); f !== 0 && !nodeLexGteMin(arena, f, r); f = forward(u32, x, i)) x = f;
    update[i] = x;
  }
  x = forward(u32, x, 0);
  let count = 0;
  while (x !== 0 && nodeLexLteMax(arena, x, r)) {
    const next = forward(arena.u32, x, 0);
    unlinkNode(arena, sl, x);
    removed(x);
    arena.free(x);
    count++;
    x = next;
  }
  return count;
}

/** Bytes the skiplist's blocks take (MEMORY USAGE): header, nodes, the skiplist block. */
export function skiplistBytes(arena: ShardArena, sl: number, samples = 0): number {
  const u32 = arena.u32;
  const header = u32[(sl >>> 2) + SL_HEADER];
  const total = arena.usableSize(sl) + arena.usableSize(header);
  let nodes = 0;
  let seen = 0;
  for (let x = forward(u32, header, 0); x !== 0 && (samples === 0 || seen < samples); x = forward(u32, x, 0)) {
    nodes += arena.usableSize(x);
    seen++;
  }
  const length = u32[(sl >>> 2) + SL_LENGTH];
  return total + (seen === length || seen === 0 ? nodes : Math.round((nodes / seen) * length));
}

/**
 * Checks the invariants (for tests): order, spans, backward links, tail and length. Returns '' or a
 * description of the first violation.
 */
export function skiplistVerify(arena: ShardArena, sl: number): string {
  const u32 = arena.u32;
  const s = sl >>> 2;
  const header = u32[s + SL_HEADER];
  const length = u32[s + SL_LENGTH];
  const level = u32[s + SL_LEVEL];
  const rankOf = new Map<number, number>([[header, 0]]);
  let prev = 0;
  let rank = 0;
  for (let x = forward(u32, header, 0); x !== 0; x = forward(u32, x, 0)) {
    rank++;
    rankOf.set(x, rank);
    if (u32[(x + N_BACKWARD) >>> 2] !== prev) return `backward link of rank ${rank}`;
    if (prev !== 0 && !nodeLess(arena, prev, nodeScore(arena, x), arena.u8, nodeMemberStart(arena, x), nodeMemberLength(arena, x))) return `order at rank ${rank}`;
    prev = x;
  }
  if (rank !== length) return `length ${length}, ${rank} nodes`;
  if (u32[s + SL_TAIL] !== prev) return 'tail';
  for (const [x, r] of rankOf) {
    const levels = x === header ? level : u32[(x + N_LEVEL) >>> 2];
    for (let i = 0; i < levels; i++) {
      const f = forward(u32, x, i);
      const expectSpan = f === 0 ? length - r : (rankOf.get(f) ?? -1) - r;
      if ((f !== 0 || i < level) && span(u32, x, i) !== expectSpan) return `span at rank ${r} level ${i}`;
    }
  }
  return '';
}
