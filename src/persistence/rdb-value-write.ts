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
 *   stream          RdbType.StreamListpacks2: the entry nodes (master id, Redis stream listpack),
 *                   length, last/first/max-deleted ids, entries added, then the consumer groups in
 *                   name order with their PELs and consumers (writeStream below)
 *
 * Listpacks are re-encoded (rdb-blobs.ts explains why), with lpAppend's exact encoding choices, so
 * for the same entries and order the bytes are Redis's. Orders that come from a hash table (table
 * hashes and sets) are Tessera's own, as Redis's are its dict's.
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
import {
  R_FIRST,
  R_LAST,
  R_MAXDEL,
  StreamId,
  consumerName,
  consumerPel,
  consumerSeen,
  consumersSorted,
  entriesAdded,
  groupEntriesRead,
  groupLastId,
  groupPel,
  groupsSorted,
  idDecode,
  idEncode,
  idMapFirst,
  idMapId,
  idMapLength,
  idMapNext,
  idMapValue,
  nackCount,
  nackTime,
  streamId,
  streamLength,
  streamNodes,
} from '../storage/stream-value.js';

const builder = new RedisListpackBuilder();
const entry = new ListpackEntry();
const zset = new ZSetRef();
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/** The RDB type a key's value is written as (rdbSaveObjectType); -1 for a type with no RDB encoding. */
export function rdbTypeOf(ks: ShardKeyspace, e: number): number {
  switch (ks.type(e)) {
    case ValueType.String:
      return RdbType.String;
    case ValueType.List:
      return RdbType.ListQuicklist2;
    case ValueType.Set:
      return isHashtable(ks.valueWord(e)) ? RdbType.Set : RdbType.SetIntset;
    case ValueType.ZSet:
      return ks.encoding(e) === Encoding.ListPack ? RdbType.ZSetListpack : RdbType.ZSet2;
    case ValueType.Hash:
      return ks.encoding(e) === Encoding.ListPack ? RdbType.HashListpack : RdbType.Hash;
    case ValueType.Stream:
      return RdbType.StreamListpacks2;
    default:
      return -1;
  }
}

/**
 * Appends the RDB type byte and value of entry `e` of `ks` to `out`; `compress` is rdbcompression.
 * Returns false (and writes nothing) for a type it cannot write.
 */
export function writeRdbValue(out: RdbWriter, ks: ShardKeyspace, e: number, compress: boolean): boolean {
  const type = rdbTypeOf(ks, e);
  if (type < 0) return false;
  out.byte(type);
  writeRdbObject(out, ks, e, compress);
  return true;
}

/** rdbSaveObject: the value of entry `e` without its type byte (rdbTypeOf says which it is). */
export function writeRdbObject(out: RdbWriter, ks: ShardKeyspace, e: number, compress: boolean): void {
  const a = ks.arena;
  switch (ks.type(e)) {
    case ValueType.String:
      out.stringFrom(a.u8, ks.valueStart(e), ks.valueWord(e), compress);
      return;
    case ValueType.List:
      writeList(out, a, ks.valueWord(e), compress);
      return;
    case ValueType.Set:
      writeSet(out, a, ks.valueWord(e), compress);
      return;
    case ValueType.ZSet:
      writeZSet(out, zsetOpen(zset, ks, e), compress);
      return;
    case ValueType.Hash:
      writeHash(out, ks, e, compress);
      return;
    case ValueType.Stream:
      writeStream(out, a, ks.valueWord(e), compress);
      return;
  }
}

/** Adds a Tessera listpack entry (integer or arena bytes) to the Redis listpack being built. */
function appendEntry(a: ShardArena, rec: ListpackEntry): void {
  if (rec.isInt) builder.appendInteger(rec.value);
  else builder.appendString(a.u8, rec.start, rec.length);
}

