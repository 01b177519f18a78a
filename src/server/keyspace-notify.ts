/**
 * Publishing keyspace events on the main thread (Redis's notifyKeyspaceEvent, second half): each
 * event an executor recorded (commands/keyspace-events.ts) becomes a `__keyspace@<db>__:<key>`
 * message carrying the event name (class K) and a `__keyevent@<db>__:<event>` message carrying the
 * key (class E), in that order, through the ordinary pub/sub delivery.
 *
 * The class filter is applied again here against the current `notify-keyspace-events`: executors
 * record by the shared emit mask, which CONFIG SET may have changed since.
 */
import type { Server } from './server.js';
import type { Client } from './client.js';
import { Reply } from '../protocol/reply.js';
import { pubsubOf } from './pubsub.js';
import { trackingOf } from './tracking.js';
import { EVENT_HEADER, KEY_EVENT_NAMES, NotifyClass, readU32 } from '../commands/keyspace-events.js';

const EVENT_NAME_BYTES = KEY_EVENT_NAMES.map((n) => Buffer.from(n, 'latin1'));
const KEYSPACE_PREFIX = Buffer.from('__keyspace@', 'latin1');
const KEYEVENT_PREFIX = Buffer.from('__keyevent@', 'latin1');
const SEPARATOR = Buffer.from('__:', 'latin1');
/** `__keyevent@<db>__:<event>` channels, built once each: [db][event]. */
const keyeventChannels: Buffer[][] = [];

function keyeventChannel(db: number, event: number): Buffer {
  const row = (keyeventChannels[db] ??= []);
  return (row[event] ??= Buffer.concat([KEYEVENT_PREFIX, Buffer.from(String(db)), SEPARATOR, EVENT_NAME_BYTES[event]]));
}

/**
 * Notifications for the client whose command caused them (a RESP3 client subscribed to its own
 * keys): Redis writes them into that client's reply as the command runs, so each goes at the reply
 * position its event recorded. `merge` interleaves them with the reply bytes.
 */
export class SelfPushes {
  readonly out = new Reply(1024);
  /** Triples: reply position, start and end of the push bytes in `out`. */
  private segments: number[] = [];

  get pending(): boolean {
    return this.segments.length > 0;
  }

  add(replyPos: number, start: number, end: number): void {
    this.segments.push(replyPos, start, end);
  }

  /**
   * The reply bytes[start, end) with the pushes spliced in at their positions; a recorded position
   * `posBase` is the reply's first byte (0 for a reply written from the start of its buffer).
   */
  merge(bytes: Uint8Array, start: number, end: number, posBase = 0): Uint8Array {
    const seg = this.segments;
    const out = new Uint8Array(end - start + this.out.pos);
    let w = 0;
    let r = start;
    for (let k = 0; k < seg.length; k += 3) {
      const at = Math.min(end, Math.max(r, start + seg[k] - posBase));
      out.set(bytes.subarray(r, at), w);
      w += at - r;
      r = at;
      out.set(this.out.buf.subarray(seg[k + 1], seg[k + 2]), w);
      w += seg[k + 2] - seg[k + 1];
    }
    out.set(bytes.subarray(r, end), w);
    this.clear();
    return out;
  }

  clear(): void {
    this.segments.length = 0;
    this.out.clear();
  }
}

/**
 * Publishes the events in bytes[start, end). Deliveries to `self` (the client whose command caused
 * them) go into `selfPushes` when given, to be merged into that command's reply. `current` is the
 * client whose command caused them (its own cache invalidations wait for its reply).
 */
export function publishKeyspaceEvents(
  server: Server,
  bytes: Uint8Array,
  start: number,
  end: number,
  self: Client | null = null,
  selfPushes: SelfPushes | null = null,
  current: Client | null = null,
): void {
  const flags = server.config.int('notify-keyspace-events');
  const keyspace = (flags & NotifyClass.Keyspace) !== 0;
  const keyevent = (flags & NotifyClass.Keyevent) !== 0;
  const tracker = trackingOf(server);
  // Expired and evicted keys also invalidate client-side caches.
  const tracking = tracker.clients > 0;
  if (!keyspace && !keyevent && !tracking) return;
  const registry = pubsubOf(server);
  let p = start;
  while (p < end) {
    const event = bytes[p] | (bytes[p + 1] << 8);
    const cls = 1 << bytes[p + 2];
    const db = readU32(bytes, p + 4);
    const len = readU32(bytes, p + 8);
    const replyPos = readU32(bytes, p + 12);
    const keyStart = p + EVENT_HEADER;
    p = keyStart + len;
    const invalidates = tracking && (cls === NotifyClass.Expired || cls === NotifyClass.Evicted);
    const publish = (keyspace || keyevent) && (flags & cls) !== 0 && (registry.channels.size > 0 || registry.patterns.size > 0);
    if (!publish && !invalidates) continue;
    // A copy: publishing may reuse the buffer the bytes came from (a worker's ring, the context's buffer).
    const key = Buffer.from(bytes.subarray(keyStart, keyStart + len));
    if (!publish) {
      tracker.invalidate(server, key, null, current);
      continue;
    }
    const selfReply = selfPushes === null ? null : selfPushes.out;
    const before = selfReply === null ? 0 : selfReply.pos;
    if (keyspace) {
      const channel = Buffer.concat([KEYSPACE_PREFIX, Buffer.from(String(db)), SEPARATOR, key]);
      registry.publish(server, channel, EVENT_NAME_BYTES[event], self, selfReply);
    }
    if (keyevent) registry.publish(server, keyeventChannel(db, event), key, self, selfReply);
    if (selfReply !== null && selfReply.pos > before) selfPushes!.add(replyPos, before, selfReply.pos);
    if (invalidates) tracker.invalidate(server, key, null, current);
  }
}
