import { describe, expect, it } from 'vitest';
import { RequestKind, BIG_REPLY_FLAG, HOLD_SLOTS } from '../../src/shard/messages.js';
import { Setting, MAXMEMORY_POLICIES } from '../../src/shard/shared-settings.js';
import { Counter } from '../../src/shard/command-stats.js';
import { ValueType, Encoding } from '../../src/storage/keyspace.js';
import { EVENTS_FLAG, EVENTS_ON_PORT, EVENTS_ONLY_REQUEST } from '../../src/shard/messages.js';
import { EVENT_HEADER, KEY_EVENT_NAMES, KeyEvent, NotifyClass, NOTIFY_ALL, formatKeyspaceEvents, parseKeyspaceEvents } from '../../src/commands/keyspace-events.js';

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

  it('keeps keyspace-event numbers, frame flags and the event header stable', () => {
    expect([EVENTS_FLAG, EVENTS_ON_PORT, EVENTS_ONLY_REQUEST, EVENT_HEADER]).toEqual([0x40000000, 0xffffffff, 0, 16]);
    expect(Setting.NotifyMask).toBe(18);
    expect([KeyEvent.Set, KeyEvent.Expire, KeyEvent.Del, KeyEvent.Expired, KeyEvent.Keymiss, KeyEvent.New, KeyEvent.Geosearchstore]).toEqual([0, 1, 2, 53, 55, 56, 61]);
    expect(KEY_EVENT_NAMES.length).toBe(62);
    expect(KEY_EVENT_NAMES.slice(0, 3)).toEqual(['set', 'expire', 'del']);
    expect(KEY_EVENT_NAMES[KeyEvent.XgroupCreateconsumer]).toBe('xgroup-createconsumer');
    expect(KEY_EVENT_NAMES[KeyEvent.RenameTo]).toBe('rename_to');
    expect(KEY_EVENT_NAMES[KeyEvent.Geosearchstore]).toBe('geosearchstore');
  });

  it('uses Redis NOTIFY_* bits and its class string conversions', () => {
    expect([NotifyClass.Keyspace, NotifyClass.Keyevent, NotifyClass.Generic, NotifyClass.Expired, NotifyClass.Stream, NotifyClass.KeyMiss, NotifyClass.Module, NotifyClass.New]).toEqual([1, 2, 4, 256, 1024, 2048, 8192, 16384]);
    expect(NOTIFY_ALL).toBe(10236);
    expect(parseKeyspaceEvents('KEA')).toBe(NOTIFY_ALL | 3);
    expect(parseKeyspaceEvents('Kq')).toBe(-1);
    expect(formatKeyspaceEvents(parseKeyspaceEvents('KEAmn'))).toBe('AKEm');
    expect(formatKeyspaceEvents(parseKeyspaceEvents('xE$n'))).toBe('$xnE');
  });
});
