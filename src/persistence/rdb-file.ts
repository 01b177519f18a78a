/**
 * RDB files (Redis 7.0 rdb.c rdbSaveRio, rdbLoadRioWithLoadingCtx): what SAVE writes to
 * `dir`/`dbfilename` and what the server loads at startup and on DEBUG RELOAD.
 *
 *   "REDIS0010"
 *   AUX fields (0xFA key value): redis-ver, redis-bits, ctime, used-mem, aof-base
 *   FUNCTION2 (0xF5) library code, per library
 *   per non-empty database: SELECTDB (0xFE) db, RESIZEDB (0xFB) keys, keys with an expiry; then per
 *     key: [EXPIRETIME_MS (0xFC) i64 LE ms] [IDLE (0xF8) seconds, under an LRU policy]
 *     [FREQ (0xF9) u8, under an LFU policy], the RDB type, the key as an RDB string, the value
 *     (rdb-value-write.ts)
 *   EOF (0xFF), then the CRC-64 of everything before, 8 bytes little-endian
 *
 * Reading takes any version up to 10, the older EXPIRETIME (seconds) opcode, and a zero checksum
 * (rdbchecksum no); values are validated as RESTORE validates them (rdb-value-read.ts). Module
 * values and module AUX fields are refused.
 */
import { crc64 } from './crc64.js';
import { RdbReader, RdbWriter } from './rdb-string.js';
import { RDB_VERSION } from './dump-payload.js';
import { readValueOfType, type RdbValue } from './rdb-value-read.js';

/** RDB file opcodes (rdb.h RDB_OPCODE_*): persisted values, never renumbered. */
export const enum RdbOpcode {
  Function2 = 245,
  FunctionPreGa = 246,
  ModuleAux = 247,
  Idle = 248,
  Freq = 249,
  Aux = 250,
  ResizeDb = 251,
  ExpireTimeMs = 252,
  ExpireTime = 253,
  SelectDb = 254,
  Eof = 255,
}

const MAGIC = 'REDIS';

/** Builds an RDB file in memory. */
export class RdbFileWriter {
  readonly out = new RdbWriter();

  constructor(readonly compress: boolean) {
    const header = `${MAGIC}${String(RDB_VERSION).padStart(4, '0')}`;
    for (let i = 0; i < header.length; i++) this.out.byte(header.charCodeAt(i));
  }

  /** rdbSaveAuxField (rdbSaveAuxFieldStrInt for numbers: the decimal text, integer-encoded when it fits). */
  aux(key: string, value: string | number | bigint): void {
    this.out.byte(RdbOpcode.Aux);
    this.out.string(Buffer.from(key, 'latin1'), this.compress);
    this.out.string(Buffer.from(String(value), 'latin1'), this.compress);
  }

  functionLibrary(code: Uint8Array): void {
    this.out.byte(RdbOpcode.Function2);
    this.out.string(code, this.compress);
  }

  selectDb(db: number, keys: number, expires: number): void {
    this.out.byte(RdbOpcode.SelectDb);
    this.out.len(db);
    this.out.byte(RdbOpcode.ResizeDb);
    this.out.len(keys);
    this.out.len(expires);
  }

  /** The opcodes before a key: expiry (ms since the epoch, 0 = none), idle seconds or LFU counter (-1 = none). */
  keyPrefix(expireMs: number, idleSeconds: number, freq: number): void {
    if (expireMs !== 0) {
      this.out.byte(RdbOpcode.ExpireTimeMs);
      this.out.millis(expireMs);
    }
    if (idleSeconds >= 0) {
      this.out.byte(RdbOpcode.Idle);
      this.out.len(idleSeconds);
    }
    if (freq >= 0) {
      this.out.byte(RdbOpcode.Freq);
      this.out.byte(freq);
    }
  }

  /** EOF and the checksum; the whole file. */
  finish(): Uint8Array {
    this.out.byte(RdbOpcode.Eof);
    const crc = crc64(0n, this.out.view());
    for (let shift = 0n; shift < 64n; shift += 8n) this.out.byte(Number((crc >> shift) & 0xffn));
    return this.out.view();
  }
}

