/**
 * FieldTable: an incrementally rehashed chained hash table of byte-string fields in the shard's arena,
 * each field optionally carrying a byte-string value or an f64 score. It is the large encoding of
 * hashes (field -> value), sets (members only) and the member index of sorted sets (member -> score),
 * as Redis's dict serves all three.
 *
 * ## Public API (`a` is the shard's arena, `t` the table's address, `e` an entry's address)
 *
 *   ftNew(a, kind, expected = 0)            new table; kind is FieldKind.None | Bytes | Score; room for `expected`
 *   ftFree(a, t)                            frees the table and every entry
 *   ftClone(src, t, dst)                    deep copy into arena `dst` (may equal `src`)
 *   ftKind(a, t) / ftCount(a, t)            value kind / number of fields (O(1))
 *   ftFind(a, t, buf, off, len)             entry of this field, 0 if absent. No side effects
 *   ftAdd(a, t, buf, off, len)              adds the field unless present (value empty / score 0); true if added
 *   ftUpsertValue(a, t, kbuf, koff, klen, vbuf, voff, vlen)   sets the field's value, adding the field if
 *                                           absent (kind Bytes); true if added
 *   ftInsert(a, t, buf, off, len)           adds a field the caller checked is absent; value empty / score 0;
 *                                           returns its entry
 *   ftInsertValue(a, t, kbuf, koff, klen, vbuf, voff, vlen)   adds a field with a value (kind Bytes)
 *   ftSetValue(a, t, e, buf, off, len)      replaces an entry's value; returns the entry's (possibly new) address
 *   ftScore(a, e) / ftSetScore(a, e, s)     an entry's f64 (kind Score)
 *   ftDelete(a, t, buf, off, len)           removes a field; true if it was there
 *   ftDeleteEntry(a, t, e)                  removes a known entry
 *   ftFieldStart(a, e) / ftFieldLength(a, e)   the field's bytes: absolute address in a.u8, length
 *   ftValueStart(a, e) / ftValueLength(a, e)   the value's bytes (kind Bytes)
 *   ftFieldBytes(a, e) / ftValueBytes(a, e)    copies (allocate)
 *   ftForEach(a, t, visit(e))               every entry once; `visit` must not change the table
 *   ftRandomEntry(a, t)                     a random entry (0 if empty): random non-empty bucket, random chain element
 *   ftScan(a, t, cursor, visit(e))          one SCAN step: Redis's reverse-binary cursor, so every field present for
 *                                           the whole scan is returned at least once, across resizes; returns the
 *                                           next cursor (0 = done)
 *   ftExpand(a, t, expected)                grows the table for `expected` fields ahead of a bulk insert
 *   ftRehashSome(a, t, steps)               moves a few buckets of an in-progress rehash (idle time)
 *   ftMemory(a, t, samples = 0)             bytes the table uses (header, buckets, entries): MEMORY USAGE; with
 *                                           `samples` > 0 the entries are estimated from the first `samples`
 *                                           ones, O(samples) as Redis's objectComputeSize
 *   murmur3(buf, off, len, seed)             the table's hash function
 *
 * Entry addresses are stable except through ftSetValue (which may move the entry when the new value
 * does not fit its block) and, of course, deletion. Inserting or deleting may start or advance a
 * rehash, which relinks entries but never moves them.
 *
 * ## Invariants and layout
 *
 * Table header (u32 words): 0 size0  1 buckets0  2 used0  3 size1  4 buckets1  5 used1
 * 6 rehashIdx (IDLE when not rehashing)  7 kind  8 seed. While rehashing, fields are in table 0
 * buckets >= rehashIdx or in table 1; lookups search both, inserts go to table 1, and each insert or
 * delete moves one bucket, as Redis's dict does. Sizes are powers of two (>= 4); the table doubles
 * when used reaches size and halves (to the next power of two >= used) when used falls below 10%.
 *
 * Entry (byte offsets): 0 next  4 hash  8 field length  12 value length  16 field bytes, then the
 * value bytes (kind Bytes), the score as 8 little-endian bytes (kind Score, value length 8) or nothing
 * (kind None, value length 0).
 */
