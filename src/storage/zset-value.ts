/**
 * Sorted-set values: the two encodings behind one API, as Redis's t_zset.c zset* functions.
 *
 * - Listpack (small): one listpack of (member, score) entry pairs in (score, member) order. A score
 *   is an integer entry when it is a safe integer (not -0), else a 9-byte string entry 'd' + the f64's
 *   8 little-endian bytes (exact, and never mistaken for an integer, as the tag is not a digit).
 *   Members stored by the listpack as integers (canonical decimal text) read back as that text.
 * - Skiplist (large): a root block [0, tree, field table]; the field table (FieldKind.Score) maps
 *   member -> score and holds the member bytes, the tree (zset-tree.ts, a counted B+tree standing in
 *   for Redis's zskiplist) orders (score, member) with references to the table's entries. The leading 0 word tells the root apart from
 *   a listpack (whose first word, its byte count, is never 0), so freeing and cloning need no
 *   encoding byte.
 *
 * A value converts listpack -> skiplist when an insert would exceed `zset-max-listpack-entries`
 * entries or a member would be longer than `zset-max-listpack-value` bytes; never back on deletes
 * (as Redis 7.0). Store commands build a result and call `zsetConvertToListpackIfNeeded`.
 *
 * Elements are addressed by handles: a listpack position of the member entry, or a tree handle;
 * 0 is "none". Handles stay valid until the value is modified.
 *
 * `ZSetRef` names a value while a command works on it; mutations may change `root` and `enc`, which
 * the caller stores back into the key's entry (`zsetStore`).
 */
import type { ShardArena } from './arena.js';
import { Encoding, ValueType, valueLazyFreers } from './keyspace.js';
import type { ShardKeyspace } from './keyspace.js';
import {
  lpNew,
  lpFree,
  lpClone,
  lpCount,
  lpFirst,
  lpLast,
  lpNext,
  lpPrev,
  lpSeek,
  lpIsInt,
  lpInt,
  lpStrStart,
  lpStrLength,
  lpFind,
  lpInsert,
  lpInsertInt,
  lpBytes,
  lpDeleteRange,
  lpEntryBytes,
} from './listpack.js';
import { FieldKind, ftNew, ftFree, ftFreeSome, ftClone, ftCount, ftFind, ftInsert, ftScore, ftSetScore, ftDeleteEntry, ftMemory, ftExpand } from './field-table.js';
import {
  compareBytes,
  scoreGteMin,
  scoreLteMax,
  lexGteMin,
  lexLteMax,
  scoreRangeEmpty,
  lexRangeEmpty,
  type ScoreRange,
  type LexRange,
} from './skiplist.js';
import {
  ztCreate,
  ztFree,
  ztFreeSome,
  ztInsert,
  ztDelete,
  ztUpdateScore,
  ztRank,
  ztByRank,
  ztLength,
  ztFirst,
  ztLast,
  ztNext,
  ztPrev,
  ztHandleScore,
  ztMemberStart,
  ztMemberLength,
  ztFirstInScoreRange,
  ztLastInScoreRange,
  ztFirstInLexRange,
  ztLastInLexRange,
  ztDeleteRangeByRank,
  ztDeleteRangeByScore,
  ztDeleteRangeByLex,
  ztBytes,
} from './zset-tree.js';

export type { ScoreRange, LexRange } from './skiplist.js';

/** Conversion thresholds (zset-max-listpack-entries / -value). */
export interface ZSetLimits {
  entries: number;
  value: number;
}

export class ZSetRef {
  arena!: ShardArena;
  enc: Encoding = Encoding.ListPack;
  root = 0;
}

/** zsetAdd input flags (Redis's ZADD_IN_*). */
export const enum ZAddIn {
  Incr = 1,
  NX = 2,
  XX = 4,
  GT = 8,
  LT = 16,
}

/** zsetAdd output flags (Redis's ZADD_OUT_*). */
export const enum ZAddOut {
  Nop = 1,
  NaN = 2,
  Added = 4,
  Updated = 8,
}

/** Results that would otherwise need an object per call: read right after the call. */
export const zsetResult = {
  /** zsetAdd: the element's score afterwards. zsetRank: the element's score. */
  score: 0,
};

/** A member's bytes as returned by zsetMember: `buf[start, start+len)`; valid until the next call. */
export const memberView = { buf: new Uint8Array(0) as Uint8Array, start: 0, len: 0 };

