/**
 * ExecContext: what a command handler sees while it runs, in a worker or on the main thread.
 * One context per executing thread, reused for every command (no allocation per command).
 *
 * Handlers read arguments from `args`, write exactly one reply into `reply`, and reach data through
 * `keyspaceFor(argIndex)` (the shard owning that key; the dispatcher guarantees the executing thread
 * holds it). Main-thread-only handlers (kind 'main') also get the client and server.
 */
import { Args } from '../protocol/args.js';
import { Reply } from '../protocol/reply.js';
import { LazyFree, ShardKeyspace } from '../storage/keyspace.js';
import { keySlot } from '../shard/slot.js';
import { SharedSettings, Setting } from '../shard/shared-settings.js';
import type { CommandSpec } from './spec.js';
import { CommandStats, Counter } from '../shard/command-stats.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { EventBuffer, KeyEvent, NotifyClass } from './keyspace-events.js';

export class ExecContext {
  readonly args = new Args();
  reply: Reply;
  /** Selected database of the client. */
  db = 0;
  /** Command time in ms since the epoch: fixed for the whole command, as Redis's mstime cache. */
  now = 0;
  /** Number of changes the command made (Redis's server.dirty increments). */
  dirty = 0;
  spec: CommandSpec | null = null;
  /**
   * True while a parked blocking command is tried again after a write to one of its keys (false on
   * its first try): a key of another type then means "not ready" rather than WRONGTYPE, as Redis 7.0
   * only serves a blocked client from a key of the type it waits for.
   */
  blockedRetry = false;
  /**
   * Set while EXEC runs its queue (Redis's CLIENT_DENY_BLOCKING): a blocking command with nothing to
   * serve then answers at once as if timed out (the null array; BLMOVE/BRPOPLPUSH the null bulk)
   * instead of writing nothing.
   */
  denyBlocking = false;
  /**
   * On the main thread: the server, and the client whose command runs (null in workers). Scripts
   * need them: their commands include main-thread ones (PUBLISH, TIME...) and they keep a
   * per-server script cache.
   */
  server: Server | null = null;
  client: Client | null = null;
  readonly shards: ShardKeyspace[];
  readonly slotToShard: Uint16Array;
  readonly settings: SharedSettings;
  readonly stats: CommandStats;
  /** Keyspace events of the running command, for the main thread to publish (keyspace-events.ts). */
  readonly events = new EventBuffer();
  private readonly settingWords: Int32Array;

  constructor(shards: ShardKeyspace[], slotToShard: Uint16Array, settings: SharedSettings, stats: CommandStats, reply: Reply) {
    this.shards = shards;
    this.slotToShard = slotToShard;
    this.settings = settings;
    this.stats = stats;
    this.reply = reply;
    const lazyFlags = () => settings.get(Setting.LazyFree);
    for (const ks of shards) ks.lazyFlags = lazyFlags;
    this.settingWords = settings.words;
  }

  /**
   * Redis's notifyKeyspaceEvent for the key in argument `i`: recorded only when its class is on.
   * Hot path: one shared-word read when notifications are off.
   */
  notify(cls: NotifyClass, event: KeyEvent, i: number): void {
    if ((this.settingWords[Setting.NotifyMask] & cls) === 0) return;
    const a = this.args;
    this.events.append(event, cls, this.db, a.buf, a.offset(i), a.length(i), this.reply.pos);
  }

  /** notify for a key given as bytes (in database `db`, by default the client's). */
  notifyKey(cls: NotifyClass, event: KeyEvent, buf: Uint8Array, off: number, len: number, db = this.db): void {
    if ((this.settingWords[Setting.NotifyMask] & cls) === 0) return;
    this.events.append(event, cls, db, buf, off, len, this.reply.pos);
  }

  /** notify for the key of entry `e` of `ks` (read before the entry is freed). */
  notifyEntry(cls: NotifyClass, event: KeyEvent, ks: ShardKeyspace, e: number, db = this.db): void {
    if ((this.settingWords[Setting.NotifyMask] & cls) === 0) return;
    this.events.append(event, cls, db, ks.arena.u8, ks.keyStart(e), ks.keyLength(e), this.reply.pos);
  }

  /** A key was added to the keyspace (Redis's dbAdd): the 'new' event. */
  notifyNew(ks: ShardKeyspace, e: number, db = this.db): void {
    if ((this.settingWords[Setting.NotifyMask] & NotifyClass.New) === 0) return;
    this.events.append(KeyEvent.New, NotifyClass.New, db, ks.arena.u8, ks.keyStart(e), ks.keyLength(e), this.reply.pos);
  }

