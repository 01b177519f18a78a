/**
 * Generic keyspace commands (Redis 7.0.15's db.c, object.c): DEL UNLINK EXISTS TOUCH TYPE RENAME
 * RENAMENX COPY MOVE SWAPDB KEYS SCAN RANDOMKEY DBSIZE FLUSHDB FLUSHALL OBJECT.
 *
 * Keys live in shards (slot -> shard). Commands on named keys run with every involved shard held
 * (`ctx.keyspaceFor(i)` gives a key's shard); whole-keyspace commands (route 'all') walk
 * `ctx.shards`. A key that changes shard (RENAME/COPY across shards) gets a fresh entry in the
 * destination arena: string values are inline bytes and are copied, collections are deep-copied by
 * their type module's `valueCloners[type]`. Within one arena RENAME keeps the value root and only
 * builds a new entry for the new name; MOVE relinks the very same entry in the other database.
 *
 * SCAN's cursor spans shards: high 32 bits = shard index, low 32 bits = that shard's reverse-binary
 * bucket cursor (ShardKeyspace.scanStep). Shards are visited in index order and a shard's table is
 * scanned with Redis's dictScan algorithm, so every key present for the whole iteration is returned
 * at least once even when tables grow or shrink between calls.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { lruIdleMs, lfuDecayedCounter } from './context.js';
import { ShardKeyspace, ValueType, Encoding, valueCloners, E_KEY, LazyFree } from '../storage/keyspace.js';
import { Counter } from '../shard/command-stats.js';
import { Setting } from '../shard/shared-settings.js';
import { DB_INDEX_OUT_OF_RANGE, NOT_INTEGER, NOT_INT_RANGE, NO_SUCH_KEY, SYNTAX, TesseraError, subcommandSyntaxError } from '../protocol/errors.js';
import { parseLongLong } from '../protocol/number-parse.js';
import { globMatch, isMatchAll } from './glob.js';
import {
  parseScanCursorOrReply,
  parseScanOptionsOrReply,
  replyScanCursor,
  scanCursor,
  scanOptions,
  TYPE_ANY,
  typeName,
} from './scan-cursor.js';
import { moveBytes } from '../storage/move-bytes.js';

const SAME_OBJECT = 'ERR source and destination objects are the same';
const LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

// ---------------------------------------------------------------- shared helpers

/** Argument `i` as a C int (Redis's getIntFromObjectOrReply); replies and returns null when it is not one. */
function intArgOrReply(ctx: ExecContext, i: number, message?: string): number | null {
  const a = ctx.args;
  const n = parseLongLong(a.buf, a.offset(i), a.length(i));
  if (n === null) {
    ctx.reply.error(message ?? NOT_INTEGER);
    return null;
  }
  if (n < -2147483648 || n > 2147483647) {
    ctx.reply.error(message ?? NOT_INT_RANGE);
    return null;
  }
  return Number(n);
}

/** Whether database index `db` exists (Redis's selectDb check). */
function dbInRange(ctx: ExecContext, db: number): boolean {
  return db >= 0 && db < ctx.shards[0].databases;
}

/** Lookup of a key given as an argument in database `db` (not necessarily the client's), with lazy expiry. */
function lookupInDb(ctx: ExecContext, ks: ShardKeyspace, db: number, i: number): number {
  const saved = ctx.db;
  ctx.db = db;
  const e = ctx.lookup(ks, i);
  ctx.db = saved;
  return e;
}

/**
 * A read lookup without touching the access word that still counts hits and misses (LOOKUP_NOTOUCH);
 * a miss is a `keymiss` event unless `notifyMiss` is false (LOOKUP_NONOTIFY: OBJECT).
 */
function lookupReadNoTouch(ctx: ExecContext, ks: ShardKeyspace, i: number, notifyMiss = true): number {
  const e = ctx.lookupNoTouch(ks, i);
  if (e === 0) {
    ctx.stats.count(Counter.KeyspaceMisses);
    if (notifyMiss) ctx.notify(NotifyClass.KeyMiss, KeyEvent.Keymiss, i);
  } else ctx.stats.count(Counter.KeyspaceHits);
  return e;
}

