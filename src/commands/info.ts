/**
 * INFO: the sections Redis 7.0.15 prints, with its field names in its order, and Tessera's real
 * values where it has them (constants where a Redis subsystem has no counterpart here yet).
 *
 * Section selection follows genInfoSectionDict: no argument = the default sections; `default`, `all`
 * (every section) and `everything` (all plus module-generated ones) can be mixed with section names;
 * sections always print in Redis's order, separated by a blank line, lines ending in CRLF. An unknown
 * section name prints nothing.
 *
 * Memory: keys and values live in the shard arenas, so `used_memory` is what the arenas hold (their
 * live blocks) plus the clients' buffers: what grows with the data set and what maxmemory is about.
 * The JS heap is reported in the RSS figures only (it does not grow with the keyspace).
 */
import { trackingOf } from '../server/tracking.js';
import { startedLuaEngine } from '../scripting/lua-engine.js';
import { scriptCacheOf } from '../scripting/script-cache.js';
import { functionStoreOf } from '../scripting/function-store.js';
import os from 'node:os';
import path from 'node:path';
import type { Server } from '../server/server.js';
import { pubsubOf } from '../server/pubsub.js';
import { Counter } from '../shard/command-stats.js';
import { lruClock } from './context.js';
import { latencyOf } from '../server/latency.js';
import { pausesOf } from '../server/pause-monitor.js';

import { REDIS_VERSION } from '../version.js';

/** Every section in print order; `modules` is the module list (Redis's "module_list"). */
export const INFO_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
] as const;
export type InfoSection = (typeof INFO_SECTIONS)[number];

export const DEFAULT_INFO_SECTIONS: readonly InfoSection[] = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];

/** Which sections `INFO arg...` asks for (arguments lowercased or not). */
export function selectInfoSections(args: readonly string[]): Set<InfoSection> {
  const out = new Set<InfoSection>();
  if (args.length === 0) {
    for (const s of DEFAULT_INFO_SECTIONS) out.add(s);
    return out;
  }
  for (const raw of args) {
    const a = raw.toLowerCase();
    if (a === 'default') for (const s of DEFAULT_INFO_SECTIONS) out.add(s);
    else if (a === 'all' || a === 'everything') for (const s of INFO_SECTIONS) out.add(s);
    else if (a === 'module_list') out.add('modules');
    else if ((INFO_SECTIONS as readonly string[]).includes(a)) out.add(a as InfoSection);
  }
  return out;
}

/**
 * INFO's text for the given arguments. `runningCommand` is true when called from the INFO command:
 * the command being executed is not counted as processed yet, as in Redis.
 */
export function renderInfo(server: Server, args: readonly string[], runningCommand = false): string {
  const sections = selectInfoSections(args);
  const parts: string[] = [];
  for (const section of INFO_SECTIONS) {
    if (!sections.has(section)) continue;
    parts.push(`# ${SECTION_TITLES[section]}\r\n` + renderSection(server, section, runningCommand).map((l) => l + '\r\n').join(''));
  }
  return parts.join('\r\n');
}

const SECTION_TITLES: Record<InfoSection, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  latencystats: 'Latencystats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
};

function renderSection(server: Server, section: InfoSection, runningCommand: boolean): string[] {
  switch (section) {
    case 'server':
      return serverSection(server);
    case 'clients':
      return clientsSection(server);
    case 'memory':
      return memorySection(server);
    case 'persistence':
      return persistenceSection(server);
    case 'stats':
      return statsSection(server, runningCommand);
    case 'replication':
      return replicationSection(server);
    case 'cpu':
      return cpuSection();
    case 'modules':
      return [];
    case 'commandstats':
      return commandstatsSection(server);
    case 'errorstats':
      return errorstatsSection(server);
    case 'latencystats':
      return latencystatsSection(server);
    case 'cluster':
      return ['cluster_enabled:0'];
    case 'keyspace':
      return keyspaceSection(server);
  }
}

// ---------------------------------------------------------------- sections

