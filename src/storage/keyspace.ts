/**
 * ShardKeyspace: the databases of one logical shard, as incrementally rehashed chained hash tables
 * living entirely in the shard's arena (so any thread holding the shard can use them).
 *
 * Invariants:
 * - Each database has a table header (TABLE_* words). While rehashing (rehashIdx !== IDLE), keys are in
 *   table 0 buckets >= rehashIdx or in table 1; lookups search both, inserts go to table 1, and every
 *   write moves one bucket, as Redis's dict does.
 * - A key is one entry block: header, key bytes and, for strings, the value bytes inline (Redis's
 *   embstr idea applied to every string). Collections keep a root address in E_VALUE instead; their
 *   type module frees it through `valueFreers`.
 * - Expiry is a u64 of ms since the epoch in the entry (two u32 words; 0 = none); `expires` counts keys
 *   with one. Active expiry scans buckets from a per-table cursor.
 *
 * - Lazy freeing (Redis's lazyfree.c, with the owning thread in place of the bio thread): a deletion
 *   that may be lazy unlinks the key at once (every later read sees it gone) and, when freeing its
 *   value costs more than LAZYFREE_THRESHOLD allocations, queues the detached entry itself as a job
 *   (its next word links the queue, so queueing allocates nothing). An asynchronous flush swaps in
 *   an empty table and queues the old one. The thread that owns the shard frees jobs in bounded
 *   slices (`lazyFreeSome`) when it is idle or between batches, never while another thread holds
 *   the shard; a table job frees small entries as it goes and queues big ones behind itself.
 *
 * Root words (arena.rootIndex): 0 hash seed, 1 database count, 2 address of the table-address array,
 * 3 lazy-free queue head, 4 queue tail, 5 objects pending (keys of a queued table count one each),
 * 6/7 objects lazily freed so far (low/high u32).
 *
 * Entry layout (byte offsets from the entry address):
 *   0 next   4 hash   8 type (u8)  9 encoding (u8)  10 flags (u16)  12 lru/lfu
 *  16 expire high   20 expire low   24 key length   28 value length or value root address
 *  32 key bytes, then inline value bytes
 */
import { ShardArena } from './arena.js';
import { moveBytes } from './move-bytes.js';
import { murmur3 } from './murmur3.js';

export const E_NEXT = 0;
export const E_HASH = 4;
export const E_TYPE = 8;
export const E_ENCODING = 9;
export const E_LRU = 12;
export const E_EXPIRE_HI = 16;
export const E_EXPIRE_LO = 20;
export const E_KEYLEN = 24;
export const E_VALUE = 28;
export const E_KEY = 32;

/** Redis's object types (server.h OBJ_*), so RDB and TYPE line up. */
export const enum ValueType {
  String = 0,
  List = 1,
  Set = 2,
  ZSet = 3,
  Hash = 4,
  Stream = 6,
}

/** Redis's encodings (server.h OBJ_ENCODING_*). */
export const enum Encoding {
  Raw = 0,
  Int = 1,
  HashTable = 2,
  IntSet = 6,
  SkipList = 7,
  Embstr = 8,
  QuickList = 9,
  Stream = 10,
  ListPack = 11,
}

const T_SIZE0 = 0;
const T_BUCKETS0 = 1;
const T_USED0 = 2;
const T_SIZE1 = 3;
const T_BUCKETS1 = 4;
const T_USED1 = 5;
const T_REHASH = 6;
const T_EXPIRES = 7;
const T_EXPIRE_CURSOR = 8;
const TABLE_WORDS = 9;
const IDLE = 0xffffffff;
const INITIAL_SIZE = 4;

const R_SEED = 0;
const R_DB_COUNT = 1;
const R_TABLES = 2;
const R_LAZY_HEAD = 3;
const R_LAZY_TAIL = 4;
const R_LAZY_PENDING = 5;
const R_LAZY_FREED_LO = 6;
const R_LAZY_FREED_HI = 7;

/** Type byte of a queued job that is a whole dropped table (words: 12 bucket cursor, 16 which table, 28 table). */
const JOB_TABLE = 0xfe;
const J_CURSOR = 3;
const J_WHICH = 4;
const J_TABLE = 7;

/** Redis's LAZYFREE_THRESHOLD: a value whose freeing costs more allocations than this is freed lazily. */
export const LAZYFREE_THRESHOLD = 64;

