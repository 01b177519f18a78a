/**
 * The list value type: a key of ValueType.List holds a quicklist root in its value word, with
 * encoding Encoding.QuickList whatever its size, as Redis 7.0 does (7.0 has no single-listpack list
 * encoding: `OBJECT ENCODING` says "quicklist" for a one-element list too).
 *
 * This module registers the type's freer and cloner with the keyspace, and offers what the list
 * commands share: reading an entry out (into a reply or a scratch copy) and the node statistics that
 * DEBUG OBJECT and MEMORY USAGE print.
 */
import type { ShardArena } from './arena.js';
import { type Reply, shortBulkHeader } from '../protocol/reply.js';
import { writeDecimal } from '../protocol/number-parse.js';
import { ValueType, valueCloners, valueFreers, valueLazyFreers } from './keyspace.js';
import { LP_HEADER, ListpackEntry, lpNext, lpRead } from './listpack.js';
import {
  QuicklistCursor,
  qlClone,
  qlCount,
  qlFill,
  qlFirst,
  qlFree,
  qlFreeSome,
  qlHead,
  qlNodeBlock,
  qlNodeBytes,
  qlNodeCount,
  qlNodeEntries,
  qlNodeListpack,
  qlNodeNext,
  qlNext,
  qlRead,
} from './quicklist.js';

valueFreers[ValueType.List] = qlFree;
valueCloners[ValueType.List] = qlClone;
/** Redis counts a quicklist's free effort in nodes. */
valueLazyFreers[ValueType.List] = { effort: qlNodeCount, freeSome: qlFreeSome };

const entry = new ListpackEntry();
let scratch = new Uint8Array(256);

/** The scratch buffer `copyEntry` fills (valid until the next copy). */
export function entryScratch(): Uint8Array {
  return scratch;
}

/**
 * Copies the entry under the cursor into the scratch buffer (integers as their decimal text) and
 * returns its length: for moving an element to another list, which may be in another arena or be
 * the same listpack.
 */
export function copyEntry(a: ShardArena, cur: QuicklistCursor): number {
  qlRead(a, cur, entry);
  if (entry.isInt) {
    const text = String(entry.value);
    for (let i = 0; i < text.length; i++) scratch[i] = text.charCodeAt(i);
    return text.length;
  }
  const n = entry.length;
  if (n > scratch.length) {
    let size = scratch.length * 2;
    while (size < n) size *= 2;
    scratch = new Uint8Array(size);
  }
  const u8 = a.u8;
  const from = entry.start;
  // A loop for short elements: `set` from a subarray of the (shared) arena allocates a view and
  // takes V8's slow path for shared memory.
  if (n <= 64) for (let i = 0; i < n; i++) scratch[i] = u8[from + i];
  else scratch.set(u8.subarray(from, from + n));
  return n;
}

// ---------------------------------------------------------------- replying elements

/** Listpack tags 0x80-0xbf: a string of up to 63 bytes, its length in the low 6 bits (Redis's 6-bit str). */
const TAG_STR6 = 0x80;
const TAG_STR6_END = 0xc0;
/** Tags below 0x80: an integer 0..127 held in the tag itself. */
const TAG_UINT7_END = 0x80;

/** Replies the entry under the cursor as a bulk string. Hot path (LPOP, RPOP, LINDEX). */
export function bulkEntry(r: Reply, a: ShardArena, cur: QuicklistCursor): void {
  const lp = qlNodeListpack(a, cur.node);
  const u8 = a.u8;
  const p = lp + cur.pos;
  const tag = u8[p];
  if (tag >= TAG_STR6 && tag < TAG_STR6_END) {
    r.bulk(u8, p + 1, p + 1 + (tag & 63));
    return;
  }
  lpRead(a, lp, cur.pos, entry);
  if (entry.isInt) r.bulkInteger(entry.value);
  else r.bulk(u8, entry.start, entry.start + entry.length);
}

/**
 * Replies `n` elements from the cursor on (there must be that many) as bulk strings, walking each
 * node's listpack bytes directly: short strings and small integers are decoded here, other entries
 * through lpRead/lpNext. Hot path (LRANGE). The cursor is left where it was.
 */
