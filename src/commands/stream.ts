/**
 * Stream commands (Redis 7.0.15's t_stream.c): XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID XREAD
 * XREADGROUP XINFO. The consumer-group commands are in stream-group.ts; storage in
 * storage/stream-value.ts.
 *
 * Blocking reads: XREAD and XREADGROUP are blocking commands (server/blocking.ts). With BLOCK and
 * nothing to serve they write no reply and the main thread parks the client; after a write to one
 * of the keys the handler runs again (ctx.blockedRetry) and serves whatever is newer than the ids.
 * XREAD's `$` must mean the last id at the first try, so a first try that blocks with a `$` sends
 * the arguments back with `$` replaced by that id (writeArgsRewrite). XREADGROUP's `>` needs no
 * rewrite: the group's last delivered id is the reference on every try.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { ValueType } from '../storage/keyspace.js';
import { NO_SUCH_KEY, NOT_INTEGER, SYNTAX, WRONGTYPE, WRONG_ARITY } from '../protocol/errors.js';
import { string2llExact } from '../protocol/number-parse.js';
import { timeoutArgOrReply, TimeoutUnit } from './blocking-timeout.js';
import { writeArgsRewrite } from '../server/blocking.js';
import { subcommandSyntaxErrorOf } from './connection.js';
import {
  R_FIRST,
  R_LAST,
  R_MAXDEL,
  StreamId,
  StreamIterator,
  STREAM_ID_MAX,
  STREAM_ID_ZERO,
  TrimStrategy,
  consumerCreate,
  consumerFind,
  consumerNameLength,
  consumerNameStart,
  consumerPel,
  consumerSeen,
  consumersSorted,
  entriesAdded,
  groupConsumerCount,
  groupCount,
  groupEntriesRead,
  groupFind,
  groupLastId,
  groupPel,
  groupsSorted,
  idCmp,
  idCopy,
  idDecr,
  idIncr,
  idIsMax,
  idIsZero,
  idMapFirst,
  idMapFirstAtOrAfter,
  idMapFind,
  idMapId,
  idMapInsert,
  idMapLength,
  idMapNext,
  idMapValue,
  idMapDelete,
  idText,
  nackConsumer,
  nackCount,
  nackNew,
  nackTime,
  setConsumerSeen,
  setEntriesAdded,
  setNackConsumer,
  setNackCount,
  setNackTime,
  setStreamId,
  streamAppend,
  streamDeleteId,
  streamFirstLastEntry,
  streamId,
  streamLength,
  streamNodeCount,
  streamMemory,
  streamRaxNodes,
  streamTrim,
  streamUpdateFirstId,
  ENTRIES_READ_INVALID,
  setGroupEntriesRead,
  setGroupLastId,
  entriesAddedIsZero,
} from '../storage/stream-value.js';
import {
  INVALID_END,
  INVALID_ID,
  INVALID_START,
  estimateDistance,
  intervalIdOrReply,
  parseId,
  rangeHasTombstones,
  replyEntry,
  replyGroupLag,
  replyId,
  strictIdOrReply,
  streamCreate,
  streamRead,
  streamWrite,
} from './stream-args.js';
import { groupCommands } from './stream-group.js';
import { mixDigest, valueReporters } from './server-admin.js';
import { ListpackEntry, lpNext, lpRead } from '../storage/listpack.js';

// ---------------------------------------------------------------- XADD / XTRIM options

class TrimArgs {
  strategy = TrimStrategy.None;
  maxlen = 0;
  readonly minid = new StreamId();
  approx = false;
  limit = 0;
  noMkStream = false;
  idGiven = false;
  seqGiven = true;
  readonly id = new StreamId();
}
const trimArgs = new TrimArgs();

/** Redis's streamParseAddOrTrimArgsOrReply: returns the index of XADD's id (argc for XTRIM), -1 after replying. */
function addOrTrimArgsOrReply(ctx: ExecContext, t: TrimArgs, xadd: boolean): number {
  const a = ctx.args;
  const r = ctx.reply;
  t.strategy = TrimStrategy.None;
  t.maxlen = 0;
  t.approx = false;
  t.limit = 0;
  t.noMkStream = false;
  t.idGiven = false;
  t.seqGiven = true;
  let limitGiven = false;
  let i = 2;
  for (; i < a.argc; i++) {
    const more = a.argc - 1 - i;
    const o = a.offset(i);
    if (xadd && a.buf[o] === 42 && (a.length(i) === 1 || a.buf[o + 1] === 0)) break;
    if (a.is(i, 'maxlen') && more > 0) {
      if (t.strategy !== TrimStrategy.None) {
        r.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return -1;
      }
      t.approx = false;
      if (more >= 2 && a.length(i + 1) === 1 && a.buf[a.offset(i + 1)] === 126) {
        t.approx = true;
        i++;
      } else if (more >= 2 && a.length(i + 1) === 1 && a.buf[a.offset(i + 1)] === 61) i++;
      const n = string2llExact(a.buf, a.offset(i + 1), a.length(i + 1));
      if (n === null) {
        r.error(NOT_INTEGER);
        return -1;
      }
      if (n < 0n) {
        r.error('ERR The MAXLEN argument must be >= 0.');
        return -1;
      }
      t.maxlen = n > 0xffffffffn ? 0xffffffff : Number(n);
      i++;
      t.strategy = TrimStrategy.MaxLen;
    } else if (a.is(i, 'minid') && more > 0) {
      if (t.strategy !== TrimStrategy.None) {
        r.error('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
        return -1;
      }
      t.approx = false;
      if (more >= 2 && a.length(i + 1) === 1 && a.buf[a.offset(i + 1)] === 126) {
        t.approx = true;
        i++;
      } else if (more >= 2 && a.length(i + 1) === 1 && a.buf[a.offset(i + 1)] === 61) i++;
      if (!strictIdOrReply(ctx, i + 1, t.minid)) return -1;
      i++;
      t.strategy = TrimStrategy.MinId;
    } else if (a.is(i, 'limit') && more > 0) {
      const n = string2llExact(a.buf, a.offset(i + 1), a.length(i + 1));
      if (n === null) {
        r.error(NOT_INTEGER);
        return -1;
      }
      if (n < 0n) {
        r.error('ERR The LIMIT argument must be >= 0.');
        return -1;
      }
      t.limit = n > 0xffffffffn ? 0xffffffff : Number(n);
      limitGiven = true;
      i++;
    } else if (xadd && a.is(i, 'nomkstream')) {
      t.noMkStream = true;
    } else if (xadd) {
      const ok = parseId(a.buf, a.offset(i), a.length(i), t.id, true, false, true);
      if (ok === false) {
        r.error(INVALID_ID);
        return -1;
      }
      t.idGiven = true;
      t.seqGiven = ok === true;
      break;
    } else {
      r.error(SYNTAX);
      return -1;
    }
  }
  if (t.limit !== 0 && t.strategy === TrimStrategy.None) {
    r.error('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
    return -1;
  }
  if (!xadd && t.strategy === TrimStrategy.None) {
    r.error('ERR syntax error, XTRIM must be called with a trimming strategy');
    return -1;
  }
  if (limitGiven) {
    if (!t.approx) {
      r.error('ERR syntax error, LIMIT cannot be used without the special ~ option');
      return -1;
    }
  } else t.limit = t.approx ? 100 * 100 : 0;
  return i;
}

// ---------------------------------------------------------------- XADD

const lastId = new StreamId();
const newId = new StreamId();

function xadd(ctx: ExecContext): void {
  const a = ctx.args;
  const r = ctx.reply;
  const t = trimArgs;
  const idPos = addOrTrimArgsOrReply(ctx, t, true);
  if (idPos < 0) return;
  const fieldPos = idPos + 1;
  if (a.argc - fieldPos < 2 || (a.argc - fieldPos) % 2 === 1) {
    r.error(WRONG_ARITY('xadd'));
    return;
  }
  if (t.idGiven && t.seqGiven && idIsZero(t.id)) {
    r.error('ERR The ID specified in XADD must be greater than 0-0');
    return;
  }
  const ks = ctx.keyspaceFor(1);
  let s = streamWrite(ctx, ks, 1);
  if (s < 0) return;
  if (s === 0) {
    if (t.noMkStream) {
      r.nullBulk();
      return;
    }
    s = streamCreate(ctx, ks, 1);
  }
  const arena = ks.arena;
  streamId(arena, s, R_LAST, lastId);
  if (idIsMax(lastId)) {
    r.error('ERR The stream has exhausted the last possible ID, unable to add more items');
    return;
  }
  if (t.idGiven) {
    idCopy(newId, t.id);
    if (!t.seqGiven && newId.msHi === lastId.msHi && newId.msLo === lastId.msLo) {
      if (lastId.seqHi === 0xffffffff && lastId.seqLo === 0xffffffff) {
        r.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
        return;
      }
      idCopy(newId, lastId);
      idIncr(newId);
    }
  } else {
    const now = ctx.now;
    const hi = Math.floor(now / 4294967296);
    const lo = now >>> 0;
    if (hi > lastId.msHi || (hi === lastId.msHi && lo > lastId.msLo)) {
      newId.msHi = hi;
      newId.msLo = lo;
      newId.seqHi = newId.seqLo = 0;
    } else {
      idCopy(newId, lastId);
      idIncr(newId);
    }
  }
  if (idCmp(newId, lastId) <= 0) {
    r.error('ERR The ID specified in XADD is equal or smaller than the target stream top item');
    return;
  }
  streamAppend(
    arena,
    s,
    newId,
    a.buf,
    (i) => a.offset(i),
    (i) => a.length(i),
    fieldPos,
    (a.argc - fieldPos) / 2,
  );
  replyId(r, newId);
  ctx.dirty++;
  ctx.notify(NotifyClass.Stream, KeyEvent.Xadd, 1);
  if (t.strategy !== TrimStrategy.None && streamTrim(arena, s, t.strategy, t.maxlen, t.minid, t.approx, t.limit) > 0) {
    ctx.notify(NotifyClass.Stream, KeyEvent.Xtrim, 1);
  }
}

function xtrim(ctx: ExecContext): void {
  const t = trimArgs;
  if (addOrTrimArgsOrReply(ctx, t, false) < 0) return;
  const ks = ctx.keyspaceFor(1);
  const s = streamWrite(ctx, ks, 1);
  if (s < 0) return;
  if (s === 0) {
    ctx.reply.integer(0);
    return;
  }
  const deleted = streamTrim(ks.arena, s, t.strategy, t.maxlen, t.minid, t.approx, t.limit);
  ctx.dirty += deleted;
  if (deleted > 0) ctx.notify(NotifyClass.Stream, KeyEvent.Xtrim, 1);
  ctx.reply.integer(deleted);
}

// ---------------------------------------------------------------- XRANGE / XREVRANGE / XLEN / XDEL

const rangeStart = new StreamId();
const rangeEnd = new StreamId();
const iter = new StreamIterator();

function xrange(ctx: ExecContext, rev: boolean): void {
  const a = ctx.args;
  const r = ctx.reply;
  const startArg = rev ? 3 : 2;
  const endArg = rev ? 2 : 3;
  const startEx = intervalIdOrReply(ctx, startArg, rangeStart, false);
  if (startEx === null) return;
  if (startEx && !idIncr(rangeStart)) {
    r.error(INVALID_START);
    return;
  }
  const endEx = intervalIdOrReply(ctx, endArg, rangeEnd, true);
  if (endEx === null) return;
  if (endEx && !idDecr(rangeEnd)) {
    r.error(INVALID_END);
    return;
  }
  let count = -1;
  for (let j = 4; j < a.argc; j++) {
    if (a.is(j, 'count') && j + 1 < a.argc) {
      const n = string2llExact(a.buf, a.offset(j + 1), a.length(j + 1));
      if (n === null) {
        r.error(NOT_INTEGER);
        return;
      }
      count = n < 0n ? 0 : n > 0xffffffffn ? 0xffffffff : Number(n);
      j++;
    } else {
      r.error(SYNTAX);
      return;
    }
  }
  const ks = ctx.keyspaceFor(1);
  const s = streamRead(ctx, ks, 1);
  if (s < 0) return;
  if (s === 0) {
    r.arrayLen(0);
    return;
  }
  if (count === 0) {
    r.nullArray();
    return;
  }
  replyRange(ctx, ks, s, rangeStart, rangeEnd, count === -1 ? 0 : count, rev);
}

/** Entries in [start, end] as an array (count 0 = all). */
function replyRange(ctx: ExecContext, ks: ShardKeyspace, s: number, start: StreamId, end: StreamId, count: number, rev: boolean): number {
  const r = ctx.reply;
  const h = r.deferredLen();
  let n = 0;
  iter.begin(ks.arena, s, start, end, rev);
  while (iter.next()) {
    replyEntry(r, ks.arena, iter);
    n++;
    if (count !== 0 && n === count) break;
  }
  r.setDeferredLen(h, n);
  return n;
}

function xlen(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const s = streamRead(ctx, ks, 1);
  if (s < 0) return;
  ctx.reply.integer(s === 0 ? 0 : streamLength(ks.arena, s));
}

const firstId = new StreamId();

function xdel(ctx: ExecContext): void {
  const a = ctx.args;
  const ks = ctx.keyspaceFor(1);
  const s = streamWrite(ctx, ks, 1);
  if (s < 0) return;
  if (s === 0) {
    ctx.reply.integer(0);
    return;
  }
  const ids: StreamId[] = [];
  for (let j = 2; j < a.argc; j++) {
    const id = new StreamId();
    if (!strictIdOrReply(ctx, j, id)) return;
    ids.push(id);
  }
  const arena = ks.arena;
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (streamDeleteId(arena, s, id)) {
      streamId(arena, s, R_FIRST, firstId);
      if (idCmp(id, firstId) === 0) firstEntry = true;
      deleted++;
    }
  }
  if (deleted > 0) {
    if (streamLength(arena, s) === 0) setStreamId(arena, s, R_FIRST, STREAM_ID_ZERO);
    else if (firstEntry) streamUpdateFirstId(arena, s);
    ctx.dirty += deleted;
    ctx.notify(NotifyClass.Stream, KeyEvent.Xdel, 1);
  }
  ctx.reply.integer(deleted);
}

// ---------------------------------------------------------------- XSETID

function xsetid(ctx: ExecContext): void {
  const a = ctx.args;
  const r = ctx.reply;
  const id = new StreamId();
  const maxDel = new StreamId();
  let added = -1n;
  if (!strictIdOrReply(ctx, 2, id)) return;
  for (let i = 3; i < a.argc; i += 2) {
    const more = a.argc - 1 - i;
    if (a.is(i, 'entriesadded') && more > 0) {
      const n = string2llExact(a.buf, a.offset(i + 1), a.length(i + 1));
      if (n === null) {
        r.error(NOT_INTEGER);
        return;
      }
      if (n < 0n) {
        r.error('ERR entries_added must be positive');
        return;
      }
      added = n;
    } else if (a.is(i, 'maxdeletedid') && more > 0) {
      if (!strictIdOrReply(ctx, i + 1, maxDel)) return;
      if (idCmp(id, maxDel) < 0) {
        r.error('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
        return;
      }
    } else {
      r.error(SYNTAX);
      return;
    }
  }
  const ks = ctx.keyspaceFor(1);
  const s = streamWrite(ctx, ks, 1);
  if (s < 0) return;
  if (s === 0) {
    r.error(NO_SUCH_KEY);
    return;
  }
  const arena = ks.arena;
  const cur = new StreamId();
  const len = streamLength(arena, s);
  if (len > 0) {
    streamFirstLastEntry(arena, s, true, cur);
    if (idCmp(id, cur) < 0) {
      r.error('ERR The ID specified in XSETID is smaller than the target stream top item');
      return;
    }
    if (added !== -1n && BigInt(len) > added) {
      r.error('ERR The entries_added specified in XSETID is smaller than the target stream length');
      return;
    }
  }
  setStreamId(arena, s, R_LAST, id);
  if (added !== -1n) setEntriesAdded(arena, s, added);
  if (!idIsZero(maxDel)) setStreamId(arena, s, R_MAXDEL, maxDel);
  ctx.dirty++;
  r.ok();
  ctx.notify(NotifyClass.Stream, KeyEvent.Xsetid, 1);
}

// ---------------------------------------------------------------- XREAD / XREADGROUP

/** XREAD's default COUNT when a blocked read is served (Redis's XREAD_BLOCKED_DEFAULT_COUNT). */
const XREAD_BLOCKED_DEFAULT_COUNT = 1000;

function xread(ctx: ExecContext, group: boolean): void {
  const a = ctx.args;
  const r = ctx.reply;
  let block = -1;
  let count = 0;
  let streamsArg = 0;
  let streamsCount = 0;
  let groupArg = 0;
  let noack = false;
  for (let i = 1; i < a.argc; i++) {
    const more = a.argc - i - 1;
    if (a.is(i, 'block') && more > 0) {
      i++;
      const t = timeoutArgOrReply(a, i, TimeoutUnit.Milliseconds, r);
      if (t === null) return;
      block = t;
    } else if (a.is(i, 'count') && more > 0) {
      i++;
      const n = string2llExact(a.buf, a.offset(i), a.length(i));
      if (n === null) {
        r.error(NOT_INTEGER);
        return;
      }
      count = n < 0n ? 0 : n > 0xffffffffn ? 0xffffffff : Number(n);
    } else if (a.is(i, 'streams') && more > 0) {
      streamsArg = i + 1;
      streamsCount = a.argc - streamsArg;
      if (streamsCount % 2 !== 0) {
        r.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return;
      }
      streamsCount /= 2;
      break;
    } else if (a.is(i, 'group') && more >= 2) {
      if (!group) {
        r.error('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      groupArg = i + 1;
      i += 2;
    } else if (a.is(i, 'noack')) {
      if (!group) {
        r.error('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        return;
      }
      noack = true;
    } else {
      r.error(SYNTAX);
      return;
    }
  }
  if (streamsArg === 0) {
    r.error(SYNTAX);
    return;
  }
  if (group && groupArg === 0) {
    r.error('ERR Missing GROUP option for XREADGROUP');
    return;
  }
  const ids: StreamId[] = [];
  const groups: number[] = [];
  const dollar = new Map<number, Uint8Array>();
  for (let k = 0; k < streamsCount; k++) {
    const keyArg = streamsArg + k;
    const idArg = streamsArg + streamsCount + k;
    const ks = ctx.keyspaceFor(keyArg);
    const e = ctx.lookupRead(ks, keyArg);
    if (e !== 0 && ks.type(e) !== ValueType.Stream) {
      if (ctx.blockedRetry) {
        // A blocked client waits for a stream: another type there is not ready yet.
        return;
      }
      r.error(WRONGTYPE);
      return;
    }
    const s = e === 0 ? 0 : ks.valueWord(e);
    if (group) {
      const g = s === 0 ? 0 : groupFind(ks.arena, s, a.buf, a.offset(groupArg), a.length(groupArg));
      if (g === 0) {
        if (ctx.blockedRetry) {
          if (s !== 0) r.error('NOGROUP the consumer group this client was blocked on no longer exists');
          return;
        }
        r.error(`NOGROUP No such key '${a.string(keyArg)}' or consumer group '${a.string(groupArg)}' in XREADGROUP with GROUP option`);
        return;
      }
      groups.push(g);
    }
    const id = new StreamId();
    ids.push(id);
    const len = a.length(idArg);
    const c0 = a.buf[a.offset(idArg)];
    if (len === 1 && c0 === 36) {
      if (group) {
        r.error(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
        return;
      }
      if (s !== 0) streamId(ks.arena, s, R_LAST, id);
      dollar.set(idArg, Buffer.from(idText(id), 'latin1'));
      continue;
    }
    if (len === 1 && c0 === 62) {
      if (!group) {
        r.error('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
        return;
      }
      idCopy(id, STREAM_ID_MAX);
      continue;
    }
    if (!strictIdOrReply(ctx, idArg, id)) return;
  }
  if (ctx.blockedRetry && count === 0) count = XREAD_BLOCKED_DEFAULT_COUNT;

  let served = 0;
  let h = -1;
  const maxId = new StreamId();
  for (let k = 0; k < streamsCount; k++) {
    const keyArg = streamsArg + k;
    const ks = ctx.keyspaceFor(keyArg);
    const e = ctx.lookup(ks, keyArg);
    if (e === 0) continue;
    const arena = ks.arena;
    const s = ks.valueWord(e);
    const gt = ids[k];
    let serve = false;
    let history = false;
    let consumer = 0;
    if (group) {
      const g = groups[k];
      if (!idIsMax(gt)) {
        serve = true;
        history = true;
      } else if (streamLength(arena, s) > 0) {
        streamFirstLastEntry(arena, s, true, maxId);
        const last = new StreamId();
        groupLastId(arena, g, last);
        if (idCmp(maxId, last) > 0) {
          serve = true;
          idCopy(gt, last);
        }
      }
    } else if (streamLength(arena, s) > 0) {
      streamFirstLastEntry(arena, s, true, maxId);
      if (idCmp(maxId, gt) > 0) serve = true;
    }
    if (!serve) continue;
    if (group) {
      // Redis 7.0 looks the consumer up (or creates it) only when it serves it.
      const co = a.offset(groupArg + 1);
      const cl = a.length(groupArg + 1);
      consumer = consumerFind(arena, groups[k], a.buf, co, cl);
      if (consumer === 0) {
        consumer = consumerCreate(arena, groups[k], a.buf, co, cl, ctx.now);
        ctx.notify(NotifyClass.Stream, KeyEvent.XgroupCreateconsumer, keyArg);
      } else setConsumerSeen(arena, consumer, ctx.now);
    }
    served++;
    if (served === 1) h = r.deferredLen();
    const start = new StreamId();
    idCopy(start, gt);
    idIncr(start);
    if (r.resp === 2) r.arrayLen(2);
    r.bulk(a.buf, a.offset(keyArg), a.offset(keyArg) + a.length(keyArg));
    if (group) {
      if (history) replyConsumerHistory(ctx, ks, s, consumer, start, count);
      else replyGroupRead(ctx, ks, s, groups[k], consumer, start, count, noack);
      ctx.dirty++;
    } else replyRange(ctx, ks, s, start, STREAM_ID_MAX, count, false);
  }
  if (served > 0) {
    r.setDeferredLen(h, served, r.resp === 2 ? '*' : '%');
    return;
  }
  if (block !== -1 && !ctx.denyBlocking) {
    // Nothing to serve: no reply parks the client (server/blocking.ts); `$` is fixed now.
    if (!ctx.blockedRetry && dollar.size > 0) writeArgsRewrite(r, a, dollar);
    return;
  }
  r.nullArray();
}

/** XREADGROUP with `>`: new entries after `start`, delivered to the consumer (PEL unless NOACK). */
function replyGroupRead(ctx: ExecContext, ks: ShardKeyspace, s: number, g: number, consumer: number, start: StreamId, count: number, noack: boolean): void {
  const r = ctx.reply;
  const arena = ks.arena;
  const h = r.deferredLen();
  let n = 0;
  const last = new StreamId();
  iter.begin(arena, s, start, STREAM_ID_MAX, false);
  while (iter.next()) {
    groupLastId(arena, g, last);
    if (idCmp(iter.id, last) > 0) {
      const read = groupEntriesRead(arena, g);
      if (read !== ENTRIES_READ_INVALID && !rangeHasTombstones(arena, s, iter.id, null)) setGroupEntriesRead(arena, g, read + 1n);
      else if (!entriesAddedIsZero(arena, s)) setGroupEntriesRead(arena, g, estimateDistance(arena, s, iter.id));
      setGroupLastId(arena, g, iter.id);
    }
    replyEntry(r, arena, iter);
    if (!noack) {
      const gpel = groupPel(arena, g);
      const existing = idMapFind(arena, gpel, iter.id);
      if (existing === 0) {
        const nack = nackNew(arena, consumer, ctx.now, 1);
        idMapInsert(arena, gpel, iter.id, nack);
        idMapInsert(arena, consumerPel(arena, consumer), iter.id, nack);
      } else {
        const nack = idMapValue(arena, existing);
        const owner = nackConsumer(arena, nack);
        const on = idMapFind(arena, consumerPel(arena, owner), iter.id);
        if (on !== 0) idMapDelete(arena, consumerPel(arena, owner), on);
        setNackConsumer(arena, nack, consumer);
        setNackTime(arena, nack, ctx.now);
        setNackCount(arena, nack, 1);
        idMapInsert(arena, consumerPel(arena, consumer), iter.id, nack);
      }
    }
    n++;
    if (count !== 0 && n === count) break;
  }
  r.setDeferredLen(h, n);
}

/** XREADGROUP with an id: the consumer's own pending entries from `start` (deleted ones as [id, nil]). */
function replyConsumerHistory(ctx: ExecContext, ks: ShardKeyspace, s: number, consumer: number, start: StreamId, count: number): void {
  const r = ctx.reply;
  const arena = ks.arena;
  const pel = consumerPel(arena, consumer);
  const h = r.deferredLen();
  let n = 0;
  const id = new StreamId();
  const it = new StreamIterator();
  for (let node = idMapFirstAtOrAfter(arena, pel, start); node !== 0 && (count === 0 || n < count); node = idMapNext(arena, node)) {
    idMapId(arena, node, id);
    it.begin(arena, s, id, id, false);
    if (it.next()) {
      replyEntry(r, arena, it);
      const nack = idMapValue(arena, node);
      setNackTime(arena, nack, ctx.now);
      setNackCount(arena, nack, nackCount(arena, nack) + 1);
    } else {
      r.arrayLen(2);
      replyId(r, id);
      r.nullArray();
    }
    n++;
  }
  r.setDeferredLen(h, n);
}

// ---------------------------------------------------------------- XINFO

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

function xinfo(ctx: ExecContext): void {
  const a = ctx.args;
  const r = ctx.reply;
  if (a.is(1, 'help')) {
    if (a.argc !== 2) {
      r.error(subcommandSyntaxErrorOf(ctx));
      return;
    }
    r.arrayLen(XINFO_HELP.length);
    for (const line of XINFO_HELP) r.simple(line);
    return;
  }
  if (a.argc < 3) {
    r.error(subcommandSyntaxErrorOf(ctx));
    return;
  }
  const ks = ctx.keyspaceFor(2);
  const s = streamRead(ctx, ks, 2);
  if (s < 0) return;
  if (s === 0) {
    r.error(NO_SUCH_KEY);
    return;
  }
  const arena = ks.arena;
  if (a.is(1, 'consumers') && a.argc === 4) {
    const g = groupFind(arena, s, a.buf, a.offset(3), a.length(3));
    if (g === 0) {
      r.error(`NOGROUP No such consumer group '${a.string(3)}' for key name '${a.string(2)}'`);
      return;
    }
    const list = consumersSorted(arena, g);
    r.arrayLen(list.length);
    const now = Date.now();
    for (const c of list) {
      r.mapLen(3);
      r.bulkLatin1('name');
      r.bulk(c.name);
      r.bulkLatin1('pending');
      r.integer(idMapLength(arena, consumerPel(arena, c.addr)));
      r.bulkLatin1('idle');
      r.integer(Math.max(0, now - consumerSeen(arena, c.addr)));
    }
  } else if (a.is(1, 'groups') && a.argc === 3) {
    const list = groupsSorted(arena, s);
    r.arrayLen(list.length);
    const last = new StreamId();
    for (const g of list) {
      r.mapLen(6);
      r.bulkLatin1('name');
      r.bulk(g.name);
      r.bulkLatin1('consumers');
      r.integer(groupConsumerCount(arena, g.addr));
      r.bulkLatin1('pending');
      r.integer(idMapLength(arena, groupPel(arena, g.addr)));
      r.bulkLatin1('last-delivered-id');
      groupLastId(arena, g.addr, last);
      replyId(r, last);
      r.bulkLatin1('entries-read');
      const read = groupEntriesRead(arena, g.addr);
      if (read === ENTRIES_READ_INVALID) r.nullBulk();
      else r.integer(read);
      r.bulkLatin1('lag');
      replyGroupLag(ctx, arena, s, g.addr);
    }
  } else if (a.is(1, 'stream')) {
    xinfoStream(ctx, ks, s);
  } else {
    r.error(subcommandSyntaxErrorOf(ctx));
  }
}

function xinfoStream(ctx: ExecContext, ks: ShardKeyspace, s: number): void {
  const a = ctx.args;
  const r = ctx.reply;
  const arena = ks.arena;
  let full = true;
  let count = 10;
  const optc = a.argc - 3;
  if (optc === 0) full = false;
  else {
    if ((optc !== 1 && optc !== 3) || !a.is(3, 'full') || (optc === 3 && !a.is(4, 'count'))) {
      r.error(subcommandSyntaxErrorOf(ctx));
      return;
    }
    if (optc === 3) {
      const n = string2llExact(a.buf, a.offset(5), a.length(5));
      if (n === null) {
        r.error(NOT_INTEGER);
        return;
      }
      count = n < 0n ? 10 : n > 0xffffffffn ? 0xffffffff : Number(n);
    }
  }
  const id = new StreamId();
  r.mapLen(full ? 9 : 10);
  r.bulkLatin1('length');
  r.integer(streamLength(arena, s));
  const nodes = streamNodeCount(arena, s);
  r.bulkLatin1('radix-tree-keys');
  r.integer(nodes);
  r.bulkLatin1('radix-tree-nodes');
  r.integer(streamRaxNodes(arena, s));
  r.bulkLatin1('last-generated-id');
  streamId(arena, s, R_LAST, id);
  replyId(r, id);
  r.bulkLatin1('max-deleted-entry-id');
  streamId(arena, s, R_MAXDEL, id);
  replyId(r, id);
  r.bulkLatin1('entries-added');
  r.integer(entriesAdded(arena, s));
  r.bulkLatin1('recorded-first-entry-id');
  streamId(arena, s, R_FIRST, id);
  replyId(r, id);
  if (!full) {
    r.bulkLatin1('groups');
    r.integer(groupCount(arena, s));
    const it = new StreamIterator();
    r.bulkLatin1('first-entry');
    if (it.begin(arena, s, STREAM_ID_ZERO, STREAM_ID_MAX, false).next()) replyEntry(r, arena, it);
    else r.nullBulk();
    r.bulkLatin1('last-entry');
    if (it.begin(arena, s, STREAM_ID_ZERO, STREAM_ID_MAX, true).next()) replyEntry(r, arena, it);
    else r.nullBulk();
    return;
  }
  r.bulkLatin1('entries');
  replyRange(ctx, ks, s, STREAM_ID_ZERO, STREAM_ID_MAX, count, false);
  r.bulkLatin1('groups');
  const groups = groupsSorted(arena, s);
  r.arrayLen(groups.length);
  for (const { name, addr: g } of groups) {
    r.mapLen(7);
    r.bulkLatin1('name');
    r.bulk(name);
    r.bulkLatin1('last-delivered-id');
    groupLastId(arena, g, id);
    replyId(r, id);
    r.bulkLatin1('entries-read');
    const read = groupEntriesRead(arena, g);
    if (read === ENTRIES_READ_INVALID) r.nullBulk();
    else r.integer(read);
    r.bulkLatin1('lag');
    replyGroupLag(ctx, arena, s, g);
    const gpel = groupPel(arena, g);
    r.bulkLatin1('pel-count');
    r.integer(idMapLength(arena, gpel));
    r.bulkLatin1('pending');
    let h = r.deferredLen();
    let n = 0;
    for (let node = idMapFirst(arena, gpel); node !== 0 && (count === 0 || n < count); node = idMapNext(arena, node)) {
      const nack = idMapValue(arena, node);
      r.arrayLen(4);
      idMapId(arena, node, id);
      replyId(r, id);
      const c = nackConsumer(arena, nack);
      const cs = consumerNameStart(arena, c);
      r.bulk(arena.u8, cs, cs + consumerNameLength(arena, c));
      r.integer(nackTime(arena, nack));
      r.integer(nackCount(arena, nack));
      n++;
    }
    r.setDeferredLen(h, n);
    r.bulkLatin1('consumers');
    const consumers = consumersSorted(arena, g);
    r.arrayLen(consumers.length);
    for (const { name: cname, addr: c } of consumers) {
      r.mapLen(4);
      r.bulkLatin1('name');
      r.bulk(cname);
      r.bulkLatin1('seen-time');
      r.integer(consumerSeen(arena, c));
      const cpel = consumerPel(arena, c);
      r.bulkLatin1('pel-count');
      r.integer(idMapLength(arena, cpel));
      r.bulkLatin1('pending');
      h = r.deferredLen();
      n = 0;
      for (let node = idMapFirst(arena, cpel); node !== 0 && (count === 0 || n < count); node = idMapNext(arena, node)) {
        const nack = idMapValue(arena, node);
        r.arrayLen(3);
        idMapId(arena, node, id);
        replyId(r, id);
        r.integer(nackTime(arena, nack));
        r.integer(nackCount(arena, nack));
        n++;
      }
      r.setDeferredLen(h, n);
    }
  }
}

valueReporters[ValueType.Stream] = {
  digest(ks, e, digest) {
    // Redis's xorObjectDigest for streams: "<ms>.<seq>" of each entry, then its fields and values.
    const arena = ks.arena;
    const it = new StreamIterator().begin(arena, ks.valueWord(e), STREAM_ID_ZERO, STREAM_ID_MAX, false);
    const rec = new ListpackEntry();
    while (it.next()) {
      mixDigest(digest, Buffer.from(idText(it.id).replace('-', '.'), 'latin1'));
      let p = it.fieldsPos;
      for (let i = 0; i < 2 * it.pairs; i++) {
        lpRead(arena, it.lp, p, rec);
        mixDigest(digest, rec.isInt ? Buffer.from(String(rec.value), 'latin1') : arena.u8.slice(rec.start, rec.start + rec.length));
        p = lpNext(arena, it.lp, p);
      }
    }
  },
  memoryUsage(ks, e, samples) {
    return streamMemory(ks.arena, ks.valueWord(e), samples);
  },
};

export const streamCommands: CommandFamily = {
  xadd: { route: 'keys', run: xadd },
  xtrim: { route: 'keys', run: xtrim },
  xrange: { route: 'keys', run: (ctx) => xrange(ctx, false) },
  xrevrange: { route: 'keys', run: (ctx) => xrange(ctx, true) },
  xlen: { route: 'keys', run: xlen },
  xdel: { route: 'keys', run: xdel },
  xsetid: { route: 'keys', run: xsetid },
  xread: { route: 'keys', run: (ctx) => xread(ctx, false) },
  xreadgroup: { route: 'keys', run: (ctx) => xread(ctx, true) },
  xinfo: { route: 'keys', run: xinfo },
  ...groupCommands,
};
