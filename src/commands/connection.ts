/**
 * Connection commands: PING ECHO QUIT RESET SELECT HELLO AUTH and CLIENT, all on the main thread
 * (they read and change the connection's state, never shard data).
 *
 * Authentication follows Redis 7.0's single "default" user: without `requirepass` it has no password
 * (any AUTH default <x> succeeds, AUTH <password> is an error); with it, that password.
 *
 * CLIENT LIST / CLIENT INFO print Redis 7.0.15's fields in its order. Families that add connection
 * state (MULTI, pub/sub, blocking, replication) report it through `clientInfoProviders`, so the
 * flags, counts and CLIENT KILL TYPE filter see it without this file knowing their fields.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import type { Client } from '../server/client.js';
import { ReplyMode, socketFd } from '../server/client.js';
import { inputCapacity } from '../server/native-io.js';
import type { Server } from '../server/server.js';
import { AclContext, AclResult, type AclUser } from '../server/acl.js';
import { REDIS_VERSION } from '../version.js';
import {
  DB_INDEX_OUT_OF_RANGE,
  NOPROTO,
  NOT_INTEGER,
  NOT_INT_RANGE,
  SYNTAX,
  WRONGPASS,
  WRONG_ARITY,
  subcommandSyntaxError,
  unknownSubcommand,
} from '../protocol/errors.js';

// ---------------------------------------------------------------- errors (Redis 7.0.15's texts)

const AUTH_WITHOUT_PASSWORD =
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?';
const HELLO_NOAUTH =
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';
const BAD_CLIENT_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';

/** The only user: Redis's "default". */
const DEFAULT_USER = Buffer.from('default');
const EMPTY = new Uint8Array(0);

/** Redis's addReplySubcommandSyntaxError for the running command. */
export function subcommandSyntaxErrorOf(ctx: ExecContext): string {
  return subcommandSyntaxError(ctx.args.text(1), ctx.args.string(0));
}

// ---------------------------------------------------------------- client state from other families

export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** What another family knows about a connection, for CLIENT LIST / INFO / KILL. */
export interface ClientInfoExtras {
  /** Flag letters as Redis prints them (x MULTI, P pub/sub, b blocked, S replica, M master, O monitor, t tracking, d dirty CAS, r readonly...). */
  flags?: string;
  sub?: number;
  psub?: number;
  ssub?: number;
  /** Commands queued in MULTI (-1 when not in MULTI). */
  multi?: number;
  multiMem?: number;
  type?: ClientType;
  /** CLIENT TRACKING redirection (redir=; -1 when tracking is off). */
  redir?: number;
}

/** Registered by families that keep per-connection state (a function per family). */
export const clientInfoProviders: Array<(client: Client) => ClientInfoExtras | null> = [];

/** What other families plug into connection commands. */
export const connectionHooks = {
  /** RESET: each clears its family's connection state (MULTI, WATCH, subscriptions, tracking...). */
  onReset: [] as Array<(client: Client, server: Server) => void>,
  /** CLIENT UNBLOCK: unblocks client `id` (as a timeout or with an error); true if it was blocked. */
  unblock: null as ((server: Server, id: number, withError: boolean) => boolean) | null,
  /** CLIENT subcommands implemented by other families (TRACKING, CACHING...), by lowercase name. */
  clientSubcommands: new Map<string, (ctx: ExecContext, client: Client, server: Server) => void>(),
};

function extrasOf(client: Client): ClientInfoExtras {
  const out: ClientInfoExtras = {};
  for (const provide of clientInfoProviders) {
    const e = provide(client);
    if (e === null) continue;
    if (e.flags) out.flags = (out.flags ?? '') + e.flags;
    if (e.sub !== undefined) out.sub = e.sub;
    if (e.psub !== undefined) out.psub = e.psub;
    if (e.ssub !== undefined) out.ssub = e.ssub;
    if (e.multi !== undefined) out.multi = e.multi;
    if (e.multiMem !== undefined) out.multiMem = e.multiMem;
    if (e.type !== undefined) out.type = e.type;
    if (e.redir !== undefined) out.redir = e.redir;
  }
  return out;
}

