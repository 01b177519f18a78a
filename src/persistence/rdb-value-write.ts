/**
 * Writes a key's value in Redis 7.0's RDB value format (rdb.c rdbSaveObjectType, rdbSaveObject),
 * straight from the shard arena: the payload of DUMP, and the value part of an RDB file's key.
 *
 *   string          RdbType.String, an RDB string (integer-encoded or LZF-compressed when it pays)
 *   list            RdbType.ListQuicklist2: node count, then per node its container (2, packed) and
 *                   the node's entries as a Redis listpack, written as an RDB string
 *   set, intset     RdbType.SetIntset: the intset blob (Tessera's intset is Redis's byte layout)
 *   set, hashtable  RdbType.Set: count, members
 *   zset, listpack  RdbType.ZSetListpack: a Redis listpack of member, score (d2string text) pairs
 *   zset, skiplist  RdbType.ZSet2: count, then from the highest element down (Redis writes the
 *                   skiplist from its tail so loading inserts at the head): member, f64 score (LE)
 *   hash, listpack  RdbType.HashListpack: a Redis listpack of field, value pairs in insertion order
 *   hash, table     RdbType.Hash: count, field, value...
 *
 * Listpacks are re-encoded (rdb-blobs.ts explains why), with lpAppend's exact encoding choices, so
 * for the same entries and order the bytes are Redis's. Orders that come from a hash table (table
 * hashes and sets) are Tessera's own, as Redis's are its dict's.
 *
 * Streams are not written yet: `writeRdbValue` returns false for them.
 */
import type { ShardArena } from '../storage/arena.js';
import { Encoding, ShardKeyspace, ValueType } from '../storage/keyspace.js';
import { ListpackEntry, lpFirst, lpNext, lpRead } from '../storage/listpack.js';
import { qlHead, qlNodeListpack, qlNodeNext } from '../storage/quicklist.js';
import { intsetBlobBytes } from '../storage/intset.js';
import { isHashtable, setForEach } from '../storage/set-value.js';
import { hashField, hashForEach, hashValue } from '../storage/hash-value.js';
import { ZSetRef, zsetFirst, zsetHandleScore, zsetLast, zsetLength, zsetMember, zsetNext, zsetOpen, zsetPrev } from '../storage/zset-value.js';
import { formatG17 } from '../protocol/reply.js';
import { RdbWriter } from './rdb-string.js';
import { RedisListpackBuilder } from './rdb-blobs.js';
import { QUICKLIST_NODE_PACKED, RdbType } from './rdb-types.js';

const builder = new RedisListpackBuilder();
const entry = new ListpackEntry();
const zset = new ZSetRef();
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/**
 * Appends the RDB type byte and value of entry `e` of `ks` to `out`; `compress` is rdbcompression.
 * Returns false (and writes nothing) for a type it cannot write.
 */
export function writeRdbValue(out: RdbWriter, ks: ShardKeyspace, e: number, compress: boolean): boolean {
  const a = ks.arena;
  switch (ks.type(e)) {
    case ValueType.String: {
      out.byte(RdbType.String);
      const start = ks.valueStart(e);
      out.string(a.u8.subarray(start, start + ks.valueWord(e)), compress);
      return true;
    }
    case ValueType.List:
      writeList(out, a, ks.valueWord(e), compress);
      return true;
    case ValueType.Set:
      writeSet(out, a, ks.valueWord(e), compress);
      return true;
    case ValueType.ZSet:
      writeZSet(out, zsetOpen(zset, ks, e), compress);
      return true;
    case ValueType.Hash:
      writeHash(out, ks, e, compress);
      return true;
    default:
      return false;
  }
}

/** Adds a Tessera listpack entry (integer or arena bytes) to the Redis listpack being built. */
function appendEntry(a: ShardArena, rec: ListpackEntry): void {
  if (rec.isInt) builder.appendInteger(rec.value);
  else builder.appendString(a.u8, rec.start, rec.length);
}

function writeList(out: RdbWriter, a: ShardArena, ql: number, compress: boolean): void {
  out.byte(RdbType.ListQuicklist2);
  let nodes = 0;
  for (let node = qlHead(a, ql); node !== 0; node = qlNodeNext(a, node)) nodes++;
  out.len(nodes);
  for (let node = qlHead(a, ql); node !== 0; node = qlNodeNext(a, node)) {
    const lp = qlNodeListpack(a, node);
    builder.reset();
    for (let pos = lpFirst(a, lp); pos !== 0; pos = lpNext(a, lp, pos)) appendEntry(a, lpRead(a, lp, pos, entry));
    out.len(QUICKLIST_NODE_PACKED);
    out.string(builder.finish(), compress);
  }
}

function writeSet(out: RdbWriter, a: ShardArena, word: number, compress: boolean): void {
  if (!isHashtable(word)) {
    out.byte(RdbType.SetIntset);
    out.string(a.u8.subarray(word, word + intsetBlobBytes(a, word)), compress);
    return;
  }
  out.byte(RdbType.Set);
  let count = 0;
  setForEach(a, word, () => count++);
  out.len(count);
  setForEach(a, word, (buf, off, len) => out.string(buf.subarray(off, off + len), compress));
}

/** Redis's d2string: the text a listpack sorted set stores for a score. */
export function d2string(score: number): string {
  if (Number.isNaN(score)) return 'nan';
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  if (score === 0) return Object.is(score, -0) ? '-0' : '0';
  if (score > -4503599627370495 && score < 4503599627370496 && Number.isInteger(score)) return String(score);
  return formatG17(score);
}

function writeZSet(out: RdbWriter, z: ZSetRef, compress: boolean): void {
  if (z.enc === Encoding.ListPack) {
    out.byte(RdbType.ZSetListpack);
    builder.reset();
    for (let h = zsetFirst(z); h !== 0; h = zsetNext(z, h)) {
      const score = zsetHandleScore(z, h);
      const m = zsetMember(z, h);
      builder.appendString(m.buf, m.start, m.len);
      const text = Buffer.from(d2string(score), 'latin1');
      builder.appendString(text, 0, text.length);
    }
    out.string(builder.finish(), compress);
    return;
  }
  out.byte(RdbType.ZSet2);
  out.len(zsetLength(z));
  for (let h = zsetLast(z); h !== 0; h = zsetPrev(z, h)) {
    const m = zsetMember(z, h);
    out.string(m.buf.subarray(m.start, m.start + m.len), compress);
    f64[0] = zsetHandleScore(z, h);
    out.bytes(f64Bytes);
  }
}

function writeHash(out: RdbWriter, ks: ShardKeyspace, e: number, compress: boolean): void {
  const a = ks.arena;
  if (ks.encoding(e) === Encoding.ListPack) {
    out.byte(RdbType.HashListpack);
    builder.reset();
    hashForEach(ks, e, () => {
      appendEntry(a, hashField);
      appendEntry(a, hashValue);
    });
    out.string(builder.finish(), compress);
    return;
  }
  out.byte(RdbType.Hash);
  let count = 0;
  hashForEach(ks, e, () => count++);
  out.len(count);
  hashForEach(ks, e, () => {
    out.string(a.u8.subarray(hashField.start, hashField.start + hashField.length), compress);
    out.string(a.u8.subarray(hashValue.start, hashValue.start + hashValue.length), compress);
  });
}
