/**
 * Stream values in the shard arena (Redis's t_stream.c data model).
 *
 * ## Entry ids
 * An id is two unsigned 64-bit numbers (ms, seq). They are kept exact as four u32 words in a
 * `StreamId` (msHi, msLo, seqHi, seqLo); BigInt appears only when an id is parsed or printed.
 * In the arena an id is 16 bytes, big-endian ms then seq, so byte order (memcmp) is id order.
 *
 * ## Entries: an ordered index of packed nodes
 * As Redis's rax of listpacks: entries live in nodes, each node one listpack, and the nodes are
 * ordered by their first ("master") id in a skiplist (skiplist.ts, all scores 0, ordered by member
 * bytes). A node's skiplist member is 24 bytes: the master id (16 bytes, big-endian), the node
 * listpack's address (u32 LE, rewritten in place when the listpack moves; ids are unique so it never
 * decides order) and the size Redis's own listpack for that node would have (u32 LE). A node takes
 * entries until it holds STREAM_NODE_MAX_ENTRIES (live + deleted) or that Redis size plus the new
 * entry's field and value bytes reaches STREAM_NODE_MAX_BYTES, exactly Redis's rule, so nodes split
 * where Redis's do and approximate trimming (`~`, whole nodes only) removes the same entries.
 *
 * Node listpack: [live count, deleted count] then entries, each
 *   [flags, id (16-byte string), field count n, field1, value1, ..., fieldn, valuen, 2n + 4]
 * flags bit 0 marks a deleted entry (XDEL and exact trimming mark, as Redis does, and a node goes
 * away when its live count reaches 0). The last element counts the entry's elements, so a node
 * can be walked backwards (XREVRANGE).
 *
 * ## Stream root (u32 words)
 *   0 nodes skiplist  1 length  2..5 last id  6..9 first id  10..13 max deleted entry id
 *   14 entries added (hi)  15 entries added (lo)  16 consumer groups table (0 = none yet)
 *
 * ## Consumer groups
 * Groups: a field table (field-table.ts, kind Score) from group name to the group block's address
 * (an exact u32 in the f64 score). Group block (u32 words): 0..3 last delivered id, 4..5 entries
 * read (int64, hi/lo two's complement; -1 = unknown), 6 PEL skiplist, 7 consumers table.
 * Consumers: a field table from name to the consumer block's address. Consumer block (bytes):
 * 0 seen time (f64 ms), 8 its PEL skiplist, 12 the consumers-table entry holding its name.
 * PELs: skiplists whose 20-byte members are an id then a NACK address; the group's PEL and the
 * owner's PEL share one NACK. NACK block (bytes): 0 delivery time (f64 ms), 8 delivery count (f64),
 * 16 owning consumer block.
 * XINFO lists groups and consumers in name order (Redis keeps them in radix trees); the tables are
 * sorted when listed, which those O(N) replies can afford.
 */
import type { ShardArena } from './arena.js';
import { isCanonicalInt64, string2ll, string2llExact } from '../protocol/number-parse.js';
import { ValueType, valueCloners, valueFreers, valueLazyFreers } from './keyspace.js';
import {
  type LexRange,
  compareBytes,
  nodeMemberLength,
  nodeMemberStart,
  nodeNext,
  nodePrev,
  skiplistCreate,
  skiplistDelete,
  skiplistFirst,
  skiplistFree,
  skiplistFreeShell,
  skiplistInsert,
  skiplistTakeFirst,
  skiplistLast,
  skiplistLastInLexRange,
  skiplistFirstInLexRange,
  skiplistLength,
  skiplistBytes,
} from './skiplist.js';
import {
  lpAppend,
  lpAppendInt,
  lpBytes,
  lpEntryEquals,
  lpFirst,
  lpFree,
  lpInt,
  lpLast,
  lpNew,
  lpNext,
  lpPrev,
  lpReplaceInt,
  lpStrStart,
} from './listpack.js';
import {
  FieldKind,
  ftCount,
  ftDeleteEntry,
  ftFieldLength,
  ftFieldStart,
  ftFind,
  ftForEach,
  ftFree,
  ftInsert,
  ftMemory,
  ftNew,
  ftScore,
  ftSetScore,
} from './field-table.js';
import { moveBytes } from './move-bytes.js';

/** Redis's stream-node-max-entries default. */
export const STREAM_NODE_MAX_ENTRIES = 100;
/** Redis's stream-node-max-bytes default. */
export const STREAM_NODE_MAX_BYTES = 4096;
const FLAG_DELETED = 1;
const TWO32 = 4294967296;

// ---------------------------------------------------------------- ids

export class StreamId {
  msHi = 0;
  msLo = 0;
  seqHi = 0;
  seqLo = 0;
}

export function idCmp(a: StreamId, b: StreamId): number {
  if (a.msHi !== b.msHi) return a.msHi < b.msHi ? -1 : 1;
  if (a.msLo !== b.msLo) return a.msLo < b.msLo ? -1 : 1;
  if (a.seqHi !== b.seqHi) return a.seqHi < b.seqHi ? -1 : 1;
  if (a.seqLo !== b.seqLo) return a.seqLo < b.seqLo ? -1 : 1;
  return 0;
}

export function idCopy(dst: StreamId, src: StreamId): void {
  dst.msHi = src.msHi;
  dst.msLo = src.msLo;
  dst.seqHi = src.seqHi;
  dst.seqLo = src.seqLo;
}

export function idSet(dst: StreamId, msHi: number, msLo: number, seqHi: number, seqLo: number): void {
  dst.msHi = msHi;
  dst.msLo = msLo;
  dst.seqHi = seqHi;
  dst.seqLo = seqLo;
}

export function idIsZero(id: StreamId): boolean {
  return (id.msHi | id.msLo | id.seqHi | id.seqLo) === 0;
}

export function idIsMax(id: StreamId): boolean {
  return id.msHi === 0xffffffff && id.msLo === 0xffffffff && id.seqHi === 0xffffffff && id.seqLo === 0xffffffff;
}

