/**
 * Eviction under `maxmemory` (Redis 7.0.15's evict.c): before every command while maxmemory is set,
 * `perform()` frees keys by the configured policy until the memory counted for eviction is back
 * under the limit, and says whether it could (the caller rejects commands flagged denyoom with
 * Redis's -OOM error when it could not).
 *
 * Memory counted for eviction: what the shard arenas hold (the live block bytes in each arena's
 * header, readable from any thread without a message). That is INFO's used_memory minus the
 * clients' buffers, which INFO reports as mem_not_counted_for_evict: keys and values are what
 * eviction can act on.
 *
 * Where it runs (both thread modes): on the main thread, the sequencer, which owns the decision
 * to reject a command anyway.
 * - Inline mode (--threads 0): the main thread holds every shard; the check is exact.
 * - Worker mode: the main thread first sums the arenas' live bytes without any message (a value
 *   at most a few in-flight commands stale). Only when that sum is over the limit does it hold
 *   every worker (the same hold EXEC and multi-shard commands use: one Hold request per worker,
 *   parked behind every command already sent to it, so the sum is then exact), evicts from all
 *   shards with them to itself, and releases them. Cross-thread messages: none while under the
 *   limit; 2 per worker (hold, release) per eviction pass, however many keys it evicts. The other
 *   design, each worker evicting its own shards towards a shared target, was rejected: the choice
 *   of victims must span every shard (one pool, as Redis's spans every database) and the OOM
 *   answer needs the global total, so the workers would have to agree through extra messages on
 *   every over-limit command anyway.
 * - The common path, maxmemory 0, costs the dispatcher one comparison (Server.dispatch).
 *
 * Victims, as Redis: *-lru / *-lfu / volatile-ttl keep a pool of the 16 best candidates across
 * passes (EVPOOL_SIZE); each round samples `maxmemory-samples` keys per database (from one shard
 * picked at random, weighted by its number of candidate keys, so every key is equally likely to
 * be sampled) and scores them: idle time for LRU, 255 minus the decayed LFU counter for LFU, the
 * nearness of the expiry for volatile-ttl. *-random pick a random key, databases in turn.
 * volatile-* consider only keys with an expiry. An evicted key is deleted (lazily with
 * lazyfree-lazy-eviction), WATCHers are touched, its `evicted` keyspace event is published (it also
 * invalidates client-side caches) and INFO's evicted_keys counts it.
 *
 * A pass stops after maxmemory-eviction-tenacity's time limit (checked every 16 keys); the rest
 * of the work then continues on the event loop (Redis's evictionTimeProc) while commands are
 * accepted (EVICT_RUNNING). Not during a busy script nor while clients are paused.
 */
import type { Server } from './server.js';
import type { ShardKeyspace } from '../storage/keyspace.js';
import { LazyFree } from '../storage/keyspace.js';
import { LIVE_BYTES_WORD } from '../storage/arena.js';
import { Setting } from '../shard/shared-settings.js';
import { Counter } from '../shard/command-stats.js';
import { EventBuffer, KeyEvent, NotifyClass } from '../commands/keyspace-events.js';
import { lfuDecayedCounter, lruIdleMs } from '../commands/context.js';
import { keyName } from './blocking.js';
import { publishKeyspaceEvents } from './keyspace-notify.js';
import { latencyAddSampleIfNeeded } from './latency.js';

export const enum EvictResult {
  /** Under the limit (or eviction not possible now). */
  Ok = 0,
  /** Over the limit, eviction continues on the event loop: commands are accepted. */
  Running = 1,
  /** Over the limit and nothing left to evict: denyoom commands are rejected. */
  Fail = 2,
}

/** MAXMEMORY_POLICIES indexes (shared-settings.ts). */
const enum Policy {
  NoEviction = 0,
  AllkeysLru = 1,
  AllkeysLfu = 2,
  AllkeysRandom = 3,
  VolatileLru = 4,
  VolatileLfu = 5,
  VolatileRandom = 6,
  VolatileTtl = 7,
}

