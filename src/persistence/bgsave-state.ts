/**
 * BGSAVE's state on the server (Redis's child_pid / rdb_* fields): the worker thread serializing a
 * snapshot, when it started, how the last one ended and how long the shards were held for its copy.
 */
import type { Worker } from 'node:worker_threads';

export class BgsaveState {
  /** The worker of the save in progress, or null. */
  worker: Worker | null = null;
  /** Its temporary file. */
  temp = '';
  /** When it started (ms). */
  startedMs = 0;
  lastStatusOk = true;
  /** rdb_last_bgsave_time_sec: -1 before the first one. */
  lastTimeSec = -1;
  /** latest_fork_usec: the time every shard was held while their arenas were copied. */
  lastPauseUs = 0;
  /** total_forks */
  total = 0;
}
