/**
 * This thread's Lua engine: the native Lua 5.1 state (native/src/lua/) and the buffers it shares
 * with TypeScript. Only the main thread runs scripts (EVAL is routed 'all': with workers it runs on
 * the main thread with every worker held), so workers never create one.
 *
 * Shared buffers (see native/src/lua/mod.rs for the contract):
 * - `argBuf` / `argWords`: redis.call's arguments, in the (offset, length) layout of Args; grown on
 *   the native side's request (`grow`), then handed back with luaSetArgBuffers;
 * - the reply buffer: the Reply the callback wrote the command's reply into, registered again
 *   whenever that Reply replaced its buffer;
 * - `control[0]`: the math.random state of the script about to run (each server keeps its own).
 *
 * One engine serves every Server of the process (tests run several): compiled scripts are named by
 * SHA-1 so sharing them is harmless; SCRIPT FLUSH on one server drops its scripts' functions and the
 * other servers recompile from their own caches on their next call. Function libraries are loaded
 * per server (each gets its own registry references).
 */
import { loadNative, nativeLoadFailure, type NativeAddon } from '../native/loader.js';

/** Runs the commands, ACL checks and log lines a script asks for. */
export interface ScriptCallHandler {
  /**
   * kind 0: redis.call/pcall, 1: redis.acl_check_cmd, 2: redis.log (arguments: level, message).
   * Arguments are in `engine.argBuf` / `engine.argWords` from word 0; writes the RESP reply (in
   * protocol `resp`) and answers its length after registering the reply buffer with the engine.
   */
  call(kind: number, argc: number, resp: 2 | 3): number;
}

type LuaAddon = Required<
  Pick<NativeAddon, 'luaInit' | 'luaSetArgBuffers' | 'luaSetReplyBuffer' | 'luaCompile' | 'luaHas' | 'luaRun' | 'luaMemory' | 'luaForget' | 'luaFunctionLoad' | 'luaFunctionUnref' | 'luaFcall' | 'luaSetBusyCallback'>
>;

/** A function a library registered: its registry reference, script flags and description. */
export interface RegisteredFunction {
  name: string;
  ref: number;
  flags: number;
  description: string | null;
}

/**
 * Called by the native count hook once a script ran past busy-reply-threshold, then every few ms
 * (native/src/lua/busy.rs): serves the other clients and answers true when the script must stop.
 */
export type BusyTick = (elapsedMs: number) => boolean;

export class LuaEngine {
  argBuf = new Uint8Array(64 * 1024);
  argWords = new Uint32Array(1024);
  /** [0] math.random state, [1] busy-reply-threshold (ms) of the next run. */
  private readonly control = new Float64Array(2);
  private replyBuf: Uint8Array | null = null;
  /** The running script's handler; null between scripts. */
  handler: ScriptCallHandler | null = null;
  /** The running script's busy tick; null between scripts. */
  private busyTick: BusyTick | null = null;

  constructor(private readonly native: LuaAddon) {
    this.reset();
  }

  /** A fresh Lua state (startup): everything compiled is gone. */
  private reset(): void {
    this.native.luaInit(this.onCall, this.onGrow, this.argBuf, this.argWords, this.control);
    this.native.luaSetBusyCallback(this.onBusy);
    this.replyBuf = null;
  }

  /** Hot path: one redis.call. */
  private readonly onCall = (code: number): number => {
    const handler = this.handler;
    if (handler === null) return 0;
    if (code >= 0) return handler.call(0, Math.floor(code / 4), (code % 4) as 2 | 3);
    return handler.call(-code % 4, Math.floor(-code / 4), 2);
  };

  private readonly onBusy = (elapsedMs: number): number => {
    const tick = this.busyTick;
    return tick !== null && tick(elapsedMs) ? 1 : 0;
  };

  /**
   * The next run's long-script handling: after `thresholdMs` (busy-reply-threshold; 0 = never) the
   * script calls `tick` every few ms. Cleared when the run ends.
   */
  watchBusy(thresholdMs: number, tick: BusyTick): void {
    this.control[1] = thresholdMs;
    this.busyTick = tick;
  }

