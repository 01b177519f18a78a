/**
 * RESP request parser: the TypeScript twin against hand-written expectations (Redis 7.0.15's
 * behaviour), then the native parser against the twin on the same inputs: identical `out` words
 * (every word, including the ones neither should touch) and identical bytes after in-place unquoting.
 *
 * Random cases use a seeded PRNG; the seed is printed, and RESP_PARSER_SEED=<n> replays a run.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  parseRequestsTs,
  protocolErrorText,
  PROTO_INLINE_MAX_SIZE,
  type ParseFunction,
} from '../../src/protocol/resp-parser.js';
import { loadNative, nativeLoadFailure } from '../../src/native/loader.js';
import { redisAvailable, startRedis, type RedisProcess } from '../oracle/redis-server.js';
import { mulberry32 } from './prng.js';

const MAX_BULK = 512 * 1024 * 1024;
const SENTINEL = 0xdeadbeef;

const enc = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

interface OneShot {
  out: Uint32Array;
  buf: Uint8Array;
}

/** One call on a copy of `bytes`, with `out` pre-filled with a sentinel. */
function once(parse: ParseFunction, bytes: Uint8Array, start: number, end: number, words: number, maxBulk: number): OneShot {
  const buf = Uint8Array.from(bytes);
  const out = new Uint32Array(words).fill(SENTINEL);
  parse(buf, start, end, out, maxBulk);
  return { out, buf };
}

/** The commands of a one-shot result, each as its list of latin1 arguments. */
function commandsOf(r: OneShot): string[][] {
  const commands: string[][] = [];
  let w = 4;
  for (let k = 0; k < r.out[0]; k++) {
    const argc = r.out[w];
    const args: string[] = [];
    for (let i = 0; i < argc; i++) {
      const off = r.out[w + 1 + 2 * i];
      args.push(text(r.buf.subarray(off, off + r.out[w + 2 + 2 * i])));
    }
    commands.push(args);
    w += 1 + 2 * argc;
  }
  return commands;
}

function ts(input: string, words = 256, maxBulk = MAX_BULK): OneShot & { commands: string[][]; head: number[] } {
  const bytes = enc(input);
  const r = once(parseRequestsTs, bytes, 0, bytes.length, words, maxBulk);
  return { ...r, commands: commandsOf(r), head: Array.from(r.out.subarray(0, 4)) };
}

interface Trace {
  steps: string[];
  commands: string[][];
  error: number;
  detail: number;
}

/**
 * Feeds `chunks` one after the other, as the server does: append to the unconsumed rest, parse,
 * run what is complete, keep the rest; grow `out` on error 8. Records every call's words and bytes.
 */
function stream(parse: ParseFunction, chunks: Uint8Array[], words: number, maxBulk: number): Trace {
  let input = new Uint8Array(0);
  let start = 0;
  let end = 0;
  let out = new Uint32Array(words);
  const trace: Trace = { steps: [], commands: [], error: 0, detail: 0 };
  for (const chunk of chunks) {
    const next = new Uint8Array(end - start + chunk.length);
    next.set(input.subarray(start, end));
    next.set(chunk, end - start);
    input = next;
    start = 0;
    end = next.length;
    for (let guard = 0; start < end; guard++) {
      if (guard > 10000) throw new Error('parser made no progress');
      out.fill(SENTINEL);
      parse(input, start, end, out, maxBulk);
      const [count, consumed, error, detail] = out;
      trace.steps.push(`${Array.from(out.subarray(0, usedWords(out))).join(',')} ${text(input)}`);
      if (error === 8) {
        out = new Uint32Array(Math.max(detail + 16, out.length * 2));
        continue;
      }
      trace.commands.push(...commandsOf({ out, buf: input }));
      start = consumed;
      if (error !== 0) {
        trace.error = error;
        trace.detail = detail;
        return trace;
      }
      if (count === 0) break;
    }
  }
  return trace;
}

function usedWords(out: Uint32Array): number {
  let w = 4;
  for (let k = 0; k < out[0]; k++) w += 1 + 2 * out[w];
  return w;
}

/** Splits bytes at the given offsets. */
function chunksAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  return chunks;
}

