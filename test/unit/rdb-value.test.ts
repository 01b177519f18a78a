import { describe, it, expect } from 'vitest';
import { RdbType, QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN } from '../../src/persistence/rdb-types.js';
import { RedisListpackBuilder, parseIntset, parseRedisListpack, parseZiplist, parseZipmap } from '../../src/persistence/rdb-blobs.js';
import { readRdbValue } from '../../src/persistence/rdb-value-read.js';
import { d2string } from '../../src/persistence/rdb-value-write.js';
import { RdbWriter } from '../../src/persistence/rdb-string.js';
import { finishDumpPayload, verifyDumpPayload } from '../../src/persistence/dump-payload.js';
import { RdbFileWriter, RdbOpcode, readRdbFile } from '../../src/persistence/rdb-file.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function listpackOf(items: string[]): Uint8Array {
  const b = new RedisListpackBuilder();
  for (const s of items) {
    const bytes = Buffer.from(s, 'latin1');
    b.appendString(bytes, 0, bytes.length);
  }
  return b.finish().slice();
}

describe('RDB value types', () => {
  it('keep the numbers Redis 7.0 gives them', () => {
    expect([RdbType.String, RdbType.List, RdbType.Set, RdbType.ZSet, RdbType.Hash, RdbType.ZSet2]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([RdbType.Module, RdbType.Module2, RdbType.HashZipmap, RdbType.ListZiplist, RdbType.SetIntset]).toEqual([6, 7, 9, 10, 11]);
    expect([RdbType.ZSetZiplist, RdbType.HashZiplist, RdbType.ListQuicklist, RdbType.StreamListpacks]).toEqual([12, 13, 14, 15]);
    expect([RdbType.HashListpack, RdbType.ZSetListpack, RdbType.ListQuicklist2, RdbType.StreamListpacks2]).toEqual([16, 17, 18, 19]);
    expect([QUICKLIST_NODE_PLAIN, QUICKLIST_NODE_PACKED]).toEqual([1, 2]);
  });
});

describe('Redis listpack', () => {
  it('encodes entries as lpAppend does (bytes of redis-server 7.0.15 for RPUSH l a 1 300 -5 hello12)', () => {
    // DUMP l of redis-server 7.0.15, the node's listpack: 6-byte header, entries with back-lengths, 0xFF.
    expect(Buffer.from(listpackOf(['a', '1', '300', '-5', 'hello12']))).toEqual(hex('1b000000 0500 8161 02 01 01 c12c 02 dffb 02 8768656c6c6f3132 08 ff'));
  });

  it('picks the smallest integer width and keeps non-canonical numbers as strings', () => {
    const items = ['0', '127', '128', '-1', '4095', '-4096', '4096', '32767', '-32768', '32768', '8388607', '-8388608', '8388608', '2147483647', '-2147483648', '2147483648', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '007', '+1', '-0', '', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(4096)];
    const lp = listpackOf(items);
    expect(parseRedisListpack(lp)!.map(text)).toEqual(items);
  });

  it('writes the count as 65535 past 65534 entries, and still reads them', () => {
    const items = Array.from({ length: 70000 }, (_, i) => `e${i}`);
    const lp = listpackOf(items);
    expect(lp[4] | (lp[5] << 8)).toBe(65535);
    expect(parseRedisListpack(lp)!.length).toBe(70000);
  });

  it('refuses a wrong total, count, terminator, back-length or truncated entry', () => {
    const lp = listpackOf(['a', '300', 'hello']);
    expect(parseRedisListpack(lp)).not.toBeNull();
    const bad = (edit: (b: Uint8Array) => Uint8Array) => parseRedisListpack(edit(lp.slice()));
    expect(bad((b) => ((b[0] += 1), b))).toBeNull();
    expect(bad((b) => ((b[4] = 7), b))).toBeNull();
    expect(bad((b) => ((b[b.length - 1] = 0), b))).toBeNull();
    expect(bad((b) => ((b[8] = 9), b))).toBeNull(); // the first entry's back-length
    expect(bad((b) => ((b[6] = 0x8f), b))).toBeNull(); // a string longer than the listpack
    expect(bad((b) => ((b[6] = 0xf7), b))).toBeNull(); // no such encoding
    expect(parseRedisListpack(new Uint8Array(3))).toBeNull();
  });
});

describe('older blobs', () => {
  it('reads a ziplist with every entry encoding and checks its prev-lengths and tail', () => {
    // zlbytes, zltail, zllen; entries: "ab", 5 (immediate), -100 (int8), 1000 (int16), 70000 (int32), 1<<40 (int64), 100000 (int24)
    const entries = [
      hex('00 02 6162'),
      hex('04 f6'),
      hex('02 fe 9c'),
      hex('03 c0 e803'),
      hex('04 d0 70110100'),
      hex('06 e0 0000000000010000'),
      hex('0a f0 a08601'),
    ];
    const body = Buffer.concat(entries);
    const header = Buffer.alloc(10);
    header.writeUInt32LE(10 + body.length + 1, 0);
    header.writeUInt32LE(10 + body.length - entries[entries.length - 1].length, 4);
    header.writeUInt16LE(entries.length, 8);
    const zl = Buffer.concat([header, body, hex('ff')]);
    expect(parseZiplist(zl)!.map(text)).toEqual(['ab', '5', '-100', '1000', '70000', String(2 ** 40), '100000']);
    const wrongPrev = Buffer.from(zl);
    wrongPrev[10 + 4] = 3;
    expect(parseZiplist(wrongPrev)).toBeNull();
    const wrongTail = Buffer.from(zl);
    wrongTail[4] = 10;
    expect(parseZiplist(wrongTail)).toBeNull();
  });

  it('reads a zipmap and checks its count', () => {
    const zm = hex('02 02 6631 02 00 7631 02 6632 02 01 3232 00 ff');
    expect(parseZipmap(zm)!.map(text)).toEqual(['f1', 'v1', 'f2', '22']);
    const wrong = Buffer.from(zm);
    wrong[0] = 3;
    expect(parseZipmap(wrong)).toBeNull();
  });

  it('reads intsets of each width and refuses unsorted or misfit ones', () => {
    expect(parseIntset(hex('02000000 03000000 9cff 0100 0200'))!.map(text)).toEqual(['-100', '1', '2']);
    expect(parseIntset(hex('04000000 01000000 a0860100'))!.map(text)).toEqual(['100000']);
    expect(parseIntset(hex('08000000 01000000 0000000000000080'))!.map(text)).toEqual(['-9223372036854775808']);
    expect(parseIntset(hex('02000000 02000000 0200 0100'))).toBeNull();
    expect(parseIntset(hex('02000000 02000000 0100 0100'))).toBeNull();
    expect(parseIntset(hex('03000000 01000000 010000'))).toBeNull();
    expect(parseIntset(hex('02000000 05000000 0100'))).toBeNull();
  });
});

describe('readRdbValue', () => {
  const payloadOf = (build: (w: RdbWriter) => void) => {
    const w = new RdbWriter();
    build(w);
    return finishDumpPayload(w);
  };

  it('reads each type Redis 7.0 writes', () => {
    const str = readRdbValue(payloadOf((w) => (w.byte(RdbType.String), w.string(Buffer.from('12'), true))));
    expect(str).toMatchObject({ type: 0 });
    const list = readRdbValue(
      payloadOf((w) => {
        w.byte(RdbType.ListQuicklist2);
        w.len(2);
        w.len(QUICKLIST_NODE_PACKED);
        w.string(listpackOf(['a', '1']), true);
        w.len(QUICKLIST_NODE_PLAIN);
        w.string(Buffer.from('plain'), true);
      }),
    );
    expect(list !== null && list.type === 1 && list.items.map(text)).toEqual(['a', '1', 'plain']);
    const zset = readRdbValue(payloadOf((w) => (w.byte(RdbType.ZSetListpack), w.string(listpackOf(['m', '1.5', 'n', 'inf']), true))));
    expect(zset !== null && zset.type === 3 && zset.scores).toEqual([1.5, Infinity]);
    const hash = readRdbValue(payloadOf((w) => (w.byte(RdbType.HashListpack), w.string(listpackOf(['f', 'v']), true))));
    expect(hash !== null && hash.type === 4 && hash.values.map(text)).toEqual(['v']);
  });

  it('refuses empty collections, duplicates, odd pairs, bad scores and unknown types', () => {
    const refused = [
      payloadOf((w) => (w.byte(RdbType.Set), w.len(0))),
      payloadOf((w) => (w.byte(RdbType.Set), w.len(2), w.string(Buffer.from('a'), false), w.string(Buffer.from('a'), false))),
      payloadOf((w) => (w.byte(RdbType.HashListpack), w.string(listpackOf(['f', 'v', 'f', 'w']), false))),
      payloadOf((w) => (w.byte(RdbType.HashListpack), w.string(listpackOf(['f', 'v', 'g']), false))),
      payloadOf((w) => (w.byte(RdbType.ZSetListpack), w.string(listpackOf(['m', 'abc']), false))),
      payloadOf((w) => (w.byte(RdbType.ListQuicklist2), w.len(1), w.len(3), w.string(listpackOf(['a']), false))),
      payloadOf((w) => (w.byte(RdbType.ListQuicklist2), w.len(1), w.len(2), w.string(listpackOf([]), false))),
      payloadOf((w) => (w.byte(RdbType.Set), w.len(1000000))),
      payloadOf((w) => (w.byte(RdbType.StreamListpacks2), w.len(1), w.string(new Uint8Array(15), false))),
      payloadOf((w) => w.byte(42)),
    ];
    for (const p of refused) expect(readRdbValue(p)).toBeNull();
  });

  /** A one-entry stream (1-1 a 1 b 2) with group g whose consumer c has 1-1 pending; `edit` alters pieces. */
  function streamPayload(edit: { lpCount?: number; length?: number; consumerOwns?: number[]; consumers?: number } = {}): Uint8Array {
    const id = (ms: number, seq: number) => {
      const b = Buffer.alloc(16);
      b.writeBigUInt64BE(BigInt(ms), 0);
      b.writeBigUInt64BE(BigInt(seq), 8);
      return b;
    };
    const lp = new RedisListpackBuilder();
    for (const v of [1, 0, 2]) lp.appendInteger(v);
    for (const f of ['a', 'b']) lp.appendString(Buffer.from(f), 0, 1);
    lp.appendInteger(0);
    for (const v of [2, 0, 0]) lp.appendInteger(v);
    for (const f of ['1', '2']) lp.appendString(Buffer.from(f), 0, 1);
    lp.appendInteger(edit.lpCount ?? 5);
    return payloadOf((w) => {
      w.byte(RdbType.StreamListpacks2);
      w.len(1);
      w.string(id(1, 1), false);
      w.string(lp.finish(), false);
      w.len(edit.length ?? 1);
      for (const v of [1, 1, 1, 1, 0, 0, 1]) w.len(v); // last, first, max deleted, entries added
      w.len(1);
      w.string(Buffer.from('g'), false);
      for (const v of [1, 1, 1]) w.len(v); // last id, entries read
      w.len(1);
      w.bytes(id(1, 1));
      w.millis(1000);
      w.len(1);
      const consumers = edit.consumers ?? 1;
      w.len(consumers);
      for (let c = 0; c < consumers; c++) {
        w.string(Buffer.from('c'), false);
        w.millis(2000);
        const owns = edit.consumerOwns ?? [1];
        w.len(owns.length);
        for (const seq of owns) w.bytes(id(1, seq));
      }
    });
  }

  it('reads a stream with its groups, consumers and pending entries', () => {
    const v = readRdbValue(streamPayload());
    expect(v !== null && v.type === 6).toBe(true);
    if (v === null || v.type !== 6) return;
    expect(v.entries.map((e) => [e.id.ms, e.id.seq, e.pairs.map(text)])).toEqual([[1n, 1n, ['a', '1', 'b', '2']]]);
    expect(v.groups[0].pel).toEqual([{ id: { ms: 1n, seq: 1n }, time: 1000n, count: 1, owner: 0 }]);
    expect(v.groups[0].consumers.map((c) => [text(c.name), c.seen])).toEqual([['c', 2000n]]);
  });

  it('refuses streams whose entry counts, length or pending-entry owners disagree', () => {
    expect(readRdbValue(streamPayload({ lpCount: 4 }))).toBeNull();
    expect(readRdbValue(streamPayload({ length: 2 }))).toBeNull();
    expect(readRdbValue(streamPayload({ consumerOwns: [2] }))).toBeNull(); // not in the group's PEL
    expect(readRdbValue(streamPayload({ consumerOwns: [] }))).toBeNull(); // a pending entry with no owner
    expect(readRdbValue(streamPayload({ consumers: 2 }))).toBeNull(); // duplicate consumer names
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    for (let round = 0; round < 3000; round++) {
      const n = 1 + (round % 60);
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      bytes[0] = round % 20;
      expect(() => readRdbValue(bytes)).not.toThrow();
    }
  });
});

describe('d2string and the payload footer', () => {
  it('formats scores as Redis stores them in a listpack', () => {
    expect([1, -3, 2.5, 1e20, 0, -0, Infinity, -Infinity, 4503599627370496, 0.1].map(d2string)).toEqual([
      '1',
      '-3',
      '2.5',
      '1e+20',
      '0',
      '-0',
      'inf',
      '-inf',
      '4503599627370496',
      '0.10000000000000001',
    ]);
  });

  it('verifies the version and CRC-64 of a payload', () => {
    const w = new RdbWriter();
    w.byte(RdbType.String);
    w.string(Buffer.from('hello'), false);
    const p = finishDumpPayload(w);
    // DUMP of SET s hello on redis-server 7.0.15.
    expect(Buffer.from(p)).toEqual(Buffer.from('\x00\x05hello\n\x00cr\xdfve4 \n', 'latin1'));
    expect(verifyDumpPayload(p)).toBe(true);
    const newer = p.slice();
    newer[p.length - 10] = 11;
    expect(verifyDumpPayload(newer)).toBe(false);
  });
});

describe('RDB files', () => {
  it('keep the opcodes Redis 7.0 gives them', () => {
    expect([RdbOpcode.Function2, RdbOpcode.FunctionPreGa, RdbOpcode.ModuleAux, RdbOpcode.Idle, RdbOpcode.Freq]).toEqual([245, 246, 247, 248, 249]);
    expect([RdbOpcode.Aux, RdbOpcode.ResizeDb, RdbOpcode.ExpireTimeMs, RdbOpcode.ExpireTime, RdbOpcode.SelectDb, RdbOpcode.Eof]).toEqual([250, 251, 252, 253, 254, 255]);
  });

  function sinkOf(keys: Array<[number, string, number, number, number]>) {
    return {
      aux() {},
      functionLibrary: () => null,
      key(db: number, key: Uint8Array, _value: unknown, expireMs: number, idle: number, freq: number) {
        keys.push([db, text(key), expireMs, idle, freq]);
        return null;
      },
    };
  }

  it('write and read back keys with their database, expiry, idle time and frequency', () => {
    const file = new RdbFileWriter(true);
    file.aux('redis-ver', '7.0.15');
    file.aux('redis-bits', 64);
    file.selectDb(3, 2, 1);
    file.keyPrefix(1893456000000, 7, -1);
    file.out.byte(RdbType.String);
    file.out.string(Buffer.from('k1'), true);
    file.out.string(Buffer.from('v1'), true);
    file.keyPrefix(0, -1, 9);
    file.out.byte(RdbType.String);
    file.out.string(Buffer.from('k2'), true);
    file.out.string(Buffer.from('12'), true);
    const bytes = file.finish().slice();
    expect(Buffer.from(bytes.subarray(0, 9)).toString()).toBe('REDIS0010');
    const keys: Array<[number, string, number, number, number]> = [];
    expect(readRdbFile(bytes, sinkOf(keys))).toBeNull();
    expect(keys).toEqual([
      [3, 'k1', 1893456000000, 7, -1],
      [3, 'k2', 0, -1, 9],
    ]);
    const corrupt = bytes.slice();
    corrupt[Buffer.from(corrupt).indexOf('v1') + 1] = 0x32; // the value reads 'v2': only the checksum can tell
    expect(readRdbFile(corrupt, sinkOf([]))).toBe('Wrong RDB checksum');
    const unchecked = bytes.slice();
    unchecked.fill(0, unchecked.length - 8);
    expect(readRdbFile(unchecked, sinkOf([]))).toBeNull();
    expect(readRdbFile(Buffer.from('REDIS0011\xff'), sinkOf([]))).toBe("Can't handle RDB format version 0011");
    expect(readRdbFile(Buffer.from('RUBIS0010\xff'), sinkOf([]))).toBe('Wrong signature trying to load DB from file');
    expect(readRdbFile(bytes.subarray(0, bytes.length - 12), sinkOf([]))).not.toBeNull();
  });
});