const SL_ROOT_SKIPLIST = 1;
const SL_ROOT_TABLE = 2;

const intText = new Uint8Array(24);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);
const scoreBytes = new Uint8Array(9);
scoreBytes[0] = 0x64; // 'd'

// ---------------------------------------------------------------- helpers on the raw encodings

/** True when the root block is a skiplist-encoding root (first word 0). */
export function isSkiplistRoot(arena: ShardArena, root: number): boolean {
  return arena.u32[root >>> 2] === 0;
}

function slOf(z: ZSetRef): number {
  return z.arena.u32[(z.root >>> 2) + SL_ROOT_SKIPLIST];
}

function ftOf(z: ZSetRef): number {
  return z.arena.u32[(z.root >>> 2) + SL_ROOT_TABLE];
}

/** Writes the decimal text of a safe integer into `intText`; returns its length. */
function writeIntText(n: number): number {
  const s = String(n);
  for (let i = 0; i < s.length; i++) intText[i] = s.charCodeAt(i);
  return s.length;
}

/** The listpack entry at pos as bytes, into memberView (integers as their text). */
function lpMemberView(a: ShardArena, lp: number, pos: number): void {
  if (lpIsInt(a, lp, pos)) {
    memberView.buf = intText;
    memberView.start = 0;
    memberView.len = writeIntText(lpInt(a, lp, pos));
  } else {
    memberView.buf = a.u8;
    memberView.start = lpStrStart(a, lp, pos);
    memberView.len = lpStrLength(a, lp, pos);
  }
}

/** Score of the score entry at pos. */
function lpScoreAt(a: ShardArena, lp: number, pos: number): number {
  if (lpIsInt(a, lp, pos)) return lpInt(a, lp, pos);
  return a.dv.getFloat64(lpStrStart(a, lp, pos) + 1, true);
}

function lpInsertScore(a: ShardArena, lp: number, pos: number, score: number): number {
  // -0 becomes 0, as Redis's listpack stores it.
  if (Number.isSafeInteger(score)) return lpInsertInt(a, lp, pos, score === 0 ? 0 : score);
  f64[0] = score;
  for (let i = 0; i < 8; i++) scoreBytes[i + 1] = f64b[i];
  return lpInsert(a, lp, pos, scoreBytes, 0, 9);
}

/** Compares the member entry at pos with the bytes (sdscmp order). */
function lpCompareMember(a: ShardArena, lp: number, pos: number, buf: Uint8Array, off: number, len: number): number {
  lpMemberView(a, lp, pos);
  return compareBytes(memberView.buf, memberView.start, memberView.len, buf, off, len);
}

/** Inserts (member, score) in order into a listpack (zzlInsert); returns the new lp. */
function zzlInsert(a: ShardArena, lp: number, score: number, buf: Uint8Array, off: number, len: number): number {
  let pos = lpFirst(a, lp);
  while (pos !== 0) {
    const spos = lpNext(a, lp, pos);
    const s = lpScoreAt(a, lp, spos);
    if (s > score || (s === score && lpCompareMember(a, lp, pos, buf, off, len) > 0)) break;
    pos = lpNext(a, lp, spos);
  }
  if (pos === 0) pos = lpBytes(a, lp);
  lp = lpInsert(a, lp, pos, buf, off, len);
  return lpInsertScore(a, lp, lpNext(a, lp, pos) || lpBytes(a, lp), score);
}

/** Position of a member in a listpack, 0 if absent. */
function zzlFind(a: ShardArena, lp: number, buf: Uint8Array, off: number, len: number): number {
  if (lpCount(a, lp) === 0) return 0;
  return lpFind(a, lp, 0, buf, off, len, 1);
}

// ---------------------------------------------------------------- lifecycle

/** Loads a key's value into `z`. */
export function zsetOpen(z: ZSetRef, ks: ShardKeyspace, e: number): ZSetRef {
  z.arena = ks.arena;
  z.enc = ks.encoding(e);
  z.root = ks.valueWord(e);
  return z;
}

/** Writes `z` back into the key's entry. */
export function zsetStore(z: ZSetRef, ks: ShardKeyspace, e: number): void {
  ks.setValueWord(e, z.root);
  ks.setEncoding(e, z.enc);
}