import type { ShardArena } from './arena.js';
import { moveBytes } from './move-bytes.js';
import { murmur3 } from './murmur3.js';

export const enum FieldKind {
  None = 0,
  Bytes = 1,
  Score = 2,
}

const T_SIZE0 = 0;
const T_BUCKETS0 = 1;
const T_USED0 = 2;
const T_SIZE1 = 3;
const T_BUCKETS1 = 4;
const T_USED1 = 5;
const T_REHASH = 6;
const T_KIND = 7;
const T_SEED = 8;
const TABLE_WORDS = 9;
const IDLE = 0xffffffff;
const INITIAL_SIZE = 4;

const E_NEXT = 0;
const E_HASH = 1;
const E_FLEN = 2;
const E_VLEN = 3;
const E_FIELD = 16;

const scratchF64 = new Float64Array(1);
const scratchU8 = new Uint8Array(scratchF64.buffer);

/** 32-bit hash of a field: MurmurHash3 seeded with the table's seed (murmur3.ts). */
export { murmur3 as ftHash };

// ------------------------------------------------------------------ lifecycle

export function ftNew(a: ShardArena, kind: FieldKind, expected = 0): number {
  const size = nextPow2(expected);
  const t = a.allocZeroed(TABLE_WORDS * 4);
  const buckets = a.allocZeroed(size * 4);
  const u32 = a.u32;
  const tw = t >>> 2;
  u32[tw + T_SIZE0] = size;
  u32[tw + T_BUCKETS0] = buckets;
  u32[tw + T_REHASH] = IDLE;
  u32[tw + T_KIND] = kind;
  u32[tw + T_SEED] = (Math.random() * 0x100000000) >>> 0;
  return t;
}

export function ftFree(a: ShardArena, t: number): void {
  const tw = t >>> 2;
  for (let which = 0; which < 2; which++) {
    const size = a.u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
    if (size === 0) continue;
    const buckets = a.u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
    for (let i = 0; i < size; i++) {
      let e = a.u32[(buckets >>> 2) + i];
      while (e !== 0) {
        const next = a.u32[e >>> 2];
        a.free(e);
        e = next;
      }
    }
    a.free(buckets);
  }
  a.free(t);
}

/** T_KIND of a table being torn down by ftFreeSome; its T_USED0/T_USED1 words are then bucket cursors. */
const DYING = 0xffffffff;

/**
 * Lazy freeing: frees the table's entries bucket by bucket, about `budget` units of work (one per
 * entry and one per bucket visited), keeping its place in the dead table's header. Returns the work
 * done; a result below `budget` means the table is completely freed (header included), otherwise
 * call again. Nothing else may use the table once this has started.
 */
export function ftFreeSome(a: ShardArena, t: number, budget: number): number {
  const u32 = a.u32;
  const tw = t >>> 2;
  if (u32[tw + T_KIND] !== DYING) {
    u32[tw + T_KIND] = DYING;
    u32[tw + T_USED0] = 0;
    u32[tw + T_USED1] = 0;
  }
  let used = 0;
  for (let which = 0; which < 2; which++) {
    const sizeWord = tw + (which === 0 ? T_SIZE0 : T_SIZE1);
    const size = u32[sizeWord];
    if (size === 0) continue;
    const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
    const cursorWord = tw + (which === 0 ? T_USED0 : T_USED1);
    let i = u32[cursorWord];
    while (i < size) {
      if (used >= budget) {
        u32[cursorWord] = i;
        return used;
      }
      let e = u32[(buckets >>> 2) + i];
      while (e !== 0) {
        const next = u32[e >>> 2];
        a.free(e);
        used++;
        e = next;
      }
      used++;
      i++;
    }
    a.free(buckets);
    u32[sizeWord] = 0;
    used++;
  }
  if (used >= budget) return used;
  a.free(t);
  return used;
}

