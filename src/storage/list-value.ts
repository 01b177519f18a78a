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
import { ValueType, valueCloners, valueFreers, valueLazyFreers } from './keyspace.js';
import { ListpackEntry } from './listpack.js';
import {
  QuicklistCursor,
  qlClone,
  qlCount,
  qlFill,
  qlFirst,
  qlFree,
  qlFreeSome,
  qlHead,
  qlNodeBytes,
  qlNodeCount,
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
  scratch.set(a.u8.subarray(entry.start, entry.start + n));
  return n;
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
    bytes += a.usableSize(node) + a.usableSize(qlNodeListpack(a, node)) + 2 * BLOCK_HEADER;
    seen++;
  }
  if (seen > 0) total += Math.round((bytes / seen) * nodes);
  return total;
}
