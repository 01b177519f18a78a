/**
 * ShardArena: one logical shard's memory, a growable SharedArrayBuffer with its own allocator.
 *
 * Everything the allocator knows lives in the buffer itself, so any thread holding the shard can
 * allocate and free: the JS object is only a set of views. Views are fixed-length (fast in V8; a
 * length-tracking view over a growable buffer is ~5x slower, measured on Node 20) and are rebuilt
 * by `refresh()` when another thread has grown the buffer.
 *
 * Layout (byte offsets; all fields u32 little-endian):
 *   0    magic 'TSRA'
 *   4    capacity      bytes the buffer has been grown to
 *   8    top           bump pointer: first never-allocated byte
 *  12    liveBytes     sum of block sizes currently allocated (headers included)
 *  16    liveBlocks    number of blocks currently allocated
 *  64    free list heads, one u32 per size class (0 = empty)
 * 1024   ROOT_OFFSET: 1 KiB of root words for the structures built on the arena (keyspace tables, ...)
 * 4096   first block
 *
 * Blocks: a block of class c is CLASS_SIZE[c] bytes, 8-byte aligned; its first u32 holds c, and the
 * address handed out is block + 4 (so payloads are 4-byte aligned). A free block's payload's first
 * u32 links to the next free block of its class. Blocks never coalesce: size classes are 4 per
 * doubling, so internal waste is at most 25%, as with jemalloc's classes.
 */
import { TesseraError } from '../protocol/errors.js';
import { moveBytes } from './move-bytes.js';

const MAGIC = 0x41525354;
const H_CAPACITY = 1;
const H_TOP = 2;
const H_LIVE_BYTES = 3;
const H_LIVE_BLOCKS = 4;
const FREE_HEADS = 16; // u32 index of the first free-list head
export const ROOT_OFFSET = 1024;
export const ROOT_BYTES = 3072;
const FIRST_BLOCK = 4096;
/** Index of the liveBytes word in `headerView()`. */
export const LIVE_BYTES_WORD = H_LIVE_BYTES;
/** Addresses are u32: the buffer stays below 4 GiB. */
export const ARENA_MAX_BYTES = 2 ** 32 - 65536;
const BLOCK_HEADER = 4;

/** Total block sizes (header included) per class: 16, 24, ... 64, then four classes per doubling. */
export const CLASS_SIZE: number[] = [];
for (let s = 16; s <= 64; s += 8) CLASS_SIZE.push(s);
for (let base = 64; CLASS_SIZE[CLASS_SIZE.length - 1] < ARENA_MAX_BYTES / 2; base *= 2) {
  for (let k = 1; k <= 4; k++) CLASS_SIZE.push(base + (base / 4) * k);
}
const CLASS_COUNT = CLASS_SIZE.length;
if (FREE_HEADS + CLASS_COUNT > ROOT_OFFSET / 4) throw new Error('arena header too small for size classes');

/** Class for small sizes by (total+7)>>3, up to 4096 bytes. */
const SMALL_LIMIT = 4096;
const SMALL_CLASS = new Uint8Array((SMALL_LIMIT >> 3) + 1);
{
  let c = 0;
  for (let i = 0; i < SMALL_CLASS.length; i++) {
    const total = i << 3;
    while (CLASS_SIZE[c] < total) c++;
    SMALL_CLASS[i] = c;
  }
}

export function classOf(total: number): number {
  if (total <= SMALL_LIMIT) return SMALL_CLASS[(total + 7) >> 3];
  let c = SMALL_CLASS[SMALL_LIMIT >> 3];
  while (CLASS_SIZE[c] < total) c++;
  if (c >= CLASS_COUNT) throw new TesseraError('ARENA_TOO_LARGE', `allocation of ${total} bytes exceeds the arena`);
  return c;
}

export class ShardArena {
  readonly sab: SharedArrayBuffer;
  u8!: Uint8Array;
  u32!: Uint32Array;
  i32!: Int32Array;
  /**
   * For f64 values at 4-byte alignment (sorted-set scores), which a Float64Array cannot reach:
   * getFloat64 costs ~1-3 ns where two u32 words through a scratch Float64Array stall 15-45 ns.
   */
  dv!: DataView;

