/**
 * Every command family, registered explicitly (as Dragonfly's families are): the one list that binds
 * handlers to the declarative command table. Worker threads and the main thread build the same map.
 */
import type { CommandFamily, CommandImpl, ShardHandler } from './handler.js';
import { stringCommands } from './string.js';
import { keyCommands } from './keys.js';
import { expireCommands } from './expire.js';
import { connectionCommands } from './connection.js';
import { serverCommands } from './server-admin.js';
import { sortedSetCommands } from './zset.js';
import { zsetBlockingCommands } from './zset-blocking.js';
import { listCommands } from './list.js';
import { listBlockingCommands } from './list-blocking.js';
import { hashCommands } from './hash.js';
import { setCommands } from './set.js';
import { geoCommands } from './geo.js';
import { bitmapCommands } from './bitmap.js';
import { bitfieldCommands } from './bitfield.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { sortCommands } from './sort.js';
import { pubsubCommands } from './pubsub.js';
// CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO register themselves as CLIENT subcommands.
import './client-tracking.js';
import { transactionCommands } from './transaction.js';
import { streamCommands } from './stream.js';
import { scriptingCommands } from './scripting.js';
import { functionCommands } from './functions.js';
import { monitorCommands } from './monitor.js';
import { dumpRestoreCommands } from './dump-restore.js';
import { saveCommands } from './save.js';
import { replicationCommands } from './replication.js';
import { aclCommands } from './acl.js';

const FAMILIES: CommandFamily[] = [stringCommands, keyCommands, expireCommands, connectionCommands, transactionCommands, pubsubCommands, serverCommands, listCommands, listBlockingCommands, hashCommands, setCommands, geoCommands, sortedSetCommands, zsetBlockingCommands, hyperloglogCommands, sortCommands, bitmapCommands, bitfieldCommands, streamCommands, scriptingCommands, functionCommands, monitorCommands, dumpRestoreCommands, replicationCommands, aclCommands, saveCommands];

export function commandImplsByName(): Map<string, CommandImpl> {
  const map = new Map<string, CommandImpl>();
  for (const family of FAMILIES) {
    for (const [name, impl] of Object.entries(family)) {
      if (map.has(name)) throw new Error(`command ${name} registered twice`);
      map.set(name, impl);
    }
  }
  return map;
}

/** Handlers a shard worker can run (routes 'keys' and 'all', and the shard half of per-call routes). */
export function shardHandlersByName(): Map<string, ShardHandler> {
  const map = new Map<string, ShardHandler>();
  for (const [name, impl] of commandImplsByName()) {
    if (impl.route !== 'main') map.set(name, impl.run as ShardHandler);
  }
  return map;
}
