/**
 * Server: the main thread. Accepts connections, parses requests (native or TypeScript parser), routes
 * each command by its keys' slots to the worker owning the shard (or runs it inline with --threads 0),
 * sequences cross-shard commands through holds, and keeps every connection's replies in order.
 */
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import { Config, type ConfigValue } from '../config/config.js';
import { Args } from '../protocol/args.js';
import { Reply } from '../protocol/reply.js';
import { parseRequests, protocolErrorText, parserKind, setParserKind } from '../protocol/resp-parser.js';
import { OOM, WRONG_ARITY, unknownCommand, unknownSubcommand } from '../protocol/errors.js';
import { ShardArena } from '../storage/arena.js';
import { LazyFree, ShardKeyspace } from '../storage/keyspace.js';
import { slotTable } from '../shard/slot.js';
import { SharedSettings, Setting, MAXMEMORY_POLICIES } from '../shard/shared-settings.js';
import { CommandStats, Counter } from '../shard/command-stats.js';
import { execute } from '../shard/executor.js';
import { ActiveExpiry } from '../shard/active-expiry.js';
import { LazyFreeRunner } from '../shard/lazy-free.js';
import { ExecContext } from '../commands/context.js';
import { routeOf, type CommandImpl } from '../commands/handler.js';
import { commandImplsByName } from '../commands/registry.js';
import { CommandTable } from '../commands/table.js';
import type { CommandSpec } from '../commands/spec.js';
import { keyPositions } from '../commands/key-positions.js';
import { Client, DISCARD, ReplyMode, socketFd, type ClientSocket } from './client.js';
import { WorkerPool, type ReplySink } from './worker-pool.js';
import { Logger } from './logger.js';
import { ServerStats } from './server-stats.js';
import { recordSlow } from './slowlog.js';
import { recordCommandLatency } from './latency.js';
import { TESSERA_VERSION, REDIS_VERSION } from '../version.js';
import { ARGS_REWRITE, BlockedCommand, BlockedKeys, BlockEnd, UNBLOCKED_ERROR, keyName, wakesEveryone } from './blocking.js';
import { RETRY_RESP_BIT } from '../shard/messages.js';
import { clientInfoLine, clientInfoProviders, connectionHooks } from '../commands/connection.js';
import { AclContext, AclResult, AclStore, deniedMessage, execDeniedMessage } from './acl.js';
import { loadUsersAtStartup } from '../commands/acl.js';
import { forgetSubscriber, subscribedModeError } from './pubsub.js';
import { MonitorFeed, MonitorTiming, monitorTiming } from './monitor.js';
import { publishKeyspaceEvents, SelfPushes } from './keyspace-notify.js';
import { EventBuffer, NotifyClass, emitMaskOf } from '../commands/keyspace-events.js';
import { TrackingRegistry, trackingOf } from './tracking.js';
import type { ShardHandler } from '../commands/handler.js';
import { EXECABORT, NOT_IN_MULTI_COMMANDS, TransactionState, WatchedKeys } from './transaction.js';
import { ownedCopy } from '../protocol/args.js';
import type { MainHandler } from '../commands/handler.js';
import { pausesOf } from './pause-monitor.js';
import { loadNative } from '../native/loader.js';
import { TouchedClients } from './touched-clients.js';
import { EvictResult, Evictor } from './eviction.js';
import { directIo } from './socket-io.js';
import { abortBgsave, loadRdbFile, rdbPath, saveBeforeExit, saveToDisk } from '../commands/save.js';
import { BgsaveState } from '../persistence/bgsave-state.js';
import { NativeIo, NATIVE_READ_CHUNK, type AcceptedHandle } from './native-io.js';
import { beginBatch, endBatch as endClockBatch, endCommand, nowMs, resumeChain, startCommand, suspendChain, wallMs } from '../shard/clock.js';

export { TESSERA_VERSION, REDIS_VERSION };

const INFLIGHT_SLOTS = 1 << 16;
/** inflightSlot value of a blocking command's attempt: its reply goes to the client's BlockedCommand. */
const ATTEMPT = -1;
const MAX_TIMER_MS = 0x7fffffff;

connectionHooks.unblock = (server, id, withError) => server.unblockClient(id, withError);
clientInfoProviders.push((c) => (c.blockedOn !== null && c.blockedOn.parked ? { flags: 'b' } : null));
clientInfoProviders.push((c) =>
  c.tx === null ? null : { flags: (c.tx.queue !== null ? 'x' : '') + (c.tx.dirty ? 'd' : ''), multi: c.tx.queue === null ? -1 : c.tx.queue.length },
);
connectionHooks.onReset.push((client, server) => server.discardTransaction(client));
const PARSE_WORDS = 64 * 1024;
/** A connection's own input buffer (Client.spareInput) is at least this big: a tail plus a 64 KiB read. */
const SPARE_INPUT_BYTES = 128 * 1024;

export interface ServerHandle {
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Starts a server in this process. Options are config names (`port: 0` picks a free port). */
export async function startServer(options: Record<string, ConfigValue> = {}, configFile?: string): Promise<ServerHandle> {
  const config = new Config();
  if (configFile) {
    config.loadText(fs.readFileSync(configFile, 'utf8'));
    config.file = configFile;
  }
  for (const [name, value] of Object.entries(options)) {
    config.setFromText(name, typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value), true);
  }
  const server = new Server(config);
  await server.listen();
  const address = server.address();
  return { host: address.host, port: address.port, server, close: () => server.close() };
}

export class Server implements ReplySink {
  readonly config: Config;
  readonly log: Logger;
  readonly table: CommandTable;
  readonly impls: Array<CommandImpl | undefined>;
  /** ACL users, their permissions and the ACL log (acl.ts). */
  readonly acl: AclStore;
  readonly settings = new SharedSettings();
  readonly shards: ShardKeyspace[];
  readonly slotToShard: Uint16Array;
  readonly threads: number;
  readonly workers: WorkerPool | null;
  readonly mainStats: CommandStats;
  readonly stats = new ServerStats();
  readonly clients = new Map<number, Client>();
  /** Clients parked in blocking commands, by waited-on key. */
  readonly blocked = new BlockedKeys();
  /** Clients watching keys (WATCH), by key. */
  readonly watchers = new WatchedKeys();
  /** MONITOR clients; `monitorTimings` says per command id when a command is fed to them. */
  readonly monitors = new MonitorFeed(() => this.config.string('unixsocket'));
  private readonly monitorTimings: Uint8Array;
  /** Blocking commands whose first try is still on a worker (not parked yet, but wakeable). */
  private readonly firstTries = new Set<BlockedCommand>();
  readonly startedAt = Date.now();
  readonly runId: string;
  /** Called by SHUTDOWN and signals. */
  shutdownRequested: (() => void) | null = null;
  /**
   * Ends the process at once: SHUTDOWN NOSAVE while a script is busy (the event loop cannot run
   * an orderly close). Set by the command-line entry; an embedded server closes after the script.
   */
  exitNow: (() => void) | null = null;
  lastSave = Math.floor(Date.now() / 1000);
  /** INFO persistence: SAVEs attempted, and what the last RDB load loaded and skipped as expired. */
  rdbSaves = 0;
  /** BGSAVE in progress and its INFO fields (commands/save.ts). */
  readonly bgsave = new BgsaveState();
  rdbLastLoadKeysLoaded = 0;
  rdbLastLoadKeysExpired = 0;
  /** CLIENT PAUSE: until (ms) and whether only writes are paused. */
  pausedUntil = 0;
  pauseWritesOnly = false;
  private readonly listeners: net.Server[] = [];
  private nextClientId = 1;
  private nextReqId = 1;
  // The in-flight tables (indexed by request id) exist only with workers: 2.5 MiB the inline mode
  // never touches (allocated in the constructor when there are workers).
  private inflightClient: Array<Client | undefined> = [];
  private inflightSlot = new Int32Array(0);
  private inflightSpec = new Int32Array(0);
  private inflightCount = 0;
  private mainCtx: ExecContext;
  private scratch = new Reply(64 * 1024);
  /** Timeout and CLIENT UNBLOCK replies of blocked clients. */
  private readonly endReply = new Reply(256);
  private args = new Args();
  private parseOut = new Uint32Array(PARSE_WORDS);
  /** Where every accepted connection's reads land (readIntoSharedBuffer); never referenced after onRead. */
  private readonly readBuf = Buffer.allocUnsafe(64 * 1024);
  /** Client connections served by the addon (config `io`), or null for Node's streams. */
  private nativeIo: NativeIo | null = null;
  /** A batch of native reads is open (onNativeRead), with the wall clock at its start. */
  private turnOpen = false;
  private turnNow = 0;
  private keyIdx = new Int32Array(1024);
  private readonly blockArgs = new Args();
  /** Keys a command in flight on a worker may change that someone WATCHes (by request id slot). */
  private inflightWatch: Array<string[] | undefined> = [];
  /** Executes EXEC's queued commands (its own context: EXEC itself runs in mainCtx). */
  private txCtx: ExecContext;
  /**
   * Set while a script runs past busy-reply-threshold: the -BUSY error every command without the
   * allow_busy flag gets (see serveWhileScriptBusy).
   */
  private busyRejection: string | null = null;
  /** The other set of the per-command state swapped in while a busy script serves clients. */
  private busyState: NestedState | null = null;
  /** A transaction ran: parked clients are retried once its reply is delivered. */
  private wakeAllAfterMain = false;
  /** Keys a script changed (keyName form, '' = any): parked clients are retried after its reply. */
  private readonly pendingWakes: string[] = [];
  /** Per spec id: 1 when the command has the write flag / the blocking flag. */
  private readonly isWrite: Uint8Array;
  private readonly isBlocking: Uint8Array;
  private readonly isReadonly: Uint8Array;
  private readonly isProtected: Uint8Array;
  private readonly isDenyoom: Uint8Array;
  /** maxmemory in bytes (0 = no limit), kept by applySettings: read before every command. */
  private maxmemory = 0;
  /** Eviction under maxmemory (eviction.ts). */
  readonly evictor: Evictor = new Evictor(this);
  /**
   * The last eviction check before a command found memory over the limit with nothing left to
   * evict (Redis's out_of_memory, which scripts also read as script_oom); false without maxmemory.
   */
  outOfMemory = false;
  /** client-query-buffer-limit and proto-max-bulk-len, read per socket read (kept by applySettings). */
  private queryBufferLimit = 0;
  private protoMaxBulkLen = 0;
  private readonly touched = new TouchedClients();
  private readonly stalled = new Set<Client>();
  private readonly expiry: ActiveExpiry | null;
  /** Inline mode's lazy freeing (workers free their own shards' jobs). */
  private readonly lazyFree: LazyFreeRunner | null;
  /** Keyspace events of the inline active expiry cycle. */
  private readonly expiryEvents = new EventBuffer();
  /** Client-side caching tables (tracking.ts). */
  private readonly tracker: TrackingRegistry = trackingOf(this);
  /** Per request id slot: the tracking work of a command in flight on a worker (only while tracking is on). */
  private inflightTrack: Array<TrackPlan | undefined> = [];
  /** Per spec id: the spec reduced to its key specs that are not read-only (the keys it may modify). */
  private readonly writtenKeySpecs: Array<CommandSpec | undefined> = [];
  /** Notifications for the client whose command caused them, written ahead of its reply. */
  private readonly selfPushes = new SelfPushes();
  private cron: NodeJS.Timeout | null = null;
  private closing = false;
  get isClosing(): boolean {
    return this.closing;
  }

