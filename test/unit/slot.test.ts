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

  it('reads the key at its offset inside a larger buffer', () => {
    const b = Buffer.from('..somekey..', 'latin1');
    expect(keySlot(b, 2, 7)).toBe(11058);
    const t = Buffer.from('zzfoo{hash_tag}zz', 'latin1');
    expect(keySlot(t, 2, 13)).toBe(2515);
  });
});