export function ftClone(src: ShardArena, t: number, dst: ShardArena): number {
  const tw = t >>> 2;
  const kind = src.u32[tw + T_KIND];
  const copy = ftNew(dst, kind, ftCount(src, t));
  dst.u32[(copy >>> 2) + T_SEED] = src.u32[tw + T_SEED];
  ftForEach(src, t, (e) => {
    const bytes = entryBytes(src, e);
    const n = dst.alloc(bytes);
    if (src === dst) moveBytes(dst.u8, n, e, bytes);
    else dst.u8.set(src.u8.subarray(e, e + bytes), n);
    linkEntry(dst, copy, n);
  });
  return copy;
}

export function ftKind(a: ShardArena, t: number): FieldKind {
  return a.u32[(t >>> 2) + T_KIND];
}

export function ftCount(a: ShardArena, t: number): number {
  const u32 = a.u32;
  return u32[(t >>> 2) + T_USED0] + u32[(t >>> 2) + T_USED1];
}

// ------------------------------------------------------------------ lookup and change

/** Hot path: no allocation, no rehash step (reads have no side effects). */
export function ftFind(a: ShardArena, t: number, buf: Uint8Array, off: number, len: number): number {
  return findHashed(a, t, murmur3(buf, off, len, a.u32[(t >>> 2) + T_SEED]), buf, off, len);
}

/**
 * Adds a field unless present (value empty / score 0), hashing it once: true when it was added.
 * SADD's path.
 */
export function ftAdd(a: ShardArena, t: number, buf: Uint8Array, off: number, len: number): boolean {
  const h = murmur3(buf, off, len, a.u32[(t >>> 2) + T_SEED]);
  if (findHashed(a, t, h, buf, off, len) !== 0) return false;
  insertEmpty(a, t, h, buf, off, len);
  return true;
}

/**
 * Sets a field's value (kind Bytes), adding the field when absent, hashing it once: true when it
 * was added. HSET's path.
 */
export function ftUpsertValue(
  a: ShardArena,
  t: number,
  kbuf: Uint8Array,
  koff: number,
  klen: number,
  vbuf: Uint8Array,
  voff: number,
  vlen: number,
): boolean {
  const h = murmur3(kbuf, koff, klen, a.u32[(t >>> 2) + T_SEED]);
  const e = findHashed(a, t, h, kbuf, koff, klen);
  if (e !== 0) {
    ftSetValue(a, t, e, vbuf, voff, vlen);
    return false;
  }
  insertHashed(a, t, h, kbuf, koff, klen, vbuf, voff, vlen);
  return true;
}

/** ftFind with the field's hash already computed. */
function findHashed(a: ShardArena, t: number, h: number, buf: Uint8Array, off: number, len: number): number {
  const u32 = a.u32;
  const u8 = a.u8;
  const tw = t >>> 2;
  for (let which = 0; which < 2; which++) {
    const size = u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
    if (size === 0) break;
    const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
    let e = u32[(buckets >>> 2) + (h & (size - 1))];
    while (e !== 0) {
      const ew = e >>> 2;
      if (u32[ew + E_HASH] === h && u32[ew + E_FLEN] === len) {
        let k = 0;
        const kb = e + E_FIELD;
        while (k < len && u8[kb + k] === buf[off + k]) k++;
        if (k === len) return e;
      }
      e = u32[ew + E_NEXT];
    }
    if (u32[tw + T_REHASH] === IDLE) break;
  }
  return 0;
}

export function ftInsert(a: ShardArena, t: number, buf: Uint8Array, off: number, len: number): number {
  return insertEmpty(a, t, murmur3(buf, off, len, a.u32[(t >>> 2) + T_SEED]), buf, off, len);
}

