/**
 * The hash type's value: a map of byte-string fields to byte-string values under one key, in one of
 * Redis's two encodings, recorded in the key entry's encoding byte:
 *
 * - Encoding.ListPack: a listpack (listpack.ts) of field, value, field, value... in insertion order
 *   (a new field is appended; updating a value keeps its place), which is the order HGETALL/HKEYS
 *   reply in, as Redis. Lookups are linear, which is why it is only used while small.
 * - Encoding.HashTable: a field table (field-table.ts) of kind Bytes.
 *
 * A hash starts as a listpack and converts, never back, when it gets more than
 * `hash-max-listpack-entries` fields or a field or value longer than `hash-max-listpack-value` bytes
 * (HSET/HMSET/HSETNX check all their arguments first, as Redis's hashTypeTryConversion; every set
 * checks its own field and value, which is what catches HINCRBY/HINCRBYFLOAT). The value word of the
 * key entry holds the listpack or table address; mutations store the possibly moved listpack back.
 *
 * Fields and values are read through `ListpackEntry` records (integer or bytes in the arena), so the
 * same reply code serves both encodings.
 */
import type { ShardArena } from './arena.js';
import { type ShardKeyspace, Encoding, ValueType, valueCloners, valueFreers, valueLazyFreers } from './keyspace.js';
import {
  ListpackEntry,
  lpAppend,
  lpClone,
  lpCount,
  lpDeleteRange,
  lpFind,
  lpFirst,
  lpFree,
  lpNew,
  lpNext,
  lpRead,
  lpReplace,
} from './listpack.js';
import {
  FieldKind,
  ftClone,
  ftCount,
  ftDelete,
  ftFieldLength,
  ftFieldStart,
  ftFind,
  ftForEach,
  ftFree,
  ftFreeSome,
  ftInsertValue,
  ftUpsertValue,
  ftMemory,
  ftNew,
  ftValueLength,
  ftValueStart,
} from './field-table.js';

/**
 * The value word tells the encodings apart by itself, since freers and cloners see only the root: a
 * table's address is stored with its low bit set (arena addresses are 4-byte aligned). The entry's
 * encoding byte says the same thing for OBJECT ENCODING.
 */
export const TABLE_TAG = 1;

export function isTableRoot(root: number): boolean {
  return (root & TABLE_TAG) !== 0;
}

function tableOf(root: number): number {
  return root & ~TABLE_TAG;
}

valueFreers[ValueType.Hash] = (a: ShardArena, root: number) => {
  if (isTableRoot(root)) ftFree(a, tableOf(root));
  else lpFree(a, root);
};

valueLazyFreers[ValueType.Hash] = {
  effort: (a, root) => (isTableRoot(root) ? ftCount(a, tableOf(root)) : 1),
  freeSome(a, root, budget) {
    if (isTableRoot(root)) return ftFreeSome(a, tableOf(root), budget);
    lpFree(a, root);
    return 0;
  },
};

valueCloners[ValueType.Hash] = (src: ShardArena, root: number, dst: ShardArena) =>
  isTableRoot(root) ? ftClone(src, tableOf(root), dst) | TABLE_TAG : lpClone(src, root, dst);

/** Records filled by lookups and iteration; valid until the next hash call. */
export const hashField = new ListpackEntry();
export const hashValue = new ListpackEntry();

/** A new empty (listpack) hash root. */
export function hashNew(a: ShardArena): number {
  return lpNew(a, 32);
}

export function hashLength(ks: ShardKeyspace, e: number): number {
  const root = ks.valueWord(e);
  return isTableRoot(root) ? ftCount(ks.arena, tableOf(root)) : lpCount(ks.arena, root) >>> 1;
}

/** Looks a field up; on success fills `hashValue` and returns true. */
export function hashGet(ks: ShardKeyspace, e: number, buf: Uint8Array, off: number, len: number): boolean {
  const a = ks.arena;
  const root = ks.valueWord(e);
  if (isTableRoot(root)) {
    const fe = ftFind(a, tableOf(root), buf, off, len);
    if (fe === 0) return false;
    setBytes(hashValue, ftValueStart(a, fe), ftValueLength(a, fe));
    return true;
  }
  const pos = lpFind(a, root, 0, buf, off, len, 1);
  if (pos === 0) return false;
  lpRead(a, root, lpNext(a, root, pos), hashValue);
  return true;
}

export function hashExists(ks: ShardKeyspace, e: number, buf: Uint8Array, off: number, len: number): boolean {
  const a = ks.arena;
  const root = ks.valueWord(e);
  if (isTableRoot(root)) return ftFind(a, tableOf(root), buf, off, len) !== 0;
  return lpFind(a, root, 0, buf, off, len, 1) !== 0;
}

/**
 * Converts a listpack hash to a table when a field or value longer than `maxValue` bytes is about to
 * be written (Redis's hashTypeTryConversion over the arguments [first, last]).
 */
export function hashTryConversion(ks: ShardKeyspace, e: number, args: { length(i: number): number }, first: number, last: number, maxValue: number): void {
  if (isTableRoot(ks.valueWord(e))) return;
  for (let i = first; i <= last; i++) {
    if (args.length(i) > maxValue) {
      hashConvertToTable(ks, e);
      return;
    }
  }
}

/**
 * Sets a field's value; returns true when the field is new. A listpack becomes a table first when the
 * field or value is longer than `maxValue` bytes, and after the insert when it holds more than
 * `maxEntries` fields (Redis's hashTypeSet).
 */
