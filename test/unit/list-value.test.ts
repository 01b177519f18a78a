import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import { QuicklistCursor, qlFirst, qlNew, qlNext, qlPush, qlSeek } from '../../src/storage/quicklist.js';
import { bulkEntry, replyEntries } from '../../src/storage/list-value.js';
import { Reply } from '../../src/protocol/reply.js';
import { mulberry32 } from './prng.js';

const enc = (s: string) => Buffer.from(s, 'latin1');

const rng = mulberry32;

/** What Reply.bulk would write for each element: the reference encoding. */
function expected(elements: string[]): string {
  const r = new Reply(16);
  for (const s of elements) r.bulk(enc(s));
  return Buffer.from(r.buf.subarray(0, r.pos)).toString('latin1');
}

/** A reply buffer that grows only to exactly what `ensure` asks for, so a short reservation shows. */
class TightReply extends Reply {
  override ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const next = Buffer.alloc(need);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
}

function written(r: Reply): string {
  return Buffer.from(r.buf.subarray(0, r.pos)).toString('latin1');
}

/** Elements of every listpack encoding: small/large ints of each width, strings of 0..63, 64+, 65536+ bytes. */
function element(next: () => number): string {
  const k = Math.floor(next() * 12);
  const n = (bits: number) => Math.floor((next() - 0.5) * 2 ** bits);
  switch (k) {
    case 0:
      return String(Math.floor(next() * 128));
    case 1:
      return String(n(16));
    case 2:
      return String(n(24));
    case 3:
      return String(n(32));
    case 4:
      return String(n(53));
    case 5:
      return ['9007199254740991', '-9007199254740991', '9007199254740992', '-0', '007', '+5', '1e3', ''][Math.floor(next() * 8)];
    case 6:
      return 'x'.repeat(64 + Math.floor(next() * 300));
    case 7:
      return next() < 0.05 ? 'y'.repeat(65536 + Math.floor(next() * 10)) : 'z'.repeat(16000 + Math.floor(next() * 2000));
    default: {
      const len = Math.floor(next() * 64);
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(next() * 256));
      return s;
    }
  }
}

describe('list replies', () => {
  it('Reply.bulkInteger writes what Reply.bulk writes for the decimal text, growing from a 1-byte buffer', () => {
    const values = [0, 1, 9, 10, 99, 100, 127, -1, -9, -10, 32767, -32768, 8388607, -8388608, 2147483647, -2147483648];
    values.push(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 999999999, 1000000000, 1e15, 1e15 - 1);
    const next = rng(7);
    for (let i = 0; i < 2000; i++) values.push(Math.floor((next() - 0.5) * 2 ** (1 + Math.floor(next() * 53))));
    const r = new TightReply(1);
    for (const v of values) r.bulkInteger(v);
    expect(written(r)).toBe(expected(values.map(String)));
  });

  it('replyEntries and bulkEntry match Reply.bulk over random lists and ranges of every encoding', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const next = rng(seed);
      const a = ShardArena.create();
      // Small fills make many nodes, so ranges cross node boundaries.
      const fill = [1, 3, 16, -1, -2][seed % 5];
      const ql = qlNew(a, fill);
      const model: string[] = [];
      const size = 50 + Math.floor(next() * 400);
      for (let i = 0; i < size; i++) {
        const s = element(next);
        const head = next() < 0.5;
        const b = enc(s);
        qlPush(a, ql, head, b, 0, b.length);
        if (head) model.unshift(s);
        else model.push(s);
      }
      const cur = new QuicklistCursor();
      for (let t = 0; t < 60; t++) {
        const start = Math.floor(next() * model.length);
        const n = 1 + Math.floor(next() * (model.length - start));
        qlSeek(a, ql, start, cur);
        const r = new TightReply(1);
        replyEntries(r, a, cur, n);
        expect(written(r)).toBe(expected(model.slice(start, start + n)));
      }
      const r = new TightReply(1);
      for (let more = qlFirst(a, ql, cur); more; more = qlNext(a, cur)) bulkEntry(r, a, cur);
      expect(written(r)).toBe(expected(model));
    }
  });

  it('reserves enough for the longest fast-path replies: nodes of 3-digit small integers and 63-byte strings', () => {
    for (const make of [(i: number) => String(100 + (i % 28)), (i: number) => String(i % 10).repeat(63)]) {
      const a = ShardArena.create();
      const ql = qlNew(a, -2);
      const model: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const b = enc(make(i));
        qlPush(a, ql, false, b, 0, b.length);
        model.push(make(i));
      }
      const cur = new QuicklistCursor();
      for (const [start, n] of [[0, 3000], [1, 2999], [1500, 700], [2999, 1]]) {
        qlSeek(a, ql, start, cur);
        const r = new TightReply(1);
        replyEntries(r, a, cur, n);
        expect(written(r)).toBe(expected(model.slice(start, start + n)));
      }
    }
  });
});
