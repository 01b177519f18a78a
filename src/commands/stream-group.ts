/**
 * Consumer-group commands of streams (Redis 7.0.15's t_stream.c): XGROUP XACK XPENDING XCLAIM
 * XAUTOCLAIM. XREADGROUP and XINFO live in stream.ts; the group state (last delivered id, entries
 * read, PEL, consumers) in storage/stream-value.ts.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import type { ShardArena } from '../storage/arena.js';
import { NOT_INTEGER, SYNTAX } from '../protocol/errors.js';
import { string2llExact } from '../protocol/number-parse.js';
import { subcommandSyntaxErrorOf } from './connection.js';
import {
  ENTRIES_READ_INVALID,
  R_LAST,
  StreamId,
  StreamIterator,
  consumerCreate,
  consumerDelete,
  consumerFind,
  consumerNameLength,
  consumerNameStart,
  consumerPel,
  consumersSorted,
  groupCreate,
  groupDestroy,
  groupFind,
  groupLastId,
  groupPel,
  idCmp,
  idCopy,
  idIncr,
  idDecr,
  idMapDelete,
  idMapFind,
  idMapFirst,
  idMapFirstAtOrAfter,
  idMapId,
  idMapInsert,
  idMapLast,
  idMapLength,
  idMapNext,
  idMapValue,
  nackConsumer,
  nackCount,
  nackFree,
  nackNew,
  nackTime,
  setConsumerSeen,
  setGroupEntriesRead,
  setGroupLastId,
  setNackConsumer,
  setNackCount,
  setNackTime,
  streamId,
} from '../storage/stream-value.js';
import { INVALID_END, INVALID_START, intervalIdOrReply, parseId, replyEntry, replyId, strictIdOrReply, strictIdValid, streamCreate, streamRead, streamWrite } from './stream-args.js';

// ---------------------------------------------------------------- XGROUP

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

/** ENTRIESREAD's value: an int64 >= 0 or -1; null after replying. */
function entriesReadOrReply(ctx: ExecContext, i: number): bigint | null {
  const a = ctx.args;
  const n = string2llExact(a.buf, a.offset(i), a.length(i));
  if (n === null) {
    ctx.reply.error(NOT_INTEGER);
    return null;
  }
  if (n < 0n && n !== -1n) {
    ctx.reply.error('ERR value for ENTRIESREAD must be positive or -1');
    return null;
  }
  return n;
}

