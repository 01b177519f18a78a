/**
 * Reads and validates one RDB value (Redis 7.0 rdb.c rdbLoadObjectType, rdbLoadObject) into plain
 * arrays of byte strings, before anything touches a shard: RESTORE materializes the result with the
 * type modules (commands/dump-restore.ts), so the encodings and thresholds are Tessera's own and a
 * bad payload can never leave half a value behind.
 *
 * Validation is always what Redis does under `sanitize-dump-payload yes`: every length checked
 * against the bytes that are left, blobs (listpack, ziplist, zipmap, intset) parsed in full, no
 * duplicate members in sets, sorted sets and hashes, no empty collection, no NaN score. Any failure
 * is `null`, which RESTORE answers with `ERR Bad data format`.
 *
 * Types read: every type Redis 7.0 writes (rdb-types.ts) and the older ones it still loads (list,
 * zset with text scores, zipmap and ziplist encodings, the ziplist quicklist, the 6.x stream
 * type without first/max-deleted ids). Not read: module values (null).
 */
import { string2d, string2llExact } from '../protocol/number-parse.js';
import { ValueType } from '../storage/keyspace.js';
import { RdbReader } from './rdb-string.js';
import { parseIntset, parseRedisListpack, parseZiplist, parseZipmap } from './rdb-blobs.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbType } from './rdb-types.js';

export type RdbValue =
  | { type: ValueType.String; value: Uint8Array }
  | { type: ValueType.List; items: Uint8Array[] }
  | { type: ValueType.Set; members: Uint8Array[] }
  | { type: ValueType.ZSet; members: Uint8Array[]; scores: number[] }
  | { type: ValueType.Hash; fields: Uint8Array[]; values: Uint8Array[] }
  | RdbStream;

/** A stream id as two unsigned 64-bit numbers. */
export interface RdbStreamId {
  ms: bigint;
  seq: bigint;
}

export interface RdbStreamEntry {
  id: RdbStreamId;
  deleted: boolean;
  /** Field, value, field, value... */
  pairs: Uint8Array[];
}

export interface RdbStreamGroup {
  name: Uint8Array;
  lastId: RdbStreamId;
  /** int64; -1 when unknown. */
  entriesRead: bigint;
  /** The group PEL in id order: delivery time (ms) and count; `owner` indexes `consumers`. */
  pel: Array<{ id: RdbStreamId; time: bigint; count: number; owner: number }>;
  consumers: Array<{ name: Uint8Array; seen: bigint }>;
}

export interface RdbStream {
  type: ValueType.Stream;
  /** Every entry of every node in id order, deleted ones included (they keep Redis's node layout). */
  entries: RdbStreamEntry[];
  length: number;
  lastId: RdbStreamId;
  firstId: RdbStreamId;
  maxDeletedId: RdbStreamId;
  entriesAdded: bigint;
  groups: RdbStreamGroup[];
}

/**
 * The value serialized at the start of `payload` (a DUMP payload whose footer was verified), or null
 * when it is malformed or of a type Tessera does not read. As in Redis, bytes after the value are
 * not looked at.
 */
export function readRdbValue(payload: Uint8Array, start = 0, end = payload.length): RdbValue | null {
  const r = new RdbReader(payload, start, end);
  const type = r.byte();
  if (type === null) return null;
  try {
    return readValueOfType(r, type);
  } catch (err) {
    if (err instanceof RangeError) return null; // an allocation a corrupt length asked for
    throw err;
  }
}

