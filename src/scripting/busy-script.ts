/**
 * Long scripts (Redis 7.0.15's script.c: scriptInterrupt, scriptKill). A script runs on the main
 * thread inside its command, so the event loop stops while it runs. Past `busy-reply-threshold`
 * (alias `lua-time-limit`, ms; 0 = never) the native count hook (native/src/lua/busy.rs) calls
 * the busy tick every few ms; the tick has the server read and answer the other clients without
 * the event loop (Server.serveWhileScriptBusy): they get -BUSY, except commands flagged allow_busy.
 *
 * SCRIPT KILL / FUNCTION KILL stop a script that has not run a write command yet: the next tick
 * answers "kill" and the hook raises Redis's "Script killed by user with SCRIPT KILL..." error,
 * which becomes the script's reply. A script that wrote can only be ended by SHUTDOWN NOSAVE
 * (server-admin.ts), which exits the process at once.
 *
 * A server runs at most one script at a time (the main thread runs it), so the running script is
 * kept per server.
 */
import type { Args } from '../protocol/args.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import type { LuaEngine } from './lua-engine.js';

/** Redis's shared.slowevalerr and shared.slowscripterr. */
export const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
const NOTBUSY = 'NOTBUSY No scripts in execution right now.';
const UNKILLABLE =
  'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';

/** The script a server is running. */
export class RunningScript {
  /** Ran past busy-reply-threshold: other clients are being served (and refused). */
  timedOut = false;
  /** SCRIPT KILL / FUNCTION KILL accepted: the next tick stops the script. */
  killed = false;
  readonly startedAt = Date.now();

  constructor(
    readonly server: Server,
    readonly caller: Client,
    /** EVAL family (true) or FCALL (false): which KILL may stop it, and the -BUSY text. */
    readonly isEval: boolean,
    /** The SHA-1 or function name (the log, FUNCTION STATS). */
    readonly name: string,
    /** The caller's command (FUNCTION STATS); valid while the script runs. */
    readonly command: Args,
    /** Whether the script has run a write command (such a script cannot be killed). */
    readonly wrote: () => boolean,
  ) {}
}

const running = new WeakMap<Server, RunningScript>();

/** The script `server` is running, if any. */
export function runningScriptOf(server: Server): RunningScript | undefined {
  return running.get(server);
}

/**
 * Runs `run` (the script's luaRun / luaFcall) with busy-reply-threshold handling: answers what
 * `run` answers. `wrote` tells whether the script has run a write command so far.
 */
export function runWatchingBusy<T>(server: Server, engine: LuaEngine, caller: Client, isEval: boolean, name: string, command: Args, wrote: () => boolean, run: () => T): T {
  const script = new RunningScript(server, caller, isEval, name, command, wrote);
  running.set(server, script);
  engine.watchBusy(server.config.int('busy-reply-threshold'), (elapsedMs) => busyTick(script, elapsedMs));
  try {
    return run();
  } finally {
    running.delete(server);
  }
}

/** One tick of a timed-out script: serve the other clients; true when the script must stop. */
function busyTick(script: RunningScript, elapsedMs: number): boolean {
  const server = script.server;
  if (!script.timedOut) {
    script.timedOut = true;
    server.log.warning(
      `Slow script detected: still in execution after ${Math.floor(elapsedMs)} milliseconds. You can try killing the script using the ${script.isEval ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. Script name is: ${script.name}.`,
    );
  }
  server.serveWhileScriptBusy(script.caller, script.isEval ? BUSY_EVAL : BUSY_FUNCTION);
  if (script.killed) server.log.warning('Lua script killed by user with SCRIPT KILL.');
  return script.killed;
}

/**
 * SCRIPT KILL (`isEval`) / FUNCTION KILL: answers the error reply, or null when the script will
 * stop (+OK). Redis's scriptKill, in its order of checks.
 */
export function killRunningScript(server: Server, isEval: boolean): string | null {
  const script = running.get(server);
  if (script === undefined) return NOTBUSY;
  if (script.wrote()) return UNKILLABLE;
  if (isEval && !script.isEval) return BUSY_FUNCTION;
  if (!isEval && script.isEval) return BUSY_EVAL;
  script.killed = true;
  return null;
}