const prng = mulberry32;

// ---------------------------------------------------------------- the TypeScript twin

describe('TypeScript RESP parser', () => {
  it('parses a multibulk SET into argument offsets', () => {
    const r = ts('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    expect(Array.from(r.out.subarray(0, 11))).toEqual([1, 27, 0, 0, 3, 8, 3, 17, 1, 24, 1]);
    expect(r.out[11]).toBe(SENTINEL);
    expect(r.commands).toEqual([['SET', 'k', 'v']]);
  });

  it('parses a one-argument command and a pipeline after it', () => {
    expect(Array.from(ts('*1\r\n$3\r\nfoo\r\n').out.subarray(0, 7))).toEqual([1, 13, 0, 0, 1, 8, 3]);
    const r = ts('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$3\r\na\x00b\r\n');
    expect(r.commands).toEqual([['PING'], ['ECHO', ''], ['GET', 'a\x00b']]);
    expect(r.head).toEqual([3, r.buf.length, 0, 0]);
  });

  it('keeps binary bulk data, CRLF and NUL bytes included', () => {
    const r = ts('*2\r\n$3\r\nSET\r\n$6\r\n\r\n\x00\xff*$\r\n');
    expect(r.commands).toEqual([['SET', '\r\n\x00\xff*$']]);
  });

  it('reports where an incomplete command needs the buffer to reach', () => {
    expect(ts('').head).toEqual([0, 0, 0, 1]);
    expect(ts('*1\r\n$3\r\nfo').head).toEqual([0, 0, 0, 13]);
    expect(ts('*2\r\n').head).toEqual([0, 0, 0, 4 + 4 * 2]);
    expect(ts('*2\r\n$3\r\nGET\r\n').head).toEqual([0, 0, 0, 13 + 4]);
    expect(ts('*2\r').head).toEqual([0, 0, 0, 4]);
    expect(ts('*1\r\n$3').head).toEqual([0, 0, 0, 7]);
    expect(ts('PING').head).toEqual([0, 0, 0, 5]);
    // Complete commands first: the detail word is 0 then.
    expect(ts('*1\r\n$4\r\nPING\r\n*1\r\n').head).toEqual([1, 14, 0, 0]);
  });

  it('skips empty commands: *0, negative counts and empty inline lines', () => {
    const r = ts('*0\r\n*-1\r\n\r\n\n   \r\n*-9223372036854775808\r\nPING\r\n');
    expect(r.commands).toEqual([['PING']]);
    expect(r.head).toEqual([1, r.buf.length, 0, 0]);
    expect(ts('*0\r\n\r\n').head).toEqual([0, 6, 0, 7]);
  });

  it('trusts the byte after a line\'s CR and the two bytes after bulk data, as Redis does', () => {
    expect(ts('*1\rX$4\rYPINGxy*1\r\n$3\r\nfoo\r\n').commands).toEqual([['PING'], ['foo']]);
  });

  it('splits inline commands like sdssplitargs and unquotes in place', () => {
    const r = ts('  SET\t"a b\\x41\\n\\"" \'c\\\'d\'  x"y z"\r\nECHO ""\nGET a\rb\r\n');
    expect(r.commands).toEqual([['SET', 'a bA\n"', "c'd", 'xy z'], ['ECHO', ''], ['GET', 'a', 'b']]);
    expect(r.head).toEqual([3, r.buf.length, 0, 0]);
  });

  it('reads inline escapes as Redis does: bad hex stays literal, unknown escapes drop the backslash', () => {
    expect(ts('ECHO "a\\x4g" "\\qz" "\\x4" \'\\n\'\n').commands).toEqual([['ECHO', 'ax4g', 'qz', 'x4', '\\n']]);
  });

  it('answers invalid multibulk length for bad counts', () => {
    for (const count of ['abc', '', '+1', '01', '-0', '1 ', '2147483648', '9223372036854775808', '-9223372036854775809', '123456789012345678901']) {
      expect(ts(`*${count}\r\n`).head, count).toEqual([0, 0, 1, 0]);
    }
    expect(ts('*2147483647\r\n').head[2]).toBe(0);
  });

  it('answers invalid bulk length for bad, negative and too long bulks', () => {
    for (const len of ['-1', 'x', '', '01', '9223372036854775807', '9223372036854775808']) {
      expect(ts(`*1\r\n$${len}\r\n`).head, len).toEqual([0, 0, 2, 0]);
    }
    expect(ts('*1\r\n$11\r\n', 256, 10).head).toEqual([0, 0, 2, 0]);
    expect(ts('*1\r\n$10\r\n', 256, 10).head).toEqual([0, 0, 0, 21]);
  });

  it("answers expected '$' with the byte found, once the line is complete", () => {
    expect(ts('*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nfoo\r\nbar\r\n').head).toEqual([1, 14, 3, 98]);
    expect(ts('*1\r\n\r\n').head).toEqual([0, 0, 3, 13]);
    // Redis waits for the line's CR before it looks at the '$'.
    expect(ts('*1\r\nfoo').head).toEqual([0, 0, 0, 8]);
    expect(ts('*1\r\nfoo\r').head).toEqual([0, 0, 0, 9]);
    expect(protocolErrorText(3, 98)).toBe("Protocol error: expected '$', got 'b'");
  });

  it('answers too big errors past PROTO_INLINE_MAX_SIZE bytes without a line end', () => {
    expect(ts('x'.repeat(PROTO_INLINE_MAX_SIZE)).head).toEqual([0, 0, 0, PROTO_INLINE_MAX_SIZE + 1]);
    expect(ts('x'.repeat(PROTO_INLINE_MAX_SIZE + 1)).head).toEqual([0, 0, 4, 0]);
    expect(ts('*' + '1'.repeat(PROTO_INLINE_MAX_SIZE)).head).toEqual([0, 0, 5, 0]);
    expect(ts('*1\r\n' + 'x'.repeat(PROTO_INLINE_MAX_SIZE + 1)).head).toEqual([0, 0, 6, 0]);
    expect(ts('*1\r\n$' + '1'.repeat(PROTO_INLINE_MAX_SIZE)).head).toEqual([0, 0, 6, 0]);
    // strchr stops at NUL: a line with a NUL before its end never completes.
    expect(ts('PI\x00NG\r\n').head).toEqual([0, 0, 0, 8]);
    expect(ts('PI\x00NG\r\n' + 'x'.repeat(PROTO_INLINE_MAX_SIZE)).head).toEqual([0, 0, 4, 0]);
  });

  it('answers unbalanced quotes, after the commands before it', () => {
    for (const line of ['SET "a', "SET 'a", 'SET "a"b', "SET 'a'b", 'SET "a\\"']) {
      expect(ts(`PING\r\n${line}\r\n`).head, line).toEqual([1, 6, 7, 0]);
    }
  });

  it('has Redis\'s texts for every protocol error', () => {
    expect([1, 2, 4, 5, 6, 7].map((e) => protocolErrorText(e, 0))).toEqual([
      'Protocol error: invalid multibulk length',
      'Protocol error: invalid bulk length',
      'Protocol error: too big inline request',
      'Protocol error: too big mbulk count string',
      'Protocol error: too big bulk count string',
      'Protocol error: unbalanced quotes in request',
    ]);
  });

  it('asks for more words when the first command does not fit, and stops before one that does not', () => {
    expect(ts('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n', 10).head).toEqual([0, 0, 8, 11]);
    expect(ts('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n', 11).head).toEqual([1, 27, 0, 0]);
    expect(ts('*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n', 10).head).toEqual([1, 14, 0, 0]);
    expect(ts('SET a b\r\n', 10).head).toEqual([0, 0, 8, 11]);
    expect(ts('*0\r\n', 4).head).toEqual([0, 0, 8, 5]);
  });

  it('leaves an inline line untouched when its arguments do not fit, so the retry reads it right', () => {
    const input = 'PING\r\nSET  "a b"   \'c\'\r\n';
    const first = ts(input, 12);
    expect(first.head).toEqual([1, 6, 0, 0]);
    expect(text(first.buf)).toBe(input);
    const retry = once(parseRequestsTs, first.buf, 6, first.buf.length, 10, MAX_BULK);
    expect(Array.from(retry.out.subarray(0, 4))).toEqual([0, 6, 8, 11]);
    expect(text(retry.buf)).toBe(input);
    const done = once(parseRequestsTs, retry.buf, 6, retry.buf.length, 11, MAX_BULK);
    expect(commandsOf(done)).toEqual([['SET', 'a b', 'c']]);
  });

  it('gives the same commands whatever the byte boundary a pipeline is split at', () => {
    const input = enc('*2\r\n$4\r\nECHO\r\n$5\r\nhe\r\no\r\nSET "k\\x00" v\r\n*0\r\n*1\r\n$4\r\nPING\r\n\r\n');
    const whole = stream(parseRequestsTs, [input], 64, MAX_BULK);
    expect(whole.commands).toEqual([['ECHO', 'he\r\no'], ['SET', 'k\x00', 'v'], ['PING']]);
    for (let cut = 0; cut <= input.length; cut++) {
      expect(stream(parseRequestsTs, chunksAt(input, [cut]), 64, MAX_BULK).commands, `cut ${cut}`).toEqual(whole.commands);
    }
  });
});

// ---------------------------------------------------------------- native against the twin

const cargoPresent = (() => {
  const r = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
})();
const native = loadNative();

describe('native addon', () => {
  it('loads when cargo is present (npm run build:native builds it)', () => {
    if (!cargoPresent) {
      console.warn('resp-parser.test: cargo is absent, the native addon is optional here');
      return;
    }
    expect(nativeLoadFailure(), 'native/tessera.node did not load').toBeNull();
    expect(native).not.toBeNull();
  });
});

if (native === null) {
  console.warn(`resp-parser.test: SKIPPING native/TypeScript comparison: native addon unavailable (${nativeLoadFailure()})`);
}

describe.skipIf(native === null)('native RESP parser against the TypeScript twin', () => {
  const parseNative = (native?.parse ?? parseRequestsTs) as ParseFunction;
  const seed = Number(process.env.RESP_PARSER_SEED ?? Date.now() % 2 ** 31);
  console.log(`resp-parser.test: seed ${seed} (RESP_PARSER_SEED=${seed} replays it)`);

  /** One call each on the same input inside random padding: every word and every byte must agree. */
  function agree(bytes: Uint8Array, words: number, maxBulk: number, label: string, pad = 0, random = prng(bytes.length + pad)): OneShot {
    const padded = new Uint8Array(pad + bytes.length + pad);
    for (let i = 0; i < padded.length; i++) padded[i] = PAD_BYTES[Math.floor(random() * PAD_BYTES.length)];
    padded.set(bytes, pad);
    const a = once(parseRequestsTs, padded, pad, pad + bytes.length, words, maxBulk);
    const b = once(parseNative, padded, pad, pad + bytes.length, words, maxBulk);
    const why = `${label}: ${JSON.stringify(text(bytes))} words=${words} maxBulk=${maxBulk} pad=${pad}`;
    expect(Array.from(b.out), why).toEqual(Array.from(a.out));
    expect(text(b.buf), why).toBe(text(a.buf));
    return a;
  }

  function agreeStream(bytes: Uint8Array, cuts: number[], words: number, maxBulk: number, label: string): Trace {
    const a = stream(parseRequestsTs, chunksAt(bytes, cuts), words, maxBulk);
    const b = stream(parseNative, chunksAt(bytes, cuts), words, maxBulk);
    expect(b, `${label}: ${JSON.stringify(text(bytes))} cuts=${cuts.join(',')} words=${words}`).toEqual(a);
    return a;
  }

  const PIPELINES = [
    '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n',
    '*1\r\n$3\r\nfoo\r\n',
    '*2\r\n$3\r\nSET\r\n$6\r\n\r\n\x00\xff*$\r\n*0\r\n*-1\r\n*1\r\n$0\r\n\r\n',
    '*1\rX$4\rYPINGxy*1\r\n$3\r\nfoo\r\n',
    '  SET\t"a b\\x41\\n\\"" \'c\\\'d\'  x"y z"\r\nECHO ""\nGET a\rb\r\n\r\n\n',
    'ECHO "a\\x4g" "\\qz" "\\x4" \'\\n\' "\\xff\\x00\\XAB"\n',
    '*2\r\n$4\r\nECHO\r\n$5\r\nhe\r\no\r\nSET "k\\x00" v\r\n*0\r\n*1\r\n$4\r\nPING\r\n',
    '*2147483647\r\n$1\r\na\r\n',
    '*-9223372036854775808\r\nPING\r\n*3\r\n$3\r\nDEL\r\n$1\r\na\r\n',
  ];

  const ERRORS = [
    '*abc\r\n', '*2147483648\r\n', '*9223372036854775808\r\n', '*-9223372036854775809\r\n', '*01\r\n',
    '*1\r\n$-1\r\n', '*1\r\n$9223372036854775807\r\n', '*1\r\n$x\r\n', '*1\r\n$600000000\r\n',
    'PING\r\n*2\r\n$3\r\nfoo\r\nbar\r\n', '*1\r\n\r\n', '*1\r\nfoo',
    'x'.repeat(PROTO_INLINE_MAX_SIZE + 1), 'x'.repeat(PROTO_INLINE_MAX_SIZE),
    '*' + '1'.repeat(PROTO_INLINE_MAX_SIZE + 1), '*1\r\n' + 'x'.repeat(PROTO_INLINE_MAX_SIZE + 1),
    '*1\r\n$' + '1'.repeat(PROTO_INLINE_MAX_SIZE), 'PI\x00NG\r\n' + 'x'.repeat(PROTO_INLINE_MAX_SIZE),
    'PING\r\nSET "a\r\n', "SET 'a'b\r\n", 'SET "a"b\r\n',
  ];

  it('throws on arguments it cannot trust instead of reading out of bounds', () => {
    const buf = enc('*1\r\n$4\r\nPING\r\n');
    expect(() => parseNative(buf, 0, buf.length + 1, new Uint32Array(16), MAX_BULK)).toThrow(RangeError);
    expect(() => parseNative(buf, 5, 4, new Uint32Array(16), MAX_BULK)).toThrow(RangeError);
    expect(() => parseNative(buf, 0, buf.length, new Uint32Array(3), MAX_BULK)).toThrow(RangeError);
    expect(() => parseNative(buf, 0, buf.length, new Uint8Array(16) as unknown as Uint32Array, MAX_BULK)).toThrow(TypeError);
    const shared = new ArrayBuffer(64);
    expect(() => parseNative(new Uint8Array(shared), 0, 4, new Uint32Array(shared), MAX_BULK)).toThrow(RangeError);
  });

  it('agrees on valid pipelines, multibulk and inline, at any start offset', () => {
    for (const p of PIPELINES) {
      for (const pad of [0, 1, 7]) agree(enc(p), 256, MAX_BULK, 'pipeline', pad);
    }
  });

  it('agrees on every error code and its detail word', () => {
    const seen = new Set<number>();
    for (const e of ERRORS) seen.add(agree(enc(e), 256, MAX_BULK, 'error').out[2]);
    seen.add(agree(enc('*1\r\n$11\r\nhello world\r\n'), 256, 10, 'maxBulk').out[2]);
    seen.add(agree(enc('SET a b\r\n'), 10, MAX_BULK, 'out of words').out[2]);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('agrees for every out size from 4 words up, error 8 included', () => {
    for (const p of PIPELINES) {
      for (let words = 4; words <= 40; words++) agree(enc(p), words, MAX_BULK, 'small out', 3);
    }
  });

  it('agrees on every split of a pipeline at a byte boundary, fed like the server feeds it', () => {
    for (const p of [...PIPELINES, ...ERRORS.filter((e) => e.length < 200)]) {
      const bytes = enc(p);
      for (let cut = 0; cut <= bytes.length; cut++) {
        agreeStream(bytes, [cut], 64, MAX_BULK, 'split');
        agreeStream(bytes, [cut], 9, MAX_BULK, 'split, small out');
      }
      agreeStream(bytes, Array.from({ length: bytes.length }, (_, i) => i), 64, MAX_BULK, 'byte by byte');
    }
  });

  it('agrees on huge counts and lengths (wrapping detail words included)', () => {
    for (const p of ['*2147483647\r\n', '*2147483647\r\n$1\r\n', '*1\r\n$536870912\r\n', '*1\r\n$999999999999\r\n']) {
      agree(enc(p), 64, MAX_BULK, 'huge');
      agree(enc(p), 64, 2 ** 53, 'huge, maxBulk 2^53');
      agree(enc(p), 64, 1e19, 'huge, maxBulk 1e19');
    }
  });

  it('agrees on random and mutated inputs', () => {
    const g = generator(prng(seed));
    for (let n = 0; n < 3000; n++) {
      const kind = g.int(3);
      const input = kind === 0 ? g.pipeline() : kind === 1 ? g.mutate(g.pipeline()) : g.noise();
      const bytes = enc(input);
      const words = g.pick([4, 5, 6, 9, 12, 20, 64, 256]);
      const maxBulk = g.pick([0, 3, 10, MAX_BULK]);
      agree(bytes, words, maxBulk, `random #${n} seed ${seed}`, g.int(4), g.random);
      const cuts = Array.from({ length: g.int(4) }, () => g.int(bytes.length + 1)).sort((x, y) => x - y);
      agreeStream(bytes, cuts, g.pick([5, 9, 64]), maxBulk, `random stream #${n} seed ${seed}`);
    }
  });
});

// ---------------------------------------------------------------- the twin against redis-server

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('resp-parser.test: SKIPPING the comparison with redis-server: redis-server is not installed');

/**
 * Sends `bytes` in one write and collects the raw replies: until `expected` replies have come and
 * then 30 ms of quiet (to see any extra one), or the server closes.
 */
function exchange(port: number, bytes: Uint8Array, expected: number): Promise<{ replies: string[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    let quiet: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(quiet);
      socket.destroy();
      resolve({ replies: splitReplies(data), closed });
    };
    const check = (): void => {
      clearTimeout(quiet);
      if (splitReplies(data).length >= expected) quiet = setTimeout(finish, 30);
    };
    socket.on('connect', () => {
      socket.write(bytes);
      check();
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      check();
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('error', reject);
    setTimeout(finish, 5000);
  });
}

/** Complete RESP2 replies of simple types and bulk strings (all PING and ECHO can answer). */
function splitReplies(data: string): string[] {
  const replies: string[] = [];
  let pos = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', pos);
    if (eol < 0) break;
    let end = eol + 2;
    if (data[pos] === '$') {
      const len = Number(data.slice(pos + 1, eol));
      if (len >= 0) end = eol + 2 + len + 2;
      if (end > data.length) break;
    }
    replies.push(data.slice(pos, end));
    pos = end;
  }
  return replies;
}

/** What Redis answers to a command the parser produced: exact for PING and ECHO, '-' for the rest. */
function expectedReply(args: string[]): string {
  const name = args[0].toLowerCase();
  const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
  if (name === 'ping' && args.length === 1) return '+PONG\r\n';
  if ((name === 'ping' || name === 'echo') && args.length === 2) return bulk(args[1]);
  return '-';
}

describe.skipIf(!haveRedis)('TypeScript RESP parser against redis-server (random PING/ECHO streams)', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('predicts every reply, the protocol error and the close of random and mutated streams', async () => {
    const seed = Number(process.env.RESP_PARSER_SEED ?? Date.now() % 2 ** 31) + 1;
    console.log(`resp-parser.test: redis-server comparison seed ${seed - 1}`);
    const g = generator(prng(seed));
    const NAMES = ['PING', 'ping', 'ECHO', 'echo', 'Echo', 'nosuchcommand'];
    const inputs: string[] = [];
    for (let n = 0; n < 400; n++) {
      const kind = g.int(4);
      inputs.push(kind === 0 ? g.pipeline(NAMES) : kind === 3 ? g.noise() : g.mutate(g.pipeline(NAMES)));
    }
    for (let batch = 0; batch < inputs.length; batch += 20) {
      await Promise.all(
        inputs.slice(batch, batch + 20).map(async (input) => {
          const bytes = enc(input);
          const predicted = stream(parseRequestsTs, [bytes], 256, MAX_BULK);
          const expected = predicted.commands.map(expectedReply);
          // As Redis's addReplyErrorFormat (and Tessera's reply writer): CR and LF become spaces.
          const text = protocolErrorText(predicted.error, predicted.detail).replace(/[\r\n]/g, ' ');
          if (predicted.error !== 0) expected.push(`-ERR ${text}\r\n`);
          const { replies, closed } = await exchange(redis.port, bytes, expected.length);
          const got = replies.map((r, i) => (expected[i] === '-' && r.startsWith('-') ? '-' : r));
          const why = `input ${JSON.stringify(input)}`;
          expect(got, why).toEqual(expected);
          expect(closed, why).toBe(predicted.error !== 0);
        }),
      );
    }
  });
});

// ---------------------------------------------------------------- random inputs

/**
 * Random RESP input: pipelines of multibulk and inline commands (binary, quoted, escaped, empty and
 * long arguments), their mutations (bytes inserted, deleted or replaced with protocol marks), noise.
 * With `names`, every command starts with one of them.
 */
function generator(random: () => number) {
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T,>(items: ArrayLike<T>): T => items[int(items.length)];
  const bytesOf = (n: number, alphabet: string): string => Array.from({ length: n }, () => pick(alphabet)).join('');
  const BINARY = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  const TOKEN_CHARS = 'abcXYZ019 \t"\'\\xnrtba\x00\r\n\xff{}$*-';
  const MUTANTS = '*$\r\n\x000123456789-"\' \\xa';

  const multibulk = (names?: string[]): string => {
    const argc = random() < 0.1 ? 10 + int(3) : int(5);
    let s = `*${argc}\r\n`;
    for (let i = 0; i < argc; i++) {
      const size = random() < 0.05 ? 90 + int(1200) : int(20);
      const arg = i === 0 && names ? pick(names) : random() < 0.3 ? bytesOf(size, BINARY) : bytesOf(int(8), 'abcdefgh');
      s += `$${arg.length}\r\n${arg}\r\n`;
    }
    return s;
  };
  const inlineToken = (): string => {
    switch (int(5)) {
      case 0:
        return bytesOf(1 + int(6), 'abcdefXYZ019');
      case 1:
        return `"${bytesOf(int(8), 'ab c\\x41"n\'\x00\xff')}"`;
      case 2:
        return `'${bytesOf(int(6), "ab c\\'\"")}'`;
      case 3:
        return bytesOf(1 + int(8), TOKEN_CHARS);
      default:
        return `"\\x${pick('0aFg')}${pick('0aFg')}\\${pick('nrtbaq"\\')}"`;
    }
  };
  const inline = (names?: string[]): string => {
    const tokens = Array.from({ length: int(5) }, inlineToken);
    if (names) tokens.unshift(pick(names));
    return tokens.join(pick([' ', '  ', '\t', ' \t '])) + pick(['\r\n', '\n', ' \r\n', '\r\r\n']);
  };
  const pipeline = (names?: string[]): string =>
    Array.from({ length: 1 + int(5) }, () => (random() < 0.6 ? multibulk(names) : inline(names))).join('');
  const mutate = (s: string): string => {
    const chars = s.split('');
    for (let k = 1 + int(3); k > 0; k--) {
      const at = int(chars.length + 1);
      const op = int(3);
      if (op === 0 && chars.length > 0) chars.splice(Math.min(at, chars.length - 1), 1);
      else if (op === 1) chars.splice(at, 0, pick(MUTANTS));
      else if (chars.length > 0) chars[Math.min(at, chars.length - 1)] = pick(MUTANTS);
    }
    return chars.join('');
  };
  const noise = (): string => bytesOf(int(40), TOKEN_CHARS);
  return { random, int, pick, pipeline, mutate, noise };
}

/** Bytes the padding around an input is drawn from: line ends, digits, quotes, the protocol's marks. */
const PAD_BYTES = enc('\r\n*$0123456789"\' xX\x00');
