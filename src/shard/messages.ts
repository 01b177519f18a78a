/**
 * The main <-> shard-worker protocol, defined once. Persisted/shared numbers only grow.
 *
 * Request ring message (payload, u32 words then bytes):
 *   [0] request id   [1] kind | resp << 8 | db << 16   [2] command spec id   [3] argc
 *   [4 .. 4+argc) argument lengths, then the argument bytes back to back.
 *   kind HOLD: [0] hold id, [1] kind; the worker parks until the hold is released.
 *   kind BIG: [0] request id, [1] kind; the real payload (a request message) comes over the worker's
 *   MessagePort, for payloads larger than the ring's maxPayload.
 * Reply ring message: [0] request id, [1] execution time in us (30 bits) | DIRTY_FLAG when the command
 *   changed data (its context's dirty count went up: WATCH) | EVENTS_FLAG when keyspace events follow,
 *   [2] n, then n bytes of RESP reply; then, from the next u32 boundary, with EVENTS_FLAG:
 *   [m] and m bytes of keyspace events (keyspace-events.ts EventBuffer layout); then, from the next
 *   u32 boundary, when the command was slower than the slowlog threshold, its arguments to the end of
 *   the message: [argc] [argc lengths] [bytes]. Kind BIG_REPLY is flagged by a request id with the
 *   high bit set: the reply bytes come over the MessagePort (n is 0; events and arguments stay here,
 *   unless the events word is EVENTS_ON_PORT: then the events are the port's next message).
 *   Request id 0 (never a request's): events of the worker's active expiry cycle alone, time word
 *   EVENTS_FLAG, n 0; the worker posts EVENTS_POSTED on its parentPort so the main thread drains.
 * Hold table (Int32Array, HOLD_SLOTS pairs): [2s] workers parked on hold slot s, [2s+1] id of the last
 *   hold released on slot s. A worker parked on hold h waits until word 2s+1 >= h (ids only grow).
 */
export const enum RequestKind {
  Exec = 1,
  Hold = 2,
  Big = 3,
}

export const BIG_REPLY_FLAG = 0x80000000;
/** High bit of a reply's time word: the command changed data. */
export const DIRTY_FLAG = 0x80000000;
/** Second-highest bit of a reply's time word: keyspace events follow the reply bytes. */
export const EVENTS_FLAG = 0x40000000;
/** Reply-frame request id of a worker's own events (active expiry). */
export const EVENTS_ONLY_REQUEST = 0;
/** Events word of a BIG_REPLY whose events were too many for the ring: they follow the reply on the port. */
export const EVENTS_ON_PORT = 0xffffffff;
/** parentPort message of a worker that wrote an events-only frame with no request in flight. */
export const EVENTS_POSTED = 'events';
/** Set in a request's protocol byte when it retries a parked blocking command (ExecContext.blockedRetry). */
export const RETRY_RESP_BIT = 0x80;
export const HOLD_SLOTS = 1024;
export const REQUEST_RING_BYTES = 8 * 1024 * 1024;
export const REPLY_RING_BYTES = 8 * 1024 * 1024;

/** Worker startup data (workerData). */
export interface WorkerStartup {
  index: number;
  /** Logical shards this worker owns. */
  owned: number[];
  arenas: SharedArrayBuffer[];
  slotToShard: Uint16Array;
  requestRing: SharedArrayBuffer;
  replyRing: SharedArrayBuffer;
  holdTable: SharedArrayBuffer;
  settings: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  /** Spec id -> command name, so the worker binds the same handlers. */
  specNames: string[];
  port: import('node:worker_threads').MessagePort;
}
