/**
 * The stream's ordered id structure (storage/stream-value.ts): 128-bit ids kept exact, entries in
 * packed nodes ordered by id, walked forwards and backwards over ranges, deleted, trimmed and
 * cloned, checked against a plain sorted model.
 */
import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import { lpNext, lpRead, ListpackEntry } from '../../src/storage/listpack.js';
import {
  R_FIRST,
  R_LAST,
  STREAM_ID_MAX,
  STREAM_ID_ZERO,
  STREAM_NODE_MAX_ENTRIES,
  StreamId,
  StreamIterator,
  TrimStrategy,
  idCmp,
  idDecr,
  idFromBig,
  idIncr,
  idText,
  streamAppend,
  streamClone,
  streamDeleteId,
  streamFree,
  streamId,
  streamLength,
  streamNew,
  streamNodeCount,
  streamTrim,
} from '../../src/storage/stream-value.js';

function id(ms: bigint | number, seq: bigint | number): StreamId {
  const out = new StreamId();
  idFromBig(out, BigInt(ms), BigInt(seq));
  return out;
}

function append(a: ShardArena, s: number, ms: bigint | number, seq: bigint | number, ...fv: string[]): void {
  const parts = fv.map((x) => Buffer.from(x, 'latin1'));
  const buf = new Uint8Array(Buffer.concat(parts));
  const offs: number[] = [];
  let o = 0;
  for (const p of parts) {
    offs.push(o);
    o += p.length;
  }
  streamAppend(a, s, id(ms, seq), buf, (i) => offs[i], (i) => parts[i].length, 0, fv.length / 2);
}

function walk(a: ShardArena, s: number, start: StreamId, end: StreamId, rev: boolean): string[] {
  const out: string[] = [];
  const it = new StreamIterator().begin(a, s, start, end, rev);
  const e = new ListpackEntry();
  while (it.next()) {
    const fields: string[] = [];
    let p = it.fieldsPos;
    for (let i = 0; i < 2 * it.pairs; i++) {
      lpRead(a, it.lp, p, e);
      fields.push(e.isInt ? String(e.value) : Buffer.from(a.u8.subarray(e.start, e.start + e.length)).toString('latin1'));
      p = lpNext(a, it.lp, p);
    }
    out.push(`${idText(it.id)}:${fields.join(',')}`);
  }
  return out;
}

describe('stream ids', () => {
  it('print and order 64-bit halves exactly', () => {
    expect(idText(id(18446744073709551615n, 18446744073709551615n))).toBe('18446744073709551615-18446744073709551615');
    expect(idText(id(9007199254740993n, 1))).toBe('9007199254740993-1');
    expect(idCmp(id(1n << 32n, 0), id(0xffffffff, 0xffffffff))).toBe(1);
    expect(idCmp(id(5, 1n << 40n), id(5, 1n << 40n))).toBe(0);
  });

  it('increment and decrement carry across words and stop at the ends', () => {
    const x = id(1, 0xffffffff);
    idIncr(x);
    expect(idText(x)).toBe('1-4294967296');
    const y = id(1, 18446744073709551615n);
    idIncr(y);
    expect(idText(y)).toBe('2-0');
    idDecr(y);
    expect(idText(y)).toBe('1-18446744073709551615');
    const max = id(18446744073709551615n, 18446744073709551615n);
    expect(idIncr(max)).toBe(false);
    const zero = id(0, 0);
    expect(idDecr(zero)).toBe(false);
  });
});

