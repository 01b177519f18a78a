/**
 * Set values: the two encodings Redis 7.0 gives a set, behind one small API used by the set commands,
 * the value freer/cloner hooks and the DEBUG/MEMORY reporters.
 *
 * - intset (intset.ts): while every member is the canonical text of an int64 (string2ll) and there
 *   are at most `set-max-intset-entries` members. Members come back in ascending numeric order.
 * - hashtable (field-table.ts, FieldKind.None): otherwise. Once converted a set never goes back to an
 *   intset (as in Redis), except that commands which build a new set (SPOP's rebuild, the *STORE
 *   commands) start from scratch.
 *
 * A set is named by its **value word**, what the key's entry stores: the intset's address, or the
 * field table's address with bit 0 set (arena addresses are 4-aligned, so the bit is free). Tagging
 * the word lets the freer and cloner, which are handed only the word, tell the encodings apart. The
 * entry's encoding byte mirrors the tag for OBJECT ENCODING (`setEncodingOf`).
 *
 * Mutations that can move or convert the set return the new word; the caller stores it back into the
 * entry (`ks.setValueWord`, `ks.setEncoding`). Members are byte ranges (buf, off, len); `buf` may be
 * an arena's `u8` (growth never moves a SharedArrayBuffer's memory, so older views stay valid).
 * Visitors receive intset members as decimal text in a scratch buffer that is reused for the next
 * member: copy the bytes if they must outlive the callback.
 */
import type { ShardArena } from './arena.js';
import { Encoding, ValueType, valueFreers, valueCloners, valueLazyFreers } from './keyspace.js';
import {
  type Int64,
  parseInt64,
  int64ToString,
  intsetCreate,
  intsetFree,
  intsetLength,
  intsetFind,
  intsetAdd,
  intsetRemove,
  intsetGet,
  intsetClone,
  intsetBlobBytes,
  intsetRandomIndex,
} from './intset.js';
import {
  FieldKind,
  ftNew,
  ftFree,
  ftFreeSome,
  ftClone,
  ftCount,
  ftFind,
  ftAdd,
  ftInsert,
  ftDelete,
  ftDeleteEntry,
  ftFieldStart,
  ftFieldLength,
  ftForEach,
  ftRandomEntry,
  ftScan,
  ftMemory,
} from './field-table.js';

const HASHTABLE_TAG = 1;

/** Redis caps intset-encoded sets at 2^30 members whatever the setting says. */
const INTSET_HARD_LIMIT = 1 << 30;

const int64: Int64 = { hi: 0, lo: 0 };

export type MemberVisitor = (buf: Uint8Array, off: number, len: number) => void;

export function isHashtable(word: number): boolean {
  return (word & HASHTABLE_TAG) !== 0;
}

/** The Redis encoding of a set word: Encoding.IntSet or Encoding.HashTable. */
export function setEncodingOf(word: number): Encoding {
  return (word & HASHTABLE_TAG) !== 0 ? Encoding.HashTable : Encoding.IntSet;
}

function tableOf(word: number): number {
  return word & ~HASHTABLE_TAG;
}

// ---------------------------------------------------------------- creation and lifetime

/** A new empty intset-encoded set. */
export function setNewIntset(arena: ShardArena): number {
  return intsetCreate(arena);
}

/** A new empty hashtable-encoded set with room for `expected` members. */
export function setNewHashtable(arena: ShardArena, expected = 0): number {
  return ftNew(arena, FieldKind.None, expected) | HASHTABLE_TAG;
}

/** Redis's setTypeCreate: an empty set in the encoding a first member `buf[off, off+len)` calls for. */
export function setNewFor(arena: ShardArena, buf: Uint8Array, off: number, len: number): number {
  return parseInt64(buf, off, len, int64) ? setNewIntset(arena) : setNewHashtable(arena);
}

export function setFree(arena: ShardArena, word: number): void {
  if (isHashtable(word)) ftFree(arena, tableOf(word));
  else intsetFree(arena, word);
}

/** A deep copy in arena `dst` (which may be `src`), same encoding. */
export function setClone(src: ShardArena, word: number, dst: ShardArena): number {
  if (isHashtable(word)) return ftClone(src, tableOf(word), dst) | HASHTABLE_TAG;
  return intsetClone(src, word, dst);
}

