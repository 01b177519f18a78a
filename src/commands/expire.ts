/**
 * Key expiry commands (Redis 7.0.15's expire.c): EXPIRE PEXPIRE EXPIREAT PEXPIREAT with NX XX GT LT,
 * TTL PTTL EXPIRETIME PEXPIRETIME PERSIST.
 *
 * An expiry is an absolute time in ms since the epoch, kept as a u64 in the key's entry (two u32
 * words; 0 = none). Times are exact over the whole int64 range: arithmetic runs on JS numbers while
 * values stay within 2^53 and on bigints beyond, and the entry words are written and read exactly.
 * A time that is already past deletes the key (and replies 1), as Redis does. Lazy expiry is in the
 * context's lookups; the active cycle is src/shard/active-expiry.ts.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { Counter } from '../shard/command-stats.js';
import { INVALID_EXPIRE, NOT_INTEGER } from '../protocol/errors.js';
import { string2ll, string2llExact } from '../protocol/number-parse.js';

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

const INT64_MAX = 9223372036854775807n;
/** LLONG_MAX / 1000 and LLONG_MIN / 1000 (C division truncates toward zero). */
const SECONDS_MAX = 9223372036854775n;
const SECONDS_MIN = -9223372036854775n;

/** An int64 held as a number while it is a safe integer, as a bigint otherwise. */
type Int64 = number | bigint;

function big(v: Int64): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Compares two int64 values exactly. */
function compare(x: Int64, y: Int64): number {
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  const bx = big(x);
  const by = big(y);
  return bx < by ? -1 : bx > by ? 1 : 0;
}

/** The key's expiry in ms, exact (0 = none). */
function expireExact(ks: ShardKeyspace, e: number): Int64 {
  const at = ks.expireOf(e);
  if (at <= Number.MAX_SAFE_INTEGER) return at;
  const u32 = ks.arena.u32;
  return (BigInt(u32[(e >>> 2) + 4]) << 32n) | BigInt(u32[(e >>> 2) + 5]);
}

/** Sets a linked key's expiry exactly (`when` > 0). */
function setExpireExact(ctx: ExecContext, ks: ShardKeyspace, e: number, when: Int64): void {
  if (typeof when === 'number') {
    ks.setExpire(ctx.db, e, when);
    return;
  }
  ks.setExpire(ctx.db, e, Number(when));
  const u32 = ks.arena.u32;
  u32[(e >>> 2) + 4] = Number(when >> 32n);
  u32[(e >>> 2) + 5] = Number(when & 0xffffffffn);
}

