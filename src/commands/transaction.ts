/**
 * MULTI EXEC DISCARD WATCH UNWATCH: connection state on the main thread; the queue, the watched keys
 * and EXEC's run under holds live in the server (src/server/transaction.ts, Server.exec).
 */
import type { CommandFamily } from './handler.js';

export const transactionCommands: CommandFamily = {
  multi: { route: 'main', run: (ctx, client, server) => server.multi(client, ctx.reply) },
  exec: { route: 'main', run: (ctx, client, server) => server.exec(client, ctx.reply) },
  discard: { route: 'main', run: (ctx, client, server) => server.discardTransaction(client, ctx.reply) },
  watch: { route: 'main', run: (ctx, client, server) => server.watch(client, ctx.args, ctx.reply) },
  unwatch: { route: 'main', run: (ctx, client, server) => server.unwatch(client, ctx.reply) },
};