export function replyEntries(r: Reply, a: ShardArena, cur: QuicklistCursor, n: number): void {
  const u8 = a.u8;
  let node = cur.node;
  let pos = cur.pos;
  let left = n;
  while (left > 0) {
    const lp = qlNodeListpack(a, node);
    const end = lp + qlNodeBytes(a, node);
    // Room for the k entries to write from this node when all take the fast path: a short string's
    // reply is at most 5 bytes longer than its entry (tag + back-length: 2; "$NN\r\n" + "\r\n": up
    // to 7) and its entry at most 65 bytes; a small integer's reply ("$3\r\n127\r\n", entry 2
    // bytes) at most 7 longer. Other entries are written by Reply's methods, which reserve their own.
    const k = Math.min(left, qlNodeEntries(a, node));
    r.ensure(Math.min(end - lp, 65 * k) + 7 * k);
    let b = r.buf;
    let o = r.pos;
    let p = lp + pos;
    while (p < end && left > 0) {
      const tag = u8[p];
      if (tag >= TAG_STR6 && tag < TAG_STR6_END) {
        const len = tag & 63;
        o = shortBulkHeader(b, o, len);
        const from = p + 1;
        for (let i = 0; i < len; i++) b[o++] = u8[from + i];
        b[o++] = 13;
        b[o++] = 10;
        p += len + 2; // tag, bytes, one back-length byte (entry size <= 64)
      } else if (tag < TAG_UINT7_END) {
        o = writeDecimal(b, shortBulkHeader(b, o, tag < 10 ? 1 : tag < 100 ? 2 : 3), tag);
        b[o++] = 13;
        b[o++] = 10;
        p += 2;
      } else {
        // Entries written by Reply's own methods, which may grow (replace) its buffer.
        r.pos = o;
        lpRead(a, lp, p - lp, entry);
        if (entry.isInt) r.bulkInteger(entry.value);
        else r.bulk(u8, entry.start, entry.start + entry.length);
        r.ensure(Math.min(end - p, 65 * k) + 7 * k);
        b = r.buf;
        o = r.pos;
        const next = lpNext(a, lp, p - lp);
        p = next === 0 ? end : lp + next;
      }
      left--;
    }
    r.pos = o;
    node = qlNodeNext(a, node);
    pos = LP_HEADER;
  }
}

/** Calls `visit(bytes, start, end)` for each element from head to tail; integers come as text. */
export function forEachElement(a: ShardArena, ql: number, visit: (bytes: Uint8Array, start: number, end: number) => void): void {
  const cur = new QuicklistCursor();
  const e = new ListpackEntry();
  for (let more = qlFirst(a, ql, cur); more; more = qlNext(a, cur)) {
    qlRead(a, cur, e);
    if (e.isInt) {
      const text = Buffer.from(String(e.value), 'latin1');
      visit(text, 0, text.length);
    } else {
      visit(a.u8, e.start, e.start + e.length);
    }
  }
}

/** Node statistics for DEBUG OBJECT (Redis prints ql_nodes, ql_avg_node, ...). */
export function listDebugText(a: ShardArena, ql: number): string {
  const nodes = qlNodeCount(a, ql);
  let bytes = 0;
  for (let node = qlHead(a, ql); node !== 0; node = qlNodeNext(a, node)) bytes += qlNodeBytes(a, node);
  const avg = nodes === 0 ? 0 : qlCount(a, ql) / nodes;
  return ` ql_nodes:${nodes} ql_avg_node:${fixed2(avg)} ql_listpack_max:${qlFill(a, ql)} ql_compressed:0 ql_uncompressed_size:${bytes}`;
}

/**
 * C's "%.2f" for a non-negative double: toFixed(2) rounds an exact tie up, printf to even
 * (4.625 -> "4.62"); anything else rounds the same. toFixed(100) is the exact decimal expansion.
 */
function fixed2(v: number): string {
  const exact = v.toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 3);
  if (rest[0] === '5' && /^50*$/.test(rest) && (exact.charCodeAt(dot + 2) - 48) % 2 === 0) return exact.slice(0, dot + 3);
  return v.toFixed(2);
}

/** Arena bytes of the list besides its key entry; samples nodes (0 = all) as Redis's objectComputeSize. */
export function listMemoryUsage(a: ShardArena, ql: number, samples: number): number {
  const BLOCK_HEADER = 4;
  let total = a.usableSize(ql) + BLOCK_HEADER;
  const nodes = qlNodeCount(a, ql);
  let seen = 0;
  let bytes = 0;
  for (let node = qlHead(a, ql); node !== 0 && (samples === 0 || seen < samples); node = qlNodeNext(a, node)) {
    bytes += a.usableSize(node) + a.usableSize(qlNodeBlock(a, node)) + 2 * BLOCK_HEADER;
    seen++;
  }
  if (seen > 0) total += Math.round((bytes / seen) * nodes);
  return total;
}