/** Which deletions may free lazily: bits of the lazyfree-lazy-* settings (SharedSettings' LazyFree word). */
export const enum LazyFree {
  UserDel = 1,
  UserFlush = 2,
  Expire = 4,
  Eviction = 8,
  ServerDel = 16,
}

/** Frees a collection's value root when its key goes away: registered by each type module. */
export const valueFreers: Array<((arena: ShardArena, root: number) => void) | undefined> = [];

/**
 * Deep-copies a collection's value root from arena `src` into arena `dst` (which may be the same) and
 * returns the new root: COPY, and RENAME/MOVE/SMOVE-style moves between shards. Registered by each
 * type module beside its freer, indexed by ValueType.
 */
export const valueCloners: Array<((src: ShardArena, root: number, dst: ShardArena) => number) | undefined> = [];

/**
 * Incremental freeing of a collection's value root, registered by each type module beside its freer:
 * `effort` is what Redis's lazyfreeGetFreeEffort counts (nodes or elements; 1 for the small
 * encodings), `freeSome` frees about `budget` units of work and returns the work done, a result
 * below `budget` meaning the value is completely freed (call again otherwise).
 */
export interface LazyValueFreer {
  effort(arena: ShardArena, root: number): number;
  freeSome(arena: ShardArena, root: number, budget: number): number;
}
export const valueLazyFreers: Array<LazyValueFreer | undefined> = [];

const TWO32 = 4294967296;

export class ShardKeyspace {
  readonly arena: ShardArena;
  readonly index: number;
  /** The LazyFree bits in force (the executing thread's settings); none until an ExecContext sets it. */
  lazyFlags: () => number = () => 0;
  /** Called when a job is queued (inline mode schedules the slices); null where the owner polls. */
  onLazyWork: (() => void) | null = null;

  constructor(arena: ShardArena, index: number) {
    this.arena = arena;
    this.index = index;
  }

  /** Lays out the root words of a fresh arena. */
  static format(arena: ShardArena, databases: number, seed: number): void {
    const tables = arena.allocZeroed(databases * 4);
    const u32 = arena.u32;
    u32[arena.rootIndex(R_SEED)] = seed >>> 0;
    u32[arena.rootIndex(R_DB_COUNT)] = databases;
    u32[arena.rootIndex(R_TABLES)] = tables;
  }

  get databases(): number {
    return this.arena.u32[this.arena.rootIndex(R_DB_COUNT)];
  }

  // ---------------------------------------------------------------- hashing

  /**
   * 32-bit hash of key bytes: murmur3 (x86, 32-bit) with a per-server seed. Hot path (every key
   * lookup): it takes four bytes per multiply chain where a byte-wise hash (FNV-1a) takes one.
   */
  hash(buf: Uint8Array, off: number, len: number): number {
    return murmur3(buf, off, len, this.arena.u32[this.arena.rootIndex(R_SEED)]);
  }

  // ---------------------------------------------------------------- tables

  /** The table header address of database `db`, created on first use. */
  table(db: number): number {
    const a = this.arena;
    const slot = (a.u32[a.rootIndex(R_TABLES)] >>> 2) + db;
    let t = a.u32[slot];
    if (t === 0) {
      t = a.allocZeroed(TABLE_WORDS * 4);
      const buckets = a.allocZeroed(INITIAL_SIZE * 4);
      const u32 = a.u32;
      u32[(t >>> 2) + T_SIZE0] = INITIAL_SIZE;
      u32[(t >>> 2) + T_BUCKETS0] = buckets;
      u32[(t >>> 2) + T_REHASH] = IDLE;
      u32[(a.u32[a.rootIndex(R_TABLES)] >>> 2) + db] = t;
    }
    return t;
  }

  /** Table address without creating one (0 if the database was never written). */
  private existingTable(db: number): number {
    const a = this.arena;
    return a.u32[(a.u32[a.rootIndex(R_TABLES)] >>> 2) + db];
  }

  count(db: number): number {
    const t = this.existingTable(db);
    if (t === 0) return 0;
    const u32 = this.arena.u32;
    return u32[(t >>> 2) + T_USED0] + u32[(t >>> 2) + T_USED1];
  }

  expiresCount(db: number): number {
    const t = this.existingTable(db);
    return t === 0 ? 0 : this.arena.u32[(t >>> 2) + T_EXPIRES];
  }

