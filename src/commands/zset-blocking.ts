/**
 * Blocking sorted-set commands (Redis 7.0.15's t_zset.c): BZPOPMIN BZPOPMAX BZMPOP.
 *
 * Ordinary shard handlers over zset.ts's own pop (genericZpopCommand's port): BZPOPMIN/BZPOPMAX
 * validate the timeout first; BZMPOP parses numkeys, MIN|MAX and COUNT first and the timeout after,
 * as Redis does. The first key holding a sorted set is served at once ([key, member, score] flat,
 * or [key, [[member, score]...]] for BZMPOP); when every key is missing no reply is written and the
 * main thread parks the client (src/server/blocking.ts). A key of another type answers WRONGTYPE on
 * the first try and is passed over on a retry (ctx.blockedRetry), as Redis 7.0 only serves a blocked
 * client from a key of the type it waits for. Inside EXEC (ctx.denyBlocking) the null array comes
 * at once instead of blocking.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { ValueType } from '../storage/keyspace.js';
import { WRONGTYPE } from '../protocol/errors.js';
import { timeoutArgOrReply, TimeoutUnit } from './blocking-timeout.js';
import { ZmpopArgs, zmpopArgsOrReply, zpopGeneric } from './zset.js';

const zmpopArgs = new ZmpopArgs();

/** The first of `keyc` keys from argument `first` holding a sorted set; 0 when none (or WRONGTYPE was replied: -1). */
function firstZset(ctx: ExecContext, first: number, keyc: number): number {
  for (let k = first; k < first + keyc; k++) {
    const ks = ctx.keyspaceFor(k);
    const e = ctx.lookup(ks, k);
    if (e === 0) continue;
    if (ks.type(e) !== ValueType.ZSet) {
      if (ctx.blockedRetry) continue;
      ctx.reply.error(WRONGTYPE);
      return -1;
    }
    return k;
  }
  return 0;
}

/** BZPOPMIN / BZPOPMAX key [key ...] timeout. */
function bzpop(ctx: ExecContext, max: boolean): void {
  const a = ctx.args;
  if (timeoutArgOrReply(a, a.argc - 1, TimeoutUnit.Seconds, ctx.reply) === null) return;
  const k = firstZset(ctx, 1, a.argc - 2);
  if (k > 0) zpopGeneric(ctx, k, 1, max, true, -1, false, false);
  else if (k === 0 && ctx.denyBlocking) ctx.reply.nullArray();
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]. */
function bzmpop(ctx: ExecContext): void {
  if (!zmpopArgsOrReply(ctx, 2, zmpopArgs)) return;
  if (timeoutArgOrReply(ctx.args, 1, TimeoutUnit.Seconds, ctx.reply) === null) return;
  const k = firstZset(ctx, zmpopArgs.firstKey, zmpopArgs.numkeys);
  if (k > 0) zpopGeneric(ctx, k, 1, zmpopArgs.max, true, zmpopArgs.count, true, true);
  else if (k === 0 && ctx.denyBlocking) ctx.reply.nullArray();
}

export const zsetBlockingCommands: CommandFamily = {
  bzpopmin: { route: 'keys', run: (ctx) => bzpop(ctx, false) },
  bzpopmax: { route: 'keys', run: (ctx) => bzpop(ctx, true) },
  bzmpop: { route: 'keys', run: bzmpop },
};