/** A stable build id, as Redis derives one from its build (hex). */
const BUILD_ID = 'a7e55e4a0000000d';

function serverSection(server: Server): string[] {
  const now = Date.now();
  const uptime = Math.floor((now - server.startedAt) / 1000);
  const hz = server.config.int('hz');
  const file = server.config.file;
  return [
    `redis_version:${REDIS_VERSION}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    `redis_build_id:${BUILD_ID}`,
    'redis_mode:standalone',
    `os:${os.type()} ${os.release()} ${os.machine()}`,
    `arch_bits:${process.arch.endsWith('64') ? 64 : 32}`,
    'monotonic_clock:POSIX clock_gettime',
    `multiplexing_api:${process.platform === 'linux' ? 'epoll' : process.platform === 'win32' ? 'iocp' : 'kqueue'}`,
    'atomicvar_api:c11-builtin',
    'gcc_version:0.0.0',
    `process_id:${process.pid}`,
    'process_supervised:no',
    `run_id:${server.runId}`,
    `tcp_port:${server.address().port || server.config.int('port')}`,
    `server_time_usec:${Math.floor((performance.timeOrigin + performance.now()) * 1000)}`,
    `uptime_in_seconds:${uptime}`,
    `uptime_in_days:${Math.floor(uptime / 86400)}`,
    `hz:${hz}`,
    `configured_hz:${hz}`,
    `lru_clock:${lruClock(now)}`,
    `executable:${process.argv[1] ? path.resolve(process.argv[1]) : process.execPath}`,
    `config_file:${file ? path.resolve(file) : ''}`,
    'io_threads_active:0',
  ];
}

function clientsSection(server: Server): string[] {
  let maxInput = 0;
  let maxOutput = 0;
  for (const c of server.clients.values()) {
    maxInput = Math.max(maxInput, c.inputEnd - c.inputStart);
    maxOutput = Math.max(maxOutput, c.output.pendingBytes);
  }
  return [
    `connected_clients:${server.clients.size}`,
    'cluster_connections:0',
    `maxclients:${server.config.int('maxclients')}`,
    `client_recent_max_input_buffer:${maxInput}`,
    `client_recent_max_output_buffer:${maxOutput}`,
    `blocked_clients:${server.blocked.size}`,
    `tracking_clients:${trackingOf(server).clients}`,
    'clients_in_timeout_table:0',
  ];
}

/** The memory numbers INFO memory and MEMORY STATS share (bytes). */
export interface MemoryFigures {
  used: number;
  peak: number;
  startup: number;
  overhead: number;
  dataset: number;
  clientsNormal: number;
  rss: number;
  /** Arena blocks handed out. */
  allocated: number;
  /** Arena bytes touched (bump pointers). */
  active: number;
  /** Arena bytes reserved (buffer capacities). */
  resident: number;
  keys: number;
}

const PEAKS = new WeakMap<Server, number>();

/** lazyfreed_objects as of the last CONFIG RESETSTAT (the shards' own counts only grow). */
const LAZYFREED_BASE = new WeakMap<Server, number>();

/** CONFIG RESETSTAT forgets the peak and the lazily freed count, as Redis's resetServerStats does. */
export function resetPeakMemory(server: Server): void {
  PEAKS.delete(server);
  LAZYFREED_BASE.set(server, lazyFreeFigures(server).freed);
}

/** Objects queued for lazy freeing and lazily freed, summed over the shards (read without a hold). */
function lazyFreeFigures(server: Server): { pending: number; freed: number } {
  let pending = 0;
  let freed = 0;
  for (const s of server.shards) {
    s.arena.refresh();
    pending += s.lazyPending();
    freed += s.lazyFreed();
  }
  return { pending, freed };
}

export function memoryFigures(server: Server): MemoryFigures {
  let allocated = 0;
  let active = 0;
  let resident = 0;
  let keys = 0;
  for (const s of server.shards) {
    s.arena.refresh();
    allocated += s.arena.liveBytes;
    active += s.arena.usedBytes;
    resident += s.arena.capacity;
    for (let db = 0; db < s.databases; db++) keys += s.count(db);
  }
  let clientsNormal = 0;
  for (const c of server.clients.values()) clientsNormal += c.input.length + c.output.pendingBytes;
  const used = allocated + clientsNormal;
  const peak = Math.max(PEAKS.get(server) ?? 0, used);
  PEAKS.set(server, peak);
  return {
    used,
    peak,
    startup: 0,
    overhead: clientsNormal,
    dataset: allocated,
    clientsNormal,
    rss: process.memoryUsage.rss(),
    allocated,
    active,
    resident,
    keys,
  };
}

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(2)}K`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(2)}M`;
  if (n < 1024 ** 4) return `${(n / 1024 ** 3).toFixed(2)}G`;
  if (n < 1024 ** 5) return `${(n / 1024 ** 4).toFixed(2)}T`;
  if (n < 1024 ** 6) return `${(n / 1024 ** 5).toFixed(2)}P`;
  return `${n}B`;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function memorySection(server: Server): string[] {
  const m = memoryFigures(server);
  const lazy = lazyFreeFigures(server);
  const maxmemory = server.config.int('maxmemory');
  // The Lua VM's heap once a script created it (Redis's fresh state is about 32 KiB).
  const luaVm = startedLuaEngine()?.memory() ?? 32768;
  const scripts = scriptCacheOf(server);
  const functions = functionStoreOf(server);
  const total = os.totalmem();
  return [
    `used_memory:${m.used}`,
    `used_memory_human:${bytesToHuman(m.used)}`,
    `used_memory_rss:${m.rss}`,
    `used_memory_rss_human:${bytesToHuman(m.rss)}`,
    `used_memory_peak:${m.peak}`,
    `used_memory_peak_human:${bytesToHuman(m.peak)}`,
    `used_memory_peak_perc:${(ratio(m.used, m.peak) * 100).toFixed(2)}%`,
    `used_memory_overhead:${m.overhead}`,
    `used_memory_startup:${m.startup}`,
    `used_memory_dataset:${m.dataset}`,
    `used_memory_dataset_perc:${(ratio(m.dataset, m.used - m.startup) * 100).toFixed(2)}%`,
    `allocator_allocated:${m.allocated}`,
    `allocator_active:${m.active}`,
    `allocator_resident:${m.resident}`,
    `total_system_memory:${total}`,
    `total_system_memory_human:${bytesToHuman(total)}`,
    `used_memory_lua:${luaVm}`,
    `used_memory_vm_eval:${luaVm}`,
    `used_memory_lua_human:${bytesToHuman(luaVm)}`,
    `used_memory_scripts_eval:${scripts.memory()}`,
    `number_of_cached_scripts:${scripts.scripts.size}`,
    `number_of_functions:${functions.functionCount}`,
    `number_of_libraries:${functions.libraries.size}`,
    'used_memory_vm_functions:32768',
    `used_memory_vm_total:${luaVm + 32768}`,
    `used_memory_vm_total_human:${bytesToHuman(luaVm + 32768)}`,
    'used_memory_functions:0',
    `used_memory_scripts:${scripts.memory()}`,
    `used_memory_scripts_human:${bytesToHuman(scripts.memory())}`,
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${server.config.string('maxmemory-policy')}`,
    `allocator_frag_ratio:${ratio(m.active, m.allocated).toFixed(2)}`,
    `allocator_frag_bytes:${m.active - m.allocated}`,
    `allocator_rss_ratio:${ratio(m.resident, m.active).toFixed(2)}`,
    `allocator_rss_bytes:${m.resident - m.active}`,
    `rss_overhead_ratio:${ratio(m.rss, m.resident).toFixed(2)}`,
    `rss_overhead_bytes:${m.rss - m.resident}`,
    `mem_fragmentation_ratio:${ratio(m.rss, m.used).toFixed(2)}`,
    `mem_fragmentation_bytes:${m.rss - m.used}`,
    // Eviction counts the arenas only (server/eviction.ts): the clients' buffers are not counted.
    `mem_not_counted_for_evict:${m.used - m.dataset}`,
    'mem_replication_backlog:0',
    'mem_total_replication_buffers:0',
    'mem_clients_slaves:0',
    `mem_clients_normal:${m.clientsNormal}`,
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    'mem_allocator:libc',
    'active_defrag_running:0',
    `lazyfree_pending_objects:${lazy.pending}`,
    `lazyfreed_objects:${lazy.freed - (LAZYFREED_BASE.get(server) ?? 0)}`,
  ];
}