  /** Finds a key's entry (0 if absent), ignoring expiry. Hot path: no allocation. */
  find(db: number, buf: Uint8Array, off: number, len: number): number {
    const t = this.existingTable(db);
    if (t === 0) return 0;
    const h = this.hash(buf, off, len);
    const u32 = this.arena.u32;
    const u8 = this.arena.u8;
    const tw = t >>> 2;
    for (let which = 0; which < 2; which++) {
      const size = u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
      if (size === 0) break;
      const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
      let e = u32[(buckets >>> 2) + (h & (size - 1))];
      while (e !== 0) {
        const ew = e >>> 2;
        if (u32[ew + 1] === h && u32[ew + 6] === len) {
          let k = 0;
          const kb = e + E_KEY;
          while (k < len && u8[kb + k] === buf[off + k]) k++;
          if (k === len) return e;
        }
        e = u32[ew];
      }
      if (u32[tw + T_REHASH] === IDLE) break;
    }
    return 0;
  }

  /** Links a detached entry (its hash word set) into database `db`. Caller checked the key is absent. */
  link(db: number, e: number): void {
    const t = this.table(db);
    this.rehashStep(t);
    this.expandIfNeeded(t);
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    const rehashing = u32[tw + T_REHASH] !== IDLE;
    const size = u32[tw + (rehashing ? T_SIZE1 : T_SIZE0)];
    const buckets = u32[tw + (rehashing ? T_BUCKETS1 : T_BUCKETS0)];
    const slot = (buckets >>> 2) + (u32[(e >>> 2) + 1] & (size - 1));
    u32[e >>> 2] = u32[slot];
    u32[slot] = e;
    u32[tw + (rehashing ? T_USED1 : T_USED0)]++;
    if (this.expireOf(e) !== 0) u32[tw + T_EXPIRES]++;
  }

  /** Removes an entry from its table without freeing it (for RENAME/MOVE). */
  detach(db: number, e: number): void {
    const t = this.table(db);
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    const h = u32[(e >>> 2) + 1];
    for (let which = 0; which < 2; which++) {
      const size = u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
      if (size === 0) continue;
      const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
      let slot = (buckets >>> 2) + (h & (size - 1));
      let cur = u32[slot];
      while (cur !== 0) {
        if (cur === e) {
          u32[slot] = u32[e >>> 2];
          u32[e >>> 2] = 0;
          u32[tw + (which === 0 ? T_USED0 : T_USED1)]--;
          if (this.expireOf(e) !== 0) u32[tw + T_EXPIRES]--;
          this.rehashStep(t);
          this.shrinkIfNeeded(t);
          return;
        }
        slot = cur >>> 2;
        cur = u32[slot];
      }
    }
    throw new Error('keyspace: entry not found on detach');
  }

  /**
   * Unlinks an entry and frees it and its value: at once, or with `lazy` a big value later in slices.
   * The default is Redis's dbDelete: lazy when lazyfree-lazy-server-del says so.
   */
  remove(db: number, e: number, lazy = (this.lazyFlags() & LazyFree.ServerDel) !== 0): void {
    this.detach(db, e);
    if (lazy) this.freeEntryLazy(e);
    else this.freeEntry(e);
  }

  /** Frees a detached entry now, or queues it when its value costs more than LAZYFREE_THRESHOLD to free. */
  freeEntryLazy(e: number): void {
    const a = this.arena;
    const type = a.u8[e + E_TYPE];
    if (type !== ValueType.String) {
      const lazy = valueLazyFreers[type];
      if (lazy !== undefined && lazy.effort(a, a.u32[(e >>> 2) + 7]) > LAZYFREE_THRESHOLD) {
        this.enqueueJob(e);
        a.u32[a.rootIndex(R_LAZY_PENDING)]++;
        return;
      }
    }
    this.freeEntry(e);
  }

  /** Frees a detached entry and its value. */
  freeEntry(e: number): void {
    const type = this.arena.u8[e + E_TYPE];
    if (type !== ValueType.String) {
      const freer = valueFreers[type];
      if (freer) freer(this.arena, this.arena.u32[(e >>> 2) + 7]);
    }
    this.arena.free(e);
  }

