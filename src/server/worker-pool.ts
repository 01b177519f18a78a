/**
 * WorkerPool: the main thread's side of the shard workers: one request ring and one reply ring per
 * worker, the hold table, and the pump that drains replies.
 *
 * Waiting for replies: after a batch is dispatched the pump polls the reply rings for a short spin
 * (replies usually come back in 1-2 us), then arms Atomics.waitAsync on each ring with requests in
 * flight, which costs ~55 us per wake-up but leaves the event loop free.
 */
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ByteRing } from '../shard/ring.js';
import {
  BIG_REPLY_FLAG,
  DIRTY_FLAG,
  EVENTS_FLAG,
  EVENTS_ON_PORT,
  EVENTS_ONLY_REQUEST,
  EVENTS_POSTED,
  HOLD_SLOTS,
  REPLY_RING_BYTES,
  REQUEST_RING_BYTES,
  RequestKind,
  type WorkerStartup,
} from '../shard/messages.js';
import { CommandStats } from '../shard/command-stats.js';
import { Args } from '../protocol/args.js';

export interface ReplySink {
  /**
   * A reply for request `reqId` that ran `usec` us: bytes[start, end) are valid only during the call.
   * `slowArgs` holds the command's arguments when it was slower than the slowlog threshold.
   */
  deliver(reqId: number, usec: number, bytes: Uint8Array, start: number, end: number, slowArgs: Args | null, dirty: boolean): void;
  /**
   * Keyspace events (keyspace-events.ts layout) in bytes[start, end), valid only during the call: a
   * command's come right before its deliver() (same reqId), the active expiry cycle's alone (reqId 0).
   */
  keyspaceEvents(reqId: number, bytes: Uint8Array, start: number, end: number): void;
  /** A worker wrote events-only frames while nothing may be draining its ring. */
  eventsPosted(): void;
}

class WorkerLink {
  readonly requests: ByteRing;
  readonly replies: ByteRing;
  readonly port: MessagePort;
  inFlight = 0;
  armed = false;

  constructor(
    readonly worker: Worker,
    requestRing: SharedArrayBuffer,
    replyRing: SharedArrayBuffer,
    port: MessagePort,
    readonly stats: CommandStats,
  ) {
    this.requests = new ByteRing(requestRing);
    this.replies = new ByteRing(replyRing);
    this.port = port;
  }
}

export class WorkerPool {
  readonly links: WorkerLink[] = [];
  readonly holdTable = new SharedArrayBuffer(HOLD_SLOTS * 8);
  private readonly holds = new Int32Array(this.holdTable);
  private nextHoldId = 1;

  constructor(
    count: number,
    shardCount: number,
    arenas: SharedArrayBuffer[],
    slotToShard: Uint16Array,
    settings: SharedArrayBuffer,
    specNames: string[],
    private readonly sink: ReplySink,
  ) {
    const workerUrl = new URL('../shard/worker.js', import.meta.url);
    for (let w = 0; w < count; w++) {
      const owned: number[] = [];
      for (let s = 0; s < shardCount; s++) if (s % count === w) owned.push(s);
      const requestRing = ByteRing.allocate(REQUEST_RING_BYTES);
      const replyRing = ByteRing.allocate(REPLY_RING_BYTES);
      const stats = new CommandStats(specNames.length);
      const channel = new MessageChannel();
      const startup: WorkerStartup = {
        index: w,
        owned,
        arenas,
        slotToShard,
        requestRing,
        replyRing,
        holdTable: this.holdTable,
        settings,
        stats: stats.sab,
        specNames,
        port: channel.port2,
      };
      const worker = new Worker(workerUrl, { workerData: startup, transferList: [channel.port2] });
      worker.unref();
      worker.on('error', (err) => console.error(`tessera: shard worker ${w} failed`, err));
      worker.on('message', (m) => {
        if (m === EVENTS_POSTED) this.sink.eventsPosted();
      });
      this.links.push(new WorkerLink(worker, requestRing, replyRing, channel.port1, stats));
    }
  }

