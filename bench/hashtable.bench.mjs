#!/usr/bin/env node
/**
 * The arena hash tables against a JS `Map`: the keyspace (src/storage/keyspace.ts, key -> inline
 * 32-byte string value) and the field table (src/storage/field-table.ts, the large encoding of hashes:
 * field -> value), at 100,000 and 1,000,000 entries.
 *
 *   npx tsc -p tsconfig.json && node bench/hashtable.bench.mjs [--sizes 100000,1000000] [--rounds 3] [--max-time 1]
 *
 * Keys are `key:0000042` (11 bytes) packed in one byte buffer, as the RESP parser hands them to a
 * command; values are 32 bytes. Three contenders:
 *   arena        find, then newEntry + value copy + link (what SET of a new key does); find; find + remove
 *   Map (bytes)  Map<string, Uint8Array>, the key decoded from the bytes on every call (latin1), the
 *                value copied into its own Uint8Array: what a Map-based store would have to do
 *   Map (str)    the same with the key strings made in advance (Map's best case, not reachable by a
 *                server that reads keys from sockets)
 *
 * Measurements:
 *   - bulk: insert N keys into an empty table, look every one up, delete every one; CPU time per
 *     operation, best of --rounds interleaved rounds.
 *   - steady state with benchmark.js at size N: a lookup of a present key, and a churn step (insert
 *     one new key and delete the oldest, so the size stays N).
 *   - memory per entry: each structure built in a fresh child process (node --expose-gc), after a full
 *     GC: growth per entry of the JS heap + array buffers + the arena's capacity, of the RSS, and for
 *     the arena its live (allocated) block bytes.
 */
import Benchmark from 'benchmark';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ShardArena } from '../dist/storage/arena.js';
import { ShardKeyspace } from '../dist/storage/keyspace.js';
import { ftNew, ftFind, ftInsertValue, ftDelete, ftValueStart } from '../dist/storage/field-table.js';

const STRING = 0; // ValueType.String (a const enum: inlined in dist/)
const FIELD_BYTES = 1; // FieldKind.Bytes
const KEY_LEN = 11;
const VALUE = new Uint8Array(32).fill(0x61);

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};

/** N keys packed back to back, plus N more for churn. */
function keyBytes(n) {
  const buf = Buffer.alloc(2 * n * KEY_LEN);
  for (let i = 0; i < 2 * n; i++) buf.write(`key:${String(i).padStart(7, '0')}`, i * KEY_LEN, 'latin1');
  return buf;
}

// ---------------------------------------------------------------- contenders

function keyspaceTable(keys) {
  const arena = ShardArena.create(1 << 20);
  ShardKeyspace.format(arena, 16, 12345);
  const ks = new ShardKeyspace(arena, 0);
  return {
    name: 'arena keyspace',
    arena,
    set(i) {
      const off = i * KEY_LEN;
      let e = ks.find(0, keys, off, KEY_LEN);
      if (e === 0) {
        e = ks.newEntry(keys, off, KEY_LEN, STRING, 32);
        ks.link(0, e);
      }
      ks.arena.u8.set(VALUE, ks.valueStart(e));
      ks.setValueWord(e, 32);
    },
    get(i) {
      const e = ks.find(0, keys, i * KEY_LEN, KEY_LEN);
      return e === 0 ? -1 : ks.valueStart(e);
    },
    del(i) {
      const e = ks.find(0, keys, i * KEY_LEN, KEY_LEN);
      if (e !== 0) ks.remove(0, e);
    },
  };
}

function fieldTable(keys) {
  const arena = ShardArena.create(1 << 20);
  const t = ftNew(arena, FIELD_BYTES);
  return {
    name: 'arena field table',
    arena,
    set(i) {
      const off = i * KEY_LEN;
      if (ftFind(arena, t, keys, off, KEY_LEN) === 0) ftInsertValue(arena, t, keys, off, KEY_LEN, VALUE, 0, 32);
    },
    get(i) {
      const e = ftFind(arena, t, keys, i * KEY_LEN, KEY_LEN);
      return e === 0 ? -1 : ftValueStart(arena, e);
    },
    del(i) {
      ftDelete(arena, t, keys, i * KEY_LEN, KEY_LEN);
    },
  };
}

function mapFromBytes(keys) {
  const map = new Map();
  return {
    name: 'Map (key from bytes)',
    set(i) {
      const v = new Uint8Array(32);
      v.set(VALUE);
      map.set(keys.latin1Slice(i * KEY_LEN, i * KEY_LEN + KEY_LEN), v);
    },
    get(i) {
      const v = map.get(keys.latin1Slice(i * KEY_LEN, i * KEY_LEN + KEY_LEN));
      return v === undefined ? -1 : v.length;
    },
    del(i) {
      map.delete(keys.latin1Slice(i * KEY_LEN, i * KEY_LEN + KEY_LEN));
    },
  };
}

function mapFromStrings(keys, n) {
  const names = [];
  for (let i = 0; i < 2 * n; i++) names.push(keys.latin1Slice(i * KEY_LEN, i * KEY_LEN + KEY_LEN));
  const map = new Map();
  return {
    name: 'Map (string keys made in advance)',
    set(i) {
      const v = new Uint8Array(32);
      v.set(VALUE);
      map.set(names[i], v);
    },
    get(i) {
      const v = map.get(names[i]);
      return v === undefined ? -1 : v.length;
    },
    del(i) {
      map.delete(names[i]);
    },
  };
}