  /** Allocates a detached entry for a key with `inlineBytes` of value room; fields zeroed but hash/key. */
  newEntry(buf: Uint8Array, off: number, len: number, type: ValueType, inlineBytes: number): number {
    const h = this.hash(buf, off, len);
    const a = this.arena;
    const e = a.alloc(E_KEY + len + inlineBytes);
    const u32 = a.u32;
    const w = e >>> 2;
    u32[w] = 0;
    u32[w + 1] = h;
    u32[w + 2] = type; // type, encoding 0, flags 0
    u32[w + 3] = 0;
    u32[w + 4] = 0;
    u32[w + 5] = 0;
    u32[w + 6] = len;
    u32[w + 7] = 0;
    a.u8.set(buf.subarray(off, off + len), e + E_KEY);
    return e;
  }

  /**
   * Gives entry `e` (linked in `db`) room for `inlineBytes` of value, moving it if its block is too
   * small; returns the (possibly new) entry address. The first `keepValue` value bytes are kept.
   */
  resizeEntry(db: number, e: number, inlineBytes: number, keepValue: number): number {
    const a = this.arena;
    const keyLen = a.u32[(e >>> 2) + 6];
    const need = E_KEY + keyLen + inlineBytes;
    if (need <= a.usableSize(e)) return e;
    this.detachForMove(db, e);
    const next = a.alloc(need);
    moveBytes(a.u8, next, e, E_KEY + keyLen + keepValue);
    a.free(e);
    this.relinkMoved(db, next);
    return next;
  }

  private detachForMove(db: number, e: number): void {
    // Unlink without counting the key as gone: relinkMoved restores the counts.
    const t = this.table(db);
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    const h = u32[(e >>> 2) + 1];
    for (let which = 0; which < 2; which++) {
      const size = u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
      if (size === 0) continue;
      const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
      let slot = (buckets >>> 2) + (h & (size - 1));
      let cur = u32[slot];
      while (cur !== 0) {
        if (cur === e) {
          u32[slot] = u32[e >>> 2];
          u32[tw + (which === 0 ? T_USED0 : T_USED1)]--;
          if (this.expireOf(e) !== 0) u32[tw + T_EXPIRES]--;
          return;
        }
        slot = cur >>> 2;
        cur = u32[slot];
      }
    }
    throw new Error('keyspace: entry not found on move');
  }

  private relinkMoved(db: number, e: number): void {
    this.link(db, e);
  }

  // ---------------------------------------------------------------- entry fields

  type(e: number): ValueType {
    return this.arena.u8[e + E_TYPE];
  }

  encoding(e: number): Encoding {
    return this.arena.u8[e + E_ENCODING];
  }

  setEncoding(e: number, enc: Encoding): void {
    this.arena.u8[e + E_ENCODING] = enc;
  }

  keyLength(e: number): number {
    return this.arena.u32[(e >>> 2) + 6];
  }

  keyStart(e: number): number {
    return e + E_KEY;
  }

  /** A copy of the key's bytes. */
  keyBytes(e: number): Uint8Array {
    const start = e + E_KEY;
    return this.arena.u8.slice(start, start + this.keyLength(e));
  }

  /** Value length (strings) or value root (collections). */
  valueWord(e: number): number {
    return this.arena.u32[(e >>> 2) + 7];
  }

  setValueWord(e: number, v: number): void {
    this.arena.u32[(e >>> 2) + 7] = v;
  }

  /** Start of a string's inline value bytes. */
  valueStart(e: number): number {
    return e + E_KEY + this.arena.u32[(e >>> 2) + 6];
  }

  lru(e: number): number {
    return this.arena.u32[(e >>> 2) + 3];
  }

  setLru(e: number, v: number): void {
    this.arena.u32[(e >>> 2) + 3] = v;
  }

  /** Expiry in ms since the epoch, 0 if none. */
  expireOf(e: number): number {
    const u32 = this.arena.u32;
    return u32[(e >>> 2) + 4] * TWO32 + u32[(e >>> 2) + 5];
  }

  /** Sets or clears (ms = 0) a linked entry's expiry, keeping the table's count of keys with one. */
  setExpire(db: number, e: number, ms: number): void {
    const had = this.expireOf(e) !== 0;
    const u32 = this.arena.u32;
    u32[(e >>> 2) + 4] = Math.floor(ms / TWO32);
    u32[(e >>> 2) + 5] = ms % TWO32;
    const has = ms !== 0;
    if (had !== has) {
      const tw = this.table(db) >>> 2;
      if (has) u32[tw + T_EXPIRES]++;
      else u32[tw + T_EXPIRES]--;
    }
  }

