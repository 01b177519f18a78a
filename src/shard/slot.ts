/**
 * Key -> slot -> logical shard. `slot = CRC16(key) mod 16384` over the hash tag when the key has one
 * (the bytes between the first '{' and the next '}' if non-empty), exactly as Redis Cluster does.
 */
export const SLOT_COUNT = 16384;

/** CRC16-CCITT (XModem), Redis Cluster's key hash. */
const CRC16_TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  CRC16_TABLE[i] = crc;
}

/**
 * Slicing-by-4 tables: CRC_BY[k][x] is the CRC of byte x followed by k zero bytes. The CRC is linear
 * (T[x ^ y] = T[x] ^ T[y]) and only 16 bits wide, so four bytes a b c d fold into a CRC as
 * CRC_BY3[hi ^ a] ^ CRC_BY2[lo ^ b] ^ CRC_BY1[c] ^ T[d]: four independent table reads per four bytes
 * instead of a chain of four dependent ones.
 */
const CRC_BY1 = new Uint16Array(256);
const CRC_BY2 = new Uint16Array(256);
const CRC_BY3 = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  const step = (crc: number): number => ((crc << 8) & 0xffff) ^ CRC16_TABLE[crc >>> 8];
  CRC_BY1[i] = step(CRC16_TABLE[i]);
  CRC_BY2[i] = step(CRC_BY1[i]);
  CRC_BY3[i] = step(CRC_BY2[i]);
}

export function crc16(buf: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >>> 8) ^ buf[i]) & 0xff];
  return crc;
}

const BRACE = 0x7b;

/**
 * Redis Cluster's keyHashSlot. Hot path (every keyed command): no allocation, and a key without '{'
 * (nearly every key) is read once, four bytes per step, the CRC computed while looking for the brace.
 */
export function keySlot(buf: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let crc = 0;
  let i = off;
  for (; i + 4 <= end; i += 4) {
    const a = buf[i];
    const b = buf[i + 1];
    const c = buf[i + 2];
    const d = buf[i + 3];
    if (a === BRACE || b === BRACE || c === BRACE || d === BRACE) {
      const open = a === BRACE ? i : b === BRACE ? i + 1 : c === BRACE ? i + 2 : i + 3;
      return taggedSlot(buf, off, open, end);
    }
    crc = CRC_BY3[(crc >>> 8) ^ a] ^ CRC_BY2[(crc & 0xff) ^ b] ^ CRC_BY1[c] ^ CRC16_TABLE[d];
  }
  for (; i < end; i++) {
    const c = buf[i];
    if (c === BRACE) return taggedSlot(buf, off, i, end);
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >>> 8) ^ c) & 0xff];
  }
  return crc & (SLOT_COUNT - 1);
}

/** The slot of a key whose first '{' is at `open`: its hash tag's, or the whole key's without one. */
function taggedSlot(buf: Uint8Array, off: number, open: number, end: number): number {
  for (let j = open + 1; j < end; j++) {
    if (buf[j] === 0x7d) {
      if (j > open + 1) return crc16(buf, open + 1, j) & (SLOT_COUNT - 1);
      break;
    }
  }
  return crc16(buf, off, end) & (SLOT_COUNT - 1);
}

/** The fixed slot -> logical shard table: contiguous slot ranges per shard, as a cluster node owns. */
export function slotTable(shards: number): Uint16Array {
  const table = new Uint16Array(SLOT_COUNT);
  for (let s = 0; s < SLOT_COUNT; s++) table[s] = Math.floor((s * shards) / SLOT_COUNT);
  return table;
}