function persistenceSection(server: Server): string[] {
  return [
    'loading:0',
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    'current_fork_perc:0.00',
    'current_save_keys_processed:0',
    'current_save_keys_total:0',
    'rdb_changes_since_last_save:0',
    `rdb_bgsave_in_progress:${server.bgsave.worker !== null ? 1 : 0}`,
    `rdb_last_save_time:${server.lastSave}`,
    `rdb_last_bgsave_status:${server.bgsave.lastStatusOk ? 'ok' : 'err'}`,
    `rdb_last_bgsave_time_sec:${server.bgsave.lastTimeSec}`,
    `rdb_current_bgsave_time_sec:${server.bgsave.worker !== null ? Math.floor((Date.now() - server.bgsave.startedMs) / 1000) : -1}`,
    `rdb_saves:${server.rdbSaves}`,
    'rdb_last_cow_size:0',
    `rdb_last_load_keys_expired:${server.rdbLastLoadKeysExpired}`,
    `rdb_last_load_keys_loaded:${server.rdbLastLoadKeysLoaded}`,
    `aof_enabled:${server.config.bool('appendonly') ? 1 : 0}`,
    'aof_rewrite_in_progress:0',
    'aof_rewrite_scheduled:0',
    'aof_last_rewrite_time_sec:-1',
    'aof_current_rewrite_time_sec:-1',
    'aof_last_bgrewrite_status:ok',
    'aof_rewrites:0',
    'aof_rewrites_consecutive_failures:0',
    'aof_last_write_status:ok',
    'aof_last_cow_size:0',
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
  ];
}