/** Inserts a field with an empty value (score 0 in a score table), its hash already computed. */
function insertEmpty(a: ShardArena, t: number, h: number, buf: Uint8Array, off: number, len: number): number {
  if (a.u32[(t >>> 2) + T_KIND] === FieldKind.Score) {
    scratchF64[0] = 0;
    return insertHashed(a, t, h, buf, off, len, scratchU8, 0, 8);
  }
  return insertHashed(a, t, h, buf, off, len, buf, 0, 0);
}

export function ftInsertValue(
  a: ShardArena,
  t: number,
  kbuf: Uint8Array,
  koff: number,
  klen: number,
  vbuf: Uint8Array,
  voff: number,
  vlen: number,
): number {
  return insertHashed(a, t, murmur3(kbuf, koff, klen, a.u32[(t >>> 2) + T_SEED]), kbuf, koff, klen, vbuf, voff, vlen);
}

/** ftInsertValue with the field's hash already computed. */
function insertHashed(
  a: ShardArena,
  t: number,
  h: number,
  kbuf: Uint8Array,
  koff: number,
  klen: number,
  vbuf: Uint8Array,
  voff: number,
  vlen: number,
): number {
  const tw = t >>> 2;
  const kind = a.u32[tw + T_KIND];
  if (kind === FieldKind.None) vlen = 0;
  const e = a.alloc(E_FIELD + klen + vlen);
  const u32 = a.u32;
  const ew = e >>> 2;
  u32[ew + E_NEXT] = 0;
  u32[ew + E_HASH] = h;
  u32[ew + E_FLEN] = klen;
  u32[ew + E_VLEN] = vlen;
  const u8 = a.u8;
  copyIn(u8, e + E_FIELD, kbuf, koff, klen);
  if (vlen > 0) copyIn(u8, e + E_FIELD + klen, vbuf, voff, vlen);
  rehashStep(a, t);
  expandIfNeeded(a, t);
  linkEntry(a, t, e);
  return e;
}

export function ftSetValue(a: ShardArena, t: number, e: number, buf: Uint8Array, off: number, len: number): number {
  const flen = a.u32[(e >>> 2) + E_FLEN];
  const need = 16 + flen + len;
  if (need <= a.usableSize(e)) {
    a.u32[(e >>> 2) + E_VLEN] = len;
    copyIn(a.u8, e + 16 + flen, buf, off, len);
    return e;
  }
  const n = a.alloc(need);
  const u8 = a.u8;
  moveBytes(u8, n, e, 16 + flen);
  copyIn(u8, n + 16 + flen, buf, off, len);
  a.u32[(n >>> 2) + E_VLEN] = len;
  replaceInChain(a, t, e, n);
  a.free(e);
  return n;
}

/**
 * Copies bytes in: a loop for short ones (no subarray object per call, which on a Buffer argument
 * costs more than the copy), `set` beyond. The source may be arena bytes of another block.
 */
function copyIn(u8: Uint8Array, to: number, buf: Uint8Array, off: number, len: number): void {
  if (len <= 64) for (let i = 0; i < len; i++) u8[to + i] = buf[off + i];
  else u8.set(buf.subarray(off, off + len), to);
}

// Scores through the arena's DataView (ShardArena.dv): no byte loop through a scratch f64.
export function ftScore(a: ShardArena, e: number): number {
  return a.dv.getFloat64(e + E_FIELD + a.u32[(e >>> 2) + E_FLEN], true);
}

export function ftSetScore(a: ShardArena, e: number, score: number): void {
  a.dv.setFloat64(e + E_FIELD + a.u32[(e >>> 2) + E_FLEN], score, true);
}

export function ftDelete(a: ShardArena, t: number, buf: Uint8Array, off: number, len: number): boolean {
  const e = ftFind(a, t, buf, off, len);
  if (e === 0) return false;
  ftDeleteEntry(a, t, e);
  return true;
}

