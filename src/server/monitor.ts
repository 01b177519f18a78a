/**
 * MONITOR: the clients that receive a line for every command the server runs (Redis's
 * server.monitors and replicationFeedMonitors).
 *
 * A line is `+<seconds>.<microseconds> [<db> <source>] "arg" "arg"...\r\n`, a simple string in both
 * RESP versions, where the source is the client's ip:port, `unix:<unixsocket>` for a unix socket
 * client, or `lua` for a command called by a script; arguments are quoted as sdscatrepr does and the
 * secrets of AUTH and HELLO ... AUTH are shown as "(redacted)", as Redis 7.0 shows them.
 *
 * Which commands are fed, and when (Redis 7.0.15's call() and processCommand):
 * - Commands that pass the checks before execution; one rejected there (unknown command, arity,
 *   NOAUTH, subscribed mode, BUSY, queued in MULTI...) is never fed.
 * - Commands flagged `admin` (CONFIG, DEBUG, CLIENT, MONITOR itself...) are never fed; those flagged
 *   `skip_monitor` (EVAL, FCALL and their variants) are fed when the script starts, before the lines
 *   of the commands it calls; everything else after it ran (SELECT shows the database it selected,
 *   EXEC comes after the commands it ran).
 * - A blocked command is fed once, when it is first tried, not when it is served.
 *
 * Nothing here runs unless a monitor is attached: the server checks `size` first.
 */
import type { Args } from '../protocol/args.js';
import type { CommandSpec } from '../commands/spec.js';
import { reprBytes } from '../protocol/repr.js';
import type { Client } from './client.js';

/** Where a monitor line's output goes: the server's ordered output path. */
export interface MonitorSink {
  pushOutput(client: Client, bytes: Uint8Array, start: number, end: number): void;
}

export const enum MonitorTiming {
  /** Not fed (admin commands). */
  Never = 0,
  /** Fed before the command runs (skip_monitor: scripts and functions feed themselves first). */
  Before = 1,
  /** Fed after the command ran. */
  After = 2,
}

/** When `spec` is fed to monitors. */
export function monitorTiming(spec: CommandSpec): MonitorTiming {
  const flags = spec.flags;
  if (flags.includes('admin')) return MonitorTiming.Never;
  if (flags.includes('skip_monitor')) return MonitorTiming.Before;
  return MonitorTiming.After;
}

export class MonitorFeed {
  private readonly clients: Client[] = [];

  /** `unixSocketPath` gives the `unixsocket` setting, for lines of unix socket clients. */
  constructor(private readonly unixSocketPath: () => string) {}

  get size(): number {
    return this.clients.length;
  }

  has(client: Client): boolean {
    return this.clients.includes(client);
  }

  add(client: Client): void {
    if (!this.has(client)) this.clients.push(client);
  }

  remove(client: Client): void {
    const i = this.clients.indexOf(client);
    if (i !== -1) this.clients.splice(i, 1);
  }

  /** Sends every monitor the line of `args` run by `source` (null: a script) in database `db`. */
  feed(sink: MonitorSink, source: Client | null, db: number, args: Args): void {
    const line = Buffer.from(monitorLine(source === null ? 'lua' : this.sourceOf(source), db, args, nowMicros()), 'latin1');
    for (let i = 0; i < this.clients.length; i++) {
      const m = this.clients[i];
      if (m.closed) {
        this.clients.splice(i--, 1);
        continue;
      }
      sink.pushOutput(m, line, 0, line.length);
    }
  }

  private sourceOf(client: Client): string {
    return client.socket.remoteFamily === undefined ? `unix:${this.unixSocketPath()}` : client.addr;
  }
}

/** Microseconds since the epoch: the wall clock's milliseconds, the sub-millisecond digits from the monotonic clock. */
function nowMicros(): number {
  return Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);
}

/** One monitor line (latin1 text, CRLF-terminated) at `micros` since the epoch. */
export function monitorLine(source: string, db: number, args: Args, micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  let line = `+${seconds}.${String(micros - seconds * 1_000_000).padStart(6, '0')} [${db} ${source}]`;
  const redact = redactedFrom(args);
  for (let i = 0; i < args.argc; i++) {
    line += ' ';
    line += i >= redact.from && i < redact.to ? '"(redacted)"' : reprBytes(args.buf, args.offset(i), args.offset(i) + args.length(i));
  }
  return line + '\r\n';
}

/**
 * The arguments Redis 7.0 redacts in MONITOR output: every argument of AUTH, and the username and
 * password after HELLO's AUTH option.
 */
function redactedFrom(args: Args): { from: number; to: number } {
  if (args.is(0, 'auth')) return { from: 1, to: args.argc };
  if (args.is(0, 'hello')) {
    for (let i = 2; i < args.argc; i++) {
      const more = args.argc - 1 - i;
      if (args.is(i, 'auth') && more >= 2) return { from: i + 1, to: i + 3 };
      if (args.is(i, 'setname') && more >= 1) i++;
      else break;
    }
  }
  return { from: 0, to: 0 };
}