// ---------------------------------------------------------------- members

export function setSize(arena: ShardArena, word: number): number {
  return isHashtable(word) ? ftCount(arena, tableOf(word)) : intsetLength(arena, word);
}

/** Is `buf[off, off+len)` a member? Hot path. */
export function setHas(arena: ShardArena, word: number, buf: Uint8Array, off: number, len: number): boolean {
  if (isHashtable(word)) return ftFind(arena, tableOf(word), buf, off, len) !== 0;
  return parseInt64(buf, off, len, int64) && intsetFind(arena, word, int64.hi, int64.lo);
}

/**
 * Adds a member (Redis's setTypeAdd), converting an intset to a hashtable when the member is not an
 * integer or the intset outgrows `maxIntset`. Returns the set's word afterwards, or 0 when the member
 * was already there (nothing changed).
 */
export function setAdd(arena: ShardArena, word: number, buf: Uint8Array, off: number, len: number, maxIntset: number): number {
  if (!isHashtable(word)) {
    if (parseInt64(buf, off, len, int64)) {
      const next = intsetAdd(arena, word, int64.hi, int64.lo);
      if (next === 0) return 0;
      if (intsetLength(arena, next) > Math.min(maxIntset, INTSET_HARD_LIMIT)) return intsetToHashtable(arena, next);
      return next;
    }
    word = intsetToHashtable(arena, word);
  }
  return ftAdd(arena, tableOf(word), buf, off, len) ? word : 0;
}

/** Removes a member (Redis's setTypeRemove); true when it was there. The word never changes. */
export function setRemove(arena: ShardArena, word: number, buf: Uint8Array, off: number, len: number): boolean {
  if (isHashtable(word)) return ftDelete(arena, tableOf(word), buf, off, len);
  return parseInt64(buf, off, len, int64) && intsetRemove(arena, word, int64.hi, int64.lo);
}

/** Redis's setTypeConvert(OBJ_ENCODING_HT): a hashtable holding the intset's members; frees the intset. */
export function intsetToHashtable(arena: ShardArena, intset: number): number {
  const n = intsetLength(arena, intset);
  const t = ftNew(arena, FieldKind.None, n);
  const text = conversionScratch;
  for (let i = 0; i < n; i++) {
    intsetGet(arena, intset, i, int64);
    const len = writeInt64Text(int64.hi, int64.lo, text);
    ftInsert(arena, t, text, 0, len);
  }
  intsetFree(arena, intset);
  return t | HASHTABLE_TAG;
}

// ---------------------------------------------------------------- reading members

/** Scratch buffers for intset members as text: one per use, so nested uses cannot clobber each other. */
const visitScratch = new Uint8Array(24);
const conversionScratch = new Uint8Array(24);
const randomScratch = new Uint8Array(24);

/** Writes the decimal text of an int64 into `out` (24 bytes suffice); returns its length. */
export function writeInt64Text(hi: number, lo: number, out: Uint8Array): number {
  if (hi >= -2097152 && hi < 2097152) {
    let v = hi * 4294967296 + lo;
    let p = 0;
    if (v < 0) {
      out[p++] = 45;
      v = -v;
    }
    if (v === 0) {
      out[p] = 48;
      return p + 1;
    }
    let digits = 0;
    for (let t = v; t >= 1; t = Math.floor(t / 10)) digits++;
    const end = p + digits;
    for (let q = end - 1; q >= p; q--) {
      const next = Math.floor(v / 10);
      out[q] = 48 + (v - next * 10);
      v = next;
    }
    return end;
  }
  const s = int64ToString(hi, lo);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return s.length;
}

/**
 * Calls `visit` with every member: ascending for intsets, table order for hashtables. `visit` must not
 * add to or remove from this set (other sets are fine).
 */
export function setForEach(arena: ShardArena, word: number, visit: MemberVisitor): void {
  if (isHashtable(word)) {
    ftForEach(arena, tableOf(word), (e) => visit(arena.u8, ftFieldStart(arena, e), ftFieldLength(arena, e)));
    return;
  }
  const n = intsetLength(arena, word);
  for (let i = 0; i < n; i++) {
    intsetGet(arena, word, i, int64);
    visit(visitScratch, 0, writeInt64Text(int64.hi, int64.lo, visitScratch));
  }
}