function clientType(client: Client): ClientType {
  return extrasOf(client).type ?? 'normal';
}

/** Redis's getClientTypeByName. */
function clientTypeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return null;
  }
}

// ---------------------------------------------------------------- CLIENT LIST line

/** Redis's default reply buffer size (rbs/rbp): Tessera's output grows on demand from a similar chunk. */
const REPLY_BUFFER_BYTES = 16384;

/**
 * One CLIENT LIST line (no newline), Redis 7.0.15's catClientInfoString. `current` is the context of
 * the command being executed when `client` is the one running it (its argv-mem is counted then).
 */
export function clientInfoLine(client: Client, now: number, current: ExecContext | null): string {
  const x = extrasOf(client);
  let flags = x.flags ?? '';
  if (client.closeAfterReply) flags += 'c';
  if (client.socket.remoteFamily === undefined) flags += 'U';
  if (client.noEvict) flags += 'e';
  if (flags === '') flags = 'N';
  let argvMem = 0;
  if (current !== null) for (let i = 0; i < current.args.argc; i++) argvMem += current.args.length(i);
  const qbuf = client.inputEnd - client.inputStart;
  const inputBytes = inputCapacity(client.input, client.inputStart);
  const qbufFree = Math.max(0, inputBytes - client.inputEnd);
  const obl = client.output.pendingBytes;
  let oll = 0;
  let omem = 0;
  for (let i = client.queueHead; i < client.queue.length; i++) {
    const slot = client.queue[i];
    oll++;
    if (slot instanceof Uint8Array) omem += slot.length;
  }
  const multiMem = x.multiMem ?? 0;
  const totMem = inputBytes + REPLY_BUFFER_BYTES + omem + argvMem + multiMem + 1024;
  return (
    `id=${client.id} addr=${client.addr} laddr=${client.laddr} fd=${socketFd(client.socket)} name=${client.name} ` +
    `age=${Math.floor((now - client.createdAt) / 1000)} idle=${Math.floor((now - client.lastInteraction) / 1000)} flags=${flags} ` +
    `db=${client.db} sub=${x.sub ?? 0} psub=${x.psub ?? 0} ssub=${x.ssub ?? 0} multi=${x.multi ?? -1} ` +
    `qbuf=${qbuf} qbuf-free=${qbufFree} argv-mem=${argvMem} multi-mem=${multiMem} ` +
    `rbs=${Math.max(REPLY_BUFFER_BYTES, obl)} rbp=${Math.max(REPLY_BUFFER_BYTES, obl)} obl=${obl} oll=${oll} omem=${omem} ` +
    `tot-mem=${totMem} events=r cmd=${client.lastCommand} user=${client.user.name} redir=${x.redir ?? -1} resp=${client.resp}`
  );
}

// ---------------------------------------------------------------- helpers

/** Redis's validateClientName: printable ASCII without spaces ('!' to '~'). */
function validClientName(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] < 33 || bytes[i] > 126) return false;
  return true;
}

/** Parses a signed decimal integer argument as Redis's string2ll does (no spaces, no '+'). */
export function parseInteger(text: string): number | null {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return null;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) {
    const big = BigInt(text);
    if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
    return n;
  }
  return n;
}

/**
 * ACLAuthenticateUser: on success the client runs as the user; a failure is logged (ACL LOG, reason
 * auth, object the command's name as typed).
 */
function authenticate(ctx: ExecContext, client: Client, server: Server, user: Uint8Array, password: Uint8Array): boolean {
  const store = server.acl;
  const name = Buffer.from(user).toString('latin1');
  const u = store.users.get(name);
  if (u !== undefined && u.passwordMatches(password)) {
    client.authenticated = true;
    client.user = u;
    return true;
  }
  const context = client.tx !== null && client.tx.queue !== null ? AclContext.Multi : AclContext.Toplevel;
  store.addLog(AclResult.DeniedAuth, context, ctx.args.string(0), name, clientInfoLine(client, Date.now(), ctx), server.config.int('acllog-max-len'));
  return false;
}

