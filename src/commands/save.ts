/**
 * SAVE and DEBUG RELOAD (Redis 7.0.15 rdb.c saveCommand, debug.c), and loading the RDB file at
 * startup: the dataset as Redis's RDB file (persistence/rdb-file.ts) at `dir`/`dbfilename`.
 *
 * SAVE is synchronous, as Redis's: it runs with every shard held (route 'all'), serializes every
 * database of every shard and the function libraries into memory, writes a temporary file and
 * renames it over the old one. SHUTDOWN, SIGTERM and SIGINT save the same way when save points are
 * configured (saveBeforeExit). BGSAVE follows DESIGN.md section 4: every shard held only while its
 * arena is copied, the copies serialized in a worker thread (startBgsave). Automatic saves at the
 * `save` points (a dirty counter) and AOF are not served.
 *
 * Loading builds each key with RESTORE's code (dump-restore.ts createKey), so encodings follow this
 * server's thresholds; keys whose expiry has passed are skipped, as a Redis master does.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { debugExtensions } from './server-admin.js';
import { accessWord, createKey } from './dump-restore.js';
import type { Server } from '../server/server.js';
import { Setting } from '../shard/shared-settings.js';
import { readRdbFile } from '../persistence/rdb-file.js';
import { copyArena, serializeShards, type SnapshotOptions } from '../persistence/rdb-snapshot.js';
import type { SnapshotJob, SnapshotResult } from '../persistence/rdb-snapshot-worker.js';
import { SYNTAX } from '../protocol/errors.js';
import { functionStoreOf } from '../scripting/function-store.js';
import { luaEngine, luaUnavailable } from '../scripting/lua-engine.js';
import { Worker } from 'node:worker_threads';

const RELOAD_OPTIONS = 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.';
const BGSAVE_IN_PROGRESS = 'ERR Background save already in progress';
const RELOAD_FAILED = 'ERR Error trying to load the RDB dump, check server logs.';

/** The RDB file's path: `dir` (the working directory when empty) joined with `dbfilename`. */
export function rdbPath(server: Server): string {
  const dir = server.config.string('dir');
  return path.resolve(dir === '' ? process.cwd() : dir, server.config.string('dbfilename'));
}

/** The snapshot options of the server's settings, at `now`. */
function snapshotOptions(ctx: ExecContext, server: Server, now: number): SnapshotOptions {
  const policy = ctx.settings.policy;
  return {
    compress: server.config.bool('rdbcompression'),
    saveLru: policy === 'allkeys-lru' || policy === 'volatile-lru',
    saveLfu: ctx.settings.lfu,
    lfuDecay: ctx.settings.get(Setting.LfuDecayTime),
    usedMem: process.memoryUsage().rss,
    now,
  };
}

function functionCodes(server: Server): Uint8Array[] {
  return [...functionStoreOf(server).libraries.values()].map((library) => library.code);
}

/** Serializes every shard held by `ctx` (and the function libraries) as an RDB file. */
function serialize(ctx: ExecContext, server: Server): Uint8Array {
  return serializeShards(ctx.shards, functionCodes(server), snapshotOptions(ctx, server, Date.now()));
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
  if (server.bgsave.worker !== null) {
    server.log.warning('There is a child saving an .rdb. Killing it!');
    abortBgsave(server);
  }
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
  if (server.bgsave.worker !== null) {
    ctx.reply.error(BGSAVE_IN_PROGRESS);
    return;
  }
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

// ---------------------------------------------------------------- BGSAVE

const WORKER_URL = new URL('../persistence/rdb-snapshot-worker.js', import.meta.url);

/**
 * rdbSaveBackground: with every shard held (the caller's route 'all'), copies each shard's arena
 * (the pause, reported as latest_fork_usec) and hands the copies to a worker thread, which
 * serializes them and writes the temporary file; the rename over dir/dbfilename happens here when
 * it reports success, so a save that was aborted (SHUTDOWN) never replaces the file.
 */
export function startBgsave(ctx: ExecContext, server: Server): boolean {
  const state = server.bgsave;
  const target = rdbPath(server);
  const temp = path.join(path.dirname(target), `temp-bgsave-${process.pid}.rdb`);
  const started = Date.now();
  const t0 = process.hrtime.bigint();
  const arenas = ctx.shards.map((ks) => copyArena(ks.arena));
  state.lastPauseUs = Number(process.hrtime.bigint() - t0) / 1000;
  const job: SnapshotJob = { arenas, functions: functionCodes(server), options: snapshotOptions(ctx, server, started), temp };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_URL, { workerData: job });
  } catch (err) {
    server.log.warning(`Can't save in background: ${(err as Error).message}`);
    state.lastStatusOk = false;
    return false;
  }
  worker.unref();
  state.worker = worker;
  state.temp = temp;
  state.startedMs = started;
  state.total++;
  server.rdbSaves++;
  let settled = false;
  const done = (result: SnapshotResult) => {
    if (settled) return;
    settled = true;
    if (state.worker !== worker) return; // aborted: abortBgsave cleaned up
    state.worker = null;
    state.lastTimeSec = Math.round((Date.now() - started) / 1000);
    if (result.ok) {
      try {
        fs.renameSync(temp, target);
        state.lastStatusOk = true;
        server.lastSave = Math.floor(Date.now() / 1000);
        server.log.notice('Background saving terminated with success');
        return;
      } catch (err) {
        result = { ok: false, error: (err as Error).message };
      }
    }
    state.lastStatusOk = false;
    fs.rmSync(temp, { force: true });
    server.log.warning(`Background saving error: ${result.error}`);
  };
  worker.once('message', (result: SnapshotResult) => done(result));
  worker.once('error', (err) => done({ ok: false, error: err.message }));
  worker.once('exit', (code) => done({ ok: false, error: `the saving thread exited with code ${code}` }));
  server.log.notice(`Background saving started (shards held ${(state.lastPauseUs / 1000).toFixed(1)} ms to copy ${arenas.reduce((n, a) => n + a.byteLength, 0)} bytes)`);
  return true;
}

/** killRDBChild and rdbRemoveTempFile: stops the save in progress and removes its temporary file. */
export function abortBgsave(server: Server): void {
  const state = server.bgsave;
  const worker = state.worker;
  if (worker === null) return;
  state.worker = null;
  const temp = state.temp;
  fs.rmSync(temp, { force: true });
  void worker.terminate().then(() => fs.rmSync(temp, { force: true }));
}

/** BGSAVE [SCHEDULE] */
function bgsave(ctx: ExecContext): void {
  const server = ctx.server!;
  const a = ctx.args;
  if (a.argc > 1 && !(a.argc === 2 && a.is(1, 'schedule'))) {
    ctx.reply.error(SYNTAX);
    return;
  }
  if (server.bgsave.worker !== null) {
    ctx.reply.error(BGSAVE_IN_PROGRESS);
    return;
  }
  if (ctx.denyBlocking) {
    // Inside EXEC Redis schedules it (serverCron starts it); here right after the transaction,
    // with every shard held.
    setImmediate(() => {
      if (server.bgsave.worker === null && !server.isClosing) server.holdAllShards((c) => startBgsave(c, server));
    });
    ctx.reply.simple('Background saving scheduled');
    return;
  }
  if (startBgsave(ctx, server)) ctx.reply.simple('Background saving started');
  else ctx.reply.error('ERR');
}

export const saveCommands: CommandFamily = {
  save: { route: 'all', run: save },
  bgsave: { route: 'all', run: bgsave },
};
