/**
 * RESP request parser: the TypeScript twin of the native parser (native/src/resp.rs), and the switch
 * between them. One call parses every complete command of a socket read and writes their argument
 * offsets into a shared Uint32Array: no JS object per argument.
 *
 * Output words (`out`):
 *   [0] number of complete commands   [1] offset just past the last complete command (consumed)
 *   [2] error code (ParseError)        [3] detail: with no command and no error, the offset `buf` must
 *       reach before parsing can progress; with ExpectedDollar the byte found; with OutOfWords the
 *       words the first command needs
 *   [4 ...] per command: argc, then argc pairs (offset, length) into `buf`.
 * Commands before an error are returned with it (Redis runs them, then replies the error and closes).
 *
 * Semantics follow Redis 7.0.15's networking.c (processMultibulkBuffer, processInlineBuffer) and
 * sds.c (sdssplitargs): `*N` with N <= 0 is an empty command and skipped; a line's '\r' is trusted to
 * be followed by one byte that is skipped unseen, as is the CRLF after a bulk; inline arguments are
 * unquoted in place (the decoded bytes are never longer than the encoded ones).
 */
import { loadNative } from '../native/loader.js';

export const enum ParseError {
  None = 0,
  InvalidMultibulkLength = 1,
  InvalidBulkLength = 2,
  ExpectedDollar = 3,
  TooBigInline = 4,
  TooBigMbulkCount = 5,
  TooBigBulkCount = 6,
  UnbalancedQuotes = 7,
  OutOfWords = 8,
}

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline request and longest count line. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
const INT_MAX = 0x7fffffff;

export type ParseFunction = (buf: Uint8Array, start: number, end: number, out: Uint32Array, maxBulk: number) => void;

/** The text after 'ERR ' that Redis replies for a protocol error. */
export function protocolErrorText(error: number, detail: number): string {
  switch (error) {
    case ParseError.InvalidMultibulkLength:
      return 'Protocol error: invalid multibulk length';
    case ParseError.InvalidBulkLength:
      return 'Protocol error: invalid bulk length';
    case ParseError.ExpectedDollar:
      return `Protocol error: expected '$', got '${String.fromCharCode(detail)}'`;
    case ParseError.TooBigInline:
      return 'Protocol error: too big inline request';
    case ParseError.TooBigMbulkCount:
      return 'Protocol error: too big mbulk count string';
    case ParseError.TooBigBulkCount:
      return 'Protocol error: too big bulk count string';
    case ParseError.UnbalancedQuotes:
      return 'Protocol error: unbalanced quotes in request';
    default:
      return 'Protocol error: unknown';
  }
}

// Module state written by the per-command helpers below (one parser per thread, never re-entered).
let wordsNeeded = 0;
let errorCode = 0;
let errorDetail = 0;
let needUntil = 0;

/** Parses every complete command in buf[start, end). Hot path: no allocation. */
export function parseRequestsTs(buf: Uint8Array, start: number, end: number, out: Uint32Array, maxBulk: number): void {
  let pos = start;
  let count = 0;
  let w = 4;
  errorCode = 0;
  needUntil = 0;
  while (pos < end) {
    const next = buf[pos] === 42 ? parseMultibulk(buf, pos, end, out, w, maxBulk) : parseInline(buf, pos, end, out, w);
    if (next === INCOMPLETE) break;
    if (next === FAILED) break;
    if (next === NO_ROOM) {
      if (count === 0) {
        errorCode = ParseError.OutOfWords;
        errorDetail = wordsNeeded;
      }
      break;
    }
    pos = next;
    if (out[w] > 0) {
      w += 1 + 2 * out[w];
      count++;
    }
  }
  out[0] = count;
  out[1] = pos;
  out[2] = errorCode;
  out[3] = errorCode !== 0 ? errorDetail : count === 0 ? Math.max(needUntil, end + 1) : 0;
}

const INCOMPLETE = -1;
const FAILED = -2;
const NO_ROOM = -3;

/**
 * Index of the first `byte` in [from, end), or -1. A NUL byte stops the search, as strchr stops on
 * Redis's query buffer: such a line is never complete and ends in a too-big error.
 */
function findByte(buf: Uint8Array, from: number, end: number, byte: number): number {
  for (let i = from; i < end; i++) {
    const c = buf[i];
    if (c === byte) return i;
    if (c === 0) return -1;
  }
  return -1;
}