/** rdbLoadObject for one type byte; `r` is left after the value. */
export function readValueOfType(r: RdbReader, type: number): RdbValue | null {
  switch (type) {
    case RdbType.String: {
      const value = r.string();
      return value === null ? null : { type: ValueType.String, value };
    }
    case RdbType.List: {
      const items = readStrings(r);
      return items === null || items.length === 0 ? null : { type: ValueType.List, items };
    }
    case RdbType.Set: {
      const members = readStrings(r);
      if (members === null || members.length === 0 || hasDuplicates(members, 1)) return null;
      return { type: ValueType.Set, members };
    }
    case RdbType.ZSet:
    case RdbType.ZSet2:
      return readZSet(r, type === RdbType.ZSet2);
    case RdbType.Hash: {
      const n = r.len();
      if (n === null || n === 0 || n * 2 > r.end - r.pos) return null;
      const fields: Uint8Array[] = [];
      const values: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const f = r.string();
        if (f === null) return null;
        const v = r.string();
        if (v === null) return null;
        fields.push(f);
        values.push(v);
      }
      return hasDuplicates(fields, 1) ? null : { type: ValueType.Hash, fields, values };
    }
    case RdbType.ListQuicklist:
    case RdbType.ListQuicklist2:
      return readQuicklist(r, type === RdbType.ListQuicklist2);
    case RdbType.SetIntset: {
      const blob = r.string();
      const members = blob === null ? null : parseIntset(blob);
      return members === null || members.length === 0 ? null : { type: ValueType.Set, members };
    }
    case RdbType.ListZiplist: {
      const blob = r.string();
      const items = blob === null ? null : parseZiplist(blob);
      return items === null || items.length === 0 ? null : { type: ValueType.List, items };
    }
    case RdbType.HashZipmap:
    case RdbType.HashZiplist:
    case RdbType.HashListpack: {
      const blob = r.string();
      if (blob === null) return null;
      const flat = type === RdbType.HashZipmap ? parseZipmap(blob) : type === RdbType.HashZiplist ? parseZiplist(blob) : parseRedisListpack(blob);
      if (flat === null || flat.length === 0 || flat.length % 2 !== 0 || hasDuplicates(flat, 2)) return null;
      const fields: Uint8Array[] = [];
      const values: Uint8Array[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        fields.push(flat[i]);
        values.push(flat[i + 1]);
      }
      return { type: ValueType.Hash, fields, values };
    }
    case RdbType.ZSetZiplist:
    case RdbType.ZSetListpack: {
      const blob = r.string();
      if (blob === null) return null;
      const flat = type === RdbType.ZSetZiplist ? parseZiplist(blob) : parseRedisListpack(blob);
      if (flat === null || flat.length === 0 || flat.length % 2 !== 0 || hasDuplicates(flat, 2)) return null;
      const members: Uint8Array[] = [];
      const scores: number[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const score = string2d(flat[i + 1], 0, flat[i + 1].length);
        if (score === null) return null;
        members.push(flat[i]);
        scores.push(score);
      }
      return { type: ValueType.ZSet, members, scores };
    }
    case RdbType.StreamListpacks:
    case RdbType.StreamListpacks2:
      return readStream(r, type === RdbType.StreamListpacks2);
    default:
      return null;
  }
}

/** A count, then that many RDB strings; every string takes at least one byte, which bounds the count. */
function readStrings(r: RdbReader): Uint8Array[] | null {
  const n = r.len();
  if (n === null || n > r.end - r.pos) return null;
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const s = r.string();
    if (s === null) return null;
    out.push(s);
  }
  return out;
}

function readZSet(r: RdbReader, binaryScores: boolean): RdbValue | null {
  const n = r.len();
  if (n === null || n === 0 || n * 2 > r.end - r.pos) return null;
  const members: Uint8Array[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = r.string();
    if (m === null) return null;
    const score = binaryScores ? readBinaryDouble(r) : readTextDouble(r);
    if (score === null || Number.isNaN(score)) return null;
    members.push(m);
    scores.push(score);
  }
  return hasDuplicates(members, 1) ? null : { type: ValueType.ZSet, members, scores };
}

/** rdbLoadBinaryDoubleValue: 8 bytes, little-endian. */
function readBinaryDouble(r: RdbReader): number | null {
  if (r.pos + 8 > r.end) return null;
  const view = new DataView(r.buf.buffer, r.buf.byteOffset + r.pos, 8);
  r.pos += 8;
  return view.getFloat64(0, true);
}

/** rdbLoadDoubleValue: a length byte (253 nan, 254 +inf, 255 -inf) and that many bytes of text. */
function readTextDouble(r: RdbReader): number | null {
  const len = r.byte();
  if (len === null) return null;
  if (len === 253) return NaN;
  if (len === 254) return Infinity;
  if (len === 255) return -Infinity;
  if (r.pos + len > r.end) return null;
  const v = string2d(r.buf, r.pos, len);
  r.pos += len;
  return v;
}

/**
 * RdbType.ListQuicklist (nodes are ziplists) and ListQuicklist2 (each node a container kind, then a
 * listpack or, for a plain node, the element itself). Empty nodes are skipped, as Redis does; a list
 * that ends up empty is refused.
 */
