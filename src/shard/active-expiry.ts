/**
 * The active expiry cycle (Redis's activeExpireCycle, simplified to its observable contract): every
 * 1000/hz ms, each shard's databases with keys carrying a TTL are scanned from a saved cursor, and
 * expired keys are deleted; while more than 10% of sampled keys were expired the cycle repeats, within
 * a time budget of 25% of the period (scaled by active-expire-effort). Disabled by
 * DEBUG SET-ACTIVE-EXPIRE 0.
 */
import type { ShardKeyspace } from '../storage/keyspace.js';
import { Setting, type SharedSettings } from './shared-settings.js';
import { Counter, type CommandStats } from './command-stats.js';

const BUCKETS_PER_STEP = 16;

export class ActiveExpiry {
  private next = 0;

  constructor(
    private readonly shards: ShardKeyspace[],
    private readonly settings: SharedSettings,
    private readonly stats: CommandStats,
  ) {}

  private period(): number {
    const hz = Math.max(1, Math.min(500, this.settings.get(Setting.Hz)));
    return Math.floor(1000 / hz);
  }

  msUntilNext(now: number): number {
    return Math.max(1, this.next - now);
  }

  maybeRun(now: number): void {
    if (now < this.next) return;
    this.next = now + this.period();
    if (this.settings.get(Setting.ActiveExpire) === 0) return;
    const effort = this.settings.get(Setting.ActiveExpireEffort) || 1;
    const deadline = performance.now() + (this.period() * (25 + 2 * (effort - 1))) / 100;
    for (const ks of this.shards) {
      ks.arena.refresh();
      const dbs = ks.databases;
      for (let db = 0; db < dbs; db++) {
        if (ks.expiresCount(db) === 0) continue;
        for (;;) {
          const [sampled, expired] = ks.expireCycle(db, now, BUCKETS_PER_STEP * effort, () => {});
          this.stats.count(Counter.ExpiredKeys, expired);
          if (sampled === 0 || expired * 10 <= sampled || performance.now() > deadline) break;
        }
        ks.rehashSome(db, 100);
      }
    }
  }
}
