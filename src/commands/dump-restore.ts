/**
 * DUMP and RESTORE (Redis 7.0.15 cluster.c dumpCommand, restoreCommand): a key's value as a DUMP
 * payload (RDB type and value, RDB version 10, CRC-64; persistence/dump-payload.ts) and back.
 *
 * Both run on the key's shard, in a worker or inline. DUMP serializes from the arena
 * (persistence/rdb-value-write.ts). RESTORE checks the payload's footer, reads and validates the
 * whole value into plain arrays (persistence/rdb-value-read.ts) and only then touches the shard:
 * it builds the value with the type modules, so encodings follow this server's thresholds
 * (hash-max-listpack-entries and friends) as Redis's loading converts them, and a corrupt payload
 * answers `ERR Bad data format` without changing anything.
 *
 * Streams restore entry by entry in id order, deleted entries included, so nodes split where the
 * payload's (Redis's) did; then the ids and counters of the payload, the consumer groups, their
 * consumers and PELs (delivery times and counts kept).
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import { lfuInitial, lruClock, LRU_CLOCK_MAX } from './context.js';
import { KeyEvent, NotifyClass } from './keyspace-events.js';
import { Encoding, ShardKeyspace, ValueType } from '../storage/keyspace.js';
import { Setting } from '../shard/shared-settings.js';
import { SYNTAX } from '../protocol/errors.js';
import { integerArgExactOrReply, isCanonicalInt64 } from '../protocol/number-parse.js';
import { RdbWriter } from '../persistence/rdb-string.js';
import { finishDumpPayload, verifyDumpPayload } from '../persistence/dump-payload.js';
import { writeRdbValue } from '../persistence/rdb-value-write.js';
import { readRdbValue, type RdbStream, type RdbValue } from '../persistence/rdb-value-read.js';
import type { ShardArena } from '../storage/arena.js';
import {
  R_FIRST,
  R_LAST,
  R_MAXDEL,
  StreamId,
  consumerCreate,
  consumerPel,
  groupCreate,
  groupPel,
  idFromBig,
  idMapInsert,
  nackNew,
  setEntriesAdded,
  setStreamId,
  streamAppend,
  streamDeleteId,
  streamNew,
} from '../storage/stream-value.js';
import { qlNew, qlPush } from '../storage/quicklist.js';
import { setAdd, setEncodingOf, setNewFor } from '../storage/set-value.js';
import { hashNew, hashSet } from '../storage/hash-value.js';
import { ZSetRef, zsetAdd, zsetCreate } from '../storage/zset-value.js';

const BUSYKEY = 'BUSYKEY Target key name already exists.';
const BAD_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
const BAD_DATA = 'ERR Bad data format';
const BAD_TTL = 'ERR Invalid TTL value, must be >= 0';
const BAD_IDLETIME = 'ERR Invalid IDLETIME value, must be >= 0';
const BAD_FREQ = 'ERR Invalid FREQ value, must be >= 0 and <= 255';
const UNKNOWN_TYPE = 'ERR DUMP of this value type is not supported';

const INT64_MAX = 9223372036854775807n;
/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_LIMIT = 44;

// ---------------------------------------------------------------- DUMP

/** DUMP key: the payload, or a null bulk when the key does not exist. */
function dump(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(1);
  const e = ctx.lookupRead(ks, 1);
  if (e === 0) {
    ctx.reply.nullBulk();
    return;
  }
  const out = new RdbWriter();
  if (!writeRdbValue(out, ks, e, ctx.settings.get(Setting.RdbCompression) !== 0)) {
    ctx.reply.error(UNKNOWN_TYPE);
    return;
  }
  ctx.reply.bulk(finishDumpPayload(out));
}