/** True when arguments `i` and `j` hold the same bytes. */
function sameArgs(ctx: ExecContext, i: number, j: number): boolean {
  const a = ctx.args;
  const n = a.length(i);
  if (n !== a.length(j)) return false;
  const b = a.buf;
  const oi = a.offset(i);
  const oj = a.offset(j);
  for (let k = 0; k < n; k++) if (b[oi + k] !== b[oj + k]) return false;
  return true;
}

/**
 * Builds a detached entry in `dst` named by argument `keyArg` holding the value of `src`'s entry `e`
 * (type, encoding, flags, access word and expiry copied). With `shareValue` and one arena the
 * collection root is taken over (the caller then frees only the old entry block, not its value);
 * otherwise the value is copied. The caller links the result.
 */
function entryWithValueOf(ctx: ExecContext, src: ShardKeyspace, e: number, dst: ShardKeyspace, keyArg: number, shareValue: boolean): number {
  const type = src.type(e);
  const a = ctx.args;
  let ne: number;
  if (type === ValueType.String) {
    const n = src.valueWord(e);
    ne = dst.newEntry(a.buf, a.offset(keyArg), a.length(keyArg), type, n);
    // Re-read both views after the allocation (src may be dst, whose arena may have grown).
    const from = src.valueStart(e);
    const to = dst.valueStart(ne);
    if (src === dst) moveBytes(dst.arena.u8, to, from, n);
    else dst.arena.u8.set(src.arena.u8.subarray(from, from + n), to);
    dst.setValueWord(ne, n);
  } else {
    let root = src.valueWord(e);
    if (!(shareValue && src === dst)) {
      const clone = valueCloners[type];
      if (!clone) throw new TesseraError('NO_CLONER', `no value cloner registered for type ${typeName(type)}`);
      root = clone(src.arena, root, dst.arena);
    }
    ne = dst.newEntry(a.buf, a.offset(keyArg), a.length(keyArg), type, 0);
    dst.setValueWord(ne, root);
  }
  const su32 = src.arena.u32;
  const du32 = dst.arena.u32;
  const sw = e >>> 2;
  const dw = ne >>> 2;
  du32[dw + 2] = su32[sw + 2]; // type, encoding, flags
  du32[dw + 3] = su32[sw + 3]; // access word
  du32[dw + 4] = su32[sw + 4]; // expiry (linking counts it)
  du32[dw + 5] = su32[sw + 5];
  return ne;
}

// ---------------------------------------------------------------- DEL UNLINK EXISTS TOUCH TYPE

/**
 * DEL / UNLINK key [key ...]: the number of keys removed (an expired key counts as absent). UNLINK
 * always frees big values lazily, DEL when lazyfree-lazy-user-del says so.
 */
function del(ctx: ExecContext): void {
  let removed = 0;
  const lazy = ctx.args.is(0, 'unlink') || (ctx.settings.get(Setting.LazyFree) & LazyFree.UserDel) !== 0;
  for (let i = 1; i < ctx.args.argc; i++) {
    const ks = ctx.keyspaceFor(i);
    const e = ctx.lookupNoTouch(ks, i);
    if (e === 0) continue;
    ks.remove(ctx.db, e, lazy);
    ctx.notify(NotifyClass.Generic, KeyEvent.Del, i);
    ctx.dirty++;
    removed++;
  }
  ctx.reply.integer(removed);
}

/** EXISTS key [key ...]: how many of the arguments exist (a repeated key counts each time). */
function exists(ctx: ExecContext): void {
  let found = 0;
  for (let i = 1; i < ctx.args.argc; i++) {
    if (lookupReadNoTouch(ctx, ctx.keyspaceFor(i), i) !== 0) found++;
  }
  ctx.reply.integer(found);
}

