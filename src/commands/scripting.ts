/**
 * EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT (LOAD EXISTS FLUSH KILL HELP): Lua scripts (Redis
 * 7.0.15's eval.c), run by real Lua 5.1 in the native addon (src/scripting/).
 *
 * Scripts are routed 'all': with workers the main thread runs them holding every worker, inline
 * they run directly, and inside EXEC with the transaction's holds. So a script is atomic and may
 * touch keys it did not declare, as on Redis standalone. Its commands run through the executor in a
 * nested context (src/scripting/script-call.ts).
 *
 * A script running past busy-reply-threshold serves the other clients from its count hook; SCRIPT
 * KILL stops it unless it wrote (src/scripting/busy-script.ts). SCRIPT DEBUG (the Lua debugger) is
 * not implemented.
 */
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { replyHelp } from './connection.js';
import { OOM } from '../protocol/errors.js';
import { integerArgOrReply } from '../protocol/number-parse.js';
import { luaEngine, luaUnavailable, type LuaEngine } from '../scripting/lua-engine.js';
import { parseShebang, scriptCacheOf, sha1Hex, ScriptFlag, type ScriptCache } from '../scripting/script-cache.js';
import type { ScriptCall } from '../scripting/script-call.js';
import { killRunningScript, runWatchingBusy } from '../scripting/busy-script.js';

const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'EXISTS <sha1> [<sha1> ...]',
  '    For each SHA1, 1 if that script is in the script cache, else 0.',
  'FLUSH [ASYNC|SYNC]',
  '    Empty the script cache (both modes do it at once here).',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Compile a script into the cache without running it; answers its SHA1.',
  'HELP',
  '    Print this help.',
];

/** The engine, or an error reply naming what to install. */
/** EVAL's and FCALL's checks of numkeys against the arguments (Redis's evalGenericCommand / fcallCommandGeneric). */
export function numkeysInRangeOrReply(ctx: ExecContext, numkeys: number): boolean {
  if (numkeys > ctx.args.argc - 3) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return false;
  }
  if (numkeys < 0) {
    ctx.reply.error("ERR Number of keys can't be negative");
    return false;
  }
  return true;
}

export function engineOrReply(ctx: ExecContext): LuaEngine | null {
  const engine = luaEngine();
  if (engine === null) ctx.reply.error(`ERR Lua scripting is not available: ${luaUnavailable()}`);
  return engine;
}

/**
 * Compiles `body` into the cache (Redis's luaCreateFunction) unless it is there; answers its SHA1,
 * or null after writing the error reply.
 */
function createFunction(ctx: ExecContext, engine: LuaEngine, cache: ScriptCache, body: Uint8Array, knownSha?: string): string | null {
  const sha = knownSha ?? sha1Hex(body);
  const cached = cache.scripts.get(sha);
  if (cached !== undefined) {
    if (!engine.has(sha) && !compile(ctx, engine, sha, cached.body, cached.codeStart)) return null;
    return sha;
  }
  const shebang = parseShebang(body);
  if (typeof shebang === 'string') {
    ctx.reply.error(`ERR ${shebang}`);
    return null;
  }
  const copy = Uint8Array.prototype.slice.call(body);
  if (!compile(ctx, engine, sha, copy, shebang.codeStart)) return null;
  cache.scripts.set(sha, { body: copy, codeStart: shebang.codeStart, flags: shebang.flags });
  return sha;
}

function compile(ctx: ExecContext, engine: LuaEngine, sha: string, body: Uint8Array, codeStart: number): boolean {
  const error = engine.compile(sha, body.subarray(codeStart));
  if (error === null) return true;
  ctx.reply.error(`ERR Error compiling script (new function): ${error}`);
  return false;
}

/** EVAL / EVALSHA / EVAL_RO / EVALSHA_RO (Redis's evalGenericCommand). */
function evalGeneric(ctx: ExecContext, bySha: boolean, readOnlyCommand: boolean): void {
  const args = ctx.args;
  if (ctx.server !== null && ctx.server.outOfMemory && scriptDeniedForMemory(ctx, bySha)) {
    ctx.reply.error(OOM);
    return;
  }
  if (bySha && args.length(1) !== 40) {
    ctx.reply.error(NOSCRIPT);
    return;
  }
  const numkeys = integerArgOrReply(args, 2, ctx.reply);
  if (numkeys === null) return;
  if (!numkeysInRangeOrReply(ctx, numkeys)) return;
  const server = ctx.server;
  const client = ctx.client;
  if (server === null || client === null) {
    ctx.reply.error('ERR scripts run on the main thread only');
    return;
  }
  const engine = engineOrReply(ctx);
  if (engine === null) return;
  const cache = scriptCacheOf(server);
  let sha: string | null;
  if (bySha) {
    sha = args.string(1).toLowerCase();
    if (!cache.scripts.has(sha)) {
      ctx.reply.error(NOSCRIPT);
      return;
    }
    sha = createFunction(ctx, engine, cache, cache.scripts.get(sha)!.body, sha);
  } else {
    sha = createFunction(ctx, engine, cache, args.bytes(1));
  }
  if (sha === null) return;
  const flags = cache.scripts.get(sha)!.flags;
  const compat = (flags & ScriptFlag.EvalCompat) !== 0;
  if (!compat && (flags & ScriptFlag.NoWrites) === 0 && readOnlyCommand) {
    ctx.reply.error('ERR Can not execute a script with write flag using *_ro command.');
    return;
  }
  const readOnly = readOnlyCommand || (!compat && (flags & ScriptFlag.NoWrites) !== 0);
  // A script without flags may still write while memory is over the limit, unless its first
  // write is a denyoom command (Redis's scriptVerifyOOM).
  runScript(ctx, server, client, engine, readOnly, true, sha, (runner, prng) => engine.run(sha!, args.buf, args.words, args.base + 6, numkeys, args.argc - 3 - numkeys, ctx.reply.resp, prng, runner), compat && server.outOfMemory);
}

