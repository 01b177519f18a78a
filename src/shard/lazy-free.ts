/**
 * Lazy freeing on the thread that owns the shards (Redis's bio lazy-free thread, moved to where the
 * shard's memory may be touched): runs the keyspaces' queued jobs (storage/keyspace.ts) in slices
 * bounded in time, so a client waiting behind a big UNLINK or FLUSHALL ASYNC waits one slice at
 * most. A shard worker calls `runSlice` at its idle point and every few requests; inline mode
 * (--threads 0) schedules slices with setImmediate, so sockets are served between them.
 */
import type { ShardKeyspace } from '../storage/keyspace.js';

/** Units of work (blocks freed, buckets visited) between two looks at the clock. */
const STEP = 512;

export class LazyFreeRunner {
  private scheduled = false;
  private stopped = false;

  constructor(private readonly shards: ShardKeyspace[]) {}

  hasWork(): boolean {
    for (const ks of this.shards) if (ks.hasLazyWork()) return true;
    return false;
  }

  /** Frees queued jobs for about `ms` milliseconds; true if work is left. Caller owns the shards. */
  runSlice(ms: number): boolean {
    const deadline = performance.now() + ms;
    let left = false;
    for (const ks of this.shards) {
      while (ks.hasLazyWork()) {
        ks.lazyFreeSome(STEP);
        if (performance.now() >= deadline) break;
      }
      if (ks.hasLazyWork()) left = true;
    }
    return left;
  }

  /** Inline mode: have the keyspaces ask for slices on the event loop when they queue a job. */
  attachToEventLoop(sliceMs: number): void {
    const run = () => {
      this.scheduled = false;
      if (this.stopped) return;
      if (this.runSlice(sliceMs)) this.schedule(run);
    };
    for (const ks of this.shards) ks.onLazyWork = () => this.schedule(run);
  }

  /** Stops scheduling slices (server shutdown): queued jobs die with the arenas. */
  stop(): void {
    this.stopped = true;
  }

  private schedule(run: () => void): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(run);
  }
}