  /** The shard holding the key in argument `i`. Hot path. */
  keyspaceFor(i: number): ShardKeyspace {
    const a = this.args;
    const ks = this.shards[this.slotToShard[keySlot(a.buf, a.offset(i), a.length(i))]];
    ks.arena.refresh();
    return ks;
  }

  /** The shard holding a key given as bytes. */
  keyspaceForBytes(buf: Uint8Array, off: number, len: number): ShardKeyspace {
    const ks = this.shards[this.slotToShard[keySlot(buf, off, len)]];
    ks.arena.refresh();
    return ks;
  }

  /**
   * Finds the key of argument `i` in `ks`, expiring it first if its time has passed (lazy expiry),
   * and updating its LRU/LFU word. Returns the entry address or 0.
   */
  lookup(ks: ShardKeyspace, i: number): number {
    const a = this.args;
    return this.lookupBytes(ks, a.buf, a.offset(i), a.length(i));
  }

  lookupBytes(ks: ShardKeyspace, buf: Uint8Array, off: number, len: number): number {
    const e = ks.find(this.db, buf, off, len);
    if (e === 0) return 0;
    if (this.expireIfNeeded(ks, e)) return 0;
    this.touch(ks, e);
    return e;
  }

  /** lookup for reading: also counts keyspace hits and misses (INFO stats), as lookupKeyRead does. */
  lookupRead(ks: ShardKeyspace, i: number): number {
    const e = this.lookup(ks, i);
    if (e === 0) {
      this.stats.count(Counter.KeyspaceMisses);
      this.notify(NotifyClass.KeyMiss, KeyEvent.Keymiss, i);
    } else this.stats.count(Counter.KeyspaceHits);
    return e;
  }

  /** Finds a key without touching its LRU (TYPE, OBJECT, TTL... use lookup; this is for NOTOUCH paths). */
  lookupNoTouch(ks: ShardKeyspace, i: number): number {
    const a = this.args;
    const e = ks.find(this.db, a.buf, a.offset(i), a.length(i));
    if (e === 0) return 0;
    return this.expireIfNeeded(ks, e) ? 0 : e;
  }

  /** Whether deleting an expired key frees its value lazily (lazyfree-lazy-expire). */
  lazyExpire(): boolean {
    return (this.settings.get(Setting.LazyFree) & LazyFree.Expire) !== 0;
  }

  /** Deletes `e` if its expiry time has passed; true when it did. */
  expireIfNeeded(ks: ShardKeyspace, e: number): boolean {
    const at = ks.expireOf(e);
    if (at === 0 || at > this.now) return false;
    this.notifyEntry(NotifyClass.Expired, KeyEvent.Expired, ks, e);
    ks.remove(this.db, e, this.lazyExpire());
    this.stats.count(Counter.ExpiredKeys);
    this.dirty++;
    return true;
  }

  /** Updates the access word: LRU clock, or LFU counter and time (Redis's updateLFU). */
  touch(ks: ShardKeyspace, e: number): void {
    if (this.settings.lfu) ks.setLru(e, lfuTouch(ks.lru(e), this.now, this.settings.get(Setting.LfuLogFactor), this.settings.get(Setting.LfuDecayTime)));
    else ks.setLru(e, lruClock(this.now));
  }

  /** Initial access word of a new key. */
  newAccessWord(): number {
    return this.settings.lfu ? lfuInitial(this.now) : lruClock(this.now);
  }
}

/** Redis's LRU clock: seconds, 24 bits. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

/** Idle ms of an LRU word (Redis's estimateObjectIdleTime). */
export function lruIdleMs(word: number, nowMs: number): number {
  const clock = lruClock(nowMs);
  const lru = word & LRU_CLOCK_MAX;
  return (clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru)) * 1000;
}

/** LFU word: 16 bits of minutes time, 8 bits of logarithmic counter (Redis's layout). */
const LFU_INIT_VAL = 5;
function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}
export function lfuInitial(nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
}
export function lfuDecayedCounter(word: number, nowMs: number, decayTime: number): number {
  const ldt = word >>> 8;
  let counter = word & 255;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = decayTime ? Math.floor(elapsed / decayTime) : 0;
  if (periods) counter = periods > counter ? 0 : counter - periods;
  return counter;
}
export function lfuTouch(word: number, nowMs: number, logFactor: number, decayTime: number): number {
  let counter = lfuDecayedCounter(word, nowMs, decayTime);
  if (counter < 255) {
    const r = Math.random();
    const base = Math.max(0, counter - LFU_INIT_VAL);
    const p = 1.0 / (base * logFactor + 1);
    if (r < p) counter++;
  }
  return (lfuMinutes(nowMs) << 8) | counter;
}