  /** Writes an expiry into a detached entry (link counts it). */
  setExpireDetached(e: number, ms: number): void {
    const u32 = this.arena.u32;
    u32[(e >>> 2) + 4] = Math.floor(ms / TWO32);
    u32[(e >>> 2) + 5] = ms % TWO32;
  }

  // ---------------------------------------------------------------- whole-table operations

  /** Frees every key of database `db`. */
  flush(db: number): number {
    const t = this.existingTable(db);
    if (t === 0) return 0;
    const removed = this.count(db);
    const a = this.arena;
    const tw = t >>> 2;
    for (let which = 0; which < 2; which++) {
      const size = a.u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
      if (size === 0) continue;
      const buckets = a.u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
      for (let i = 0; i < size; i++) {
        let e = a.u32[(buckets >>> 2) + i];
        while (e !== 0) {
          const next = a.u32[e >>> 2];
          this.freeEntry(e);
          e = next;
        }
      }
      a.free(buckets);
    }
    a.free(t);
    a.u32[(a.u32[a.rootIndex(R_TABLES)] >>> 2) + db] = 0;
    return removed;
  }

  /**
   * Empties database `db` in O(1) (FLUSHDB/FLUSHALL ASYNC): an empty table replaces it and the old
   * one is queued for lazy freeing. Returns the number of keys dropped.
   */
  flushLazy(db: number): number {
    const t = this.existingTable(db);
    if (t === 0) return 0;
    const removed = this.count(db);
    const a = this.arena;
    a.u32[(a.u32[a.rootIndex(R_TABLES)] >>> 2) + db] = 0;
    const job = a.allocZeroed(E_KEY);
    a.u8[job + E_TYPE] = JOB_TABLE;
    a.u32[(job >>> 2) + J_TABLE] = t;
    this.enqueueJob(job);
    a.u32[a.rootIndex(R_LAZY_PENDING)] += removed;
    return removed;
  }

  // ---------------------------------------------------------------- lazy freeing

  private enqueueJob(job: number): void {
    const u32 = this.arena.u32;
    const head = this.arena.rootIndex(R_LAZY_HEAD);
    const tail = this.arena.rootIndex(R_LAZY_TAIL);
    u32[job >>> 2] = 0;
    if (u32[head] === 0) u32[head] = job;
    else u32[u32[tail] >>> 2] = job;
    u32[tail] = job;
    if (this.onLazyWork !== null) this.onLazyWork();
  }

  /** True while lazy-free jobs are queued. */
  hasLazyWork(): boolean {
    return this.arena.u32[this.arena.rootIndex(R_LAZY_HEAD)] !== 0;
  }

  /** Objects queued for lazy freeing and not freed yet (INFO lazyfree_pending_objects). */
  lazyPending(): number {
    return this.arena.u32[this.arena.rootIndex(R_LAZY_PENDING)];
  }

  /** Objects freed lazily since the shard was created (INFO lazyfreed_objects). */
  lazyFreed(): number {
    const u32 = this.arena.u32;
    return u32[this.arena.rootIndex(R_LAZY_FREED_HI)] * TWO32 + u32[this.arena.rootIndex(R_LAZY_FREED_LO)];
  }

  private countLazyFreed(): void {
    const u32 = this.arena.u32;
    const lo = this.arena.rootIndex(R_LAZY_FREED_LO);
    u32[this.arena.rootIndex(R_LAZY_PENDING)]--;
    if (++u32[lo] === 0) u32[this.arena.rootIndex(R_LAZY_FREED_HI)]++;
  }

  /**
   * Runs queued lazy-free jobs for about `budget` units of work (a block freed or a bucket visited
   * is one). Only the thread that owns the shard calls this, while no other thread holds it.
   * Returns the work done.
   */
  lazyFreeSome(budget: number): number {
    const a = this.arena;
    a.refresh();
    const u32 = a.u32;
    const headWord = a.rootIndex(R_LAZY_HEAD);
    let used = 0;
    while (used < budget) {
      const job = u32[headWord];
      if (job === 0) break;
      const left = budget - used;
      const type = a.u8[job + E_TYPE];
      const done = type === JOB_TABLE ? this.tableFreeSome(job, left) : valueLazyFreers[type]!.freeSome(a, u32[(job >>> 2) + 7], left);
      used += done;
      if (done >= left) break;
      // Finished: the job is the head still (jobs queued meanwhile went behind it).
      u32[headWord] = u32[job >>> 2];
      if (u32[headWord] === 0) u32[a.rootIndex(R_LAZY_TAIL)] = 0;
      a.free(job);
      if (type !== JOB_TABLE) this.countLazyFreed();
      used++;
    }
    return used;
  }

