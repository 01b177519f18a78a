/**
 * A server's function libraries (Redis's functionsLibCtx): library name -> code and functions, and
 * function name -> function. Function names are looked up ignoring case (as Redis's functions
 * dict does), library names exactly. The Lua side of each function is a registry reference in the
 * thread's Lua state (native/src/lua/functions.rs); a library's functions are forgotten with it.
 *
 * Loading follows functionsCreateWithLibraryCtx: parse the `#!lua name=<library>` line, run the
 * body so it registers functions, refuse an existing library without REPLACE, an empty library and
 * a function name another library has; on any failure the previous library stays.
 */
import type { LuaEngine, RegisteredFunction } from './lua-engine.js';
import type { Server } from '../server/server.js';

export interface FunctionInfo {
  readonly library: LibraryInfo;
  readonly fn: RegisteredFunction;
}

export interface LibraryInfo {
  readonly name: string;
  /** The whole body as loaded, shebang line included (FUNCTION LIST WITHCODE). */
  readonly code: Uint8Array;
  /** In registration order. */
  readonly functions: FunctionInfo[];
}

const NAME_RULE = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

export function validName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

export class FunctionStore {
  readonly libraries = new Map<string, LibraryInfo>();
  /** By lowercased function name. */
  readonly functions = new Map<string, FunctionInfo>();

  get functionCount(): number {
    return this.functions.size;
  }

  /** FUNCTION LOAD: answers the library name, or the error text without "ERR ". */
  load(engine: LuaEngine, code: Uint8Array, replace: boolean): string | { error: string } {
    const meta = checkedHeader(code);
    if ('error' in meta) return meta;
    const old = this.libraries.get(meta.name);
    if (old !== undefined && !replace) return { error: `Library '${meta.name}' already exists` };
    if (old !== undefined) this.unlink(old);
    const registered = engine.loadLibrary(code.subarray(meta.codeStart));
    const fail = (error: string, created: RegisteredFunction[]) => {
      for (const fn of created) engine.unref(fn.ref);
      if (old !== undefined) this.link(old);
      return { error };
    };
    if (typeof registered === 'string') return fail(registered, []);
    if (registered.length === 0) return fail('No functions registered', registered);
    for (const fn of registered) if (this.functions.has(fn.name.toLowerCase())) return fail(`Function ${fn.name} already exists`, registered);
    const library: LibraryInfo = { name: meta.name, code: Uint8Array.prototype.slice.call(code), functions: [] };
    for (const fn of registered) library.functions.push({ library, fn });
    this.link(library);
    if (old !== undefined) for (const f of old.functions) engine.unref(f.fn.ref);
    return meta.name;
  }

  /**
   * FUNCTION RESTORE of the library codes of a payload (functionRestoreCommand): they are loaded
   * apart first, as a fresh library set, then FLUSH swaps them in, APPEND refuses any library name
   * already here and REPLACE replaces those libraries; a function name already here fails both.
   * On any error nothing changes. Answers the error text without "ERR ", or null.
   */
  restore(engine: LuaEngine, codes: Uint8Array[], policy: 'flush' | 'append' | 'replace'): string | null {
    const fresh = new Map<string, LibraryInfo>();
    const freshFunctions = new Set<string>();
    const release = () => {
      for (const library of fresh.values()) for (const f of library.functions) engine.unref(f.fn.ref);
    };
    for (const code of codes) {
      const meta = checkedHeader(code);
      if ('error' in meta) return release(), meta.error;
      if (fresh.has(meta.name)) return release(), `Library '${meta.name}' already exists`;
      const registered = engine.loadLibrary(code.subarray(meta.codeStart));
      if (typeof registered === 'string') return release(), registered;
      const library: LibraryInfo = { name: meta.name, code: Uint8Array.prototype.slice.call(code), functions: [] };
      for (const fn of registered) library.functions.push({ library, fn });
      fresh.set(meta.name, library);
      if (registered.length === 0) return release(), 'No functions registered';
      for (const fn of registered) {
        const key = fn.name.toLowerCase();
        if (freshFunctions.has(key)) return release(), `Function ${fn.name} already exists`;
        freshFunctions.add(key);
      }
    }
    const replaced: LibraryInfo[] = [];
    if (policy === 'flush') this.flush(engine);
    else {
      for (const library of fresh.values()) {
        const old = this.libraries.get(library.name);
        if (old === undefined) continue;
        if (policy === 'append') {
          for (const back of replaced) this.link(back);
          return release(), `Library ${library.name} already exists`;
        }
        this.unlink(old);
        replaced.push(old);
      }
      for (const library of fresh.values()) {
        for (const f of library.functions) {
          if (!this.functions.has(f.fn.name.toLowerCase())) continue;
          for (const back of replaced) this.link(back);
          return release(), `Function ${f.fn.name} already exists`;
        }
      }
    }
    for (const library of fresh.values()) this.link(library);
    for (const old of replaced) for (const f of old.functions) engine.unref(f.fn.ref);
    return null;
  }

  /** FUNCTION DELETE: false when there is no such library. */
  delete(engine: LuaEngine | null, name: string): boolean {
    const library = this.libraries.get(name);
    if (library === undefined) return false;
    this.unlink(library);
    if (engine !== null) for (const f of library.functions) engine.unref(f.fn.ref);
    return true;
  }

  /** FUNCTION FLUSH. */
  flush(engine: LuaEngine | null): void {
    for (const name of [...this.libraries.keys()]) this.delete(engine, name);
  }

  private link(library: LibraryInfo): void {
    this.libraries.set(library.name, library);
    for (const f of library.functions) this.functions.set(f.fn.name.toLowerCase(), f);
  }

  private unlink(library: LibraryInfo): void {
    this.libraries.delete(library.name);
    for (const f of library.functions) this.functions.delete(f.fn.name.toLowerCase());
  }
}

/** The header of a library to load, checked: a valid library name and the Lua engine. */
function checkedHeader(code: Uint8Array): { engine: string; name: string; codeStart: number } | { error: string } {
  const meta = parseLibraryHeader(code);
  if (typeof meta === 'string') return { error: meta };
  if (!validName(meta.name)) return { error: NAME_RULE };
  if (meta.engine.toLowerCase() !== 'lua') return { error: `Engine '${meta.engine}' not found` };
  return meta;
}

/**
 * Redis's functionExtractLibMetaData: "#!<engine> name=<library>" up to the first newline. The
 * body handed to the engine starts at that newline, so line numbers count the shebang line.
 */
export function parseLibraryHeader(code: Uint8Array): { engine: string; name: string; codeStart: number } | string {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) return 'Missing library metadata';
  const end = code.indexOf(0x0a);
  if (end < 0) return 'Invalid library metadata';
  const parts = Buffer.from(code.buffer, code.byteOffset, end).toString('latin1').split(/[ \t\r\v\f]+/).filter((p) => p !== '');
  if (parts.length === 0) return 'Invalid library metadata';
  const engine = parts[0].slice(2);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return 'Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `Invalid metadata value given: ${part}`;
  }
  if (name === null) return 'Library name was not given';
  return { engine, name, codeStart: end };
}

const stores = new WeakMap<Server, FunctionStore>();

export function functionStoreOf(server: Server): FunctionStore {
  let store = stores.get(server);
  if (store === undefined) stores.set(server, (store = new FunctionStore()));
  return store;
}