/** What a loader is told, in file order. */
export interface RdbFileSink {
  aux(key: Uint8Array, value: Uint8Array): void;
  functionLibrary(code: Uint8Array): string | null;
  /** A key of database `db`; expireMs 0 = none, idleSeconds / freq -1 = none. Returns an error text or null. */
  key(db: number, key: Uint8Array, value: RdbValue, expireMs: number, idleSeconds: number, freq: number): string | null;
}

/** Parses a whole RDB file into `sink`; returns null, or what is wrong with the file. */
export function readRdbFile(file: Uint8Array, sink: RdbFileSink): string | null {
  if (file.length < 9 || Buffer.from(file.subarray(0, 5)).toString('latin1') !== MAGIC) return 'Wrong signature trying to load DB from file';
  const versionText = Buffer.from(file.subarray(5, 9)).toString('latin1');
  const version = /^\d{4}$/.test(versionText) ? Number(versionText) : -1;
  if (version < 1 || version > RDB_VERSION) return `Can't handle RDB format version ${versionText}`;
  const r = new RdbReader(file, 9, file.length);
  let db = 0;
  let expireMs = 0;
  let idle = -1;
  let freq = -1;
  for (;;) {
    const type = r.byte();
    if (type === null) return 'Unexpected EOF reading RDB file';
    switch (type) {
      case RdbOpcode.Eof: {
        if (version >= 5) {
          if (r.pos + 8 > file.length) return 'Unexpected EOF reading RDB file';
          let stored = 0n;
          for (let k = 7; k >= 0; k--) stored = (stored << 8n) | BigInt(file[r.pos + k]);
          if (stored !== 0n && stored !== crc64(0n, file, 0, r.pos)) return 'Wrong RDB checksum';
        }
        return null;
      }
      case RdbOpcode.SelectDb: {
        const n = r.len();
        if (n === null) return 'Unexpected EOF reading RDB file';
        db = n;
        continue;
      }
      case RdbOpcode.ResizeDb:
        if (r.len() === null || r.len() === null) return 'Unexpected EOF reading RDB file';
        continue;
      case RdbOpcode.ExpireTimeMs: {
        const ms = r.millis();
        if (ms === null) return 'Unexpected EOF reading RDB file';
        expireMs = Number(ms);
        continue;
      }
      case RdbOpcode.ExpireTime: {
        const s = r.raw(4);
        if (s === null) return 'Unexpected EOF reading RDB file';
        expireMs = Buffer.from(s).readInt32LE(0) * 1000;
        continue;
      }
      case RdbOpcode.Idle: {
        const n = r.len();
        if (n === null) return 'Unexpected EOF reading RDB file';
        idle = n;
        continue;
      }
      case RdbOpcode.Freq: {
        const n = r.byte();
        if (n === null) return 'Unexpected EOF reading RDB file';
        freq = n;
        continue;
      }
      case RdbOpcode.Aux: {
        const key = r.string();
        const value = key === null ? null : r.string();
        if (key === null || value === null) return 'Unexpected EOF reading RDB file';
        sink.aux(key, value);
        continue;
      }
      case RdbOpcode.Function2: {
        const code = r.string();
        if (code === null) return 'Unexpected EOF reading RDB file';
        const error = sink.functionLibrary(code);
        if (error !== null) return `Failed loading library: ${error}`;
        continue;
      }
      case RdbOpcode.FunctionPreGa:
        return 'Pre-release function format not supported';
      case RdbOpcode.ModuleAux:
        return 'Module AUX data is not supported';
      default: {
        const key = r.string();
        if (key === null) return 'Unexpected EOF reading RDB file';
        let value: RdbValue | null;
        try {
          value = readValueOfType(r, type);
        } catch (err) {
          if (!(err instanceof RangeError)) throw err;
          value = null;
        }
        if (value === null) return `Bad data format (RDB type ${type})`;
        const error = sink.key(db, key, value, expireMs, idle, freq);
        if (error !== null) return error;
        expireMs = 0;
        idle = -1;
        freq = -1;
      }
    }
  }
}