/**
 * Redis's string2ll over buf[from, to): optional '-', no '+', no leading zeros, no spaces, fits in
 * a signed 64-bit. Returns NaN when the text is not such an integer (magnitudes past 2^53 come back
 * approximate but still beyond every limit they are compared with).
 */
function parseLongLong(buf: Uint8Array, from: number, to: number): number {
  const len = to - from;
  if (len === 0 || len > 20) return NaN;
  let i = from;
  let negative = false;
  if (buf[i] === 45) {
    negative = true;
    i++;
    if (i === to) return NaN;
  }
  if (buf[i] === 48) return i + 1 === to && !negative ? 0 : NaN;
  const digits = to - i;
  let v = 0;
  for (; i < to; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  // Doubles cannot tell 2^63 - 1 from 2^63: compare the digits with the limit instead.
  if (digits > 19 || (digits === 19 && beyondLongLong(buf, to - 19, negative))) return NaN;
  return negative ? -v : v;
}

/** Whether the 19 digits at `from` exceed 9223372036854775807 (9223372036854775808 when negative). */
function beyondLongLong(buf: Uint8Array, from: number, negative: boolean): boolean {
  for (let k = 0; k < 19; k++) {
    const limit = k === 18 && negative ? 56 : LLONG_MAX_DIGITS.charCodeAt(k);
    const c = buf[from + k];
    if (c !== limit) return c > limit;
  }
  return false;
}

const LLONG_MAX_DIGITS = '9223372036854775807';

/** One `*N` command at pos; returns the offset after it, or INCOMPLETE / FAILED / NO_ROOM. */
function parseMultibulk(buf: Uint8Array, pos: number, end: number, out: Uint32Array, w: number, maxBulk: number): number {
  const cr = findByte(buf, pos, end, 13);
  if (cr < 0) {
    if (end - pos > PROTO_INLINE_MAX_SIZE) return fail(ParseError.TooBigMbulkCount, 0);
    return INCOMPLETE;
  }
  if (cr + 1 >= end) return INCOMPLETE;
  const n = parseLongLong(buf, pos + 1, cr);
  if (Number.isNaN(n) || n > INT_MAX) return fail(ParseError.InvalidMultibulkLength, 0);
  pos = cr + 2;
  if (n <= 0) {
    if (w < out.length) out[w] = 0;
    else return noRoom(w + 1);
    return pos;
  }
  const room = w + 1 + 2 * n <= out.length;
  if (room) out[w] = n;
  for (let i = 0; i < n; i++) {
    if (pos >= end) return incomplete(pos + 4 * (n - i));
    // Redis looks for the line's '\r' before it looks at the '$': an incomplete line waits.
    const lcr = findByte(buf, pos, end, 13);
    if (lcr < 0) {
      if (end - pos > PROTO_INLINE_MAX_SIZE) return fail(ParseError.TooBigBulkCount, 0);
      return INCOMPLETE;
    }
    if (lcr + 1 >= end) return INCOMPLETE;
    if (buf[pos] !== 36) return fail(ParseError.ExpectedDollar, buf[pos]);
    const len = parseLongLong(buf, pos + 1, lcr);
    if (Number.isNaN(len) || len < 0 || len > maxBulk) return fail(ParseError.InvalidBulkLength, 0);
    const data = lcr + 2;
    if (data + len + 2 > end) return incomplete(data + len + 2);
    if (room) {
      out[w + 1 + 2 * i] = data;
      out[w + 2 + 2 * i] = len;
    }
    pos = data + len + 2;
  }
  return room ? pos : noRoom(w + 1 + 2 * n);
}

/** One inline (telnet-style) command line at pos. */
function parseInline(buf: Uint8Array, pos: number, end: number, out: Uint32Array, w: number): number {
  const nl = findByte(buf, pos, end, 10);
  if (nl < 0) {
    if (end - pos > PROTO_INLINE_MAX_SIZE) return fail(ParseError.TooBigInline, 0);
    return INCOMPLETE;
  }
  let lineEnd = nl;
  if (lineEnd > pos && buf[lineEnd - 1] === 13) lineEnd--;
  // A line of L bytes holds at most (L + 1) / 2 arguments. When that many may not fit, count them
  // first without unquoting: the retry with a larger `out` must find the line unchanged.
  if (w + 2 + (lineEnd - pos) > out.length) {
    const argc = splitArgs(buf, pos, lineEnd, out, w, false);
    if (argc === FAILED) return fail(ParseError.UnbalancedQuotes, 0);
    if (w + 1 + 2 * argc > out.length) return noRoom(w + 1 + 2 * argc);
  }
  const argc = splitArgs(buf, pos, lineEnd, out, w, true);
  if (argc < 0) return fail(ParseError.UnbalancedQuotes, 0);
  return nl + 1;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Redis's sdssplitargs over buf[pos, end), unquoting in place: arguments are written back from `pos`
 * and recorded at out[w] (with `unquote` false, only counted: buf and out are left alone). A NUL byte
 * ends the line, as it ends the C string. Returns argc, or FAILED for unbalanced quotes; the caller
 * has made sure that `out` holds the arguments when `unquote` is true.
 */
function splitArgs(buf: Uint8Array, pos: number, end: number, out: Uint32Array, w: number, unquote: boolean): number {
  let p = pos;
  let write = pos;
  let argc = 0;
  const at = (i: number): number => (i < end ? buf[i] : 0);
  for (;;) {
    while (p < end && buf[p] !== 0 && isSpace(buf[p])) p++;
    if (p >= end || buf[p] === 0) break;
    const argStart = write;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = at(p);
      let byte = -1;
      if (inDouble) {
        if (c === 92 && at(p + 1) === 120 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          byte = hexValue(at(p + 2)) * 16 + hexValue(at(p + 3));
          p += 3;
        } else if (c === 92 && at(p + 1) !== 0) {
          p++;
          const e = at(p);
          byte = e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e;
        } else if (c === 34) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return FAILED;
          done = true;
        } else if (c === 0) {
          return FAILED;
        } else {
          byte = c;
        }
      } else if (inSingle) {
        if (c === 92 && at(p + 1) === 39) {
          p++;
          byte = 39;
        } else if (c === 39) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return FAILED;
          done = true;
        } else if (c === 0) {
          return FAILED;
        } else {
          byte = c;
        }
      } else if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        byte = c;
      }
      if (byte >= 0) {
        if (unquote) buf[write] = byte;
        write++;
      }
      if (p < end && c !== 0) p++;
    }
    if (unquote) {
      out[w + 1 + 2 * argc] = argStart;
      out[w + 2 + 2 * argc] = write - argStart;
    }
    argc++;
  }
  if (unquote) out[w] = argc;
  return argc;
}

