// Longest PING latency a concurrent client sees while a big collection is deleted: UNLINK (lazy
// free) against DEL (synchronous), for a list, hash, set and sorted set of N elements, on Tessera
// inline (--threads 0), Tessera with workers, and redis-server when installed.
//
//   npx tsc -p tsconfig.json && node bench/lazyfree-latency.mjs [N=1000000] [inline,workers,redis]
//
// Each server runs in its own process. A pinger sends one PING at a time from the moment the delete
// is sent until the delete has replied and no lazy-free work is pending; the longest round trip is
// reported, next to the delete's own reply time.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import Redis from 'ioredis';

const N = Number(process.argv[2] ?? 1_000_000);
const BATCH = 1000;
const TYPES = ['list', 'hash', 'set', 'zset'];

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(kind, port) {
  const args =
    kind === 'redis'
      ? ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
      : ['dist/cli.js', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--threads', kind === 'workers' ? '2' : '0'];
  const child = spawn(kind === 'redis' ? 'redis-server' : process.execPath, args, { stdio: 'ignore' });
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  client.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    try {
      await client.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await client.ping();
  return { child, client };
}

async function fill(client, type, key) {
  await client.del(key);
  for (let start = 0; start < N; start += BATCH) {
    const pipe = client.pipeline();
    const end = Math.min(N, start + BATCH);
    const args = [];
    for (let i = start; i < end; i++) {
      if (type === 'list') args.push(`element:${i}`);
      else if (type === 'hash') args.push(`field:${i}`, `value:${i}`);
      else if (type === 'set') args.push(`member:${i}`);
      else args.push(String(i), `member:${i}`);
    }
    const cmd = { list: 'rpush', hash: 'hset', set: 'sadd', zset: 'zadd' }[type];
    pipe[cmd](key, ...args);
    await pipe.exec();
  }
}

async function pending(client) {
  const info = await client.info('memory');
  const m = /lazyfree_pending_objects:(\d+)/.exec(info);
  return m ? Number(m[1]) : 0;
}

async function measure(port, client, command, key) {
  // PING is answered by the main thread; GET of a key in the big key's shard (same hash tag) also
  // waits for whatever that shard's thread is doing (with workers, the main thread answers PING).
  const pinger = new Redis({ port, host: '127.0.0.1' });
  const getter = new Redis({ port, host: '127.0.0.1' });
  const probeKey = `{${key}}probe`;
  await getter.set(probeKey, 'x');
  let done = false;
  let worst = 0;
  let worstGet = 0;
  let pings = 0;
  const probe = async (send, record) => {
    while (!done) {
      const t = performance.now();
      await send();
      record(performance.now() - t);
    }
  };
  const pinging = Promise.all([
    probe(
      () => pinger.ping(),
      (ms) => {
        worst = Math.max(worst, ms);
        pings++;
      },
    ),
    probe(
      () => getter.get(probeKey),
      (ms) => {
        worstGet = Math.max(worstGet, ms);
      },
    ),
  ]);
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  await client.call(command, key);
  const replyMs = performance.now() - t0;
  while ((await pending(client)) > 0) await new Promise((r) => setTimeout(r, 5));
  const freedMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  done = true;
  await pinging;
  pinger.disconnect();
  getter.disconnect();
  return { replyMs, freedMs, worst, worstGet, pings };
}

const kinds = (process.argv[3] ?? 'inline,workers,redis').split(',');
if (kinds.includes('redis') && !existsSync('/usr/bin/redis-server')) kinds.splice(kinds.indexOf('redis'), 1);
const rows = [];
for (const kind of kinds) {
  const port = await freePort();
  const { child, client } = await startServer(kind, port);
  try {
    for (const type of TYPES) {
      for (const command of ['UNLINK', 'DEL']) {
        const key = `big:${type}`;
        await fill(client, type, key);
        const r = await measure(port, client, command, key);
        rows.push({ server: kind, type, command, ...r });
        console.log(
          `${kind.padEnd(8)} ${type.padEnd(5)} ${command.padEnd(6)} reply ${r.replyMs.toFixed(1).padStart(7)} ms  freed after ${r.freedMs.toFixed(1).padStart(7)} ms  worst PING ${r.worst.toFixed(1).padStart(7)} ms  worst GET same shard ${r.worstGet.toFixed(1).padStart(7)} ms  (${r.pings} pings)`,
        );
      }
    }
  } finally {
    client.disconnect();
    child.kill();
  }
}
