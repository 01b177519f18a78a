/**
 * The main <-> shard-worker protocol, defined once. Persisted/shared numbers only grow.
 *
 * Request ring message (payload, u32 words then bytes):
 *   [0] request id   [1] kind | resp << 8 | db << 16   [2] command spec id   [3] argc
 *   [4 .. 4+argc) argument lengths, then the argument bytes back to back.
 *   kind HOLD: [0] hold id, [1] kind; the worker parks until the hold is released.
 *   kind BIG: [0] request id, [1] kind; the real payload (a request message) comes over the worker's
 *   MessagePort, for payloads larger than the ring's maxPayload.
 * Reply ring message: [0] request id, [1] execution time in us (31 bits) | DIRTY_FLAG when the command
 *   changed data (its context's dirty count went up: WATCH), [2] n, then n bytes of RESP reply;
 *   when the command was slower than the slowlog threshold, its arguments follow to the end of the
 *   message: [argc] [argc lengths] [bytes] (u32 aligned start). Kind BIG_REPLY is flagged by a
 *   request id with the high bit set: the bytes come over the MessagePort.
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
