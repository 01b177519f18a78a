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
 * zset with text scores, zipmap and ziplist encodings, the ziplist quicklist). Not read: streams and
 * module values (null).
 */
import { string2d } from '../protocol/number-parse.js';
import { ValueType } from '../storage/keyspace.js';
import { RdbReader } from './rdb-string.js';
import { parseIntset, parseRedisListpack, parseZiplist, parseZipmap } from './rdb-blobs.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbType } from './rdb-types.js';

export type RdbValue =
  | { type: ValueType.String; value: Uint8Array }
  | { type: ValueType.List; items: Uint8Array[] }
  | { type: ValueType.Set; members: Uint8Array[] }
  | { type: ValueType.ZSet; members: Uint8Array[]; scores: number[] }
  | { type: ValueType.Hash; fields: Uint8Array[]; values: Uint8Array[] };

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
