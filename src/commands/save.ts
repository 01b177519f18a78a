/**
 * SAVE and DEBUG RELOAD (Redis 7.0.15 rdb.c saveCommand, debug.c), and loading the RDB file at
 * startup: the dataset as Redis's RDB file (persistence/rdb-file.ts) at `dir`/`dbfilename`.
 *
 * SAVE is synchronous, as Redis's: it runs with every shard held (route 'all'), serializes every
 * database of every shard and the function libraries into memory, writes a temporary file and
 * renames it over the old one. SHUTDOWN, SIGTERM and SIGINT save the same way when save points are
 * configured (saveBeforeExit). BGSAVE, automatic `save` points and AOF need the snapshot design of
 * DESIGN.md section 4 (copy the arenas, serialize off the main path) and are not served.
 *
 * Loading builds each key with RESTORE's code (dump-restore.ts createKey), so encodings follow this
 * server's thresholds; keys whose expiry has passed are skipped, as a Redis master does.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { lruIdleMs, lfuDecayedCounter } from './context.js';
import { debugExtensions } from './server-admin.js';
import { accessWord, createKey } from './dump-restore.js';
import type { Server } from '../server/server.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { Setting } from '../shard/shared-settings.js';
import { rdbTypeOf, writeRdbObject } from '../persistence/rdb-value-write.js';
import { RdbFileWriter, readRdbFile } from '../persistence/rdb-file.js';
import { functionStoreOf } from '../scripting/function-store.js';
import { luaEngine, luaUnavailable } from '../scripting/lua-engine.js';
import { REDIS_VERSION } from '../version.js';

const RELOAD_OPTIONS = 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.';
const RELOAD_FAILED = 'ERR Error trying to load the RDB dump, check server logs.';

/** The RDB file's path: `dir` (the working directory when empty) joined with `dbfilename`. */
export function rdbPath(server: Server): string {
  const dir = server.config.string('dir');
  return path.resolve(dir === '' ? process.cwd() : dir, server.config.string('dbfilename'));
}

/** Serializes every shard held by `ctx` (and the function libraries) as an RDB file. */
function serialize(ctx: ExecContext, server: Server): Uint8Array {
  const file = new RdbFileWriter(server.config.bool('rdbcompression'));
  file.aux('redis-ver', REDIS_VERSION);
  file.aux('redis-bits', 64);
  file.aux('ctime', Math.floor(Date.now() / 1000));
  file.aux('used-mem', process.memoryUsage().rss);
  file.aux('aof-base', 0);
  for (const library of functionStoreOf(server).libraries.values()) file.functionLibrary(library.code);
  const policy = ctx.settings.policy;
  const saveLru = policy === 'allkeys-lru' || policy === 'volatile-lru';
  const saveLfu = ctx.settings.lfu;
  const decay = ctx.settings.get(Setting.LfuDecayTime);
  const now = Date.now();
  const databases = ctx.shards[0].databases;
  for (let db = 0; db < databases; db++) {
    let keys = 0;
    let expires = 0;
    for (const ks of ctx.shards) {
      keys += ks.count(db);
      expires += ks.expiresCount(db);
    }
    if (keys === 0) continue;
    file.selectDb(db, keys, expires);
    for (const ks of ctx.shards) {
      ks.forEach(db, (e) => writeKey(file, ks, e, saveLru, saveLfu, decay, now));
    }
  }
  return file.finish();
}

function writeKey(file: RdbFileWriter, ks: ShardKeyspace, e: number, saveLru: boolean, saveLfu: boolean, decay: number, now: number): void {
  const idle = saveLru ? Math.floor(lruIdleMs(ks.lru(e), now) / 1000) : -1;
  const freq = saveLfu ? lfuDecayedCounter(ks.lru(e), now, decay) : -1;
  file.keyPrefix(ks.expireOf(e), idle, freq);
  const type = rdbTypeOf(ks, e);
  if (type < 0) throw new Error(`SAVE: no RDB encoding for value type ${ks.type(e)}`);
  file.out.byte(type);
  file.out.stringFrom(ks.arena.u8, ks.keyStart(e), ks.keyLength(e), file.compress);
  writeRdbObject(file.out, ks, e, file.compress);
}

/** rdbSave: the file written to a temporary name and renamed over the old one; the caller holds every shard. */
export function saveToDisk(ctx: ExecContext, server: Server): boolean {
  const target = rdbPath(server);
  const temp = path.join(path.dirname(target), `temp-${process.pid}.rdb`);
  try {
    const bytes = serialize(ctx, server);
    fs.writeFileSync(temp, bytes);
    fs.renameSync(temp, target);
  } catch (err) {
    server.log.warning(`Failed opening the RDB file ${server.config.string('dbfilename')} (in server root dir ${path.dirname(target)}) for saving: ${(err as Error).message}`);
    fs.rmSync(temp, { force: true });
    return false;
  }
  server.lastSave = Math.floor(Date.now() / 1000);
  server.log.notice('DB saved on disk');
  return true;
}

