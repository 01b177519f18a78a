import { describe, it, expect } from 'vitest';
import { ShardArena, CLASS_SIZE, classOf } from '../../src/storage/arena.js';
import {
  ListpackEntry,
  lpAppend,
  lpAppendInt,
  lpBytes,
  lpClone,
  lpCount,
  lpDelete,
  lpDeleteRange,
  lpEntryBytes,
  lpEntryEquals,
  lpFind,
  lpFirst,
  lpFree,
  lpInsert,
  lpInt,
  lpIsInt,
  lpLast,
  lpNew,
  lpNext,
  lpPrepend,
  lpPrev,
  lpRead,
  lpReplace,
  lpReplaceInt,
  lpSeek,
  lpValidInt,
} from '../../src/storage/listpack.js';

const enc = new TextEncoder();
const dec = new TextDecoder('latin1');
const b = (s: string) => enc.encode(s);

function contents(a: ShardArena, lp: number): string[] {
  const out: string[] = [];
  for (let p = lpFirst(a, lp); p !== 0; p = lpNext(a, lp, p)) out.push(dec.decode(lpEntryBytes(a, lp, p)));
  return out;
}

function contentsBackward(a: ShardArena, lp: number): string[] {
  const out: string[] = [];
  for (let p = lpLast(a, lp); p !== 0; p = lpPrev(a, lp, p)) out.push(dec.decode(lpEntryBytes(a, lp, p)));
  return out.reverse();
}

function randomValue(): string {
  const r = Math.random();
  if (r < 0.15) return String(Math.floor(Math.random() * 128));
  if (r < 0.3) return String(Math.floor(Math.random() * 2 ** 40) - 2 ** 39);
  if (r < 0.35) return String(Math.floor(Math.random() * 2 ** 53));
  if (r < 0.4) return '0' + Math.floor(Math.random() * 100); // leading zero: stays a string
  if (r < 0.45) return '9223372036854775807';
  if (r < 0.5) return 'x'.repeat(Math.floor(Math.random() * 300));
  if (r < 0.52) return 'y'.repeat(70000);
  return Math.random().toString(36).slice(2, 2 + Math.floor(Math.random() * 12));
}