export function ftDeleteEntry(a: ShardArena, t: number, e: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  const h = u32[(e >>> 2) + E_HASH];
  for (let which = 0; which < 2; which++) {
    const size = u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
    if (size === 0) continue;
    const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
    let slot = (buckets >>> 2) + (h & (size - 1));
    let cur = u32[slot];
    while (cur !== 0) {
      if (cur === e) {
        u32[slot] = u32[e >>> 2];
        u32[tw + (which === 0 ? T_USED0 : T_USED1)]--;
        a.free(e);
        rehashStep(a, t);
        shrinkIfNeeded(a, t);
        return;
      }
      slot = cur >>> 2;
      cur = u32[slot];
    }
  }
  throw new Error('field table: entry not found on delete');
}

// ------------------------------------------------------------------ entry fields

export function ftFieldStart(_a: ShardArena, e: number): number {
  return e + E_FIELD;
}

export function ftFieldLength(a: ShardArena, e: number): number {
  return a.u32[(e >>> 2) + E_FLEN];
}

export function ftValueStart(a: ShardArena, e: number): number {
  return e + 16 + a.u32[(e >>> 2) + E_FLEN];
}

export function ftValueLength(a: ShardArena, e: number): number {
  return a.u32[(e >>> 2) + E_VLEN];
}

export function ftFieldBytes(a: ShardArena, e: number): Uint8Array {
  const s = ftFieldStart(a, e);
  return a.u8.slice(s, s + ftFieldLength(a, e));
}

export function ftValueBytes(a: ShardArena, e: number): Uint8Array {
  const s = ftValueStart(a, e);
  return a.u8.slice(s, s + ftValueLength(a, e));
}

// ------------------------------------------------------------------ whole-table operations

export function ftForEach(a: ShardArena, t: number, visit: (e: number) => void): void {
  const tw = t >>> 2;
  for (let which = 0; which < 2; which++) {
    const size = a.u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
    if (size === 0) continue;
    const buckets = a.u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
    for (let i = 0; i < size; i++) {
      let e = a.u32[(buckets >>> 2) + i];
      while (e !== 0) {
        const next = a.u32[e >>> 2];
        visit(e);
        e = next;
      }
    }
  }
}

export function ftRandomEntry(a: ShardArena, t: number): number {
  if (ftCount(a, t) === 0) return 0;
  const u32 = a.u32;
  const tw = t >>> 2;
  for (;;) {
    const rehashing = u32[tw + T_REHASH] !== IDLE;
    const s0 = u32[tw + T_SIZE0];
    const s1 = rehashing ? u32[tw + T_SIZE1] : 0;
    // Buckets of table 0 below rehashIdx are empty: skip them, as Redis's dictGetRandomKey does.
    const from = rehashing ? u32[tw + T_REHASH] : 0;
    let idx = from + Math.floor(Math.random() * (s0 - from + s1));
    let buckets: number;
    if (idx < s0) buckets = u32[tw + T_BUCKETS0];
    else {
      buckets = u32[tw + T_BUCKETS1];
      idx -= s0;
    }
    let e = u32[(buckets >>> 2) + idx];
    if (e === 0) continue;
    let len = 0;
    for (let c = e; c !== 0; c = u32[c >>> 2]) len++;
    let pick = Math.floor(Math.random() * len);
    while (pick-- > 0) e = u32[e >>> 2];
    return e;
  }
}

