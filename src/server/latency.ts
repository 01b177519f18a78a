/**
 * Latency measurements of the main thread, in Redis 7.0's two shapes:
 *
 * - Per-command histograms (INFO latencystats, LATENCY HISTOGRAM), enabled by `latency-tracking`.
 *   Each is an HDR histogram laid out exactly as Redis's (hdr_histogram with lowest value 1 ns,
 *   highest 1 s, 2 significant figures), so percentiles and the logarithmic iteration print the same
 *   numbers Redis prints for the same samples (6 us lands in the bucket whose highest value is
 *   6015 ns: INFO shows p50=6.015).
 * - The latency monitor (LATENCY LATEST / HISTORY / GRAPH / RESET / DOCTOR): per event, the last 160
 *   one-second samples of commands that took at least `latency-monitor-threshold` ms, plus the
 *   all-time maximum. Events are "command" and "fast-command" as in Redis's call().
 *
 * State lives per Server in a WeakMap (Server is not ours to extend). The thresholds are cached here
 * and refreshed by `refreshLatencySettings` after CONFIG SET, so the per-command hook reads no config.
 */
import type { Server } from './server.js';
import type { Config } from '../config/config.js';

// ---------------------------------------------------------------- HDR histogram

/** Redis's LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE, in ns. */
const HIST_MIN = 1;
const HIST_MAX = 1_000_000_000;
/** 2 significant figures: 256 sub-buckets, half of them per bucket after the first. */
const SUB_BUCKET_COUNT = 256;
const SUB_BUCKET_HALF_COUNT = 128;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
/** Buckets needed to reach HIST_MAX (256 << 22 > 1e9), and the counts array they span. */
const BUCKET_COUNT = 23;
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