// ---------------------------------------------------------------- PING ECHO QUIT RESET SELECT

function ping(ctx: ExecContext, client: Client): void {
  const { args, reply } = ctx;
  if (args.argc > 2) {
    reply.error(WRONG_ARITY('ping'));
    return;
  }
  if (client.resp === 2 && client.pubsub !== null && client.pubsub.active) {
    // Subscribed mode (RESP2): an array, as a message would be.
    reply.arrayLen(2);
    reply.bulkLatin1('pong');
    if (args.argc === 1) reply.bulkLatin1('');
    else reply.bulk(args.buf, args.offset(1), args.offset(1) + args.length(1));
    return;
  }
  if (args.argc === 1) reply.simple('PONG');
  else reply.bulk(args.buf, args.offset(1), args.offset(1) + args.length(1));
}

function echo(ctx: ExecContext): void {
  const a = ctx.args;
  ctx.reply.bulk(a.buf, a.offset(1), a.offset(1) + a.length(1));
}

function quit(ctx: ExecContext, client: Client, server: Server): void {
  ctx.reply.ok();
  server.closeAfterReply(client);
}

/** Redis's clearClientConnectionState, for the state this family owns. */
function reset(ctx: ExecContext, client: Client, server: Server): void {
  client.db = 0;
  client.resp = 2;
  ctx.reply.resp = 2;
  client.name = '';
  client.replyMode = ReplyMode.On;
  client.skipReplies = 0;
  // clientSetDefaultAuth
  client.user = server.acl.defaultUser;
  client.authenticated = client.user.nopass && client.user.enabled;
  for (const hook of connectionHooks.onReset) hook(client, server);
  ctx.reply.simple('RESET');
}

function select(ctx: ExecContext, client: Client, server: Server): void {
  const id = parseInteger(ctx.args.string(1));
  if (id === null) {
    ctx.reply.error(NOT_INTEGER);
    return;
  }
  if (id < -2147483648 || id > 2147483647) {
    ctx.reply.error(NOT_INT_RANGE);
    return;
  }
  if (id < 0 || id >= server.config.int('databases')) {
    ctx.reply.error(DB_INDEX_OUT_OF_RANGE);
    return;
  }
  client.db = id;
  ctx.reply.ok();
}

// ---------------------------------------------------------------- AUTH HELLO

function auth(ctx: ExecContext, client: Client, server: Server): void {
  const { args, reply } = ctx;
  if (args.argc > 3) {
    reply.error(SYNTAX);
    return;
  }
  let user: Uint8Array = DEFAULT_USER;
  let password: Uint8Array;
  if (args.argc === 2) {
    if (server.acl.defaultUser.nopass) {
      reply.error(AUTH_WITHOUT_PASSWORD);
      return;
    }
    password = args.bytes(1);
  } else {
    user = args.bytes(1);
    password = args.bytes(2);
  }
  if (authenticate(ctx, client, server, user, password)) {
    reply.ok();
  } else {
    reply.error(WRONGPASS);
  }
}

