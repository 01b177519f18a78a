import { describe, it, expect, beforeEach } from 'vitest';
import { Config } from '../../src/config/config.js';
import { Server, REDIS_VERSION as SERVER_REDIS_VERSION } from '../../src/server/server.js';
import { ValueType } from '../../src/storage/keyspace.js';
import { keySlot } from '../../src/shard/slot.js';
import { Counter } from '../../src/shard/command-stats.js';
import { renderInfo, selectInfoSections, bytesToHuman, INFO_SECTIONS } from '../../src/commands/info.js';
import { REDIS_VERSION } from '../../src/version.js';
import { LatencyHistogram, recordCommandLatency } from '../../src/server/latency.js';

function newServer(): Server {
  const config = new Config();
  config.setFromText('threads', '0', true);
  config.setFromText('shards', '4', true);
  config.setFromText('loglevel', 'warning', true);
  return new Server(config);
}

/** Stores a string key straight into its shard, as the string commands would. */
function put(server: Server, db: number, key: string, value: string, expireAt = 0): void {
  const k = Buffer.from(key);
  const v = Buffer.from(value);
  const ks = server.shards[server.slotToShard[keySlot(k, 0, k.length)]];
  const e = ks.newEntry(k, 0, k.length, ValueType.String, v.length);
  ks.arena.u8.set(v, ks.valueStart(e));
  ks.setValueWord(e, v.length);
  if (expireAt !== 0) ks.setExpireDetached(e, expireAt);
  ks.link(db, e);
}

/** The `# Title` headers of an INFO text, in order. */
function headers(text: string): string[] {
  return text.split('\r\n').filter((l) => l.startsWith('# '));
}

/** field -> value of one section's lines. */
function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf(':');
    out.set(line.slice(0, at), line.slice(at + 1));
  }
  return out;
}

