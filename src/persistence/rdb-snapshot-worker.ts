/**
 * BGSAVE's worker thread: serializes copies of the shard arenas (taken by the main thread with the
 * shards held, persistence/rdb-snapshot.ts) and writes the RDB file to its temporary name; the main
 * thread renames it over dir/dbfilename when this thread reports success (commands/save.ts).
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { keyspacesOf, serializeShards, type SnapshotOptions } from './rdb-snapshot.js';

export interface SnapshotJob {
  arenas: SharedArrayBuffer[];
  functions: Uint8Array[];
  options: SnapshotOptions;
  temp: string;
}

export type SnapshotResult = { ok: true; bytes: number } | { ok: false; error: string };

const job = workerData as SnapshotJob;
let result: SnapshotResult;
try {
  const bytes = serializeShards(keyspacesOf(job.arenas), job.functions, job.options);
  const fd = fs.openSync(job.temp, 'w');
  try {
    fs.writeFileSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  result = { ok: true, bytes: bytes.length };
} catch (err) {
  result = { ok: false, error: (err as Error).message };
}
parentPort!.postMessage(result);
