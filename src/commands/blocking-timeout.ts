/**
 * Timeouts of blocking commands (Redis's getTimeoutFromObjectOrReply). Seconds (BLPOP & co.) are
 * parsed as a long double, multiplied by 1000 and rounded up; milliseconds (XREAD BLOCK) as an
 * integer. A value that does not fit a signed 64-bit count of ms wraps to negative on the cast in
 * Redis, so it is reported as negative here too. The handler validates (and replies the error); the
 * main thread reads the same argument again to park the client.
 */
import type { Args } from '../protocol/args.js';
import type { Reply } from '../protocol/reply.js';
import { string2ld, string2ll } from '../protocol/number-parse.js';

export const enum TimeoutUnit {
  Seconds = 0,
  Milliseconds = 1,
}

const NOT_FLOAT = 'ERR timeout is not a float or out of range';
const NOT_INTEGER = 'ERR timeout is not an integer or out of range';
const NEGATIVE = 'ERR timeout is negative';

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Redis's `(long long) ceill(ftval * 1000.0)` for ftval = ±mantissa * 2^exponent: the product is
 * rounded to the 64-bit long double mantissa (nearest-even) before ceill, so -0.001 (whose long
 * double is a hair above -0.001) gives -0, that is 0 (wait forever), as in Redis. Null when the
 * result does not fit a long long (the cast wraps to negative in Redis) or is negative.
 */
function secondsToMs(mantissa: bigint, exponent: number, negative: boolean): number | null {
  let p = mantissa * 1000n;
  let e = exponent;
  const extra = bitLength(p) - 64;
  if (extra > 0) {
    const half = 1n << BigInt(extra - 1);
    const rest = p & ((1n << BigInt(extra)) - 1n);
    p >>= BigInt(extra);
    if (rest > half || (rest === half && (p & 1n) === 1n)) p += 1n;
    e += extra;
  }
  if (p === 0n) return 0;
  if (e + bitLength(p) > 64) return null;
  let q: bigint;
  let inexact = false;
  if (e >= 0) q = p << BigInt(e);
  else {
    q = p >> BigInt(-e);
    inexact = q << BigInt(-e) !== p;
  }
  // ceil: toward +inf, so up for a positive inexact value, toward zero for a negative one.
  if (negative) return q === 0n ? 0 : null;
  if (inexact) q += 1n;
  if (q >= 1n << 63n) return null;
  return Number(q);
}

/** The timeout in ms (0 = wait forever), or an error text. */
export function parseTimeout(args: Args, i: number, unit: TimeoutUnit): number | string {
  const buf = args.buf;
  const off = args.offset(i);
  const len = args.length(i);
  let ms: number;
  if (unit === TimeoutUnit.Seconds) {
    const ld = string2ld(buf, off, len);
    if (ld === null) return NOT_FLOAT;
    if (ld.kind !== 'finite') return NEGATIVE;
    const m = secondsToMs(ld.mantissa, ld.exponent, ld.negative);
    if (m === null) return NEGATIVE;
    ms = m;
  } else {
    const n = string2ll(buf, off, len);
    if (n === null) return NOT_INTEGER;
    ms = n;
  }
  if (ms < 0) return NEGATIVE;
  return ms === 0 ? 0 : ms;
}

/** parseTimeout for handlers: replies the error and returns null when the timeout is invalid. */
export function timeoutArgOrReply(args: Args, i: number, unit: TimeoutUnit, reply: Reply): number | null {
  const t = parseTimeout(args, i, unit);
  if (typeof t === 'string') {
    reply.error(t);
    return null;
  }
  return t;
}