function fail(code: ParseError, detail: number): number {
  errorCode = code;
  errorDetail = detail;
  return FAILED;
}

function incomplete(until: number): number {
  needUntil = until;
  return INCOMPLETE;
}

function noRoom(words: number): number {
  wordsNeeded = words;
  return NO_ROOM;
}

// ---------------------------------------------------------------- choosing the implementation

export type ParserChoice = 'auto' | 'native' | 'typescript';

/**
 * Reads shorter than this go to the TypeScript parser under 'auto': an N-API call costs ~100-140 ns
 * before any parsing, more than parsing one small command in JS; from here on the native parser wins
 * (2.3x on a 16-command pipeline, 3.4x on 64): bench/README.md, "RESP parser".
 */
export const NATIVE_FROM_BYTES = 128;

let nativeParse: ParseFunction | null = null;
let mode: 'native' | 'typescript' | 'hybrid' = 'typescript';

/**
 * Selects the parser for this thread. 'auto' takes the faster one per read as measured in bench/
 * (TypeScript for short reads, native for pipelines), TypeScript alone when the addon is absent;
 * 'native' and 'typescript' insist (tests run both).
 */
export function setParserKind(choice: ParserChoice): void {
  if (choice === 'typescript') {
    mode = 'typescript';
    return;
  }
  const addon = loadNative();
  if (addon === null) {
    if (choice === 'native') throw new Error('parser native: the native addon is not built (run npm run build:native)');
    mode = 'typescript';
    return;
  }
  nativeParse = addon.parse;
  mode = choice === 'native' ? 'native' : 'hybrid';
}

export function parserKind(): string {
  return mode === 'hybrid' ? `native from ${NATIVE_FROM_BYTES} bytes, TypeScript below` : mode;
}

/** Parses with the selected implementation (see parseRequestsTs for the contract). Hot path. */
export function parseRequests(buf: Uint8Array, start: number, end: number, out: Uint32Array, maxBulk: number): void {
  if (mode === 'typescript' || (mode === 'hybrid' && end - start < NATIVE_FROM_BYTES)) parseRequestsTs(buf, start, end, out, maxBulk);
  else nativeParse!(buf, start, end, out, maxBulk);
}