function hello(ctx: ExecContext, client: Client, server: Server): void {
  const { args, reply } = ctx;
  let version = 0;
  let next = 1;
  if (args.argc >= 2) {
    const v = parseInteger(args.string(1));
    next = 2;
    if (v === null) {
      reply.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (v < 2 || v > 3) {
      reply.error(NOPROTO);
      return;
    }
    version = v;
  }
  let user: Uint8Array | null = null;
  let password: Uint8Array = EMPTY;
  let name: Uint8Array | null = null;
  for (let j = next; j < args.argc; j++) {
    const more = args.argc - 1 - j;
    if (args.is(j, 'auth') && more >= 2) {
      user = args.bytes(j + 1);
      password = args.bytes(j + 2);
      j += 2;
    } else if (args.is(j, 'setname') && more >= 1) {
      name = args.bytes(j + 1);
      if (!validClientName(name)) {
        reply.error(BAD_CLIENT_NAME);
        return;
      }
      j++;
    } else {
      reply.error(`ERR Syntax error in HELLO option '${args.text(j)}'`);
      return;
    }
  }
  if (user !== null) {
    if (!authenticate(ctx, client, server, user, password)) {
      reply.error(WRONGPASS);
      return;
    }
  }
  if (!client.authenticated) {
    reply.error(HELLO_NOAUTH);
    return;
  }
  if (name !== null) client.name = Buffer.from(name).toString('latin1');
  if (version !== 0) {
    client.resp = version as 2 | 3;
    reply.resp = client.resp;
  }
  reply.mapLen(7);
  reply.bulkLatin1('server');
  reply.bulkLatin1('redis');
  reply.bulkLatin1('version');
  reply.bulkLatin1(REDIS_VERSION);
  reply.bulkLatin1('proto');
  reply.integer(client.resp);
  reply.bulkLatin1('id');
  reply.integer(client.id);
  reply.bulkLatin1('mode');
  reply.bulkLatin1('standalone');
  reply.bulkLatin1('role');
  reply.bulkLatin1('master');
  reply.bulkLatin1('modules');
  reply.arrayLen(0);
}

// ---------------------------------------------------------------- CLIENT

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    With tracking in OPTIN/OPTOUT mode, track (or not) the keys read by the next command.',
  'GETREDIR',
  '    The client ID tracking notifications are redirected to (-1 when none, 0 when tracking is off).',
  'GETNAME',
  '    The name of this connection.',
  'ID',
  '    The ID of this connection.',
  'INFO',
  '    A CLIENT LIST line describing this connection.',
  'KILL <ip:port>',
  '    Close the connection from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Close every connection matching all the filters. Options:',
  '    * ID <client-id>',
  '      The connection with this ID.',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Connections of this type.',
  '    * USER <username>',
  '      Connections authenticated as this user.',
  '    * ADDR <ip:port>',
  '      The connection from this remote address.',
  '    * LADDR <ip:port>',
  '      Connections to this local address.',
  '    * SKIPME (YES|NO)',
  '      Whether to spare the connection issuing the command (default: YES).',
  'LIST [options ...]',
  '    Describe every connection, one per line. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Only connections of this type.',
  '    * ID <client-id> [<client-id> ...]',
  '      Only the connections with these IDs.',
  'UNPAUSE',
  '    End a CLIENT PAUSE early.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Hold client commands for <timeout> milliseconds: all of them (ALL, the default) or only the',
  '    ones that may write (WRITE).',
  'REPLY (ON|OFF|SKIP)',
  '    Turn replies to this connection on or off, or skip the reply to the next command.',
  'SETNAME <name>',
  '    Name this connection.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    The tracking state of this connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock a connection blocked in a blocking command, as if it timed out (default) or with an',
  '    error.',
  'NO-EVICT (ON|OFF)',
  '    Protect this connection from client eviction (or stop protecting it).',
  'HELP',
  '    Print this help.',
];

export function replyHelp(ctx: ExecContext, lines: readonly string[]): void {
  ctx.reply.arrayLen(lines.length);
  for (const line of lines) ctx.reply.simple(line);
}

