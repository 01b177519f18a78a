/**
 * Pub/sub registries, on the main thread: who listens to which channel, pattern and shard channel,
 * and the delivery of `message` / `pmessage` / `smessage` into subscribers' output.
 *
 * Channel names are held as latin1 strings (one char per byte, so any byte string round-trips).
 * Each registry maps a name to the set of its clients in subscription order (Redis keeps a list);
 * each client keeps its own sets (Client.pubsub) so that UNSUBSCRIBE without arguments, RESET and a
 * disconnect undo everything without a scan of the registries.
 *
 * A message is written after every reply already queued for its subscriber (Server.pushOutput), and
 * the subscriber's pending output is checked against `client-output-buffer-limit pubsub` as Redis's
 * checkClientOutputBufferLimits does: over the hard limit, or over the soft limit for longer than the
 * soft seconds, the subscriber is disconnected and its pending output dropped.
 */
import type { Client } from './client.js';
import type { Server } from './server.js';
import type { CommandSpec } from '../commands/spec.js';
import { Reply } from '../protocol/reply.js';
import { globMatch } from '../commands/glob.js';
import { parseMemory } from '../config/config.js';

/** One connection's subscriptions (Client.pubsub; null while it never subscribed). */
export class ClientSubscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** When the pending output first went over the soft limit (ms), 0 when under it. */
  softLimitSince = 0;

  /** Redis's clientSubscriptionsCount: channels and patterns (the count SUBSCRIBE/PSUBSCRIBE report). */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Any subscription at all: the connection is in subscribed mode (flag P). */
  get active(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }
}

interface PatternEntry {
  bytes: Uint8Array;
  clients: Set<Client>;
}

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/** A server's registries. */
export class PubSubRegistry {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, PatternEntry>();
  readonly shardChannels = new Map<string, Set<Client>>();
  /** Encodes deliveries (one buffer per message, reused for every subscriber). */
  private readonly out = new Reply(4096);
  /** Parsed `client-output-buffer-limit` pubsub class, cached by the config text it came from. */
  private limitText = '';
  private limit: OutputLimit = { hard: 0, soft: 0, softSeconds: 0 };

  /** Subscribes; false when the client already was subscribed to that name. */
  subscribe(client: Client, kind: SubscriptionKind, name: string, bytes: Uint8Array): boolean {
    const subs = (client.pubsub ??= new ClientSubscriptions());
    const own = kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shardChannels;
    if (own.has(name)) return false;
    own.add(name);
    if (kind === 'pattern') {
      let entry = this.patterns.get(name);
      if (entry === undefined) {
        entry = { bytes: new Uint8Array(bytes), clients: new Set() };
        this.patterns.set(name, entry);
      }
      entry.clients.add(client);
    } else {
      const map = kind === 'channel' ? this.channels : this.shardChannels;
      let set = map.get(name);
      if (set === undefined) {
        set = new Set();
        map.set(name, set);
      }
      set.add(client);
    }
    return true;
  }

  /** Unsubscribes; false when the client was not subscribed to that name. */
  unsubscribe(client: Client, kind: SubscriptionKind, name: string): boolean {
    const subs = client.pubsub;
    if (subs === null) return false;
    const own = kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shardChannels;
    if (!own.delete(name)) return false;
    if (kind === 'pattern') {
      const entry = this.patterns.get(name);
      if (entry !== undefined) {
        entry.clients.delete(client);
        if (entry.clients.size === 0) this.patterns.delete(name);
      }
    } else {
      const map = kind === 'channel' ? this.channels : this.shardChannels;
      const set = map.get(name);
      if (set !== undefined) {
        set.delete(client);
        if (set.size === 0) map.delete(name);
      }
    }
    return true;
  }

  /** RESET and disconnect: drops every subscription of the client, without replies. */
  forget(client: Client): void {
    const subs = client.pubsub;
    if (subs === null) return;
    for (const name of [...subs.channels]) this.unsubscribe(client, 'channel', name);
    for (const name of [...subs.patterns]) this.unsubscribe(client, 'pattern', name);
    for (const name of [...subs.shardChannels]) this.unsubscribe(client, 'shard', name);
    client.pubsub = null;
  }

  /**
   * PUBLISH: delivers to the channel's subscribers, then to every client of every matching pattern
   * (a client counted once per subscription that matched). Returns the number of receivers.
   */
  publish(server: Server, channel: Uint8Array, message: Uint8Array, self: Client | null = null, selfReply: Reply | null = null): number {
    const name = latin1Of(channel);
    let receivers = 0;
    const victims: Client[] = [];
    const set = this.channels.get(name);
    if (set !== undefined) {
      const r = this.encode('message', null, channel, message);
      for (const c of set) {
        receivers++;
        this.deliver(server, c, r, victims, self, selfReply);
      }
    }
    if (this.patterns.size > 0) {
      for (const entry of this.patterns.values()) {
        if (!globMatch(entry.bytes, 0, entry.bytes.length, channel, 0, channel.length)) continue;
        const r = this.encode('pmessage', entry.bytes, channel, message);
        for (const c of entry.clients) {
          receivers++;
          this.deliver(server, c, r, victims, self, selfReply);
        }
      }
    }
    for (const c of victims) server.dropClient(c);
    return receivers;
  }