describe('INFO rendering', () => {
  let server: Server;
  beforeEach(() => {
    server = newServer();
  });

  it('prints the default sections in Redis order, separated by blank lines, with CRLF line ends', () => {
    const text = renderInfo(server, []);
    expect(headers(text)).toEqual(['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Modules', '# Errorstats', '# Cluster', '# Keyspace']);
    expect(text.startsWith('# Server\r\nredis_version:7.0.15\r\n')).toBe(true);
    expect(text).toContain('\r\n\r\n# Clients\r\n');
    expect(text).toContain('# Modules\r\n\r\n# Errorstats\r\n');
    expect(text.endsWith('# Keyspace\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('selects sections case-insensitively, always in Redis order, and prints nothing for unknown ones', () => {
    expect(headers(renderInfo(server, ['CPU', 'server']))).toEqual(['# Server', '# CPU']);
    expect(renderInfo(server, ['nosuchsection'])).toBe('');
    expect(headers(renderInfo(server, ['all'])).length).toBe(INFO_SECTIONS.length);
    expect(headers(renderInfo(server, ['everything']))).toEqual(headers(renderInfo(server, ['all'])));
    expect(headers(renderInfo(server, ['default', 'commandstats']))).toContain('# Commandstats');
    expect([...selectInfoSections(['default'])]).not.toContain('commandstats');
  });

  it('reports the same Redis version as the server module', () => {
    expect(REDIS_VERSION).toBe(SERVER_REDIS_VERSION);
  });

  it('names the server section fields as Redis 7.0.15 does', () => {
    const f = fields(renderInfo(server, ['server']));
    expect([...f.keys()]).toEqual([
      'redis_version', 'redis_git_sha1', 'redis_git_dirty', 'redis_build_id', 'redis_mode', 'os', 'arch_bits', 'monotonic_clock',
      'multiplexing_api', 'atomicvar_api', 'gcc_version', 'process_id', 'process_supervised', 'run_id', 'tcp_port', 'server_time_usec',
      'uptime_in_seconds', 'uptime_in_days', 'hz', 'configured_hz', 'lru_clock', 'executable', 'config_file', 'io_threads_active',
    ]);
    expect(f.get('redis_mode')).toBe('standalone');
    expect(f.get('run_id')).toBe(server.runId);
    expect(f.get('process_id')).toBe(String(process.pid));
  });

  it('reports replication as a master with the run id as replication id', () => {
    const f = fields(renderInfo(server, ['replication']));
    expect(f.get('role')).toBe('master');
    expect(f.get('connected_slaves')).toBe('0');
    expect(f.get('master_replid')).toMatch(/^[0-9a-f]{40}$/);
  });

  it('counts keys and keys with a TTL per database, summed over shards', () => {
    for (let i = 0; i < 50; i++) put(server, 0, `key:${i}`, 'v', i < 7 ? Date.now() + 100000 : 0);
    put(server, 3, 'other', 'v');
    expect(renderInfo(server, ['keyspace'])).toBe('# Keyspace\r\ndb0:keys=50,expires=7,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n');
  });

  it('reports memory that grows with the data set', () => {
    const before = Number(fields(renderInfo(server, ['memory'])).get('used_memory'));
    for (let i = 0; i < 1000; i++) put(server, 0, `key:${i}`, 'x'.repeat(100));
    const after = fields(renderInfo(server, ['memory']));
    expect(Number(after.get('used_memory'))).toBeGreaterThan(before + 100 * 1000);
    expect(after.get('used_memory_human')).toBe(bytesToHuman(Number(after.get('used_memory'))));
    expect(after.get('maxmemory_policy')).toBe('noeviction');
  });

  it('formats byte counts as Redis bytesToHuman does', () => {
    expect(bytesToHuman(1023)).toBe('1023B');
    expect(bytesToHuman(916208)).toBe('894.73K');
    expect(bytesToHuman(6873088)).toBe('6.55M');
    expect(bytesToHuman(25276514304)).toBe('23.54G');
  });

  it('prints commandstats per command and subcommand, with rejected and failed calls', () => {
    const get = server.table.specs.find((s) => s.name === 'get')!;
    const clientList = server.table.specs.find((s) => s.name === 'client|list')!;
    server.mainStats.record(get.id, 10);
    server.mainStats.record(get.id, 20);
    server.mainStats.record(clientList.id, 7);
    server.stats.failed('get');
    server.stats.rejected('client|list');
    const text = renderInfo(server, ['commandstats']);
    expect(text).toContain('cmdstat_get:calls=2,usec=30,usec_per_call=15.00,rejected_calls=0,failed_calls=1\r\n');
    expect(text).toContain('cmdstat_client|list:calls=1,usec=7,usec_per_call=7.00,rejected_calls=1,failed_calls=0\r\n');
  });

  it('prints errorstats sorted by error code', () => {
    server.stats.countError('WRONGTYPE');
    server.stats.countError('ERR');
    server.stats.countError('ERR');
    expect(renderInfo(server, ['errorstats'])).toBe('# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_WRONGTYPE:count=1\r\n');
    expect(fields(renderInfo(server, ['stats'])).get('total_error_replies')).toBe('3');
  });

  it('reports keyspace counters summed over threads', () => {
    server.mainStats.count(Counter.KeyspaceHits, 5);
    server.mainStats.count(Counter.ExpiredKeys, 2);
    const f = fields(renderInfo(server, ['stats']));
    expect(f.get('keyspace_hits')).toBe('5');
    expect(f.get('expired_keys')).toBe('2');
  });

  it('prints latency percentiles as Redis does for the same samples', () => {
    const set = server.table.specs.find((s) => s.name === 'set')!;
    for (const usec of [6, 6, 8]) recordCommandLatency(server, set, usec);
    expect(renderInfo(server, ['latencystats'])).toBe('# Latencystats\r\nlatency_percentiles_usec_set:p50=6.015,p99=8.031,p99.9=8.031\r\n');
  });
});

describe('latency histogram', () => {
  it('reports HDR bucket bounds (2 significant figures) as percentiles', () => {
    const h = new LatencyHistogram();
    h.record(6000);
    expect(h.valueAtPercentile(50)).toBe(6015);
    h.record(2000);
    expect(h.valueAtPercentile(50)).toBe(2007);
    expect(h.valueAtPercentile(100)).toBe(6015);
  });

  it('iterates cumulative counts over power-of-two microsecond buckets as LATENCY HISTOGRAM does', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 3; i++) h.record(6000);
    expect(h.cumulativeBuckets()).toEqual([[8, 3]]);
    h.record(1500);
    h.record(100_000);
    expect(h.cumulativeBuckets()).toEqual([
      [2, 1],
      [8, 4],
      [132, 5],
    ]);
  });
});