const EVPOOL_SIZE = 16;
/**
 * Sampling rounds before a pick gives up (the pass then ends as if nothing were evictable): a
 * sample walks from a random bucket and can miss sparse keys with an expiry, so it is retried,
 * but never without bound.
 */
const MAX_SAMPLE_ROUNDS = 100;
/** How long (ms) the list of databases with keys is trusted between passes. */
const ACTIVE_DBS_MS = 100;

/** Redis's evictionTimeLimitUs: tenacity 0..10 is 0..500 us, then +15% per step, 100 = no limit. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * Math.pow(1.15, tenacity - 10));
  return Infinity;
}

export class Evictor {
  /** The pool, ascending by score (best candidate last); a null key is an empty slot. */
  private readonly poolScore = new Float64Array(EVPOOL_SIZE);
  private readonly poolKey: Array<Uint8Array | null> = new Array<Uint8Array | null>(EVPOOL_SIZE).fill(null);
  private readonly poolShard = new Int32Array(EVPOOL_SIZE);
  private readonly poolDb = new Int32Array(EVPOOL_SIZE);
  private readonly samples: number[] = [];
  private readonly events = new EventBuffer();
  private nextDb = 0;
  /**
   * Databases that had candidate keys when last looked (16 databases x every shard is ~250 table
   * reads, too many for every pass while each write evicts): refreshed every ACTIVE_DBS_MS, and
   * before a pass may conclude that nothing is evictable. A database that gains its first keys
   * meanwhile only joins the sampling a little later.
   */
  private readonly activeDbs: number[] = [];
  private activeDbsAt = 0;
  private activeDbsVolatile = false;
  /** performance.now() when memory went over the limit without a resolution (0 = not over). */
  private exceededSince = 0;
  /** Time (us) spent over the limit in past episodes (Redis's stat_total_eviction_exceeded_time). */
  private exceededTotalUs = 0;
  private continuing = false;
  /** Set while a pass runs: a CONFIG SET inside it must not start another. */
  private running = false;

  /** Each arena's header words (built on first use: the server makes its shards after this object). */
  private headers: Uint32Array[] = [];

  constructor(private readonly server: Server) {}

  /** Bytes counted for eviction: the arenas' live blocks. Hot when maxmemory is set: no allocation. */
  usedMemory(): number {
    let headers = this.headers;
    if (headers.length === 0) headers = this.headers = this.server.shards.map((s) => s.arena.headerView());
    let used = 0;
    for (let i = 0; i < headers.length; i++) used += headers[i][LIVE_BYTES_WORD];
    return used;
  }

  /** INFO stats: total_eviction_exceeded_time and current_eviction_exceeded_time, in ms. */
  exceededTimes(): { totalMs: number; currentMs: number } {
    const currentUs = this.exceededSince === 0 ? 0 : (performance.now() - this.exceededSince) * 1000;
    return { totalMs: Math.floor((this.exceededTotalUs + currentUs) / 1000), currentMs: Math.floor(currentUs / 1000) };
  }

  /** CONFIG RESETSTAT. */
  resetStats(): void {
    this.exceededTotalUs = 0;
    if (this.exceededSince !== 0) this.exceededSince = performance.now();
  }

  /**
   * Redis's performEvictions. `maxmemory` > 0. The caller is not inside a hold and no script is
   * busy. Under the limit this reads the arena headers and returns.
   */
  perform(maxmemory: number): EvictResult {
    if (this.usedMemory() <= maxmemory) return this.settle(EvictResult.Ok);
    const server = this.server;
    if (this.running || server.pausedUntil > Date.now()) return EvictResult.Ok;
    const pool = server.workers;
    let hold = -1;
    // noeviction only needs the exact total, which the arenas already hold when nothing is in flight.
    if (pool !== null && (server.settings.get(Setting.MaxmemoryPolicy) !== Policy.NoEviction || pool.inFlight() > 0)) {
      const all: number[] = [];
      for (let w = 0; w < pool.links.length; w++) all.push(w);
      hold = pool.hold(all);
      for (const s of server.shards) s.arena.refresh();
    }
    this.running = true;
    let result: EvictResult;
    try {
      result = this.evict(maxmemory);
    } finally {
      this.running = false;
      if (hold !== -1) pool!.release(hold);
    }
    if (this.events.pos > 0) {
      publishKeyspaceEvents(server, this.events.u8, 0, this.events.pos);
      this.events.clear();
    }
    return this.settle(result);
  }

  /** Updates the exceeded-time metrics with a pass's result (Redis's update_metrics). */
  private settle(result: EvictResult): EvictResult {
    if (result !== EvictResult.Ok) {
      if (this.exceededSince === 0) this.exceededSince = performance.now();
    } else if (this.exceededSince !== 0) {
      this.exceededTotalUs += (performance.now() - this.exceededSince) * 1000;
      this.exceededSince = 0;
    }
    return result;
  }

  /** The eviction loop, with every shard held. */
  private evict(maxmemory: number): EvictResult {
    const server = this.server;
    const used = this.usedMemory();
    if (used <= maxmemory) return EvictResult.Ok;
    const settings = server.settings;
    const policy = settings.get(Setting.MaxmemoryPolicy) as Policy;
    if (policy === Policy.NoEviction) return EvictResult.Fail;
    const config = server.config;
    const samples = config.int('maxmemory-samples');
    const limitUs = evictionTimeLimitUs(config.int('maxmemory-eviction-tenacity'));
    const lazy = (settings.get(Setting.LazyFree) & LazyFree.Eviction) !== 0;
    const toFree = used - maxmemory;
    const start = performance.now();
    const volatile = policy >= Policy.VolatileLru;
    if (start - this.activeDbsAt >= ACTIVE_DBS_MS || volatile !== this.activeDbsVolatile || this.activeDbs.length === 0) this.findActiveDbs(volatile, start);
    let freed = 0;
    let keys = 0;
    let result = EvictResult.Fail;
    for (;;) {
      if (freed >= toFree) {
        result = EvictResult.Ok;
        break;
      }
      const now = Date.now();
      let picked = this.pick(policy, samples, now);
      if (!picked && this.activeDbsAt !== start) {
        // The remembered databases ran dry: look at all of them before giving up.
        this.findActiveDbs(volatile, start);
        picked = this.pick(policy, samples, now);
      }
      if (!picked) break;
      freed += this.evictPicked(lazy);
      keys++;
      if (keys % 16 === 0) {
        if (lazy && this.usedMemory() <= maxmemory) {
          result = EvictResult.Ok;
          break;
        }
        if ((performance.now() - start) * 1000 > limitUs) {
          this.continueLater();
          result = EvictResult.Running;
          break;
        }
      }
    }
    if (result === EvictResult.Fail) {
      // Nothing left to evict: values queued for lazy freeing may still bring memory under the
      // limit (Redis waits for its lazy-free thread here); their shards are held, so free them now.
      const shards = server.shards;
      let pending = shards.some((s) => s.hasLazyWork());
      while (pending && (performance.now() - start) * 1000 < Math.max(limitUs, 1000)) {
        pending = false;
        for (const ks of shards) {
          if (!ks.hasLazyWork()) continue;
          ks.lazyFreeSome(512);
          pending ||= ks.hasLazyWork();
        }
        if (this.usedMemory() <= maxmemory) {
          result = EvictResult.Ok;
          break;
        }
      }
    }
    if (keys > 0) latencyAddSampleIfNeeded(server, 'eviction-cycle', performance.now() - start);
    return result;
  }

  // ---------------------------------------------------------------- choosing victims

  /** Chooses the next victim by the policy; false when no database has a candidate. */
  private pick(policy: Policy, samples: number, now: number): boolean {
    if (policy === Policy.AllkeysRandom || policy === Policy.VolatileRandom) return this.pickRandom(policy === Policy.VolatileRandom, samples);
    return this.pickFromPool(policy, samples, now);
  }

  private findActiveDbs(volatile: boolean, now: number): void {
    const shards = this.server.shards;
    const dbs = this.activeDbs;
    this.activeDbsAt = now;
    this.activeDbsVolatile = volatile;
    dbs.length = 0;
    for (let db = 0; db < shards[0].databases; db++) {
      for (const ks of shards) {
        if ((volatile ? ks.expiresCount(db) : ks.count(db)) > 0) {
          dbs.push(db);
          break;
        }
      }
    }
  }

  /** The picked victim: shard, database and a copy of its key. */
  private victimShard = 0;
  private victimDb = 0;
  private victimKey: Uint8Array = new Uint8Array(0);

  /** A shard for database `db`, chosen with probability proportional to its candidate keys; -1 if none. */
  private weightedShard(db: number, volatile: boolean): number {
    const shards = this.server.shards;
    let total = 0;
    for (const ks of shards) total += volatile ? ks.expiresCount(db) : ks.count(db);
    if (total === 0) return -1;
    let r = Math.floor(Math.random() * total);
    for (let i = 0; i < shards.length; i++) {
      const n = volatile ? shards[i].expiresCount(db) : shards[i].count(db);
      if (r < n) return i;
      r -= n;
    }
    return shards.length - 1;
  }

  /** Samples up to `count` candidate entries of `db` in shard `ks` into this.samples. */
  private sample(ks: ShardKeyspace, db: number, volatile: boolean, count: number): number {
    const out = this.samples;
    out.length = 0;
    const keys = ks.count(db);
    // Keys with an expiry may be sparse among all keys: visit proportionally more buckets.
    const spread = volatile ? Math.ceil(keys / Math.max(1, ks.expiresCount(db))) : 1;
    return ks.sampleEntries(db, count, volatile, count * 10 * spread, out);
  }

  /** *-random: a random key of the next database that has one (Redis's next_db rotation). */
  private pickRandom(volatile: boolean, samples: number): boolean {
    const shards = this.server.shards;
    const dbs = this.activeDbs;
    for (let k = 0; k < dbs.length; k++) {
      const db = dbs[(++this.nextDb) % dbs.length];
      const s = this.weightedShard(db, volatile);
      if (s < 0) continue;
      const ks = shards[s];
      let e: number;
      if (volatile) {
        let n = 0;
        for (let tries = 0; n === 0 && tries < MAX_SAMPLE_ROUNDS; tries++) n = this.sample(ks, db, true, samples);
        if (n === 0) continue;
        e = this.samples[Math.floor(Math.random() * n)];
      } else e = ks.randomEntry(db);
      this.victimShard = s;
      this.victimDb = db;
      this.victimKey = ks.keyBytes(e);
      return true;
    }
    return false;
  }

  /** LRU / LFU / TTL: fills the pool by sampling every database, then takes its best live key. */
  private pickFromPool(policy: Policy, samples: number, now: number): boolean {
    const shards = this.server.shards;
    const volatile = policy >= Policy.VolatileLru;
    for (let round = 0; round < MAX_SAMPLE_ROUNDS; round++) {
      let any = false;
      for (const db of this.activeDbs) {
        const s = this.weightedShard(db, volatile);
        if (s < 0) continue;
        any = true;
        this.populate(policy, s, db, volatile, samples, now);
      }
      if (!any) return false;
      for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
        const key = this.poolKey[k];
        if (key === null) continue;
        const s = this.poolShard[k];
        const db = this.poolDb[k];
        this.poolKey[k] = null;
        this.poolScore[k] = 0;
        const ks = shards[s];
        const e = ks.find(db, key, 0, key.length);
        // A key deleted (or, for volatile-*, persisted) since it was sampled is a ghost: next one.
        if (e === 0 || (volatile && ks.expireOf(e) === 0)) continue;
        this.victimShard = s;
        this.victimDb = db;
        this.victimKey = key;
        return true;
      }
    }
    return false;
  }

  /** Redis's evictionPoolPopulate for one database of one shard. */
  private populate(policy: Policy, s: number, db: number, volatile: boolean, samples: number, now: number): void {
    const ks = this.server.shards[s];
    const n = this.sample(ks, db, volatile, samples);
    const settings = this.server.settings;
    const decay = settings.get(Setting.LfuDecayTime);
    const pool = this.poolKey;
    const score = this.poolScore;
    for (let j = 0; j < n; j++) {
      const e = this.samples[j];
      let idle: number;
      if (policy === Policy.AllkeysLru || policy === Policy.VolatileLru) idle = lruIdleMs(ks.lru(e), now);
      else if (policy === Policy.AllkeysLfu || policy === Policy.VolatileLfu) idle = 255 - lfuDecayedCounter(ks.lru(e), now, decay);
      else idle = Number.MAX_SAFE_INTEGER - ks.expireOf(e);
      // First empty slot or first entry with a smaller score than ours.
      let k = 0;
      while (k < EVPOOL_SIZE && pool[k] !== null && score[k] < idle) k++;
      if (k === 0 && pool[EVPOOL_SIZE - 1] !== null) continue;
      if (k < EVPOOL_SIZE && pool[k] === null) {
        // An empty slot: no shifting.
      } else if (pool[EVPOOL_SIZE - 1] === null) {
        // Room on the right: shift k.. right.
        for (let m = EVPOOL_SIZE - 1; m > k; m--) this.moveSlot(m - 1, m);
      } else {
        // Full: drop the worst (leftmost), shift 1..k-1 left, insert at k-1.
        k--;
        for (let m = 0; m < k; m++) this.moveSlot(m + 1, m);
      }
      pool[k] = ks.keyBytes(e);
      score[k] = idle;
      this.poolShard[k] = s;
      this.poolDb[k] = db;
    }
  }

  private moveSlot(from: number, to: number): void {
    this.poolKey[to] = this.poolKey[from];
    this.poolScore[to] = this.poolScore[from];
    this.poolShard[to] = this.poolShard[from];
    this.poolDb[to] = this.poolDb[from];
    this.poolKey[from] = null;
  }

  /** Deletes the picked victim; returns the bytes it freed in its arena at once. */
  private evictPicked(lazy: boolean): number {
    const server = this.server;
    const ks = server.shards[this.victimShard];
    const db = this.victimDb;
    const key = this.victimKey;
    const e = ks.find(db, key, 0, key.length);
    if (e === 0) return 0;
    const before = ks.arena.liveBytes;
    const t0 = performance.now();
    ks.remove(db, e, lazy);
    latencyAddSampleIfNeeded(server, 'eviction-del', performance.now() - t0);
    const freed = before - ks.arena.liveBytes;
    server.mainStats.count(Counter.EvictedKeys);
    if (server.watchers.size > 0) server.watchers.touch(keyName(db, key, 0, key.length));
    if ((server.settings.get(Setting.NotifyMask) & NotifyClass.Evicted) !== 0) {
      this.events.append(KeyEvent.Evicted, NotifyClass.Evicted, db, key, 0, key.length, 0);
    }
    return freed;
  }

  /** Redis's evictionTimeProc: keeps evicting on the event loop until under the limit or stuck. */
  private continueLater(): void {
    if (this.continuing) return;
    this.continuing = true;
    const step = (): void => {
      const maxmemory = this.server.config.int('maxmemory');
      if (maxmemory === 0) {
        this.continuing = false;
        this.settle(EvictResult.Ok);
        return;
      }
      this.continuing = false;
      // A pass that stops at its time limit again schedules the next step itself.
      this.perform(maxmemory);
      this.server.flushAfterEviction();
    };
    setImmediate(step);
  }
}
