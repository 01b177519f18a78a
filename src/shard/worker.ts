/**
 * Shard worker entry: executes requests from its request ring on the shards it owns and writes
 * replies to its reply ring. Spins briefly before sleeping (DESIGN.md section 1: a sleeping hand-off
 * costs ~55 us, a spinning one 1-2 us). Idle time runs the active expiry cycle of owned shards.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { ByteRing } from './ring.js';
import { BIG_REPLY_FLAG, DIRTY_FLAG, EVENTS_FLAG, EVENTS_ON_PORT, EVENTS_ONLY_REQUEST, EVENTS_POSTED, HOLD_SLOTS, RETRY_RESP_BIT, RequestKind, type WorkerStartup } from './messages.js';
import { EventBuffer } from '../commands/keyspace-events.js';
import { ShardArena } from '../storage/arena.js';
import { ShardKeyspace } from '../storage/keyspace.js';
import { ExecContext } from '../commands/context.js';
import { Reply } from '../protocol/reply.js';
import { SharedSettings, Setting } from './shared-settings.js';
import { CommandStats } from './command-stats.js';
import { execute } from './executor.js';
import { beginBatch, endBatch } from './clock.js';
import { shardHandlersByName } from '../commands/registry.js';
import { ActiveExpiry } from './active-expiry.js';
import { LazyFreeRunner } from './lazy-free.js';

const startup = workerData as WorkerStartup;
const requests = new ByteRing(startup.requestRing);
const replies = new ByteRing(startup.replyRing);
const holds = new Int32Array(startup.holdTable);
const settings = new SharedSettings(startup.settings);
const stats = new CommandStats(startup.specNames.length, startup.stats);
const shards = startup.arenas.map((sab, i) => new ShardKeyspace(ShardArena.attach(sab), i));
const reply = new Reply(64 * 1024);
const ctx = new ExecContext(shards, startup.slotToShard, settings, stats, reply);
const byName = shardHandlersByName();
const handlers = startup.specNames.map((name) => byName.get(name) ?? byName.get(name.split('|')[0]) ?? null);
const owned = startup.owned.map((i) => shards[i]);
/** Keyspace events of the active expiry cycle, sent as an events-only reply frame. */
const expiryEvents = new EventBuffer();
const expiry = new ActiveExpiry(owned, settings, stats, expiryEvents, () => sendExpiryEvents());
const lazyFree = new LazyFreeRunner(owned);
/** Lazy freeing: a slice when idle (ms), and a shorter one every LAZY_FREE_EVERY requests under load. */
const LAZY_FREE_IDLE_MS = 1;
const LAZY_FREE_BUSY_MS = 0.25;
const LAZY_FREE_EVERY = 64;
let sinceLazyFree = 0;
let words = new Uint32Array(256);
const SPINS = 2000;

function runRequest(buf: Uint8Array, u32: Uint32Array, off: number): void {
  const w = off >>> 2;
  const reqId = u32[w];
  const meta = u32[w + 1];
  const specId = u32[w + 2];
  const argc = u32[w + 3];
  if (words.length < argc * 2) words = new Uint32Array(argc * 2 + 64);
  let pos = off + 16 + argc * 4;
  for (let i = 0; i < argc; i++) {
    const len = u32[w + 4 + i];
    words[2 * i] = pos;
    words[2 * i + 1] = len;
    pos += len;
  }
  ctx.args.reset(buf, words, 0, argc);
  ctx.db = meta >>> 16;
  const respByte = (meta >>> 8) & 255;
  reply.resp = (respByte & ~RETRY_RESP_BIT) === 3 ? 3 : 2;
  ctx.blockedRetry = (respByte & RETRY_RESP_BIT) !== 0;
  reply.clear();
  const run = handlers[specId];
  let usec = 0;
  if (run) usec = execute(ctx, specId, run, stats);
  else reply.error('ERR command not executable on a shard worker');
  sendReply(reqId, usec);
}

function sendReply(reqId: number, usec: number): void {
  const threshold = settings.get(Setting.SlowlogThresholdUsec);
  const argBytes = threshold >= 0 && usec >= threshold ? slowArgsSize() : 0;
  const events = ctx.events;
  let eventBytes = events.pos > 0 ? 4 + ((events.pos + 3) & ~3) : 0;
  const bigEvents = eventBytes > replies.maxPayload >>> 1;
  if (bigEvents || 16 + reply.pos + eventBytes + argBytes > replies.maxPayload) {
    const copy = new Uint8Array(reply.buf.subarray(0, reply.pos));
    startup.port.postMessage(copy, [copy.buffer]);
    if (bigEvents) {
      // Too many events for the ring: they follow the reply over the port (events word EVENTS_ON_PORT).
      const ev = events.u8.slice(0, events.pos);
      startup.port.postMessage(ev, [ev.buffer]);
      eventBytes = 4;
    }
    writeReply(reqId | BIG_REPLY_FLAG, usec, 0, events, argBytes > replies.maxPayload - 12 - eventBytes ? 0 : argBytes, bigEvents);
    return;
  }
  writeReply(reqId, usec, reply.pos, events, argBytes, false);
}