function readQuicklist(r: RdbReader, withContainers: boolean): RdbValue | null {
  const nodes = r.len();
  if (nodes === null || nodes > r.end - r.pos) return null;
  const items: Uint8Array[] = [];
  for (let i = 0; i < nodes; i++) {
    let container = QUICKLIST_NODE_PACKED;
    if (withContainers) {
      const c = r.len();
      if (c !== QUICKLIST_NODE_PACKED && c !== QUICKLIST_NODE_PLAIN) return null;
      container = c;
    }
    const blob = r.string();
    if (blob === null) return null;
    if (container === QUICKLIST_NODE_PLAIN) {
      items.push(blob);
      continue;
    }
    const entries = withContainers ? parseRedisListpack(blob) : parseZiplist(blob);
    if (entries === null) return null;
    for (const item of entries) items.push(item);
  }
  return items.length === 0 ? null : { type: ValueType.List, items };
}

/** Whether any of every `stride`-th string (from the first) repeats. */
function hasDuplicates(strings: Uint8Array[], stride: number): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < strings.length; i += stride) {
    const s = strings[i];
    const key = Buffer.from(s.buffer, s.byteOffset, s.length).toString('latin1');
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

// ---------------------------------------------------------------- streams

const STREAM_ITEM_DELETED = 1;
const STREAM_ITEM_SAMEFIELDS = 2;
const U64 = (1n << 64n) - 1n;

function idCompare(a: RdbStreamId, b: RdbStreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

function readStreamId(r: RdbReader): RdbStreamId | null {
  const ms = r.len64();
  if (ms === null) return null;
  const seq = r.len64();
  return seq === null ? null : { ms, seq };
}

/** A 16-byte big-endian id (node keys and PEL entries). */
function rawStreamId(bytes: Uint8Array): RdbStreamId {
  let ms = 0n;
  let seq = 0n;
  for (let k = 0; k < 8; k++) ms = (ms << 8n) | BigInt(bytes[k]);
  for (let k = 8; k < 16; k++) seq = (seq << 8n) | BigInt(bytes[k]);
  return { ms, seq };
}

const idKey = (id: RdbStreamId) => `${id.ms}-${id.seq}`;

/**
 * One node listpack (streamValidateListpackIntegrity, deep): the master entry, then entries whose
 * element counts agree, live and deleted counts that match the flags, at least one live entry.
 * Appends the node's entries to `out`; null when malformed.
 */
function readStreamNode(master: RdbStreamId, elements: Uint8Array[], out: RdbStreamEntry[]): boolean {
  let i = 0;
  const int = (): bigint | null => (i < elements.length ? string2llExact(elements[i], 0, elements[i++].length) : null);
  const live = int();
  const deleted = int();
  const nMaster = int();
  if (live === null || deleted === null || nMaster === null || live < 1n || deleted < 0n || nMaster < 0n) return false;
  if (BigInt(i) + nMaster + 1n > BigInt(elements.length)) return false;
  const masterFields = elements.slice(i, i + Number(nMaster));
  i += Number(nMaster);
  if (int() !== 0n) return false;
  let seenLive = 0n;
  let seenDeleted = 0n;
  while (i < elements.length) {
    const start = i;
    const flags = int();
    const msDiff = int();
    const seqDiff = int();
    if (flags === null || msDiff === null || seqDiff === null || flags < 0n || flags > 3n) return false;
    const same = (flags & BigInt(STREAM_ITEM_SAMEFIELDS)) !== 0n;
    let n: number;
    if (same) n = masterFields.length;
    else {
      const count = int();
      if (count === null || count < 0n || count > BigInt(elements.length)) return false;
      n = Number(count);
    }
    const pairs: Uint8Array[] = [];
    for (let k = 0; k < n; k++) {
      if (same) {
        if (i >= elements.length) return false;
        pairs.push(masterFields[k], elements[i++]);
      } else {
        if (i + 1 >= elements.length) return false;
        pairs.push(elements[i], elements[i + 1]);
        i += 2;
      }
    }
    const lpCount = int();
    if (lpCount === null || lpCount !== BigInt(i - 1 - start)) return false;
    const isDeleted = (flags & BigInt(STREAM_ITEM_DELETED)) !== 0n;
    if (isDeleted) seenDeleted++;
    else seenLive++;
    const id = { ms: (master.ms + msDiff) & U64, seq: (master.seq + seqDiff) & U64 };
    out.push({ id, deleted: isDeleted, pairs });
  }
  return seenLive === live && seenDeleted === deleted;
}

/**
 * RDB_TYPE_STREAM_LISTPACKS(_2). Beyond the nodes: ids strictly ascending through the whole stream
 * and not past last-id, the length equal to the live entries, unique group and consumer names, and
 * every group PEL entry owned by exactly one consumer (Redis's deep checks).
 */
function readStream(r: RdbReader, v2: boolean): RdbValue | null {
  const nodes = r.len();
  if (nodes === null || nodes > r.end - r.pos) return null;
  const entries: RdbStreamEntry[] = [];
  for (let i = 0; i < nodes; i++) {
    const key = r.string();
    if (key === null || key.length !== 16) return null;
    const blob = r.string();
    if (blob === null) return null;
    const elements = parseRedisListpack(blob);
    if (elements === null) return null;
    const before = entries.length;
    if (!readStreamNode(rawStreamId(key), elements, entries)) return null;
    if (idCompare(entries[before].id, rawStreamId(key)) < 0) return null;
  }
  for (let i = 1; i < entries.length; i++) if (idCompare(entries[i - 1].id, entries[i].id) >= 0) return null;
  const length = r.len();
  const lastId = readStreamId(r);
  if (length === null || lastId === null) return null;
  let firstId: RdbStreamId = { ms: 0n, seq: 0n };
  let maxDeletedId: RdbStreamId = { ms: 0n, seq: 0n };
  let entriesAdded = BigInt(length);
  if (v2) {
    const first = readStreamId(r);
    const maxDel = readStreamId(r);
    const added = r.len64();
    if (first === null || maxDel === null || added === null) return null;
    firstId = first;
    maxDeletedId = maxDel;
    entriesAdded = added;
  } else {
    const firstLive = entries.find((e) => !e.deleted);
    if (firstLive) firstId = firstLive.id;
  }
  const live = entries.reduce((n, e) => n + (e.deleted ? 0 : 1), 0);
  if (live !== length) return null;
  if (entries.length > 0 && idCompare(entries[entries.length - 1].id, lastId) > 0) return null;
  const groupCount = r.len();
  if (groupCount === null || groupCount > r.end - r.pos) return null;
  const groups: RdbStreamGroup[] = [];
  const groupNames = new Set<string>();
  for (let g = 0; g < groupCount; g++) {
    const name = r.string();
    const groupLast = name === null ? null : readStreamId(r);
    if (name === null || groupLast === null) return null;
    const nameKey = Buffer.from(name).toString('latin1');
    if (groupNames.has(nameKey)) return null;
    groupNames.add(nameKey);
    let entriesRead = -1n;
    if (v2) {
      const read = r.len64();
      if (read === null) return null;
      entriesRead = BigInt.asIntN(64, read);
    }
    const pelSize = r.len();
    if (pelSize === null || pelSize * 17 > r.end - r.pos) return null;
    const pel: RdbStreamGroup['pel'] = [];
    const pelIndex = new Map<string, number>();
    for (let k = 0; k < pelSize; k++) {
      const raw = r.raw(16);
      const time = raw === null ? null : r.millis();
      const count = time === null ? null : r.len();
      if (raw === null || time === null || count === null) return null;
      const id = rawStreamId(raw);
      const key = idKey(id);
      if (pelIndex.has(key)) return null;
      pelIndex.set(key, pel.length);
      pel.push({ id, time, count, owner: -1 });
    }
    const consumerCount = r.len();
    if (consumerCount === null || consumerCount > r.end - r.pos) return null;
    const consumers: RdbStreamGroup['consumers'] = [];
    const consumerNames = new Set<string>();
    for (let c = 0; c < consumerCount; c++) {
      const cname = r.string();
      const seen = cname === null ? null : r.millis();
      const owned = seen === null ? null : r.len();
      if (cname === null || seen === null || owned === null || owned * 16 > r.end - r.pos) return null;
      const ckey = Buffer.from(cname).toString('latin1');
      if (consumerNames.has(ckey)) return null;
      consumerNames.add(ckey);
      for (let k = 0; k < owned; k++) {
        const raw = r.raw(16);
        if (raw === null) return null;
        const at = pelIndex.get(idKey(rawStreamId(raw)));
        if (at === undefined || pel[at].owner !== -1) return null;
        pel[at].owner = consumers.length;
      }
      consumers.push({ name: cname, seen });
    }
    if (pel.some((p) => p.owner === -1)) return null;
    groups.push({ name, lastId: groupLast, entriesRead, pel, consumers });
  }
  return { type: ValueType.Stream, entries, length, lastId, firstId, maxDeletedId, entriesAdded, groups };
}
