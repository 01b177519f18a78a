/**
 * FUNCTION (LOAD DELETE FLUSH LIST STATS KILL HELP) and FCALL / FCALL_RO: Redis 7 function
 * libraries (functions.c, function_lua.c). Libraries live per server (src/scripting/
 * function-store.ts); their Lua functions in the thread's Lua state (native/src/lua/functions.rs).
 *
 * FCALL is routed 'all' like EVAL (atomic, undeclared keys work); FUNCTION needs no shard data.
 * A function running past busy-reply-threshold serves the other clients: FUNCTION KILL stops it
 * unless it wrote, FUNCTION STATS shows it (src/scripting/busy-script.ts).
 * FUNCTION DUMP / RESTORE use Redis's payload format (src/persistence/function-payload.ts).
 * FUNCTION LIST and DUMP give libraries in load order where Redis uses its hash table's order.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { BUSY_EVAL, killRunningScript, runningScriptOf } from '../scripting/busy-script.js';
import { replyHelp } from './connection.js';
import { OOM, subcommandSyntaxError } from '../protocol/errors.js';
import { string2ll } from '../protocol/number-parse.js';
import { globMatch } from './glob.js';
import { startedLuaEngine } from '../scripting/lua-engine.js';
import { functionStoreOf } from '../scripting/function-store.js';
import { engineOrReply, numkeysInRangeOrReply, runScript } from './scripting.js';
import { dumpFunctions, readFunctionsPayload, verifyDumpPayload } from '../persistence/function-payload.js';

const FLAG_NAMES: ReadonlyArray<[string, number]> = [
  ['no-writes', 1],
  ['allow-oom', 2],
  ['allow-stale', 4],
  ['no-cluster', 8],
  ['allow-cross-slot-keys', 16],
];
const NO_WRITES = 1;
const ALLOW_OOM = 2;

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Load a library ("#!lua name=<library>" first line) and the functions it registers.',
  '    REPLACE: replace a library of the same name.',
  'DELETE <LIBRARY NAME>',
  '    Delete a library and its functions.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Describe the libraries (optionally those whose name matches PATTERN): name, engine,',
  '    functions with their descriptions and flags, and with WITHCODE the code.',
  'STATS',
  '    The function running now (never any here) and the libraries and functions per engine.',
  'KILL',
  '    Stop the running function (never needed here: see the reply).',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'FLUSH [ASYNC|SYNC]',
  '    Delete every library (both modes do it at once here).',
  'HELP',
  '    Print this help.',
];

/** FCALL / FCALL_RO (Redis's fcallCommandGeneric). */
function fcall(ctx: ExecContext, readOnlyCommand: boolean): void {
  const server = ctx.server;
  const client = ctx.client;
  if (server === null || client === null) {
    ctx.reply.error('ERR scripts run on the main thread only');
    return;
  }
  const args = ctx.args;
  const found = functionStoreOf(server).functions.get(args.string(1).toLowerCase());
  if (found === undefined) {
    ctx.reply.error('ERR Function not found');
    return;
  }
  // Redis's processCommand with fcallGetCommandFlags: over maxmemory, only allow-oom or no-writes functions run.
  if (server.outOfMemory && (found.fn.flags & (NO_WRITES | ALLOW_OOM)) === 0) {
    ctx.reply.error(OOM);
    return;
  }
  const numkeys = string2ll(args.buf, args.offset(2), args.length(2));
  if (numkeys === null) {
    ctx.reply.error('ERR Bad number of keys provided');
    return;
  }
  if (!numkeysInRangeOrReply(ctx, numkeys)) return;
  const fn = found.fn;
  if ((fn.flags & NO_WRITES) === 0 && readOnlyCommand) {
    ctx.reply.error('ERR Can not execute a script with write flag using *_ro command.');
    return;
  }
  const engine = engineOrReply(ctx);
  if (engine === null) return;
  const readOnly = readOnlyCommand || (fn.flags & NO_WRITES) !== 0;
  runScript(ctx, server, client, engine, readOnly, false, fn.name, (runner, prng) => engine.fcall(fn, args.buf, args.words, args.base + 6, numkeys, args.argc - 3 - numkeys, ctx.reply.resp, prng, runner));
}