/** A new empty value sized for `sizeHint` elements of up to `valueLenHint` bytes (zsetTypeCreate). */
export function zsetCreate(z: ZSetRef, arena: ShardArena, sizeHint: number, valueLenHint: number, limits: ZSetLimits): ZSetRef {
  z.arena = arena;
  if (sizeHint <= limits.entries && valueLenHint <= limits.value) {
    z.enc = Encoding.ListPack;
    z.root = lpNew(arena);
  } else {
    z.enc = Encoding.SkipList;
    z.root = newSkiplistRoot(arena, sizeHint);
  }
  return z;
}

function newSkiplistRoot(arena: ShardArena, sizeHint: number): number {
  const sl = ztCreate(arena);
  const ft = ftNew(arena, FieldKind.Score, Math.max(0, Math.min(sizeHint, 1 << 20)));
  const root = arena.alloc(12);
  const u32 = arena.u32;
  u32[root >>> 2] = 0;
  u32[(root >>> 2) + SL_ROOT_SKIPLIST] = sl;
  u32[(root >>> 2) + SL_ROOT_TABLE] = ft;
  return root;
}

export function zsetFreeRoot(arena: ShardArena, root: number): void {
  if (isSkiplistRoot(arena, root)) {
    const u32 = arena.u32;
    ztFree(arena, u32[(root >>> 2) + SL_ROOT_SKIPLIST]);
    ftFree(arena, arena.u32[(root >>> 2) + SL_ROOT_TABLE]);
    arena.free(root);
  } else {
    lpFree(arena, root);
  }
}

/** Lazy freeing: the tree's nodes, then the member table, then the root (see LazyValueFreer). */
valueLazyFreers[ValueType.ZSet] = {
  effort: (arena, root) => (isSkiplistRoot(arena, root) ? ztLength(arena, arena.u32[(root >>> 2) + SL_ROOT_SKIPLIST]) : 1),
  freeSome(arena, root, budget) {
    if (!isSkiplistRoot(arena, root)) {
      lpFree(arena, root);
      return 0;
    }
    const u32 = arena.u32;
    let used = 0;
    const sl = u32[(root >>> 2) + SL_ROOT_SKIPLIST];
    if (sl !== 0) {
      used = ztFreeSome(arena, sl, budget);
      if (used >= budget) return used;
      u32[(root >>> 2) + SL_ROOT_SKIPLIST] = 0;
    }
    const ft = u32[(root >>> 2) + SL_ROOT_TABLE];
    if (ft !== 0) {
      used += ftFreeSome(arena, ft, budget - used);
      if (used >= budget) return used;
      u32[(root >>> 2) + SL_ROOT_TABLE] = 0;
    }
    arena.free(root);
    return used;
  },
};

export function zsetFree(z: ZSetRef): void {
  zsetFreeRoot(z.arena, z.root);
  z.root = 0;
}

/** Deep copy of a value root into `dst` (COPY, cross-shard moves). */
export function zsetCloneRoot(src: ShardArena, root: number, dst: ShardArena): number {
  if (!isSkiplistRoot(src, root)) return lpClone(src, root, dst);
  const sl = src.u32[(root >>> 2) + SL_ROOT_SKIPLIST];
  const ftCopy = ftClone(src, src.u32[(root >>> 2) + SL_ROOT_TABLE], dst);
  const slCopy = ztCreate(dst);
  // Appending in order, each element referring to its entry in the copied table: each insert
  // descends to the last leaf, O(log n) per element.
  for (let h = ztFirst(src, sl); h !== 0; h = ztNext(src, h)) {
    const start = ztMemberStart(src, h);
    const len = ztMemberLength(src, h);
    const e = src === dst ? ftFind(dst, ftCopy, dst.u8, start, len) : ftFind(dst, ftCopy, src.u8, start, len);
    ztInsert(dst, slCopy, ztHandleScore(src, h), e);
  }
  const copy = dst.alloc(12);
  const u32 = dst.u32;
  u32[copy >>> 2] = 0;
  u32[(copy >>> 2) + SL_ROOT_SKIPLIST] = slCopy;
  u32[(copy >>> 2) + SL_ROOT_TABLE] = ftCopy;
  return copy;
}

export function zsetLength(z: ZSetRef): number {
  if (z.enc === Encoding.ListPack) return lpCount(z.arena, z.root) >>> 1;
  return ztLength(z.arena, slOf(z));
}