function clientCommand(ctx: ExecContext, client: Client, server: Server): void {
  const sub = ctx.args.lower(1);
  switch (sub) {
    case 'id':
      ctx.reply.integer(client.id);
      return;
    case 'getname':
      if (client.name === '') ctx.reply.nullBulk();
      else ctx.reply.bulkLatin1(client.name);
      return;
    case 'setname':
      clientSetname(ctx, client);
      return;
    case 'info':
      ctx.reply.verbatim(clientInfoLine(client, Date.now(), ctx) + '\n');
      return;
    case 'list':
      clientList(ctx, client, server);
      return;
    case 'kill':
      clientKill(ctx, client, server);
      return;
    case 'pause':
      clientPause(ctx, server);
      return;
    case 'unpause':
      server.unpause();
      ctx.reply.ok();
      return;
    case 'reply':
      clientReply(ctx, client);
      return;
    case 'no-evict':
      if (ctx.args.is(2, 'on')) client.noEvict = true;
      else if (ctx.args.is(2, 'off')) client.noEvict = false;
      else {
        ctx.reply.error(SYNTAX);
        return;
      }
      ctx.reply.ok();
      return;
    case 'unblock':
      clientUnblock(ctx, server);
      return;
    case 'help':
      replyHelp(ctx, CLIENT_HELP);
      return;
    default: {
      const other = connectionHooks.clientSubcommands.get(sub);
      if (other !== undefined) other(ctx, client, server);
      else ctx.reply.error(unknownSubcommand(ctx.args.text(1), 'client'));
    }
  }
}

function clientSetname(ctx: ExecContext, client: Client): void {
  const name = ctx.args.bytes(2);
  if (!validClientName(name)) {
    ctx.reply.error(BAD_CLIENT_NAME);
    return;
  }
  client.name = Buffer.from(name).toString('latin1');
  ctx.reply.ok();
}

function clientList(ctx: ExecContext, self: Client, server: Server): void {
  const { args, reply } = ctx;
  let type: ClientType | null = null;
  let ids: number[] | null = null;
  if (args.argc === 4 && args.is(2, 'type')) {
    type = clientTypeByName(args.string(3));
    if (type === null) {
      reply.error(`ERR Unknown client type '${args.text(3)}'`);
      return;
    }
  } else if (args.argc > 3 && args.is(2, 'id')) {
    ids = [];
    for (let j = 3; j < args.argc; j++) {
      const id = parseInteger(args.string(j));
      if (id === null) {
        reply.error('ERR Invalid client ID');
        return;
      }
      ids.push(id);
    }
  } else if (args.argc !== 2) {
    reply.error(SYNTAX);
    return;
  }
  const now = Date.now();
  let text = '';
  if (ids !== null) {
    for (const id of ids) {
      const c = server.clients.get(id);
      if (c !== undefined) text += clientInfoLine(c, now, c === self ? ctx : null) + '\n';
    }
  } else {
    for (const c of server.clients.values()) {
      if (type !== null && clientType(c) !== type) continue;
      text += clientInfoLine(c, now, c === self ? ctx : null) + '\n';
    }
  }
  reply.verbatim(text);
}

function clientKill(ctx: ExecContext, self: Client, server: Server): void {
  const { args, reply } = ctx;
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: AclUser | null = null;
  let type: ClientType | null = null;
  let id = 0;
  let skipme = true;
  if (args.argc === 3) {
    addr = args.string(2);
    skipme = false;
  } else {
    for (let i = 2; i < args.argc; i += 2) {
      if (i + 1 >= args.argc) {
        reply.error(SYNTAX);
        return;
      }
      const value = args.string(i + 1);
      if (args.is(i, 'id')) {
        const n = parseInteger(value);
        if (n === null || n < 1) {
          reply.error('ERR client-id should be greater than 0');
          return;
        }
        id = n;
      } else if (args.is(i, 'type')) {
        type = clientTypeByName(value);
        if (type === null) {
          reply.error(`ERR Unknown client type '${args.text(i + 1)}'`);
          return;
        }
      } else if (args.is(i, 'addr')) {
        addr = value;
      } else if (args.is(i, 'laddr')) {
        laddr = value;
      } else if (args.is(i, 'user')) {
        user = server.acl.users.get(value) ?? null;
        if (user === null) {
          reply.error(`ERR No such user '${args.text(i + 1)}'`);
          return;
        }
      } else if (args.is(i, 'skipme')) {
        if (args.is(i + 1, 'yes')) skipme = true;
        else if (args.is(i + 1, 'no')) skipme = false;
        else {
          reply.error(SYNTAX);
          return;
        }
      } else {
        reply.error(SYNTAX);
        return;
      }
    }
  }
  let killed = 0;
  let closeSelf = false;
  for (const c of [...server.clients.values()]) {
    if (addr !== null && c.addr !== addr) continue;
    if (laddr !== null && c.laddr !== laddr) continue;
    if (type !== null && clientType(c) !== type) continue;
    if (id !== 0 && c.id !== id) continue;
    if (user !== null && c.user !== user) continue;
    if (c === self && skipme) continue;
    if (c === self) closeSelf = true;
    else server.dropClient(c);
    killed++;
  }
  if (args.argc === 3) {
    if (killed === 0) reply.error('ERR No such client');
    else reply.ok();
  } else {
    reply.integer(killed);
  }
  if (closeSelf) server.closeAfterReply(self);
}