export function ftScan(a: ShardArena, t: number, cursor: number, visit: (e: number) => void): number {
  const u32 = a.u32;
  const tw = t >>> 2;
  let v = cursor >>> 0;
  const visitBucket = (buckets: number, idx: number) => {
    let e = u32[(buckets >>> 2) + idx];
    while (e !== 0) {
      const next = u32[e >>> 2];
      visit(e);
      e = next;
    }
  };
  if (ftCount(a, t) === 0) return 0;
  if (u32[tw + T_REHASH] === IDLE) {
    const m0 = u32[tw + T_SIZE0] - 1;
    visitBucket(u32[tw + T_BUCKETS0], v & m0);
    v = (v | ~m0) >>> 0;
    v = reverseBits(v);
    v = (v + 1) >>> 0;
    return reverseBits(v);
  }
  let small = 0;
  let large = 1;
  if (u32[tw + T_SIZE0] > u32[tw + T_SIZE1]) {
    small = 1;
    large = 0;
  }
  const bs = u32[tw + (small === 0 ? T_BUCKETS0 : T_BUCKETS1)];
  const bl = u32[tw + (large === 0 ? T_BUCKETS0 : T_BUCKETS1)];
  const m0 = u32[tw + (small === 0 ? T_SIZE0 : T_SIZE1)] - 1;
  const m1 = u32[tw + (large === 0 ? T_SIZE0 : T_SIZE1)] - 1;
  visitBucket(bs, v & m0);
  do {
    visitBucket(bl, v & m1);
    v = (((((v | m0) >>> 0) + 1) & ~m0) | (v & m0)) >>> 0;
  } while ((v & (m0 ^ m1)) !== 0);
  v = (v | ~m0) >>> 0;
  v = reverseBits(v);
  v = (v + 1) >>> 0;
  return reverseBits(v);
}

export function ftExpand(a: ShardArena, t: number, expected: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  if (u32[tw + T_REHASH] !== IDLE) return;
  const size = nextPow2(expected);
  if (size <= u32[tw + T_SIZE0]) return;
  if (u32[tw + T_USED0] === 0) {
    a.free(u32[tw + T_BUCKETS0]);
    const buckets = a.allocZeroed(size * 4);
    a.u32[tw + T_SIZE0] = size;
    a.u32[tw + T_BUCKETS0] = buckets;
    return;
  }
  startRehash(a, t, size);
}

export function ftRehashSome(a: ShardArena, t: number, steps: number): void {
  for (let i = 0; i < steps && a.u32[(t >>> 2) + T_REHASH] !== IDLE; i++) rehashStep(a, t);
}

export function ftMemory(a: ShardArena, t: number, samples = 0): number {
  const u32 = a.u32;
  const tw = t >>> 2;
  let bytes = a.usableSize(t) + a.usableSize(u32[tw + T_BUCKETS0]);
  if (u32[tw + T_SIZE1] !== 0) bytes += a.usableSize(u32[tw + T_BUCKETS1]);
  const count = ftCount(a, t);
  if (samples === 0 || samples >= count) {
    ftForEach(a, t, (e) => {
      bytes += a.usableSize(e);
    });
    return bytes;
  }
  // The first `samples` entries in bucket order (a table is at least 10% full, so this visits
  // O(samples) buckets; table 0's buckets below the rehash index are empty and skipped),
  // extrapolated to the whole table.
  let seen = 0;
  let sampled = 0;
  const rehash = u32[tw + T_REHASH];
  for (let which = 0; which < 2 && seen < samples; which++) {
    const size = u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
    const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)] >>> 2;
    for (let i = which === 0 && rehash !== IDLE ? rehash : 0; i < size && seen < samples; i++) {
      for (let e = u32[buckets + i]; e !== 0 && seen < samples; e = u32[e >>> 2]) {
        sampled += a.usableSize(e);
        seen++;
      }
    }
  }
  return bytes + Math.round((sampled / seen) * count);
}

// ------------------------------------------------------------------ internals

function entryBytes(a: ShardArena, e: number): number {
  return E_FIELD + a.u32[(e >>> 2) + E_FLEN] + a.u32[(e >>> 2) + E_VLEN];
}