function xgroup(ctx: ExecContext): void {
  const a = ctx.args;
  const r = ctx.reply;
  let mkstream = false;
  let entriesRead = ENTRIES_READ_INVALID;
  let s = 0;
  let g = 0;
  const ks = a.argc >= 4 ? ctx.keyspaceFor(2) : null;
  if (a.argc >= 4 && ks !== null) {
    if (a.is(1, 'create') && a.argc >= 5) {
      for (let i = 5; i < a.argc; ) {
        if (a.is(i, 'mkstream')) {
          mkstream = true;
          i++;
        } else if (a.is(i, 'entriesread') && i + 1 < a.argc) {
          const n = entriesReadOrReply(ctx, i + 1);
          if (n === null) return;
          entriesRead = n;
          i += 2;
        } else {
          r.error(subcommandSyntaxErrorOf(ctx));
          return;
        }
      }
    } else if (a.is(1, 'setid') && a.argc >= 5) {
      for (let i = 5; i < a.argc; ) {
        if (a.is(i, 'entriesread') && i + 1 < a.argc) {
          const n = entriesReadOrReply(ctx, i + 1);
          if (n === null) return;
          entriesRead = n;
          i += 2;
        } else {
          r.error(subcommandSyntaxErrorOf(ctx));
          return;
        }
      }
    }
    s = streamWrite(ctx, ks, 2);
    if (s < 0) return;
    if (!mkstream) {
      if (s === 0) {
        r.error(
          'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
        );
        return;
      }
      g = groupFind(ks.arena, s, a.buf, a.offset(3), a.length(3));
      if (g === 0 && (a.is(1, 'setid') || a.is(1, 'createconsumer') || a.is(1, 'delconsumer'))) {
        r.error(`NOGROUP No such consumer group '${a.string(3)}' for key name '${a.string(2)}'`);
        return;
      }
    } else if (s !== 0) g = groupFind(ks.arena, s, a.buf, a.offset(3), a.length(3));
  }
  if (a.argc === 2 && a.is(1, 'help')) {
    r.arrayLen(XGROUP_HELP.length);
    for (const line of XGROUP_HELP) r.simple(line);
    return;
  }
  if (ks === null) {
    r.error(subcommandSyntaxErrorOf(ctx));
    return;
  }
  const id = new StreamId();
  if (a.is(1, 'create') && a.argc >= 5 && a.argc <= 8) {
    if (a.length(4) === 1 && a.buf[a.offset(4)] === 36) {
      if (s !== 0) streamId(ks.arena, s, R_LAST, id);
    } else if (!strictIdOrReply(ctx, 4, id)) return;
    if (s === 0) s = streamCreate(ctx, ks, 2);
    if (g !== 0) {
      r.error('BUSYGROUP Consumer Group name already exists');
      return;
    }
    groupCreate(ks.arena, s, a.buf, a.offset(3), a.length(3), id, entriesRead);
    ctx.dirty++;
    r.ok();
    ctx.notify(NotifyClass.Stream, KeyEvent.XgroupCreate, 2);
  } else if (a.is(1, 'setid') && (a.argc === 5 || a.argc === 7)) {
    if (a.length(4) === 1 && a.buf[a.offset(4)] === 36) streamId(ks.arena, s, R_LAST, id);
    else if (parseId(a.buf, a.offset(4), a.length(4), id, false, false) === false) {
      r.error('ERR Invalid stream ID specified as stream command argument');
      return;
    }
    setGroupLastId(ks.arena, g, id);
    setGroupEntriesRead(ks.arena, g, entriesRead);
    ctx.dirty++;
    r.ok();
    ctx.notify(NotifyClass.Stream, KeyEvent.XgroupSetid, 2);
  } else if (a.is(1, 'destroy') && a.argc === 4) {
    if (g !== 0) {
      groupDestroy(ks.arena, s, a.buf, a.offset(3), a.length(3));
      ctx.dirty++;
      r.integer(1);
      ctx.notify(NotifyClass.Stream, KeyEvent.XgroupDestroy, 2);
    } else r.integer(0);
  } else if (a.is(1, 'createconsumer') && a.argc === 5) {
    if (consumerFind(ks.arena, g, a.buf, a.offset(4), a.length(4)) !== 0) r.integer(0);
    else {
      consumerCreate(ks.arena, g, a.buf, a.offset(4), a.length(4), ctx.now);
      ctx.dirty++;
      ctx.notify(NotifyClass.Stream, KeyEvent.XgroupCreateconsumer, 2);
      r.integer(1);
    }
  } else if (a.is(1, 'delconsumer') && a.argc === 5) {
    const c = consumerFind(ks.arena, g, a.buf, a.offset(4), a.length(4));
    const pending = c === 0 ? 0 : consumerDelete(ks.arena, g, c);
    ctx.dirty++;
    ctx.notify(NotifyClass.Stream, KeyEvent.XgroupDelconsumer, 2);
    r.integer(pending);
  } else {
    r.error(subcommandSyntaxErrorOf(ctx));
  }
}

// ---------------------------------------------------------------- XACK

function xack(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const s = streamRead(ctx, ks, 1);
  if (s < 0) return;
  const g = s === 0 ? 0 : groupFind(ks.arena, s, a.buf, a.offset(2), a.length(2));
  if (g === 0) {
    ctx.reply.integer(0);
    return;
  }
  const ids: StreamId[] = [];
  for (let j = 3; j < a.argc; j++) {
    const id = new StreamId();
    if (!strictIdOrReply(ctx, j, id)) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    if (pelRemove(ks.arena, g, id)) {
      acked++;
      ctx.dirty++;
    }
  }
  ctx.reply.integer(acked);
}

/** Removes an id from the group's PEL and its owner's; true when it was pending. */
function pelRemove(arena: ShardArena, g: number, id: StreamId): boolean {
  const gpel = groupPel(arena, g);
  const node = idMapFind(arena, gpel, id);
  if (node === 0) return false;
  const nack = idMapValue(arena, node);
  idMapDelete(arena, gpel, node);
  const cpel = consumerPel(arena, nackConsumer(arena, nack));
  const cn = idMapFind(arena, cpel, id);
  if (cn !== 0) idMapDelete(arena, cpel, cn);
  nackFree(arena, nack);
  return true;
}

// ---------------------------------------------------------------- XPENDING

