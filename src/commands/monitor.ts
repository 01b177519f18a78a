/**
 * MONITOR: the connection becomes a monitor and receives a line for every command the server runs
 * (src/server/monitor.ts has the line format and which commands are fed when). As in Redis 7.0.15's
 * monitorCommand: inside MULTI the command answers an error (a client that expects one reply per
 * command cannot monitor), and a connection that already monitors gets no reply at all. RESET ends
 * monitoring; a monitor may still run commands that do not touch the keyspace.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { clientInfoProviders, connectionHooks } from './connection.js';

clientInfoProviders.push((c) => (c.monitoring ? { flags: 'O' } : null));

connectionHooks.onReset.push((client, server) => {
  if (client.monitoring) {
    client.monitoring = false;
    server.monitors.remove(client);
  }
});

function monitor(ctx: ExecContext, client: Client, server: Server): void {
  if (ctx.denyBlocking) {
    ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (client.monitoring) return;
  client.monitoring = true;
  server.monitors.add(client);
  ctx.reply.ok();
}

export const monitorCommands: CommandFamily = {
  monitor: { route: 'main', run: monitor },
};
