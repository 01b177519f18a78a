import { describe, it, expect } from 'vitest';
import { ShardArena } from '../../src/storage/arena.js';
import { Encoding, ValueType, valueFreers, valueCloners } from '../../src/storage/keyspace.js';
import {
  setNewFor,
  setNewIntset,
  setAdd,
  setRemove,
  setHas,
  setSize,
  setForEach,
  setScan,
  setRandomMember,
  setPopRandom,
  randomMember,
  setEncodingOf,
  setFree,
  setClone,
  writeInt64Text,
} from '../../src/storage/set-value.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function add(arena: ShardArena, word: number, member: string, max = 512): [number, boolean] {
  const m = b(member);
  const next = setAdd(arena, word, m, 0, m.length, max);
  return next === 0 ? [word, false] : [next, true];
}

function members(arena: ShardArena, word: number): string[] {
  const out: string[] = [];
  setForEach(arena, word, (buf, off, len) => out.push(Buffer.from(buf.slice(off, off + len)).toString('latin1')));
  return out;
}

describe('set values', () => {
  it('start as an intset for an integer first member and as a hashtable otherwise', () => {
    const a = ShardArena.create(1 << 16);
    expect(setEncodingOf(setNewFor(a, b('12'), 0, 2))).toBe(Encoding.IntSet);
    expect(setEncodingOf(setNewFor(a, b('x'), 0, 1))).toBe(Encoding.HashTable);
    expect(setEncodingOf(setNewFor(a, b('012'), 0, 3))).toBe(Encoding.HashTable);
  });

  it('convert to a hashtable on a non-integer member, keeping every member', () => {
    const a = ShardArena.create(1 << 16);
    let w = setNewIntset(a);
    for (const m of ['3', '-1', '9223372036854775807', '2']) [w] = add(a, w, m);
    expect(members(a, w)).toEqual(['-1', '2', '3', '9223372036854775807']);
    [w] = add(a, w, 'x');
    expect(setEncodingOf(w)).toBe(Encoding.HashTable);
    expect(members(a, w).sort()).toEqual(['-1', '2', '3', '9223372036854775807', 'x']);
    expect(setHas(a, w, b('9223372036854775807'), 0, 19)).toBe(true);
    expect(add(a, w, '3')[1]).toBe(false);
  });

  it('convert to a hashtable past the intset limit', () => {
    const a = ShardArena.create(1 << 16);
    let w = setNewIntset(a);
    for (let i = 0; i < 4; i++) [w] = add(a, w, String(i), 4);
    expect(setEncodingOf(w)).toBe(Encoding.IntSet);
    [w] = add(a, w, '4', 4);
    expect(setEncodingOf(w)).toBe(Encoding.HashTable);
    expect(setSize(a, w)).toBe(5);
  });

  it('remove members of either encoding', () => {
    const a = ShardArena.create(1 << 16);
    let w = setNewIntset(a);
    [w] = add(a, w, '5');
    expect(setRemove(a, w, b('x'), 0, 1)).toBe(false);
    expect(setRemove(a, w, b('5'), 0, 1)).toBe(true);
    expect(setSize(a, w)).toBe(0);
    [w] = add(a, w, 'y');
    expect(setRemove(a, w, b('y'), 0, 1)).toBe(true);
    expect(setSize(a, w)).toBe(0);
  });

  it('scan a hashtable completely through its cursor', () => {
    const a = ShardArena.create(1 << 20);
    let w = setNewFor(a, b('m'), 0, 1);
    const want = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      [w] = add(a, w, `m${i}`);
      want.add(`m${i}`);
    }
    const got = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = setScan(a, w, cursor, 10, (buf, off, len) => got.add(Buffer.from(buf.slice(off, off + len)).toString('latin1')));
      calls++;
    } while (cursor !== 0);
    expect(got).toEqual(want);
    expect(calls).toBeGreaterThan(1);
  });

  it('scan an intset in one step', () => {
    const a = ShardArena.create(1 << 16);
    let w = setNewIntset(a);
    for (const m of ['3', '1', '2']) [w] = add(a, w, m);
    const got: string[] = [];
    expect(setScan(a, w, 77, 1, (buf, off, len) => got.push(Buffer.from(buf.slice(off, off + len)).toString()))).toBe(0);
    expect(got).toEqual(['1', '2', '3']);
  });

  it('pick and pop random members of either encoding', () => {
    const a = ShardArena.create(1 << 16);
    for (const first of ['1', 'x']) {
      let w = setNewFor(a, b(first), 0, 1);
      const all = first === '1' ? ['1', '2', '3', '40000', '-5000000000'] : ['x', 'y', 'z'];
      for (const m of all) [w] = add(a, w, m);
      for (let i = 0; i < 20; i++) {
        setRandomMember(a, w);
        const m = Buffer.from(randomMember.buf.slice(randomMember.off, randomMember.off + randomMember.len)).toString();
        expect(all).toContain(m);
      }
      const popped: string[] = [];
      while (setSize(a, w) > 0) {
        setPopRandom(a, w);
        popped.push(Buffer.from(randomMember.buf.slice(randomMember.off, randomMember.off + randomMember.len)).toString());
      }
      expect(popped.sort()).toEqual([...all].sort());
      setFree(a, w);
    }
  });

  it('clone into another arena and free every block', () => {
    const a = ShardArena.create(1 << 16);
    const other = ShardArena.create(1 << 16);
    const before = a.liveBlocks;
    const otherBefore = other.liveBlocks;
    for (const first of ['1', 'x']) {
      let w = setNewFor(a, b(first), 0, 1);
      for (let i = 0; i < 50; i++) [w] = add(a, w, first === '1' ? String(i * 1000) : `k${i}`);
      const copy = setClone(a, w, other);
      expect(setEncodingOf(copy)).toBe(setEncodingOf(w));
      expect(members(other, copy).sort()).toEqual(members(a, w).sort());
      expect(valueCloners[ValueType.Set]).toBeDefined();
      valueFreers[ValueType.Set]!(a, w);
      setFree(other, copy);
    }
    expect(a.liveBlocks).toBe(before);
    expect(other.liveBlocks).toBe(otherBefore);
  });

  it('write int64 text like ll2string', () => {
    const out = new Uint8Array(24);
    const text = (hi: number, lo: number) => Buffer.from(out.slice(0, writeInt64Text(hi, lo, out))).toString();
    expect(text(0, 0)).toBe('0');
    expect(text(-1, 0xffffffff)).toBe('-1');
    expect(text(0, 4294967295)).toBe('4294967295');
    expect(text(0x7fffffff, 0xffffffff)).toBe('9223372036854775807');
    expect(text(-0x80000000, 0)).toBe('-9223372036854775808');
    expect(text(2097151, 0xffffffff)).toBe('9007199254740991');
  });
});
