/**
 * Counters of one executing thread, in a SharedArrayBuffer the main thread sums for INFO: per command
 * calls and microseconds (commandstats), then a few keyspace counters.
 * Float64 words: [id*2] calls, [id*2+1] usec; after the commands, COUNTER_* words.
 */
export const enum Counter {
  KeyspaceHits = 0,
  KeyspaceMisses = 1,
  ExpiredKeys = 2,
  EvictedKeys = 3,
}
const COUNTERS = 8;

export class CommandStats {
  readonly sab: SharedArrayBuffer;
  readonly f64: Float64Array;
  private readonly counterBase: number;

  constructor(commandCount: number, sab?: SharedArrayBuffer) {
    this.sab = sab ?? new SharedArrayBuffer((commandCount * 2 + COUNTERS) * 8);
    this.f64 = new Float64Array(this.sab);
    this.counterBase = commandCount * 2;
  }

  record(id: number, usec: number): void {
    this.f64[id * 2]++;
    this.f64[id * 2 + 1] += usec;
  }

  /** Time only, no call: a parked blocking command's retries (Redis counts the command once). */
  recordTime(id: number, usec: number): void {
    this.f64[id * 2 + 1] += usec;
  }

  calls(id: number): number {
    return this.f64[id * 2];
  }

  usec(id: number): number {
    return this.f64[id * 2 + 1];
  }

  count(c: Counter, n = 1): void {
    this.f64[this.counterBase + c] += n;
  }

  counter(c: Counter): number {
    return this.f64[this.counterBase + c];
  }

  /** CONFIG RESETSTAT: commandstats and counters. */
  reset(): void {
    this.f64.fill(0);
  }
}
