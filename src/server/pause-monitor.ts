/**
 * Pauses of the main thread that Redis cannot have and so has no INFO field for: event-loop stalls and
 * V8 garbage collections. Tessera reports them in INFO stats under its own `tessera_` names, so the
 * latency benchmark (bench/latency.mjs) and operators can check the issue's "no pause over 10 ms":
 *
 *   tessera_eventloop_delay_max_usec   longest stall of the event loop (timer lateness beyond its interval)
 *   tessera_eventloop_delay_p99_usec   99th percentile of that lateness
 *   tessera_eventloop_busy_max_usec    longest stall the process spent on the CPU: per interval, the
 *                                      smaller of the lateness and the process's CPU time in it, which
 *                                      leaves out the time a busy machine kept the process off the CPU
 *   tessera_gc_pauses                  garbage collections of the main thread's heap
 *   tessera_gc_pause_total_usec        their summed duration
 *   tessera_gc_pause_max_usec          the longest one
 *   tessera_gc_major_pause_max_usec    the longest that was not a scavenge (mark-compact, the end of
 *                                      incremental marking, weak callbacks): with the CLI's fixed
 *                                      1 MiB young generation (src/cli.ts) scavenges stay short,
 *                                      so a long pause here points at the old generation
 *
 * All count from the server's start or the last CONFIG RESETSTAT. The event loop is sampled by an
 * unref'd interval timer every INTERVAL_MS that records how late it fires: an idle loop fires on time,
 * a loop blocked for d ms fires ~d ms late, so a stall is measured to within the timer's jitter, not
 * rounded to the interval. (perf_hooks' monitorEventLoopDelay would do the same in C++, but its
 * reset() drops the first interval after it, so a stall right after CONFIG RESETSTAT went unseen.)
 * Lateness goes into a Redis-layout HDR histogram for the p99. GC pauses come from a
 * PerformanceObserver for 'gc' entries, which V8 delivers once per collection (not per command).
 * Worker threads have their own heaps; their collections delay the commands they run but not the
 * main thread, and are not counted here.
 */
import { PerformanceObserver, performance, constants } from 'node:perf_hooks';
import type { Server } from './server.js';
import { LatencyHistogram } from './latency.js';

const INTERVAL_MS = 10;

export class PauseMonitor {
  private loopDelays = new LatencyHistogram();
  private loopMaxMs = 0;
  private busyMaxMs = 0;
  private lastTick = 0;
  private lastCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  private timer: NodeJS.Timeout | null = null;
  private readonly gc: PerformanceObserver;
  private gcCount = 0;
  private gcTotalMs = 0;
  private gcMaxMs = 0;
  private gcMajorMaxMs = 0;

  constructor() {
    this.gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.gcCount++;
        this.gcTotalMs += entry.duration;
        if (entry.duration > this.gcMaxMs) this.gcMaxMs = entry.duration;
        const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
        if (kind !== constants.NODE_PERFORMANCE_GC_MINOR && entry.duration > this.gcMajorMaxMs) this.gcMajorMaxMs = entry.duration;
      }
    });
  }

  start(): void {
    if (this.timer !== null) return;
    this.lastTick = performance.now();
    this.lastCpu = process.cpuUsage();
    this.timer = setInterval(() => this.tick(), INTERVAL_MS);
    this.timer.unref();
    this.gc.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.gc.disconnect();
  }

  private tick(): void {
    const now = performance.now();
    const lateMs = now - this.lastTick - INTERVAL_MS;
    this.lastTick = now;
    const late = lateMs > 0 ? lateMs : 0;
    if (late > this.loopMaxMs) this.loopMaxMs = late;
    this.loopDelays.record(late * 1e6);
    // CPU time of the whole process (workers included: an over-estimate in worker mode).
    const cpu = process.cpuUsage();
    const cpuMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    this.lastCpu = cpu;
    const busy = cpuMs < late ? cpuMs : late;
    if (busy > this.busyMaxMs) this.busyMaxMs = busy;
  }

  /** CONFIG RESETSTAT. A stall in progress is still measured by the next tick. */
  reset(): void {
    this.loopDelays = new LatencyHistogram();
    this.loopMaxMs = 0;
    this.busyMaxMs = 0;
    this.gcCount = 0;
    this.gcTotalMs = 0;
    this.gcMaxMs = 0;
    this.gcMajorMaxMs = 0;
  }

  /** The INFO stats lines. */
  infoLines(): string[] {
    const p99 = this.loopDelays.total > 0 ? this.loopDelays.valueAtPercentile(99) / 1000 : 0;
    return [
      `tessera_eventloop_delay_max_usec:${Math.round(this.loopMaxMs * 1000)}`,
      `tessera_eventloop_delay_p99_usec:${Math.round(p99)}`,
      `tessera_eventloop_busy_max_usec:${Math.round(this.busyMaxMs * 1000)}`,
      `tessera_gc_pauses:${this.gcCount}`,
      `tessera_gc_pause_total_usec:${Math.round(this.gcTotalMs * 1000)}`,
      `tessera_gc_pause_max_usec:${Math.round(this.gcMaxMs * 1000)}`,
      `tessera_gc_major_pause_max_usec:${Math.round(this.gcMajorMaxMs * 1000)}`,
    ];
  }
}

const MONITORS = new WeakMap<Server, PauseMonitor>();

/** The server's monitor, created (not started) on first use. */
export function pausesOf(server: Server): PauseMonitor {
  let m = MONITORS.get(server);
  if (m === undefined) {
    m = new PauseMonitor();
    MONITORS.set(server, m);
  }
  return m;
}