function writeList(out: RdbWriter, a: ShardArena, ql: number, compress: boolean): void {
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
    out.stringFrom(a.u8, word, intsetBlobBytes(a, word), compress);
    return;
  }
  let count = 0;
  setForEach(a, word, () => count++);
  out.len(count);
  setForEach(a, word, (buf, off, len) => out.stringFrom(buf, off, len, compress));
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
  out.len(zsetLength(z));
  for (let h = zsetLast(z); h !== 0; h = zsetPrev(z, h)) {
    const m = zsetMember(z, h);
    out.stringFrom(m.buf, m.start, m.len, compress);
    f64[0] = zsetHandleScore(z, h);
    out.bytes(f64Bytes);
  }
}

function writeHash(out: RdbWriter, ks: ShardKeyspace, e: number, compress: boolean): void {
  const a = ks.arena;
  if (ks.encoding(e) === Encoding.ListPack) {
    builder.reset();
    hashForEach(ks, e, () => {
      appendEntry(a, hashField);
      appendEntry(a, hashValue);
    });
    out.string(builder.finish(), compress);
    return;
  }
  let count = 0;
  hashForEach(ks, e, () => count++);
  out.len(count);
  hashForEach(ks, e, () => {
    out.stringFrom(a.u8, hashField.start, hashField.length, compress);
    out.stringFrom(a.u8, hashValue.start, hashValue.length, compress);
  });
}

// ---------------------------------------------------------------- streams

/** Stream entry flags in Redis's node listpacks (t_stream.c STREAM_ITEM_FLAG_*). */
const STREAM_ITEM_DELETED = 1;
const STREAM_ITEM_SAMEFIELDS = 2;

const idBytes = new Uint8Array(16);
const streamIdScratch = new StreamId();

function u64(id: StreamId, ms: boolean): bigint {
  return ms ? (BigInt(id.msHi) << 32n) | BigInt(id.msLo) : (BigInt(id.seqHi) << 32n) | BigInt(id.seqLo);
}

function writeStreamId(out: RdbWriter, id: StreamId): void {
  out.len64(u64(id, true));
  out.len64(u64(id, false));
}

/**
 * rdbSaveObject for streams (RDB_TYPE_STREAM_LISTPACKS_2). Each arena node becomes Redis's node
 * listpack: the master entry [count, deleted, master field count, fields..., 0] with the fields of
 * the node's first entry, then per entry [flags, ms-diff, seq-diff, (field count, fields and
 * values | values when SAMEFIELDS), lp-count]. Nodes split where Redis's do (stream-value.ts), so
 * the bytes are Redis's.
 */