function bucketIndexOf(value: number): number {
  // Smallest power of two containing value (clz32 covers values below 2^31).
  const pow2ceiling = value < 0x80000000 ? 32 - Math.clz32(value | SUB_BUCKET_MASK) : Math.floor(Math.log2(value)) + 1;
  return pow2ceiling - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

function valueAtIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    sub -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

function lowestEquivalent(value: number): number {
  const bucket = bucketIndexOf(value);
  const sub = Math.floor(value / 2 ** bucket);
  return sub * 2 ** bucket;
}

function rangeSize(value: number): number {
  const bucket = bucketIndexOf(value);
  const sub = Math.floor(value / 2 ** bucket);
  return 2 ** (sub >= SUB_BUCKET_COUNT ? bucket + 1 : bucket);
}

function highestEquivalent(value: number): number {
  return lowestEquivalent(value) + rangeSize(value) - 1;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  /** Records one sample in ns, clamped to [1 ns, 1 s] as Redis does. Hot path: integer ops only. */
  record(ns: number): void {
    const v = ns < HIST_MIN ? HIST_MIN : ns > HIST_MAX ? HIST_MAX : ns | 0;
    const bucket = 32 - Math.clz32(v | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
    this.counts[((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (v >>> bucket) - SUB_BUCKET_HALF_COUNT]++;
    this.total++;
  }

  /** hdr_value_at_percentile: in ns. */
  valueAtPercentile(percentile: number): number {
    const requested = Math.min(percentile, 100);
    const countAt = Math.max(1, Math.floor((requested / 100) * this.total + 0.5));
    let seen = 0;
    let value = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i];
      if (seen >= countAt) {
        value = valueAtIndex(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * Redis's LATENCY HISTOGRAM buckets: a logarithmic iteration (first bucket 1024 ns, base 2) of
   * [highest value in us, cumulative count] pairs, keeping only steps where the count grew.
   */
  cumulativeBuckets(): Array<[number, number]> {
    // A transcription of hdr_iter_log_init(1024, 2) + hdr_iter_next as Redis's fillCommandCDF uses it.
    const out: Array<[number, number]> = [];
    let index = -1;
    let value = 0;
    let highest = 0;
    let cumulative = 0;
    let level = 1024;
    let levelLowest = lowestEquivalent(level);
    let previous = 0;
    for (;;) {
      const hasNext = cumulative < this.total;
      const beyond = index < COUNTS_LEN && valueAtIndex(index + 1) > levelLowest;
      if (!hasNext && !beyond) break;
      for (;;) {
        if (value >= levelLowest) {
          level *= 2;
          levelLowest = lowestEquivalent(level);
          break;
        }
        index++;
        if (index >= COUNTS_LEN) break;
        cumulative += this.counts[index];
        value = valueAtIndex(index);
        highest = highestEquivalent(value);
      }
      if (cumulative > previous) out.push([Math.floor(highest / 1000), cumulative]);
      previous = cumulative;
    }
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}

// ---------------------------------------------------------------- latency monitor

/** Redis's LATENCY_TS_LEN: samples kept per event. */
const SERIES_LENGTH = 160;

export interface LatencySample {
  /** Seconds since the epoch; 0 = empty slot. */
  time: number;
  /** ms */
  latency: number;
}

export class LatencySeries {
  readonly samples: LatencySample[] = Array.from({ length: SERIES_LENGTH }, () => ({ time: 0, latency: 0 }));
  idx = 0;
  /** All-time maximum, ms. */
  max = 0;

  /** latencyAddSample: one sample per second, keeping the worst of a second. */
  add(latencyMs: number, nowSeconds: number): void {
    if (latencyMs > this.max) this.max = latencyMs;
    const prev = this.samples[(this.idx + SERIES_LENGTH - 1) % SERIES_LENGTH];
    if (prev.time === nowSeconds) {
      if (latencyMs > prev.latency) prev.latency = latencyMs;
      return;
    }
    const slot = this.samples[this.idx];
    slot.time = nowSeconds;
    slot.latency = latencyMs;
    this.idx = (this.idx + 1) % SERIES_LENGTH;
  }

  latest(): LatencySample {
    return this.samples[(this.idx + SERIES_LENGTH - 1) % SERIES_LENGTH];
  }

  /** Filled samples, oldest first. */
  history(): LatencySample[] {
    const out: LatencySample[] = [];
    for (let j = 0; j < SERIES_LENGTH; j++) {
      const s = this.samples[(this.idx + j) % SERIES_LENGTH];
      if (s.time !== 0) out.push(s);
    }
    return out;
  }
}

/** What the per-command hook needs of a command spec. */
export interface TimedSpec {
  readonly id: number;
  readonly flags: readonly string[];
}

export class LatencyState {
  /** Histograms by command spec id, created on a command's first call. */
  private histograms: Array<LatencyHistogram | undefined> = [];
  readonly events = new Map<string, LatencySeries>();
  tracking = true;
  /** latency-monitor-threshold, ms (0 = monitor off). */
  threshold = 0;

  constructor(config: Config) {
    this.refresh(config);
  }

  refresh(config: Config): void {
    this.tracking = config.bool('latency-tracking');
    this.threshold = config.int('latency-monitor-threshold');
  }

  addEvent(event: string, latencyMs: number, nowMs = Date.now()): void {
    let series = this.events.get(event);
    if (series === undefined) {
      series = new LatencySeries();
      this.events.set(event, series);
    }
    series.add(latencyMs, Math.floor(nowMs / 1000));
  }

  /** LATENCY RESET: all events (no names) or the named ones; returns how many were reset. */
  resetEvents(names: string[] | null): number {
    if (names === null) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of names) if (this.events.delete(name)) n++;
    return n;
  }

  /** The histogram of command spec `id`, if the command ran since the last reset. */
  histogram(id: number): LatencyHistogram | undefined {
    return this.histograms[id];
  }

  /** The histogram of command spec `id`, created on first use. */
  histogramFor(id: number): LatencyHistogram {
    let h = this.histograms[id];
    if (h === undefined) {
      h = new LatencyHistogram();
      this.histograms[id] = h;
    }
    return h;
  }

  /** CONFIG RESETSTAT: the per-command histograms (the monitor's events stay, as in Redis). */
  resetHistograms(): void {
    this.histograms = [];
  }
}

const STATES = new WeakMap<Server, LatencyState>();
let lastServer: Server | null = null;
let lastState: LatencyState | null = null;

export function latencyOf(server: Server): LatencyState {
  if (server === lastServer) return lastState!;
  let state = STATES.get(server);
  if (state === undefined) {
    state = new LatencyState(server.config);
    STATES.set(server, state);
  }
  lastServer = server;
  lastState = state;
  return state;
}

/** Re-reads latency-tracking and latency-monitor-threshold (after CONFIG SET). */
export function refreshLatencySettings(server: Server): void {
  latencyOf(server).refresh(server.config);
}

/**
 * Hook for the server, after every executed command (not rejected ones), with its duration in us:
 * feeds the command's histogram and the latency monitor. Hot path: a map lookup and a few adds.
 */
export function recordCommandLatency(server: Server, spec: TimedSpec, usec: number): void {
  const state = latencyOf(server);
  if (state.tracking) state.histogramFor(spec.id).record(usec * 1000);
  if (state.threshold > 0 && usec >= state.threshold * 1000) {
    state.addEvent(spec.flags.includes('fast') ? 'fast-command' : 'command', Math.floor(usec / 1000));
  }
}

/**
 * Redis's latencyAddSampleIfNeeded, for other subsystems' events ("expire-cycle", "eviction-cycle",
 * "aof-fsync-always"...): records `ms` under `event` when the monitor is on and `ms` reaches it.
 */
export function latencyAddSampleIfNeeded(server: Server, event: string, ms: number): void {
  const state = latencyOf(server);
  if (state.threshold > 0 && ms >= state.threshold) state.addEvent(event, ms);
}

// ---------------------------------------------------------------- reports

/** LATENCY GRAPH: a small ASCII chart of an event's samples, newest on the right. */
export function latencyGraph(event: string, series: LatencySeries): string {
  const samples = series.history();
  let min = Infinity;
  let max = 0;
  for (const s of samples) {
    if (s.latency < min) min = s.latency;
    if (s.latency > max) max = s.latency;
  }
  if (samples.length === 0) min = 0;
  const rows = 4;
  const now = Math.floor(Date.now() / 1000);
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${series.max} ms)\n`;
  out += '-'.repeat(80) + '\n';
  const shown = samples.slice(-80);
  for (let r = rows; r >= 1; r--) {
    let line = '';
    for (const s of shown) {
      const level = max === min ? rows : Math.ceil(((s.latency - min) / (max - min)) * rows);
      line += level >= r ? (level === r ? '_' : '|') : ' ';
    }
    out += line.trimEnd() + '\n';
  }
  out += '\n';
  // Ages, printed vertically as Redis does: one column per sample.
  const labels = shown.map((s) => ageLabel(now - s.time));
  const height = labels.reduce((m, l) => Math.max(m, l.length), 0);
  for (let row = 0; row < height; row++) {
    let line = '';
    for (const l of labels) line += l[row] ?? ' ';
    out += line.trimEnd() + '\n';
  }
  return out;
}

function ageLabel(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** LATENCY DOCTOR: a plain-language reading of the monitor's events. */
export function latencyDoctorReport(state: LatencyState): string {
  if (state.threshold === 0 && state.events.size === 0) {
    return (
      'The latency monitor is off, so there is nothing to analyse yet. Turn it on with ' +
      '"CONFIG SET latency-monitor-threshold <milliseconds>" and ask again once some commands have run.\n'
    );
  }
  if (state.events.size === 0) {
    return `No event reached the latency threshold of ${state.threshold} ms: latency looks fine.\n`;
  }
  let out = 'Latency events seen by this server:\n\n';
  let n = 1;
  for (const [name, series] of state.events) {
    const samples = series.history();
    let sum = 0;
    for (const s of samples) sum += s.latency;
    const avg = samples.length === 0 ? 0 : Math.round(sum / samples.length);
    const first = samples.length === 0 ? 0 : samples[0].time;
    const period = samples.length > 1 ? Math.round((samples[samples.length - 1].time - first) / (samples.length - 1)) : 0;
    out += `${n++}. ${name}: ${samples.length} latency spikes (average ${avg}ms, mean deviation from it shown by LATENCY HISTORY), ` +
      `worst ${series.max}ms${period > 0 ? `, one every ${period} seconds on average` : ''}.\n`;
  }
  out += '\nAdvice:\n';
  if (state.events.has('command')) {
    out += '- Slow commands ran: check SLOWLOG GET for them, and avoid O(N) commands on large values on the main path.\n';
  }
  if (state.events.has('fast-command')) {
    out += '- Commands marked as fast were slow: the host may be overloaded or swapping; check CPU and memory pressure.\n';
  }
  return out;
}