  private readonly onGrow = (bytes: number, words: number): number => {
    if (bytes > this.argBuf.length) this.argBuf = new Uint8Array(Math.max(bytes, this.argBuf.length * 2));
    if (words > this.argWords.length) this.argWords = new Uint32Array(Math.max(words, this.argWords.length * 2));
    this.native.luaSetArgBuffers(this.argBuf, this.argWords);
    return 0;
  };

  /** Makes `buf` the buffer the native side reads command replies from. */
  useReplyBuffer(buf: Uint8Array): void {
    if (buf !== this.replyBuf) {
      this.native.luaSetReplyBuffer(buf);
      this.replyBuf = buf;
    }
  }

  /** Compiles `body` as f_<sha>; answers null or Lua's error message. */
  compile(sha: string, body: Uint8Array): string | null {
    return this.native.luaCompile(sha, body);
  }

  has(sha: string): boolean {
    return this.native.luaHas(sha);
  }

  /** Drops the compiled f_<sha> (SCRIPT FLUSH). */
  forget(sha: string): void {
    this.native.luaForget(sha);
  }

  /**
   * Runs a library's body (after its shebang line) so it registers its functions; answers them,
   * or Redis's error text without "ERR ".
   */
  loadLibrary(code: Uint8Array): RegisteredFunction[] | string {
    const result = this.native.luaFunctionLoad(code);
    if (typeof result === 'string') return result;
    return result.map(([name, ref, flags, description]) => ({ name, ref, flags, description }));
  }

  /** Forgets a registered function (FUNCTION DELETE, FLUSH, LOAD REPLACE). */
  unref(ref: number): void {
    this.native.luaFunctionUnref(ref);
  }

  /** FCALL: like run, for a registered function (called with the KEYS and ARGV tables). */
  fcall(fn: RegisteredFunction, buf: Uint8Array, words: Uint32Array, firstWord: number, nkeys: number, nargs: number, callerResp: number, prng: number, handler: ScriptCallHandler): Buffer {
    this.control[0] = prng;
    this.handler = handler;
    try {
      return this.native.luaFcall(fn.ref, fn.name, buf, words, firstWord, nkeys, nargs, callerResp);
    } finally {
      this.handler = null;
      this.busyTick = null;
      this.control[1] = 0;
    }
  }

  /**
   * Runs f_<sha> with KEYS and ARGV from argument ranges (`firstWord` indexes `words`), and answers
   * the RESP reply for a caller speaking `callerResp`. `prng` is the math.random state before; the
   * state after is in `prngAfter`.
   */
  run(sha: string, buf: Uint8Array, words: Uint32Array, firstWord: number, nkeys: number, nargs: number, callerResp: number, prng: number, handler: ScriptCallHandler): Buffer {
    this.control[0] = prng;
    this.handler = handler;
    try {
      return this.native.luaRun(sha, buf, words, firstWord, nkeys, nargs, callerResp);
    } finally {
      this.handler = null;
      this.busyTick = null;
      this.control[1] = 0;
    }
  }

  get prngAfter(): number {
    return this.control[0];
  }

  /** Bytes of the Lua heap (INFO used_memory_lua). */
  memory(): number {
    return this.native.luaMemory();
  }
}

let engine: LuaEngine | null = null;
let failure: string | null = null;

/** This thread's engine, created on first use; null when Lua cannot be used (see luaUnavailable). */
export function luaEngine(): LuaEngine | null {
  if (engine !== null || failure !== null) return engine;
  const native = loadNative();
  if (native === null || typeof native.luaAvailable !== 'function' || typeof native.luaInit !== 'function') {
    failure = `the native addon is not loaded (${nativeLoadFailure() ?? 'built without Lua support'}); build it with npm run build:native and install the Debian package liblua5.1-0`;
    return null;
  }
  const available = native.luaAvailable();
  if (available !== true) {
    failure = available;
    return null;
  }
  try {
    engine = new LuaEngine(native as LuaAddon);
  } catch (err) {
    failure = (err as Error).message;
  }
  return engine;
}

/** The engine if a script already created it (INFO must not load Lua just to report it). */
export function startedLuaEngine(): LuaEngine | null {
  return engine;
}

/** Why luaEngine() answered null. */
export function luaUnavailable(): string {
  return failure ?? '';
}
