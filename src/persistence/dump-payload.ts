/**
 * The DUMP payload envelope (Redis 7.0 cluster.c createDumpPayload, verifyDumpPayload), shared by
 * DUMP/RESTORE and FUNCTION DUMP/FUNCTION RESTORE:
 *
 *   the serialized value (an RDB type byte and value, or function opcodes)
 *   then the RDB version, 2 bytes little-endian (10 for Redis 7.0)
 *   then the CRC-64 of everything before it, 8 bytes little-endian
 *
 * A payload with a higher RDB version or a wrong CRC is refused as a whole.
 */
import { crc64 } from './crc64.js';
import type { RdbWriter } from './rdb-string.js';

/** The RDB version Redis 7.0 writes: a persisted value. */
export const RDB_VERSION = 10;

/** Appends the version and CRC-64 footer to `out` and returns a copy of the whole payload. */
export function finishDumpPayload(out: RdbWriter): Uint8Array {
  out.byte(RDB_VERSION & 0xff);
  out.byte(RDB_VERSION >> 8);
  const crc = crc64(0n, out.view());
  for (let shift = 0n; shift < 64n; shift += 8n) out.byte(Number((crc >> shift) & 0xffn));
  return out.view().slice();
}

/** verifyDumpPayload: at least the footer, a version Redis 7.0 reads, and a matching CRC. */
export function verifyDumpPayload(payload: Uint8Array): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  if (version > RDB_VERSION) return false;
  let stored = 0n;
  for (let k = 7; k >= 0; k--) stored = (stored << 8n) | BigInt(payload[footer + 2 + k]);
  return crc64(0n, payload, 0, payload.length - 8) === stored;
}
