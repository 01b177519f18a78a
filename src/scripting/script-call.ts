/**
 * redis.call inside a script: runs one command through the same executor as clients' commands, in
 * a nested ExecContext over the same shards (all held by the script's caller), with its own Reply
 * in the script's RESP version. The rules are Redis 7.0.15's scriptCall (script.c), checked in
 * this order with its error texts:
 *   unknown command (or subcommand)  "Unknown Redis command called from script"
 *   wrong arity                      "Wrong number of args calling Redis command from script"
 *   noscript flag                    "This Redis command is not allowed from script"
 *   ACL denial (the caller's user)   "The user executing the script can't ..." (acl.ts)
 *   write / may_replicate command in a read-only script (EVAL_RO, EVALSHA_RO, no-writes)
 *                                    "Write commands are not allowed from read-only scripts."
 *   denyoom command before any write, in a script without flags started over maxmemory
 *                                    "OOM command not allowed when used memory > 'maxmemory'."
 * Blocking commands allowed in scripts (BLMPOP, BZMPOP, XREAD BLOCK...) never block
 * (ctx.denyBlocking). SELECT changes only the script's database, as in Redis 7.
 *
 * Keys the script's commands changed mark WATCHers at once and wake parked clients once the
 * script's reply is out (Server.wakeAfterCommand).
 */
import { Args } from '../protocol/args.js';
import { Reply } from '../protocol/reply.js';
import { ExecContext } from '../commands/context.js';
import { routeOf, type MainHandler, type ShardHandler } from '../commands/handler.js';
import type { CommandSpec } from '../commands/spec.js';
import { keyPositions } from '../commands/key-positions.js';
import { execute } from '../shard/executor.js';
import { keyName, wakesEveryone } from '../server/blocking.js';
import { parseInteger } from '../commands/connection.js';
import { DB_INDEX_OUT_OF_RANGE, NOT_INTEGER, NOT_INT_RANGE, OOM } from '../protocol/errors.js';
import type { Client } from '../server/client.js';
import { AclContext, AclResult, scriptDeniedMessage } from '../server/acl.js';
import type { Server } from '../server/server.js';
import type { LuaEngine, ScriptCallHandler } from './lua-engine.js';

const UNKNOWN = 'ERR Unknown Redis command called from script';
const ARITY = 'ERR Wrong number of args calling Redis command from script';
const NOSCRIPT = 'ERR This Redis command is not allowed from script';
const READONLY_SCRIPT = 'ERR Write commands are not allowed from read-only scripts.';
const NOSCRIPT_FLAG = 1;
const WRITES_FLAG = 2;
/** The command has the write flag: running it makes the script unkillable (Redis's SCRIPT_WRITE_DIRTY). */
const WRITE_FLAG = 4;
const DENYOOM_FLAG = 8;

export class ScriptCall implements ScriptCallHandler {
  private readonly args = new Args();
  private readonly reply = new Reply(16 * 1024);
  private readonly nested: ExecContext;
  private keyIdx = new Int32Array(64);
  /** Per spec id: NOSCRIPT_FLAG and WRITES_FLAG (write or may_replicate) bits. */
  private readonly specFlags: Uint8Array;
  private lastName = new Uint8Array(0);
  private lastSpec: CommandSpec | undefined = undefined;
  /** Per run. */
  private client: Client | null = null;
  private readOnly = false;
  /** Memory was over the limit when the script started and it declared no flags (Redis's script_oom). */
  private oomAtStart = false;
  /** The run has called a write command (SCRIPT KILL then answers UNKILLABLE). */
  wrote = false;
  /** Keys changed by the run (keyName form; '' = every key), to wake parked clients. */
  readonly written: string[] = [];

  constructor(
    private readonly server: Server,
    private readonly engine: LuaEngine,
    outer: ExecContext,
  ) {
    this.nested = new ExecContext(outer.shards, outer.slotToShard, outer.settings, outer.stats, this.reply);
    this.nested.denyBlocking = true;
    this.nested.server = server;
    this.specFlags = Uint8Array.from(server.table.specs, (spec) => {
      const f = spec.flags;
      return (
        (f.includes('noscript') ? NOSCRIPT_FLAG : 0) |
        (f.includes('write') || f.includes('may_replicate') ? WRITES_FLAG : 0) |
        (f.includes('write') ? WRITE_FLAG : 0) |
        (f.includes('denyoom') ? DENYOOM_FLAG : 0)
      );
    });
  }

  /** Prepares a run for `client` in database `db`. */
  begin(client: Client, db: number, readOnly: boolean, oomAtStart = false): void {
    this.client = client;
    this.nested.client = client;
    this.nested.db = db;
    this.readOnly = readOnly;
    this.oomAtStart = oomAtStart;
    this.wrote = false;
    this.written.length = 0;
  }

  end(): void {
    this.client = null;
    this.nested.client = null;
  }

  /**
   * The top-level command of argument 0. Scripts mostly repeat one command in a loop, so the last
   * name's bytes and spec are kept: an equal name skips the lowercasing and the table lookup.
   */
  private lookupName(args: Args): CommandSpec | undefined {
    const len = args.length(0);
    const off = args.offset(0);
    const buf = args.buf;
    const last = this.lastName;
    if (len === last.length && len > 0) {
      let k = 0;
      while (k < len && buf[off + k] === last[k]) k++;
      if (k === len) return this.lastSpec;
    }
    const spec = this.server.table.lookup(args);
    if (spec !== undefined && len <= 64) {
      this.lastName = buf.slice(off, off + len);
      this.lastSpec = spec;
    }
    return spec;
  }

