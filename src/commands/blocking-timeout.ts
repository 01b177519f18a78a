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
const TWO63 = 9223372036854775808;

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
    const seconds = Number(ld.mantissa) * 2 ** ld.exponent * (ld.negative ? -1 : 1);
    ms = Math.ceil(seconds * 1000);
    if (ms >= TWO63) return NEGATIVE;
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