/** TOUCH key [key ...]: updates the access time of existing keys, replies how many exist. */
function touch(ctx: ExecContext): void {
  let found = 0;
  for (let i = 1; i < ctx.args.argc; i++) {
    if (ctx.lookupRead(ctx.keyspaceFor(i), i) !== 0) found++;
  }
  ctx.reply.integer(found);
}

function type(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = lookupReadNoTouch(ctx, ks, 1);
  ctx.reply.simple(e === 0 ? 'none' : typeName(ks.type(e)));
}

// ---------------------------------------------------------------- RENAME RENAMENX COPY MOVE SWAPDB

function renameGeneric(ctx: ExecContext, nx: boolean): void {
  const src = ctx.keyspaceFor(1);
  const samekey = sameArgs(ctx, 1, 2);
  const e = ctx.lookup(src, 1);
  if (e === 0) {
    ctx.reply.error(NO_SUCH_KEY);
    return;
  }
  if (samekey) {
    if (nx) ctx.reply.integer(0);
    else ctx.reply.ok();
    return;
  }
  const dst = ctx.keyspaceFor(2);
  const old = ctx.lookup(dst, 2);
  if (old !== 0) {
    if (nx) {
      ctx.reply.integer(0);
      return;
    }
    dst.remove(ctx.db, old);
  }
  const ne = entryWithValueOf(ctx, src, e, dst, 2, true);
  if (src === dst) {
    // The value now belongs to the new entry: drop only the old entry block.
    src.detach(ctx.db, e);
    src.arena.free(e);
  } else {
    src.remove(ctx.db, e);
  }
  dst.link(ctx.db, ne);
  ctx.notifyNew(dst, ne);
  ctx.dirty++;
  ctx.notify(NotifyClass.Generic, KeyEvent.RenameFrom, 1);
  ctx.notify(NotifyClass.Generic, KeyEvent.RenameTo, 2);
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

/** COPY source destination [DB destination-db] [REPLACE] */
function copy(ctx: ExecContext): void {
  const a = ctx.args;
  let replace = false;
  let dstDb = ctx.db;
  for (let j = 3; j < a.argc; j++) {
    const additional = a.argc - j - 1;
    if (a.is(j, 'replace')) {
      replace = true;
    } else if (a.is(j, 'db') && additional >= 1) {
      const db = intArgOrReply(ctx, j + 1);
      if (db === null) return;
      if (!dbInRange(ctx, db)) {
        ctx.reply.error(DB_INDEX_OUT_OF_RANGE);
        return;
      }
      dstDb = db;
      j++;
    } else {
      ctx.reply.error(SYNTAX);
      return;
    }
  }
  if (dstDb === ctx.db && sameArgs(ctx, 1, 2)) {
    ctx.reply.error(SAME_OBJECT);
    return;
  }
  const src = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(src, 1);
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  const dst = ctx.keyspaceFor(2);
  const old = lookupInDb(ctx, dst, dstDb, 2);
  if (old !== 0) {
    if (!replace) {
      ctx.reply.integer(0);
      return;
    }
  }
  const ne = entryWithValueOf(ctx, src, e, dst, 2, false);
  // A copy is a new object: its access word starts fresh.
  dst.setLru(ne, ctx.newAccessWord());
  if (old !== 0) dst.remove(dstDb, old);
  dst.link(dstDb, ne);
  ctx.notifyNew(dst, ne, dstDb);
  ctx.dirty++;
  ctx.notifyEntry(NotifyClass.Generic, KeyEvent.CopyTo, dst, ne, dstDb);
  ctx.reply.integer(1);
}

/** MOVE key db: the entry is relinked in the other database of the same shard. */
function move(ctx: ExecContext): void {
  const dstDb = intArgOrReply(ctx, 2);
  if (dstDb === null) return;
  if (!dbInRange(ctx, dstDb)) {
    ctx.reply.error(DB_INDEX_OUT_OF_RANGE);
    return;
  }
  if (dstDb === ctx.db) {
    ctx.reply.error(SAME_OBJECT);
    return;
  }
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookup(ks, 1);
  if (e === 0) {
    ctx.reply.integer(0);
    return;
  }
  if (lookupInDb(ctx, ks, dstDb, 1) !== 0) {
    ctx.reply.integer(0);
    return;
  }
  ks.detach(ctx.db, e);
  ks.link(dstDb, e);
  ctx.notifyNew(ks, e, dstDb);
  ctx.dirty++;
  ctx.notify(NotifyClass.Generic, KeyEvent.MoveFrom, 1);
  ctx.notifyEntry(NotifyClass.Generic, KeyEvent.MoveTo, ks, e, dstDb);
  ctx.reply.integer(1);
}

/** SWAPDB index1 index2: swaps the two databases' tables in every shard. */
function swapdb(ctx: ExecContext): void {
  const id1 = intArgOrReply(ctx, 1, 'ERR invalid first DB index');
  if (id1 === null) return;
  const id2 = intArgOrReply(ctx, 2, 'ERR invalid second DB index');
  if (id2 === null) return;
  if (!dbInRange(ctx, id1) || !dbInRange(ctx, id2)) {
    ctx.reply.error(DB_INDEX_OUT_OF_RANGE);
    return;
  }
  if (id1 !== id2) {
    for (const ks of ctx.shards) {
      ks.arena.refresh();
      ks.swap(id1, id2);
    }
  }
  ctx.dirty++;
  ctx.reply.ok();
}

// ---------------------------------------------------------------- KEYS SCAN RANDOMKEY DBSIZE

/** True when an entry's expiry has passed (Redis's keyIsExpired, without deleting it). */
function isExpired(ks: ShardKeyspace, e: number, now: number): boolean {
  const at = ks.expireOf(e);
  return at !== 0 && at <= now;
}

/** KEYS pattern: every live key matching, walking each shard's table (expired keys are skipped, not deleted). */
function keys(ctx: ExecContext): void {
  const a = ctx.args;
  const pat = a.buf;
  const pStart = a.offset(1);
  const pEnd = pStart + a.length(1);
  const all = isMatchAll(pat, pStart, pEnd);
  const reply = ctx.reply;
  const handle = reply.deferredLen();
  let n = 0;
  const db = ctx.db;
  const now = ctx.now;
  for (const ks of ctx.shards) {
    ks.arena.refresh();
    if (ks.count(db) === 0) continue;
    ks.forEach(db, (e) => {
      const u8 = ks.arena.u8;
      const start = e + E_KEY;
      const end = start + ks.keyLength(e);
      if (!all && !globMatch(pat, pStart, pEnd, u8, start, end, false)) return;
      if (isExpired(ks, e, now)) return;
      reply.bulk(u8, start, end);
      n++;
    });
  }
  reply.setDeferredLen(handle, n);
}

const scanShards: ShardKeyspace[] = [];
const scanEntries: number[] = [];

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
function scan(ctx: ExecContext): void {
  if (!parseScanCursorOrReply(ctx, 1)) return;
  let shard = scanCursor.hi;
  let cursor = scanCursor.lo;
  if (!parseScanOptionsOrReply(ctx, 2, true)) return;
  const shards = ctx.shards;
  const db = ctx.db;
  scanShards.length = 0;
  scanEntries.length = 0;
  // A shard without keys in this database is skipped without spending the COUNT budget.
  const emptyShard = (i: number) => {
    shards[i].arena.refresh();
    return shards[i].count(db) === 0;
  };
  if (cursor === 0) while (shard < shards.length && emptyShard(shard)) shard++;
  if (shard >= shards.length) {
    shard = 0;
    cursor = 0;
  } else {
    const count = scanOptions.count;
    let iterations = count * 10;
    let ks = shards[shard];
    const visit = (e: number) => {
      scanShards.push(ks);
      scanEntries.push(e);
    };
    do {
      cursor = ks.scanStep(db, cursor, visit);
      if (cursor === 0) {
        shard++;
        while (shard < shards.length && emptyShard(shard)) shard++;
        if (shard === shards.length) {
          shard = 0;
          break;
        }
        ks = shards[shard];
      }
    } while (iterations-- > 0 && scanEntries.length < count);
  }
  // Filter: pattern, type, then expiry (which deletes, so only after every entry was collected).
  const want = scanOptions.type;
  const hasPattern = scanOptions.matchStart >= 0;
  const a = ctx.args;
  let n = 0;
  for (let k = 0; k < scanEntries.length; k++) {
    const ks = scanShards[k];
    const e = scanEntries[k];
    let keep = true;
    if (hasPattern) {
      const start = e + E_KEY;
      keep = globMatch(a.buf, scanOptions.matchStart, scanOptions.matchEnd, ks.arena.u8, start, start + ks.keyLength(e), false);
    }
    if (keep && want !== TYPE_ANY && ks.type(e) !== want) keep = false;
    if (keep && ctx.expireIfNeeded(ks, e)) keep = false;
    if (keep) n++;
    else scanEntries[k] = 0;
  }
  const reply = ctx.reply;
  replyScanCursor(reply, shard, cursor);
  reply.arrayLen(n);
  for (let k = 0; k < scanEntries.length; k++) {
    const e = scanEntries[k];
    if (e === 0) continue;
    const ks = scanShards[k];
    const start = e + E_KEY;
    reply.bulk(ks.arena.u8, start, start + ks.keyLength(e));
  }
  scanShards.length = 0;
  scanEntries.length = 0;
}

function totalKeys(ctx: ExecContext, db: number): number {
  let n = 0;
  for (const ks of ctx.shards) {
    ks.arena.refresh();
    n += ks.count(db);
  }
  return n;
}

/** RANDOMKEY: a shard chosen in proportion to its keys, then a random key of it; expired picks are deleted and retried. */
function randomkey(ctx: ExecContext): void {
  const db = ctx.db;
  for (;;) {
    const total = totalKeys(ctx, db);
    if (total === 0) {
      ctx.reply.nullBulk();
      return;
    }
    let r = Math.floor(Math.random() * total);
    let ks = ctx.shards[0];
    for (const s of ctx.shards) {
      const c = s.count(db);
      if (r < c) {
        ks = s;
        break;
      }
      r -= c;
    }
    const e = ks.randomEntry(db);
    if (e === 0 || ctx.expireIfNeeded(ks, e)) continue;
    const start = e + E_KEY;
    ctx.reply.bulk(ks.arena.u8, start, start + ks.keyLength(e));
    return;
  }
}

function dbsize(ctx: ExecContext): void {
  ctx.reply.integer(totalKeys(ctx, ctx.db));
}

// ---------------------------------------------------------------- FLUSHDB FLUSHALL

/**
 * [ASYNC | SYNC] -> 1 lazy (an empty table in O(1), the old one freed in the background), 0 sync,
 * -1 after replying the syntax error. Without an option, lazyfree-lazy-user-flush decides.
 */
function flushMode(ctx: ExecContext): number {
  const a = ctx.args;
  if (a.argc === 1) return (ctx.settings.get(Setting.LazyFree) & LazyFree.UserFlush) !== 0 ? 1 : 0;
  if (a.argc === 2 && a.is(1, 'sync')) return 0;
  if (a.argc === 2 && a.is(1, 'async')) return 1;
  ctx.reply.error(SYNTAX);
  return -1;
}

function flushdb(ctx: ExecContext): void {
  const mode = flushMode(ctx);
  if (mode < 0) return;
  for (const ks of ctx.shards) {
    ks.arena.refresh();
    ctx.dirty += mode === 1 ? ks.flushLazy(ctx.db) : ks.flush(ctx.db);
  }
  ctx.reply.ok();
}

function flushall(ctx: ExecContext): void {
  const mode = flushMode(ctx);
  if (mode < 0) return;
  for (const ks of ctx.shards) {
    ks.arena.refresh();
    const dbs = ks.databases;
    for (let db = 0; db < dbs; db++) ctx.dirty += mode === 1 ? ks.flushLazy(db) : ks.flush(db);
  }
  ctx.dirty++;
  ctx.reply.ok();
}

// ---------------------------------------------------------------- OBJECT

/** Redis's strEncoding names by OBJ_ENCODING_* number. */
const ENCODING_NAMES: Record<number, string> = {
  [Encoding.Raw]: 'raw',
  [Encoding.Int]: 'int',
  [Encoding.HashTable]: 'hashtable',
  [Encoding.IntSet]: 'intset',
  [Encoding.SkipList]: 'skiplist',
  [Encoding.Embstr]: 'embstr',
  [Encoding.QuickList]: 'quicklist',
  [Encoding.Stream]: 'stream',
  [Encoding.ListPack]: 'listpack',
};

export function encodingName(enc: number): string {
  return ENCODING_NAMES[enc] ?? 'unknown';
}

const OBJ_SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

/** Redis shares the integer objects 0..9999 (refcount INT_MAX) unless an LRU/LFU maxmemory policy forbids it. */
function refcountOf(ctx: ExecContext, ks: ShardKeyspace, e: number): number {
  if (ks.type(e) !== ValueType.String || ks.encoding(e) !== Encoding.Int) return 1;
  if (ctx.settings.get(Setting.SharedIntegers) === 0) return 1;
  const u8 = ks.arena.u8;
  const start = ks.valueStart(e);
  const len = ks.valueWord(e);
  if (len === 0 || len > 4) return 1;
  let v = 0;
  for (let k = 0; k < len; k++) {
    const c = u8[start + k];
    if (c < 48 || c > 57) return 1;
    v = v * 10 + (c - 48);
  }
  return v < OBJ_SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/** OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT key, OBJECT HELP. The lookups do not touch the key. */
function object(ctx: ExecContext): void {
  const a = ctx.args;
  const reply = ctx.reply;
  if (a.argc === 2 && a.is(1, 'help')) {
    reply.arrayLen(OBJECT_HELP.length);
    for (const line of OBJECT_HELP) reply.simple(line);
    return;
  }
  if (a.argc !== 3 || !(a.is(1, 'encoding') || a.is(1, 'freq') || a.is(1, 'idletime') || a.is(1, 'refcount'))) {
    reply.error(subcommandSyntaxError(a.text(1), 'object'));
    return;
  }
  const ks = ctx.keyspaceFor(2);
  const e = lookupReadNoTouch(ctx, ks, 2, false);
  if (e === 0) {
    reply.nullBulk();
    return;
  }
  if (a.is(1, 'encoding')) {
    reply.bulkLatin1(encodingName(ks.encoding(e)));
  } else if (a.is(1, 'refcount')) {
    reply.integer(refcountOf(ctx, ks, e));
  } else if (a.is(1, 'idletime')) {
    if (ctx.settings.lfu) reply.error(LFU_SELECTED);
    else reply.integer(Math.floor(lruIdleMs(ks.lru(e), ctx.now) / 1000));
  } else {
    if (!ctx.settings.lfu) reply.error(LFU_NOT_SELECTED);
    else reply.integer(lfuDecayedCounter(ks.lru(e), ctx.now, ctx.settings.get(Setting.LfuDecayTime)));
  }
}

export const keyCommands: CommandFamily = {
  del: { route: 'keys', run: del },
  unlink: { route: 'keys', run: del },
  exists: { route: 'keys', run: exists },
  touch: { route: 'keys', run: touch },
  type: { route: 'keys', run: type },
  rename: { route: 'keys', run: (ctx) => renameGeneric(ctx, false) },
  renamenx: { route: 'keys', run: (ctx) => renameGeneric(ctx, true) },
  copy: { route: 'keys', run: copy },
  move: { route: 'keys', run: move },
  swapdb: { route: 'all', run: swapdb },
  keys: { route: 'all', run: keys },
  scan: { route: 'all', run: scan },
  randomkey: { route: 'all', run: randomkey },
  dbsize: { route: 'all', run: dbsize },
  flushdb: { route: 'all', run: flushdb },
  flushall: { route: 'all', run: flushall },
  object: { route: 'keys', run: object },
};
