/**
 * The RDB file of a set of shard keyspaces (SAVE on the live shards, BGSAVE on copies of their
 * arenas in a worker thread, persistence/rdb-snapshot-worker.ts). An arena's structures are
 * offset-based, so a byte copy of its used part is a consistent snapshot a ShardKeyspace can walk.
 */
import { ShardArena } from '../storage/arena.js';
import { ShardKeyspace } from '../storage/keyspace.js';
import { lruIdleMs, lfuDecayedCounter } from '../commands/context.js';
import { rdbTypeOf, writeRdbObject } from './rdb-value-write.js';
import { RdbFileWriter } from './rdb-file.js';
import { REDIS_VERSION } from '../version.js';

export interface SnapshotOptions {
  compress: boolean;
  /** IDLE records (an LRU maxmemory-policy), FREQ records (an LFU one) and lfu-decay-time. */
  saveLru: boolean;
  saveLfu: boolean;
  lfuDecay: number;
  /** AUX used-mem: the process's resident set when the snapshot was taken. */
  usedMem: number;
  /** The time the snapshot stands for (ms): AUX ctime, idle times and LFU decay. */
  now: number;
}

/** Serializes every database of `shards` and the function libraries `functions` as an RDB file. */
export function serializeShards(shards: ShardKeyspace[], functions: Uint8Array[], o: SnapshotOptions): Uint8Array {
  const file = new RdbFileWriter(o.compress);
  file.aux('redis-ver', REDIS_VERSION);
  file.aux('redis-bits', 64);
  file.aux('ctime', Math.floor(o.now / 1000));
  file.aux('used-mem', o.usedMem);
  file.aux('aof-base', 0);
  for (const code of functions) file.functionLibrary(code);
  const databases = shards[0].databases;
  for (let db = 0; db < databases; db++) {
    let keys = 0;
    let expires = 0;
    for (const ks of shards) {
      keys += ks.count(db);
      expires += ks.expiresCount(db);
    }
    if (keys === 0) continue;
    file.selectDb(db, keys, expires);
    for (const ks of shards) ks.forEach(db, (e) => writeKey(file, ks, e, o));
  }
  return file.finish();
}

function writeKey(file: RdbFileWriter, ks: ShardKeyspace, e: number, o: SnapshotOptions): void {
  const idle = o.saveLru ? Math.floor(lruIdleMs(ks.lru(e), o.now) / 1000) : -1;
  const freq = o.saveLfu ? lfuDecayedCounter(ks.lru(e), o.now, o.lfuDecay) : -1;
  file.keyPrefix(ks.expireOf(e), idle, freq);
  const type = rdbTypeOf(ks, e);
  if (type < 0) throw new Error(`SAVE: no RDB encoding for value type ${ks.type(e)}`);
  file.out.byte(type);
  file.out.stringFrom(ks.arena.u8, ks.keyStart(e), ks.keyLength(e), file.compress);
  writeRdbObject(file.out, ks, e, file.compress);
}

/** A copy of the used part of `arena` (everything below its top), for a snapshot: a memcpy. */
export function copyArena(arena: ShardArena): SharedArrayBuffer {
  const used = arena.usedBytes;
  const copy = new SharedArrayBuffer(used);
  new Uint8Array(copy).set(arena.u8.subarray(0, used));
  return copy;
}

/** Keyspaces over arena copies made by copyArena. */
export function keyspacesOf(copies: SharedArrayBuffer[]): ShardKeyspace[] {
  return copies.map((sab, i) => {
    const arena = ShardArena.attach(sab);
    // The copy stops at the top: its capacity word must say so, or refresh() would look for more.
    arena.u32[1] = sab.byteLength;
    return new ShardKeyspace(arena, i);
  });
}