// ---------------------------------------------------------------- conversion

/** Converts a listpack value to the skiplist encoding, sized for `expected` elements. */
export function zsetConvertToSkiplist(z: ZSetRef, expected: number): void {
  if (z.enc !== Encoding.ListPack) return;
  const a = z.arena;
  const lp = z.root;
  const root = newSkiplistRoot(a, expected);
  const sl = a.u32[(root >>> 2) + SL_ROOT_SKIPLIST];
  const ft = a.u32[(root >>> 2) + SL_ROOT_TABLE];
  for (let pos = lpFirst(a, lp); pos !== 0; ) {
    const spos = lpNext(a, lp, pos);
    const score = lpScoreAt(a, lp, spos);
    lpMemberView(a, lp, pos);
    // memberView may point into the arena: the inserts copy from the current view after allocating.
    const { buf, start, len } = memberView;
    const owned = buf === intText ? intText.slice(0, len) : buf;
    const e = ftInsert(a, ft, owned, owned === buf ? start : 0, len);
    ftSetScore(a, e, score);
    ztInsert(a, sl, score, e);
    pos = lpNext(a, lp, spos);
  }
  lpFree(a, lp);
  z.root = root;
  z.enc = Encoding.SkipList;
}

/**
 * Converts a skiplist value back to a listpack when it fits the limits (zsetConvertToListpackIfNeeded);
 * `maxLen` is the longest member's length.
 */
export function zsetConvertToListpackIfNeeded(z: ZSetRef, maxLen: number, limits: ZSetLimits): void {
  if (z.enc !== Encoding.SkipList) return;
  const a = z.arena;
  const sl = slOf(z);
  if (ztLength(a, sl) > limits.entries || maxLen > limits.value) return;
  let lp = lpNew(a);
  for (let h = ztFirst(a, sl); h !== 0; h = ztNext(a, h)) {
    // Each insert may grow the arena: the handle's bytes are read again after it.
    lp = lpInsert(a, lp, lpBytes(a, lp), a.u8, ztMemberStart(a, h), ztMemberLength(a, h));
    lp = lpInsertScore(a, lp, lpBytes(a, lp), ztHandleScore(a, h));
  }
  zsetFreeRoot(a, z.root);
  z.root = lp;
  z.enc = Encoding.ListPack;
}

// ---------------------------------------------------------------- members

/** A member's score, NaN when absent. */
export function zsetScore(z: ZSetRef, buf: Uint8Array, off: number, len: number): number {
  const a = z.arena;
  if (z.enc === Encoding.ListPack) {
    const pos = zzlFind(a, z.root, buf, off, len);
    return pos === 0 ? NaN : lpScoreAt(a, z.root, lpNext(a, z.root, pos));
  }
  const e = ftFind(a, ftOf(z), buf, off, len);
  return e === 0 ? NaN : ftScore(a, e);
}

/**
 * Redis's zsetAdd: adds or updates a member under the ZAddIn flags. Returns ZAddOut flags (NaN when
 * an increment made the score NaN: nothing changed). zsetResult.score holds the resulting score.
 */
