import { describe, expect, it } from 'vitest';
import { RequestKind, BIG_REPLY_FLAG, HOLD_SLOTS } from '../../src/shard/messages.js';
import { Setting, MAXMEMORY_POLICIES } from '../../src/shard/shared-settings.js';
import { Counter } from '../../src/shard/command-stats.js';
import { ValueType, Encoding } from '../../src/storage/keyspace.js';

// Numbers shared between threads (and later persisted) only ever grow: these pins fail on a renumbering.
describe('cross-thread protocol numbers', () => {
  it('keeps request kinds and reply flags stable', () => {
    expect([RequestKind.Exec, RequestKind.Hold, RequestKind.Big]).toEqual([1, 2, 3]);
    expect(BIG_REPLY_FLAG).toBe(0x80000000);
    expect(HOLD_SLOTS).toBe(1024);
  });

  it('keeps shared setting words stable', () => {
    expect([
      Setting.ActiveExpire, Setting.MaxmemoryPolicy, Setting.LfuLogFactor, Setting.LfuDecayTime, Setting.Hz,
      Setting.ActiveExpireEffort, Setting.MaxmemoryMiB, Setting.SharedIntegers, Setting.ProtoMaxBulkLen, Setting.SlowlogThresholdUsec,
    ]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(MAXMEMORY_POLICIES.slice(0, 8)).toEqual([
      'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
    ]);
  });

  it('uses Redis object type and encoding numbers in keyspace entries', () => {
    expect([ValueType.String, ValueType.List, ValueType.Set, ValueType.ZSet, ValueType.Hash]).toEqual([0, 1, 2, 3, 4]);
    expect([Encoding.Raw, Encoding.Int, Encoding.Embstr]).toEqual([0, 1, 8]);
  });

  it('keeps per-thread counter slots stable', () => {
    expect([Counter.KeyspaceHits, Counter.KeyspaceMisses, Counter.ExpiredKeys, Counter.EvictedKeys]).toEqual([0, 1, 2, 3]);
  });
});