/** Parses NX XX GT LT from argument 3 on; replies the error and returns -1 on a bad or conflicting set. */
function parseExpireFlagsOrReply(ctx: ExecContext): number {
  const a = ctx.args;
  let flags = 0;
  for (let j = 3; j < a.argc; j++) {
    if (a.is(j, 'nx')) flags |= EXPIRE_NX;
    else if (a.is(j, 'xx')) flags |= EXPIRE_XX;
    else if (a.is(j, 'gt')) flags |= EXPIRE_GT;
    else if (a.is(j, 'lt')) flags |= EXPIRE_LT;
    else {
      // Redis prints the option with %s: the text ends at a NUL byte.
      const text = a.text(j);
      const nul = text.indexOf('\0');
      ctx.reply.error(`ERR Unsupported option ${nul < 0 ? text : text.slice(0, nul)}`);
      return -1;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    ctx.reply.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    return -1;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    ctx.reply.error('ERR GT and LT options at the same time are not compatible');
    return -1;
  }
  return flags;
}

/**
 * The absolute expiry time in ms from argument 2: `value * (seconds ? 1000 : 1) + basetime`, or null
 * after replying the error (not an integer, or int64 overflow: "invalid expire time").
 */
function expireTimeOrReply(ctx: ExecContext, basetime: number, seconds: boolean, command: string): Int64 | null {
  const a = ctx.args;
  const value = string2ll(a.buf, a.offset(2), a.length(2));
  if (value === null) {
    ctx.reply.error(NOT_INTEGER);
    return null;
  }
  if (Number.isSafeInteger(value)) {
    const when = (seconds ? value * 1000 : value) + basetime;
    if (Number.isSafeInteger(when)) return when;
  }
  let when = string2llExact(a.buf, a.offset(2), a.length(2))!;
  if (seconds) {
    if (when > SECONDS_MAX || when < SECONDS_MIN) {
      ctx.reply.error(INVALID_EXPIRE(command));
      return null;
    }
    when *= 1000n;
  }
  const base = BigInt(basetime);
  if (when > INT64_MAX - base) {
    ctx.reply.error(INVALID_EXPIRE(command));
    return null;
  }
  when += base;
  return Number.isSafeInteger(Number(when)) && BigInt(Number(when)) === when ? Number(when) : when;
}

/** EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX | XX | GT | LT] */
function expireGeneric(ctx: ExecContext, relative: boolean, seconds: boolean, command: string): void {
  const flags = parseExpireFlagsOrReply(ctx);
  if (flags < 0) return;
  const when = expireTimeOrReply(ctx, relative ? ctx.now : 0, seconds, command);
  if (when === null) return;
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = expireExact(ks, e);
    const has = current !== 0;
    if (flags & EXPIRE_NX && has) return ctx.reply.integer(0);
    if (flags & EXPIRE_XX && !has) return ctx.reply.integer(0);
    // No expiry counts as an infinite TTL: GT always fails, LT always succeeds.
    if (flags & EXPIRE_GT && (!has || compare(when, current) <= 0)) return ctx.reply.integer(0);
    if (flags & EXPIRE_LT && has && compare(when, current) >= 0) return ctx.reply.integer(0);
  }
  ctx.dirty++;
  if (compare(when, ctx.now) <= 0) {
    ks.remove(ctx.db, e, ctx.lazyExpire());
    ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
    ctx.reply.integer(1);
  } else {
    setExpireExact(ctx, ks, e, when);
    ctx.reply.integer(1);
    ctx.notify(NotifyClass.Generic, KeyEvent.Expire, 1);
  }
}

/**
 * TTL / PTTL / EXPIRETIME / PEXPIRETIME: -2 for a missing key, -1 without an expiry, otherwise the
 * remaining (or absolute) time, never negative; seconds are rounded to nearest as Redis does.
 */
function ttlGeneric(ctx: ExecContext, ms: boolean, absolute: boolean): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupNoTouch(ks, 1);
  ctx.stats.count(e === 0 ? Counter.KeyspaceMisses : Counter.KeyspaceHits);
  if (e === 0) {
    ctx.notify(NotifyClass.KeyMiss, KeyEvent.Keymiss, 1);
    return ctx.reply.integer(-2);
  }
  const at = expireExact(ks, e);
  if (at === 0) return ctx.reply.integer(-1);
  if (typeof at === 'number') {
    let ttl = absolute ? at : at - ctx.now;
    if (ttl < 0) ttl = 0;
    ctx.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
    return;
  }
  let ttl = absolute ? at : at - BigInt(ctx.now);
  if (ttl < 0n) ttl = 0n;
  ctx.reply.integer(ms ? ttl : (ttl + 500n) / 1000n);
}

/** PERSIST key: 1 when an expiry was removed. */
function persist(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0 || ks.expireOf(e) === 0) return ctx.reply.integer(0);
  ks.setExpire(ctx.db, e, 0);
  ctx.notify(NotifyClass.Generic, KeyEvent.Persist, 1);
  ctx.dirty++;
  ctx.reply.integer(1);
}

export const expireCommands: CommandFamily = {
  expire: { route: 'keys', run: (ctx) => expireGeneric(ctx, true, true, 'expire') },
  pexpire: { route: 'keys', run: (ctx) => expireGeneric(ctx, true, false, 'pexpire') },
  expireat: { route: 'keys', run: (ctx) => expireGeneric(ctx, false, true, 'expireat') },
  pexpireat: { route: 'keys', run: (ctx) => expireGeneric(ctx, false, false, 'pexpireat') },
  ttl: { route: 'keys', run: (ctx) => ttlGeneric(ctx, false, false) },
  pttl: { route: 'keys', run: (ctx) => ttlGeneric(ctx, true, false) },
  expiretime: { route: 'keys', run: (ctx) => ttlGeneric(ctx, false, true) },
  pexpiretime: { route: 'keys', run: (ctx) => ttlGeneric(ctx, true, true) },
  persist: { route: 'keys', run: persist },
};
