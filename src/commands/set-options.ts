/**
 * The expiry and condition options shared by SET and GETEX (Redis's parseExtendedStringArgumentsOrReply
 * and getExpireMillisecondsOrReply), kept in one place so every command accepts, rejects and orders
 * them exactly as Redis 7.0 does:
 *
 * - Options are scanned left to right; a token that conflicts with one already seen (NX after XX,
 *   KEEPTTL after EX, EX after PX, ...) or that the command does not take is a syntax error, as is
 *   EX/PX/EXAT/PXAT without a following argument. Repeating the same option is allowed (last wins).
 * - Tokens compare as C strings: bytes after a NUL are ignored ("nx\0junk" is NX), as in Redis.
 * - The expire value is checked later, by `expireAtOrReply`: not an integer -> "value is not an
 *   integer or out of range"; <= 0, or overflowing when turned into an absolute ms time -> "invalid
 *   expire time in '<command>' command".
 */
import type { Args } from '../protocol/args.js';
import type { Reply } from '../protocol/reply.js';
import { INVALID_EXPIRE, NOT_INTEGER, SYNTAX } from '../protocol/errors.js';
import { string2ll, string2llExact } from '../protocol/number-parse.js';

/** Option bits (Redis's OBJ_* flags of the same names). */
export const enum SetFlag {
  NX = 1 << 0,
  XX = 1 << 1,
  EX = 1 << 2,
  PX = 1 << 3,
  KEEPTTL = 1 << 4,
  GET = 1 << 5,
  EXAT = 1 << 6,
  PXAT = 1 << 7,
  PERSIST = 1 << 8,
}

/** Any of the four ways to give an expire time. */
export const ANY_EXPIRE = SetFlag.EX | SetFlag.PX | SetFlag.EXAT | SetFlag.PXAT;

/** Which command's option set to accept: SET's (NX XX GET KEEPTTL) or GETEX's (PERSIST). */
export const enum OptionsFor {
  Set = 0,
  Get = 1,
}

/** Parse result, reused between calls (no allocation per command). */
export interface ExtendedOptions {
  flags: number;
  /** Argument index of the expire value, or -1. */
  expireArg: number;
}

/**
 * Whether argument `i` equals `token` (lowercase ASCII) as C's strcasecmp sees it: case-insensitive,
 * and a NUL byte ends the argument.
 */
export function isCToken(args: Args, i: number, token: string): boolean {
  const n = args.length(i);
  const t = token.length;
  if (n < t) return false;
  const o = args.offset(i);
  const b = args.buf;
  if (n > t && b[o + t] !== 0) return false;
  for (let k = 0; k < t; k++) {
    let c = b[o + k];
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== token.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Scans options from argument 3 (SET) or 2 (GETEX) into `out`. On a syntax error replies and returns
 * false.
 */
export function parseExtendedOptionsOrReply(args: Args, reply: Reply, forCommand: OptionsFor, out: ExtendedOptions): boolean {
  let flags = 0;
  let expireArg = -1;
  const isSet = forCommand === OptionsFor.Set;
  for (let j = isSet ? 3 : 2; j < args.argc; j++) {
    const hasNext = j < args.argc - 1;
    if (isCToken(args, j, 'nx') && !(flags & SetFlag.XX) && isSet) {
      flags |= SetFlag.NX;
    } else if (isCToken(args, j, 'xx') && !(flags & SetFlag.NX) && isSet) {
      flags |= SetFlag.XX;
    } else if (isCToken(args, j, 'get') && isSet) {
      flags |= SetFlag.GET;
    } else if (isCToken(args, j, 'keepttl') && !(flags & (SetFlag.PERSIST | ANY_EXPIRE)) && isSet) {
      flags |= SetFlag.KEEPTTL;
    } else if (isCToken(args, j, 'persist') && !isSet && !(flags & (ANY_EXPIRE | SetFlag.KEEPTTL))) {
      flags |= SetFlag.PERSIST;
    } else if (isCToken(args, j, 'ex') && !(flags & (SetFlag.KEEPTTL | SetFlag.PERSIST | SetFlag.EXAT | SetFlag.PX | SetFlag.PXAT)) && hasNext) {
      flags |= SetFlag.EX;
      expireArg = ++j;
    } else if (isCToken(args, j, 'px') && !(flags & (SetFlag.KEEPTTL | SetFlag.PERSIST | SetFlag.EX | SetFlag.EXAT | SetFlag.PXAT)) && hasNext) {
      flags |= SetFlag.PX;
      expireArg = ++j;
    } else if (isCToken(args, j, 'exat') && !(flags & (SetFlag.KEEPTTL | SetFlag.PERSIST | SetFlag.EX | SetFlag.PX | SetFlag.PXAT)) && hasNext) {
      flags |= SetFlag.EXAT;
      expireArg = ++j;
    } else if (isCToken(args, j, 'pxat') && !(flags & (SetFlag.KEEPTTL | SetFlag.PERSIST | SetFlag.EX | SetFlag.EXAT | SetFlag.PX)) && hasNext) {
      flags |= SetFlag.PXAT;
      expireArg = ++j;
    } else {
      reply.error(SYNTAX);
      return false;
    }
  }
  out.flags = flags;
  out.expireArg = expireArg;
  return true;
}

const INT64_MAX = 9223372036854775807n;

/**
 * The absolute expire time (ms since the epoch) given by argument `i`: seconds for EX/EXAT (and
 * SETEX), ms for PX/PXAT (and PSETEX); EX/PX are relative to `now`. Replies the error and returns null
 * when invalid. Times beyond 2^53 ms come back as the nearest double.
 */
export function expireAtOrReply(args: Args, i: number, reply: Reply, flags: number, now: number, command: string): number | null {
  const seconds = (flags & (SetFlag.EX | SetFlag.EXAT)) !== 0;
  const relative = (flags & (SetFlag.EX | SetFlag.PX)) !== 0;
  const n = string2ll(args.buf, args.offset(i), args.length(i));
  if (n === null) {
    reply.error(NOT_INTEGER);
    return null;
  }
  if (n <= 0) {
    reply.error(INVALID_EXPIRE(command));
    return null;
  }
  if (Number.isSafeInteger(n)) {
    // n <= 2^53 s: n * 1000 + now stays far below 2^63, so no overflow checks are needed.
    const ms = seconds ? n * 1000 : n;
    return relative ? ms + now : ms;
  }
  let ms = string2llExact(args.buf, args.offset(i), args.length(i)) as bigint;
  if (seconds) {
    if (ms > INT64_MAX / 1000n) {
      reply.error(INVALID_EXPIRE(command));
      return null;
    }
    ms *= 1000n;
  }
  if (relative) ms += BigInt(now);
  if (ms > INT64_MAX) {
    reply.error(INVALID_EXPIRE(command));
    return null;
  }
  return Number(ms);
}
