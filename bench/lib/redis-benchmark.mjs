/**
 * Running redis-benchmark (7.0) and reading its own numbers. Its --csv output has throughput and
 * avg/min/p50/p95/p99/max but no p99.9, so the harness reads the human output instead: each test's
 * block ends with
 *
 *   Latency by percentile distribution:
 *   50.000% <= 0.263 milliseconds (cumulative count 50567)
 *   ...
 *   99.902% <= 1.199 milliseconds (cumulative count 99903)
 *   ...
 *   Cumulative distribution of latencies:
 *   0.010% <= 0.103 milliseconds (cumulative count 10)
 *   ...
 *   Summary:
 *     throughput summary: 89686.10 requests per second
 *     latency summary (msec):
 *             avg       min       p50       p95       p99       max
 *           0.303     0.080     0.263     0.479     0.767     2.879
 *
 * p50 and p99 come from the summary (hdr_value_at_percentile over redis-benchmark's HDR histogram).
 * p99.9 comes from the two distributions: both list (value, cumulative count) points of the same
 * histogram, and the smallest listed value whose cumulative count reaches 99.9% of the requests is
 * p99.9 or, when the bucket holding it is not listed, the next listed point above it.
 */
import { execFile } from 'node:child_process';

/** redis-benchmark's test names (-t) in its default order, and the title each prints. */
export const DEFAULT_TESTS = [
  'ping_inline',
  'ping_mbulk',
  'set',
  'get',
  'incr',
  'lpush',
  'rpush',
  'lpop',
  'rpop',
  'sadd',
  'hset',
  'spop',
  'zadd',
  'zpopmin',
  'lrange_100',
  'lrange_300',
  'lrange_500',
  'lrange_600',
  'mset',
];

/** Parses redis-benchmark's human output into [{ test, rps, avg, p50, p95, p99, p999, max, requests }]. */
export function parseBenchmarkOutput(text) {
  const lines = text.split(/\r\n|\r|\n/);
  const rows = [];
  let cur = null;
  let section = '';
  let summaryHeader = false;
  for (const raw of lines) {
    const line = raw.trim();
    const title = /^====== (.+) ======$/.exec(line);
    if (title) {
      cur = { title: title[1], test: title[1].split(' ')[0], points: [], requests: 0 };
      section = '';
      summaryHeader = false;
      continue;
    }
    if (cur === null) continue;
    let m;
    if ((m = /^(\d+) requests completed/.exec(line))) {
      cur.requests = Number(m[1]);
    } else if (line.startsWith('Latency by percentile distribution')) {
      section = 'percentile';
    } else if (line.startsWith('Cumulative distribution of latencies')) {
      section = 'cumulative';
    } else if ((m = /^[\d.]+% <= ([\d.]+) milliseconds \(cumulative count (\d+)\)$/.exec(line)) && section !== '') {
      cur.points.push([Number(m[1]), Number(m[2])]);
    } else if ((m = /^throughput summary: ([\d.]+) requests per second$/.exec(line))) {
      cur.rps = Number(m[1]);
    } else if (line.startsWith('avg') && line.includes('p99')) {
      cur.columns = line.split(/\s+/);
      summaryHeader = true;
    } else if (summaryHeader && /^[\d.\s]+$/.test(line) && line !== '') {
      const values = line.split(/\s+/).map(Number);
      const get = (name) => values[cur.columns.indexOf(name)];
      Object.assign(cur, { avg: get('avg'), p50: get('p50'), p95: get('p95'), p99: get('p99'), max: get('max') });
      cur.p999 = percentileFromPoints(cur.points, cur.requests || lastCount(cur.points), 99.9);
      summaryHeader = false;
      delete cur.columns;
      // "LPUSH (needed to benchmark LRANGE)" is set-up, not a row.
      if (!cur.title.includes('needed to benchmark')) rows.push(cur);
      cur = null;
    }
  }
  for (const r of rows) delete r.points;
  return rows;
}

function lastCount(points) {
  return points.length === 0 ? 0 : Math.max(...points.map((p) => p[1]));
}

/** HDR's rule (count_at_percentile = percentile/100 * total rounded, at least 1) over listed points. */
export function percentileFromPoints(points, total, percentile) {
  const countAt = Math.max(1, Math.floor((percentile / 100) * total + 0.5));
  let best = Infinity;
  for (const [value, count] of points) if (count >= countAt && value < best) best = value;
  return best === Infinity ? NaN : best;
}

/**
 * Runs one redis-benchmark test against a port; resolves with its parsed row.
 * opts: { n, clients, pipeline, keyspace (-r), timeoutMs }.
 */
export function runBenchmark(port, test, opts) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', test, '-n', String(opts.n), '-c', String(opts.clients), '-P', String(opts.pipeline)];
  if (opts.keyspace) args.push('-r', String(opts.keyspace));
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 600_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`redis-benchmark ${args.join(' ')}: ${err.message}\n${stderr}`));
        return;
      }
      const rows = parseBenchmarkOutput(stdout);
      if (rows.length !== 1) {
        reject(new Error(`redis-benchmark ${args.join(' ')}: expected one result, got ${rows.length}\n${stdout.slice(-2000)}`));
        return;
      }
      resolve(rows[0]);
    });
  });
}