export function hashSet(
  ks: ShardKeyspace,
  e: number,
  fbuf: Uint8Array,
  foff: number,
  flen: number,
  vbuf: Uint8Array,
  voff: number,
  vlen: number,
  maxEntries: number,
  maxValue: number,
): boolean {
  const a = ks.arena;
  if (!isTableRoot(ks.valueWord(e)) && (flen > maxValue || vlen > maxValue)) hashConvertToTable(ks, e);
  const root = ks.valueWord(e);
  if (isTableRoot(root)) {
    return ftUpsertValue(a, tableOf(root), fbuf, foff, flen, vbuf, voff, vlen);
  }
  let lp = root;
  const pos = lpFind(a, lp, 0, fbuf, foff, flen, 1);
  if (pos !== 0) {
    lp = lpReplace(a, lp, lpNext(a, lp, pos), vbuf, voff, vlen);
    ks.setValueWord(e, lp);
    return false;
  }
  lp = lpAppend(a, lp, fbuf, foff, flen);
  lp = lpAppend(a, lp, vbuf, voff, vlen);
  ks.setValueWord(e, lp);
  if (lpCount(a, lp) >>> 1 > maxEntries) hashConvertToTable(ks, e);
  return true;
}

/** Removes a field; true if it was there. The caller deletes the key when the hash becomes empty. */
export function hashDelete(ks: ShardKeyspace, e: number, buf: Uint8Array, off: number, len: number): boolean {
  const a = ks.arena;
  const root = ks.valueWord(e);
  if (isTableRoot(root)) return ftDelete(a, tableOf(root), buf, off, len);
  const pos = lpFind(a, root, 0, buf, off, len, 1);
  if (pos === 0) return false;
  ks.setValueWord(e, lpDeleteRange(a, root, pos, 2));
  return true;
}

/** Rewrites a listpack hash as a table (Redis's hashTypeConvertListpack). */
export function hashConvertToTable(ks: ShardKeyspace, e: number): void {
  const a = ks.arena;
  const lp = ks.valueWord(e);
  const t = ftNew(a, FieldKind.Bytes, lpCount(a, lp) >>> 1);
  for (let pos = lpFirst(a, lp); pos !== 0; ) {
    const vpos = lpNext(a, lp, pos);
    const fl = entryText(a, lp, pos, fieldScratch);
    const vl = entryText(a, lp, vpos, valueScratch);
    ftInsertValue(a, t, fl.buf, fl.start, fl.length, vl.buf, vl.start, vl.length);
    pos = lpNext(a, lp, vpos);
  }
  lpFree(a, lp);
  ks.setValueWord(e, t | TABLE_TAG);
  ks.setEncoding(e, Encoding.HashTable);
}

/**
 * Calls `visit` for every field with `hashField` / `hashValue` filled: listpack order, or table
 * order. `visit` must not change the hash.
 */
export function hashForEach(ks: ShardKeyspace, e: number, visit: () => void): void {
  const a = ks.arena;
  const root = ks.valueWord(e);
  if (isTableRoot(root)) {
    ftForEach(a, tableOf(root), (fe) => {
      setBytes(hashField, ftFieldStart(a, fe), ftFieldLength(a, fe));
      setBytes(hashValue, ftValueStart(a, fe), ftValueLength(a, fe));
      visit();
    });
    return;
  }
  for (let pos = lpFirst(a, root); pos !== 0; ) {
    lpRead(a, root, pos, hashField);
    const vpos = lpNext(a, root, pos);
    lpRead(a, root, vpos, hashValue);
    visit();
    pos = lpNext(a, root, vpos);
  }
}

/** The table address of a table-encoded hash (0 for a listpack). */
export function hashTable(ks: ShardKeyspace, e: number): number {
  const root = ks.valueWord(e);
  return isTableRoot(root) ? tableOf(root) : 0;
}

/** The listpack address of a listpack-encoded hash (0 for a table). */
export function hashListpack(ks: ShardKeyspace, e: number): number {
  const root = ks.valueWord(e);
  return isTableRoot(root) ? 0 : root;
}

/** Fills `hashField`/`hashValue` from a table entry. */
export function readTableEntry(a: ShardArena, fe: number): void {
  setBytes(hashField, ftFieldStart(a, fe), ftFieldLength(a, fe));
  setBytes(hashValue, ftValueStart(a, fe), ftValueLength(a, fe));
}

/** Bytes the hash uses beyond its key entry (MEMORY USAGE; `samples` fields sampled, 0 = all). */
export function hashMemory(ks: ShardKeyspace, e: number, samples = 0): number {
  const a = ks.arena;
  const root = ks.valueWord(e);
  return isTableRoot(root) ? ftMemory(a, tableOf(root), samples) : a.usableSize(root);
}

// ------------------------------------------------------------------ internals

function setBytes(out: ListpackEntry, start: number, length: number): void {
  out.isInt = false;
  out.value = 0;
  out.start = start;
  out.length = length;
}

interface TextRef {
  buf: Uint8Array;
  start: number;
  length: number;
  scratch: Uint8Array;
}
const fieldScratch: TextRef = { buf: new Uint8Array(0), start: 0, length: 0, scratch: new Uint8Array(24) };
const valueScratch: TextRef = { buf: new Uint8Array(0), start: 0, length: 0, scratch: new Uint8Array(24) };
const readEntry = new ListpackEntry();

/** An entry's bytes: in the arena for strings, the decimal text in `ref.scratch` for integers. */
function entryText(a: ShardArena, lp: number, pos: number, ref: TextRef): TextRef {
  lpRead(a, lp, pos, readEntry);
  if (!readEntry.isInt) {
    ref.buf = a.u8;
    ref.start = readEntry.start;
    ref.length = readEntry.length;
    return ref;
  }
  const s = String(readEntry.value);
  for (let i = 0; i < s.length; i++) ref.scratch[i] = s.charCodeAt(i);
  ref.buf = ref.scratch;
  ref.start = 0;
  ref.length = s.length;
  return ref;
}
