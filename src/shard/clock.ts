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

/**
 * base (0), last resync (1) and the previous command's end (2), in a Float64Array: a double kept in
 * a module-level `let` is boxed, and storing one allocates a HeapNumber each time (a third of what
 * the command path allocated, sampled).
 */
const t = new Float64Array(3);
const BASE = 0;
const SYNCED_AT = 1;
const MARK = 2;
t[BASE] = Date.now() - performance.now();
t[SYNCED_AT] = performance.now();
t[MARK] = t[SYNCED_AT];
/** Inside a batch (beginBatch .. endBatch). */
let batchOpen = false;
/** Commands running other commands (EXEC, scripts) in progress: no chaining inside them. */
let suspended = 0;
/** The next command starts at `mark` (the previous command's end in this batch). */
let chained = false;

/** Epoch ms (integer) at monotonic time `mono` (a performance.now() reading of this thread). */
export function wallMs(mono: number): number {
  if (mono - t[SYNCED_AT] > RESYNC_MS) resync(mono);
  return Math.floor(t[BASE] + mono);
}

function resync(mono: number): void {
  const estimate = Date.now() - mono;
  if (estimate > t[BASE] || estimate < t[BASE] - 1) t[BASE] = estimate;
  t[SYNCED_AT] = mono;
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
  return chained ? t[MARK] : performance.now();
}

/** Monotonic end of a command, remembered as the next command's start inside a batch. */
export function endCommand(): number {
  const now = performance.now();
  t[MARK] = now;
  chained = batchOpen && suspended === 0;
  return now;
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
