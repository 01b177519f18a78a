/**
 * ByteRing: a single-producer single-consumer ring of length-prefixed messages in a SharedArrayBuffer,
 * for the request, reply (and later effect) streams between the main thread and one shard worker.
 *
 * Layout (Int32 words, then data):
 *   [0] write position (bytes ever written, wrapping u32)      written by the producer
 *   [1] read position  (bytes ever consumed, wrapping u32)     written by the consumer
 *   [2] consumer sleeping: 1 while the consumer waits (or is about to) on word [3]
 *   [3] wake counter: the producer bumps it and notifies when the consumer sleeps
 *   [4] producer sleeping: 1 while the producer waits for space on word [5]
 *   [5] space counter: the consumer bumps it and notifies when the producer sleeps
 *   data starts at byte 64; capacity is a power of two.
 * A message is a u32 payload length, the payload, padding to 4 bytes. A length of WRAP means "the
 * rest of the data area is unused; continue at offset 0". Positions only grow, so used = write - read.
 */
export const RING_HEADER = 64;
const W_WRITE = 0;
const W_READ = 1;
const W_CONSUMER_SLEEPING = 2;
const W_WAKE = 3;
const W_PRODUCER_SLEEPING = 4;
const W_SPACE = 5;
const WRAP = 0xffffffff;

export class ByteRing {
  readonly sab: SharedArrayBuffer;
  readonly capacity: number;
  readonly mask: number;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  /** Producer side: payload offset and padded size of the message being written. */
  private pendingOffset = 0;
  private pendingSize = 0;

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.capacity = sab.byteLength - RING_HEADER;
    this.mask = this.capacity - 1;
    this.u8 = new Uint8Array(sab, RING_HEADER, this.capacity);
    this.u32 = new Uint32Array(sab, RING_HEADER, this.capacity >>> 2);
    this.i32 = new Int32Array(sab, 0, RING_HEADER >>> 2);
  }

  static allocate(capacity: number): SharedArrayBuffer {
    if ((capacity & (capacity - 1)) !== 0) throw new Error('ring capacity must be a power of two');
    return new SharedArrayBuffer(RING_HEADER + capacity);
  }

  /** Largest payload that fits in one message. */
  get maxPayload(): number {
    return (this.capacity >>> 1) - 8;
  }

  // ---------------------------------------------------------------- producer

  /**
   * Reserves room for a payload of `size` bytes; returns its offset in `u8` or -1 when the ring is
   * too full right now. Follow with writes into u8/u32 and `commit()`.
   */
  reserve(size: number): number {
    const padded = (size + 3) & ~3;
    const write = Atomics.load(this.i32, W_WRITE) >>> 0;
    const read = Atomics.load(this.i32, W_READ) >>> 0;
    const used = (write - read) >>> 0;
    let at = write & this.mask;
    let skip = 0;
    if (at + 4 + padded > this.capacity) {
      skip = this.capacity - at;
      at = 0;
    }
    if (used + skip + 4 + padded > this.capacity) return -1;
    if (skip > 0) this.u32[(write & this.mask) >>> 2] = WRAP;
    this.u32[at >>> 2] = size;
    this.pendingOffset = at + 4;
    this.pendingSize = skip + 4 + padded;
    return at + 4;
  }

  /** Publishes the reserved message; wakes the consumer if it sleeps. */
  commit(): void {
    const write = Atomics.load(this.i32, W_WRITE) >>> 0;
    Atomics.store(this.i32, W_WRITE, (write + this.pendingSize) | 0);
    this.pendingSize = 0;
    if (Atomics.load(this.i32, W_CONSUMER_SLEEPING) !== 0) {
      Atomics.add(this.i32, W_WAKE, 1);
      Atomics.notify(this.i32, W_WAKE);
    }
  }

  /** Offset of the payload being written (after reserve). */
  get reservedOffset(): number {
    return this.pendingOffset;
  }

  // ---------------------------------------------------------------- consumer

  private readSize = 0;

  /** Offset of the next message's payload, or -1 if none; its length is `u32[(offset - 4) >> 2]`. */
  peek(): number {
    const read = Atomics.load(this.i32, W_READ) >>> 0;
    const write = Atomics.load(this.i32, W_WRITE) >>> 0;
    if (read === write) return -1;
    let at = read & this.mask;
    let skip = 0;
    let len = this.u32[at >>> 2];
    if (len === WRAP) {
      skip = this.capacity - at;
      at = 0;
      len = this.u32[0];
    }
    this.readSize = skip + 4 + ((len + 3) & ~3);
    return at + 4;
  }

  /** Payload length of the message at payload offset `offset`. */
  lengthAt(offset: number): number {
    return this.u32[(offset - 4) >>> 2];
  }

  /** Consumes the message last returned by peek. */
  advance(): void {
    const read = Atomics.load(this.i32, W_READ) >>> 0;
    Atomics.store(this.i32, W_READ, (read + this.readSize) | 0);
    this.readSize = 0;
    if (Atomics.load(this.i32, W_PRODUCER_SLEEPING) !== 0) {
      Atomics.add(this.i32, W_SPACE, 1);
      Atomics.notify(this.i32, W_SPACE);
    }
  }

  hasData(): boolean {
    return Atomics.load(this.i32, W_READ) !== Atomics.load(this.i32, W_WRITE);
  }

  /** Consumer: blocks (worker threads only) until data arrives or `timeoutMs` passes. */
  waitForData(spins: number, timeoutMs: number): boolean {
    for (let i = 0; i < spins; i++) if (this.hasData()) return true;
    const wake = Atomics.load(this.i32, W_WAKE);
    Atomics.store(this.i32, W_CONSUMER_SLEEPING, 1);
    if (this.hasData()) {
      Atomics.store(this.i32, W_CONSUMER_SLEEPING, 0);
      return true;
    }
    Atomics.wait(this.i32, W_WAKE, wake, timeoutMs);
    Atomics.store(this.i32, W_CONSUMER_SLEEPING, 0);
    return this.hasData();
  }

  /** Consumer on the main thread: a promise that settles when data may have arrived. */
  waitForDataAsync(timeoutMs: number): Promise<unknown> | null {
    const wake = Atomics.load(this.i32, W_WAKE);
    Atomics.store(this.i32, W_CONSUMER_SLEEPING, 1);
    if (this.hasData()) {
      Atomics.store(this.i32, W_CONSUMER_SLEEPING, 0);
      return null;
    }
    const result = Atomics.waitAsync(this.i32, W_WAKE, wake, timeoutMs);
    if (!result.async) {
      Atomics.store(this.i32, W_CONSUMER_SLEEPING, 0);
      return null;
    }
    return result.value;
  }

  /** Consumer: call once awake, so producers stop notifying. */
  awake(): void {
    Atomics.store(this.i32, W_CONSUMER_SLEEPING, 0);
  }

  /** Producer on a worker: blocks until the consumer frees space (or timeout). */
  waitForSpace(timeoutMs: number): void {
    const space = Atomics.load(this.i32, W_SPACE);
    Atomics.store(this.i32, W_PRODUCER_SLEEPING, 1);
    Atomics.wait(this.i32, W_SPACE, space, timeoutMs);
    Atomics.store(this.i32, W_PRODUCER_SLEEPING, 0);
  }
}