  private constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.views();
  }

  static create(initialBytes = 1 << 20): ShardArena {
    const size = Math.max(FIRST_BLOCK * 2, roundUp(initialBytes, 65536));
    const sab = new SharedArrayBuffer(size, { maxByteLength: ARENA_MAX_BYTES });
    const arena = new ShardArena(sab);
    arena.u32[0] = MAGIC;
    arena.u32[H_CAPACITY] = size;
    arena.u32[H_TOP] = FIRST_BLOCK;
    return arena;
  }

  /** Attaches to an arena created elsewhere (another thread). */
  static attach(sab: SharedArrayBuffer): ShardArena {
    const arena = new ShardArena(sab);
    if (arena.u32[0] !== MAGIC) throw new TesseraError('ARENA_BAD_MAGIC', 'not a shard arena');
    return arena;
  }

  private views(): void {
    const n = this.sab.byteLength;
    this.u8 = new Uint8Array(this.sab, 0, n);
    this.u32 = new Uint32Array(this.sab, 0, n >>> 2);
    this.i32 = new Int32Array(this.sab, 0, n >>> 2);
    this.dv = new DataView(this.sab, 0, n);
  }

  /**
   * Rebuilds the views if another thread grew the buffer. Call before touching the arena. The
   * capacity word is read rather than `sab.byteLength`, which on a growable SharedArrayBuffer is a
   * call into C++ (~1% of a pipelined command); the grower writes it after growing, and a thread
   * only uses an arena after taking its hold through Atomics, which orders the two.
   */
  /** The header words (layout above), as a view that stays valid while the buffer grows: for readers on any thread. */
  headerView(): Uint32Array {
    return new Uint32Array(this.sab, 0, 8);
  }

  refresh(): void {
    if (this.u32[H_CAPACITY] !== this.u8.length) this.views();
  }

  get capacity(): number {
    return this.u32[H_CAPACITY];
  }

  get liveBytes(): number {
    return this.u32[H_LIVE_BYTES];
  }

  get liveBlocks(): number {
    return this.u32[H_LIVE_BLOCKS];
  }

  /** Bytes handed out from the top: what the arena has touched. */
  get usedBytes(): number {
    return this.u32[H_TOP];
  }

  /** Allocates `size` payload bytes; returns the payload address (4-byte aligned, never 0). */
  alloc(size: number): number {
    const c = classOf(size + BLOCK_HEADER);
    const u32 = this.u32;
    let block = u32[FREE_HEADS + c];
    if (block !== 0) {
      u32[FREE_HEADS + c] = u32[(block + BLOCK_HEADER) >>> 2];
    } else {
      const total = CLASS_SIZE[c];
      block = u32[H_TOP];
      if (block + total > u32[H_CAPACITY]) {
        this.grow(block + total);
        return this.alloc(size);
      }
      u32[H_TOP] = block + total;
    }
    const v = this.u32;
    v[block >>> 2] = c;
    v[H_LIVE_BYTES] += CLASS_SIZE[c];
    v[H_LIVE_BLOCKS]++;
    return block + BLOCK_HEADER;
  }

  /** Allocates and zero-fills. */
  allocZeroed(size: number): number {
    const addr = this.alloc(size);
    this.u8.fill(0, addr, addr + size);
    return addr;
  }

  free(addr: number): void {
    const block = addr - BLOCK_HEADER;
    const u32 = this.u32;
    const c = u32[block >>> 2];
    u32[addr >>> 2] = u32[FREE_HEADS + c];
    u32[FREE_HEADS + c] = block;
    u32[H_LIVE_BYTES] -= CLASS_SIZE[c];
    u32[H_LIVE_BLOCKS]--;
  }

  /** Payload bytes the block at `addr` can hold (its class size less the header). */
  usableSize(addr: number): number {
    return CLASS_SIZE[this.u32[(addr - BLOCK_HEADER) >>> 2]] - BLOCK_HEADER;
  }

  /** Moves an allocation to one of `size` bytes, copying min(old, size) bytes. */
  realloc(addr: number, size: number, keep: number): number {
    if (size <= this.usableSize(addr)) return addr;
    const next = this.alloc(size);
    moveBytes(this.u8, next, addr, keep);
    this.free(addr);
    return next;
  }

  private grow(needed: number): void {
    const current = this.u32[H_CAPACITY];
    if (needed > ARENA_MAX_BYTES) throw new TesseraError('ARENA_FULL', 'shard arena is full (4 GiB)');
    let next = current;
    while (next < needed) next = next < 1 << 28 ? next * 2 : next + (1 << 28);
    next = Math.min(roundUp(next, 65536), ARENA_MAX_BYTES);
    this.sab.grow(next);
    this.views();
    this.u32[H_CAPACITY] = next;
  }

  /** Root words for structures built on this arena (u32 index into `u32`). */
  rootIndex(word: number): number {
    return (ROOT_OFFSET >>> 2) + word;
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
