/**
 * Keyspace notifications (Redis's notify.c): the event classes of `notify-keyspace-events`, the event
 * names, and the per-thread buffer that carries a command's events to the main thread, which
 * publishes them (pub/sub lives there).
 *
 * A handler calls `ctx.notify(NotifyClass.X, KeyEvent.Y, argIndex)` where Redis calls
 * notifyKeyspaceEvent. The context checks the class against the shared emit mask (one word of
 * SharedSettings, 0 when notifications are off) and only then appends the event to its EventBuffer:
 * no object per event. Events are numbers on the way (KeyEvent), named again on the main thread.
 *
 * EventBuffer layout, events back to back, each (little-endian):
 *   u16 event (KeyEvent)   u16 class bit index   u32 db   u32 key length
 *   u32 reply position (bytes of the command's reply written when the event happened)   key bytes
 * The reply position lets a RESP3 client subscribed to its own keys receive the notification at the
 * point of its reply where Redis writes it (some commands notify before replying, some after).
 * The same bytes travel in a worker's reply frame (messages.ts) and from the active expiry cycle.
 */

/** Redis's NOTIFY_* flags (server.h): the same bit values. */
export const enum NotifyClass {
  Keyspace = 1 << 0, // K
  Keyevent = 1 << 1, // E
  Generic = 1 << 2, // g
  String = 1 << 3, // $
  List = 1 << 4, // l
  Set = 1 << 5, // s
  Hash = 1 << 6, // h
  Zset = 1 << 7, // z
  Expired = 1 << 8, // x
  Evicted = 1 << 9, // e
  Stream = 1 << 10, // t
  KeyMiss = 1 << 11, // m
  Loaded = 1 << 12, // module only
  Module = 1 << 13, // d
  New = 1 << 14, // n
}

/** 'A': every class but key-miss and new-key (Redis's NOTIFY_ALL). */
export const NOTIFY_ALL =
  NotifyClass.Generic | NotifyClass.String | NotifyClass.List | NotifyClass.Set | NotifyClass.Hash | NotifyClass.Zset |
  NotifyClass.Expired | NotifyClass.Evicted | NotifyClass.Stream | NotifyClass.Module;

const CLASS_OF_CHAR: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NotifyClass.Generic,
  $: NotifyClass.String,
  l: NotifyClass.List,
  s: NotifyClass.Set,
  h: NotifyClass.Hash,
  z: NotifyClass.Zset,
  x: NotifyClass.Expired,
  e: NotifyClass.Evicted,
  K: NotifyClass.Keyspace,
  E: NotifyClass.Keyevent,
  t: NotifyClass.Stream,
  m: NotifyClass.KeyMiss,
  d: NotifyClass.Module,
  n: NotifyClass.New,
};

/** Redis's keyspaceEventsStringToFlags: the flags of a class string, or -1 for an unknown character. */
export function parseKeyspaceEvents(text: string): number {
  let flags = 0;
  for (const ch of text) {
    const f = CLASS_OF_CHAR[ch];
    if (f === undefined) return -1;
    flags |= f;
  }
  return flags;
}

/** Redis's keyspaceEventsFlagsToString (CONFIG GET): 'A' hides the classes it covers, and also 'n'. */
export function formatKeyspaceEvents(flags: number): string {
  let s = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) s = 'A';
  else {
    if (flags & NotifyClass.Generic) s += 'g';
    if (flags & NotifyClass.String) s += '$';
    if (flags & NotifyClass.List) s += 'l';
    if (flags & NotifyClass.Set) s += 's';
    if (flags & NotifyClass.Hash) s += 'h';
    if (flags & NotifyClass.Zset) s += 'z';
    if (flags & NotifyClass.Expired) s += 'x';
    if (flags & NotifyClass.Evicted) s += 'e';
    if (flags & NotifyClass.Stream) s += 't';
    if (flags & NotifyClass.Module) s += 'd';
    if (flags & NotifyClass.New) s += 'n';
  }
  if (flags & NotifyClass.Keyspace) s += 'K';
  if (flags & NotifyClass.Keyevent) s += 'E';
  if (flags & NotifyClass.KeyMiss) s += 'm';
  return s;
}

/**
 * The classes whose events executors must record for a `notify-keyspace-events` value: none unless
 * K or E asks for a channel (Redis publishes nothing otherwise).
 */
export function emitMaskOf(flags: number): number {
  return flags & (NotifyClass.Keyspace | NotifyClass.Keyevent) ? flags & ~(NotifyClass.Keyspace | NotifyClass.Keyevent) : 0;
}