export function zsetAdd(z: ZSetRef, score: number, buf: Uint8Array, off: number, len: number, flags: number, limits: ZSetLimits): number {
  const incr = (flags & ZAddIn.Incr) !== 0;
  const nx = (flags & ZAddIn.NX) !== 0;
  const xx = (flags & ZAddIn.XX) !== 0;
  const gt = (flags & ZAddIn.GT) !== 0;
  const lt = (flags & ZAddIn.LT) !== 0;
  if (Number.isNaN(score)) return ZAddOut.NaN;
  const a = z.arena;
  if (z.enc === Encoding.ListPack) {
    const pos = zzlFind(a, z.root, buf, off, len);
    if (pos !== 0) {
      if (nx) return ZAddOut.Nop;
      const cur = lpScoreAt(a, z.root, lpNext(a, z.root, pos));
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) return ZAddOut.NaN;
      }
      if ((lt && score >= cur) || (gt && score <= cur)) return ZAddOut.Nop;
      zsetResult.score = score;
      if (score !== cur) {
        // The member bytes may be the entry itself: copy before deleting it.
        const member = buf.buffer === a.sab ? buf.slice(off, off + len) : buf;
        const moff = member === buf ? off : 0;
        let lp = lpDeleteRange(a, z.root, pos, 2);
        lp = zzlInsert(a, lp, score, member, moff, len);
        z.root = lp;
        return ZAddOut.Updated;
      }
      return 0;
    }
    if (xx) return ZAddOut.Nop;
    if (lpCount(a, z.root) / 2 + 1 > limits.entries || len > limits.value) {
      zsetConvertToSkiplist(z, zsetLength(z) + 1);
    } else {
      z.root = zzlInsert(a, z.root, score, buf, off, len);
      zsetResult.score = score;
      return ZAddOut.Added;
    }
  }
  const ft = ftOf(z);
  const sl = slOf(z);
  const e = ftFind(a, ft, buf, off, len);
  if (e !== 0) {
    if (nx) return ZAddOut.Nop;
    const cur = ftScore(a, e);
    if (incr) {
      score += cur;
      if (Number.isNaN(score)) return ZAddOut.NaN;
    }
    if ((lt && score >= cur) || (gt && score <= cur)) return ZAddOut.Nop;
    zsetResult.score = score;
    if (score !== cur) {
      ztUpdateScore(a, sl, cur, e, score);
      ftSetScore(a, e, score);
      return ZAddOut.Updated;
    }
    return 0;
  }
  if (xx) return ZAddOut.Nop;
  const ne = ftInsert(a, ft, buf, off, len);
  ftSetScore(a, ne, score);
  ztInsert(a, sl, score, ne);
  zsetResult.score = score;
  return ZAddOut.Added;
}

/** Removes a member; false when absent. */
export function zsetRemove(z: ZSetRef, buf: Uint8Array, off: number, len: number): boolean {
  const a = z.arena;
  if (z.enc === Encoding.ListPack) {
    const pos = zzlFind(a, z.root, buf, off, len);
    if (pos === 0) return false;
    z.root = lpDeleteRange(a, z.root, pos, 2);
    return true;
  }
  const ft = ftOf(z);
  const e = ftFind(a, ft, buf, off, len);
  if (e === 0) return false;
  ztDelete(a, slOf(z), ftScore(a, e), e);
  ftDeleteEntry(a, ft, e);
  return true;
}

/** 0-based rank of a member (from the highest score when `reverse`), -1 when absent; its score in zsetResult. */
export function zsetRank(z: ZSetRef, buf: Uint8Array, off: number, len: number, reverse: boolean): number {
  const a = z.arena;
  const length = zsetLength(z);
  if (z.enc === Encoding.ListPack) {
    const lp = z.root;
    let rank = 0;
    for (let pos = lpFirst(a, lp); pos !== 0; rank++) {
      const spos = lpNext(a, lp, pos);
      if (lpCompareMember(a, lp, pos, buf, off, len) === 0) {
        zsetResult.score = lpScoreAt(a, lp, spos);
        return reverse ? length - 1 - rank : rank;
      }
      pos = lpNext(a, lp, spos);
    }
    return -1;
  }
  const e = ftFind(a, ftOf(z), buf, off, len);
  if (e === 0) return -1;
  const score = ftScore(a, e);
  zsetResult.score = score;
  const r = ztRank(a, slOf(z), score, e);
  return reverse ? length - r : r - 1;
}

// ---------------------------------------------------------------- handles (iteration)

export function zsetFirst(z: ZSetRef): number {
  return z.enc === Encoding.ListPack ? lpFirst(z.arena, z.root) : ztFirst(z.arena, slOf(z));
}

export function zsetLast(z: ZSetRef): number {
  if (z.enc === Encoding.ListPack) {
    const last = lpLast(z.arena, z.root);
    return last === 0 ? 0 : lpPrev(z.arena, z.root, last);
  }
  return ztLast(z.arena, slOf(z));
}

export function zsetNext(z: ZSetRef, h: number): number {
  if (z.enc === Encoding.ListPack) {
    const spos = lpNext(z.arena, z.root, h);
    return lpNext(z.arena, z.root, spos);
  }
  return ztNext(z.arena, h);
}

export function zsetPrev(z: ZSetRef, h: number): number {
  if (z.enc === Encoding.ListPack) return h === lpFirst(z.arena, z.root) ? 0 : lpPrev(z.arena, z.root, lpPrev(z.arena, z.root, h));
  return ztPrev(z.arena, h);
}