function xpending(ctx: ExecContext): void {
  const a = ctx.args;
  const r = ctx.reply;
  const justInfo = a.argc === 3;
  const start = new StreamId();
  const end = new StreamId();
  let count = 0;
  let minIdle = 0;
  let consumerArg = 0;
  if (a.argc !== 3 && (a.argc < 6 || a.argc > 9)) {
    r.error(SYNTAX);
    return;
  }
  if (a.argc >= 6) {
    let startIdx = 3;
    if (a.is(3, 'idle')) {
      const n = string2llExact(a.buf, a.offset(4), a.length(4));
      if (n === null) {
        r.error(NOT_INTEGER);
        return;
      }
      minIdle = Number(n);
      if (a.argc < 8) {
        r.error(SYNTAX);
        return;
      }
      startIdx += 2;
    }
    const n = string2llExact(a.buf, a.offset(startIdx + 2), a.length(startIdx + 2));
    if (n === null) {
      r.error(NOT_INTEGER);
      return;
    }
    count = n < 0n ? 0 : Number(n);
    const sx = intervalIdOrReply(ctx, startIdx, start, false);
    if (sx === null) return;
    if (sx && !idIncr(start)) {
      r.error(INVALID_START);
      return;
    }
    const ex = intervalIdOrReply(ctx, startIdx + 1, end, true);
    if (ex === null) return;
    if (ex && !idDecr(end)) {
      r.error(INVALID_END);
      return;
    }
    if (startIdx + 3 < a.argc) consumerArg = startIdx + 3;
  }
  const ks = ctx.keyspaceFor(1);
  const s = streamRead(ctx, ks, 1);
  if (s < 0) return;
  const arena = ks.arena;
  const g = s === 0 ? 0 : groupFind(arena, s, a.buf, a.offset(2), a.length(2));
  if (g === 0) {
    r.error(`NOGROUP No such key '${a.string(1)}' or consumer group '${a.string(2)}'`);
    return;
  }
  const gpel = groupPel(arena, g);
  const id = new StreamId();
  if (justInfo) {
    r.arrayLen(4);
    r.integer(idMapLength(arena, gpel));
    if (idMapLength(arena, gpel) === 0) {
      r.nullBulk();
      r.nullBulk();
      r.nullArray();
      return;
    }
    idMapId(arena, idMapFirst(arena, gpel), id);
    replyId(r, id);
    idMapId(arena, idMapLast(arena, gpel), id);
    replyId(r, id);
    const consumers = consumersSorted(arena, g).filter((c) => idMapLength(arena, consumerPel(arena, c.addr)) > 0);
    r.arrayLen(consumers.length);
    for (const c of consumers) {
      r.arrayLen(2);
      r.bulk(c.name);
      r.bulkInteger(idMapLength(arena, consumerPel(arena, c.addr)));
    }
    return;
  }
  let pel = gpel;
  if (consumerArg !== 0) {
    const c = consumerFind(arena, g, a.buf, a.offset(consumerArg), a.length(consumerArg));
    if (c === 0) {
      r.arrayLen(0);
      return;
    }
    pel = consumerPel(arena, c);
  }
  const now = ctx.now;
  const h = r.deferredLen();
  let n = 0;
  for (let node = idMapFirstAtOrAfter(arena, pel, start); count > 0 && node !== 0; node = idMapNext(arena, node)) {
    idMapId(arena, node, id);
    if (idCmp(id, end) > 0) break;
    const nack = idMapValue(arena, node);
    if (minIdle !== 0 && now - nackTime(arena, nack) < minIdle) continue;
    n++;
    count--;
    r.arrayLen(4);
    replyId(r, id);
    const c = nackConsumer(arena, nack);
    const cs = consumerNameStart(arena, c);
    r.bulk(arena.u8, cs, cs + consumerNameLength(arena, c));
    r.integer(Math.max(0, now - nackTime(arena, nack)));
    r.integer(nackCount(arena, nack));
  }
  r.setDeferredLen(h, n);
}

// ---------------------------------------------------------------- XCLAIM / XAUTOCLAIM

const claimIter = new StreamIterator();

/** Does the stream hold a live entry with this id (streamEntryExists)? */
function entryExists(arena: ShardArena, s: number, id: StreamId): boolean {
  return claimIter.begin(arena, s, id, id, false).next();
}

