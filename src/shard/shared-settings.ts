/**
 * Settings every executing thread reads, in one small SharedArrayBuffer the main thread writes
 * (CONFIG SET, DEBUG SET-ACTIVE-EXPIRE) and workers read without messages.
 *
 * Int32 words:
 *   0 active expiry enabled (1/0)      1 maxmemory-policy (MaxmemoryPolicy)   2 lfu-log-factor
 *   3 lfu-decay-time                  4 hz                                  5 active-expire-effort
 *   6 maxmemory (MiB, rounded up; 0 = none)   7 shared integers allowed (1/0)
 *   8 proto-max-bulk-len (low 31 bits; values above 2 GiB saturate)
 *   9 slowlog threshold in us (-1 = slowlog off): workers send a slow command's arguments back
 *  10 list-max-listpack-size (a new list's quicklist fill factor)
 *  11 zset-max-listpack-entries, 12 zset-max-listpack-value (saturate at 2^31-1)
 *  13 hash-max-listpack-entries, 14 hash-max-listpack-value (saturate at 2^31-1)
 *  15 set-max-intset-entries (capped at 2^30, as Redis caps intsets)
 *  16 hll-sparse-max-bytes (saturates at 2^31-1)
 *  17 lazyfree-lazy-* settings as LazyFree bits (storage/keyspace.ts)
 *  18 keyspace-event emit mask: the NotifyClass bits executors record (0 = notifications off)
 *  19 rdbcompression (1/0): DUMP compresses strings with LZF
 */
export const enum Setting {
  ActiveExpire = 0,
  MaxmemoryPolicy = 1,
  LfuLogFactor = 2,
  LfuDecayTime = 3,
  Hz = 4,
  ActiveExpireEffort = 5,
  MaxmemoryMiB = 6,
  SharedIntegers = 7,
  ProtoMaxBulkLen = 8,
  SlowlogThresholdUsec = 9,
  ListMaxListpackSize = 10,
  ZsetMaxListpackEntries = 11,
  ZsetMaxListpackValue = 12,
  HashMaxListpackEntries = 13,
  HashMaxListpackValue = 14,
  SetMaxIntsetEntries = 15,
  HllSparseMaxBytes = 16,
  LazyFree = 17,
  NotifyMask = 18,
  RdbCompression = 19,
}
/** Room for more settings: the buffer is sized once, at startup. */
const WORDS = 32;

/** Values only grow: pinned by a test because workers and the main thread must agree. */
export const MAXMEMORY_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;

const LFU_ALLKEYS = MAXMEMORY_POLICIES.indexOf('allkeys-lfu');
const LFU_VOLATILE = MAXMEMORY_POLICIES.indexOf('volatile-lfu');

export class SharedSettings {
  readonly sab: SharedArrayBuffer;
  readonly words: Int32Array;

  constructor(sab?: SharedArrayBuffer) {
    this.sab = sab ?? new SharedArrayBuffer(WORDS * 4);
    this.words = new Int32Array(this.sab);
  }

  /** A plain read: the main thread's Atomics.store reaches other threads by the next command at the latest. */
  get(s: Setting): number {
    return this.words[s];
  }

  set(s: Setting, v: number): void {
    Atomics.store(this.words, s, v);
  }

  get policy(): string {
    return MAXMEMORY_POLICIES[this.get(Setting.MaxmemoryPolicy)];
  }

  /** An LFU policy is in force (read on every key access: a word compare, no string). */
  get lfu(): boolean {
    const p = this.get(Setting.MaxmemoryPolicy);
    return p === LFU_ALLKEYS || p === LFU_VOLATILE;
  }
}
