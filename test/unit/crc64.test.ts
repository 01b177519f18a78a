import { describe, it, expect } from 'vitest';
import { crc64, crc64Native, crc64Ts } from '../../src/persistence/crc64.js';
import { loadNative } from '../../src/native/loader.js';

/** Bit-at-a-time CRC-64/Jones straight from its definition (reflected, poly 0xad93d23594c935a9). */
function crc64Reference(data: Uint8Array): bigint {
  const reflected = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (const b of data) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ reflected : crc >> 1n;
  }
  return crc;
}

function random(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out[i] = seed >>> 24;
  }
  return out;
}

describe('crc64', () => {
  it("gives Redis's check value crc64(0, '123456789') = 0xe9c6d914c4b8d9ca in TypeScript and natively", () => {
    const data = Buffer.from('123456789');
    expect(crc64Ts(0n, data)).toBe(0xe9c6d914c4b8d9can);
    expect(crc64(0n, data)).toBe(0xe9c6d914c4b8d9can);
    const native = crc64Native(0n, data);
    if (loadNative()?.crc64 !== undefined) expect(native).toBe(0xe9c6d914c4b8d9can);
    else console.warn('crc64 native comparison SKIPPED: the addon is not built');
  });

  it('is 0 for no bytes and continues across split inputs', () => {
    expect(crc64Ts(0n, new Uint8Array(0))).toBe(0n);
    const data = random(7, 1000);
    const whole = crc64Ts(0n, data);
    expect(crc64Ts(crc64Ts(0n, data, 0, 333), data, 333, 1000)).toBe(whole);
    expect(crc64(crc64(0n, data.subarray(0, 501)), data.subarray(501))).toBe(whole);
  });

  it('agrees with the bit-at-a-time definition and with the addon on random inputs', () => {
    const haveNative = loadNative()?.crc64 !== undefined;
    for (let round = 0; round < 300; round++) {
      const data = random(round + 1, (round * 37) % 2000);
      const expected = round < 60 ? crc64Reference(data) : crc64Ts(0n, data);
      expect(crc64Ts(0n, data)).toBe(expected);
      if (haveNative) {
        expect(crc64Native(0n, data)).toBe(expected);
        const start = round % 17;
        expect(crc64Native(5n, data, Math.min(start, data.length), data.length)).toBe(crc64Ts(5n, data, Math.min(start, data.length), data.length));
      }
    }
  });
});