  workerOfShard(shard: number): number {
    return shard % this.links.length;
  }

  get stats(): CommandStats[] {
    return this.links.map((l) => l.stats);
  }

  /**
   * Enqueues a command for worker `w`, draining replies while its ring is full (the worker only ever
   * waits for us, so this always progresses). Hot path: one copy of the argument bytes.
   */
  send(w: number, reqId: number, resp: number, db: number, specId: number, args: Args): void {
    const link = this.links[w];
    const argc = args.argc;
    let size = 16 + argc * 4;
    for (let i = 0; i < argc; i++) size += args.length(i);
    const ring = link.requests;
    if (size > ring.maxPayload) {
      this.sendBig(link, reqId, resp, db, specId, args, size);
      return;
    }
    let at = ring.reserve(size);
    while (at < 0) {
      this.drain();
      at = ring.reserve(size);
    }
    writeRequest(ring.u8, ring.u32, at, reqId, resp, db, specId, args);
    ring.commit();
    link.inFlight++;
  }

  private sendBig(link: WorkerLink, reqId: number, resp: number, db: number, specId: number, args: Args, size: number): void {
    const payload = new Uint8Array(size + 3 - ((size + 3) % 4));
    writeRequest(payload, new Uint32Array(payload.buffer), 0, reqId, resp, db, specId, args);
    let at = link.requests.reserve(8);
    while (at < 0) {
      this.drain();
      at = link.requests.reserve(8);
    }
    link.port.postMessage(payload, [payload.buffer]);
    link.requests.u32[at >>> 2] = reqId;
    link.requests.u32[(at >>> 2) + 1] = RequestKind.Big;
    link.requests.commit();
    link.inFlight++;
  }

  /**
   * Holds workers `ws`: enqueues a hold behind everything already queued for each, then waits (draining
   * replies) until all have parked. The caller then has every shard of those workers to itself and
   * must call `release(id)`. Holds are taken synchronously, one at a time, by the single sequencer, so
   * they are ordered the same way in every queue: no deadlock, and the result is serializable.
   */
  hold(ws: number[]): number {
    const id = this.nextHoldId++;
    const slot = id % HOLD_SLOTS;
    Atomics.store(this.holds, 2 * slot, 0);
    for (const w of ws) {
      const ring = this.links[w].requests;
      let at = ring.reserve(8);
      while (at < 0) {
        this.drain();
        at = ring.reserve(8);
      }
      ring.u32[at >>> 2] = id;
      ring.u32[(at >>> 2) + 1] = RequestKind.Hold;
      ring.commit();
    }
    while (Atomics.load(this.holds, 2 * slot) < ws.length) {
      if (this.drain() === 0) Atomics.wait(this.holds, 2 * slot, Atomics.load(this.holds, 2 * slot), 0.05);
    }
    return id;
  }

  release(id: number): void {
    const slot = id % HOLD_SLOTS;
    Atomics.store(this.holds, 2 * slot + 1, id);
    Atomics.notify(this.holds, 2 * slot + 1);
  }

  private readonly slowArgs = new Args();
  private slowWords = new Uint32Array(64);

  /** A slow command's arguments sent back with its reply (messages.ts layout), as an Args view into the ring. */
  private decodeSlowArgs(ring: ByteRing, at: number): Args {
    const argc = ring.u32[at >>> 2];
    let pos = at + 4 + 4 * argc;
    for (let i = 0; i < argc; i++) {
      const len = ring.u32[(at >>> 2) + 1 + i];
      this.slowWords[2 * i] = pos;
      this.slowWords[2 * i + 1] = len;
      pos += len;
    }
    return this.slowArgs.reset(ring.u8, this.slowWords, 0, argc);
  }