/**
 * Redis's processCommand with evalGetCommandFlags: while memory is over the limit, a script that
 * declares flags is rejected unless they include allow-oom or no-writes. A script without a
 * shebang, an unknown SHA-1 or a malformed shebang is not (its later errors or checks apply).
 */
function scriptDeniedForMemory(ctx: ExecContext, bySha: boolean): boolean {
  const args = ctx.args;
  let flags: number;
  if (bySha) {
    const found = scriptCacheOf(ctx.server!).scripts.get(args.string(1).toLowerCase());
    if (found === undefined) return false;
    flags = found.flags;
  } else {
    const shebang = parseShebang(args.bytes(1));
    if (typeof shebang === 'string') return false;
    flags = shebang.flags;
  }
  return (flags & (ScriptFlag.EvalCompat | ScriptFlag.AllowOom | ScriptFlag.NoWrites)) === 0;
}

/**
 * Runs a script or function (`call` starts it in the engine) with the server's redis.call runner
 * and math.random state, writes its reply and queues the wake-ups of the keys it wrote. `isEval`
 * and `name` (SHA-1 or function name) are for long scripts (src/scripting/busy-script.ts).
 */
export function runScript(ctx: ExecContext, server: Server, client: Client, engine: LuaEngine, readOnly: boolean, isEval: boolean, name: string, call: (runner: ScriptCall, prng: number) => Buffer, oomAtStart = false): void {
  const cache = scriptCacheOf(server);
  const runner = cache.runnerFor(server, engine, ctx);
  runner.begin(client, ctx.db, readOnly, oomAtStart);
  let reply: Buffer;
  try {
    reply = runWatchingBusy(server, engine, client, isEval, name, ctx.args, () => runner.wrote, () => call(runner, cache.prng));
  } finally {
    cache.prng = engine.prngAfter;
    runner.end();
  }
  ctx.reply.raw(reply);
  for (const name of runner.written) server.wakeAfterCommand(name);
}

/** SCRIPT: on the main thread, no shard data. */
function scriptCommand(ctx: ExecContext, _client: Client, server: Server): void {
  const args = ctx.args;
  const sub = args.lower(1);
  if (sub === 'help') {
    replyHelp(ctx, SCRIPT_HELP);
    return;
  }
  if (sub === 'kill') {
    const error = killRunningScript(server, true);
    if (error === null) ctx.reply.ok();
    else ctx.reply.error(error);
    return;
  }
  const cache = scriptCacheOf(server);
  if (sub === 'exists') {
    ctx.reply.arrayLen(args.argc - 2);
    for (let i = 2; i < args.argc; i++) ctx.reply.integer(cache.scripts.has(args.string(i).toLowerCase()) ? 1 : 0);
    return;
  }
  if (sub === 'flush') {
    if (args.argc > 3 || (args.argc === 3 && !args.is(2, 'sync') && !args.is(2, 'async'))) {
      ctx.reply.error('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
      return;
    }
    const engine = luaEngine();
    if (engine !== null) for (const sha of cache.scripts.keys()) engine.forget(sha);
    cache.scripts.clear();
    ctx.reply.ok();
    return;
  }
  // LOAD (the table routes only known subcommands here).
  const engine = engineOrReply(ctx);
  if (engine === null) return;
  const sha = createFunction(ctx, engine, cache, args.bytes(2));
  if (sha !== null) ctx.reply.bulkLatin1(sha);
}

export const scriptingCommands: CommandFamily = {
  eval: { route: 'all', run: (ctx) => evalGeneric(ctx, false, false) },
  evalsha: { route: 'all', run: (ctx) => evalGeneric(ctx, true, false) },
  eval_ro: { route: 'all', run: (ctx) => evalGeneric(ctx, false, true) },
  evalsha_ro: { route: 'all', run: (ctx) => evalGeneric(ctx, true, true) },
  script: { route: 'main', run: scriptCommand },
};