function clientPause(ctx: ExecContext, server: Server): void {
  const { args, reply } = ctx;
  if (args.argc > 4) {
    reply.error(subcommandSyntaxErrorOf(ctx));
    return;
  }
  let all = true;
  if (args.argc === 4) {
    if (args.is(3, 'write')) all = false;
    else if (!args.is(3, 'all')) {
      reply.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  }
  const timeout = parseInteger(args.string(2));
  if (timeout === null) {
    reply.error('ERR timeout is not an integer or out of range');
    return;
  }
  if (timeout < 0) {
    reply.error('ERR timeout is negative');
    return;
  }
  const now = Date.now();
  const end = timeout > 0 ? now + timeout : 0;
  // As Redis 7.0's pauseClients: the stronger pause type and the later end time win.
  const active = server.pausedUntil !== 0 && server.pausedUntil > now;
  const wasAll = active && !server.pauseWritesOnly;
  server.pauseWritesOnly = !(wasAll || all);
  server.pausedUntil = Math.max(active ? server.pausedUntil : 0, end);
  reply.ok();
}

function clientReply(ctx: ExecContext, client: Client): void {
  const a = ctx.args;
  if (a.is(2, 'on')) {
    client.replyMode = ReplyMode.On;
    client.skipReplies = 0;
    ctx.reply.ok();
  } else if (a.is(2, 'off')) {
    // The server drops this reply too: replies are dropped from this command on.
    client.replyMode = ReplyMode.Off;
    ctx.reply.ok();
  } else if (a.is(2, 'skip')) {
    // Two replies to drop: this one and the next command's.
    if (client.replyMode !== ReplyMode.Off) client.skipReplies = 2;
    ctx.reply.ok();
  } else {
    ctx.reply.error(SYNTAX);
  }
}

function clientUnblock(ctx: ExecContext, server: Server): void {
  const { args, reply } = ctx;
  if (args.argc > 4) {
    reply.error(subcommandSyntaxErrorOf(ctx));
    return;
  }
  let withError = false;
  if (args.argc === 4) {
    if (args.is(3, 'error')) withError = true;
    else if (!args.is(3, 'timeout')) {
      reply.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      return;
    }
  }
  const id = parseInteger(args.string(2));
  if (id === null) {
    reply.error(NOT_INTEGER);
    return;
  }
  const unblock = connectionHooks.unblock;
  reply.integer(unblock !== null && unblock(server, id, withError) ? 1 : 0);
}

// ---------------------------------------------------------------- the family

export const connectionCommands: CommandFamily = {
  ping: { route: 'main', run: ping },
  echo: { route: 'main', run: echo },
  quit: { route: 'main', run: quit },
  reset: { route: 'main', run: reset },
  select: { route: 'main', run: select },
  auth: { route: 'main', run: auth },
  hello: { route: 'main', run: hello },
  client: { route: 'main', run: clientCommand },
};
