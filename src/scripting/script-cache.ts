/**
 * A server's script cache (Redis's lctx.lua_scripts): SHA-1 -> body and shebang flags, plus the
 * server's math.random state and its redis.call runner. The compiled functions live in the thread's
 * Lua state (lua-engine.ts) as f_<sha>; the cache keeps the bodies so a state re-created by another
 * server's SCRIPT FLUSH is refilled on demand.
 */
import { createHash } from 'node:crypto';
import type { ExecContext } from '../commands/context.js';
import type { Server } from '../server/server.js';
import type { LuaEngine } from './lua-engine.js';
import { ScriptCall } from './script-call.js';

/** Script flags of a `#!lua flags=...` shebang (Redis's SCRIPT_FLAG_*). */
export const enum ScriptFlag {
  NoWrites = 1,
  AllowOom = 2,
  AllowStale = 4,
  NoCluster = 8,
  AllowCrossSlotKeys = 16,
  /** No shebang: Redis's compatibility mode, where the flags above do not apply. */
  EvalCompat = 32,
}

const FLAG_NAMES: ReadonlyMap<string, ScriptFlag> = new Map([
  ['no-writes', ScriptFlag.NoWrites],
  ['allow-oom', ScriptFlag.AllowOom],
  ['allow-stale', ScriptFlag.AllowStale],
  ['no-cluster', ScriptFlag.NoCluster],
  ['allow-cross-slot-keys', ScriptFlag.AllowCrossSlotKeys],
]);

export interface CachedScript {
  /** The body as sent (the shebang included). */
  readonly body: Uint8Array;
  /** Where the Lua code starts: the shebang line is skipped but its newline kept (line numbers). */
  readonly codeStart: number;
  readonly flags: number;
}

/** Initial math.random state (redisLrand48's default seed); it persists across a server's scripts. */
const LRAND48_INITIAL = 0x1234abcd330e;

export class ScriptCache {
  readonly scripts = new Map<string, CachedScript>();
  prng = LRAND48_INITIAL;
  private runner: ScriptCall | null = null;

  /** Bytes the cache holds, as Redis's evalScriptsMemory counts them (bodies, names, entries). */
  memory(): number {
    let bytes = 0;
    for (const script of this.scripts.values()) bytes += script.body.length + 48 + 40;
    return bytes;
  }

  /** The redis.call runner of this server (created with the first script). */
  runnerFor(server: Server, engine: LuaEngine, ctx: ExecContext): ScriptCall {
    return (this.runner ??= new ScriptCall(server, engine, ctx));
  }
}

const caches = new WeakMap<Server, ScriptCache>();

export function scriptCacheOf(server: Server): ScriptCache {
  let cache = caches.get(server);
  if (cache === undefined) caches.set(server, (cache = new ScriptCache()));
  return cache;
}

export function sha1Hex(body: Uint8Array): string {
  return createHash('sha1').update(body).digest('hex');
}

/**
 * Redis's evalExtractShebangFlags: the flags of a body starting with "#!", or the error text
 * (without "ERR "). A body without a shebang is in compatibility mode.
 */
export function parseShebang(body: Uint8Array): { flags: number; codeStart: number } | string {
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) return { flags: ScriptFlag.EvalCompat, codeStart: 0 };
  const end = body.indexOf(0x0a);
  if (end < 0) return 'Invalid script shebang';
  const parts = Buffer.from(body.buffer, body.byteOffset, end).toString('latin1').split(/[ \t\r\v\f]+/).filter((p) => p !== '');
  if (parts.length === 0) return 'Invalid engine in script shebang';
  if (parts[0] !== '#!lua') return `Unexpected engine in script shebang: ${parts[0]}`;
  let flags = 0;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return `Unknown lua shebang option: ${part}`;
    const list = part.slice(6);
    if (list === '') continue;
    for (const name of list.split(',')) {
      const flag = FLAG_NAMES.get(name);
      if (flag === undefined) return `Unexpected flag in script shebang: ${name}`;
      flags |= flag;
    }
  }
  return { flags, codeStart: end };
}