  constructor(config: Config) {
    this.config = config;
    this.log = new Logger(config);
    this.runId = randomHex(40);
    setParserKind(config.string('parser') as 'auto' | 'native' | 'typescript');
    this.table = new CommandTable();
    const byName = commandImplsByName();
    this.impls = this.table.specs.map((s) => byName.get(s.name));
    this.acl = new AclStore(this.table, () => this.config.string('acl-pubsub-default') === 'allchannels');
    this.acl.setDefaultPassword(config.string('requirepass'));
    loadUsersAtStartup(this);
    this.isWrite = Uint8Array.from(this.table.specs, (s) => (s.flags.includes('write') ? 1 : 0));
    this.isBlocking = Uint8Array.from(this.table.specs, (s) => (s.flags.includes('blocking') ? 1 : 0));
    this.isReadonly = Uint8Array.from(this.table.specs, (s) => (s.flags.includes('readonly') ? 1 : 0));
    this.isProtected = Uint8Array.from(this.table.specs, (s) => (s.flags.includes('protected') ? 1 : 0));
    this.monitorTimings = Uint8Array.from(this.table.specs, monitorTiming);
    this.isDenyoom = Uint8Array.from(this.table.specs, (s) => (s.flags.includes('denyoom') ? 1 : 0));
    const shardCount = config.int('shards');
    const databases = config.int('databases');
    const seed = (Math.random() * 0x100000000) >>> 0;
    this.shards = [];
    for (let i = 0; i < shardCount; i++) {
      const arena = ShardArena.create(1 << 20);
      ShardKeyspace.format(arena, databases, seed);
      this.shards.push(new ShardKeyspace(arena, i));
    }
    this.slotToShard = slotTable(shardCount);
    this.applySettings();
    this.mainStats = new CommandStats(this.table.specs.length);
    this.mainCtx = new ExecContext(this.shards, this.slotToShard, this.settings, this.mainStats, this.scratch);
    this.txCtx = new ExecContext(this.shards, this.slotToShard, this.settings, this.mainStats, this.scratch);
    // Commands of EXEC never block (Redis's CLIENT_DENY_BLOCKING): they answer their timeout reply.
    this.txCtx.denyBlocking = true;
    this.mainCtx.server = this;
    this.txCtx.server = this;
    // Before any worker runs: the shards are this thread's alone.
    this.loadDataAtStartup();
    let threads = config.int('threads');
    if (threads < 0) threads = defaultThreads();
    this.threads = threads;
    if (threads > 0) {
      this.inflightClient = new Array<Client | undefined>(INFLIGHT_SLOTS);
      this.inflightSlot = new Int32Array(INFLIGHT_SLOTS);
      this.inflightSpec = new Int32Array(INFLIGHT_SLOTS);
      this.inflightWatch = new Array<string[] | undefined>(INFLIGHT_SLOTS);
      this.inflightTrack = new Array<TrackPlan | undefined>(INFLIGHT_SLOTS);
      this.workers = new WorkerPool(
        threads,
        shardCount,
        this.shards.map((s) => s.arena.sab),
        this.slotToShard,
        this.settings.sab,
        this.table.specs.map((s) => s.name),
        this,
      );
      this.expiry = null;
      this.lazyFree = null;
    } else {
      this.workers = null;
      this.expiry = new ActiveExpiry(this.shards, this.settings, this.mainStats, this.expiryEvents, () => {
        const ev = this.expiryEvents;
        publishKeyspaceEvents(this, ev.u8, 0, ev.pos);
        ev.clear();
      });
      this.lazyFree = new LazyFreeRunner(this.shards);
      this.lazyFree.attachToEventLoop(LAZY_FREE_SLICE_MS);
    }
    config.onChange = (name, value) => this.onConfigChange(name, value);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Runs `fn` with every shard to this thread (every worker held, as a whole-keyspace command is):
   * for main-thread commands that need the data (SHUTDOWN SAVE). `fn` gets the main context.
   */
  holdAllShards<T>(fn: (ctx: ExecContext) => T): T {
    const pool = this.workers;
    const hold = pool === null ? -1 : pool.hold(pool.links.map((_, w) => w));
    try {
      for (const s of this.shards) s.arena.refresh();
      return fn(this.mainCtx);
    } finally {
      if (pool !== null) pool.release(hold);
    }
  }

  /** SAVE from a main-thread command (SHUTDOWN SAVE): every shard held while the file is written. */
  saveRdbFile(): boolean {
    return this.holdAllShards((ctx) => saveToDisk(ctx, this));
  }

  /** The RDB part of Redis's prepareForShutdown (SHUTDOWN, SIGTERM, SIGINT); false: do not exit. */
  saveBeforeExit(save: boolean, nosave: boolean, force: boolean): boolean {
    return saveBeforeExit(this, save, nosave, force);
  }

  /** Loads `dir`/`dbfilename` when it exists (Redis's loadDataFromDisk); a file that fails to load stops the start. */
  private loadDataAtStartup(): void {
    const file = rdbPath(this);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const started = Date.now();
    const error = loadRdbFile(this.mainCtx, this, bytes, false);
    if (error !== null) throw new Error(`Error loading the RDB file ${file}: ${error}`);
    this.log.notice(`DB loaded from disk: ${((Date.now() - started) / 1000).toFixed(3)} seconds`);
  }

  async listen(): Promise<void> {
    const port = this.config.int('port');
    const binds = this.config.string('bind').split(/\s+/).filter((b) => b !== '');
    if (port !== 0 || binds.length > 0) {
      const hosts = binds.length === 0 ? ['0.0.0.0'] : binds;
      let actualPort = port;
      for (const raw of hosts) {
        const optional = raw.startsWith('-');
        let host = optional ? raw.slice(1) : raw;
        if (host === '*') host = '0.0.0.0';
        if (host === '::*') host = '::';
        try {
          await this.listenOn({ host, port: actualPort });
          if (actualPort === 0) actualPort = (this.listeners[this.listeners.length - 1].address() as net.AddressInfo).port;
        } catch (err) {
          if (!optional) throw err;
        }
      }
    }
    const unixsocket = this.config.string('unixsocket');
    if (unixsocket !== '') {
      try {
        fs.unlinkSync(unixsocket);
      } catch {
        /* absent */
      }
      await this.listenOn({ path: unixsocket });
      const perm = this.config.int('unixsocketperm');
      if (perm) fs.chmodSync(unixsocket, perm);
    }
    this.cron = setInterval(() => this.serverCron(), Math.max(1, Math.floor(1000 / Math.max(1, this.config.int('hz')))));
    this.cron.unref();
    pausesOf(this).start();
    const addr = this.address();
    this.log.notice(`Tessera ${TESSERA_VERSION} (Redis ${REDIS_VERSION} compatible), ${this.threads === 0 ? 'inline mode (--threads 0)' : `${this.threads} shard worker(s)`}, ${this.shards.length} shards, parser ${parserKind()}, port ${addr.port}, pid ${process.pid}`);
    this.log.notice('Ready to accept connections');
  }

  private listenOn(opts: net.ListenOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.accept(socket));
      srv.once('error', reject);
      srv.listen({ ...opts, backlog: this.config.int('tcp-backlog') }, () => {
        srv.off('error', reject);
        if (this.config.string('io') === 'native') {
          this.nativeIo = NativeIo.shared();
          this.nativeIo?.onTurnEnd(this.endTurn);
        }
        this.readIntoSharedBuffer(srv);
        srv.on('error', (err) => this.log.warning(`listener error: ${err.message}`));
        this.listeners.push(srv);
        resolve();
      });
    });
  }

  /**
   * Accepted connections read into one shared buffer instead of a fresh Buffer per read (net.Socket's
   * `onread` option, which net.Server does not offer for accepted sockets, so the listener's
   * connection callback is taken over). Measured: about 2 us and one 64 KiB malloc less per read
   * (bench/README.md). onRead leaves no client input pointing into the shared buffer. Without the
   * internal handle (another Node) connections keep the 'data' event path.
   */
  private readIntoSharedBuffer(srv: net.Server): void {
    const handle = (srv as unknown as { _handle?: { onconnection?: unknown } })._handle;
    if (handle === undefined || handle === null || typeof handle.onconnection !== 'function') return;
    handle.onconnection = (err: number, clientHandle: unknown): void => {
      if (err !== 0 || clientHandle === undefined || clientHandle === null) return;
      if (this.nativeIo !== null && this.acceptNative(this.nativeIo, clientHandle as AcceptedHandle)) return;
      let client: Client | null = null;
      const socket = new net.Socket({
        handle: clientHandle as never,
        readable: true,
        writable: true,
        allowHalfOpen: true,
        onread: { buffer: this.readBuf, callback: (n: number): boolean => { if (client !== null) this.onRead(client, n); return true; } },
      } as net.SocketConstructorOpts);
      client = this.accept(socket, false);
      if (client !== null && directIo !== null) {
        const c = client;
        directIo.hookReads(clientHandle, (n: number): void => this.onRead(c, n));
      }
    };
  }

  /** Serves an accepted connection on the native I/O set; false when the addon refused it. */
  private acceptNative(io: NativeIo, clientHandle: AcceptedHandle): boolean {
    const socket = io.adopt(clientHandle);
    if (socket === null) return false;
    const client = this.accept(socket, false);
    socket.release();
    if (client !== null) socket.onRead = (buf, start, end) => this.onNativeRead(client, buf, start, end);
    return true;
  }

  /**
   * A read on the native I/O set. Every read of one loop turn is one batch of commands: the first
   * opens it, `endTurn` (after the turn's last read) writes each touched client's output once, as
   * Redis writes replies in beforeSleep.
   */
  private onNativeRead(client: Client, buf: Buffer, start: number, end: number): void {
    if (!this.turnOpen) {
      this.turnOpen = true;
      this.turnNow = wallMs(beginBatch());
    }
    if (this.appendInput(client, buf, start, end - start, this.turnNow)) this.processInput(client);
    keepOwnInput(client, buf, NATIVE_READ_CHUNK);
  }

  private readonly endTurn = (): void => {
    if (!this.turnOpen) return;
    this.turnOpen = false;
    this.endBatch();
  };

  private onRead(client: Client, n: number): void {
    this.onData(client, this.readBuf, n);
    keepOwnInput(client, this.readBuf);
  }

  address(): { host: string; port: number } {
    for (const l of this.listeners) {
      const a = l.address();
      if (a && typeof a === 'object') return { host: a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.address, port: a.port };
    }
    return { host: '', port: 0 };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    abortBgsave(this);
    if (this.lazyFree) this.lazyFree.stop();
    if (this.cron) clearInterval(this.cron);
    pausesOf(this).stop();
    await Promise.all(this.listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
    for (const c of this.clients.values()) c.socket.destroy();
    this.clients.clear();
    this.nativeIo?.offTurnEnd(this.endTurn);
    if (this.workers) await this.workers.close();
    const unixsocket = this.config.string('unixsocket');
    if (unixsocket !== '') {
      try {
        fs.unlinkSync(unixsocket);
      } catch {
        /* gone */
      }
    }
    this.log.close();
  }

  // ---------------------------------------------------------------- connections

  /** A new connection; `dataEvents` false when its reads arrive through onRead (readIntoSharedBuffer). */
  private accept(socket: ClientSocket, dataEvents = true): Client | null {
    if (this.clients.size >= this.config.int('maxclients')) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return null;
    }
    const remote = socket.remoteAddress ?? '';
    if (this.config.bool('protected-mode') && this.acl.defaultUser.nopass && !isLoopback(remote) && socket.remoteFamily !== undefined && !this.explicitBind()) {
      socket.end(PROTECTED_MODE_ERROR);
      return null;
    }
    const client = new Client(this.nextClientId++, socket);
    client.user = this.acl.defaultUser;
    client.authenticated = client.user.nopass && client.user.enabled;
    this.clients.set(client.id, client);
    this.stats.connectionsReceived++;
    socket.setNoDelay(true);
    const keepalive = this.config.int('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    if (dataEvents) socket.on('data', (chunk: Buffer) => this.onData(client, chunk, chunk.length));
    socket.on('error', () => this.dropClient(client));
    socket.on('close', () => this.dropClient(client));
    socket.on('end', () => this.onPeerEnd(client));
    return client;
  }

  private explicitBind(): boolean {
    const bind = this.config.string('bind');
    return bind !== '* -::*' && bind !== '';
  }

  dropClient(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    this.clients.delete(client.id);
    this.stalled.delete(client);
    this.touched.delete(client);
    this.forgetBlocked(client);
    if (client.tx !== null) this.watchers.unwatchAll(client, client.tx);
    forgetSubscriber(this, client);
    if (client.monitoring) this.monitors.remove(client);
    this.forgetTracking(client);
    client.socket.destroy();
  }

  /**
   * The client closed its side of the connection (sockets are half-open, so this is ours to
   * answer). Replies that shard workers are still computing for commands it sent are delivered
   * first, as Redis answers every command of a read before it reads the end of the stream; anything
   * else closes now (a blocked command is dropped, as Redis frees the client).
   */
  private onPeerEnd(client: Client): void {
    if (client.closed) return;
    if (client.inFlight > 0 && client.blockedOn === null) this.closeAfterReply(client);
    else this.dropClient(client);
  }

  /** Closes a client once its queued replies are written (QUIT, protocol errors, CLIENT KILL). */
  closeAfterReply(client: Client): void {
    client.closeAfterReply = true;
    this.touched.add(client);
  }

  /** `n` bytes read into `chunk` (from 0). */
  private onData(client: Client, chunk: Buffer, n: number): void {
    const now = wallMs(beginBatch());
    if (!this.appendInput(client, chunk, 0, n, now)) {
      endClockBatch();
      return;
    }
    this.processInput(client);
    this.endBatch();
  }

  /** Appends `chunk[start, start + n)` to the client's input; true when its commands can be parsed now. */
  private appendInput(client: Client, chunk: Buffer, start: number, n: number, now: number): boolean {
    if (client.closed) return false;
    this.stats.netInputBytes += n;
    client.lastInteraction = now;
    if (client.inputStart === client.inputEnd) {
      client.input = chunk;
      client.inputStart = start;
      client.inputEnd = start + n;
    } else {
      const pending = client.inputEnd - client.inputStart;
      const own = client.input !== chunk;
      if (own && client.input.length - client.inputEnd >= n) {
        chunk.copy(client.input, client.inputEnd, start, start + n);
      } else if (own && client.input.length - pending >= n) {
        // Room once the consumed prefix is dropped.
        client.input.copyWithin(0, client.inputStart, client.inputEnd);
        client.inputStart = 0;
        client.inputEnd = pending;
        chunk.copy(client.input, pending, start, start + n);
      } else {
        const next = Buffer.allocUnsafe(Math.max(pending + n, pending * 2, SPARE_INPUT_BYTES));
        client.input.copy(next, 0, client.inputStart, client.inputEnd);
        chunk.copy(next, pending, start, start + n);
        client.input = next;
        client.spareInput = next;
        client.inputStart = 0;
        client.inputEnd = pending;
      }
      client.inputEnd += n;
    }
    if (client.inputEnd - client.inputStart > this.queryBufferLimit) {
      this.log.warning(`Closing client that reached max query buffer length: id=${client.id} addr=${client.addr}`);
      this.dropClient(client);
      return false;
    }
    return client.needUntil <= client.inputEnd && !client.stalled;
  }

  /**
   * Called by a script that runs past busy-reply-threshold (src/scripting/busy-script.ts), from
   * inside its command, every few ms: the event loop cannot run, so every other client's socket is
   * read here directly (non-blocking reads of its file descriptor), its complete commands are
   * dispatched (each gets `rejection`, the -BUSY error, unless the command has the allow_busy flag:
   * SCRIPT KILL, SHUTDOWN NOSAVE, AUTH, HELLO, MULTI...), and replies are written at once. The
   * caller's own socket is neither read nor written (Redis's protectClient): its earlier replies
   * go out with the script's. Partial commands stay in the input. New connections are accepted
   * through the addon (without it they wait in the listen backlog until the script ends).
   */
  /** The -BUSY error while a busy script serves clients (SHUTDOWN without NOSAVE answers it); else null. */
  get scriptBusyError(): string | null {
    return this.busyRejection;
  }

  serveWhileScriptBusy(caller: Client, rejection: string): void {
    this.swapNestedState();
    this.busyRejection = rejection;
    try {
      // Other clients' replies produced before the script go out first; the caller's wait for it.
      this.flushTouched(caller);
      this.acceptWhileBusy();
      const buf = this.busyState!.readBuf;
      for (const client of [...this.clients.values()]) {
        if (client === caller) continue;
        for (let reads = 0; reads < 16 && !client.closed; reads++) {
          const n = readAvailable(client.socket, buf);
          if (n === 0) break;
          if (n < 0) {
            this.dropClient(client);
            break;
          }
          if (this.appendInput(client, buf, 0, n, nowMs())) this.processInput(client);
          keepOwnInput(client, buf);
          if (n < buf.length) break;
        }
      }
      this.flushTouched(caller);
    } finally {
      this.busyRejection = null;
      this.swapNestedState();
    }
  }

  /**
   * Accepts pending connections of every listener without the event loop (the addon's acceptNow;
   * without the addon they wait in the backlog until the script ends).
   */
  private acceptWhileBusy(): void {
    const acceptNow = loadNative()?.acceptNow;
    if (acceptNow === undefined) return;
    for (const listener of this.listeners) {
      const fd = (listener as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
      if (typeof fd !== 'number' || fd < 0) continue;
      for (let k = 0; k < 64; k++) {
        const conn = acceptNow(fd);
        if (conn < 0) break;
        try {
          this.accept(new net.Socket({ fd: conn, readable: true, writable: true }));
        } catch (err) {
          this.log.warning(`accepting a connection while a script is busy failed: ${(err as Error).message}`);
          fs.closeSync(conn);
        }
      }
    }
  }

  /**
   * Exchanges the per-command state (reply scratch, contexts, parse buffers) with a second set, so
   * that commands served while a script is busy leave the script's own command untouched. Called
   * on entry and again on exit.
   */
  private swapNestedState(): void {
    if (this.busyState === null) {
      const scratch = new Reply(16 * 1024);
      const mainCtx = new ExecContext(this.shards, this.slotToShard, this.settings, this.mainStats, scratch);
      const txCtx = new ExecContext(this.shards, this.slotToShard, this.settings, this.mainStats, scratch);
      txCtx.denyBlocking = true;
      mainCtx.server = this;
      txCtx.server = this;
      this.busyState = { scratch, mainCtx, txCtx, args: new Args(), parseOut: new Uint32Array(4096), readBuf: Buffer.allocUnsafe(16 * 1024) };
    }
    const b = this.busyState;
    [this.scratch, b.scratch] = [b.scratch, this.scratch];
    [this.mainCtx, b.mainCtx] = [b.mainCtx, this.mainCtx];
    [this.txCtx, b.txCtx] = [b.txCtx, this.txCtx];
    [this.args, b.args] = [b.args, this.args];
    [this.parseOut, b.parseOut] = [b.parseOut, this.parseOut];
  }

  /** Parses and runs every complete command of the client's input. */
  processInput(client: Client): void {
    const maxBulk = this.protoMaxBulkLen;
    while (!client.closed && !client.closeAfterReply && client.inputStart < client.inputEnd) {
      if (this.isPaused(client)) {
        this.stall(client);
        return;
      }
      const out = this.parseOut;
      parseRequests(client.input, client.inputStart, client.inputEnd, out, maxBulk);
      const count = out[0];
      const consumed = out[1];
      const error = out[2];
      if (error === 8) {
        this.parseOut = new Uint32Array(Math.max(out[3] + 16, this.parseOut.length * 2));
        continue;
      }
      let w = 4;
      for (let k = 0; k < count; k++) {
        const argc = out[w];
        this.args.reset(client.input, out, w + 1, argc);
        if (!this.dispatch(client, this.args)) {
          // Paused for writes: this command and the rest wait, re-encoded ahead of the unparsed input.
          this.requeue(client, out, w, count - k, consumed);
          this.stall(client);
          return;
        }
        w += 1 + argc * 2;
        if (client.closed) return;
        if (client.blockedOn !== null) {
          // A blocking command is waiting: nothing after it runs until it is answered.
          this.requeue(client, out, w, count - k - 1, consumed);
          client.stalled = true;
          return;
        }
        if (client.closeAfterReply) {
          // QUIT (or a kill): nothing after it runs, as in Redis.
          client.inputStart = client.inputEnd = 0;
          client.input = EMPTY;
          return;
        }
      }
      client.inputStart = consumed;
      if (error !== 0) {
        const text = protocolErrorText(error, out[3]);
        this.log.verbose(`Protocol error (${text}) from client: id=${client.id} addr=${client.addr}`);
        this.scratch.clear();
        this.scratch.error(`ERR ${text}`);
        this.stats.countError('ERR');
        this.deliverInline(client, this.scratch.buf, 0, this.scratch.pos);
        this.closeAfterReply(client);
        return;
      }
      if (count === 0) {
        client.needUntil = out[3];
        break;
      }
    }
    client.needUntil = 0;
    if (client.inputStart === client.inputEnd) {
      client.inputStart = client.inputEnd = 0;
      client.input = EMPTY;
    }
  }

  /** CLIENT PAUSE ALL in force: nothing is parsed until it ends. */
  private isPaused(client: Client): boolean {
    if (this.pausedUntil === 0) return false;
    if (Date.now() >= this.pausedUntil) {
      this.pausedUntil = 0;
      return false;
    }
    void client;
    return !this.pauseWritesOnly;
  }

  /** enable-debug-command: 'yes', or 'local' for loopback and unix socket connections. */
  private protectedAllowed(client: Client): boolean {
    const mode = this.config.string('enable-debug-command');
    return mode === 'yes' || (mode === 'local' && isLoopback(client.socket.remoteAddress ?? ''));
  }

  /** CLIENT PAUSE WRITE in force and `spec` may write: the command waits. */
  private isWritePaused(spec: CommandSpec): boolean {
    if (this.pausedUntil === 0 || !this.pauseWritesOnly) return false;
    if (Date.now() >= this.pausedUntil) {
      this.pausedUntil = 0;
      return false;
    }
    return spec.flags.includes('write') || spec.flags.includes('may_replicate');
  }

  /** CLIENT UNPAUSE. */
  unpause(): void {
    this.pausedUntil = 0;
    this.pauseWritesOnly = false;
    if (this.stalled.size > 0) setImmediate(() => this.resumeStalled());
  }

  /**
   * Puts `n` parsed commands (from word `w` of `out`) back in front of the client's unparsed input
   * (from `consumed`), as RESP. Rare path: only a write pause stops a batch midway.
   */
  private requeue(client: Client, out: Uint32Array, w: number, n: number, consumed: number): void {
    const parts: Buffer[] = [];
    for (let k = 0; k < n; k++) {
      const argc = out[w];
      parts.push(Buffer.from(`*${argc}\r\n`));
      for (let i = 0; i < argc; i++) {
        const off = out[w + 1 + 2 * i];
        const len = out[w + 2 + 2 * i];
        parts.push(Buffer.from(`$${len}\r\n`), Buffer.from(client.input.subarray(off, off + len)), CRLF);
      }
      w += 1 + argc * 2;
    }
    parts.push(Buffer.from(client.input.subarray(consumed, client.inputEnd)));
    client.input = Buffer.concat(parts);
    client.inputStart = 0;
    client.inputEnd = client.input.length;
  }

  private stall(client: Client): void {
    client.stalled = true;
    this.stalled.add(client);
  }

  /** Runs or enqueues one command; false when a write pause holds it back (nothing was done). */
  private dispatch(client: Client, args: Args): boolean {
    const spec = this.table.lookup(args);
    if (spec === undefined) {
      client.lastCommand = 'NULL';
      this.rejectInline(client, unknownCommand(args.text(0), collectArgs(args)), null);
      return true;
    }
    let target: CommandSpec = spec;
    if (spec.subcommands && spec.subcommands.length > 0 && (args.argc >= 2 || !this.table.arityOk(spec, args.argc))) {
      // A container with no subcommand runs itself when its arity allows (bare COMMAND lists all).
      if (args.argc < 2) {
        client.lastCommand = spec.name;
        this.rejectInline(client, WRONG_ARITY(spec.name), spec);
        return true;
      }
      const sub = this.table.lookupSubcommand(spec, args);
      if (sub === undefined) {
        client.lastCommand = 'NULL';
        this.rejectInline(client, unknownSubcommand(args.text(1), spec.name), null);
        return true;
      }
      target = sub;
    }
    // CLIENT LIST's cmd= names the last command looked up, even one rejected or queued (Redis's lastcmd).
    client.lastCommand = target.name;
    if (!this.table.arityOk(target, args.argc)) {
      this.rejectInline(client, WRONG_ARITY(target.name), target);
      return true;
    }
    if (!client.authenticated && this.acl.authRequired && !target.flags.includes('no_auth')) {
      this.rejectInline(client, 'NOAUTH Authentication required.', target);
      return true;
    }
    const impl = this.impls[target.id] ?? this.impls[spec.id];
    if (impl === undefined) {
      this.rejectInline(client, unknownCommand(args.text(0), collectArgs(args)), null);
      return true;
    }
    if (this.isProtected[target.id] === 1 && !this.protectedAllowed(client)) {
      this.rejectInline(client, PROTECTED_COMMAND(target.name.split('|')[0].toUpperCase()), target);
      return true;
    }
    if (client.user.fast[target.id] === 0) {
      const denied = this.aclDenied(client, target, args);
      if (denied !== null) {
        this.rejectInline(client, denied, target);
        return true;
      }
    }
    // Redis's processCommand: evictions before every command while maxmemory is set (not while a
    // script is busy), then the OOM rejection of commands that may grow memory.
    if (this.maxmemory !== 0 && this.busyRejection === null && this.rejectedForMemory(client, target)) return true;
    if (client.pubsub !== null) {
      const denied = subscribedModeError(client, target);
      if (denied !== null) {
        this.rejectInline(client, denied, target);
        return true;
      }
    }
    if (this.busyRejection !== null && !target.flags.includes('allow_busy')) {
      this.rejectInline(client, this.busyRejection, target);
      return true;
    }
    if (client.monitoring && (this.isWrite[target.id] === 1 || this.isReadonly[target.id] === 1 || target.flags.includes('may_replicate'))) {
      // Redis treats a monitor as a replica, which may not touch the keyspace.
      this.rejectInline(client, "ERR Replica can't interact with the keyspace", target);
      return true;
    }
    const tx = client.tx;
    if (tx !== null && tx.queue !== null && !NOT_IN_MULTI_COMMANDS.has(target.parent ? target.parent.name : target.name)) {
      if (target.flags.includes('no_multi')) {
        this.rejectInline(client, 'ERR Command not allowed inside a transaction', target);
        return true;
      }
      tx.queue.push({ spec: target, impl, args: ownedCopy(args) });
      this.scratch.clear();
      this.scratch.simple('QUEUED');
      this.deliverInline(client, this.scratch.buf, 0, this.scratch.pos);
      return true;
    }
    if (this.isWritePaused(target)) return false;
    if (client.tracking !== null) TrackingRegistry.startCommand(client.tracking, target.name);
    // Redis's processCommand trims the tracking table before each command.
    if (this.tracker.clients > 0) this.tracker.limitUsedSlots(this, this.config.int('tracking-table-max-keys'));
    client.commands++;
    this.stats.commandsProcessed++;
    const route = routeOf(impl, args);
    const monitored = this.monitors.size > 0 ? this.monitorTimings[target.id] : MonitorTiming.Never;
    if (route === 'main') {
      const run = typeof impl.route === 'function' ? (impl as { main: import('../commands/handler.js').MainHandler }).main : (impl.run as import('../commands/handler.js').MainHandler);
      if (monitored === MonitorTiming.Before) this.monitors.feed(this, client, client.db, args);
      this.runMain(client, target, run);
      if (monitored === MonitorTiming.After) this.monitors.feed(this, client, client.db, args);
      return true;
    }
    // Shard commands cannot change the connection's database, and the sequencer's order is their
    // execution order: they are fed when dispatched (a blocking command once, at its first try).
    if (monitored !== MonitorTiming.Never) this.monitors.feed(this, client, client.db, args);
    const run = impl.run as ShardHandler;
    if (this.isBlocking[target.id] === 1) {
      const b = new BlockedCommand(client, target, run, args, this.reserveSlot(client), Date.now());
      b.keys = this.blockedKeyNames(b);
      client.blockedOn = b;
      this.firstTries.add(b);
      this.attempt(b);
      return true;
    }
    const db = client.db;
    if (this.workers === null) this.runInline(client, target, run, db);
    else this.dispatchToWorkers(client, target, run, route, args, db);
    if (this.isWrite[target.id] === 1 && (this.blocked.size > 0 || this.firstTries.size > 0)) this.wakeFor(target, args, db);
    if (this.pendingWakes.length > 0) this.wakePending();
    return true;
  }

  /** The ACL check of a command its user may not always run (processCommand): the NOPERM error, logged, or null. */
  private aclDenied(client: Client, spec: CommandSpec, args: Args): string | null {
    const result = this.acl.check(client.user, spec, args);
    if (result === AclResult.Ok) return null;
    const inMulti = client.tx !== null && client.tx.queue !== null;
    this.logAclDenial(client, result, inMulti ? AclContext.Multi : AclContext.Toplevel, spec, args, null);
    return deniedMessage(result, spec);
  }

  /** addACLLogEntry for a denied command (`current`: the context whose arguments count in the client's info). */
  logAclDenial(client: Client, result: AclResult, context: AclContext, spec: CommandSpec, args: Args, current: ExecContext | null): void {
    const object = result === AclResult.DeniedCommand ? spec.name : args.string(this.acl.deniedAt);
    this.acl.addLog(result, context, object, client.user.name, clientInfoLine(client, Date.now(), current), this.config.int('acllog-max-len'));
  }

  /**
   * Runs the eviction check and answers -OOM when memory stays over the limit and the command is
   * flagged denyoom, is EXEC of a transaction holding one, or would be queued in a MULTI (which it
   * then aborts). True when the command was rejected.
   */
  private rejectedForMemory(client: Client, spec: CommandSpec): boolean {
    const oom = this.evictor.perform(this.maxmemory) === EvictResult.Fail;
    this.outOfMemory = oom;
    if (!oom) return false;
    let reject = this.isDenyoom[spec.id] === 1;
    const tx = client.tx;
    if (!reject && tx !== null && tx.queue !== null) {
      const name = spec.parent ? spec.parent.name : spec.name;
      if (name === 'exec') reject = tx.queue.some((q) => this.isDenyoom[q.spec.id] === 1);
      else reject = name !== 'discard' && name !== 'quit' && name !== 'reset' && !spec.flags.includes('no_multi');
    }
    if (reject) this.rejectInline(client, OOM, spec);
    return reject;
  }

  /** Writes the output an eviction pass run off a command produced (keyspace events). */
  flushAfterEviction(): void {
    if (this.touched.size > 0) this.endBatch();
  }

  private runMain(client: Client, spec: CommandSpec, run: import('../commands/handler.js').MainHandler): void {
    const ctx = this.mainCtx;
    ctx.client = client;
    ctx.args.reset(this.args.buf, this.args.words, this.args.base, this.args.argc);
    ctx.db = client.db;
    const start = startCommand();
    ctx.now = wallMs(start);
    ctx.spec = spec;
    const reply = this.scratch;
    reply.clear();
    reply.resp = client.resp;
    ctx.reply = reply;
    ctx.events.clear();
    suspendChain();
    try {
      run(ctx, client, this);
    } catch (err) {
      reply.clear();
      reply.error(`ERR internal error: ${(err as Error).message}`);
      this.log.warning(`command ${spec.name} failed: ${(err as Error).stack}`);
    }
    resumeChain();
    const usec = Math.round((endCommand() - start) * 1000);
    const merged = ctx.events.pos > 0 ? this.publishWithSelf(ctx, client, 0) : null;
    this.mainStats.record(spec.id, usec);
    this.afterCommand(client, spec, ctx.args, usec);
    this.finishInline(client, spec, merged);
    this.tracker.flushPending(this);
    if (this.wakeAllAfterMain) {
      this.wakeAllAfterMain = false;
      this.pendingWakes.length = 0;
      for (const b of this.blocked.everyone()) this.wake(b);
    }
    if (this.pendingWakes.length > 0) this.wakePending();
  }

  /** Clients parked in a blocking command, or whose first try is still on a worker. */
  get hasBlockedClients(): boolean {
    return this.blocked.size > 0 || this.firstTries.size > 0;
  }

  /** A script changed key `name` (keyName form; '' = any key): wake its waiters after the reply. */
  wakeAfterCommand(name: string): void {
    this.pendingWakes.push(name);
  }

  private wakePending(): void {
    const names = this.pendingWakes.splice(0);
    if (names.includes('')) {
      for (const b of this.firstTries) b.rewake = true;
      for (const b of this.blocked.everyone()) this.wake(b);
      return;
    }
    for (const b of this.firstTries) if (names.some((name) => b.keys.includes(name))) b.rewake = true;
    for (const name of names) {
      const waiting = this.blocked.waitingOn(name);
      if (waiting !== undefined) for (const b of waiting) this.wake(b);
    }
  }

  /** Per-command hooks with the command's duration: latency histograms and slowlog. */
  private afterCommand(client: Client, spec: CommandSpec, args: Args | null, usec: number): void {
    recordCommandLatency(this, spec, usec);
    if (args !== null) recordSlow(this, client, args, usec);
  }

  private runInline(client: Client, spec: CommandSpec, run: ShardHandler, db: number): void {
    const ctx = this.mainCtx;
    ctx.client = client;
    ctx.args.reset(this.args.buf, this.args.words, this.args.base, this.args.argc);
    ctx.db = db;
    ctx.spec = spec;
    const reply = this.scratch;
    reply.clear();
    reply.resp = client.resp;
    ctx.reply = reply;
    const usec = execute(ctx, spec.id, run, this.mainStats);
    const merged = ctx.events.pos > 0 ? this.publishWithSelf(ctx, client, 0) : null;
    if (ctx.dirty > 0 && this.watchers.size > 0) this.touchWatched(spec, ctx.args, db);
    if (this.tracker.clients > 0) this.trackCommand(client, spec, ctx.args, ctx.dirty > 0, this.scratch);
    this.afterCommand(client, spec, ctx.args, usec);
    this.finishInline(client, spec, merged);
    this.tracker.flushPending(this);
  }

  /** Delivers the scratch reply (or `merged`: it with the client's own notifications spliced in). */
  private finishInline(client: Client, spec: CommandSpec, merged: Uint8Array | null = null): void {
    const r = this.scratch;
    if (r.pos > 0 && r.buf[0] === 45) this.countFailure(r.buf, 0, r.pos, spec);
    if (merged !== null) this.deliverInline(client, merged, 0, merged.length);
    else this.deliverInline(client, r.buf, 0, r.pos);
  }

  private rejectInline(client: Client, message: string, spec: CommandSpec | null): void {
    if (client.tx !== null && client.tx.queue !== null) client.tx.aborted = true;
    if (spec !== null && spec.name === 'exec') {
      // Redis's execCommandAbort: a rejected EXEC also discards the transaction.
      this.discardTransaction(client);
      message = `EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`;
    }
    this.scratch.clear();
    this.scratch.resp = client.resp;
    this.scratch.error(message);
    this.stats.countError(this.scratch.lastErrorCode);
    if (spec) this.stats.rejected(spec.name);
    this.deliverInline(client, this.scratch.buf, 0, this.scratch.pos);
  }

  private countFailure(bytes: Uint8Array, start: number, end: number, spec: CommandSpec | null): void {
    let sp = start + 1;
    while (sp < end && bytes[sp] !== 32 && bytes[sp] !== 13) sp++;
    this.stats.countError(Buffer.from(bytes.buffer, bytes.byteOffset + start + 1, sp - start - 1).toString('latin1'));
    if (spec) this.stats.failed(spec.name);
  }

  // ---------------------------------------------------------------- workers

  /**
   * Runs a keyed or whole-keyspace command on the workers: enqueued to the one worker owning all its
   * keys, or run here with every involved worker held. `attempt` is set for a blocking command's try,
   * whose reply goes to attemptDone instead of a fresh output slot.
   */
  private dispatchToWorkers(client: Client, spec: CommandSpec, run: ShardHandler, route: 'keys' | 'all', args: Args, db: number, attempt: BlockedCommand | null = null): void {
    const pool = this.workers!;
    while (this.inflightCount >= INFLIGHT_SLOTS - 1) pool.drain();
    let worker = -1;
    let multi = route === 'all';
    let n = 0;
    if (!multi) {
      if (this.keyIdx.length < args.argc) this.keyIdx = new Int32Array(args.argc * 2);
      n = keyPositions(spec, args, this.keyIdx);
      // Arguments that do not fit the key specs: the handler replies with the error, but it may
      // still look at any argument as a key, so every shard is held.
      if (n < 0) multi = true;
      for (let k = 0; k < n; k++) {
        const w = pool.workerOfShard(this.slotToShard[slotOf(args, this.keyIdx[k])]);
        if (worker === -1) worker = w;
        else if (worker !== w) multi = true;
      }
      if (worker === -1) worker = 0;
    }
    if (!multi) {
      const reqId = this.nextReqId;
      this.nextReqId = (reqId + 1) & 0x7fffffff || 1;
      const idx = reqId & (INFLIGHT_SLOTS - 1);
      this.inflightClient[idx] = client;
      this.inflightSlot[idx] = attempt === null ? this.reserveSlot(client) : ATTEMPT;
      this.inflightSpec[idx] = spec.id;
      this.inflightWatch[idx] = this.watchers.size > 0 ? this.watchedNamesOf(spec, args, db, n) : undefined;
      this.inflightTrack[idx] = this.tracker.clients > 0 ? this.trackPlan(client, spec, args) : undefined;
      this.inflightCount++;
      pool.send(worker, reqId, attempt !== null && attempt.parked ? client.resp | RETRY_RESP_BIT : client.resp, db, spec.id, args);
      return;
    }
    // Several workers: hold them all, then run here with their shards to ourselves.
    const ws: number[] = [];
    if (route === 'all' || n < 0) for (let w = 0; w < pool.links.length; w++) ws.push(w);
    else {
      for (let k = 0; k < n; k++) {
        const w = pool.workerOfShard(this.slotToShard[slotOf(args, this.keyIdx[k])]);
        if (!ws.includes(w)) ws.push(w);
      }
    }
    const slot = attempt === null ? this.reserveSlot(client) : ATTEMPT;
    const hold = pool.hold(ws);
    for (const s of this.shards) s.arena.refresh();
    const ctx = this.mainCtx;
    ctx.client = client;
    ctx.args.reset(args.buf, args.words, args.base, args.argc);
    ctx.db = db;
    ctx.spec = spec;
    ctx.blockedRetry = attempt !== null && attempt.parked;
    const reply = this.scratch;
    reply.clear();
    reply.resp = client.resp;
    ctx.reply = reply;
    const usec = execute(ctx, spec.id, run, this.mainStats);
    ctx.blockedRetry = false;
    pool.release(hold);
    let out = reply.buf;
    let outEnd = reply.pos;
    if (ctx.events.pos > 0) {
      const merged = this.publishWithSelf(ctx, client, 0);
      if (merged !== null) {
        out = merged;
        outEnd = merged.length;
      }
    }
    if (ctx.dirty > 0 && this.watchers.size > 0) this.touchWatched(spec, args, db);
    if (this.tracker.clients > 0) this.trackCommand(client, spec, args, ctx.dirty > 0, reply);
    this.afterCommand(client, spec, ctx.args, usec);
    if (reply.pos > 0 && reply.buf[0] === 45) this.countFailure(reply.buf, 0, reply.pos, spec);
    if (attempt !== null) this.attemptDone(attempt, out, 0, outEnd);
    else this.fillSlot(client, slot, out, 0, outEnd);
    this.tracker.flushPending(this);
  }

  // ---------------------------------------------------------------- transactions (transaction.ts)

  /** MULTI. */
  multi(client: Client, reply: Reply): void {
    const tx = (client.tx ??= new TransactionState());
    if (tx.queue !== null) {
      reply.error('ERR MULTI calls can not be nested');
      return;
    }
    tx.queue = [];
    tx.aborted = false;
    reply.ok();
  }

  /** DISCARD (and RESET, which ignores the reply). */
  discardTransaction(client: Client, reply: Reply | null = null): void {
    const tx = client.tx;
    if (tx === null || tx.queue === null) {
      reply?.error('ERR DISCARD without MULTI');
      return;
    }
    tx.queue = null;
    tx.aborted = false;
    this.watchers.unwatchAll(client, tx);
    reply?.ok();
  }

  /** WATCH key [key ...]. */
  watch(client: Client, args: Args, reply: Reply): void {
    const tx = (client.tx ??= new TransactionState());
    if (tx.queue !== null) {
      reply.error('ERR WATCH inside MULTI is not allowed');
      return;
    }
    for (let i = 1; i < args.argc; i++) {
      const key = args.copy(i);
      this.watchers.watch(client, tx, keyName(client.db, key, 0, key.length), client.db, key);
    }
    reply.ok();
  }

  /** UNWATCH. */
  unwatch(client: Client, reply: Reply): void {
    if (client.tx !== null) this.watchers.unwatchAll(client, client.tx);
    reply.ok();
  }

  /**
   * EXEC: runs the queued commands with every worker held and answers one array; the null array
   * when a watched key changed, EXECABORT when a command failed to queue.
   */
  exec(client: Client, reply: Reply): void {
    const tx = client.tx;
    if (tx === null || tx.queue === null) {
      reply.error('ERR EXEC without MULTI');
      return;
    }
    const queue = tx.queue;
    tx.queue = null;
    if (tx.aborted) {
      tx.aborted = false;
      this.watchers.unwatchAll(client, tx);
      reply.error(EXECABORT);
      return;
    }
    const pool = this.workers;
    let hold = -1;
    if (pool !== null) {
      const all: number[] = [];
      for (let w = 0; w < pool.links.length; w++) all.push(w);
      hold = pool.hold(all);
      // Replies the workers wrote before parking may mark watched keys.
      pool.drain();
      for (const s of this.shards) s.arena.refresh();
    }
    const now = Date.now();
    if (!tx.dirty) {
      for (const { db, key } of tx.watched.values()) {
        const ks = this.shards[this.slotToShard[keySlotOf(key, 0, key.length)]];
        const e = ks.find(db, key, 0, key.length);
        const at = e === 0 ? 0 : ks.expireOf(e);
        if (at !== 0 && at <= now) tx.dirty = true;
      }
    }
    const dirty = tx.dirty;
    this.watchers.unwatchAll(client, tx);
    if (dirty) {
      if (pool !== null) pool.release(hold);
      reply.nullArray();
      return;
    }
    reply.arrayLen(queue.length);
    const ctx = this.txCtx;
    ctx.client = client;
    ctx.reply = reply;
    let wrote = false;
    for (const q of queue) {
      const spec = q.spec;
      const impl = q.impl;
      ctx.args.reset(q.args.buf, q.args.words, q.args.base, q.args.argc);
      ctx.db = client.db;
      ctx.spec = spec;
      const mark = reply.pos;
      if (client.user.fast[spec.id] === 0) {
        // ACLs are checked again at EXEC: the rules may have changed since the command was queued.
        const result = this.acl.check(client.user, spec, ctx.args);
        if (result !== AclResult.Ok) {
          this.logAclDenial(client, result, AclContext.Multi, spec, ctx.args, null);
          reply.error(execDeniedMessage(result));
          this.countFailure(reply.buf, mark, reply.pos, spec);
          continue;
        }
      }
      const route = routeOf(impl, ctx.args);
      const monitored = this.monitors.size > 0 ? this.monitorTimings[spec.id] : MonitorTiming.Never;
      if (monitored === MonitorTiming.Before) this.monitors.feed(this, client, ctx.db, ctx.args);
      if (route === 'main') {
        const run = typeof impl.route === 'function' ? (impl as { main: MainHandler }).main : (impl.run as MainHandler);
        ctx.now = Date.now();
        ctx.dirty = 0;
        ctx.events.clear();
        const start = performance.now();
        try {
          run(ctx, client, this);
        } catch (err) {
          reply.pos = mark;
          reply.error(`ERR internal error: ${(err as Error).message}`);
        }
        this.mainStats.record(spec.id, Math.round((performance.now() - start) * 1000));
      } else {
        const db = ctx.db;
        execute(ctx, spec.id, impl.run as ShardHandler, this.mainStats);
        // A blocking command inside MULTI does not block: nothing to serve is the null array.
        if (reply.pos === mark) reply.nullArray();
        if (ctx.dirty > 0) {
          if (this.watchers.size > 0) this.touchWatched(spec, ctx.args, db);
          if (this.isWrite[spec.id] === 1) wrote = true;
        }
        if (this.tracker.clients > 0) this.trackCommand(client, spec, ctx.args, ctx.dirty > 0, reply, mark);
      }
      if (ctx.events.pos > 0) {
        // Redis 7.0 writes a notification for the EXEC client itself inside the EXEC array, where
        // the command that caused it was replying.
        const merged = this.publishWithSelf(ctx, client, mark);
        if (merged !== null) {
          reply.pos = mark;
          reply.raw(merged, 0, merged.length);
        }
      }
      if (monitored === MonitorTiming.After) this.monitors.feed(this, client, client.db, ctx.args);
      if (reply.buf[mark] === 45) this.countFailure(reply.buf, mark, reply.pos, spec);
      this.stats.commandsProcessed++;
    }
    if (pool !== null) pool.release(hold);
    if (wrote && this.blocked.size > 0) this.wakeAllAfterMain = true;
  }

  /** Marks clients watching a key that command `spec` (which changed data) names. */
  private touchWatched(spec: CommandSpec, args: Args, db: number): void {
    const names = this.watchedNamesOf(spec, args, db);
    if (names === undefined) return;
    for (const name of names) {
      if (name === '') this.watchers.touchAll();
      else this.watchers.touch(name);
    }
  }

  /**
   * The watched key names among a command's keys ('' = all: keys it cannot name), or undefined.
   * `known` >= 0: keyIdx already holds that many key positions of this command (the dispatcher's).
   */
  private watchedNamesOf(spec: CommandSpec, args: Args, db: number, known = -1): string[] | undefined {
    if (wakesEveryone(spec) || routeOfSpec(this.impls[spec.id]) === 'all') return [''];
    if (this.keyIdx.length < args.argc) this.keyIdx = new Int32Array(args.argc * 2);
    const n = known >= 0 ? known : keyPositions(spec, args, this.keyIdx);
    let out: string[] | undefined;
    for (let k = 0; k < n; k++) {
      const i = this.keyIdx[k];
      const name = keyName(db, args.buf, args.offset(i), args.length(i));
      if (this.watchers.has(name)) (out ??= []).push(name);
    }
    return out;
  }

  // ---------------------------------------------------------------- blocking commands (blocking.ts)

  /** Runs (or enqueues) one try of a blocking command; its reply comes to attemptDone. */
  private attempt(b: BlockedCommand): void {
    b.retrying = true;
    b.rewake = false;
    const client = b.client;
    const args = this.blockArgs.reset(b.buf, b.words, 0, b.argc);
    if (this.workers !== null) {
      this.dispatchToWorkers(client, b.spec, b.run, 'keys', args, b.db, b);
      return;
    }
    const ctx = this.mainCtx;
    ctx.args.reset(b.buf, b.words, 0, b.argc);
    ctx.db = b.db;
    ctx.spec = b.spec;
    ctx.blockedRetry = b.parked;
    const reply = this.scratch;
    reply.clear();
    reply.resp = client.resp;
    ctx.reply = reply;
    const usec = execute(ctx, b.spec.id, b.run, this.mainStats);
    const merged = ctx.events.pos > 0 ? this.publishWithSelf(ctx, client, 0) : null;
    if (ctx.dirty > 0 && this.watchers.size > 0) this.touchWatched(b.spec, ctx.args, b.db);
    if (this.tracker.clients > 0) this.trackCommand(client, b.spec, ctx.args, ctx.dirty > 0, reply);
    ctx.blockedRetry = false;
    this.afterCommand(client, b.spec, ctx.args, usec);
    if (reply.pos > 0 && reply.buf[0] === 45) this.countFailure(reply.buf, 0, reply.pos, b.spec);
    if (merged !== null) this.attemptDone(b, merged, 0, merged.length);
    else this.attemptDone(b, reply.buf, 0, reply.pos);
    this.tracker.flushPending(this);
  }

  /** A try's reply: an answer ends the block; no reply parks (or keeps parked) the client. */
  private attemptDone(b: BlockedCommand, bytes: Uint8Array, start: number, end: number): void {
    b.retrying = false;
    this.firstTries.delete(b);
    const client = b.client;
    if (client.closed || client.blockedOn !== b) return;
    if (end > start && bytes[start] === ARGS_REWRITE) {
      b.replaceArgs(bytes, start, end);
      end = start;
    }
    if (end > start) {
      this.blocked.remove(b);
      client.blockedOn = null;
      this.fillSlot(client, b.slot, bytes, start, end);
      this.resumeAfterBlock(client);
      // What it wrote (BLMOVE's push) may serve others.
      if (this.blocked.size > 0 || this.firstTries.size > 0) this.wakeFor(b.spec, this.blockArgs.reset(b.buf, b.words, 0, b.argc), b.db);
      return;
    }
    if (!b.parked) this.park(b);
    if (b.ending !== BlockEnd.None) this.endBlock(b, b.ending);
    else if (b.rewake) this.attempt(b);
  }

  /** Names (keyName) of the keys a blocking command waits on. */
  private blockedKeyNames(b: BlockedCommand): string[] {
    const args = this.blockArgs.reset(b.buf, b.words, 0, b.argc);
    if (this.keyIdx.length < args.argc) this.keyIdx = new Int32Array(args.argc * 2);
    const n = keyPositions(b.spec, args, this.keyIdx);
    const keys: string[] = [];
    for (let k = 0; k < n; k++) keys.push(keyName(b.db, b.buf, args.offset(this.keyIdx[k]), args.length(this.keyIdx[k])));
    return keys;
  }

  private park(b: BlockedCommand): void {
    this.blocked.add(b);
    if (b.deadline > 0) this.armBlockTimer(b);
  }

  /** setTimeout takes at most 2^31-1 ms (longer fires at once): longer timeouts re-arm on the way. */
  private armBlockTimer(b: BlockedCommand): void {
    b.timer = setTimeout(() => this.onBlockTimeout(b), Math.min(MAX_TIMER_MS, Math.max(0, b.deadline - Date.now())));
    b.timer.unref();
  }

  private onBlockTimeout(b: BlockedCommand): void {
    b.timer = null;
    if (!b.parked) return;
    if (Date.now() < b.deadline) {
      this.armBlockTimer(b);
      return;
    }
    if (b.retrying) b.ending = BlockEnd.Timeout;
    else {
      this.endBlock(b, BlockEnd.Timeout);
      this.endBatch();
    }
  }

  /** Answers a parked command as timed out (null array) or unblocked with an error. */
  private endBlock(b: BlockedCommand, how: BlockEnd): void {
    const client = b.client;
    this.blocked.remove(b);
    client.blockedOn = null;
    // Not this.scratch: CLIENT UNBLOCK gets here while its own reply is being written there.
    const r = this.endReply;
    r.clear();
    r.resp = client.resp;
    if (how === BlockEnd.Error) {
      r.error(UNBLOCKED_ERROR);
      this.stats.countError('UNBLOCKED');
    } else r.nullArray();
    this.fillSlot(client, b.slot, r.buf, 0, r.pos);
    this.resumeAfterBlock(client);
  }

  private resumeAfterBlock(client: Client): void {
    client.stalled = false;
    if (client.inputStart < client.inputEnd) {
      this.stalled.add(client);
      setImmediate(() => this.resumeStalled());
    }
  }

  /** After a write: retries every parked command waiting on a key it names (or on any key). */
  private wakeFor(spec: CommandSpec, args: Args, db: number): void {
    if (wakesEveryone(spec)) {
      for (const b of this.firstTries) b.rewake = true;
      for (const b of this.blocked.everyone()) this.wake(b);
      return;
    }
    // keyIdx is free to reuse: the names are taken before any retry is dispatched.
    if (this.keyIdx.length < args.argc) this.keyIdx = new Int32Array(args.argc * 2);
    const idx = this.keyIdx;
    const n = keyPositions(spec, args, idx);
    if (n <= 0) return;
    const names: string[] = [];
    for (let k = 0; k < n; k++) names.push(keyName(db, args.buf, args.offset(idx[k]), args.length(idx[k])));
    // A first try still on a worker ran before this write: it tries again when it comes back empty.
    for (const b of this.firstTries) if (names.some((name) => b.keys.includes(name))) b.rewake = true;
    for (const name of names) {
      const waiting = this.blocked.waitingOn(name);
      if (waiting !== undefined) for (const b of waiting) this.wake(b);
    }
  }

  private wake(b: BlockedCommand): void {
    if (!b.parked) return;
    if (b.retrying) b.rewake = true;
    else this.attempt(b);
  }

  private forgetBlocked(client: Client): void {
    const b = client.blockedOn;
    if (b === null) return;
    this.firstTries.delete(b);
    this.blocked.remove(b);
    client.blockedOn = null;
  }

  /** CLIENT UNBLOCK: true when the client was parked in a blocking command. */
  unblockClient(id: number, withError: boolean): boolean {
    const b = this.clients.get(id)?.blockedOn;
    if (b === undefined || b === null || !b.parked) return false;
    const how = withError ? BlockEnd.Error : BlockEnd.Timeout;
    if (b.retrying) b.ending = how;
    else this.endBlock(b, how);
    return true;
  }

  private reserveSlot(client: Client): number {
    const discard = this.consumeReplyMode(client);
    client.queue.push(discard ? DISCARD : null);
    client.inFlight++;
    return client.queue.length - 1;
  }

  /** ReplySink: a worker command's keyspace events, right before its reply (or the active expiry cycle's). */
  keyspaceEvents(reqId: number, bytes: Uint8Array, start: number, end: number): void {
    const client = reqId === 0 ? undefined : this.inflightClient[reqId & (INFLIGHT_SLOTS - 1)];
    const self = client !== undefined ? this.selfSubscriber(client) : null;
    publishKeyspaceEvents(this, bytes, start, end, self, self === null ? null : this.selfPushes, client ?? null);
  }

  /**
   * A RESP3 client with subscriptions receives notifications of its own command ahead of that
   * command's reply (Redis writes them as the command runs): they are gathered in selfPushes and go
   * out in the reply's output slot (withSelfPushes).
   */
  private selfSubscriber(client: Client): Client | null {
    return client.resp === 3 && client.pubsub !== null && client.pubsub.active ? client : null;
  }

  /** The reply bytes with the pending notifications to the command's own client spliced in. */
  private withSelfPushes(client: Client, bytes: Uint8Array, start: number, end: number): Uint8Array {
    const pushes = this.selfPushes;
    if (end === start) {
      // No reply (a parked blocking command): the pushes go out on their own.
      const alone = pushes.merge(bytes, start, end);
      this.pushOutput(client, alone, 0, alone.length);
      return bytes.subarray(start, end);
    }
    return pushes.merge(bytes, start, end);
  }

  /**
   * Publishes a main-thread execution's events; with a self-subscribed client, returns its reply
   * (reply.buf[start, reply.pos)) with the notifications merged in, else null.
   */
  private publishWithSelf(ctx: ExecContext, client: Client, start: number): Uint8Array | null {
    const self = this.selfSubscriber(client);
    this.publishEvents(ctx, self, self === null ? null : this.selfPushes, client);
    if (!this.selfPushes.pending) return null;
    const r = ctx.reply;
    // Inside EXEC the positions were recorded in the whole EXEC reply: the command's part starts at `start`.
    if (start > 0) return this.selfPushes.merge(r.buf, start, r.pos, start);
    return this.withSelfPushes(client, r.buf, 0, r.pos);
  }

  /** ReplySink: a worker's active expiry cycle left events in its ring. */
  eventsPosted(): void {
    if (this.closing || this.workers === null) return;
    if (this.workers.drain() > 0 || this.touched.size > 0) this.endBatch();
  }

  /** Publishes (and clears) the keyspace events a main-thread execution recorded. */
  private publishEvents(ctx: ExecContext, self: Client | null = null, selfPushes: SelfPushes | null = null, current: Client | null = null): void {
    const ev = ctx.events;
    if (ev.pos === 0) return;
    publishKeyspaceEvents(this, ev.u8, 0, ev.pos, self, selfPushes, current);
    ev.clear();
  }

  /** ReplySink: a reply from a worker. Hot path. */
  deliver(reqId: number, usec: number, bytes: Uint8Array, start: number, end: number, slowArgs: Args | null, dirty: boolean): void {
    const idx = reqId & (INFLIGHT_SLOTS - 1);
    const client = this.inflightClient[idx];
    this.inflightClient[idx] = undefined;
    this.inflightCount--;
    const watched = this.inflightWatch[idx];
    if (watched !== undefined) {
      this.inflightWatch[idx] = undefined;
      if (dirty) for (const name of watched) name === '' ? this.watchers.touchAll() : this.watchers.touch(name);
    }
    const plan = this.inflightTrack[idx];
    if (plan !== undefined) {
      this.inflightTrack[idx] = undefined;
      if (client !== undefined) this.applyTrackPlan(client, plan, dirty, end > start && bytes[start] === 45);
    }
    if (client === undefined) return;
    if (this.selfPushes.pending) {
      const merged = this.withSelfPushes(client, bytes, start, end);
      bytes = merged;
      start = 0;
      end = merged.length;
    }
    const spec = this.table.specs[this.inflightSpec[idx]];
    this.afterCommand(client, spec, slowArgs, usec);
    if (end > start && bytes[start] === 45) this.countFailure(bytes, start, end, spec);
    const slot = this.inflightSlot[idx];
    if (slot === ATTEMPT) {
      if (client.blockedOn !== null) this.attemptDone(client.blockedOn, bytes, start, end);
    } else this.fillSlot(client, slot, bytes, start, end);
    this.tracker.flushPending(this);
  }

  private fillSlot(client: Client, slot: number, bytes: Uint8Array, start: number, end: number): void {
    client.inFlight--;
    if (client.closed) return;
    const q = client.queue;
    if (slot === client.queueHead) {
      if (q[slot] !== DISCARD) this.appendOutput(client, bytes, start, end);
      q[slot] = null;
      client.queueHead++;
      while (client.queueHead < q.length) {
        const next = q[client.queueHead];
        if (next === null || next === DISCARD) break;
        this.appendOutput(client, next, 0, next.length);
        q[client.queueHead] = null;
        client.queueHead++;
      }
      if (client.queueHead === q.length) {
        q.length = 0;
        client.queueHead = 0;
      }
    } else if (q[slot] !== DISCARD) {
      q[slot] = copyBytes(bytes, start, end);
    } else {
      q[slot] = EMPTY;
    }
    this.touched.add(client);
  }

  /** A reply produced on the main thread, in order behind any still executing. */
  private deliverInline(client: Client, bytes: Uint8Array, start: number, end: number): void {
    const discard = this.consumeReplyMode(client);
    if (client.ordered) {
      if (!discard) this.appendOutput(client, bytes, start, end);
    } else {
      client.queue.push(discard ? DISCARD : copyBytes(bytes, start, end));
    }
    this.touched.add(client);
  }

  /** Output that answers no request (a pub/sub message): after every reply already queued for the client. */
  pushOutput(client: Client, bytes: Uint8Array, start: number, end: number): void {
    if (client.replyMode === ReplyMode.Off) return;
    if (client.ordered) this.appendOutput(client, bytes, start, end);
    else client.queue.push(copyBytes(bytes, start, end));
    this.touched.add(client);
  }

  private consumeReplyMode(client: Client): boolean {
    if (client.replyMode === ReplyMode.Off) return true;
    if (client.skipReplies > 0) {
      client.skipReplies--;
      return true;
    }
    return false;
  }

  private appendOutput(client: Client, bytes: Uint8Array, start: number, end: number): void {
    client.output.append(bytes, start, end);
    this.stats.netOutputBytes += end - start;
  }

  /** End of a batch: collect quick replies, write each touched client's output once, then sleep on the rings. */
  endBatch(): void {
    endClockBatch();
    const pool = this.workers;
    if (pool) pool.spin(0.03);
    if (this.tracker.prefixTable.size > 0) this.tracker.broadcast(this);
    this.flushTouched();
    if (pool && pool.inFlight() > 0) pool.arm(this.onWorkerWake);
    // Stalled clients wait for the pause to end (cron or CLIENT UNPAUSE resumes them); others
    // (a client stalled behind its own in-flight input) retry on the next turn.
    if (this.stalled.size > 0 && this.pausedUntil === 0) setImmediate(() => this.resumeStalled());
  }

  /**
   * Writes each touched client's output (once), and closes those waiting to close. `held` keeps its
   * output for later (a busy script's caller: Redis writes nothing to it until the script ends).
   */
  private flushTouched(held: Client | null = null): void {
    const keep = held !== null && this.touched.has(held);
    this.touched.drain(held === null ? this.flushClient : (client) => {
      if (client !== held) this.flushClient(client);
    });
    if (keep) this.touched.add(held);
  }

  private readonly flushClient = (client: Client): void => {
    if (client.closed) return;
    if (!client.output.flush(client.socket)) {
      this.dropClient(client);
      return;
    }
    if (client.closeAfterReply && client.inFlight === 0) {
      (client.socket as { end(): unknown }).end();
      this.dropClientSoon(client);
    }
  };

  private readonly onWorkerWake = (): void => {
    if (this.workers!.drain() > 0 || this.touched.size > 0) this.endBatch();
    else if (this.workers!.inFlight() > 0) this.workers!.arm(this.onWorkerWake);
  };

  private dropClientSoon(client: Client): void {
    client.closed = true;
    client.socket.on('error', () => undefined);
    this.clients.delete(client.id);
    this.stalled.delete(client);
    forgetSubscriber(this, client);
    if (client.monitoring) this.monitors.remove(client);
    this.forgetTracking(client);
  }

  private resumeStalled(): void {
    if (this.stalled.size === 0) return;
    const list = [...this.stalled];
    this.stalled.clear();
    for (const client of list) {
      client.stalled = false;
      if (!client.closed) this.processInput(client);
    }
    this.endBatch();
  }

  // ---------------------------------------------------------------- periodic work and settings

  private serverCron(): void {
    const now = Date.now();
    if (this.expiry) {
      this.expiry.maybeRun(now);
      // Its keyspace events went to subscribers' output: write it.
      if (this.touched.size > 0) this.endBatch();
    }
    this.stats.sample(now);
    const timeout = this.config.int('timeout');
    for (const c of this.clients.values()) {
      if (timeout > 0 && c.inFlight === 0 && now - c.lastInteraction > timeout * 1000) this.dropClient(c);
      else c.shrinkBuffers(EMPTY);
    }
    if (this.pausedUntil !== 0 && now >= this.pausedUntil) {
      this.pausedUntil = 0;
      this.resumeStalled();
    }
    if (this.tracker.clients > 0) {
      this.tracker.limitUsedSlots(this, this.config.int('tracking-table-max-keys'));
      if (this.touched.size > 0) this.endBatch();
    }
  }

  private applySettings(): void {
    const s = this.settings;
    const c = this.config;
    this.queryBufferLimit = c.int('client-query-buffer-limit');
    this.protoMaxBulkLen = c.int('proto-max-bulk-len');
    if (s.get(Setting.Hz) === 0) s.set(Setting.ActiveExpire, 1);
    s.set(Setting.MaxmemoryPolicy, MAXMEMORY_POLICIES.indexOf(c.string('maxmemory-policy') as (typeof MAXMEMORY_POLICIES)[number]));
    s.set(Setting.LfuLogFactor, c.int('lfu-log-factor'));
    s.set(Setting.LfuDecayTime, c.int('lfu-decay-time'));
    s.set(Setting.Hz, c.int('hz'));
    s.set(Setting.ActiveExpireEffort, c.int('active-expire-effort'));
    s.set(Setting.MaxmemoryMiB, Math.ceil(c.int('maxmemory') / (1024 * 1024)));
    this.maxmemory = c.int('maxmemory');
    if (this.maxmemory === 0) this.outOfMemory = false;
    const policy = c.string('maxmemory-policy');
    s.set(Setting.SharedIntegers, c.int('maxmemory') === 0 || !(policy.endsWith('-lru') || policy.endsWith('-lfu')) ? 1 : 0);
    s.set(Setting.ProtoMaxBulkLen, Math.min(0x7fffffff, c.int('proto-max-bulk-len')));
    s.set(Setting.SetMaxIntsetEntries, Math.min(1 << 30, c.int('set-max-intset-entries')));
    s.set(Setting.ListMaxListpackSize, c.int('list-max-listpack-size'));
    s.set(Setting.ZsetMaxListpackEntries, Math.min(0x7fffffff, c.int('zset-max-listpack-entries')));
    s.set(Setting.ZsetMaxListpackValue, Math.min(0x7fffffff, c.int('zset-max-listpack-value')));
    s.set(Setting.HashMaxListpackEntries, Math.min(0x7fffffff, c.int('hash-max-listpack-entries')));
    s.set(Setting.HashMaxListpackValue, Math.min(0x7fffffff, c.int('hash-max-listpack-value')));
    s.set(Setting.HllSparseMaxBytes, Math.min(0x7fffffff, c.int('hll-sparse-max-bytes')));
    s.set(Setting.RdbCompression, c.bool('rdbcompression') ? 1 : 0);
    s.set(
      Setting.LazyFree,
      (c.bool('lazyfree-lazy-user-del') ? LazyFree.UserDel : 0) |
        (c.bool('lazyfree-lazy-user-flush') ? LazyFree.UserFlush : 0) |
        (c.bool('lazyfree-lazy-expire') ? LazyFree.Expire : 0) |
        (c.bool('lazyfree-lazy-eviction') ? LazyFree.Eviction : 0) |
        (c.bool('lazyfree-lazy-server-del') ? LazyFree.ServerDel : 0),
    );
    this.refreshNotifyMask();
  }

  private onConfigChange(name: string, value: ConfigValue): void {
    if (name === 'requirepass') this.acl.setDefaultPassword(value as string);
    this.applySettings();
    if (name === 'maxmemory' && this.maxmemory !== 0) {
      const used = this.evictor.usedMemory();
      if (used > this.maxmemory) {
        this.log.warning(`WARNING: the new maxmemory value set via CONFIG SET (${this.maxmemory}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`);
      }
      // Evicts before the next command anyway; this covers a server that receives none. Not
      // synchronously: CONFIG SET may run inside EXEC, which holds the workers already.
      setImmediate(() => {
        if (this.closing || this.maxmemory === 0) return;
        this.evictor.perform(this.maxmemory);
        this.flushAfterEviction();
      });
    }
    if (name === 'hz' && this.cron) {
      clearInterval(this.cron);
      this.cron = setInterval(() => this.serverCron(), Math.max(1, Math.floor(1000 / Math.max(1, this.config.int('hz')))));
      this.cron.unref();
    }
  }

  /**
   * The keyspace-event classes executors record: those notify-keyspace-events publishes, plus expired
   * and evicted keys while clients track keys (they invalidate them).
   */
  refreshNotifyMask(): void {
    const tracking = this.tracker.clients > 0 ? NotifyClass.Expired | NotifyClass.Evicted : 0;
    this.settings.set(Setting.NotifyMask, emitMaskOf(this.config.int('notify-keyspace-events')) | tracking);
  }

  // ---------------------------------------------------------------- client-side caching (tracking.ts)

  private forgetTracking(client: Client): void {
    if (client.tracking === null) return;
    this.tracker.disable(client);
    this.refreshNotifyMask();
  }

  /** `spec` reduced to the key specs of keys it may modify (not read-only). */
  private writtenKeySpec(spec: CommandSpec): CommandSpec {
    let w = this.writtenKeySpecs[spec.id];
    if (w === undefined) {
      w = { ...spec, keySpecs: spec.keySpecs?.filter((k) => !k.flags.includes('RO')) };
      this.writtenKeySpecs[spec.id] = w;
    }
    return w;
  }

  /** Copies of the key arguments of a command (all its keys, or those it may modify). */
  private keyBytes(spec: CommandSpec, args: Args, written: boolean): Uint8Array[] {
    if (this.keyIdx.length < args.argc) this.keyIdx = new Int32Array(args.argc * 2);
    const n = keyPositions(written ? this.writtenKeySpec(spec) : spec, args, this.keyIdx);
    const out: Uint8Array[] = [];
    for (let k = 0; k < n; k++) out.push(args.copy(this.keyIdx[k]));
    return out;
  }

  /** What a command means for tracking, worked out at dispatch (its arguments are gone by its reply). */
  private trackPlan(client: Client, spec: CommandSpec, args: Args): TrackPlan {
    const state = client.tracking;
    const read = state !== null && this.isReadonly[spec.id] === 1 && TrackingRegistry.remembers(state) ? this.keyBytes(spec, args, false) : null;
    const written = this.isWrite[spec.id] === 1 ? this.keyBytes(spec, args, true) : null;
    return { read, written, flush: spec.name === 'flushdb' || spec.name === 'flushall' };
  }

  /**
   * A command a script ran through redis.call: its keyspace events are published (as Redis does
   * during the script) and, for tracking, its reads count for the script's caller while its writes
   * come from the script's own client (so NOLOOP does not hide them).
   */
  /** A command a script called has run: its monitor line, shown as coming from `lua`. */
  monitorScriptCommand(ctx: ExecContext, spec: CommandSpec): void {
    if (this.monitors.size > 0 && this.monitorTimings[spec.id] !== MonitorTiming.Never) this.monitors.feed(this, null, ctx.db, ctx.args);
  }

  afterScriptCommand(ctx: ExecContext, spec: CommandSpec, caller: Client): void {
    this.monitorScriptCommand(ctx, spec);
    if (ctx.events.pos > 0) this.publishEvents(ctx, null, null, caller);
    if (this.tracker.clients === 0) return;
    this.applyTrackPlan(caller, this.trackPlan(caller, spec, ctx.args), ctx.dirty > 0, false, null);
  }

  private applyTrackPlan(client: Client, plan: TrackPlan, dirty: boolean, failed: boolean, by: Client | null = client): void {
    const t = this.tracker;
    if (dirty && plan.written !== null) for (const key of plan.written) t.invalidate(this, key, by, client);
    if (plan.flush && !failed) t.flushed(this, client);
    if (plan.read !== null && client.tracking !== null) t.remember(client, plan.read);
  }

  /** Tracking after a command ran on this thread: `reply` from `mark` holds its reply. */
  private trackCommand(client: Client, spec: CommandSpec, args: Args, dirty: boolean, reply: Reply, mark = 0): void {
    const plan = this.trackPlan(client, spec, args);
    this.applyTrackPlan(client, plan, dirty, reply.pos > mark && reply.buf[mark] === 45);
  }

  /** All threads' counters, for INFO. */
  allStats(): CommandStats[] {
    return this.workers ? [this.mainStats, ...this.workers.stats] : [this.mainStats];
  }

  counter(c: Counter): number {
    let n = 0;
    for (const s of this.allStats()) n += s.counter(c);
    return n;
  }

  /**
   * Waits until every command already sent to a worker has run and its reply (with its keyspace
   * events) was taken: CONFIG SET then changes the shared settings in command order.
   */
  quiesceWorkers(): void {
    const pool = this.workers;
    if (pool === null || pool.inFlight() === 0) return;
    const all: number[] = [];
    for (let w = 0; w < pool.links.length; w++) all.push(w);
    const hold = pool.hold(all);
    // Every worker is parked: the replies they wrote before parking are all in the rings now.
    pool.drain();
    pool.release(hold);
  }

  /** CONFIG RESETSTAT. */
  resetStats(): void {
    for (const s of this.allStats()) s.reset();
    this.stats.reset();
    this.evictor.resetStats();
  }

  nextId(): number {
    return this.nextClientId;
  }
}

const EMPTY = Buffer.alloc(0);

/** The per-command state a busy script's serving swaps (Server.swapNestedState). */
interface NestedState {
  scratch: Reply;
  mainCtx: ExecContext;
  txCtx: ExecContext;
  args: Args;
  parseOut: Uint32Array<ArrayBuffer>;
  /** Where the busy reads land (never swapped). */
  readonly readBuf: Buffer;
}

/** Leaves no client input pointing into a shared read buffer (copies what is still unparsed). */
function keepOwnInput(client: Client, shared: Buffer, readMax = shared.length): void {
  if (client.input !== shared) return;
  if (client.inputStart === client.inputEnd) {
    client.input = EMPTY;
    return;
  }
  // The unparsed tail moves to the client's own buffer, sized to take it and a whole next read.
  const tail = client.inputEnd - client.inputStart;
  let own = client.spareInput;
  if (own === null || own.length < tail + readMax) {
    own = Buffer.allocUnsafe(Math.max(SPARE_INPUT_BYTES, tail + readMax));
    client.spareInput = own;
  }
  shared.copy(own, 0, client.inputStart, client.inputEnd);
  client.input = own;
  client.inputStart = 0;
  client.inputEnd = tail;
}

/**
 * Reads what a connection has available without the event loop (its socket is non-blocking):
 * bytes read, 0 when nothing is there (EAGAIN) or the handle has no descriptor, -1 when the peer
 * closed or the read failed.
 */
function readAvailable(socket: ClientSocket, buf: Buffer): number {
  const fd = socketFd(socket);
  if (fd < 0) return 0;
  try {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    return n === 0 ? -1 : n;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR' ? 0 : -1;
  }
}
/** Longest run of lazy freeing between two turns of the event loop, inline mode (ms). */
const LAZY_FREE_SLICE_MS = 1;

/** A command's tracking work: keys it read (to remember), keys it may have written, a flush. */
interface TrackPlan {
  read: Uint8Array[] | null;
  written: Uint8Array[] | null;
  flush: boolean;
}

/** A copy of bytes[start, end) (Buffer#slice would return a view of a buffer that gets reused). */
function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, start, end);
}
const PROTECTED_COMMAND = (name: string) =>
  `ERR ${name} command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`;
const CRLF = Buffer.from('\r\n');
const PROTECTED_MODE_ERROR =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. 3) If you started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n';

function isLoopback(addr: string): boolean {
  return addr === '' || addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.');
}

/** A handler's fixed route, or null when it picks per call. */
function routeOfSpec(impl: CommandImpl | undefined): string | null {
  return impl === undefined || typeof impl.route === 'function' ? null : impl.route;
}

function slotOf(args: Args, i: number): number {
  return keySlotOf(args.buf, args.offset(i), args.length(i));
}

import { keySlot as keySlotOf } from '../shard/slot.js';

function collectArgs(args: Args): string[] {
  const out: string[] = [];
  let total = 0;
  for (let i = 1; i < args.argc && total < 128; i++) {
    const s = args.text(i);
    out.push(s);
    total += s.length + 3;
  }
  return out;
}

function randomHex(n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

/** Measured on the 2-core machine this project is built on: see bench/ and README (Performance). */
function defaultThreads(): number {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return cores <= 2 ? 0 : Math.min(cores - 1, 8);
}