  /** SPUBLISH: delivers to the shard channel's subscribers. */
  spublish(server: Server, channel: Uint8Array, message: Uint8Array, self: Client | null = null, selfReply: Reply | null = null): number {
    const set = this.shardChannels.get(latin1Of(channel));
    if (set === undefined) return 0;
    const victims: Client[] = [];
    const r = this.encode('smessage', null, channel, message);
    let receivers = 0;
    for (const c of set) {
      receivers++;
      this.deliver(server, c, r, victims, self, selfReply);
    }
    for (const c of victims) server.dropClient(c);
    return receivers;
  }

  /** The delivery's bytes; its first byte is the aggregate type, patched per subscriber's protocol. */
  private encode(kind: string, pattern: Uint8Array | null, channel: Uint8Array, message: Uint8Array): Reply {
    const r = this.out;
    r.clear();
    r.resp = 2;
    r.arrayLen(pattern === null ? 3 : 4);
    r.bulkLatin1(kind);
    if (pattern !== null) r.bulk(pattern);
    r.bulk(channel);
    r.bulk(message);
    return r;
  }

  /**
   * One delivery. To the publishing client itself it goes into the reply being written (`selfReply`),
   * ahead of the PUBLISH count, as in Redis (inside EXEC's array too).
   */
  private deliver(server: Server, client: Client, r: Reply, victims: Client[], self: Client | null, selfReply: Reply | null): void {
    if (client.closed || client.closeAfterReply) return;
    r.buf[0] = client.resp === 3 ? 62 : 42; // '>' push in RESP3, '*' array in RESP2
    if (client === self && selfReply !== null) {
      selfReply.raw(r.buf, 0, r.pos);
      return;
    }
    server.pushOutput(client, r.buf, 0, r.pos);
    if (this.overLimit(server, client)) {
      server.log.warning(`Client id=${client.id} addr=${client.addr} name=${client.name} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      client.pubsub!.softLimitSince = 0;
      client.closeAfterReply = true;
      client.output.discard();
      victims.push(client);
    }
  }

  /** Redis's checkClientOutputBufferLimits for the pubsub class. */
  private overLimit(server: Server, client: Client): boolean {
    const limit = this.outputLimit(server);
    if (limit.hard === 0 && limit.soft === 0) return false;
    let used = client.output.pendingBytes + client.output.queuedBytes(client.socket);
    for (let i = client.queueHead; i < client.queue.length; i++) {
      const slot = client.queue[i];
      if (slot instanceof Uint8Array) used += slot.length;
    }
    if (limit.hard > 0 && used >= limit.hard) return true;
    const subs = client.pubsub!;
    if (limit.soft > 0 && used >= limit.soft) {
      const now = Date.now();
      if (subs.softLimitSince === 0) {
        subs.softLimitSince = now;
        return false;
      }
      return now - subs.softLimitSince > limit.softSeconds * 1000;
    }
    subs.softLimitSince = 0;
    return false;
  }

  private outputLimit(server: Server): OutputLimit {
    const text = server.config.string('client-output-buffer-limit');
    if (text !== this.limitText) {
      this.limitText = text;
      this.limit = parseOutputLimit(text, 'pubsub') ?? this.limit;
    }
    return this.limit;
  }
}

interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** The last `<class> <hard> <soft> <soft seconds>` group for `cls` in the config text, or null. */
export function parseOutputLimit(text: string, cls: 'normal' | 'replica' | 'pubsub'): OutputLimit | null {
  const words = text.trim().split(/\s+/);
  if (words.length % 4 !== 0) return null;
  let found: OutputLimit | null = null;
  for (let i = 0; i < words.length; i += 4) {
    let name = words[i].toLowerCase();
    if (name === 'slave') name = 'replica';
    if (name !== cls) continue;
    const hard = parseMemory(words[i + 1]);
    const soft = parseMemory(words[i + 2]);
    const seconds = Number(words[i + 3]);
    if (Number.isNaN(hard) || Number.isNaN(soft) || !Number.isInteger(seconds)) return null;
    found = { hard, soft, softSeconds: seconds };
  }
  return found;
}

const registries = new WeakMap<Server, PubSubRegistry>();

/** The server's pub/sub registries. */
export function pubsubOf(server: Server): PubSubRegistry {
  let r = registries.get(server);
  if (r === undefined) {
    r = new PubSubRegistry();
    registries.set(server, r);
  }
  return r;
}

/** Disconnect (dropClient): forget the client's subscriptions. */
export function forgetSubscriber(server: Server, client: Client): void {
  if (client.pubsub !== null) pubsubOf(server).forget(client);
}

/** Commands a RESP2 connection in subscribed mode may run (Redis's processCommand list). */
const ALLOWED_SUBSCRIBED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** The error for a command a RESP2 subscriber may not run, or null when it may. */
export function subscribedModeError(client: Client, spec: CommandSpec): string | null {
  if (client.pubsub === null || client.resp !== 2 || !client.pubsub.active) return null;
  if (ALLOWED_SUBSCRIBED.has(spec.name)) return null;
  return `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
}

function latin1Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}