/** FUNCTION: on the main thread, no shard data. */
function functionCommand(ctx: ExecContext, _client: Client, server: Server): void {
  const args = ctx.args;
  const reply = ctx.reply;
  const store = functionStoreOf(server);
  switch (args.lower(1)) {
    case 'help':
      replyHelp(ctx, FUNCTION_HELP);
      return;
    case 'kill': {
      const error = killRunningScript(server, false);
      if (error === null) reply.ok();
      else reply.error(error);
      return;
    }
    case 'stats': {
      const running = runningScriptOf(server);
      if (running !== undefined && running.isEval) {
        // Redis's functionStatsCommand: a running EVAL script is not a function to describe.
        reply.error(BUSY_EVAL);
        return;
      }
      reply.mapLen(2);
      reply.bulkString('running_script');
      if (running === undefined) reply.nullBulk();
      else {
        reply.mapLen(3);
        reply.bulkString('name');
        reply.bulkString(running.name);
        reply.bulkString('command');
        const command = running.command;
        reply.arrayLen(command.argc);
        for (let i = 0; i < command.argc; i++) reply.bulk(command.buf, command.offset(i), command.offset(i) + command.length(i));
        reply.bulkString('duration_ms');
        reply.integer(Date.now() - running.startedAt);
      }
      reply.bulkString('engines');
      reply.mapLen(1);
      reply.bulkString('LUA');
      reply.mapLen(2);
      reply.bulkString('libraries_count');
      reply.integer(store.libraries.size);
      reply.bulkString('functions_count');
      reply.integer(store.functionCount);
      return;
    }
    case 'delete':
      if (!store.delete(startedLuaEngine(), args.string(2))) reply.error('ERR Library not found');
      else reply.ok();
      return;
    case 'flush':
      if (args.argc > 3) reply.error(subcommandSyntaxError(args.text(1), 'function'));
      else if (args.argc === 3 && !args.is(2, 'sync') && !args.is(2, 'async')) reply.error('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
      else {
        store.flush(startedLuaEngine());
        reply.ok();
      }
      return;
    case 'list':
      functionList(ctx, server);
      return;
    case 'dump':
      reply.bulk(dumpFunctions([...store.libraries.values()].map((library) => library.code), server.config.bool('rdbcompression')));
      return;
    case 'restore':
      functionRestore(ctx, server);
      return;
    default:
      functionLoad(ctx, server);
  }
}

function functionLoad(ctx: ExecContext, server: Server): void {
  const args = ctx.args;
  let replace = false;
  let i = 2;
  while (i < args.argc - 1) {
    if (args.is(i, 'replace')) {
      replace = true;
      i++;
      continue;
    }
    ctx.reply.error(`ERR Unknown option given: ${args.text(i)}`);
    return;
  }
  const engine = engineOrReply(ctx);
  if (engine === null) return;
  const result = functionStoreOf(server).load(engine, args.bytes(i), replace);
  if (typeof result === 'string') ctx.reply.bulkLatin1(result);
  else ctx.reply.error(`ERR ${result.error}`);
}

/** FUNCTION RESTORE serialized-value [FLUSH|APPEND|REPLACE] (functionRestoreCommand). */
function functionRestore(ctx: ExecContext, server: Server): void {
  const args = ctx.args;
  if (args.argc > 4) {
    ctx.reply.error(subcommandSyntaxError(args.text(1), 'function'));
    return;
  }
  let policy: 'flush' | 'append' | 'replace' = 'append';
  if (args.argc === 4) {
    const given = args.lower(3);
    if (given !== 'flush' && given !== 'append' && given !== 'replace') {
      ctx.reply.error('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      return;
    }
    policy = given;
  }
  const payload = args.bytes(2);
  if (!verifyDumpPayload(payload)) {
    ctx.reply.error('ERR DUMP payload version or checksum are wrong');
    return;
  }
  const codes = readFunctionsPayload(payload);
  if (!Array.isArray(codes)) {
    ctx.reply.error(`ERR ${codes.error}`);
    return;
  }
  const engine = engineOrReply(ctx);
  if (engine === null) return;
  const error = functionStoreOf(server).restore(engine, codes, policy);
  if (error === null) ctx.reply.ok();
  else ctx.reply.error(`ERR ${error}`);
}

/** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]. */
function functionList(ctx: ExecContext, server: Server): void {
  const args = ctx.args;
  const reply = ctx.reply;
  let withCode = false;
  let pattern: Uint8Array | null = null;
  for (let i = 2; i < args.argc; i++) {
    if (!withCode && args.is(i, 'withcode')) {
      withCode = true;
      continue;
    }
    if (pattern === null && args.is(i, 'libraryname')) {
      if (i >= args.argc - 1) {
        reply.error('ERR library name argument was not given');
        return;
      }
      pattern = args.copy(++i);
      continue;
    }
    reply.error(`ERR Unknown argument ${args.text(i)}`);
    return;
  }
  const libraries = [...functionStoreOf(server).libraries.values()].filter((library) => {
    if (pattern === null) return true;
    const name = Buffer.from(library.name, 'latin1');
    return globMatch(pattern, 0, pattern.length, name, 0, name.length, true);
  });
  reply.arrayLen(libraries.length);
  for (const library of libraries) {
    reply.mapLen(withCode ? 4 : 3);
    reply.bulkString('library_name');
    reply.bulkLatin1(library.name);
    reply.bulkString('engine');
    reply.bulkString('LUA');
    reply.bulkString('functions');
    reply.arrayLen(library.functions.length);
    for (const { fn } of library.functions) {
      reply.mapLen(3);
      reply.bulkString('name');
      reply.bulkLatin1(fn.name);
      reply.bulkString('description');
      if (fn.description === null) reply.nullBulk();
      else reply.bulkLatin1(fn.description);
      reply.bulkString('flags');
      const flags = FLAG_NAMES.filter(([, bit]) => (fn.flags & bit) !== 0);
      reply.setLen(flags.length);
      for (const [name] of flags) reply.simple(name);
    }
    if (withCode) {
      reply.bulkString('library_code');
      reply.bulk(library.code);
    }
  }
}

export const functionCommands: CommandFamily = {
  fcall: { route: 'all', run: (ctx) => fcall(ctx, false) },
  fcall_ro: { route: 'all', run: (ctx) => fcall(ctx, true) },
  function: { route: 'main', run: functionCommand },
};
