/**
 * Client-side caching (Redis 7.0's tracking.c), on the main thread.
 *
 * Default mode: the keys a tracking client reads (read-only commands) are remembered in a table from
 * key name (all databases share it, as in Redis) to client ids; when such a key is modified (a write
 * command that changed data names it, or it expired) every remembered client gets one invalidation
 * and the key is forgotten. BCAST mode: nothing is remembered; a client registers key prefixes ('' =
 * every key) and gets, once per event-loop turn (endBatch), the keys modified under each prefix.
 *
 * Messages: a RESP3 client gets the push `>2 invalidate [keys]` (a null instead of keys after a
 * flush); with REDIRECT they go to the other client, which in RESP2 must be in subscribed mode and
 * gets them as a `message` on `__redis__:invalidate`. A missing redirect client breaks the
 * redirection (RESP3: a `tracking-redir-broken` push to the tracking client). A client invalidated by
 * its own command gets the message after that command's reply (Redis's pending key invalidations);
 * with NOLOOP it gets none. OPTIN / OPTOUT: CLIENT CACHING YES / NO decides for the next command.
 */
import type { Client } from './client.js';
import type { Server } from './server.js';
import { Reply } from '../protocol/reply.js';

/** One connection's tracking mode (Client.tracking; null while tracking is off). */
export class ClientTracking {
  /** Client id the messages go to (0: this client). */
  redirect = 0;
  bcast = false;
  optin = false;
  optout = false;
  noloop = false;
  /** CLIENT CACHING was given for the next command. */
  caching = false;
  /** The command that CLIENT CACHING applies to has started: the next one clears `caching`. */
  cachingConsumed = false;
  brokenRedirect = false;
  /** BCAST prefixes (latin1). */
  readonly prefixes = new Set<string>();
}

interface PrefixState {
  clients: Set<Client>;
  /** Keys modified since the last broadcast, with the client that modified each last (NOLOOP). */
  keys: Map<string, Client | null>;
}

const INVALIDATE = Buffer.from('invalidate');
const CHANNEL = Buffer.from('__redis__:invalidate');

/** A server's tracking tables. */
export class TrackingRegistry {
  /** Clients with tracking on. */
  clients = 0;
  /** Key name -> ids of clients that may cache it. */
  readonly table = new Map<string, Set<number>>();
  /** Ids stored across the table (INFO tracking_total_items). */
  totalItems = 0;
  readonly prefixTable = new Map<string, PrefixState>();
  /** Keys invalidated for the client whose command is running: sent after its reply. */
  private pendingSelf: Array<Uint8Array | null> = [];
  private pendingClient: Client | null = null;
  private readonly out = new Reply(256);

  enable(client: Client, state: ClientTracking, prefixes: Uint8Array[]): void {
    if (client.tracking === null) this.clients++;
    client.tracking = state;
    if (state.bcast) {
      if (prefixes.length === 0) this.addPrefix(client, state, '');
      for (const p of prefixes) this.addPrefix(client, state, latin1(p));
    }
  }