function kbps(bytesPerSecond: number): string {
  return (bytesPerSecond / 1024).toFixed(2);
}

function statsSection(server: Server, runningCommand: boolean): string[] {
  const st = server.stats;
  const processed = Math.max(0, st.commandsProcessed - (runningCommand ? 1 : 0));
  const exceeded = server.evictor.exceededTimes();
  return [
    `total_connections_received:${st.connectionsReceived}`,
    `total_commands_processed:${processed}`,
    `instantaneous_ops_per_sec:${Math.round(st.instantaneous('ops'))}`,
    `total_net_input_bytes:${st.netInputBytes}`,
    `total_net_output_bytes:${st.netOutputBytes}`,
    'total_net_repl_input_bytes:0',
    'total_net_repl_output_bytes:0',
    `instantaneous_input_kbps:${kbps(st.instantaneous('in'))}`,
    `instantaneous_output_kbps:${kbps(st.instantaneous('out'))}`,
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${st.rejectedConnections}`,
    'sync_full:0',
    'sync_partial_ok:0',
    'sync_partial_err:0',
    `expired_keys:${server.counter(Counter.ExpiredKeys)}`,
    'expired_stale_perc:0.00',
    'expired_time_cap_reached_count:0',
    'expire_cycle_cpu_milliseconds:0',
    `evicted_keys:${server.counter(Counter.EvictedKeys)}`,
    'evicted_clients:0',
    `total_eviction_exceeded_time:${exceeded.totalMs}`,
    `current_eviction_exceeded_time:${exceeded.currentMs}`,
    `keyspace_hits:${server.counter(Counter.KeyspaceHits)}`,
    `keyspace_misses:${server.counter(Counter.KeyspaceMisses)}`,
    `pubsub_channels:${pubsubOf(server).channels.size}`,
    `pubsub_patterns:${pubsubOf(server).patterns.size}`,
    `pubsubshard_channels:${pubsubOf(server).shardChannels.size}`,
    `latest_fork_usec:${Math.round(server.bgsave.lastPauseUs)}`,
    `total_forks:${server.bgsave.total}`,
    'migrate_cached_sockets:0',
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    `tracking_total_keys:${trackingOf(server).table.size}`,
    `tracking_total_items:${trackingOf(server).totalItems}`,
    `tracking_total_prefixes:${trackingOf(server).prefixTable.size}`,
    'unexpected_error_replies:0',
    `total_error_replies:${st.totalErrorReplies}`,
    'dump_payload_sanitizations:0',
    `total_reads_processed:${processed}`,
    `total_writes_processed:${processed}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
    ...pausesOf(server).infoLines(),
  ];
}