/** Moves (or gives) a pending entry to `consumer`, replying it (JUSTID: the id only). */
function claimTo(ctx: ExecContext, arena: ShardArena, s: number, nack: number, consumer: number, id: StreamId, deliveryTime: number, retryCount: number, justId: boolean): void {
  const old = nackConsumer(arena, nack);
  if (old !== consumer && old !== 0) {
    const cpel = consumerPel(arena, old);
    const cn = idMapFind(arena, cpel, id);
    if (cn !== 0) idMapDelete(arena, cpel, cn);
  }
  setNackTime(arena, nack, deliveryTime);
  if (retryCount >= 0) setNackCount(arena, nack, retryCount);
  else if (!justId) setNackCount(arena, nack, nackCount(arena, nack) + 1);
  if (old !== consumer) {
    idMapInsert(arena, consumerPel(arena, consumer), id, nack);
    setNackConsumer(arena, nack, consumer);
  }
  if (justId) replyId(ctx.reply, id);
  else if (claimIter.begin(arena, s, id, id, false).next()) replyEntry(ctx.reply, arena, claimIter);
  else ctx.reply.nullBulk();
}

function lookupOrCreateConsumer(ctx: ExecContext, arena: ShardArena, g: number, nameArg: number): number {
  const a = ctx.args;
  let c = consumerFind(arena, g, a.buf, a.offset(nameArg), a.length(nameArg));
  if (c === 0) {
    c = consumerCreate(arena, g, a.buf, a.offset(nameArg), a.length(nameArg), ctx.now);
    ctx.notify(NotifyClass.Stream, KeyEvent.XgroupCreateconsumer, 1);
  } else setConsumerSeen(arena, c, ctx.now);
  return c;
}

function xclaim(ctx: ExecContext): void {
  const a = ctx.args;
  const r = ctx.reply;
  const ks = ctx.keyspaceFor(1);
  const s = streamRead(ctx, ks, 1);
  if (s < 0) return;
  const arena = ks.arena;
  const g = s === 0 ? 0 : groupFind(arena, s, a.buf, a.offset(2), a.length(2));
  if (g === 0) {
    r.error(`NOGROUP No such key '${a.string(1)}' or consumer group '${a.string(2)}'`);
    return;
  }
  const mi = string2llExact(a.buf, a.offset(4), a.length(4));
  if (mi === null) {
    r.error('ERR Invalid min-idle-time argument for XCLAIM');
    return;
  }
  const minIdle = mi < 0n ? 0 : Number(mi);
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < a.argc; j++) {
    const id = new StreamId();
    if (!strictIdValid(a, j, id)) break;
    ids.push(id);
  }
  const now = ctx.now;
  let deliveryTime = -1;
  let retryCount = -1;
  let force = false;
  let justId = false;
  const lastId = new StreamId();
  for (; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (a.is(j, 'force')) force = true;
    else if (a.is(j, 'justid')) justId = true;
    else if ((a.is(j, 'idle') || a.is(j, 'time') || a.is(j, 'retrycount')) && more > 0) {
      const option = a.lower(j);
      j++;
      const n = string2llExact(a.buf, a.offset(j), a.length(j));
      if (n === null) {
        r.error(`ERR Invalid ${option.toUpperCase()} option argument for XCLAIM`);
        return;
      }
      if (option === 'idle') deliveryTime = now - Number(n);
      else if (option === 'time') deliveryTime = Number(n);
      else retryCount = Number(n);
    } else if (a.is(j, 'lastid') && more > 0) {
      j++;
      if (!strictIdOrReply(ctx, j, lastId)) return;
    } else {
      r.error(`ERR Unrecognized XCLAIM option '${a.string(j)}'`);
      return;
    }
  }
  const groupLast = new StreamId();
  groupLastId(arena, g, groupLast);
  if (idCmp(lastId, groupLast) > 0) {
    setGroupLastId(arena, g, lastId);
    ctx.dirty++;
  }
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else deliveryTime = now;
  let consumer = 0;
  const h = r.deferredLen();
  let n = 0;
  const gpel = groupPel(arena, g);
  for (const id of ids) {
    let node = idMapFind(arena, gpel, id);
    if (!entryExists(arena, s, id)) {
      if (node !== 0) {
        pelRemove(arena, g, id);
        ctx.dirty++;
      }
      continue;
    }
    let nack = node === 0 ? 0 : idMapValue(arena, node);
    if (force && node === 0) {
      nack = nackNew(arena, 0, now, 1);
      node = idMapInsert(arena, gpel, id, nack);
    }
    if (nack === 0) continue;
    if (nackConsumer(arena, nack) !== 0 && minIdle !== 0 && now - nackTime(arena, nack) < minIdle) continue;
    if (consumer === 0) consumer = lookupOrCreateConsumer(ctx, arena, g, 3);
    claimTo(ctx, arena, s, nack, consumer, id, deliveryTime, retryCount, justId);
    n++;
    ctx.dirty++;
  }
  r.setDeferredLen(h, n);
}

