/**
 * Blocking list commands (Redis 7.0.15's t_list.c): BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.
 *
 * Each is an ordinary shard handler built on list.ts's own code paths (LPOP, LMOVE, LMPOP): it
 * validates its arguments in Redis's order (the timeout first for BLPOP/BRPOP/BRPOPLPUSH, after
 * LEFT|RIGHT for BLMOVE, after numkeys, LEFT|RIGHT and COUNT for BLMPOP), serves at once when one of its keys holds a list, and writes no
 * reply at all when every key is missing: the main thread then parks the client and runs the
 * handler again after each write to one of its keys (src/server/blocking.ts).
 *
 * Types: on the first try a key of another type answers WRONGTYPE, as Redis does before blocking.
 * On a retry (ctx.blockedRetry) it is passed over instead: Redis 7.0 serves a blocked client only
 * from a key holding a list and leaves it blocked when the key became something else. BLMOVE's
 * destination is checked when an element is there to move, on every try, as Redis does when it
 * serves a blocked BLMOVE. Inside EXEC (ctx.denyBlocking) nothing blocks: the timeout reply comes
 * at once (the null bulk for BLMOVE/BRPOPLPUSH, as Redis's blmoveGenericCommand).
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { ValueType } from '../storage/keyspace.js';
import { WRONGTYPE } from '../protocol/errors.js';
import { timeoutArgOrReply, TimeoutUnit } from './blocking-timeout.js';
import { MpopArgs, moveGeneric, mpopArgsOrReply, mpopFromFirstList, popOneReply, whereOrReply } from './list.js';

const mpopArgs = new MpopArgs();

/** BLPOP / BRPOP key [key ...] timeout: [key, element] from the first key holding a list. */
function blockingPop(ctx: ExecContext, head: boolean): void {
  const a = ctx.args;
  if (timeoutArgOrReply(a, a.argc - 1, TimeoutUnit.Seconds, ctx.reply) === null) return;
  for (let k = 1; k < a.argc - 1; k++) {
    const ks = ctx.keyspaceFor(k);
    const e = ctx.lookup(ks, k);
    if (e === 0) continue;
    if (ks.type(e) !== ValueType.List) {
      if (ctx.blockedRetry) continue;
      ctx.reply.error(WRONGTYPE);
      return;
    }
    ctx.reply.arrayLen(2);
    ctx.reply.bulk(a.buf, a.offset(k), a.offset(k) + a.length(k));
    popOneReply(ctx, ks, e, head);
    return;
  }
  // Every key missing: no reply, the client blocks (inside EXEC: the timeout reply).
  if (ctx.denyBlocking) ctx.reply.nullArray();
}

/** BLMOVE / BRPOPLPUSH once the arguments are parsed: LMOVE when the source holds a list. */
function blockingMove(ctx: ExecContext, fromHead: boolean, toHead: boolean): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0) {
    if (ctx.denyBlocking) ctx.reply.nullBulk();
    return;
  }
  if (ks.type(e) !== ValueType.List) {
    if (!ctx.blockedRetry) ctx.reply.error(WRONGTYPE);
    return;
  }
  moveGeneric(ctx, fromHead, toHead);
}

function blmove(ctx: ExecContext): void {
  const from = whereOrReply(ctx, 3);
  if (from === null) return;
  const to = whereOrReply(ctx, 4);
  if (to === null) return;
  if (timeoutArgOrReply(ctx.args, 5, TimeoutUnit.Seconds, ctx.reply) === null) return;
  blockingMove(ctx, from, to);
}

function brpoplpush(ctx: ExecContext): void {
  if (timeoutArgOrReply(ctx.args, 3, TimeoutUnit.Seconds, ctx.reply) === null) return;
  blockingMove(ctx, false, true);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
function blmpop(ctx: ExecContext): void {
  if (!mpopArgsOrReply(ctx, 2, mpopArgs)) return;
  if (timeoutArgOrReply(ctx.args, 1, TimeoutUnit.Seconds, ctx.reply) === null) return;
  if (!mpopFromFirstList(ctx, mpopArgs, ctx.blockedRetry) && ctx.denyBlocking) ctx.reply.nullArray();
}

export const listBlockingCommands: CommandFamily = {
  blpop: { route: 'keys', run: (ctx) => blockingPop(ctx, true) },
  brpop: { route: 'keys', run: (ctx) => blockingPop(ctx, false) },
  blmove: { route: 'keys', run: blmove },
  brpoplpush: { route: 'keys', run: brpoplpush },
  blmpop: { route: 'keys', run: blmpop },
};
