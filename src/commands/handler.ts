/**
 * How a command runs. Route decides where: 'keys' on the shard(s) of its key arguments (a worker, or
 * the main thread holding several workers' shards), 'all' with every shard held (whole-keyspace
 * commands), 'main' on the main thread without shard data (connection and server commands).
 * A function route picks per call (DEBUG OBJECT is keyed, DEBUG SLEEP is not).
 *
 * Every handler writes exactly one reply, except a command flagged 'blocking' (BLPOP, BLMOVE, ...):
 * when it has nothing to serve it writes NO reply, and the main thread parks the client and runs
 * the handler again when a write touches one of its keys (src/server/blocking.ts). Such a handler
 * validates its timeout with timeoutArgOrReply (blocking-timeout.ts) and, inside MULTI, replies
 * the null array instead of blocking.
 */
import type { Args } from '../protocol/args.js';
import type { ExecContext } from './context.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';

export type Route = 'keys' | 'all' | 'main';

export type ShardHandler = (ctx: ExecContext) => void;
export type MainHandler = (ctx: ExecContext, client: Client, server: Server) => void;

export type CommandImpl =
  | { route: 'keys' | 'all'; run: ShardHandler }
  | { route: 'main'; run: MainHandler }
  | { route: (args: Args) => Route; run: ShardHandler; main: MainHandler };

/** A family's handlers by command name (lowercase; subcommands as 'parent|sub' are dispatched by the parent). */
export type CommandFamily = Record<string, CommandImpl>;

export function routeOf(impl: CommandImpl, args: Args): Route {
  return typeof impl.route === 'function' ? impl.route(args) : impl.route;
}