/** The next id (Redis's streamIncrID); false (id unchanged) when it is already the largest. */
export function idIncr(id: StreamId): boolean {
  if (id.seqLo !== 0xffffffff) id.seqLo++;
  else if (id.seqHi !== 0xffffffff) {
    id.seqLo = 0;
    id.seqHi++;
  } else if (id.msLo !== 0xffffffff) {
    id.seqHi = id.seqLo = 0;
    id.msLo++;
  } else if (id.msHi !== 0xffffffff) {
    id.seqHi = id.seqLo = 0;
    id.msLo = 0;
    id.msHi++;
  } else return false;
  return true;
}

/** The previous id (Redis's streamDecrID); false when it is 0-0. */
export function idDecr(id: StreamId): boolean {
  if (id.seqLo !== 0) id.seqLo--;
  else if (id.seqHi !== 0) {
    id.seqHi--;
    id.seqLo = 0xffffffff;
  } else if (id.msLo !== 0) {
    id.msLo--;
    id.seqHi = id.seqLo = 0xffffffff;
  } else if (id.msHi !== 0) {
    id.msHi--;
    id.msLo = 0xffffffff;
    id.seqHi = id.seqLo = 0xffffffff;
  } else return false;
  return true;
}

function u64Text(hi: number, lo: number): string {
  if (hi < 0x200000) return String(hi * TWO32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

export function idText(id: StreamId): string {
  return `${u64Text(id.msHi, id.msLo)}-${u64Text(id.seqHi, id.seqLo)}`;
}

export function idEncode(u8: Uint8Array, off: number, id: StreamId): void {
  writeBE(u8, off, id.msHi);
  writeBE(u8, off + 4, id.msLo);
  writeBE(u8, off + 8, id.seqHi);
  writeBE(u8, off + 12, id.seqLo);
}

export function idDecode(u8: Uint8Array, off: number, id: StreamId): void {
  id.msHi = readBE(u8, off);
  id.msLo = readBE(u8, off + 4);
  id.seqHi = readBE(u8, off + 8);
  id.seqLo = readBE(u8, off + 12);
}

/** A u64 as hi/lo words from a bigint in range. */
export function idFromBig(id: StreamId, ms: bigint, seq: bigint): void {
  id.msHi = Number(ms >> 32n);
  id.msLo = Number(ms & 0xffffffffn);
  id.seqHi = Number(seq >> 32n);
  id.seqLo = Number(seq & 0xffffffffn);
}

function writeBE(u8: Uint8Array, off: number, v: number): void {
  u8[off] = v >>> 24;
  u8[off + 1] = (v >>> 16) & 255;
  u8[off + 2] = (v >>> 8) & 255;
  u8[off + 3] = v & 255;
}

function readBE(u8: Uint8Array, off: number): number {
  return ((u8[off] << 24) | (u8[off + 1] << 16) | (u8[off + 2] << 8) | u8[off + 3]) >>> 0;
}

function readLE(u8: Uint8Array, off: number): number {
  return (u8[off] | (u8[off + 1] << 8) | (u8[off + 2] << 16) | (u8[off + 3] << 24)) >>> 0;
}

function writeLE(u8: Uint8Array, off: number, v: number): void {
  u8[off] = v & 255;
  u8[off + 1] = (v >>> 8) & 255;
  u8[off + 2] = (v >>> 16) & 255;
  u8[off + 3] = v >>> 24;
}

const f64 = new Float64Array(1);
const f64w = new Uint32Array(f64.buffer);

function readF64(a: ShardArena, addr: number): number {
  f64w[0] = a.u32[addr >>> 2];
  f64w[1] = a.u32[(addr >>> 2) + 1];
  return f64[0];
}

function writeF64(a: ShardArena, addr: number, v: number): void {
  f64[0] = v;
  a.u32[addr >>> 2] = f64w[0];
  a.u32[(addr >>> 2) + 1] = f64w[1];
}

// ---------------------------------------------------------------- key buffers and ranges

/** 20-byte scratch members: an id then a u32. */
const keyBuf = new Uint8Array(20);
const keyBuf2 = new Uint8Array(24);
const range: LexRange = { buf: keyBuf, minKind: -1, minStart: 0, minEnd: 0, minex: false, maxKind: 1, maxStart: 0, maxEnd: 0, maxex: false };

/** The last node of `sl` whose member's id is <= id (0 if none). */
function lastAtOrBefore(a: ShardArena, sl: number, id: StreamId): number {
  idEncode(keyBuf, 0, id);
  writeLE(keyBuf, 16, 0xffffffff);
  range.buf = keyBuf;
  range.minKind = -1;
  range.maxKind = 0;
  range.maxStart = 0;
  range.maxEnd = 20;
  range.maxex = false;
  return skiplistLastInLexRange(a, sl, range);
}

/** The first node of `sl` whose member's id is >= id (0 if none). */
function firstAtOrAfter(a: ShardArena, sl: number, id: StreamId): number {
  idEncode(keyBuf, 0, id);
  range.buf = keyBuf;
  range.minKind = 0;
  range.minStart = 0;
  range.minEnd = 16;
  range.minex = false;
  range.maxKind = 1;
  return skiplistFirstInLexRange(a, sl, range);
}

/** The u32 stored after a member's id. */
function memberValue(a: ShardArena, node: number): number {
  return readLE(a.u8, nodeMemberStart(a, node) + 16);
}

function setMemberValue(a: ShardArena, node: number, v: number): void {
  writeLE(a.u8, nodeMemberStart(a, node) + 16, v);
}

function memberId(a: ShardArena, node: number, out: StreamId): void {
  idDecode(a.u8, nodeMemberStart(a, node), out);
}

/** Inserts an (id, u32) member, or (id, u32, u32) when `extra` is given; returns the node. */
function insertMember(a: ShardArena, sl: number, id: StreamId, value: number, extra = -1): number {
  idEncode(keyBuf2, 0, id);
  writeLE(keyBuf2, 16, value);
  if (extra >= 0) writeLE(keyBuf2, 20, extra);
  return skiplistInsert(a, sl, 0, keyBuf2, 0, extra >= 0 ? 24 : 20);
}

function deleteMember(a: ShardArena, sl: number, node: number): void {
  const len = nodeMemberLength(a, node);
  keyBuf2.set(a.u8.subarray(nodeMemberStart(a, node), nodeMemberStart(a, node) + len));
  skiplistDelete(a, sl, 0, keyBuf2, 0, len);
}

/** An entry node's size as Redis's listpack of that node would be (stream-node-max-bytes). */
function nodeRedisBytes(a: ShardArena, node: number): number {
  return readLE(a.u8, nodeMemberStart(a, node) + 20);
}

function setNodeRedisBytes(a: ShardArena, node: number, n: number): void {
  writeLE(a.u8, nodeMemberStart(a, node) + 20, n);
}

// ---------------------------------------------------------------- id-keyed maps (PELs)

/** Node of `id` in an id-keyed skiplist, 0 if absent. */
export function idMapFind(a: ShardArena, sl: number, id: StreamId): number {
  const node = firstAtOrAfter(a, sl, id);
  if (node === 0) return 0;
  idEncode(keyBuf, 0, id);
  return compareBytes(a.u8, nodeMemberStart(a, node), 16, keyBuf, 0, 16) === 0 ? node : 0;
}

export const idMapFirstAtOrAfter = firstAtOrAfter;
export const idMapValue = memberValue;
export const idMapId = memberId;
export const idMapInsert = insertMember;
export const idMapDelete = deleteMember;
export { skiplistFirst as idMapFirst, skiplistLast as idMapLast, nodeNext as idMapNext, skiplistLength as idMapLength };

// ---------------------------------------------------------------- stream root

const R_NODES = 0;
const R_LENGTH = 1;
export const R_LAST = 2;
export const R_FIRST = 6;
export const R_MAXDEL = 10;
const R_ADDED_HI = 14;
const R_ADDED_LO = 15;
const R_GROUPS = 16;
const ROOT_WORDS = 17;

export function streamNew(a: ShardArena): number {
  const sl = skiplistCreate(a);
  const s = a.alloc(ROOT_WORDS * 4);
  const u32 = a.u32;
  for (let i = 0; i < ROOT_WORDS; i++) u32[(s >>> 2) + i] = 0;
  u32[(s >>> 2) + R_NODES] = sl;
  return s;
}

export function streamLength(a: ShardArena, s: number): number {
  return a.u32[(s >>> 2) + R_LENGTH];
}

/** Reads one of the root's ids (R_LAST, R_FIRST, R_MAXDEL). */
export function streamId(a: ShardArena, s: number, which: number, out: StreamId): void {
  const w = (s >>> 2) + which;
  const u32 = a.u32;
  idSet(out, u32[w], u32[w + 1], u32[w + 2], u32[w + 3]);
}

export function setStreamId(a: ShardArena, s: number, which: number, id: StreamId): void {
  const w = (s >>> 2) + which;
  const u32 = a.u32;
  u32[w] = id.msHi;
  u32[w + 1] = id.msLo;
  u32[w + 2] = id.seqHi;
  u32[w + 3] = id.seqLo;
}

export function entriesAdded(a: ShardArena, s: number): bigint {
  const w = s >>> 2;
  return (BigInt(a.u32[w + R_ADDED_HI]) << 32n) | BigInt(a.u32[w + R_ADDED_LO]);
}

export function setEntriesAdded(a: ShardArena, s: number, n: bigint): void {
  const w = s >>> 2;
  a.u32[w + R_ADDED_HI] = Number((n >> 32n) & 0xffffffffn);
  a.u32[w + R_ADDED_LO] = Number(n & 0xffffffffn);
}

export function entriesAddedIsZero(a: ShardArena, s: number): boolean {
  const w = s >>> 2;
  return (a.u32[w + R_ADDED_HI] | a.u32[w + R_ADDED_LO]) === 0;
}

function incrEntriesAdded(a: ShardArena, s: number): void {
  const w = s >>> 2;
  const u32 = a.u32;
  if (u32[w + R_ADDED_LO] === 0xffffffff) {
    u32[w + R_ADDED_LO] = 0;
    u32[w + R_ADDED_HI]++;
  } else u32[w + R_ADDED_LO]++;
}

/**
 * The ordered index of entry nodes (RDB serialization walks it): idMapFirst/idMapNext step through
 * it, idMapId is a node's master id and idMapValue its listpack.
 */
export function streamNodes(a: ShardArena, s: number): number {
  return a.u32[(s >>> 2) + R_NODES];
}

export function streamNodeCount(a: ShardArena, s: number): number {
  return skiplistLength(a, a.u32[(s >>> 2) + R_NODES]);
}

/**
 * The number of nodes Redis's radix tree would have for these node keys (XINFO's radix-tree-nodes):
 * rax keeps a compressed trie, so each run of shared bytes is one node, each branching point one
 * node and each key one leaf. O(nodes * 16), for XINFO only.
 */
export function streamRaxNodes(a: ShardArena, s: number): number {
  const sl = a.u32[(s >>> 2) + R_NODES];
  const keys: Uint8Array[] = [];
  for (let n = skiplistFirst(a, sl); n !== 0; n = nodeNext(a, n)) keys.push(a.u8.slice(nodeMemberStart(a, n), nodeMemberStart(a, n) + 16));
  if (keys.length === 0) return 1;
  return raxCount(keys, 0, keys.length, 0);
}

/** Nodes of the compressed trie of sorted, distinct 16-byte keys [from, to) below `depth`. */
function raxCount(keys: Uint8Array[], from: number, to: number, depth: number): number {
  if (to - from === 1) return (depth < 16 ? 1 : 0) + 1;
  let q = 0;
  while (depth + q < 16 && keys[from][depth + q] === keys[to - 1][depth + q]) q++;
  const d = depth + q;
  let count = (q > 0 ? 1 : 0) + 1;
  for (let i = from; i < to; ) {
    let j = i + 1;
    while (j < to && keys[j][d] === keys[i][d]) j++;
    count += raxCount(keys, i, j, d + 1);
    i = j;
  }
  return count;
}

// ---------------------------------------------------------------- appending

/**
 * Appends an entry with these field/value pairs (arguments `first`.. `first + 2*pairs - 1` of
 * `buf`/`words`, as Args lays them out). The caller checked the id is greater than the last one.
 */
export function streamAppend(a: ShardArena, s: number, id: StreamId, buf: Uint8Array, offsets: (i: number) => number, lengths: (i: number) => number, first: number, pairs: number): void {
  const sl = a.u32[(s >>> 2) + R_NODES];
  let node = skiplistLast(a, sl);
  let lp = 0;
  let total = 0;
  for (let i = 0; i < 2 * pairs; i++) total += lengths(first + i);
  if (node !== 0) {
    lp = memberValue(a, node);
    const p = lpFirst(a, lp);
    if (nodeRedisBytes(a, node) + total >= STREAM_NODE_MAX_BYTES) node = 0;
    else if (lpInt(a, lp, p) + lpInt(a, lp, lpNext(a, lp, p)) >= STREAM_NODE_MAX_ENTRIES) node = 0;
  }
  let sameFields = true;
  let redisBytes: number;
  const master = new StreamId();
  if (node === 0) {
    idCopy(master, id);
    // Redis's new node: header, EOF, then the master entry [1, 0, n, fields..., 0].
    redisBytes = 7 + 2 + 2 + rIntSize(pairs) + 2;
    for (let i = 0; i < pairs; i++) redisBytes += rStrSize(buf, offsets(first + 2 * i), lengths(first + 2 * i));
    lp = lpNew(a, 64);
    lp = lpAppendInt(a, lp, 0);
    lp = lpAppendInt(a, lp, 0);
    node = insertMember(a, sl, id, lp, 0);
  } else {
    memberId(a, node, master);
    redisBytes = nodeRedisBytes(a, node);
    // The node's first entry carries Redis's master fields.
    const idPos = lpNext(a, lp, headerEnd(a, lp));
    const nPos = lpNext(a, lp, idPos);
    if (lpInt(a, lp, nPos) !== pairs) sameFields = false;
    else {
      let f = lpNext(a, lp, nPos);
      for (let i = 0; i < pairs && sameFields; i++) {
        if (!lpEntryEquals(a, lp, f, buf, offsets(first + 2 * i), lengths(first + 2 * i))) sameFields = false;
        f = lpNext(a, lp, lpNext(a, lp, f));
      }
    }
  }
  redisBytes += 2; // flags
  redisBytes += diffSize(id.msHi, id.msLo, master.msHi, master.msLo);
  redisBytes += diffSize(id.seqHi, id.seqLo, master.seqHi, master.seqLo);
  if (!sameFields) redisBytes += rIntSize(pairs);
  for (let i = 0; i < pairs; i++) {
    if (!sameFields) redisBytes += rStrSize(buf, offsets(first + 2 * i), lengths(first + 2 * i));
    redisBytes += rStrSize(buf, offsets(first + 2 * i + 1), lengths(first + 2 * i + 1));
  }
  redisBytes += rIntSize(pairs + 3 + (sameFields ? 0 : pairs + 1));
  const start = lp;
  lp = lpAppendInt(a, lp, 0);
  idEncode(keyBuf2, 0, id);
  lp = lpAppend(a, lp, keyBuf2, 0, 16);
  lp = lpAppendInt(a, lp, pairs);
  for (let i = 0; i < 2 * pairs; i++) lp = lpAppend(a, lp, buf, offsets(first + i), lengths(first + i));
  lp = lpAppendInt(a, lp, 2 * pairs + 4);
  const p = lpFirst(a, lp);
  lp = lpReplaceInt(a, lp, p, lpInt(a, lp, p) + 1);
  if (lp !== start) setMemberValue(a, node, lp);
  setNodeRedisBytes(a, node, Math.min(redisBytes, 0xffffffff));
  const w = s >>> 2;
  if (a.u32[w + R_LENGTH] === 0) setStreamId(a, s, R_FIRST, id);
  a.u32[w + R_LENGTH]++;
  setStreamId(a, s, R_LAST, id);
  incrEntriesAdded(a, s);
}

/** Listpack size of Redis's int64 cast of the u64 difference a - b (the common case without BigInt). */
function diffSize(aHi: number, aLo: number, bHi: number, bLo: number): number {
  if (aHi === bHi) return rIntSize(aLo - bLo);
  return rIntSizeBig(BigInt.asIntN(64, u64(aHi, aLo) - u64(bHi, bLo)));
}

function u64(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Bytes of Redis's listpack back-length for an element of `n` bytes. */
function backlenSize(n: number): number {
  return n <= 127 ? 1 : n < 16383 ? 2 : n < 2097151 ? 3 : n < 268435455 ? 4 : 5;
}

/** Bytes of an integer element in Redis's listpack (encoding + back-length). */
function rIntSize(v: number): number {
  const enc = v >= 0 && v <= 127 ? 1 : v >= -4096 && v <= 4095 ? 2 : v >= -32768 && v <= 32767 ? 3 : v >= -8388608 && v <= 8388607 ? 4 : v >= -2147483648 && v <= 2147483647 ? 5 : 9;
  return enc + backlenSize(enc);
}

function rIntSizeBig(v: bigint): number {
  return v >= -2147483648n && v <= 2147483647n ? rIntSize(Number(v)) : 10;
}

/** Bytes of a string element in Redis's listpack (stored as an integer when canonical int64 text). */
function rStrSize(buf: Uint8Array, off: number, len: number): number {
  if (len > 0 && len < 16) {
    const v = string2ll(buf, off, len);
    if (v !== null) return rIntSize(v);
  } else if (len >= 16 && len <= 20 && isCanonicalInt64(buf, off, len)) {
    return rIntSizeBig(string2llExact(buf, off, len)!);
  }
  const enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  return enc + backlenSize(enc);
}

// ---------------------------------------------------------------- iteration

/**
 * Walks the live entries with ids in [start, end], forwards or backwards. After `next()` returns
 * true: `id` is the entry's id, `lp` its node listpack, `fieldsPos` the pos of its first field and
 * `pairs` its number of field/value pairs. `removeCurrent()` deletes the current entry (XDEL,
 * trimming) and keeps the walk valid.
 */
export class StreamIterator {
  readonly id = new StreamId();
  lp = 0;
  fieldsPos = 0;
  pairs = 0;
  private a!: ShardArena;
  private s = 0;
  private node = 0;
  private pos = 0; // pos of the next entry's flags (forward) or of the current entry's flags (reverse); 0 = node done
  private entryPos = 0;
  private rev = false;
  private readonly start = new StreamId();
  private readonly end = new StreamId();
  private readonly resume = new StreamId();
  private nodeGone = false;
  private done = false;

  begin(a: ShardArena, s: number, start: StreamId, end: StreamId, rev: boolean): this {
    this.a = a;
    this.s = s;
    this.rev = rev;
    idCopy(this.start, start);
    idCopy(this.end, end);
    this.done = idCmp(start, end) > 0;
    this.nodeGone = false;
    const sl = a.u32[(s >>> 2) + R_NODES];
    if (rev) {
      this.node = lastAtOrBefore(a, sl, end);
    } else {
      this.node = lastAtOrBefore(a, sl, start);
      if (this.node === 0) this.node = skiplistFirst(a, sl);
    }
    if (this.node === 0) this.done = true;
    else this.enterNode();
    return this;
  }

  private enterNode(): void {
    const a = this.a;
    this.lp = memberValue(a, this.node);
    if (this.rev) {
      const last = lpLast(a, this.lp);
      this.pos = entryStartFromBack(a, this.lp, last);
    } else {
      this.pos = lpNext(a, this.lp, lpNext(a, this.lp, lpFirst(a, this.lp)));
    }
  }

  next(): boolean {
    const a = this.a;
    while (!this.done) {
      if (this.nodeGone) {
        this.nodeGone = false;
        const sl = a.u32[(this.s >>> 2) + R_NODES];
        this.node = this.rev ? lastAtOrBefore(a, sl, this.resume) : firstAtOrAfter(a, sl, this.resume);
        if (this.node === 0) {
          this.done = true;
          return false;
        }
        this.enterNode();
      }
      if (this.pos === 0) {
        this.node = this.rev ? nodePrev(a, this.node) : nodeNext(a, this.node);
        if (this.node === 0) {
          this.done = true;
          return false;
        }
        this.enterNode();
        continue;
      }
      const lp = this.lp;
      const flagsPos = this.pos;
      const idPos = lpNext(a, lp, flagsPos);
      const nPos = lpNext(a, lp, idPos);
      const pairs = lpInt(a, lp, nPos);
      idDecode(a.u8, lpStrStart(a, lp, idPos), this.id);
      // advance
      if (this.rev) {
        this.pos = flagsPos === headerEnd(a, lp) ? 0 : entryStartFromBack(a, lp, lpPrev(a, lp, flagsPos));
      } else {
        let p = nPos;
        for (let i = 0; i < 2 * pairs + 2; i++) p = lpNext(a, lp, p);
        this.pos = p;
      }
      if (this.rev) {
        if (idCmp(this.id, this.start) < 0) {
          this.done = true;
          return false;
        }
        if (idCmp(this.id, this.end) > 0) continue;
      } else {
        if (idCmp(this.id, this.end) > 0) {
          this.done = true;
          return false;
        }
        if (idCmp(this.id, this.start) < 0) continue;
      }
      if ((lpInt(a, lp, flagsPos) & FLAG_DELETED) !== 0) continue;
      this.entryPos = flagsPos;
      this.pairs = pairs;
      this.fieldsPos = lpNext(a, lp, nPos);
      return true;
    }
    return false;
  }

  /** Deletes the entry `next()` returned last. */
  removeCurrent(): void {
    const a = this.a;
    // Small integers keep their size: positions stay valid.
    let lp = lpReplaceInt(a, this.lp, this.entryPos, FLAG_DELETED);
    const p = lpFirst(a, lp);
    const live = lpInt(a, lp, p) - 1;
    lp = lpReplaceInt(a, lp, p, live);
    const q = lpNext(a, lp, p);
    lp = lpReplaceInt(a, lp, q, lpInt(a, lp, q) + 1);
    if (lp !== this.lp) {
      setMemberValue(a, this.node, lp);
      this.lp = lp;
    }
    a.u32[(this.s >>> 2) + R_LENGTH]--;
    if (live === 0) {
      // The node goes: resume from the next (previous) node by id.
      const sl = a.u32[(this.s >>> 2) + R_NODES];
      idCopy(this.resume, this.id);
      lpFree(a, lp);
      deleteMember(a, sl, this.node);
      this.nodeGone = true;
    }
  }
}

/** The pos just past a node's header (its first entry's flags). */
function headerEnd(a: ShardArena, lp: number): number {
  return lpNext(a, lp, lpNext(a, lp, lpFirst(a, lp)));
}

/** From an entry's last element (its element count), the pos of its flags; 0 when none. */
function entryStartFromBack(a: ShardArena, lp: number, lastPos: number): number {
  if (lastPos === 0 || lastPos < headerEnd(a, lp)) return 0;
  const n = lpInt(a, lp, lastPos);
  let p = lastPos;
  for (let i = 1; i < n; i++) p = lpPrev(a, lp, p);
  return p;
}

/** Field i (0-based) and its value of the iterator's current entry: call with pos = fieldsPos then lpNext. */
export { lpNext as streamNextPos };

// ---------------------------------------------------------------- deletion and trimming

const iter = new StreamIterator();

/** XDEL of one id: true when it was there. Updates first id and max deleted id as Redis 7.0. */
export function streamDeleteId(a: ShardArena, s: number, id: StreamId): boolean {
  iter.begin(a, s, id, id, false);
  if (!iter.next()) return false;
  iter.removeCurrent();
  const maxDel = new StreamId();
  streamId(a, s, R_MAXDEL, maxDel);
  if (idCmp(id, maxDel) > 0) setStreamId(a, s, R_MAXDEL, id);
  return true;
}

/** Recomputes the first id after deletions (Redis's streamGetEdgeID(s,1,1,&first_id)). */
export function streamUpdateFirstId(a: ShardArena, s: number): void {
  const out = new StreamId();
  if (!streamFirstLastEntry(a, s, false, out)) idSet(out, 0, 0, 0, 0);
  setStreamId(a, s, R_FIRST, out);
}

const ZERO = new StreamId();
const MAX = new StreamId();
idSet(MAX, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
export { ZERO as STREAM_ID_ZERO, MAX as STREAM_ID_MAX };

/** The first (or last) live entry's id; false when the stream is empty. */
export function streamFirstLastEntry(a: ShardArena, s: number, last: boolean, out: StreamId): boolean {
  const it = new StreamIterator().begin(a, s, ZERO, MAX, last);
  if (!it.next()) return false;
  idCopy(out, it.id);
  return true;
}

export const enum TrimStrategy {
  None = 0,
  MaxLen = 1,
  MinId = 2,
}

/** Redis 7.0's streamTrim: returns the number of entries deleted. `limit` 0 = no limit. */
export function streamTrim(a: ShardArena, s: number, strategy: TrimStrategy, maxlen: number, minid: StreamId, approx: boolean, limit: number): number {
  if (strategy === TrimStrategy.None) return 0;
  const sl = a.u32[(s >>> 2) + R_NODES];
  const w = s >>> 2;
  let deleted = 0;
  const lastId = new StreamId();
  for (;;) {
    const node = skiplistFirst(a, sl);
    if (node === 0) break;
    if (strategy === TrimStrategy.MaxLen && a.u32[w + R_LENGTH] <= maxlen) break;
    let lp = memberValue(a, node);
    const p = lpFirst(a, lp);
    const entries = lpInt(a, lp, p);
    if (limit !== 0 && deleted + entries > limit) break;
    let removeNode: boolean;
    if (strategy === TrimStrategy.MaxLen) {
      removeNode = a.u32[w + R_LENGTH] - entries >= maxlen;
    } else {
      const lastFlags = entryStartFromBack(a, lp, lpLast(a, lp));
      idDecode(a.u8, lpStrStart(a, lp, lpNext(a, lp, lastFlags)), lastId);
      removeNode = idCmp(lastId, minid) < 0;
    }
    if (removeNode) {
      lpFree(a, lp);
      deleteMember(a, sl, node);
      a.u32[w + R_LENGTH] -= entries;
      deleted += entries;
      continue;
    }
    if (approx) break;
    let deletedFromLp = 0;
    let q = headerEnd(a, lp);
    while (q !== 0) {
      const idPos = lpNext(a, lp, q);
      idDecode(a.u8, lpStrStart(a, lp, idPos), lastId);
      const stop = strategy === TrimStrategy.MaxLen ? a.u32[w + R_LENGTH] <= maxlen : idCmp(lastId, minid) >= 0;
      if (stop) break;
      const nPos = lpNext(a, lp, idPos);
      const pairs = lpInt(a, lp, nPos);
      const flags = lpInt(a, lp, q);
      let next = nPos;
      for (let i = 0; i < 2 * pairs + 2; i++) next = lpNext(a, lp, next);
      if ((flags & FLAG_DELETED) === 0) {
        lp = lpReplaceInt(a, lp, q, flags | FLAG_DELETED);
        deletedFromLp++;
        a.u32[w + R_LENGTH]--;
      }
      q = next;
    }
    deleted += deletedFromLp;
    const h = lpFirst(a, lp);
    lp = lpReplaceInt(a, lp, h, entries - deletedFromLp);
    const d = lpNext(a, lp, h);
    lp = lpReplaceInt(a, lp, d, lpInt(a, lp, d) + deletedFromLp);
    setMemberValue(a, node, lp);
    break;
  }
  if (deleted > 0) streamUpdateFirstId(a, s);
  return deleted;
}

// ---------------------------------------------------------------- consumer groups

const G_LAST = 0;
const G_READ_HI = 4;
const G_READ_LO = 5;
const G_PEL = 6;
const G_CONSUMERS = 7;
const GROUP_WORDS = 8;

const C_SEEN = 0;
const C_PEL = 8;
const C_NAME = 12;
const CONSUMER_BYTES = 16;

const N_TIME = 0;
const N_COUNT = 8;
const N_CONSUMER = 16;
const NACK_BYTES = 20;

/** SCG_INVALID_ENTRIES_READ */
export const ENTRIES_READ_INVALID = -1n;

export function groupCount(a: ShardArena, s: number): number {
  const t = a.u32[(s >>> 2) + R_GROUPS];
  return t === 0 ? 0 : ftCount(a, t);
}

export function groupFind(a: ShardArena, s: number, buf: Uint8Array, off: number, len: number): number {
  const t = a.u32[(s >>> 2) + R_GROUPS];
  if (t === 0) return 0;
  const e = ftFind(a, t, buf, off, len);
  return e === 0 ? 0 : ftScore(a, e);
}

/** Creates a group the caller checked is absent; returns its block. */
export function groupCreate(a: ShardArena, s: number, buf: Uint8Array, off: number, len: number, lastId: StreamId, entriesRead: bigint): number {
  let t = a.u32[(s >>> 2) + R_GROUPS];
  if (t === 0) {
    t = ftNew(a, FieldKind.Score);
    a.u32[(s >>> 2) + R_GROUPS] = t;
  }
  const pel = skiplistCreate(a);
  const consumers = ftNew(a, FieldKind.Score);
  const g = a.alloc(GROUP_WORDS * 4);
  const w = g >>> 2;
  a.u32[w + G_PEL] = pel;
  a.u32[w + G_CONSUMERS] = consumers;
  setGroupLastId(a, g, lastId);
  setGroupEntriesRead(a, g, entriesRead);
  const e = ftInsert(a, t, buf, off, len);
  ftSetScore(a, e, g);
  return g;
}

export function groupDestroy(a: ShardArena, s: number, buf: Uint8Array, off: number, len: number): boolean {
  const t = a.u32[(s >>> 2) + R_GROUPS];
  if (t === 0) return false;
  const e = ftFind(a, t, buf, off, len);
  if (e === 0) return false;
  const g = ftScore(a, e);
  ftDeleteEntry(a, t, e);
  groupFree(a, g);
  return true;
}

function groupFree(a: ShardArena, g: number): void {
  const w = g >>> 2;
  const pel = a.u32[w + G_PEL];
  for (let n = skiplistFirst(a, pel); n !== 0; n = nodeNext(a, n)) a.free(memberValue(a, n));
  skiplistFree(a, pel);
  const consumers = a.u32[w + G_CONSUMERS];
  ftForEach(a, consumers, (e) => {
    const c = ftScore(a, e);
    skiplistFree(a, a.u32[(c + C_PEL) >>> 2]);
    a.free(c);
  });
  ftFree(a, consumers);
  a.free(g);
}

export interface NamedBlock {
  name: Uint8Array;
  addr: number;
}

function sortedNames(a: ShardArena, t: number): NamedBlock[] {
  const out: NamedBlock[] = [];
  if (t === 0) return out;
  ftForEach(a, t, (e) => {
    const st = ftFieldStart(a, e);
    out.push({ name: a.u8.slice(st, st + ftFieldLength(a, e)), addr: ftScore(a, e) });
  });
  out.sort((x, y) => compareBytes(x.name, 0, x.name.length, y.name, 0, y.name.length));
  return out;
}

/** Groups in name order (XINFO). */
export function groupsSorted(a: ShardArena, s: number): NamedBlock[] {
  return sortedNames(a, a.u32[(s >>> 2) + R_GROUPS]);
}

export function groupLastId(a: ShardArena, g: number, out: StreamId): void {
  const w = (g >>> 2) + G_LAST;
  const u32 = a.u32;
  idSet(out, u32[w], u32[w + 1], u32[w + 2], u32[w + 3]);
}

export function setGroupLastId(a: ShardArena, g: number, id: StreamId): void {
  const w = (g >>> 2) + G_LAST;
  const u32 = a.u32;
  u32[w] = id.msHi;
  u32[w + 1] = id.msLo;
  u32[w + 2] = id.seqHi;
  u32[w + 3] = id.seqLo;
}

export function groupEntriesRead(a: ShardArena, g: number): bigint {
  const w = g >>> 2;
  return BigInt.asIntN(64, (BigInt(a.u32[w + G_READ_HI]) << 32n) | BigInt(a.u32[w + G_READ_LO]));
}

export function setGroupEntriesRead(a: ShardArena, g: number, n: bigint): void {
  const u = BigInt.asUintN(64, n);
  const w = g >>> 2;
  a.u32[w + G_READ_HI] = Number(u >> 32n);
  a.u32[w + G_READ_LO] = Number(u & 0xffffffffn);
}

export function groupPel(a: ShardArena, g: number): number {
  return a.u32[(g >>> 2) + G_PEL];
}

export function groupConsumerCount(a: ShardArena, g: number): number {
  return ftCount(a, a.u32[(g >>> 2) + G_CONSUMERS]);
}

export function consumerFind(a: ShardArena, g: number, buf: Uint8Array, off: number, len: number): number {
  const e = ftFind(a, a.u32[(g >>> 2) + G_CONSUMERS], buf, off, len);
  return e === 0 ? 0 : ftScore(a, e);
}

/** Creates a consumer the caller checked is absent. */
export function consumerCreate(a: ShardArena, g: number, buf: Uint8Array, off: number, len: number, now: number): number {
  const pel = skiplistCreate(a);
  const c = a.alloc(CONSUMER_BYTES);
  const e = ftInsert(a, a.u32[(g >>> 2) + G_CONSUMERS], buf, off, len);
  ftSetScore(a, e, c);
  writeF64(a, c + C_SEEN, now);
  a.u32[(c + C_PEL) >>> 2] = pel;
  a.u32[(c + C_NAME) >>> 2] = e;
  return c;
}

/** Deletes a consumer and its pending entries (from the group's PEL too); returns how many were pending. */
export function consumerDelete(a: ShardArena, g: number, c: number): number {
  const pel = a.u32[(c + C_PEL) >>> 2];
  const gpel = groupPel(a, g);
  const n = skiplistLength(a, pel);
  const id = new StreamId();
  for (let node = skiplistFirst(a, pel); node !== 0; ) {
    const next = nodeNext(a, node);
    memberId(a, node, id);
    const nack = memberValue(a, node);
    const gn = idMapFind(a, gpel, id);
    if (gn !== 0) deleteMember(a, gpel, gn);
    a.free(nack);
    node = next;
  }
  skiplistFree(a, pel);
  ftDeleteEntry(a, a.u32[(g >>> 2) + G_CONSUMERS], a.u32[(c + C_NAME) >>> 2]);
  a.free(c);
  return n;
}

export function consumersSorted(a: ShardArena, g: number): NamedBlock[] {
  return sortedNames(a, a.u32[(g >>> 2) + G_CONSUMERS]);
}

export function consumerSeen(a: ShardArena, c: number): number {
  return readF64(a, c + C_SEEN);
}

export function setConsumerSeen(a: ShardArena, c: number, ms: number): void {
  writeF64(a, c + C_SEEN, ms);
}

export function consumerPel(a: ShardArena, c: number): number {
  return a.u32[(c + C_PEL) >>> 2];
}

/** The consumer's name (a copy). */
export function consumerName(a: ShardArena, c: number): Uint8Array {
  const e = a.u32[(c + C_NAME) >>> 2];
  const st = ftFieldStart(a, e);
  return a.u8.slice(st, st + ftFieldLength(a, e));
}

export function consumerNameStart(a: ShardArena, c: number): number {
  return ftFieldStart(a, a.u32[(c + C_NAME) >>> 2]);
}

export function consumerNameLength(a: ShardArena, c: number): number {
  return ftFieldLength(a, a.u32[(c + C_NAME) >>> 2]);
}

export function nackNew(a: ShardArena, consumer: number, time: number, count: number): number {
  const n = a.alloc(NACK_BYTES);
  writeF64(a, n + N_TIME, time);
  writeF64(a, n + N_COUNT, count);
  a.u32[(n + N_CONSUMER) >>> 2] = consumer;
  return n;
}

export function nackTime(a: ShardArena, n: number): number {
  return readF64(a, n + N_TIME);
}
export function setNackTime(a: ShardArena, n: number, ms: number): void {
  writeF64(a, n + N_TIME, ms);
}
export function nackCount(a: ShardArena, n: number): number {
  return readF64(a, n + N_COUNT);
}
export function setNackCount(a: ShardArena, n: number, c: number): void {
  writeF64(a, n + N_COUNT, c);
}
export function nackConsumer(a: ShardArena, n: number): number {
  return a.u32[(n + N_CONSUMER) >>> 2];
}
export function setNackConsumer(a: ShardArena, n: number, c: number): void {
  a.u32[(n + N_CONSUMER) >>> 2] = c;
}

export function nackFree(a: ShardArena, n: number): void {
  a.free(n);
}

// ---------------------------------------------------------------- free, clone, memory

export function streamFree(a: ShardArena, s: number): void {
  const w = s >>> 2;
  const sl = a.u32[w + R_NODES];
  for (let n = skiplistFirst(a, sl); n !== 0; n = nodeNext(a, n)) lpFree(a, memberValue(a, n));
  skiplistFree(a, sl);
  const t = a.u32[w + R_GROUPS];
  if (t !== 0) {
    ftForEach(a, t, (e) => groupFree(a, ftScore(a, e)));
    ftFree(a, t);
  }
  a.free(s);
}

/**
 * Lazy freeing: entry nodes (listpack and skiplist node) a slice at a time, then the consumer groups
 * in one go (Redis counts their effort too, but they are few next to the nodes).
 */
valueLazyFreers[ValueType.Stream] = {
  effort(a, s) {
    const sl = a.u32[(s >>> 2) + R_NODES];
    const groups = a.u32[(s >>> 2) + R_GROUPS];
    return (sl === 0 ? 0 : skiplistLength(a, sl)) + (groups === 0 ? 0 : ftCount(a, groups));
  },
  freeSome(a, s, budget) {
    const w = s >>> 2;
    let used = 0;
    const sl = a.u32[w + R_NODES];
    if (sl !== 0) {
      for (;;) {
        if (used >= budget) return used;
        const n = skiplistTakeFirst(a, sl);
        if (n === 0) break;
        lpFree(a, memberValue(a, n));
        a.free(n);
        used += 2;
      }
      skiplistFreeShell(a, sl);
      a.u32[w + R_NODES] = 0;
      used++;
      if (used >= budget) return used;
    }
    const t = a.u32[w + R_GROUPS];
    if (t !== 0) {
      ftForEach(a, t, (e) => groupFree(a, ftScore(a, e)));
      ftFree(a, t);
    }
    a.free(s);
    return used;
  },
};

/** Deep copy into `dst` (COPY, moves between shards): entries node by node, then groups. */
export function streamClone(src: ShardArena, s: number, dst: ShardArena): number {
  const copy = streamNew(dst);
  const sw = s >>> 2;
  const cw = copy >>> 2;
  const dsl = dst.u32[cw + R_NODES];
  const ssl = src.u32[sw + R_NODES];
  const id = new StreamId();
  for (let n = skiplistFirst(src, ssl); n !== 0; n = nodeNext(src, n)) {
    const lp = memberValue(src, n);
    const bytes = lpBytes(src, lp);
    const clp = dst.alloc(bytes);
    if (src === dst) moveBytes(dst.u8, clp, lp, bytes);
    else dst.u8.set(src.u8.subarray(lp, lp + bytes), clp);
    memberId(src, n, id);
    insertMember(dst, dsl, id, clp, nodeRedisBytes(src, n));
  }
  for (let i = R_LENGTH; i < R_GROUPS; i++) dst.u32[cw + i] = src.u32[sw + i];
  const t = src.u32[sw + R_GROUPS];
  if (t === 0) return copy;
  const last = new StreamId();
  for (const { name, addr: g } of sortedNames(src, t)) {
    groupLastId(src, g, last);
    const cg = groupCreate(dst, copy, name, 0, name.length, last, groupEntriesRead(src, g));
    const byConsumer = new Map<number, number>();
    for (const { name: cname, addr: c } of consumersSorted(src, g)) {
      const cc = consumerCreate(dst, cg, cname, 0, cname.length, consumerSeen(src, c));
      byConsumer.set(c, cc);
    }
    const gpel = groupPel(src, g);
    const cgpel = groupPel(dst, cg);
    for (let n = skiplistFirst(src, gpel); n !== 0; n = nodeNext(src, n)) {
      const nack = memberValue(src, n);
      memberId(src, n, id);
      const owner = byConsumer.get(nackConsumer(src, nack))!;
      const cn = nackNew(dst, owner, nackTime(src, nack), nackCount(src, nack));
      insertMember(dst, cgpel, id, cn);
      insertMember(dst, consumerPel(dst, owner), id, cn);
    }
  }
  return copy;
}

/** Approximate bytes used (MEMORY USAGE): `samples` nodes sampled (0 = all), as Redis samples listpacks. */
export function streamMemory(a: ShardArena, s: number, samples = 0): number {
  const sl = a.u32[(s >>> 2) + R_NODES];
  let bytes = ROOT_WORDS * 4 + skiplistBytes(a, sl, samples);
  let seen = 0;
  let packed = 0;
  for (let n = skiplistFirst(a, sl); n !== 0 && (samples === 0 || seen < samples); n = nodeNext(a, n)) {
    packed += lpBytes(a, memberValue(a, n));
    seen++;
  }
  const nodes = skiplistLength(a, sl);
  bytes += seen === nodes || seen === 0 ? packed : Math.round((packed / seen) * nodes);
  const t = a.u32[(s >>> 2) + R_GROUPS];
  if (t !== 0) bytes += ftMemory(a, t);
  return bytes;
}

valueFreers[ValueType.Stream] = streamFree;
valueCloners[ValueType.Stream] = streamClone;