describe('listpack', () => {
  it('stores canonical integers as integers and everything else as exact bytes', () => {
    expect(lpValidInt(b('123'), 0, 3)).toBe(123);
    expect(lpValidInt(b('-5'), 0, 2)).toBe(-5);
    for (const s of ['', '-', '-0', '007', '+1', '1a', '9007199254740993', ' 1']) expect(lpValidInt(b(s), 0, s.length)).toBeNaN();
    const a = ShardArena.create();
    let lp = lpNew(a);
    const values = ['0', '127', '128', '-1', '-32768', '32768', '-8388609', '2147483648', '-9007199254740991', '9007199254740991', '007', '-0', 'abc', ''];
    for (const v of values) lp = lpAppend(a, lp, b(v), 0, v.length);
    expect(contents(a, lp)).toEqual(values);
    expect(lpIsInt(a, lp, lpSeek(a, lp, 0))).toBe(true);
    expect(lpInt(a, lp, lpSeek(a, lp, 9))).toBe(9007199254740991);
    expect(lpInt(a, lp, lpSeek(a, lp, 8))).toBe(-9007199254740991);
    expect(lpIsInt(a, lp, lpSeek(a, lp, 10))).toBe(false);
    const out = lpRead(a, lp, lpSeek(a, lp, 12), new ListpackEntry());
    expect(out.isInt).toBe(false);
    expect(dec.decode(a.u8.subarray(out.start, out.start + out.length))).toBe('abc');
    lp = lpAppendInt(a, lp, -42);
    expect(contents(a, lp).at(-1)).toBe('-42');
  });

  it('matches an array model under random inserts, replaces and deletes', () => {
    const a = ShardArena.create();
    let lp = lpNew(a);
    const model: string[] = [];
    for (let step = 0; step < 3000; step++) {
      const op = Math.random();
      if (op < 0.35 || model.length === 0) {
        const v = randomValue();
        const i = Math.floor(Math.random() * (model.length + 1));
        const pos = i === model.length ? lpBytes(a, lp) : lpSeek(a, lp, i);
        lp = lpInsert(a, lp, pos, b(v), 0, v.length);
        model.splice(i, 0, v);
        expect(lpEntryEquals(a, lp, pos, b(v), 0, v.length)).toBe(true);
      } else if (op < 0.45) {
        const v = randomValue();
        lp = lpPrepend(a, lp, b(v), 0, v.length);
        model.unshift(v);
      } else if (op < 0.65) {
        const i = Math.floor(Math.random() * model.length);
        const v = randomValue();
        lp = lpReplace(a, lp, lpSeek(a, lp, i), b(v), 0, v.length);
        model[i] = v;
      } else if (op < 0.7) {
        const i = Math.floor(Math.random() * model.length);
        const n = Math.floor(Math.random() * 2 ** 50) - 2 ** 49;
        lp = lpReplaceInt(a, lp, lpSeek(a, lp, i), n);
        model[i] = String(n);
      } else if (op < 0.9) {
        const i = Math.floor(Math.random() * model.length);
        lp = lpDelete(a, lp, lpSeek(a, lp, -(model.length - i)));
        model.splice(i, 1);
      } else {
        const i = Math.floor(Math.random() * model.length);
        const n = Math.floor(Math.random() * 4);
        lp = lpDeleteRange(a, lp, lpSeek(a, lp, i), n);
        model.splice(i, n);
      }
      expect(lpCount(a, lp)).toBe(model.length);
      if (step % 50 === 0 || step > 2950) {
        expect(contents(a, lp)).toEqual(model);
        expect(contentsBackward(a, lp)).toEqual(model);
      }
    }
    const copy = lpClone(a, lp, a);
    expect(contents(a, copy)).toEqual(model);
    const other = ShardArena.create();
    expect(contents(other, lpClone(a, lp, other))).toEqual(model);
    lpFree(a, copy);
  });

  it('grows to the smallest size class that holds it when built one entry at a time', () => {
    // As Redis's lpInsert reallocates to the exact size: no headroom left in a finished listpack.
    const a = ShardArena.create();
    for (const [count, item] of [[100, 'member:00042'], [20, 'v:000123:7xxxxxx'], [300, 'x'.repeat(70)]] as const) {
      let lp = lpNew(a);
      for (let i = 0; i < count; i++) {
        lp = lpAppend(a, lp, b(item), 0, item.length);
        lp = lpAppendInt(a, lp, i * 7 + 1000);
      }
      expect(lpCount(a, lp)).toBe(2 * count);
      expect(a.usableSize(lp) + 4).toBe(CLASS_SIZE[classOf(lpBytes(a, lp) + 4)]);
      lpFree(a, lp);
    }
  });

  it('finds byte strings, skipping values in field/value listpacks', () => {
    const a = ShardArena.create();
    let lp = lpNew(a);
    const pairs = ['f1', '1', '1', 'v', 'name', 'name', '100', 'x'];
    for (const v of pairs) lp = lpAppend(a, lp, b(v), 0, v.length);
    expect(lpFind(a, lp, 0, b('1'), 0, 1, 1)).toBe(lpSeek(a, lp, 2));
    expect(lpFind(a, lp, 0, b('name'), 0, 4, 1)).toBe(lpSeek(a, lp, 4));
    expect(lpFind(a, lp, 0, b('100'), 0, 3, 1)).toBe(lpSeek(a, lp, 6));
    expect(lpFind(a, lp, 0, b('v'), 0, 1, 1)).toBe(0);
    expect(lpFind(a, lp, 0, b('v'), 0, 1, 0)).toBe(lpSeek(a, lp, 3));
    expect(lpFind(a, lp, lpSeek(a, lp, 3), b('name'), 0, 4, 0)).toBe(lpSeek(a, lp, 4));
    expect(lpFind(a, lp, 0, b('01'), 0, 2, 0)).toBe(0);
    expect(lpSeek(a, lp, 8)).toBe(0);
    expect(lpSeek(a, lp, -9)).toBe(0);
    expect(lpLast(a, lpNew(a))).toBe(0);
    expect(lpFirst(a, lpNew(a))).toBe(0);
  });
});