  /** Hot path: one redis.call. */
  call(kind: number, argc: number, resp: 2 | 3): number {
    const reply = this.reply;
    reply.clear();
    reply.resp = resp;
    const args = this.args.reset(this.engine.argBuf, this.engine.argWords, 0, argc);
    if (kind === 2) this.log(args);
    else if (kind === 1) {
      if (this.resolve(args) === undefined) reply.error(UNKNOWN);
      else reply.integer(1);
    } else this.run(args);
    this.engine.useReplyBuffer(reply.buf);
    return reply.pos;
  }

  /** The command (or subcommand) the arguments name, if Tessera implements it. */
  private resolve(args: Args): CommandSpec | undefined {
    const table = this.server.table;
    const spec = this.lookupName(args);
    if (spec === undefined) return undefined;
    if (spec.subcommands && spec.subcommands.length > 0 && args.argc >= 2) return table.lookupSubcommand(spec, args);
    return spec;
  }

  private run(args: Args): void {
    const reply = this.reply;
    const server = this.server;
    const spec = this.resolve(args);
    const impl = spec === undefined ? undefined : (server.impls[spec.id] ?? (spec.parent ? server.impls[spec.parent.id] : undefined));
    if (spec === undefined || impl === undefined) {
      reply.error(UNKNOWN);
      return;
    }
    if (!server.table.arityOk(spec, args.argc)) {
      reply.error(ARITY);
      return;
    }
    const flags = this.specFlags[spec.id];
    if ((flags & NOSCRIPT_FLAG) !== 0) {
      reply.error(NOSCRIPT);
      return;
    }
    const client = this.client!;
    if (client.user.fast[spec.id] === 0) {
      // scriptVerifyACL: the caller's user, checked before the write rules.
      const result = server.acl.check(client.user, spec, args);
      if (result !== AclResult.Ok) {
        server.logAclDenial(client, result, AclContext.Lua, spec, args, null);
        reply.error(scriptDeniedMessage(result));
        return;
      }
    }
    if (this.readOnly && (flags & WRITES_FLAG) !== 0) {
      reply.error(READONLY_SCRIPT);
      return;
    }
    // Over maxmemory, a denyoom command is refused unless the script already wrote (it cannot stop halfway).
    if (this.oomAtStart && (flags & DENYOOM_FLAG) !== 0 && !this.wrote) {
      reply.error(OOM);
      return;
    }
    if ((flags & WRITE_FLAG) !== 0) this.wrote = true;
    const ctx = this.nested;
    ctx.args.reset(args.buf, args.words, 0, args.argc);
    ctx.spec = spec;
    ctx.reply = reply;
    if (spec.name === 'select') {
      this.select();
      server.monitorScriptCommand(ctx, spec);
      return;
    }
    const route = routeOf(impl, ctx.args);
    if (route === 'main') {
      const run = typeof impl.route === 'function' ? (impl as { main: MainHandler }).main : (impl.run as MainHandler);
      ctx.now = Date.now();
      ctx.dirty = 0;
      const start = performance.now();
      try {
        run(ctx, this.client!, server);
      } catch (err) {
        reply.clear();
        reply.error(`ERR internal error: ${(err as Error).message}`);
      }
      server.mainStats.record(spec.id, Math.round((performance.now() - start) * 1000));
    } else {
      const mark = reply.pos;
      execute(ctx, spec.id, impl.run as ShardHandler, server.mainStats);
      if (reply.pos === mark) reply.nullArray();
    }
    server.stats.commandsProcessed++;
    server.afterScriptCommand(ctx, spec, this.client!);
    if (ctx.dirty > 0 && (server.watchers.size > 0 || server.hasBlockedClients)) this.noteWrites(spec, ctx.args, ctx.db, route === 'all');
  }

  /** Marks watchers of the keys a command changed, and remembers them for the wake-up. */
  private noteWrites(spec: CommandSpec, args: Args, db: number, everyKey: boolean): void {
    const server = this.server;
    if (everyKey || wakesEveryone(spec)) {
      if (server.watchers.size > 0) server.watchers.touchAll();
      this.written.push('');
      return;
    }
    if (this.keyIdx.length < args.argc) this.keyIdx = new Int32Array(args.argc * 2);
    const n = keyPositions(spec, args, this.keyIdx);
    for (let k = 0; k < n; k++) {
      const i = this.keyIdx[k];
      const name = keyName(db, args.buf, args.offset(i), args.length(i));
      if (server.watchers.size > 0) server.watchers.touch(name);
      if (server.hasBlockedClients) this.written.push(name);
    }
  }

  /** SELECT inside a script: the script's database only (Redis 7 no longer changes the caller's). */
  private select(): void {
    const ctx = this.nested;
    const id = parseInteger(ctx.args.string(1));
    if (id === null) ctx.reply.error(NOT_INTEGER);
    else if (id < -2147483648 || id > 2147483647) ctx.reply.error(NOT_INT_RANGE);
    else if (id < 0 || id >= this.server.config.int('databases')) ctx.reply.error(DB_INDEX_OUT_OF_RANGE);
    else {
      ctx.db = id;
      ctx.reply.ok();
    }
  }

  /** redis.log(level, message): the server log, at Redis's levels (0 debug ... 3 warning). */
  private log(args: Args): void {
    const level = Number(args.string(0));
    const message = args.text(1);
    const log = this.server.log;
    if (level <= 0) log.debug(message);
    else if (level === 1) log.verbose(message);
    else if (level === 2) log.notice(message);
    else log.warning(message);
  }
}
