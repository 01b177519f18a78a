import { describe, it, expect } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The harness (bench/side-by-side.mjs) in tiny configurations, so it cannot rot unnoticed: it starts
// its own redis-server and Tessera (dist/) as child processes, so running it asynchronously is safe.
const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function has(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const ready = has('redis-server') && has('redis-benchmark');

async function bench(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(root, 'bench/side-by-side.mjs'), ...args], { cwd: root, timeout: 60_000, encoding: 'utf8' });
  return stdout;
}

/** The markdown table rows (not header or separator) whose first cell is `first`. */
function row(out: string, first: string): string[] | undefined {
  for (const line of out.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells[1] === first) return cells.slice(1, -1);
  }
  return undefined;
}

describe.skipIf(!ready)('bench harness smoke test', () => {
  it('throughput: one row per test with both servers, p50/p99/p99.9 and a ratio', async () => {
    const out = await bench(['--tests', 'get,set', '-n', '2000', '--np', '2000', '-P', '1', '--rounds', '1', '--threads', '0', '--warmup', '0']);
    expect(out).toContain('## redis-benchmark -n 2000 -r 100000 -c 50 -P 1');
    for (const test of ['GET', 'SET']) {
      const cells = row(out, test);
      expect(cells, `${test} row in\n${out}`).toBeDefined();
      const [, redisRps, redisLat, redisCpu, tRps, tLat, ratio, tCpu, cpuRatio] = cells!;
      expect(Number(redisRps.replace(/,/g, ''))).toBeGreaterThan(0);
      expect(Number(tRps.replace(/,/g, ''))).toBeGreaterThan(0);
      for (const lat of [redisLat, tLat]) expect(lat).toMatch(/^\d+\.\d+ \/ \d+\.\d+ \/ \d+\.\d+$/);
      expect(Number(ratio)).toBeGreaterThan(0);
      for (const v of [redisCpu, tCpu, cpuRatio]) expect(v).toMatch(/^\d+\.\d+$/);
    }
    expect(out).toMatch(/tessera-t0: geometric mean ratio \d+\.\d\d/);
  }, 60_000);

  it('memory: RSS and used_memory of both servers with ratios, and RSS while serving', async () => {
    const out = await bench(['--memory', '--datasets', 'strings', '--scale', '0.002', '--threads', '0', '--settle', '200', '--serve-requests', '2000']);
    const redis = out.split('\n').find((l) => l.includes('| redis '));
    const tessera = out.split('\n').find((l) => l.includes('| tessera-t0 '));
    expect(redis, out).toBeDefined();
    expect(tessera, out).toMatch(/MiB .*\| +\d+\.\d\d +\| +-?\d+\.\d\d +\| +\d+\.\d\d +\| +\d+\.\d MiB +\| +\d+\.\d\d +\|$/);
    expect(out).toMatch(/strings tessera-t0: RSS ratio \d+\.\d\d, serving \d+\.\d\d/);
  }, 60_000);

  it('latency: percentiles at a fixed rate and Tessera pauses from INFO', async () => {
    const out = await bench(['--latency', '--rate', '2000', '--duration', '1', '--warmup', '0', '--rounds', '1', '--threads', '0', '--connections', '4']);
    const cells = row(out, 'tessera-t0');
    expect(cells, out).toBeDefined();
    const [, achieved, p50, p99, p999, , p99ratio, , , loopMax, busyMax, gcMax, majorGcMax] = cells!;
    expect(Number(achieved.replace(/,/g, ''))).toBeGreaterThan(1000);
    for (const v of [p50, p99, p999, p99ratio, loopMax, busyMax, gcMax, majorGcMax]) expect(v).toMatch(/^\d+(\.\d+)?$/);
    expect(Number(majorGcMax)).toBeLessThanOrEqual(Number(gcMax));
    expect(Number(p99)).toBeGreaterThanOrEqual(Number(p50));
    expect(row(out, 'redis')).toBeDefined();
  }, 60_000);

  it('exec-path: the in-process CPU per command runs every redis-benchmark test and answers each', async () => {
    const { stdout } = await run(process.execPath, [path.join(root, 'bench/exec-path.mjs'), '--rounds', '1', '--ms', '10', '--keys', '1000'], { cwd: root, timeout: 60_000, encoding: 'utf8' });
    for (const test of ['ping_inline', 'ping_mbulk', 'set', 'get', 'incr', 'lpush', 'rpush', 'lpop', 'rpop', 'sadd', 'hset', 'spop', 'zadd', 'zpopmin', 'lrange_100', 'lrange_600', 'mset']) {
      expect(stdout, stdout).toMatch(new RegExp(`^${test} +\\d+\\.\\d{3} us`, 'm'));
    }
    const bytes = /(\d+) reply bytes/.exec(stdout);
    expect(Number(bytes?.[1])).toBeGreaterThan(100_000);
    expect(stdout).toMatch(/ 0 error replies\)/);
  }, 60_000);
});