/** The last member picked by `setRandomMember`: valid until the set or the arena changes. */
export const randomMember = { buf: randomScratch as Uint8Array, off: 0, len: 0 };

/** Picks a random member of a non-empty set into `randomMember`. */
export function setRandomMember(arena: ShardArena, word: number): void {
  if (isHashtable(word)) {
    const e = ftRandomEntry(arena, tableOf(word));
    randomMember.buf = arena.u8;
    randomMember.off = ftFieldStart(arena, e);
    randomMember.len = ftFieldLength(arena, e);
    return;
  }
  intsetGet(arena, word, intsetRandomIndex(arena, word), int64);
  randomMember.buf = randomScratch;
  randomMember.off = 0;
  randomMember.len = writeInt64Text(int64.hi, int64.lo, randomScratch);
}

/**
 * Removes and returns (in `randomMember`, as a copy that outlives the removal) a random member of a
 * non-empty set. The word never changes.
 */
export function setPopRandom(arena: ShardArena, word: number): void {
  if (isHashtable(word)) {
    const t = tableOf(word);
    const e = ftRandomEntry(arena, t);
    const start = ftFieldStart(arena, e);
    const len = ftFieldLength(arena, e);
    const copy = popScratch(len);
    const u8 = arena.u8;
    // A loop for short members: `set` from a subarray of the (shared) arena allocates a view and
    // takes V8's slow path for shared memory.
    if (len <= 64) for (let i = 0; i < len; i++) copy[i] = u8[start + i];
    else copy.set(u8.subarray(start, start + len));
    ftDeleteEntry(arena, t, e);
    randomMember.buf = copy;
    randomMember.off = 0;
    randomMember.len = len;
    return;
  }
  intsetGet(arena, word, intsetRandomIndex(arena, word), int64);
  intsetRemove(arena, word, int64.hi, int64.lo);
  randomMember.buf = randomScratch;
  randomMember.off = 0;
  randomMember.len = writeInt64Text(int64.hi, int64.lo, randomScratch);
}

let popBuffer = new Uint8Array(256);
function popScratch(len: number): Uint8Array {
  if (popBuffer.length < len) popBuffer = new Uint8Array(Math.max(len, popBuffer.length * 2));
  return popBuffer;
}

/**
 * One SSCAN step from `cursor`: visits members and returns the next cursor (0 = done). An intset is
 * returned whole in one step, as Redis does for its compact encodings.
 */
export function setScan(arena: ShardArena, word: number, cursor: number, steps: number, visit: MemberVisitor): number {
  if (!isHashtable(word)) {
    setForEach(arena, word, visit);
    return 0;
  }
  const t = tableOf(word);
  const onEntry = (e: number) => visit(arena.u8, ftFieldStart(arena, e), ftFieldLength(arena, e));
  // Redis's scanGenericCommand: up to count*10 bucket steps, or until `steps` members were returned.
  let budget = steps * 10;
  let seen = 0;
  const counting = (e: number) => {
    seen++;
    onEntry(e);
  };
  do {
    cursor = ftScan(arena, t, cursor, counting);
  } while (cursor !== 0 && budget-- > 0 && seen < steps);
  return cursor;
}

// ---------------------------------------------------------------- reporting

/** Bytes the set's structures take besides the key's entry (MEMORY USAGE). */
export function setMemory(arena: ShardArena, word: number, samples = 0): number {
  return isHashtable(word) ? ftMemory(arena, tableOf(word), samples) : intsetBlobBytes(arena, word);
}

valueFreers[ValueType.Set] = setFree;
valueLazyFreers[ValueType.Set] = {
  effort: (arena, word) => (isHashtable(word) ? ftCount(arena, tableOf(word)) : 1),
  freeSome(arena, word, budget) {
    if (isHashtable(word)) return ftFreeSome(arena, tableOf(word), budget);
    intsetFree(arena, word);
    return 0;
  },
};
valueCloners[ValueType.Set] = setClone;