/** Event names, by number. Numbers only grow: they cross threads (pinned by a test). */
export const enum KeyEvent {
  Set = 0,
  Expire = 1,
  Del = 2,
  Persist = 3,
  Setrange = 4,
  Incrby = 5,
  Incrbyfloat = 6,
  Append = 7,
  Lpush = 8,
  Rpush = 9,
  Lpop = 10,
  Rpop = 11,
  Linsert = 12,
  Lset = 13,
  Ltrim = 14,
  Lrem = 15,
  Hset = 16,
  Hdel = 17,
  Hincrby = 18,
  Hincrbyfloat = 19,
  Sadd = 20,
  Srem = 21,
  Spop = 22,
  Sinterstore = 23,
  Sunionstore = 24,
  Sdiffstore = 25,
  Zadd = 26,
  Zincr = 27,
  Zrem = 28,
  Zremrangebyscore = 29,
  Zremrangebyrank = 30,
  Zremrangebylex = 31,
  Zunionstore = 32,
  Zinterstore = 33,
  Zdiffstore = 34,
  Zrangestore = 35,
  Zpopmin = 36,
  Zpopmax = 37,
  Xadd = 38,
  Xtrim = 39,
  Xdel = 40,
  XgroupCreate = 41,
  XgroupSetid = 42,
  XgroupDestroy = 43,
  XgroupCreateconsumer = 44,
  XgroupDelconsumer = 45,
  Xsetid = 46,
  RenameFrom = 47,
  RenameTo = 48,
  MoveFrom = 49,
  MoveTo = 50,
  CopyTo = 51,
  Restore = 52,
  Expired = 53,
  Evicted = 54,
  Keymiss = 55,
  New = 56,
  Setbit = 57,
  Pfadd = 58,
  Sortstore = 59,
  Georadiusstore = 60,
  Geosearchstore = 61,
}

export const KEY_EVENT_NAMES: readonly string[] = [
  'set', 'expire', 'del', 'persist', 'setrange', 'incrby', 'incrbyfloat', 'append',
  'lpush', 'rpush', 'lpop', 'rpop', 'linsert', 'lset', 'ltrim', 'lrem',
  'hset', 'hdel', 'hincrby', 'hincrbyfloat',
  'sadd', 'srem', 'spop', 'sinterstore', 'sunionstore', 'sdiffstore',
  'zadd', 'zincr', 'zrem', 'zremrangebyscore', 'zremrangebyrank', 'zremrangebylex',
  'zunionstore', 'zinterstore', 'zdiffstore', 'zrangestore', 'zpopmin', 'zpopmax',
  'xadd', 'xtrim', 'xdel', 'xgroup-create', 'xgroup-setid', 'xgroup-destroy', 'xgroup-createconsumer',
  'xgroup-delconsumer', 'xsetid',
  'rename_from', 'rename_to', 'move_from', 'move_to', 'copy_to', 'restore',
  'expired', 'evicted', 'keymiss', 'new', 'setbit', 'pfadd', 'sortstore', 'georadiusstore', 'geosearchstore',
];

/** Bytes of an event's header in an EventBuffer. */
export const EVENT_HEADER = 16;

/** A thread's pending events (layout at the top of this file). Reused: clear() between commands. */
export class EventBuffer {
  u8 = new Uint8Array(1024);
  pos = 0;

  clear(): void {
    this.pos = 0;
  }

  append(event: KeyEvent, cls: number, db: number, key: Uint8Array, off: number, len: number, replyPos: number): void {
    const need = this.pos + EVENT_HEADER + len;
    if (need > this.u8.length) {
      const next = new Uint8Array(Math.max(need, this.u8.length * 2));
      next.set(this.u8.subarray(0, this.pos));
      this.u8 = next;
    }
    const u8 = this.u8;
    let p = this.pos;
    const bit = 31 - Math.clz32(cls);
    u8[p] = event & 255;
    u8[p + 1] = event >>> 8;
    u8[p + 2] = bit;
    u8[p + 3] = 0;
    writeU32(u8, p + 4, db);
    writeU32(u8, p + 8, len);
    writeU32(u8, p + 12, replyPos);
    p += EVENT_HEADER;
    u8.set(key.subarray(off, off + len), p);
    this.pos = p + len;
  }
}

function writeU32(u8: Uint8Array, p: number, v: number): void {
  u8[p] = v & 255;
  u8[p + 1] = (v >>> 8) & 255;
  u8[p + 2] = (v >>> 16) & 255;
  u8[p + 3] = v >>> 24;
}

export function readU32(u8: Uint8Array, p: number): number {
  return (u8[p] | (u8[p + 1] << 8) | (u8[p + 2] << 16) | (u8[p + 3] << 24)) >>> 0;
}
