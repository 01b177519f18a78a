/**
 * MULTI/EXEC state on the main thread: each client's queue of commands, and the watched keys.
 *
 * Queueing: between MULTI and EXEC every command but EXEC, DISCARD, MULTI, WATCH, QUIT and RESET is
 * checked (name, arity, no-multi flag: a failure flags the transaction so EXEC answers EXECABORT)
 * and kept with its own copy of the arguments. EXEC holds every worker (the sequencer enqueues the
 * holds, so the transaction is ordered against every other command and no client sees half of
 * it), runs the queue on the main thread and answers one array.
 *
 * WATCH: a command that changed something (its context's dirty count went up, in a worker or
 * here) marks every client watching one of its keys; writes whose keys are not in their key
 * positions (FLUSHALL, SWAPDB, MOVE, COPY ... DB) mark every watcher.
 * A watched key that is expired when EXEC runs also fails it.
 * Differences from Redis, both conservative (EXEC fails where Redis might run it): a multi-key
 * command that changed one of its keys marks watchers of all of them, and a key already expired
 * when WATCHed fails the EXEC too.
 */
import type { Args } from '../protocol/args.js';
import type { CommandSpec } from '../commands/spec.js';
import type { CommandImpl } from '../commands/handler.js';
import type { Client } from './client.js';

export interface QueuedCommand {
  spec: CommandSpec;
  impl: CommandImpl;
  args: Args;
}

/** Per-client transaction state, created by MULTI or WATCH. */
export class TransactionState {
  /** Commands queued since MULTI; null outside MULTI. */
  queue: QueuedCommand[] | null = null;
  /** A command failed to queue: EXEC answers EXECABORT. */
  aborted = false;
  /** A watched key changed: EXEC answers the null array. */
  dirty = false;
  /** Watched keys: `keyName` -> [db, key bytes]. */
  readonly watched = new Map<string, { db: number; key: Uint8Array }>();
}

export const EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';
export const NOT_IN_MULTI_COMMANDS = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Clients watching each key name. */
export class WatchedKeys {
  private readonly byKey = new Map<string, Set<Client>>();

  get size(): number {
    return this.byKey.size;
  }

  watch(client: Client, state: TransactionState, name: string, db: number, key: Uint8Array): void {
    if (state.watched.has(name)) return;
    state.watched.set(name, { db, key });
    let set = this.byKey.get(name);
    if (set === undefined) this.byKey.set(name, (set = new Set()));
    set.add(client);
  }

  unwatchAll(client: Client, state: TransactionState): void {
    for (const name of state.watched.keys()) {
      const set = this.byKey.get(name);
      if (set === undefined) continue;
      set.delete(client);
      if (set.size === 0) this.byKey.delete(name);
    }
    state.watched.clear();
    state.dirty = false;
  }

  /** Marks every client watching `name`. */
  touch(name: string): void {
    const set = this.byKey.get(name);
    if (set === undefined) return;
    for (const c of set) if (c.tx !== null) c.tx.dirty = true;
  }

  /** Marks every watching client (writes whose keys cannot be named). */
  touchAll(): void {
    for (const set of this.byKey.values()) for (const c of set) if (c.tx !== null) c.tx.dirty = true;
  }

  /** Whether anyone watches `name` (to skip work on the hot path). */
  has(name: string): boolean {
    return this.byKey.has(name);
  }
}