/** Links an unlinked entry whose hash word is set into the table that takes inserts. */
function linkEntry(a: ShardArena, t: number, e: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  const rehashing = u32[tw + T_REHASH] !== IDLE;
  const size = u32[tw + (rehashing ? T_SIZE1 : T_SIZE0)];
  const buckets = u32[tw + (rehashing ? T_BUCKETS1 : T_BUCKETS0)];
  const slot = (buckets >>> 2) + (u32[(e >>> 2) + E_HASH] & (size - 1));
  u32[e >>> 2] = u32[slot];
  u32[slot] = e;
  u32[tw + (rehashing ? T_USED1 : T_USED0)]++;
}

/** Puts entry `n` in the chain position of entry `e` (same hash). */
function replaceInChain(a: ShardArena, t: number, e: number, n: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  const h = u32[(e >>> 2) + E_HASH];
  for (let which = 0; which < 2; which++) {
    const size = u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
    if (size === 0) continue;
    const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
    let slot = (buckets >>> 2) + (h & (size - 1));
    let cur = u32[slot];
    while (cur !== 0) {
      if (cur === e) {
        u32[slot] = n;
        u32[n >>> 2] = u32[e >>> 2];
        return;
      }
      slot = cur >>> 2;
      cur = u32[slot];
    }
  }
  throw new Error('field table: entry not found on move');
}

function expandIfNeeded(a: ShardArena, t: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  if (u32[tw + T_REHASH] !== IDLE) return;
  const used = u32[tw + T_USED0];
  if (used >= u32[tw + T_SIZE0]) startRehash(a, t, nextPow2(used + 1));
}

function shrinkIfNeeded(a: ShardArena, t: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  if (u32[tw + T_REHASH] !== IDLE) return;
  const used = u32[tw + T_USED0];
  const size = u32[tw + T_SIZE0];
  if (size > INITIAL_SIZE && used * 10 < size) startRehash(a, t, nextPow2(used));
}

function startRehash(a: ShardArena, t: number, size: number): void {
  const buckets = a.allocZeroed(size * 4);
  const u32 = a.u32;
  const tw = t >>> 2;
  u32[tw + T_SIZE1] = size;
  u32[tw + T_BUCKETS1] = buckets;
  u32[tw + T_USED1] = 0;
  u32[tw + T_REHASH] = 0;
}

/** Moves one non-empty bucket (visiting at most 10 empty ones) from table 0 to table 1. */
function rehashStep(a: ShardArena, t: number): void {
  const u32 = a.u32;
  const tw = t >>> 2;
  let idx = u32[tw + T_REHASH];
  if (idx === IDLE) return;
  const size0 = u32[tw + T_SIZE0];
  const b0 = u32[tw + T_BUCKETS0] >>> 2;
  const size1 = u32[tw + T_SIZE1];
  const b1 = u32[tw + T_BUCKETS1] >>> 2;
  let empty = 10;
  while (idx < size0 && u32[b0 + idx] === 0) {
    idx++;
    if (--empty === 0) break;
  }
  if (idx < size0 && u32[b0 + idx] !== 0) {
    let e = u32[b0 + idx];
    while (e !== 0) {
      const next = u32[e >>> 2];
      const slot = b1 + (u32[(e >>> 2) + E_HASH] & (size1 - 1));
      u32[e >>> 2] = u32[slot];
      u32[slot] = e;
      u32[tw + T_USED0]--;
      u32[tw + T_USED1]++;
      e = next;
    }
    u32[b0 + idx] = 0;
    idx++;
  }
  if (idx >= size0) {
    a.free(b0 << 2);
    u32[tw + T_SIZE0] = size1;
    u32[tw + T_BUCKETS0] = b1 << 2;
    u32[tw + T_USED0] = u32[tw + T_USED1];
    u32[tw + T_SIZE1] = 0;
    u32[tw + T_BUCKETS1] = 0;
    u32[tw + T_USED1] = 0;
    u32[tw + T_REHASH] = IDLE;
  } else {
    u32[tw + T_REHASH] = idx;
  }
}

function nextPow2(n: number): number {
  let s = INITIAL_SIZE;
  while (s < n) s *= 2;
  return s;
}

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}