/** Bytes needed to send the running command's arguments back for the slowlog (at most 32 kept, as Redis). */
function slowArgsSize(): number {
  const a = ctx.args;
  const argc = Math.min(a.argc, 32);
  let n = 4 + 4 * argc;
  for (let i = 0; i < argc; i++) n += Math.min(a.length(i), 128);
  return n;
}

/** Writes one reply frame (layout in messages.ts): `n` reply bytes, the events, the slow arguments. */
function writeReply(reqId: number, usec: number, n: number, events: EventBuffer, argBytes: number, eventsOnPort: boolean): void {
  const pad = (4 - (n & 3)) & 3;
  const m = events.pos;
  const eventBytes = eventsOnPort ? 4 : m > 0 ? 4 + ((m + 3) & ~3) : 0;
  const size = 12 + n + (eventBytes > 0 || argBytes > 0 ? pad + eventBytes + argBytes : 0);
  let at = replies.reserve(size);
  while (at < 0) {
    replies.waitForSpace(size + 1);
    at = replies.reserve(size);
  }
  const w = at >>> 2;
  replies.u32[w] = reqId >>> 0;
  replies.u32[w + 1] = (Math.min(usec, EVENTS_FLAG - 1) | (ctx.dirty > 0 ? DIRTY_FLAG : 0) | (m > 0 ? EVENTS_FLAG : 0)) >>> 0;
  replies.u32[w + 2] = n;
  if (n > 0) replies.u8.set(reply.buf.subarray(0, n), at + 12);
  let p = at + 12 + n + pad;
  if (eventsOnPort) {
    replies.u32[p >>> 2] = EVENTS_ON_PORT;
    p += 4;
  } else if (m > 0) {
    replies.u32[p >>> 2] = m;
    replies.u8.set(events.u8.subarray(0, m), p + 4);
    p += eventBytes;
  }
  if (argBytes > 0) {
    const a = ctx.args;
    const argc = Math.min(a.argc, 32);
    replies.u32[p >>> 2] = argc;
    for (let i = 0; i < argc; i++) replies.u32[(p >>> 2) + 1 + i] = Math.min(a.length(i), 128);
    p += 4 + 4 * argc;
    for (let i = 0; i < argc; i++) {
      const len = Math.min(a.length(i), 128);
      replies.u8.set(a.buf.subarray(a.offset(i), a.offset(i) + len), p);
      p += len;
    }
  }
  replies.commit();
}

/** Sends the active expiry cycle's events (an events-only frame) and wakes the main thread for them. */
function sendExpiryEvents(): void {
  if (expiryEvents.pos === 0) return;
  const savedDirty = ctx.dirty;
  ctx.dirty = 0;
  writeReply(EVENTS_ONLY_REQUEST, 0, 0, expiryEvents, 0, false);
  ctx.dirty = savedDirty;
  expiryEvents.clear();
  parentPort!.postMessage(EVENTS_POSTED);
}

function park(holdId: number): void {
  const slot = holdId % HOLD_SLOTS;
  Atomics.add(holds, 2 * slot, 1);
  Atomics.notify(holds, 2 * slot);
  for (;;) {
    const released = Atomics.load(holds, 2 * slot + 1);
    if (released >= holdId) break;
    Atomics.wait(holds, 2 * slot + 1, released, 50);
  }
  for (const s of shards) s.arena.refresh();
}

function loop(): void {
  let inBatch = false;
  for (;;) {
    const off = requests.peek();
    if (off < 0) {
      if (inBatch) {
        endBatch();
        inBatch = false;
      }
      expiry.maybeRun(Date.now());
      // Owned shards are ours here (a hold parks this loop), so queued frees may run.
      if (lazyFree.hasWork()) {
        lazyFree.runSlice(LAZY_FREE_IDLE_MS);
        if (receiveMessageOnPort(parentPort!)?.message === 'stop') return;
        continue;
      }
      if (!requests.waitForData(SPINS, expiry.msUntilNext(Date.now()))) {
        if (receiveMessageOnPort(parentPort!)?.message === 'stop') return;
      }
      continue;
    }
    const u32 = requests.u32;
    const kind = u32[(off >>> 2) + 1] & 255;
    if (kind === RequestKind.Hold) {
      const holdId = u32[off >>> 2];
      requests.advance();
      endBatch();
      inBatch = false;
      park(holdId);
      continue;
    }
    if (kind === RequestKind.Big) {
      requests.advance();
      let msg = receiveMessageOnPort(startup.port);
      while (!msg) {
        Atomics.wait(holds, 0, Atomics.load(holds, 0), 1);
        msg = receiveMessageOnPort(startup.port);
      }
      const big = msg.message as Uint8Array;
      runRequest(big, new Uint32Array(big.buffer, big.byteOffset, big.byteLength >>> 2), 0);
      continue;
    }
    if (!inBatch) {
      beginBatch();
      inBatch = true;
    }
    runRequest(requests.u8, u32, off);
    requests.advance();
    if (++sinceLazyFree >= LAZY_FREE_EVERY) {
      sinceLazyFree = 0;
      if (lazyFree.hasWork()) {
        lazyFree.runSlice(LAZY_FREE_BUSY_MS);
        endBatch();
        inBatch = false;
      }
    }
  }
}

loop();
