/**
 * Blocked clients (BLPOP, BLMOVE, BZPOPMIN, ...), kept on the main thread.
 *
 * A blocking command is an ordinary shard handler that writes NO reply when it has nothing to serve
 * (every other handler writes exactly one). The main thread then parks the client: its output slot
 * stays reserved, its further input waits (a blocked client runs nothing else, as in Redis), and it
 * is listed under each key it waits on, in arrival order.
 *
 * Wake-up: when the sequencer dispatches a write whose keys include a waited-on key, it dispatches a
 * retry of every client parked on that key right behind it, in arrival order. Behind it in the same
 * shard queue, so nothing else runs between the write and the retry, as Redis serves blocked
 * clients before the next command. A retry that again writes nothing leaves the client parked in
 * its place; one that replies ends the block. Only one retry per client is in flight: a wake-up
 * that comes meanwhile is remembered (`rewake`) and served when the retry returns, and so are a
 * timeout or CLIENT UNBLOCK (`ending`), so an element popped by a retry is never dropped.
 * Writes whose keys cannot be read off their arguments (FLUSHALL, SWAPDB, MOVE, COPY ... DB) wake
 * every parked client.
 *
 * Arguments resolved at the first try: XREAD BLOCK's `$` means "the stream's last id when the
 * command arrived", which only the shard knows and which must not move with later writes. So a
 * first try that blocks may, instead of writing nothing, write an ARGS_REWRITE message (a marker
 * byte no RESP reply starts with, then the new argument vector: u32 LE length + bytes per
 * argument): the main thread replaces the command's argument copy with it and parks the client as
 * for no reply. Every retry then runs with the ids resolved (`$` became the last id).
 */
import { ownedCopy, type Args } from '../protocol/args.js';
import type { Reply } from '../protocol/reply.js';
import type { CommandSpec } from '../commands/spec.js';
import type { ShardHandler } from '../commands/handler.js';
import { parseTimeout, TimeoutUnit } from '../commands/blocking-timeout.js';
import type { Client } from './client.js';

export const enum BlockEnd {
  None = 0,
  Timeout = 1,
  Error = 2,
}

export const UNBLOCKED_ERROR = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

/** One blocking command of one client, from dispatch until it is answered. */
export class BlockedCommand {
  readonly client: Client;
  readonly spec: CommandSpec;
  readonly run: ShardHandler;
  readonly db: number;
  /** The command's own copy of its arguments (the client's input buffer moves on); see replaceArgs. */
  buf: Uint8Array;
  words: Uint32Array;
  argc: number;
  /** Output slot reserved at dispatch. */
  readonly slot: number;
  /** ms since the epoch; 0 = no timeout. */
  readonly deadline: number;
  /** Names of the waited-on keys (`keyName`); filled when parked. */
  keys: string[] = [];
  parked = false;
  retrying = false;
  rewake = false;
  ending = BlockEnd.None;
  timer: NodeJS.Timeout | null = null;

  constructor(client: Client, spec: CommandSpec, run: ShardHandler, args: Args, slot: number, now: number) {
    this.client = client;
    this.spec = spec;
    this.run = run;
    this.db = client.db;
    this.slot = slot;
    const own = ownedCopy(args);
    this.argc = own.argc;
    this.buf = own.buf;
    this.words = own.words;
    const t = timeoutOf(spec, args);
    this.deadline = typeof t === 'number' && t > 0 ? now + t : 0;
  }

  /** Takes the argument vector of an ARGS_REWRITE message (bytes[start] is the marker). */
  replaceArgs(bytes: Uint8Array, start: number, end: number): void {
    const words: number[] = [];
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let p = start + 1; p + 4 <= end; ) {
      const n = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
      p += 4;
      parts.push(bytes.slice(p, p + n));
      words.push(total, n);
      total += n;
      p += n;
    }
    const buf = new Uint8Array(total);
    let pos = 0;
    for (const part of parts) {
      buf.set(part, pos);
      pos += part.length;
    }
    this.buf = buf;
    this.words = Uint32Array.from(words);
    this.argc = parts.length;
  }
}

/** First byte of an ARGS_REWRITE message (no RESP reply starts with it). */
export const ARGS_REWRITE = 0;

/** Writes an ARGS_REWRITE message: the blocking command's arguments with some replaced. */
export function writeArgsRewrite(reply: Reply, args: Args, replaced: Map<number, Uint8Array>): void {
  const head = new Uint8Array(4);
  reply.raw(Uint8Array.of(ARGS_REWRITE));
  for (let i = 0; i < args.argc; i++) {
    const r = replaced.get(i);
    const bytes = r ?? args.bytes(i);
    head[0] = bytes.length & 255;
    head[1] = (bytes.length >>> 8) & 255;
    head[2] = (bytes.length >>> 16) & 255;
    head[3] = bytes.length >>> 24;
    reply.raw(head);
    reply.raw(bytes);
  }
}

/** The timeout argument of each blocking command, as the handlers read it. */
function timeoutOf(spec: CommandSpec, args: Args): number | string {
  switch (spec.name) {
    case 'blmpop':
    case 'bzmpop':
      return parseTimeout(args, 1, TimeoutUnit.Seconds);
    case 'xread':
    case 'xreadgroup':
      for (let i = 1; i < args.argc - 1; i++) if (args.is(i, 'block')) return parseTimeout(args, i + 1, TimeoutUnit.Milliseconds);
      return 0;
    default:
      return parseTimeout(args, args.argc - 1, TimeoutUnit.Seconds);
  }
}

/** Map key of a waited-on key: database and key bytes. */
export function keyName(db: number, buf: Uint8Array, off: number, len: number): string {
  return `${db}\n${Buffer.from(buf.buffer, buf.byteOffset + off, len).toString('latin1')}`;
}

/** Writes that change keys they do not name in their arguments' key positions (or in other databases). */
const WAKES_ALL = new Set(['flushall', 'flushdb', 'swapdb', 'move', 'copy', 'restore', 'exec', 'eval', 'evalsha', 'fcall']);

export function wakesEveryone(spec: CommandSpec): boolean {
  return WAKES_ALL.has(spec.parent ? spec.parent.name : spec.name);
}

/** Parked commands by waited-on key, each list in arrival order. */
export class BlockedKeys {
  private readonly byKey = new Map<string, BlockedCommand[]>();
  private readonly all = new Set<BlockedCommand>();

  get size(): number {
    return this.all.size;
  }

  add(b: BlockedCommand): void {
    b.parked = true;
    this.all.add(b);
    for (const k of b.keys) {
      const list = this.byKey.get(k);
      if (list === undefined) this.byKey.set(k, [b]);
      else if (!list.includes(b)) list.push(b);
    }
  }

  remove(b: BlockedCommand): void {
    if (!b.parked) return;
    b.parked = false;
    this.all.delete(b);
    for (const k of b.keys) {
      const list = this.byKey.get(k);
      if (list === undefined) continue;
      const i = list.indexOf(b);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byKey.delete(k);
    }
    if (b.timer !== null) {
      clearTimeout(b.timer);
      b.timer = null;
    }
  }

  /** Parked commands waiting on `name`, oldest first (a copy: waking may change the lists). */
  waitingOn(name: string): BlockedCommand[] | undefined {
    const list = this.byKey.get(name);
    return list === undefined ? undefined : list.slice();
  }

  /** Every parked command, oldest first. */
  everyone(): BlockedCommand[] {
    return [...this.all];
  }
}
