/**
 * Main-thread statistics for INFO stats and errorstats: connections, traffic, rejected and failed
 * calls per command, error replies per error code, and the instantaneous ops/s sampler.
 */
const SAMPLES = 16;

export class ServerStats {
  connectionsReceived = 0;
  rejectedConnections = 0;
  commandsProcessed = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  readonly errors = new Map<string, number>();
  readonly rejectedCalls = new Map<string, number>();
  readonly failedCalls = new Map<string, number>();
  private readonly opsSamples = new Float64Array(SAMPLES);
  private readonly inSamples = new Float64Array(SAMPLES);
  private readonly outSamples = new Float64Array(SAMPLES);
  private sampleIndex = 0;
  private lastSampleAt = 0;
  private lastOps = 0;
  private lastIn = 0;
  private lastOut = 0;

  countError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  rejected(command: string): void {
    this.rejectedCalls.set(command, (this.rejectedCalls.get(command) ?? 0) + 1);
  }

  failed(command: string): void {
    this.failedCalls.set(command, (this.failedCalls.get(command) ?? 0) + 1);
  }

  get totalErrorReplies(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }

  /** Called by the cron: records per-second rates (Redis's trackInstantaneousMetric, every 100 ms). */
  sample(now: number): void {
    if (now - this.lastSampleAt < 100) return;
    if (this.lastSampleAt !== 0) {
      const dt = (now - this.lastSampleAt) / 1000;
      const i = this.sampleIndex++ % SAMPLES;
      this.opsSamples[i] = (this.commandsProcessed - this.lastOps) / dt;
      this.inSamples[i] = (this.netInputBytes - this.lastIn) / dt;
      this.outSamples[i] = (this.netOutputBytes - this.lastOut) / dt;
    }
    this.lastSampleAt = now;
    this.lastOps = this.commandsProcessed;
    this.lastIn = this.netInputBytes;
    this.lastOut = this.netOutputBytes;
  }

  instantaneous(which: 'ops' | 'in' | 'out'): number {
    const a = which === 'ops' ? this.opsSamples : which === 'in' ? this.inSamples : this.outSamples;
    let sum = 0;
    for (let i = 0; i < SAMPLES; i++) sum += a[i];
    return sum / SAMPLES;
  }

  reset(): void {
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.commandsProcessed = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.errors.clear();
    this.rejectedCalls.clear();
    this.failedCalls.clear();
  }
}