  private addPrefix(client: Client, state: ClientTracking, prefix: string): void {
    let bs = this.prefixTable.get(prefix);
    if (bs === undefined) {
      bs = { clients: new Set(), keys: new Map() };
      this.prefixTable.set(prefix, bs);
    }
    bs.clients.add(client);
    state.prefixes.add(prefix);
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. Table entries of the client are dropped lazily. */
  disable(client: Client): void {
    const state = client.tracking;
    if (state === null) return;
    for (const prefix of state.prefixes) {
      const bs = this.prefixTable.get(prefix);
      if (bs === undefined) continue;
      bs.clients.delete(client);
      if (bs.clients.size === 0) this.prefixTable.delete(prefix);
    }
    client.tracking = null;
    this.clients--;
  }

  /** Redis's trackingRememberKeys: after a read-only command of a (default-mode) tracking client. */
  remember(client: Client, keys: Uint8Array[]): void {
    for (const key of keys) {
      const name = latin1(key);
      let ids = this.table.get(name);
      if (ids === undefined) {
        ids = new Set();
        this.table.set(name, ids);
      }
      if (!ids.has(client.id)) {
        ids.add(client.id);
        this.totalItems++;
      }
    }
  }

  /** Whether a tracking client's read-only command remembers its keys (OPTIN/OPTOUT and CACHING). */
  static remembers(state: ClientTracking): boolean {
    if (state.bcast) return false;
    if (state.optin && !state.caching) return false;
    if (state.optout && state.caching) return false;
    return true;
  }

  /**
   * Redis's trackingInvalidateKey: `key` was modified by `by`'s command (null: expired or flushed
   * by the server). `current` is the client whose command is running (its own messages wait).
   */
  invalidate(server: Server, key: Uint8Array, by: Client | null, current: Client | null, broadcast = true): void {
    if (broadcast && this.prefixTable.size > 0) this.rememberForBroadcast(key, by);
    const name = latin1(key);
    const ids = this.table.get(name);
    if (ids === undefined) return;
    for (const id of ids) {
      const target = server.clients.get(id);
      const state = target?.tracking;
      if (target === undefined || state === null || state === undefined || state.bcast) continue;
      if (state.noloop && target === by) continue;
      if (target === current) {
        this.pendingClient = target;
        this.pendingSelf.push(key.slice());
        continue;
      }
      this.send(server, target, key, null);
    }
    this.totalItems -= ids.size;
    this.table.delete(name);
  }

  /** Rounds in a row that ended still over tracking-table-max-keys (Redis's timeout_counter). */
  private overLimitRounds = 0;

  /**
   * Redis's trackingLimitUsedSlots: over `tracking-table-max-keys` remembered keys, keys are
   * dropped (their clients get an invalidation, as if the key had changed) with an effort that
   * grows while the table stays over the limit. Redis picks keys by a random walk; here the oldest
   * remembered go first.
   */
  limitUsedSlots(server: Server, maxKeys: number): void {
    if (maxKeys === 0 || this.table.size <= maxKeys) {
      this.overLimitRounds = 0;
      return;
    }
    let effort = 100 * (this.overLimitRounds + 1);
    for (const name of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidate(server, Buffer.from(name, 'latin1'), null, null, false);
      if (this.table.size <= maxKeys) {
        this.overLimitRounds = 0;
        return;
      }
    }
    this.overLimitRounds++;
  }

  /** Sends the running command's own invalidations, after its reply was queued. */
  flushPending(server: Server): void {
    const target = this.pendingClient;
    if (target === null) return;
    const keys = this.pendingSelf;
    this.pendingSelf = [];
    this.pendingClient = null;
    for (const key of keys) {
      if (target.closed) break;
      if (key === null) this.sendProto(server, target, nullOf(target));
      else this.send(server, target, key, null);
    }
  }

  /**
   * Redis's resetClient for CACHING: the flag lasts for one command (MULTI, commands queued in it
   * and CLIENT subcommands do not count). Call when `client` starts executing `name`.
   */
  static startCommand(state: ClientTracking, name: string): void {
    if (!state.caching) return;
    if (state.cachingConsumed) {
      state.caching = false;
      state.cachingConsumed = false;
    } else if (name !== 'multi' && !name.startsWith('client|')) state.cachingConsumed = true;
  }

  private rememberForBroadcast(key: Uint8Array, by: Client | null): void {
    const name = latin1(key);
    for (const [prefix, bs] of this.prefixTable) {
      if (prefix.length > name.length || !name.startsWith(prefix)) continue;
      // The last modifier is kept (NOLOOP leaves out keys its own client changed last).
      bs.keys.set(name, by);
    }
  }

  /** Redis's trackingBroadcastInvalidationMessages: once per event-loop turn. */
  broadcast(server: Server): void {
    if (this.prefixTable.size === 0 || this.clients === 0) return;
    // Redis walks its prefix table in byte order.
    const prefixes = [...this.prefixTable.keys()].sort();
    for (const prefix of prefixes) {
      const bs = this.prefixTable.get(prefix)!;
      if (bs.keys.size === 0) continue;
      const all = arrayOfKeys(bs.keys, null);
      for (const c of bs.clients) {
        if (c.tracking !== null && c.tracking.noloop) {
          const own = arrayOfKeys(bs.keys, c);
          if (own !== null) this.sendProto(server, c, own);
        } else this.sendProto(server, c, all!);
      }
      bs.keys = new Map();
    }
  }

  /** FLUSHDB / FLUSHALL: every tracking client is told that all keys are invalid (a null). */
  flushed(server: Server, current: Client | null): void {
    if (this.clients > 0) {
      for (const c of server.clients.values()) {
        if (c.tracking === null) continue;
        if (c === current) {
          this.pendingClient = c;
          this.pendingSelf.push(null);
        } else this.sendProto(server, c, nullOf(c));
      }
    }
    this.table.clear();
    this.totalItems = 0;
  }

  /** An invalidation of one key (`key`) or with ready-made RESP keys (`proto`). */
  private send(server: Server, target: Client, key: Uint8Array | null, proto: Uint8Array | null): void {
    const r = this.out;
    r.clear();
    if (key !== null) {
      r.resp = 2;
      r.arrayLen(1);
      r.bulk(key);
      this.sendProto(server, target, r.buf.slice(0, r.pos));
    } else if (proto !== null) this.sendProto(server, target, proto);
  }

  /** Redis's sendTrackingMessage with `proto` the value part (an array of keys, or a null). */
  private sendProto(server: Server, client: Client, proto: Uint8Array): void {
    const state = client.tracking;
    if (state === null) return;
    let target = client;
    let redirected = false;
    if (state.redirect !== 0) {
      const other = server.clients.get(state.redirect);
      if (other === undefined || other.closed) {
        state.brokenRedirect = true;
        if (client.resp === 3) {
          const r = this.out;
          r.clear();
          r.resp = 3;
          r.pushLen(2);
          r.bulkLatin1('tracking-redir-broken');
          r.integer(state.redirect);
          server.pushOutput(client, r.buf, 0, r.pos);
        }
        return;
      }
      target = other;
      redirected = true;
    }
    const r = new Reply(64 + proto.length);
    if (target.resp === 3) {
      r.resp = 3;
      r.pushLen(2);
      r.bulk(INVALIDATE);
    } else if (redirected && target.pubsub !== null && target.pubsub.active) {
      r.resp = 2;
      r.arrayLen(3);
      r.bulkLatin1('message');
      r.bulk(CHANNEL);
    } else return;
    r.raw(proto, 0, proto.length);
    server.pushOutput(target, r.buf, 0, r.pos);
  }
}

/** RESP array of the keys in `keys` (skipping those `except` modified last); null when empty. */
function arrayOfKeys(keys: Map<string, Client | null>, except: Client | null): Uint8Array | null {
  const names: string[] = [];
  for (const [name, by] of keys) if (except === null || by !== except) names.push(name);
  if (names.length === 0) return null;
  // Redis walks a radix tree: keys in byte order.
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const r = new Reply(64);
  r.resp = 2;
  r.arrayLen(names.length);
  for (const n of names) r.bulk(Buffer.from(n, 'latin1'));
  return r.buf.slice(0, r.pos);
}

/** The null of the tracking client's own protocol (Redis sends shared.null[c->resp] even when redirecting). */
function nullOf(c: Client): Uint8Array {
  return Buffer.from(c.resp === 3 ? '_\r\n' : '$-1\r\n');
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

const registries = new WeakMap<Server, TrackingRegistry>();

/** The server's tracking tables. */
export function trackingOf(server: Server): TrackingRegistry {
  let r = registries.get(server);
  if (r === undefined) {
    r = new TrackingRegistry();
    registries.set(server, r);
  }
  return r;
}