describe('stream entries in packed nodes', () => {
  it('walks ranges forwards and backwards across nodes like a sorted model', () => {
    const a = ShardArena.create();
    const s = streamNew(a);
    const model: Array<[StreamId, string]> = [];
    for (let i = 1; i <= 350; i++) {
      const ms = BigInt(i) * 3n + (i > 300 ? 1n << 60n : 0n);
      append(a, s, ms, i % 3, 'f', `v${i}`);
      model.push([id(ms, i % 3), `${ms}-${i % 3}:f,v${i}`]);
    }
    expect(streamLength(a, s)).toBe(350);
    expect(streamNodeCount(a, s)).toBe(Math.ceil(350 / STREAM_NODE_MAX_ENTRIES));
    const ranges: Array<[StreamId, StreamId]> = [
      [STREAM_ID_ZERO, STREAM_ID_MAX],
      [id(30, 0), id(303, 2)],
      [id(301, 0), id(301, 0)],
      [id(1n << 60n, 0), STREAM_ID_MAX],
      [id(500, 0), id(400, 0)],
    ];
    for (const [lo, hi] of ranges) {
      const want = model.filter(([k]) => idCmp(k, lo) >= 0 && idCmp(k, hi) <= 0).map(([, v]) => v);
      expect(walk(a, s, lo, hi, false)).toEqual(want);
      expect(walk(a, s, lo, hi, true)).toEqual([...want].reverse());
    }
  });

  it('deletes entries, drops empty nodes and keeps walking', () => {
    const a = ShardArena.create();
    const s = streamNew(a);
    for (let i = 1; i <= 250; i++) append(a, s, i, 0, 'n', String(i));
    for (let i = 101; i <= 200; i++) expect(streamDeleteId(a, s, id(i, 0))).toBe(true);
    expect(streamDeleteId(a, s, id(150, 0))).toBe(false);
    expect(streamLength(a, s)).toBe(150);
    expect(streamNodeCount(a, s)).toBe(2);
    const all = walk(a, s, STREAM_ID_ZERO, STREAM_ID_MAX, false);
    expect(all.length).toBe(150);
    expect(all[99]).toBe('100-0:n,100');
    expect(all[100]).toBe('201-0:n,201');
    expect(walk(a, s, id(99, 0), id(202, 0), true)).toEqual(['202-0:n,202', '201-0:n,201', '100-0:n,100', '99-0:n,99']);
  });

  it('removes entries while iterating, across node boundaries', () => {
    const a = ShardArena.create();
    const s = streamNew(a);
    for (let i = 1; i <= 230; i++) append(a, s, i, 1, 'x', 'y');
    const it = new StreamIterator().begin(a, s, STREAM_ID_ZERO, STREAM_ID_MAX, false);
    let seen = 0;
    while (it.next()) {
      seen++;
      if (seen % 2 === 1 || seen <= 100) it.removeCurrent();
    }
    expect(seen).toBe(230);
    expect(streamLength(a, s)).toBe(65);
    expect(walk(a, s, STREAM_ID_ZERO, STREAM_ID_MAX, false)[0]).toBe('102-1:x,y');
  });

  it('trims by MAXLEN and MINID exactly or by whole nodes', () => {
    const a = ShardArena.create();
    const s = streamNew(a);
    for (let i = 1; i <= 250; i++) append(a, s, i, 0, 'k', 'v');
    expect(streamTrim(a, s, TrimStrategy.MaxLen, 180, STREAM_ID_ZERO, true, 0)).toBe(0);
    expect(streamTrim(a, s, TrimStrategy.MaxLen, 140, STREAM_ID_ZERO, true, 0)).toBe(100);
    expect(streamTrim(a, s, TrimStrategy.MinId, 0, id(160, 0), false, 0)).toBe(59);
    expect(streamLength(a, s)).toBe(91);
    const first = new StreamId();
    streamId(a, s, R_FIRST, first);
    expect(idText(first)).toBe('160-0');
    expect(streamTrim(a, s, TrimStrategy.MaxLen, 3, STREAM_ID_ZERO, false, 0)).toBe(88);
    expect(walk(a, s, STREAM_ID_ZERO, STREAM_ID_MAX, false)).toEqual(['248-0:k,v', '249-0:k,v', '250-0:k,v']);
    const last = new StreamId();
    streamId(a, s, R_LAST, last);
    expect(idText(last)).toBe('250-0');
  });

  it('clones into another arena and frees every block', () => {
    const a = ShardArena.create();
    const b = ShardArena.create();
    const before = a.liveBlocks;
    const s = streamNew(a);
    for (let i = 1; i <= 120; i++) append(a, s, i, 7, 'field', 'x'.repeat(i));
    streamDeleteId(a, s, id(5, 7));
    const c = streamClone(a, s, b);
    expect(walk(b, c, STREAM_ID_ZERO, STREAM_ID_MAX, false)).toEqual(walk(a, s, STREAM_ID_ZERO, STREAM_ID_MAX, false));
    expect(streamLength(b, c)).toBe(119);
    streamFree(a, s);
    expect(a.liveBlocks).toBe(before);
  });
});
