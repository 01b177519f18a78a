/**
 * Executor: runs one command on the current thread against the shards it holds. The same code runs
 * in a shard worker and inline on the main thread (--threads 0). The caller has set ctx.args, ctx.db
 * and ctx.reply (with its protocol) and checked arity.
 */
import type { ExecContext } from '../commands/context.js';
import type { ShardHandler } from '../commands/handler.js';
import type { CommandStats } from './command-stats.js';
import { endCommand, startCommand, wallMs } from './clock.js';

/** Returns the command's duration in us (also recorded in `stats`). */
export function execute(ctx: ExecContext, specId: number, run: ShardHandler, stats: CommandStats): number {
  const start = startCommand();
  ctx.now = wallMs(start);
  ctx.dirty = 0;
  ctx.events.clear();
  const mark = ctx.reply.pos;
  try {
    run(ctx);
  } catch (err) {
    // A fault in a handler must not take the thread down: reply with an error and keep serving.
    ctx.reply.pos = mark;
    const e = err as Error & { code?: string };
    if (e.code === 'ARENA_FULL' || e.code === 'ARENA_TOO_LARGE') ctx.reply.error('OOM command not allowed: shard memory exhausted');
    else {
      ctx.reply.error(`ERR internal error: ${e.message}`);
      console.error('tessera: command failed', e);
    }
  }
  const usec = Math.round((endCommand() - start) * 1000);
  if (ctx.blockedRetry) stats.recordTime(specId, usec);
  else stats.record(specId, usec);
  return usec;
}