/** The element of 0-based rank `rank` (ascending), 0 when out of range. */
export function zsetAtRank(z: ZSetRef, rank: number): number {
  if (z.enc === Encoding.ListPack) return lpSeek(z.arena, z.root, 2 * rank);
  return ztByRank(z.arena, slOf(z), rank + 1);
}

export function zsetHandleScore(z: ZSetRef, h: number): number {
  if (z.enc === Encoding.ListPack) return lpScoreAt(z.arena, z.root, lpNext(z.arena, z.root, h));
  return ztHandleScore(z.arena, h);
}

/** Points memberView at a handle's member bytes. */
export function zsetMember(z: ZSetRef, h: number): typeof memberView {
  if (z.enc === Encoding.ListPack) lpMemberView(z.arena, z.root, h);
  else {
    memberView.buf = z.arena.u8;
    memberView.start = ztMemberStart(z.arena, h);
    memberView.len = ztMemberLength(z.arena, h);
  }
  return memberView;
}

const stableText = new Uint8Array(24);

/**
 * zsetMember, but an integer member's text is copied to a buffer no zset function writes, so the view
 * survives calls on other values (building a result from this one).
 */
export function zsetMemberStable(z: ZSetRef, h: number): typeof memberView {
  zsetMember(z, h);
  if (memberView.buf === intText) {
    stableText.set(intText.subarray(0, memberView.len));
    memberView.buf = stableText;
  }
  return memberView;
}

/** A copy of a handle's member bytes. Allocates. */
export function zsetMemberCopy(z: ZSetRef, h: number): Uint8Array {
  if (z.enc === Encoding.ListPack) return lpEntryBytes(z.arena, z.root, h);
  const start = ztMemberStart(z.arena, h);
  return z.arena.u8.slice(start, start + ztMemberLength(z.arena, h));
}

// ---------------------------------------------------------------- ranges

export function zsetFirstInScoreRange(z: ZSetRef, r: ScoreRange): number {
  if (z.enc !== Encoding.ListPack) return ztFirstInScoreRange(z.arena, slOf(z), r);
  if (scoreRangeEmpty(r)) return 0;
  for (let h = zsetFirst(z); h !== 0; h = zsetNext(z, h)) {
    const s = zsetHandleScore(z, h);
    if (scoreGteMin(s, r)) return scoreLteMax(s, r) ? h : 0;
  }
  return 0;
}

export function zsetLastInScoreRange(z: ZSetRef, r: ScoreRange): number {
  if (z.enc !== Encoding.ListPack) return ztLastInScoreRange(z.arena, slOf(z), r);
  if (scoreRangeEmpty(r)) return 0;
  for (let h = zsetLast(z); h !== 0; h = zsetPrev(z, h)) {
    const s = zsetHandleScore(z, h);
    if (scoreLteMax(s, r)) return scoreGteMin(s, r) ? h : 0;
  }
  return 0;
}

/**
 * Redis's zzlIsInLexRange: the range is not empty, the last member is >= min and the first <= max.
 * (Members are ordered only within equal scores, so this is not implied by the scans below.)
 */
function listpackInLexRange(z: ZSetRef, r: LexRange): boolean {
  if (lexRangeEmpty(r)) return false;
  const last = zsetLast(z);
  if (last === 0 || !zsetHandleLexGteMin(z, last, r)) return false;
  return zsetHandleLexLteMax(z, zsetFirst(z), r);
}

export function zsetFirstInLexRange(z: ZSetRef, r: LexRange): number {
  if (z.enc !== Encoding.ListPack) return ztFirstInLexRange(z.arena, slOf(z), r);
  if (!listpackInLexRange(z, r)) return 0;
  for (let h = zsetFirst(z); h !== 0; h = zsetNext(z, h)) {
    const m = zsetMember(z, h);
    if (lexGteMin(m.buf, m.start, m.len, r)) return lexLteMax(m.buf, m.start, m.len, r) ? h : 0;
  }
  return 0;
}

export function zsetLastInLexRange(z: ZSetRef, r: LexRange): number {
  if (z.enc !== Encoding.ListPack) return ztLastInLexRange(z.arena, slOf(z), r);
  if (!listpackInLexRange(z, r)) return 0;
  for (let h = zsetLast(z); h !== 0; h = zsetPrev(z, h)) {
    const m = zsetMember(z, h);
    if (lexLteMax(m.buf, m.start, m.len, r)) return lexGteMin(m.buf, m.start, m.len, r) ? h : 0;
  }
  return 0;
}