// ---------------------------------------------------------------- RESTORE

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(ctx: ExecContext): void {
  const a = ctx.args;
  let replace = false;
  let absttl = false;
  let idle = -1n;
  let freq = -1n;
  for (let j = 4; j < a.argc; j++) {
    const additional = a.argc - j - 1;
    if (a.is(j, 'replace')) replace = true;
    else if (a.is(j, 'absttl')) absttl = true;
    else if (a.is(j, 'idletime') && additional >= 1 && freq === -1n) {
      const v = integerArgExactOrReply(a, j + 1, ctx.reply);
      if (v === null) return;
      if (v < 0n) {
        ctx.reply.error(BAD_IDLETIME);
        return;
      }
      idle = v;
      j++;
    } else if (a.is(j, 'freq') && additional >= 1 && idle === -1n) {
      const v = integerArgExactOrReply(a, j + 1, ctx.reply);
      if (v === null) return;
      if (v < 0n || v > 255n) {
        ctx.reply.error(BAD_FREQ);
        return;
      }
      freq = v;
      j++;
    } else {
      ctx.reply.error(SYNTAX);
      return;
    }
  }
  const ks = ctx.keyspaceFor(1);
  const old = ctx.lookup(ks, 1);
  if (!replace && old !== 0) {
    ctx.reply.error(BUSYKEY);
    return;
  }
  const ttlArg = integerArgExactOrReply(a, 2, ctx.reply);
  if (ttlArg === null) return;
  if (ttlArg < 0n) {
    ctx.reply.error(BAD_TTL);
    return;
  }
  const payload = a.buf.subarray(a.offset(3), a.offset(3) + a.length(3));
  if (!verifyDumpPayload(payload)) {
    ctx.reply.error(BAD_PAYLOAD);
    return;
  }
  const value = readRdbValue(payload);
  if (value === null) {
    ctx.reply.error(BAD_DATA);
    return;
  }
  let deleted = false;
  if (replace && old !== 0) {
    ks.remove(ctx.db, old);
    deleted = true;
  }
  let ttl = ttlArg;
  if (ttl !== 0n && !absttl) ttl += BigInt(ctx.now);
  // Redis adds in a long long: a sum past INT64_MAX wraps negative, which counts as already expired.
  if (ttl !== 0n && (ttl > INT64_MAX || ttl <= BigInt(ctx.now))) {
    if (deleted) {
      ctx.dirty++;
      ctx.notify(NotifyClass.Generic, KeyEvent.Del, 1);
    }
    ctx.reply.ok();
    return;
  }
  const e = createKey(ctx, ks, ctx.db, a.buf, a.offset(1), a.length(1), value);
  if (ttl !== 0n) ks.setExpire(ctx.db, e, Number(ttl));
  const access = accessWord(ctx, idle, freq);
  if (access !== -1) ks.setLru(e, access);
  ctx.notify(NotifyClass.Generic, KeyEvent.Restore, 1);
  ctx.reply.ok();
  ctx.dirty++;
}

/**
 * objectSetLRUOrLFU: the access word IDLETIME or FREQ asks for under the current policy, or -1 to
 * keep a new key's own (FREQ under an LRU policy and IDLETIME under an LFU one are ignored).
 */
export function accessWord(ctx: ExecContext, idle: bigint, freq: bigint): number {
  if (ctx.settings.lfu) return freq >= 0n ? (lfuInitial(ctx.now) & ~0xff) | Number(freq) : -1;
  if (idle < 0n) return -1;
  const clock = lruClock(ctx.now);
  const idleSeconds = idle > BigInt(2 * LRU_CLOCK_MAX) ? 2 * LRU_CLOCK_MAX : Number(idle);
  let abs = clock - idleSeconds;
  if (abs < 0) abs = (clock + Math.floor(LRU_CLOCK_MAX / 2)) % LRU_CLOCK_MAX;
  return abs;
}

/**
 * Links a new key `key[keyOff, keyOff+keyLen)` in database `db` holding `value`, built in this
 * server's encodings (RESTORE and RDB loading); returns its entry.
 */