  /** One slice of a dropped table: small entries are freed, big ones queued as jobs of their own. */
  private tableFreeSome(job: number, budget: number): number {
    const a = this.arena;
    const u32 = a.u32;
    const jw = job >>> 2;
    const tw = u32[jw + J_TABLE] >>> 2;
    let used = 0;
    for (let which = u32[jw + J_WHICH]; which < 2; which++) {
      u32[jw + J_WHICH] = which;
      const sizeWord = tw + (which === 0 ? T_SIZE0 : T_SIZE1);
      const size = u32[sizeWord];
      if (size === 0) continue;
      const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)] >>> 2;
      let i = u32[jw + J_CURSOR];
      while (i < size) {
        if (used >= budget) {
          u32[jw + J_CURSOR] = i;
          return used;
        }
        let e = u32[buckets + i];
        while (e !== 0) {
          const next = u32[e >>> 2];
          const type = a.u8[e + E_TYPE];
          const lazy = type === ValueType.String ? undefined : valueLazyFreers[type];
          const effort = lazy === undefined ? 1 : lazy.effort(a, u32[(e >>> 2) + 7]);
          if (effort > LAZYFREE_THRESHOLD) {
            this.enqueueJob(e);
            used++;
          } else {
            this.freeEntry(e);
            this.countLazyFreed();
            used += effort;
          }
          e = next;
        }
        u32[buckets + i] = 0;
        used++;
        i++;
      }
      a.free(buckets << 2);
      u32[sizeWord] = 0;
      u32[jw + J_CURSOR] = 0;
      used++;
    }
    if (used >= budget) return used;
    a.free(tw << 2);
    return used;
  }

  /** Swaps two databases (SWAPDB): table pointers only. */
  swap(a: number, b: number): void {
    const ar = this.arena;
    const base = ar.u32[ar.rootIndex(R_TABLES)] >>> 2;
    const t = ar.u32[base + a];
    ar.u32[base + a] = ar.u32[base + b];
    ar.u32[base + b] = t;
  }

  /** Calls `visit` for every entry of `db`. The callback must not modify the table. */
  forEach(db: number, visit: (e: number) => void): void {
    const t = this.existingTable(db);
    if (t === 0) return;
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    for (let which = 0; which < 2; which++) {
      const size = u32[tw + (which === 0 ? T_SIZE0 : T_SIZE1)];
      if (size === 0) continue;
      const buckets = u32[tw + (which === 0 ? T_BUCKETS0 : T_BUCKETS1)];
      for (let i = 0; i < size; i++) {
        let e = u32[(buckets >>> 2) + i];
        while (e !== 0) {
          const next = u32[e >>> 2];
          visit(e);
          e = next;
        }
      }
    }
  }

  /**
   * One SCAN step (Redis's reverse-binary cursor, correct across resizes: every key present for the
   * whole scan is visited at least once). Visits the entries of one bucket of the smaller table and
   * the buckets it expands to in the larger; returns the next cursor (0 = done).
   */
  scanStep(db: number, cursor: number, visit: (e: number) => void): number {
    const t = this.existingTable(db);
    if (t === 0) return 0;
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    let v = cursor >>> 0;
    const visitBucket = (buckets: number, idx: number) => {
      let e = u32[(buckets >>> 2) + idx];
      while (e !== 0) {
        const next = u32[e >>> 2];
        visit(e);
        e = next;
      }
    };
    if (u32[tw + T_REHASH] === IDLE) {
      const m0 = u32[tw + T_SIZE0] - 1;
      visitBucket(u32[tw + T_BUCKETS0], v & m0);
      v = (v | ~m0) >>> 0;
      v = reverseBits(v);
      v = (v + 1) >>> 0;
      v = reverseBits(v);
      return v;
    }
    let small = 0;
    let large = 1;
    if (u32[tw + T_SIZE0] > u32[tw + T_SIZE1]) {
      small = 1;
      large = 0;
    }
    const bs = u32[tw + (small === 0 ? T_BUCKETS0 : T_BUCKETS1)];
    const bl = u32[tw + (large === 0 ? T_BUCKETS0 : T_BUCKETS1)];
    const m0 = u32[tw + (small === 0 ? T_SIZE0 : T_SIZE1)] - 1;
    const m1 = u32[tw + (large === 0 ? T_SIZE0 : T_SIZE1)] - 1;
    // Buckets of table 0 below rehashIdx are empty; visiting them is harmless.
    visitBucket(bs, v & m0);
    do {
      visitBucket(bl, v & m1);
      v = ((((v | m0) >>> 0) + 1) & ~m0) | (v & m0);
      v >>>= 0;
    } while ((v & (m0 ^ m1)) !== 0);
    v = (v | ~m0) >>> 0;
    v = reverseBits(v);
    v = (v + 1) >>> 0;
    v = reverseBits(v);
    return v;
  }

  /** A random entry of `db` (0 if empty): a random non-empty bucket, then a random chain element. */
  randomEntry(db: number): number {
    if (this.count(db) === 0) return 0;
    const t = this.existingTable(db);
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    for (;;) {
      const rehashing = u32[tw + T_REHASH] !== IDLE;
      const s0 = u32[tw + T_SIZE0];
      const s1 = rehashing ? u32[tw + T_SIZE1] : 0;
      // Buckets of table 0 below rehashIdx are empty: skip them, as Redis's dictGetRandomKey does.
      const from = rehashing ? u32[tw + T_REHASH] : 0;
      let idx = from + Math.floor(Math.random() * (s0 - from + s1));
      let buckets: number;
      if (idx < s0) buckets = u32[tw + T_BUCKETS0];
      else {
        buckets = u32[tw + T_BUCKETS1];
        idx -= s0;
      }
      let e = u32[(buckets >>> 2) + idx];
      if (e === 0) continue;
      let len = 0;
      for (let c = e; c !== 0; c = u32[c >>> 2]) len++;
      let pick = Math.floor(Math.random() * len);
      while (pick-- > 0) e = u32[e >>> 2];
      return e;
    }
  }

  /**
   * Redis's dictGetSomeKeys, for eviction sampling: appends to `out` up to `count` entries of `db`
   * (only those with an expiry when `volatile`) from consecutive buckets starting at a random one,
   * visiting at most `maxBuckets` buckets. Returns how many it appended. Reads only.
   */
  sampleEntries(db: number, count: number, volatile: boolean, maxBuckets: number, out: number[]): number {
    const t = this.existingTable(db);
    if (t === 0) return 0;
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    const rehashing = u32[tw + T_REHASH] !== IDLE;
    const s0 = u32[tw + T_SIZE0];
    const s1 = rehashing ? u32[tw + T_SIZE1] : 0;
    const b0 = u32[tw + T_BUCKETS0];
    const b1 = u32[tw + T_BUCKETS1];
    const from = rehashing ? u32[tw + T_REHASH] : 0;
    const mask = Math.max(s0, s1) - 1;
    let i = Math.floor(Math.random() * (mask + 1));
    let found = 0;
    let empty = 0;
    for (let step = 0; step < maxBuckets && found < count; step++) {
      const before = found;
      for (let which = 0; which < 2 && found < count; which++) {
        const size = which === 0 ? s0 : s1;
        // Buckets of table 0 below rehashIdx are empty (moved to table 1).
        if (size === 0 || i >= size || (which === 0 && i < from)) continue;
        let e = u32[((which === 0 ? b0 : b1) >>> 2) + i];
        while (e !== 0 && found < count) {
          if (!volatile || u32[(e >>> 2) + 4] !== 0 || u32[(e >>> 2) + 5] !== 0) {
            out.push(e);
            found++;
          }
          e = u32[e >>> 2];
        }
      }
      // A run of empty buckets (a sparse table, or the far side of a rehash): jump elsewhere.
      if (found === before) {
        if (++empty >= 5 && empty > count) {
          i = Math.floor(Math.random() * (mask + 1));
          empty = 0;
          continue;
        }
      } else empty = 0;
      i = (i + 1) & mask;
    }
    return found;
  }

  /**
   * Active expiry for one database: scans buckets from the table's cursor, deleting keys whose time
   * has passed, until `maxBuckets` buckets were visited. Calls `onExpired(keyCopy)` before each delete
   * so the caller can propagate it. Returns [visited keys with a TTL, expired].
   */
  expireCycle(db: number, now: number, maxBuckets: number, onExpired: (e: number) => void): [number, number] {
    const t = this.existingTable(db);
    if (t === 0 || this.arena.u32[(t >>> 2) + T_EXPIRES] === 0) return [0, 0];
    let sampled = 0;
    let expired = 0;
    const doomed: number[] = [];
    let cursor = this.arena.u32[(t >>> 2) + T_EXPIRE_CURSOR];
    for (let i = 0; i < maxBuckets; i++) {
      cursor = this.scanStep(db, cursor, (e) => {
        const at = this.expireOf(e);
        if (at === 0) return;
        sampled++;
        if (at <= now) doomed.push(e);
      });
      if (cursor === 0) break;
    }
    const lazy = (this.lazyFlags() & LazyFree.Expire) !== 0;
    for (const e of doomed) {
      onExpired(e);
      this.remove(db, e, lazy);
      expired++;
    }
    const t2 = this.existingTable(db);
    if (t2 !== 0) this.arena.u32[(t2 >>> 2) + T_EXPIRE_CURSOR] = cursor;
    return [sampled, expired];
  }

  /** Moves a few buckets of an in-progress rehash (for idle time, as Redis's cron does). */
  rehashSome(db: number, steps: number): void {
    const t = this.existingTable(db);
    if (t === 0) return;
    for (let i = 0; i < steps; i++) this.rehashStep(t);
  }

  // ---------------------------------------------------------------- resizing

  private expandIfNeeded(t: number): void {
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    if (u32[tw + T_REHASH] !== IDLE) return;
    const used = u32[tw + T_USED0];
    const size = u32[tw + T_SIZE0];
    if (used >= size) this.startRehash(t, nextPow2(used * 2));
  }

  private shrinkIfNeeded(t: number): void {
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    if (u32[tw + T_REHASH] !== IDLE) return;
    const used = u32[tw + T_USED0];
    const size = u32[tw + T_SIZE0];
    if (size > INITIAL_SIZE && used * 10 < size) this.startRehash(t, Math.max(INITIAL_SIZE, nextPow2(used)));
  }

  private startRehash(t: number, size: number): void {
    const buckets = this.arena.allocZeroed(size * 4);
    const u32 = this.arena.u32;
    const tw = t >>> 2;
    u32[tw + T_SIZE1] = size;
    u32[tw + T_BUCKETS1] = buckets;
    u32[tw + T_USED1] = 0;
    u32[tw + T_REHASH] = 0;
  }

  /** Moves one non-empty bucket (visiting at most 10 empty ones) from table 0 to table 1. */
  private rehashStep(t: number): void {
    const a = this.arena;
    const u32 = a.u32;
    const tw = t >>> 2;
    let idx = u32[tw + T_REHASH];
    if (idx === IDLE) return;
    const size0 = u32[tw + T_SIZE0];
    const b0 = u32[tw + T_BUCKETS0] >>> 2;
    const size1 = u32[tw + T_SIZE1];
    const b1 = u32[tw + T_BUCKETS1] >>> 2;
    let empty = 10;
    while (idx < size0 && u32[b0 + idx] === 0) {
      idx++;
      if (--empty === 0) break;
    }
    if (idx < size0) {
      let e = u32[b0 + idx];
      while (e !== 0) {
        const next = u32[e >>> 2];
        const slot = b1 + (u32[(e >>> 2) + 1] & (size1 - 1));
        u32[e >>> 2] = u32[slot];
        u32[slot] = e;
        u32[tw + T_USED0]--;
        u32[tw + T_USED1]++;
        e = next;
      }
      u32[b0 + idx] = 0;
      idx++;
    }
    if (idx >= size0) {
      a.free(b0 << 2);
      u32[tw + T_SIZE0] = size1;
      u32[tw + T_BUCKETS0] = b1 << 2;
      u32[tw + T_USED0] = u32[tw + T_USED1];
      u32[tw + T_SIZE1] = 0;
      u32[tw + T_BUCKETS1] = 0;
      u32[tw + T_USED1] = 0;
      u32[tw + T_REHASH] = IDLE;
    } else {
      u32[tw + T_REHASH] = idx;
    }
  }
}

function nextPow2(n: number): number {
  let s = INITIAL_SIZE;
  while (s < n) s *= 2;
  return s;
}

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}