/** True when the handle's score is within the range's max (for walking forward). */
export function zsetHandleScoreLteMax(z: ZSetRef, h: number, r: ScoreRange): boolean {
  return scoreLteMax(zsetHandleScore(z, h), r);
}

export function zsetHandleScoreGteMin(z: ZSetRef, h: number, r: ScoreRange): boolean {
  return scoreGteMin(zsetHandleScore(z, h), r);
}

export function zsetHandleLexLteMax(z: ZSetRef, h: number, r: LexRange): boolean {
  const m = zsetMember(z, h);
  return lexLteMax(m.buf, m.start, m.len, r);
}

export function zsetHandleLexGteMin(z: ZSetRef, h: number, r: LexRange): boolean {
  const m = zsetMember(z, h);
  return lexGteMin(m.buf, m.start, m.len, r);
}

/** Deletes the elements of 0-based ranks start..end (inclusive, in range). Returns the count. */
export function zsetDeleteRangeByRank(z: ZSetRef, start: number, end: number): number {
  const a = z.arena;
  if (z.enc === Encoding.ListPack) {
    const pos = lpSeek(a, z.root, 2 * start);
    if (pos === 0) return 0;
    const before = lpCount(a, z.root);
    z.root = lpDeleteRange(a, z.root, pos, 2 * (end - start + 1));
    return (before - lpCount(a, z.root)) >>> 1;
  }
  dropArena = a;
  dropTable = ftOf(z);
  return ztDeleteRangeByRank(a, slOf(z), start + 1, end + 1, dropFromTable);
}

/** The value whose member index `dropFromTable` updates: set just before a range delete (no closure per call). */
let dropArena: ShardArena | null = null;
let dropTable = 0;

/** Frees the member entry of an element the tree has just dropped, in the value being range-deleted. */
function dropFromTable(ref: number): void {
  ftDeleteEntry(dropArena as ShardArena, dropTable, ref);
}

export function zsetDeleteRangeByScore(z: ZSetRef, r: ScoreRange): number {
  const a = z.arena;
  if (z.enc !== Encoding.ListPack) {
    dropArena = a;
    dropTable = ftOf(z);
    return ztDeleteRangeByScore(a, slOf(z), r, dropFromTable);
  }
  const first = zsetFirstInScoreRange(z, r);
  if (first === 0) return 0;
  let count = 0;
  for (let h = first; h !== 0 && zsetHandleScoreLteMax(z, h, r); h = zsetNext(z, h)) count++;
  z.root = lpDeleteRange(a, z.root, first, 2 * count);
  return count;
}

export function zsetDeleteRangeByLex(z: ZSetRef, r: LexRange): number {
  const a = z.arena;
  if (z.enc !== Encoding.ListPack) {
    dropArena = a;
    dropTable = ftOf(z);
    return ztDeleteRangeByLex(a, slOf(z), r, dropFromTable);
  }
  const first = zsetFirstInLexRange(z, r);
  if (first === 0) return 0;
  let count = 0;
  for (let h = first; h !== 0 && zsetHandleLexLteMax(z, h, r); h = zsetNext(z, h)) count++;
  z.root = lpDeleteRange(a, z.root, first, 2 * count);
  return count;
}

// ---------------------------------------------------------------- scanning and reporting

/** The member field table of a skiplist value (for ZSCAN and random picks). */
export function zsetTable(z: ZSetRef): number {
  return ftOf(z);
}

/** Grows the member index ahead of a bulk insert (skiplist encoding only). */
export function zsetExpand(z: ZSetRef, expected: number): void {
  if (z.enc === Encoding.SkipList) ftExpand(z.arena, ftOf(z), expected);
}

/** Bytes the value takes besides its key entry (MEMORY USAGE). */
export function zsetMemory(z: ZSetRef, samples = 0): number {
  const a = z.arena;
  if (z.enc === Encoding.ListPack) return a.usableSize(z.root);
  return a.usableSize(z.root) + ztBytes(a, slOf(z), samples) + ftMemory(a, ftOf(z), samples);
}

export function zsetTableCount(z: ZSetRef): number {
  return ftCount(z.arena, ftOf(z));
}
