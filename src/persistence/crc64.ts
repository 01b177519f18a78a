/**
 * Redis's CRC-64 (crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected, initial value 0, no
 * final xor; crc64(0n, "123456789") = 0xe9c6d914c4b8d9can. It guards DUMP and FUNCTION DUMP
 * payloads and RDB files, stored little-endian in their last 8 bytes.
 *
 * The TypeScript twin of native/src/crc64.rs: the CRC is kept as two 32-bit halves so the loop
 * never touches a BigInt. `crc64` uses the addon when it is loaded.
 */
import { loadNative } from '../native/loader.js';

/** The Jones polynomial bit-reversed, as halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let b = 0; b < 256; b++) {
  let hi = 0;
  let lo = b;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi >>>= 1;
    if (carry !== 0) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[b] = hi;
  TABLE_LO[b] = lo;
}

/** crc64 in TypeScript: advances `crc` over data[start, end). */
export function crc64Ts(crc: bigint, data: Uint8Array, start = 0, end = data.length): bigint {
  let hi = Number((crc >> 32n) & 0xffffffffn);
  let lo = Number(crc & 0xffffffffn);
  // hot loop: no allocation
  for (let i = start; i < end; i++) {
    const index = (lo ^ data[i]) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[index]) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

const state = new Uint8Array(8);
const stateView = new DataView(state.buffer);

/** crc64 through the addon (null without it). */
export function crc64Native(crc: bigint, data: Uint8Array, start = 0, end = data.length): bigint | null {
  const addon = loadNative();
  if (addon === null || typeof addon.crc64 !== 'function') return null;
  stateView.setBigUint64(0, crc, true);
  addon.crc64(state, data, start, end);
  return stateView.getBigUint64(0, true);
}

/** Redis's crc64(crc, data): the addon when loaded, else the TypeScript twin. */
export function crc64(crc: bigint, data: Uint8Array, start = 0, end = data.length): bigint {
  return crc64Native(crc, data, start, end) ?? crc64Ts(crc, data, start, end);
}