/**
 * Redis's prepareForShutdown, its RDB part (SHUTDOWN, SIGTERM, SIGINT): the final snapshot is
 * written when save points are configured (`save` not empty) and NOSAVE was not given, or when SAVE
 * was. Returns false when that save failed without FORCE: the server must not exit.
 */
export function saveBeforeExit(server: Server, save: boolean, nosave: boolean, force: boolean): boolean {
  if (!(save || (!nosave && server.config.string('save').trim() !== ''))) return true;
  server.log.notice('Saving the final RDB snapshot before exiting.');
  if (server.saveRdbFile()) return true;
  if (force) {
    server.log.warning('Error trying to save the DB. Exit anyway.');
    return true;
  }
  server.log.warning("Error trying to save the DB, can't exit.");
  return false;
}

/** SAVE */
function save(ctx: ExecContext): void {
  const server = ctx.server!;
  server.rdbSaves++;
  if (saveToDisk(ctx, server)) ctx.reply.ok();
  else ctx.reply.error('ERR');
}

/**
 * Loads the RDB file at `file` into the shards of `ctx` (which the caller holds) and the function
 * store; `merge` replaces keys that exist (DEBUG RELOAD MERGE), otherwise a duplicate key is an
 * error. Returns null, or what went wrong.
 */
export function loadRdbFile(ctx: ExecContext, server: Server, bytes: Uint8Array, merge: boolean): string | null {
  const codes: Uint8Array[] = [];
  let loaded = 0;
  let expired = 0;
  const now = Date.now();
  ctx.now = now;
  const error = readRdbFile(bytes, {
    aux() {},
    functionLibrary(code) {
      codes.push(code);
      return null;
    },
    key(db, key, value, expireMs, idleSeconds, freq) {
      if (db >= ctx.shards[0].databases) return `Database ${db} is out of range`;
      if (expireMs !== 0 && expireMs < now) {
        expired++;
        return null;
      }
      const ks = ctx.keyspaceForBytes(key, 0, key.length);
      const old = ks.find(db, key, 0, key.length);
      if (old !== 0) {
        if (!merge) return `Duplicate key '${Buffer.from(key).toString('latin1')}' found in RDB file`;
        ks.remove(db, old);
      }
      const e = createKey(ctx, ks, db, key, 0, key.length, value);
      if (expireMs !== 0) ks.setExpire(db, e, expireMs);
      const access = accessWord(ctx, BigInt(idleSeconds), BigInt(freq));
      if (access !== -1) ks.setLru(e, access);
      loaded++;
      return null;
    },
  });
  if (error !== null) return error;
  if (codes.length > 0) {
    const engine = luaEngine();
    if (engine === null) return `the RDB file holds functions and Lua is not available: ${luaUnavailable()}`;
    const failed = functionStoreOf(server).restore(engine, codes, merge ? 'replace' : 'append');
    if (failed !== null) return failed;
  }
  server.rdbLastLoadKeysLoaded = loaded;
  server.rdbLastLoadKeysExpired = expired;
  return null;
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the dataset, load the file back. */
function debugReload(ctx: ExecContext): void {
  const server = ctx.server!;
  let flush = true;
  let doSave = true;
  let merge = false;
  const a = ctx.args;
  for (let j = 2; j < a.argc; j++) {
    if (a.is(j, 'merge')) merge = true;
    else if (a.is(j, 'noflush')) flush = false;
    else if (a.is(j, 'nosave')) doSave = false;
    else {
      ctx.reply.error(RELOAD_OPTIONS);
      return;
    }
  }
  if (doSave && !saveToDisk(ctx, server)) {
    ctx.reply.error('ERR');
    return;
  }
  if (flush) {
    for (const ks of ctx.shards) for (let db = 0; db < ks.databases; db++) ks.flush(db);
    const engine = luaEngine();
    if (engine !== null) functionStoreOf(server).restore(engine, [], 'flush');
  }
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(rdbPath(server));
  } catch (err) {
    server.log.warning(`Fatal error loading the DB: ${(err as Error).message}`);
    ctx.reply.error(RELOAD_FAILED);
    return;
  }
  const error = loadRdbFile(ctx, server, bytes, merge);
  if (error !== null) {
    server.log.warning(`Error loading the RDB file: ${error}`);
    ctx.reply.error(RELOAD_FAILED);
    return;
  }
  ctx.dirty++;
  server.log.warning('DB reloaded by DEBUG RELOAD');
  ctx.reply.ok();
}

debugExtensions.set('reload', { route: 'all', run: debugReload });

export const saveCommands: CommandFamily = {
  save: { route: 'all', run: save },
};
