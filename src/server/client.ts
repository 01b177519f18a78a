/**
 * Client: the main thread's state for one connection: input buffer, selected database, protocol,
 * name, flags, and the queue that keeps replies in request order while some are still being
 * executed by shard workers.
 */
import type { Socket } from 'node:net';
import { NativeSocket } from './native-io.js';
import { OutputBuffer } from './output.js';
import type { BlockedCommand } from './blocking.js';
import type { TransactionState } from './transaction.js';
import type { ClientSubscriptions } from './pubsub.js';
import type { ClientTracking } from './tracking.js';
import type { AclUser } from './acl.js';

export const enum ReplyMode {
  On = 0,
  Off = 1,
  Skip = 2,
}

/** Marks a queue slot whose reply must be dropped (CLIENT REPLY OFF/SKIP at dispatch time). */
export const DISCARD = 1;

/** A connection: Node's socket, or one on the addon's I/O set (src/server/native-io.ts). */
export type ClientSocket = Socket | NativeSocket;

/** The connection's file descriptor, or -1 when it has none that can be read directly. */
export function socketFd(socket: ClientSocket): number {
  if (socket instanceof NativeSocket) return socket.destroyed ? -1 : socket.fd;
  const fd = (socket as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
  return typeof fd === 'number' ? fd : -1;
}

export class Client {
  readonly id: number;
  readonly socket: ClientSocket;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  name = '';
  db = 0;
  resp: 2 | 3 = 2;
  authenticated = false;
  /** The ACL user the connection runs as (the server sets the default user on accept). */
  user!: AclUser;
  replyMode = ReplyMode.On;
  /** Replies still to drop because of CLIENT REPLY SKIP (the SKIP itself and the next command). */
  skipReplies = 0;
  noEvict = false;
  lastCommand = 'NULL';
  /** Close once the pending output is written (QUIT, protocol error, CLIENT KILL). */
  closeAfterReply = false;
  closed = false;
  /** Unparsed input: `input[inputStart, inputEnd)`. */
  input: Buffer = Buffer.alloc(0);
  inputStart = 0;
  inputEnd = 0;
  /**
   * The connection's own input buffer once a read ended inside a command (pipelined loads): kept and
   * reused by the next reads instead of a new Buffer each time, dropped by the cron when no input
   * is pending.
   */
  spareInput: Buffer | null = null;
  /** Parsing can't progress before inputEnd reaches this (a partial big bulk). */
  needUntil = 0;
  /** Input processing is paused (ring full, too many requests in flight, CLIENT PAUSE). */
  stalled = false;
  readonly output = new OutputBuffer();
  /**
   * Replies waiting for earlier ones: slot i (from queueHead) holds null while its request is still
   * executing, the reply bytes once they arrived early, or DISCARD.
   */
  queue: Array<Uint8Array | null | typeof DISCARD> = [];
  queueHead = 0;
  /** Commands dispatched and not yet answered. */
  inFlight = 0;
  /** Number of commands executed (CLIENT LIST would show it in newer Redis; kept for stats). */
  commands = 0;
  /** The blocking command this client waits on (dispatched, or parked); its other input waits. */
  blockedOn: BlockedCommand | null = null;
  /** Pub/sub subscriptions (pubsub.ts); null until the first SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE. */
  pubsub: ClientSubscriptions | null = null;
  /** MONITOR is on: the connection receives the server's monitor lines (src/server/monitor.ts). */
  monitoring = false;
  /** Client-side caching mode (tracking.ts); null while tracking is off. */
  tracking: ClientTracking | null = null;
  /** MULTI queue and watched keys; null until the client uses MULTI or WATCH. */
  tx: TransactionState | null = null;
  /** Touched in this batch: needs a flush. */
  dirtyOutput = false;

  constructor(id: number, socket: ClientSocket) {
    this.id = id;
    this.socket = socket;
    this.addr = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`;
    this.laddr = `${socket.localAddress ?? ''}:${socket.localPort ?? 0}`;
  }

  /**
   * Called by the server's cron (Redis's clientsCron resizing): drops an output chunk recent batches
   * no longer need, and the own input buffer when no input is pending (`empty` replaces it).
   */
  shrinkBuffers(empty: Buffer): void {
    this.output.shrink();
    if (this.spareInput !== null && this.inputStart === this.inputEnd) {
      if (this.input === this.spareInput) this.input = empty;
      this.spareInput = null;
    }
  }

  /** True when replies may be appended straight to the output (nothing earlier is pending). */
  get ordered(): boolean {
    return this.queueHead === this.queue.length;
  }
}