function writeStream(out: RdbWriter, a: ShardArena, s: number, compress: boolean): void {
  const nodes = streamNodes(a, s);
  out.len(idMapLength(a, nodes));
  const master = new StreamId();
  const id = new StreamId();
  const fields: Uint8Array[] = [];
  const fieldEntry = new ListpackEntry();
  for (let node = idMapFirst(a, nodes); node !== 0; node = idMapNext(a, node)) {
    idMapId(a, node, master);
    idEncode(idBytes, 0, master);
    out.string(idBytes, false);
    const lp = idMapValue(a, node);
    let p = lpFirst(a, lp);
    const live = lpRead(a, lp, p, entry).value;
    p = lpNext(a, lp, p);
    const deleted = lpRead(a, lp, p, entry).value;
    p = lpNext(a, lp, p);
    // Master fields: the first entry's fields (bytes copied: the listpack builder is reused below).
    fields.length = 0;
    {
      const nPos = lpNext(a, lp, lpNext(a, lp, p));
      const n = lpRead(a, lp, nPos, entry).value;
      let f = lpNext(a, lp, nPos);
      for (let i = 0; i < n; i++) {
        lpRead(a, lp, f, fieldEntry);
        fields.push(fieldEntry.isInt ? Buffer.from(String(fieldEntry.value), 'latin1') : a.u8.slice(fieldEntry.start, fieldEntry.start + fieldEntry.length));
        f = lpNext(a, lp, lpNext(a, lp, f));
      }
    }
    builder.reset();
    builder.appendInteger(live);
    builder.appendInteger(deleted);
    builder.appendInteger(fields.length);
    for (const f of fields) builder.appendString(f, 0, f.length);
    builder.appendInteger(0);
    while (p !== 0) {
      const flags = lpRead(a, lp, p, entry).value;
      const idPos = lpNext(a, lp, p);
      const idStart = lpRead(a, lp, idPos, entry).start;
      idDecode(a.u8, idStart, id);
      const nPos = lpNext(a, lp, idPos);
      const n = lpRead(a, lp, nPos, entry).value;
      let same = n === fields.length;
      let f = lpNext(a, lp, nPos);
      for (let i = 0; i < n && same; i++) {
        lpRead(a, lp, f, fieldEntry);
        same = entryEquals(a, fieldEntry, fields[i]);
        f = lpNext(a, lp, lpNext(a, lp, f));
      }
      builder.appendInteger(((flags & STREAM_ITEM_DELETED) !== 0 ? STREAM_ITEM_DELETED : 0) | (same ? STREAM_ITEM_SAMEFIELDS : 0));
      builder.appendInteger(BigInt.asIntN(64, u64(id, true) - u64(master, true)));
      builder.appendInteger(BigInt.asIntN(64, u64(id, false) - u64(master, false)));
      if (!same) builder.appendInteger(n);
      f = lpNext(a, lp, nPos);
      for (let i = 0; i < n; i++) {
        const v = lpNext(a, lp, f);
        if (!same) appendEntry(a, lpRead(a, lp, f, fieldEntry));
        appendEntry(a, lpRead(a, lp, v, fieldEntry));
        f = lpNext(a, lp, v);
      }
      builder.appendInteger(n + 3 + (same ? 0 : n + 1));
      // f is now the entry's own element count: the next entry follows it.
      p = lpNext(a, lp, f);
    }
    out.string(builder.finish(), compress);
  }
  out.len(streamLength(a, s));
  streamId(a, s, R_LAST, streamIdScratch);
  writeStreamId(out, streamIdScratch);
  streamId(a, s, R_FIRST, streamIdScratch);
  writeStreamId(out, streamIdScratch);
  streamId(a, s, R_MAXDEL, streamIdScratch);
  writeStreamId(out, streamIdScratch);
  out.len64(entriesAdded(a, s));
  const groups = groupsSorted(a, s);
  out.len(groups.length);
  for (const group of groups) {
    const g = group.addr;
    out.string(group.name, compress);
    groupLastId(a, g, streamIdScratch);
    writeStreamId(out, streamIdScratch);
    out.len64(BigInt.asUintN(64, groupEntriesRead(a, g)));
    const pel = groupPel(a, g);
    out.len(idMapLength(a, pel));
    for (let n = idMapFirst(a, pel); n !== 0; n = idMapNext(a, n)) {
      idMapId(a, n, streamIdScratch);
      idEncode(idBytes, 0, streamIdScratch);
      out.bytes(idBytes);
      const nack = idMapValue(a, n);
      out.millis(nackTime(a, nack));
      out.len(nackCount(a, nack));
    }
    const consumers = consumersSorted(a, g);
    out.len(consumers.length);
    for (const consumer of consumers) {
      const c = consumer.addr;
      out.string(consumerName(a, c), compress);
      out.millis(consumerSeen(a, c));
      const cpel = consumerPel(a, c);
      out.len(idMapLength(a, cpel));
      for (let n = idMapFirst(a, cpel); n !== 0; n = idMapNext(a, n)) {
        idMapId(a, n, streamIdScratch);
        idEncode(idBytes, 0, streamIdScratch);
        out.bytes(idBytes);
      }
    }
  }
}

/** Whether a Tessera listpack entry holds exactly these bytes (integers compare as their text). */
function entryEquals(a: ShardArena, rec: ListpackEntry, bytes: Uint8Array): boolean {
  if (rec.isInt) return Buffer.from(String(rec.value), 'latin1').equals(bytes);
  if (rec.length !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (a.u8[rec.start + i] !== bytes[i]) return false;
  return true;
}