const ATTEMPTS_FACTOR = 10;
const MAX_AUTOCLAIM_COUNT = 576460752303423487n; // LONG_MAX / 16

function xautoclaim(ctx: ExecContext): void {
  const a = ctx.args;
  const r = ctx.reply;
  const mi = string2llExact(a.buf, a.offset(4), a.length(4));
  if (mi === null) {
    r.error('ERR Invalid min-idle-time argument for XAUTOCLAIM');
    return;
  }
  const minIdle = mi < 0n ? 0 : Number(mi);
  const start = new StreamId();
  const sx = intervalIdOrReply(ctx, 5, start, false);
  if (sx === null) return;
  if (sx && !idIncr(start)) {
    r.error(INVALID_START);
    return;
  }
  let count = 100;
  let justId = false;
  for (let j = 6; j < a.argc; j++) {
    const more = a.argc - 1 - j;
    if (a.is(j, 'count') && more > 0) {
      const n = string2llExact(a.buf, a.offset(j + 1), a.length(j + 1));
      if (n === null || n < 1n || n > MAX_AUTOCLAIM_COUNT) {
        r.error('ERR COUNT must be > 0');
        return;
      }
      count = Number(n);
      j++;
    } else if (a.is(j, 'justid')) justId = true;
    else {
      r.error(SYNTAX);
      return;
    }
  }
  const ks = ctx.keyspaceFor(1);
  const s = streamRead(ctx, ks, 1);
  if (s < 0) return;
  const arena = ks.arena;
  const g = s === 0 ? 0 : groupFind(arena, s, a.buf, a.offset(2), a.length(2));
  if (g === 0) {
    r.error(`NOGROUP No such key '${a.string(1)}' or consumer group '${a.string(2)}'`);
    return;
  }
  let attempts = count * ATTEMPTS_FACTOR;
  const now = ctx.now;
  const deleted: StreamId[] = [];
  const gpel = groupPel(arena, g);
  let consumer = 0;
  r.arrayLen(3);
  // The cursor reply comes first but is known last: the claimed entries go to a scratch position.
  const cursor = new StreamId();
  const id = new StreamId();
  const claimed: StreamId[] = [];
  let node = idMapFirstAtOrAfter(arena, gpel, start);
  while (attempts-- > 0 && count > 0 && node !== 0) {
    idMapId(arena, node, id);
    const nack = idMapValue(arena, node);
    const next = idMapNext(arena, node);
    if (!entryExists(arena, s, id)) {
      const gone = new StreamId();
      idCopy(gone, id);
      pelRemove(arena, g, id);
      deleted.push(gone);
      ctx.dirty++;
      count--;
      node = idMapFirstAtOrAfter(arena, gpel, id);
      continue;
    }
    node = next;
    if (minIdle !== 0 && now - nackTime(arena, nack) < minIdle) continue;
    if (consumer === 0) consumer = lookupOrCreateConsumer(ctx, arena, g, 3);
    const claimedId = new StreamId();
    idCopy(claimedId, id);
    claimed.push(claimedId);
    count--;
    ctx.dirty++;
  }
  if (node === 0) idCopy(cursor, new StreamId());
  else idMapId(arena, node, cursor);
  replyId(r, cursor);
  r.arrayLen(claimed.length);
  for (const cid of claimed) {
    const cn = idMapFind(arena, gpel, cid);
    claimTo(ctx, arena, s, idMapValue(arena, cn), consumer, cid, now, -1, justId);
  }
  r.arrayLen(deleted.length);
  for (const d of deleted) replyId(r, d);
}

export const groupCommands: CommandFamily = {
  xgroup: { route: 'keys', run: xgroup },
  xack: { route: 'keys', run: xack },
  xpending: { route: 'keys', run: xpending },
  xclaim: { route: 'keys', run: xclaim },
  xautoclaim: { route: 'keys', run: xautoclaim },
};
