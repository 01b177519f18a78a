/**
 * The server process's resident memory outside V8's heap (src/cli.ts starts this; the server as a
 * library does not). Measured in bench/README.md, "Process floor: node's startup pages and glibc's
 * free memory" and "Process floor: node's code pages after warm-up".
 *
 * - Shortly after the server listens, the clean pages of node's read-only file mappings (its code
 *   and read-only data, ~44 MiB resident after startup) leave the page tables (`releaseFilePages`).
 *   Most were touched only while node bootstrapped and the server's modules were compiled; they stay
 *   in the kernel's page cache, and the ones serving needs come back on first use (a minor fault
 *   each). The kernel drops such clean pages by itself under memory pressure; this only does it early.
 * - After a busy period, once the event loop has been idle for a tick of this timer, glibc's
 *   malloc_trim(0) gives free pages back (freed input buffers and other native allocations that
 *   glibc keeps in its heaps), and node's file pages are released again: what a busy period touched
 *   once and a warmed-up server no longer runs (TurboFan compiling the functions that just got hot,
 *   the parser, the first GCs) leaves; a steady load after warm-up then holds ~3 MiB fewer of them,
 *   an idle server ~10 MiB fewer. Both run at most every MIN_TRIM_GAP_MS, and only if the event loop
 *   was busy since the last time, so a steady load never pays for them; they cost 1-20 ms when they
 *   run, and the pages serving needs fault back in (a minor fault per 64 KiB).
 *
 * Without the addon's functions (no addon, or an older one) nothing happens.
 * For A/B measurements `TESSERA_MEMORY_CARE` = `0` turns all of it off, `release` keeps only the
 * releases, `trim` only the trims, `once` the trims and only the first release (the behaviour before
 * the releases after busy periods).
 */
import { performance } from 'node:perf_hooks';
import { loadNative } from './loader.js';

/** Delay between the server listening and the release of node's startup pages. */
const RELEASE_DELAY_MS = 1000;
/** How often the event loop's utilization is sampled. */
const TICK_MS = 500;
/**
 * Utilization of one tick above which the process counts as busy; at or below, as idle. Low, so that
 * a trim (1-20 ms on the main thread) waits for a server with next to no traffic: at 1% a tick had
 * at most 5 ms of work, a few hundred requests.
 */
const BUSY_UTILIZATION = 0.01;
/** Least time between two trims. */
const MIN_TRIM_GAP_MS = 5000;

/** Starts the release and the idle trims; answers a function that stops them. Timers are unref'd. */
export function startProcessMemoryCare(): () => void {
  const addon = loadNative();
  const releaseFilePages = addon?.releaseFilePages;
  const mallocTrim = addon?.mallocTrim;
  const only = process.env.TESSERA_MEMORY_CARE;
  if (only === '0' || !releaseFilePages || !mallocTrim) return () => {};
  const releases = only !== 'trim';
  const releaseAfterBusy = releases && only !== 'once';
  const trims = only !== 'release';
  const release = setTimeout(() => {
    if (releases) releaseFilePages();
  }, RELEASE_DELAY_MS);
  release.unref();
  let last = performance.eventLoopUtilization();
  let busySinceTrim = false;
  let lastTrim = -Infinity;
  const tick = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (utilization > BUSY_UTILIZATION) {
      busySinceTrim = true;
      return;
    }
    const t = performance.now();
    if (!busySinceTrim || t - lastTrim < MIN_TRIM_GAP_MS) return;
    busySinceTrim = false;
    lastTrim = t;
    if (trims) mallocTrim();
    if (releaseAfterBusy) releaseFilePages();
  }, TICK_MS);
  tick.unref();
  return () => {
    clearTimeout(release);
    clearInterval(tick);
  };
}
