/**
 * The command clock of one thread: a command's duration and its wall time (ctx.now, Redis's cached
 * mstime) from one monotonic reading. On this machine every clock read costs ~85 ns (Date.now() and
 * performance.now() alike, bench/README.md), against ~1-2 us for a whole pipelined command, so the
 * executor reads the clock once per command instead of three times:
 *
 * - wall time = floor(base + monotonic), where `base` (epoch ms minus monotonic ms) is re-derived
 *   from Date.now() at most every RESYNC_MS. Date.now() truncates to whole ms, so each fresh
 *   estimate is up to 1 ms low: the largest recent estimate is kept, and an estimate more than 1 ms
 *   below it (the wall clock was set back) replaces it.
 * - Within a batch (the commands of one socket read, or one ring drain), a command after the first
 *   starts when the previous one ended: `endCommand` reads the clock once per command and its reading
 *   is the next command's start; the first command of a batch, and any command run from a timer or
 *   another event, reads its own start. A chained duration also counts the previous command's reply
 *   delivery (a few hundred ns), so INFO commandstats' usec can read slightly above Redis's.
 */
import { performance } from 'node:perf_hooks';

const RESYNC_MS = 50;

let base = Date.now() - performance.now();
let syncedAt = performance.now();
let mark = syncedAt;
/** Inside a batch (beginBatch .. endBatch). */
let batchOpen = false;
/** Commands running other commands (EXEC, scripts) in progress: no chaining inside them. */
let suspended = 0;
/** The next command starts at `mark` (the previous command's end in this batch). */
let chained = false;

/** Epoch ms (integer) at monotonic time `mono` (a performance.now() reading of this thread). */
export function wallMs(mono: number): number {
  if (mono - syncedAt > RESYNC_MS) resync(mono);
  return Math.floor(base + mono);
}

function resync(mono: number): void {
  const estimate = Date.now() - mono;
  if (estimate > base || estimate < base - 1) base = estimate;
  syncedAt = mono;
}

/** Epoch ms now (one clock read): for stamps outside commands (client last interaction, cron). */
export function nowMs(): number {
  return wallMs(performance.now());
}

/**
 * Start of a batch of commands run back to back; returns the monotonic time now. The first command
 * still reads its own start (so its duration does not include parsing the batch); each later one
 * starts when the previous one ended.
 */
export function beginBatch(): number {
  batchOpen = true;
  chained = false;
  return performance.now();
}

/** End of the batch: the next command reads its own start. */
export function endBatch(): void {
  batchOpen = false;
  chained = false;
}

/** Monotonic start of a command: the end of the previous one inside a batch, else a fresh read. */
export function startCommand(): number {
  return chained ? mark : performance.now();
}

/** Monotonic end of a command, remembered as the next command's start inside a batch. */
export function endCommand(): number {
  mark = performance.now();
  chained = batchOpen && suspended === 0;
  return mark;
}

/**
 * Stops chaining while a command runs other commands itself (EXEC, scripts): their starts are read
 * fresh, so no inner command is charged the time since the outer one began (or the script's own
 * work between calls). Paired with `resumeChain` before the outer command's `endCommand`.
 */
export function suspendChain(): void {
  suspended++;
  chained = false;
}

export function resumeChain(): void {
  suspended--;
}
