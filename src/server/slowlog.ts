/**
 * The slow log (SLOWLOG GET/LEN/RESET): commands that took at least `slowlog-log-slower-than` us,
 * newest first, at most `slowlog-max-len` of them. Each entry keeps what Redis's slowlogCreateEntry
 * keeps: an id, the time (s), the duration (us), up to 32 arguments (the last one replaced by
 * "... (N more arguments)" when cut) each cut at 128 bytes with "... (N more bytes)", the client's
 * address and name. Secrets (AUTH, HELLO AUTH, ACL SETUSER, CONFIG SET requirepass/masterauth) are "(redacted)".
 *
 * State lives per Server in a WeakMap; the two settings are cached and refreshed after CONFIG SET
 * (`refreshSlowlogSettings`), so the per-command hook costs one comparison when nothing is logged.
 */
import type { Server } from './server.js';
import type { Client } from './client.js';
import type { Args } from '../protocol/args.js';
import type { Config } from '../config/config.js';

/** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const MAX_ARGS = 32;
const MAX_ARG_BYTES = 128;
const REDACTED = Buffer.from('(redacted)');

export interface SlowlogEntry {
  id: number;
  /** Seconds since the epoch. */
  time: number;
  usec: number;
  args: Buffer[];
  addr: string;
  name: string;
}

export class Slowlog {
  /** Oldest first (GET reads from the end). */
  readonly entries: SlowlogEntry[] = [];
  nextId = 0;
  /** slowlog-log-slower-than, us (< 0 = off). */
  slowerThan = 10000;
  maxLen = 128;

  constructor(config: Config) {
    this.refresh(config);
  }

  refresh(config: Config): void {
    this.slowerThan = config.int('slowlog-log-slower-than');
    this.maxLen = config.int('slowlog-max-len');
    this.trim();
  }

  push(entry: Omit<SlowlogEntry, 'id'>): void {
    this.entries.push({ id: this.nextId++, ...entry });
    this.trim();
  }

  private trim(): void {
    const excess = this.entries.length - this.maxLen;
    if (excess > 0) this.entries.splice(0, excess);
  }

  /** The newest `count` entries, newest first. */
  newest(count: number): SlowlogEntry[] {
    const out: SlowlogEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < count; i--) out.push(this.entries[i]);
    return out;
  }

  reset(): void {
    this.entries.length = 0;
  }
}

const LOGS = new WeakMap<Server, Slowlog>();
let lastServer: Server | null = null;
let lastLog: Slowlog | null = null;

export function slowlogOf(server: Server): Slowlog {
  if (server === lastServer) return lastLog!;
  let log = LOGS.get(server);
  if (log === undefined) {
    log = new Slowlog(server.config);
    LOGS.set(server, log);
  }
  lastServer = server;
  lastLog = log;
  return log;
}

/** Re-reads slowlog-log-slower-than and slowlog-max-len (after CONFIG SET). */
export function refreshSlowlogSettings(server: Server): void {
  slowlogOf(server).refresh(server.config);
}

/**
 * Hook for the server, after every executed command, with its duration in us. Logs the command if it
 * was slow enough (EXEC is never logged: its commands are, as in Redis). Hot path: one comparison
 * unless the command is logged; `args` must still describe the command's arguments.
 */
export function recordSlow(server: Server, client: Client, args: Args, usec: number): void {
  const log = slowlogOf(server);
  if (log.slowerThan < 0 || log.maxLen === 0 || usec < log.slowerThan) return;
  if (args.is(0, 'exec')) return;
  log.push({ time: Math.floor(Date.now() / 1000), usec, args: slowlogArgs(args), addr: client.addr, name: client.name });
}

/** The logged form of a command's arguments. */
export function slowlogArgs(args: Args): Buffer[] {
  const argc = args.argc;
  const kept = Math.min(argc, MAX_ARGS);
  const redacted = redactedArgs(args);
  const out: Buffer[] = [];
  for (let j = 0; j < kept; j++) {
    if (kept !== argc && j === kept - 1) {
      out.push(Buffer.from(`... (${argc - kept + 1} more arguments)`));
    } else if (redacted.has(j)) {
      out.push(REDACTED);
    } else {
      const len = args.length(j);
      const start = args.offset(j);
      if (len > MAX_ARG_BYTES) {
        out.push(Buffer.concat([Buffer.from(args.buf.subarray(start, start + MAX_ARG_BYTES)), Buffer.from(`... (${len - MAX_ARG_BYTES} more bytes)`)]));
      } else {
        out.push(Buffer.from(args.buf.subarray(start, start + len)));
      }
    }
  }
  return out;
}

const SENSITIVE_CONFIGS = new Set(['requirepass', 'masterauth', 'masteruser']);

/** Argument indexes Redis redacts (redactClientCommandArgument) before logging. */
function redactedArgs(args: Args): Set<number> {
  const out = new Set<number>();
  if (args.is(0, 'auth')) {
    for (let i = 1; i < args.argc; i++) out.add(i);
  } else if (args.is(0, 'hello')) {
    for (let i = 2; i < args.argc; i++) {
      const more = args.argc - 1 - i;
      if (args.is(i, 'auth') && more >= 2) {
        out.add(i + 1);
        out.add(i + 2);
        i += 2;
      } else if (args.is(i, 'setname') && more >= 1) {
        i++;
      } else {
        break;
      }
    }
  } else if (args.is(0, 'config') && args.argc > 2 && args.is(1, 'set')) {
    for (let i = 2; i + 1 < args.argc; i += 2) {
      if (SENSITIVE_CONFIGS.has(args.lower(i))) out.add(i + 1);
    }
  } else if (args.is(0, 'acl') && args.argc >= 3 && args.is(1, 'setuser')) {
    for (let i = 2; i < args.argc; i++) out.add(i);
  } else if (args.is(0, 'migrate')) {
    for (let i = 6; i < args.argc; i++) {
      if (args.is(i, 'auth') && i + 1 < args.argc) out.add(++i);
      else if (args.is(i, 'auth2') && i + 2 < args.argc) {
        out.add(i + 1);
        out.add(i + 2);
        i += 2;
      }
    }
  }
  return out;
}