  /** Delivers every reply available now; returns how many. Hot path. */
  drain(): number {
    let n = 0;
    for (const link of this.links) {
      const ring = link.replies;
      for (;;) {
        const off = ring.peek();
        if (off < 0) break;
        const len = ring.lengthAt(off);
        const reqId = ring.u32[off >>> 2] >>> 0;
        const timeWord = ring.u32[(off >>> 2) + 1];
        const usec = timeWord & (EVENTS_FLAG - 1);
        const dirty = timeWord >= DIRTY_FLAG;
        const big = (reqId & BIG_REPLY_FLAG) !== 0;
        let bytes: Uint8Array | null = null;
        if (big) {
          let msg = receiveMessageOnPort(link.port);
          while (!msg) msg = receiveMessageOnPort(link.port);
          bytes = msg.message as Uint8Array;
        }
        const r = ring.u32[(off >>> 2) + 2];
        // Sections after the reply bytes start at u32 boundaries (messages.ts).
        let p = (off + 12 + r + 3) & ~3;
        if ((timeWord & EVENTS_FLAG) !== 0) {
          const m = ring.u32[p >>> 2];
          if (m === EVENTS_ON_PORT) {
            let msg = receiveMessageOnPort(link.port);
            while (!msg) msg = receiveMessageOnPort(link.port);
            const ev = msg.message as Uint8Array;
            this.sink.keyspaceEvents(reqId & ~BIG_REPLY_FLAG, ev, 0, ev.length);
            p += 4;
          } else {
            this.sink.keyspaceEvents(reqId & ~BIG_REPLY_FLAG, ring.u8, p + 4, p + 4 + m);
            p += 4 + ((m + 3) & ~3);
          }
        }
        if (reqId === EVENTS_ONLY_REQUEST) {
          ring.advance();
          continue;
        }
        const slow = off + len > p ? this.decodeSlowArgs(ring, p) : null;
        if (bytes !== null) {
          ring.advance();
          link.inFlight--;
          this.sink.deliver(reqId & ~BIG_REPLY_FLAG, usec, bytes, 0, bytes.length, slow, dirty);
        } else {
          this.sink.deliver(reqId, usec, ring.u8, off + 12, off + 12 + r, slow, dirty);
          ring.advance();
          link.inFlight--;
        }
        n++;
      }
    }
    return n;
  }

  /** Spins briefly (up to `spinMs`) draining replies while requests are in flight. */
  spin(spinMs: number): void {
    const deadline = performance.now() + spinMs;
    while (this.inFlight() > 0) {
      if (this.drain() === 0 && performance.now() > deadline) break;
    }
  }

  inFlight(): number {
    let n = 0;
    for (const l of this.links) n += l.inFlight;
    return n;
  }

  /** Sleeps on the reply rings of workers with requests in flight; `onWake` runs when one may have data. */
  arm(onWake: () => void): void {
    for (const link of this.links) {
      if (link.inFlight === 0 || link.armed) continue;
      link.armed = true;
      const waiting = link.replies.waitForDataAsync(1000);
      const wake = () => {
        link.armed = false;
        link.replies.awake();
        onWake();
      };
      if (waiting === null) queueMicrotask(wake);
      else waiting.then(wake);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.links.map((l) => l.worker.terminate()));
  }
}

function writeRequest(u8: Uint8Array, u32: Uint32Array, at: number, reqId: number, resp: number, db: number, specId: number, args: Args): void {
  const w = at >>> 2;
  const argc = args.argc;
  u32[w] = reqId;
  u32[w + 1] = RequestKind.Exec | (resp << 8) | (db << 16);
  u32[w + 2] = specId;
  u32[w + 3] = argc;
  let pos = at + 16 + argc * 4;
  const src = args.buf;
  for (let i = 0; i < argc; i++) {
    const len = args.length(i);
    u32[w + 4 + i] = len;
    const o = args.offset(i);
    u8.set(src.subarray(o, o + len), pos);
    pos += len;
  }
}