const MAKERS = { keyspace: keyspaceTable, fieldtable: fieldTable, mapbytes: mapFromBytes, mapstr: mapFromStrings };

// ---------------------------------------------------------------- memory child

if (args[0] === '--memory-child') {
  const [kind, nText] = args.slice(1);
  const n = Number(nText);
  const keys = keyBytes(n);
  let table = null;
  // A SharedArrayBuffer is not in memoryUsage().arrayBuffers: the arena's capacity is added.
  const usage = () => {
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed + m.arrayBuffers + (table?.arena ? table.arena.capacity : 0), rss: m.rss };
  };
  table = MAKERS[kind](keys, n);
  const before = usage();
  const live0 = table.arena ? table.arena.liveBytes : 0;
  for (let i = 0; i < n; i++) table.set(i);
  const after = usage();
  const live1 = table.arena ? table.arena.liveBytes : 0;
  if (table.get(n - 1) < 0) throw new Error('lost a key');
  process.stdout.write(JSON.stringify({ heap: (after.heap - before.heap) / n, rss: (after.rss - before.rss) / n, arena: table.arena ? (live1 - live0) / n : null }));
  process.exit(0);
}

// ---------------------------------------------------------------- bulk CPU time

function cpuNs(run) {
  const s = process.cpuUsage();
  run();
  const u = process.cpuUsage(s);
  return (u.user + u.system) * 1000;
}

function bulk(n, rounds) {
  const keys = keyBytes(n);
  const best = {};
  for (let r = 0; r < rounds; r++) {
    for (const [kind, make] of Object.entries(MAKERS)) {
      const t = make(keys, n);
      const ins = cpuNs(() => {
        for (let i = 0; i < n; i++) t.set(i);
      }) / n;
      let found = 0;
      const get = cpuNs(() => {
        for (let i = 0; i < n; i++) if (t.get(i) >= 0) found++;
      }) / n;
      if (found !== n) throw new Error(`${kind}: found ${found} of ${n}`);
      const del = cpuNs(() => {
        for (let i = 0; i < n; i++) t.del(i);
      }) / n;
      if (t.get(0) >= 0) throw new Error(`${kind}: key survived delete`);
      const b = (best[kind] ??= { name: t.name, ins: Infinity, get: Infinity, del: Infinity });
      b.ins = Math.min(b.ins, ins);
      b.get = Math.min(b.get, get);
      b.del = Math.min(b.del, del);
    }
  }
  return best;
}

function steady(n, maxTime) {
  const keys = keyBytes(n);
  const out = {};
  for (const [kind, make] of Object.entries(MAKERS)) {
    const t = make(keys, n);
    for (let i = 0; i < n; i++) t.set(i);
    let g = 0;
    let oldest = 0;
    let next = n;
    const suite = new Benchmark.Suite();
    suite.add('lookup', () => {
      g = (g + 7919) % n;
      if (t.get((oldest + g) % (2 * n)) < 0 && t.get((oldest + g - n + 2 * n) % (2 * n)) < 0) throw new Error('miss');
    }, { maxTime });
    suite.add('churn', () => {
      t.set(next);
      t.del(oldest);
      next = (next + 1) % (2 * n);
      oldest = (oldest + 1) % (2 * n);
    }, { maxTime });
    const res = {};
    suite.on('cycle', (e) => (res[e.target.name] = { hz: e.target.hz, rme: e.target.stats.rme }));
    suite.run();
    out[kind] = res;
  }
  return out;
}

const sizes = option('--sizes', '100000,1000000').split(',').map(Number);
const rounds = Number(option('--rounds', '3'));
const maxTime = Number(option('--max-time', '1'));
const self = fileURLToPath(import.meta.url);

for (const n of sizes) {
  console.log(`\n## ${n.toLocaleString('en-US')} entries (11-byte keys, 32-byte values)`);
  const b = bulk(n, rounds);
  const s = steady(n, maxTime);
  const mem = {};
  for (const kind of Object.keys(MAKERS)) {
    mem[kind] = JSON.parse(execFileSync(process.execPath, ['--expose-gc', self, '--memory-child', kind, String(n)], { encoding: 'utf8' }));
  }
  console.log(`CPU ns per operation (bulk, best of ${rounds}); steady state ops/s at size N (benchmark.js ±rme); bytes per entry\n`);
  console.log('| table | insert ns | lookup ns | delete ns | lookup/s (steady) | churn/s (steady) | bytes/entry (JS heap + buffers + arena capacity) | bytes/entry (RSS) | arena live bytes/entry |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const kind of Object.keys(MAKERS)) {
    const x = b[kind];
    const fmtHz = (r) => `${(r.hz / 1e6).toFixed(2)} M ±${r.rme.toFixed(0)}%`;
    console.log(
      `| ${x.name} | ${x.ins.toFixed(0)} | ${x.get.toFixed(0)} | ${x.del.toFixed(0)} | ${fmtHz(s[kind].lookup)} | ${fmtHz(s[kind].churn)} | ` +
        `${mem[kind].heap.toFixed(0)} | ${mem[kind].rss.toFixed(0)} | ${mem[kind].arena === null ? '' : mem[kind].arena.toFixed(0)} |`,
    );
  }
}