function replicationSection(server: Server): string[] {
  return [
    'role:master',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${server.runId}`,
    'master_replid2:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    'repl_backlog_size:1048576',
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}

/** Seconds with 6 decimals from microseconds ("%ld.%06ld"). */
function cpuSeconds(usec: number): string {
  return `${Math.floor(usec / 1e6)}.${String(Math.floor(usec % 1e6)).padStart(6, '0')}`;
}

function cpuSection(): string[] {
  const self = process.cpuUsage();
  return [
    `used_cpu_sys:${cpuSeconds(self.system)}`,
    `used_cpu_user:${cpuSeconds(self.user)}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
    `used_cpu_sys_main_thread:${cpuSeconds(self.system)}`,
    `used_cpu_user_main_thread:${cpuSeconds(self.user)}`,
  ];
}

/** Calls and microseconds of command spec `id`, summed over every executing thread. */
export function commandCallStats(server: Server, id: number): { calls: number; usec: number } {
  let calls = 0;
  let usec = 0;
  for (const s of server.allStats()) {
    calls += s.calls(id);
    usec += s.usec(id);
  }
  return { calls, usec };
}

function commandstatsSection(server: Server): string[] {
  const out: string[] = [];
  const st = server.stats;
  for (const spec of server.table.specs) {
    const { calls, usec } = commandCallStats(server, spec.id);
    const rejected = st.rejectedCalls.get(spec.name) ?? 0;
    const failed = st.failedCalls.get(spec.name) ?? 0;
    if (calls === 0 && rejected === 0 && failed === 0) continue;
    const perCall = calls === 0 ? 0 : usec / calls;
    out.push(`cmdstat_${spec.name}:calls=${calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${rejected},failed_calls=${failed}`);
  }
  return out;
}

function errorstatsSection(server: Server): string[] {
  const codes = [...server.stats.errors.keys()].sort();
  return codes.map((code) => `errorstat_${code}:count=${server.stats.errors.get(code)}`);
}

/** Redis's trimDoubleString("%f"): 50 -> "50", 99.9 -> "99.9". */
function percentileLabel(p: number): string {
  return p.toFixed(6).replace(/\.?0+$/, '');
}

function latencystatsSection(server: Server): string[] {
  const state = latencyOf(server);
  if (!state.tracking) return [];
  const percentiles = server.config
    .string('latency-tracking-info-percentiles')
    .split(/\s+/)
    .filter((w) => w !== '')
    .map(Number)
    .filter((n) => Number.isFinite(n));
  const out: string[] = [];
  for (const spec of server.table.specs) {
    const h = state.histogram(spec.id);
    if (h === undefined || h.total === 0) continue;
    const fields = percentiles.map((p) => `p${percentileLabel(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`);
    out.push(`latency_percentiles_usec_${spec.name}:${fields.join(',')}`);
  }
  return out;
}

function keyspaceSection(server: Server): string[] {
  const databases = server.config.int('databases');
  const out: string[] = [];
  for (let db = 0; db < databases; db++) {
    let keys = 0;
    let expires = 0;
    for (const s of server.shards) {
      s.arena.refresh();
      keys += s.count(db);
      expires += s.expiresCount(db);
    }
    if (keys > 0) out.push(`db${db}:keys=${keys},expires=${expires},avg_ttl=0`);
  }
  return out;
}
