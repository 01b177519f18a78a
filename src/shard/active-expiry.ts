/**
 * The active expiry cycle (Redis's activeExpireCycle, simplified to its observable contract): every
 * 1000/hz ms, each shard's databases with keys carrying a TTL are scanned from a saved cursor, and
 * expired keys are deleted; while more than 10% of sampled keys were expired the cycle repeats, within
 * a time budget of 25% of the period (scaled by active-expire-effort). Disabled by
 * DEBUG SET-ACTIVE-EXPIRE 0.
 *
 * Each deleted key's `expired` keyspace event (when that class is on) goes into `events`; `flush` is
 * called whenever the buffer holds more than FLUSH_BYTES, and once at the end of a cycle.
 */
import type { ShardKeyspace } from '../storage/keyspace.js';
import { Setting, type SharedSettings } from './shared-settings.js';
import { Counter, type CommandStats } from './command-stats.js';
import { KeyEvent, NotifyClass, type EventBuffer } from '../commands/keyspace-events.js';

const BUCKETS_PER_STEP = 16;
const FLUSH_BYTES = 256 * 1024;

export class ActiveExpiry {
  private next = 0;

  constructor(
    private readonly shards: ShardKeyspace[],
    private readonly settings: SharedSettings,
    private readonly stats: CommandStats,
    private readonly events: EventBuffer,
    private readonly flush: () => void,
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
    const notify = (this.settings.get(Setting.NotifyMask) & NotifyClass.Expired) !== 0;
    const events = this.events;
    for (const ks of this.shards) {
      ks.arena.refresh();
      const dbs = ks.databases;
      for (let db = 0; db < dbs; db++) {
        if (ks.expiresCount(db) === 0) continue;
        const onExpired = notify ? (e: number) => events.append(KeyEvent.Expired, NotifyClass.Expired, db, ks.arena.u8, ks.keyStart(e), ks.keyLength(e), 0) : noop;
        for (;;) {
          const [sampled, expired] = ks.expireCycle(db, now, BUCKETS_PER_STEP * effort, onExpired);
          this.stats.count(Counter.ExpiredKeys, expired);
          if (events.pos > FLUSH_BYTES) this.flush();
          if (sampled === 0 || expired * 10 <= sampled || performance.now() > deadline) break;
        }
        ks.rehashSome(db, 100);
      }
    }
    if (events.pos > 0) this.flush();
  }
}

function noop(): void {}
