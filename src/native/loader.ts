/**
 * Loads the Rust addon (`native/tessera.node`, built by `npm run build:native`) if it is there.
 *
 * Every native function has a TypeScript twin, so a missing or broken addon is not an error: the
 * loader answers null and callers use the twin. The result is cached per thread (worker threads each
 * load their own copy; the functions are stateless). Resolved relative to this file's compiled form,
 * dist/native/loader.js -> ../../native/tessera.node.
 */
import { createRequire } from 'node:module';

/** The addon's exports. */
export interface NativeAddon {
  /**
   * RESP request parser, same contract as `parseRequests` in src/protocol/resp-parser.ts: parses
   * `buf[start, end)`, writes counts, offsets and error words into `out`, and may decode quoted inline
   * arguments in place in `buf`.
   */
  parse(buf: Uint8Array, start: number, end: number, out: Uint32Array, maxBulk: number): void;
  /**
   * HyperLogLog register work on whole values (native/src/hll.rs), same contracts as the functions of
   * the same names in src/storage/hyperloglog.ts. Throws on out-of-range offsets.
   */
  hllAdd(v: Uint8Array, base: number, len: number, sparseMax: number, src: Uint8Array, words: Uint32Array, wordBase: number, n: number): number;
  hllCount(v: Uint8Array, base: number, len: number): number;
  hllCountRaw(max: Uint8Array): number;
  hllMerge(max: Uint8Array, v: Uint8Array, base: number, len: number): boolean;
  hllSetRegisters(v: Uint8Array, base: number, len: number, sparseMax: number, max: Uint8Array): number;
  /**
   * Lua 5.1 scripting (native/src/lua/mod.rs documents each function). Absent from addons built
   * before scripting existed, hence optional; there is no TypeScript twin: without the addon (or
   * without Debian's liblua5.1-0) scripting commands answer an error.
   */
  luaAvailable?(): true | string;
  luaInit?(call: (code: number, unused: number) => number, grow: (bytes: number, words: number) => number, argBuf: Uint8Array, argWords: Uint32Array, control: Float64Array): void;
  luaSetArgBuffers?(argBuf: Uint8Array, argWords: Uint32Array): void;
  luaSetReplyBuffer?(buf: Uint8Array): void;
  luaCompile?(sha: string, body: Uint8Array): string | null;
  luaHas?(sha: string): boolean;
  luaRun?(sha: string, buf: Uint8Array, words: Uint32Array, firstWord: number, nkeys: number, nargs: number, callerResp: number): Buffer;
  luaMemory?(): number;
  luaForget?(sha: string): void;
  luaFunctionLoad?(code: Uint8Array): string | Array<[name: string, ref: number, flags: number, description: string | null]>;
  luaFunctionUnref?(ref: number): void;
  luaFcall?(ref: number, name: string, buf: Uint8Array, words: Uint32Array, firstWord: number, nkeys: number, nargs: number, callerResp: number): Buffer;
  luaSha1Hex?(bytes: Uint8Array): string;
  /** Accepts one pending connection of a listening descriptor (-1: none); for busy scripts. */
  acceptNow?(listenFd: number): number;
  luaSetBusyCallback?(busy: (elapsedMs: number, unused: number) => number): void;
  /** Redis's CRC-64 (native/src/crc64.rs): advances the little-endian CRC in `state[0, 8)` over data[start, end). */
  crc64?(state: Uint8Array, data: Uint8Array, start: number, end: number): void;
  /** Redis's LZF (native/src/lzf.rs), same contracts as src/persistence/lzf.ts's twins. */
  lzfCompress?(input: Uint8Array, start: number, end: number, out: Uint8Array): number;
  lzfDecompress?(input: Uint8Array, start: number, end: number, out: Uint8Array): number;
  /** memmove of `u8[src, src + n)` to `dst` inside one array (native/src/memory.rs); RangeError when out of bounds. */
  moveBytes(u8: Uint8Array, dst: number, src: number, n: number): void;
  /**
   * The process's memory outside V8 (native/src/process_memory.rs; src/native/process-memory.ts uses
   * them): glibc's mallopt (1 on success) and malloc_trim(0) (true if memory went back), and
   * releaseFilePages, which drops the clean pages of read-only file mappings (node's code) from the
   * page tables and answers the bytes that were resident there. Absent from older addons.
   */
  mallocOption?(param: number, value: number): number;
  mallocTrim?(): boolean;
  releaseFilePages?(): number;
}

let loaded = false;
let addon: NativeAddon | null = null;
let failure: string | null = null;

/** The addon, or null when it is absent or fails to load. Never throws. */
export function loadNative(): NativeAddon | null {
  if (loaded) return addon;
  loaded = true;
  if (process.env.TESSERA_NO_NATIVE === '1') {
    failure = 'disabled by TESSERA_NO_NATIVE=1';
    return null;
  }
  try {
    const require = createRequire(import.meta.url);
    const candidate = require('../../native/tessera.node') as Partial<NativeAddon>;
    if (typeof candidate.parse !== 'function') {
      failure = 'native/tessera.node has no parse function';
      return null;
    }
    addon = candidate as NativeAddon;
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    addon = null;
  }
  return addon;
}

/** Why the last `loadNative()` answered null (null if it loaded or was not tried). */
export function nativeLoadFailure(): string | null {
  return failure;
}
