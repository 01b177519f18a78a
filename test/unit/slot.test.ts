import { describe, expect, it } from 'vitest';
import { crc16, keySlot } from '../../src/shard/slot.js';

const slotOf = (key: string): number => {
  const b = Buffer.from(key, 'latin1');
  return keySlot(b, 0, b.length);
};

describe('key slots (Redis Cluster keyHashSlot)', () => {
  it('matches the CRC16/XMODEM check value and slots from the Redis Cluster documentation', () => {
    const check = Buffer.from('123456789');
    expect(crc16(check, 0, check.length)).toBe(0x31c3);
    expect(slotOf('somekey')).toBe(11058);
    expect(slotOf('foo{hash_tag}')).toBe(2515);
    expect(slotOf('hash_tag')).toBe(2515);
  });

  it('hashes only the first non-empty hash tag, else the whole key', () => {
    const whole = (k: string): number => {
      const b = Buffer.from(k, 'latin1');
      return crc16(b, 0, b.length) & 16383;
    };
    expect(slotOf('a{b}c{d}')).toBe(slotOf('b'));
    expect(slotOf('{user1000}.following')).toBe(slotOf('user1000'));
    expect(slotOf('{}x')).toBe(whole('{}x'));
    expect(slotOf('{}{x}')).toBe(whole('{}{x}'));
    expect(slotOf('x{')).toBe(whole('x{'));
    expect(slotOf('x}{y')).toBe(whole('x}{y'));
    expect(slotOf('')).toBe(0);
  });

  it('computes the CRC four bytes at a time exactly as byte by byte, braces anywhere', () => {
    let seed = 11;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const alphabet = [0x7b, 0x7d, 0x61, 0x00, 0xff];
    const bytewise = (b: Uint8Array, off: number, len: number): number => {
      const end = off + len;
      let open = -1;
      for (let i = off; i < end && open < 0; i++) if (b[i] === 0x7b) open = i;
      if (open >= 0) {
        for (let j = open + 1; j < end; j++) {
          if (b[j] === 0x7d) {
            if (j > open + 1) return crc16(b, open + 1, j) & 16383;
            break;
          }
        }
      }
      return crc16(b, off, end) & 16383;
    };
    for (let t = 0; t < 20000; t++) {
      const len = next() % 41;
      const b = new Uint8Array(len + 8);
      for (let i = 0; i < b.length; i++) b[i] = next() % 6 === 0 ? alphabet[next() % alphabet.length] : next() & 255;
      const off = next() % 8;
      expect(keySlot(b, off, len)).toBe(bytewise(b, off, len));
    }
  });

  it('reads the key at its offset inside a larger buffer', () => {
    const b = Buffer.from('..somekey..', 'latin1');
    expect(keySlot(b, 2, 7)).toBe(11058);
    const t = Buffer.from('zzfoo{hash_tag}zz', 'latin1');
    expect(keySlot(t, 2, 13)).toBe(2515);
  });
});