export function createKey(ctx: ExecContext, ks: ShardKeyspace, db: number, key: Uint8Array, keyOff: number, keyLen: number, value: RdbValue): number {
  if (value.type === ValueType.String) {
    const v = value.value;
    // rdbLoadObject runs tryObjectEncoding on a loaded string.
    const enc = isCanonicalInt64(v, 0, v.length) ? Encoding.Int : v.length <= EMBSTR_LIMIT ? Encoding.Embstr : Encoding.Raw;
    const e = ks.newEntry(key, keyOff, keyLen, ValueType.String, v.length);
    ks.arena.u8.set(v, ks.valueStart(e));
    ks.setValueWord(e, v.length);
    ks.setEncoding(e, enc);
    ks.setLru(e, ctx.newAccessWord());
    ks.link(db, e);
    ctx.notifyNew(ks, e, db);
    return e;
  }
  const arena = ks.arena;
  const e = ks.newEntry(key, keyOff, keyLen, value.type, 0);
  ks.setLru(e, ctx.newAccessWord());
  const settings = ctx.settings;
  switch (value.type) {
    case ValueType.List: {
      const ql = qlNew(arena, settings.get(Setting.ListMaxListpackSize));
      for (const item of value.items) qlPush(arena, ql, false, item, 0, item.length);
      ks.setValueWord(e, ql);
      ks.setEncoding(e, Encoding.QuickList);
      break;
    }
    case ValueType.Set: {
      const max = settings.get(Setting.SetMaxIntsetEntries);
      const first = value.members[0];
      let word = setNewFor(arena, first, 0, first.length);
      for (const m of value.members) {
        const next = setAdd(arena, word, m, 0, m.length, max);
        if (next !== 0) word = next;
      }
      ks.setValueWord(e, word);
      ks.setEncoding(e, setEncodingOf(word));
      break;
    }
    case ValueType.ZSet: {
      const limits = { entries: settings.get(Setting.ZsetMaxListpackEntries), value: settings.get(Setting.ZsetMaxListpackValue) };
      let longest = 0;
      for (const m of value.members) longest = Math.max(longest, m.length);
      const z = zsetCreate(new ZSetRef(), arena, value.members.length, longest, limits);
      for (let i = 0; i < value.members.length; i++) {
        const m = value.members[i];
        zsetAdd(z, value.scores[i], m, 0, m.length, 0, limits);
      }
      ks.setValueWord(e, z.root);
      ks.setEncoding(e, z.enc);
      break;
    }
    case ValueType.Hash: {
      const entries = settings.get(Setting.HashMaxListpackEntries);
      const max = settings.get(Setting.HashMaxListpackValue);
      ks.setValueWord(e, hashNew(arena));
      ks.setEncoding(e, Encoding.ListPack);
      for (let i = 0; i < value.fields.length; i++) {
        const f = value.fields[i];
        const v = value.values[i];
        hashSet(ks, e, f, 0, f.length, v, 0, v.length, entries, max);
      }
      break;
    }
    case ValueType.Stream: {
      const s = streamNew(arena);
      ks.setValueWord(e, s);
      ks.setEncoding(e, Encoding.Stream);
      buildStream(arena, s, value);
      break;
    }
  }
  ks.link(db, e);
  ctx.notifyNew(ks, e, db);
  return e;
}

/** Fills the empty stream `s` with a validated payload's entries, ids, counters and groups. */
function buildStream(a: ShardArena, s: number, v: RdbStream): void {
  const id = new StreamId();
  let offsets: number[] = [];
  let lengths: number[] = [];
  for (const entry of v.entries) {
    let total = 0;
    for (const p of entry.pairs) total += p.length;
    const buf = new Uint8Array(total);
    offsets = [];
    lengths = [];
    let at = 0;
    for (const p of entry.pairs) {
      buf.set(p, at);
      offsets.push(at);
      lengths.push(p.length);
      at += p.length;
    }
    idFromBig(id, entry.id.ms, entry.id.seq);
    streamAppend(a, s, id, buf, (i) => offsets[i], (i) => lengths[i], 0, entry.pairs.length / 2);
  }
  // Deleted entries are marked only once all are in, so no node empties while the layout is built.
  for (const entry of v.entries) {
    if (!entry.deleted) continue;
    idFromBig(id, entry.id.ms, entry.id.seq);
    streamDeleteId(a, s, id);
  }
  idFromBig(id, v.lastId.ms, v.lastId.seq);
  setStreamId(a, s, R_LAST, id);
  idFromBig(id, v.firstId.ms, v.firstId.seq);
  setStreamId(a, s, R_FIRST, id);
  idFromBig(id, v.maxDeletedId.ms, v.maxDeletedId.seq);
  setStreamId(a, s, R_MAXDEL, id);
  setEntriesAdded(a, s, v.entriesAdded);
  for (const group of v.groups) {
    idFromBig(id, group.lastId.ms, group.lastId.seq);
    const g = groupCreate(a, s, group.name, 0, group.name.length, id, group.entriesRead);
    const consumers = group.consumers.map((c) => consumerCreate(a, g, c.name, 0, c.name.length, Number(c.seen)));
    for (const pending of group.pel) {
      const owner = consumers[pending.owner];
      const nack = nackNew(a, owner, Number(pending.time), pending.count);
      idFromBig(id, pending.id.ms, pending.id.seq);
      idMapInsert(a, groupPel(a, g), id, nack);
      idMapInsert(a, consumerPel(a, owner), id, nack);
    }
  }
}

export const dumpRestoreCommands: CommandFamily = {
  dump: { route: 'keys', run: dump },
  restore: { route: 'keys', run: restore },
};
