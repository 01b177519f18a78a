/**
 * The server's configuration: one declarative table of parameters (Redis's names, types, defaults,
 * limits), parsed from redis.conf syntax and `--name value` arguments, read and changed by CONFIG.
 * Values are kept as typed JS values; `format` renders them as CONFIG GET / CONFIG REWRITE show them.
 */
import { formatKeyspaceEvents, parseKeyspaceEvents } from '../commands/keyspace-events.js';

export type ConfigValue = string | number | boolean;

export interface ConfigParam {
  name: string;
  kind: 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'time';
  default: ConfigValue;
  /** Cannot change at run time (CONFIG SET answers Redis's "can't set immutable config" error). */
  immutable?: boolean;
  /** Enum values (lowercase). */
  values?: readonly string[];
  min?: number;
  max?: number;
  aliases?: readonly string[];
  /** Accepts several space-separated values given at once (e.g. `save`). */
  multiArg?: boolean;
  /** Hidden from CONFIG GET * (a Tessera-only parameter that Redis doesn't have). */
  tesseraOnly?: boolean;
  /** Its own syntax: the value to store from the text and the current value; throws ConfigError. */
  parse?: (text: string, previous: ConfigValue) => ConfigValue;
  /** Its own rendering for CONFIG GET / REWRITE (with `parse`: a value kept in another form). */
  format?: (value: ConfigValue) => string;
}

const MAX_INT = 2147483647;
const MAX_LL = Number.MAX_SAFE_INTEGER;

/** Redis 7.0 parameters the foundation uses or reports, plus Tessera's own (threads, shards). */
export const CONFIG_PARAMS: readonly ConfigParam[] = [
  { name: 'bind', kind: 'string', default: '* -::*', multiArg: true },
  { name: 'port', kind: 'int', default: 6379, min: 0, max: 65535 },
  { name: 'unixsocket', kind: 'string', default: '', immutable: true },
  { name: 'unixsocketperm', kind: 'int', default: 0, min: 0, max: 0o777, immutable: true },
  { name: 'protected-mode', kind: 'bool', default: true },
  { name: 'timeout', kind: 'int', default: 0, min: 0, max: MAX_INT },
  { name: 'tcp-keepalive', kind: 'int', default: 300, min: 0, max: MAX_INT },
  { name: 'tcp-backlog', kind: 'int', default: 511, min: 0, max: MAX_INT, immutable: true },
  { name: 'maxclients', kind: 'int', default: 10000, min: 1, max: MAX_INT },
  { name: 'databases', kind: 'int', default: 16, min: 1, max: MAX_INT, immutable: true },
  { name: 'loglevel', kind: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning', 'nothing'] },
  { name: 'logfile', kind: 'string', default: '', immutable: true },
  { name: 'daemonize', kind: 'bool', default: false, immutable: true },
  { name: 'pidfile', kind: 'string', default: '' },
  { name: 'dir', kind: 'string', default: '' },
  { name: 'dbfilename', kind: 'string', default: 'dump.rdb' },
  { name: 'rdbcompression', kind: 'bool', default: true },
  /** RESTORE always validates payloads deeply, which is what `yes` asks of Redis; the setting is kept for clients that set it. */
  { name: 'sanitize-dump-payload', kind: 'enum', default: 'no', values: ['no', 'yes', 'clients'] },
  { name: 'save', kind: 'string', default: '3600 1 300 100 60 10000', multiArg: true },
  { name: 'appendonly', kind: 'bool', default: false },
  { name: 'appendfilename', kind: 'string', default: 'appendonly.aof', immutable: true },
  { name: 'appendfsync', kind: 'enum', default: 'everysec', values: ['always', 'everysec', 'no'] },
  { name: 'maxmemory', kind: 'memory', default: 0, min: 0, max: MAX_LL },
  {
    name: 'maxmemory-policy',
    kind: 'enum',
    default: 'noeviction',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
  { name: 'maxmemory-samples', kind: 'int', default: 5, min: 1, max: MAX_INT },
  { name: 'maxmemory-eviction-tenacity', kind: 'int', default: 10, min: 0, max: 100 },
  { name: 'maxmemory-clients', kind: 'memory', default: 0, min: 0, max: MAX_LL },
  { name: 'repl-backlog-size', kind: 'memory', default: 1024 * 1024, min: 1, max: MAX_LL },
  { name: 'enable-debug-command', kind: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'enable-protected-configs', kind: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'lfu-log-factor', kind: 'int', default: 10, min: 0, max: MAX_INT },
  { name: 'lfu-decay-time', kind: 'int', default: 1, min: 0, max: MAX_INT },
  { name: 'hz', kind: 'int', default: 10, min: 0, max: MAX_INT },
  { name: 'tracking-table-max-keys', kind: 'int', default: 1000000, min: 0, max: MAX_LL },
  { name: 'proto-max-bulk-len', kind: 'memory', default: 512 * 1024 * 1024, min: 1024 * 1024, max: MAX_LL },
  { name: 'client-output-buffer-limit', kind: 'string', default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', multiArg: true, parse: parseOutputBufferLimits },
  { name: 'client-query-buffer-limit', kind: 'memory', default: 1024 * 1024 * 1024, min: 1024 * 1024, max: MAX_LL },
  { name: 'busy-reply-threshold', kind: 'int', default: 5000, min: 0, max: MAX_LL, aliases: ['lua-time-limit'] },
  { name: 'slowlog-log-slower-than', kind: 'int', default: 10000, min: -1, max: MAX_LL },
  { name: 'slowlog-max-len', kind: 'int', default: 128, min: 0, max: MAX_LL },
  { name: 'latency-monitor-threshold', kind: 'int', default: 0, min: 0, max: MAX_LL },
  { name: 'latency-tracking', kind: 'bool', default: true },
  { name: 'latency-tracking-info-percentiles', kind: 'string', default: '50 99 99.9', multiArg: true },
  { name: 'requirepass', kind: 'string', default: '' },
  { name: 'aclfile', kind: 'string', default: '', immutable: true },
  { name: 'acllog-max-len', kind: 'int', default: 128, min: 0, max: MAX_LL },
  { name: 'acl-pubsub-default', kind: 'enum', default: 'resetchannels', values: ['allchannels', 'resetchannels'] },
  { name: 'active-expire-effort', kind: 'int', default: 1, min: 1, max: 10 },
  { name: 'lazyfree-lazy-user-del', kind: 'bool', default: false },
  { name: 'lazyfree-lazy-user-flush', kind: 'bool', default: false },
  { name: 'lazyfree-lazy-expire', kind: 'bool', default: false },
  { name: 'lazyfree-lazy-eviction', kind: 'bool', default: false },
  { name: 'lazyfree-lazy-server-del', kind: 'bool', default: false },
  { name: 'replica-lazy-flush', kind: 'bool', default: false, aliases: ['slave-lazy-flush'] },
  { name: 'hash-max-listpack-entries', kind: 'int', default: 512, min: 0, max: MAX_LL, aliases: ['hash-max-ziplist-entries'] },
  { name: 'hash-max-listpack-value', kind: 'int', default: 64, min: 0, max: MAX_LL, aliases: ['hash-max-ziplist-value'] },
  { name: 'list-max-listpack-size', kind: 'int', default: -2, min: -5, max: MAX_INT, aliases: ['list-max-ziplist-size'] },
  { name: 'list-compress-depth', kind: 'int', default: 0, min: 0, max: MAX_INT },
  { name: 'set-max-intset-entries', kind: 'int', default: 512, min: 0, max: MAX_LL },
  { name: 'zset-max-listpack-entries', kind: 'int', default: 128, min: 0, max: MAX_LL, aliases: ['zset-max-ziplist-entries'] },
  { name: 'zset-max-listpack-value', kind: 'int', default: 64, min: 0, max: MAX_LL, aliases: ['zset-max-ziplist-value'] },
  { name: 'hll-sparse-max-bytes', kind: 'memory', default: 3000, min: 0, max: MAX_LL },
  {
    name: 'notify-keyspace-events',
    kind: 'string',
    default: 0,
    parse: (text) => {
      const flags = parseKeyspaceEvents(text);
      if (flags < 0) throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      return flags;
    },
    format: (v) => formatKeyspaceEvents(v as number),
  },
  { name: 'io-threads', kind: 'int', default: 1, min: 1, max: 128, immutable: true },
  { name: 'threads', kind: 'int', default: -1, min: -1, max: 64, immutable: true, tesseraOnly: true },
  { name: 'shards', kind: 'int', default: 16, min: 1, max: 1024, immutable: true, tesseraOnly: true },
  { name: 'parser', kind: 'enum', default: 'auto', values: ['auto', 'native', 'typescript'], immutable: true, tesseraOnly: true },
  { name: 'io', kind: 'enum', default: 'native', values: ['native', 'node'], immutable: true, tesseraOnly: true },
];

const BY_NAME = new Map<string, ConfigParam>();
for (const p of CONFIG_PARAMS) {
  BY_NAME.set(p.name, p);
  for (const a of p.aliases ?? []) BY_NAME.set(a, p);
}

export function findParam(name: string): ConfigParam | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Parses "1gb", "100mb", "10k", "512" as Redis's memtoull does; NaN when invalid (a sign or spaces too). */
export function parseMemory(text: string): number {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 ** 3 };
  return n * mult[unit];
}

export class ConfigError extends Error {}

export class Config {
  private readonly values = new Map<string, ConfigValue>();
  /** Called after a successful set (name, value): the server applies run-time changes. */
  onChange: ((name: string, value: ConfigValue) => void) | null = null;
  /** The config file the server started with (CONFIG REWRITE target), if any. */
  file: string | null = null;
  /**
   * `user <name> <rules...>` directives, in order: the server creates these ACL users at startup
   * (Redis's UsersToLoad). `line` is the config file's line number (0 for the command line).
   */
  readonly users: Array<{ line: number; text: string; words: string[] }> = [];

  constructor() {
    for (const p of CONFIG_PARAMS) this.values.set(p.name, p.default);
  }

  get(name: string): ConfigValue {
    const p = findParam(name);
    if (!p) throw new ConfigError(`unknown config ${name}`);
    return this.values.get(p.name)!;
  }

  int(name: string): number {
    return this.get(name) as number;
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  string(name: string): string {
    return String(this.get(name));
  }

  /** Parses and stores a value given as text; throws ConfigError with Redis's reason on bad input. */
  setFromText(name: string, text: string, atStartup = false): void {
    const p = findParam(name);
    if (!p) throw new ConfigError('Unknown option or number of arguments for CONFIG SET - \'' + name + "'");
    if (p.immutable && !atStartup) throw new ConfigError(`can't set immutable config`);
    const value = p.parse ? p.parse(text, this.values.get(p.name)!) : parseValue(p, text);
    this.values.set(p.name, value);
    if (!atStartup && this.onChange) this.onChange(p.name, value);
  }

  /** Renders a value as CONFIG GET shows it. */
  format(name: string): string {
    const p = findParam(name)!;
    const v = this.values.get(p.name)!;
    if (p.kind === 'bool') return v ? 'yes' : 'no';
    if (p.format) return p.format(v);
    return String(v);
  }

  /** Parameters whose name (or alias) matches a glob, in table order, as [name, value] pairs. */
  matching(pattern: (name: string) => boolean): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const p of CONFIG_PARAMS) {
      if (p.tesseraOnly && !pattern(p.name)) continue;
      if (pattern(p.name)) out.push([p.name, this.format(p.name)]);
      for (const a of p.aliases ?? []) if (pattern(a)) out.push([a, this.format(p.name)]);
    }
    return out;
  }

  /** Applies redis.conf text: one directive per line, `#` comments, quoted arguments. */
  loadText(text: string): void {
    const lines = text.split(/\r?\n/);
    let savedLines = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === '' || line.startsWith('#')) continue;
      const words = splitConfigLine(line);
      if (words === null) throw new ConfigError(`Unbalanced quotes in configuration line ${i + 1}`);
      const [name, ...rest] = words;
      const lower = name.toLowerCase();
      if (lower === 'include') continue;
      if (lower === 'user' && rest.length >= 1) {
        this.users.push({ line: i + 1, text: line, words: rest });
        continue;
      }
      try {
        if (!findParam(lower)) throw new ConfigError('Bad directive or wrong number of arguments');
        // Several `save` lines add up (the first replaces the default), as in redis.conf.
        const value = lower === 'save' && savedLines++ > 0 && rest.join(' ') !== '' ? `${this.string('save')} ${rest.join(' ')}`.trim() : rest.join(' ');
        this.setFromText(name, value, true);
      } catch (e) {
        throw new ConfigError(`*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${i + 1}\n>>> '${line}'\n${(e as Error).message}`);
      }
    }
  }

  /** The directives of a config file, as CONFIG REWRITE writes them (non-default values). */
  rewriteLines(): string[] {
    const out: string[] = [];
    for (const p of CONFIG_PARAMS) {
      const v = this.values.get(p.name)!;
      if (v === p.default) continue;
      const text = this.format(p.name);
      out.push(`${p.name} ${/[\s"']/.test(text) || text === '' ? JSON.stringify(text) : text}`);
    }
    return out;
  }
}

function parseValue(p: ConfigParam, text: string): ConfigValue {
  switch (p.kind) {
    case 'bool': {
      const t = text.toLowerCase();
      if (t === 'yes') return true;
      if (t === 'no') return false;
      throw new ConfigError('argument must be \'yes\' or \'no\'');
    }
    case 'enum': {
      const t = text.toLowerCase();
      if (!p.values!.includes(t)) throw new ConfigError(`argument(s) must be one of the following: ${p.values!.join(', ')}`);
      return t;
    }
    case 'int':
    case 'time': {
      if (!/^-?\d+$/.test(text.trim())) throw new ConfigError('argument couldn\'t be parsed into an integer');
      const n = Number(text);
      checkRange(p, n);
      return n;
    }
    case 'memory': {
      const n = parseMemory(text);
      if (Number.isNaN(n)) throw new ConfigError('argument must be a memory value');
      checkRange(p, n);
      return n;
    }
    case 'string':
      return text;
  }
}

/**
 * `client-output-buffer-limit`: groups of `<class> <hard> <soft> <soft seconds>` change only the
 * classes they name (Redis's updateClientOutputBufferLimit, all groups checked before any applies);
 * the value is kept whole, as CONFIG GET shows it: every class, sizes in bytes.
 */
function parseOutputBufferLimits(text: string, previous: ConfigValue): string {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
  const classes = new Map<string, string>();
  const old = String(previous).split(/\s+/);
  for (let i = 0; i + 3 < old.length; i += 4) classes.set(old[i], `${old[i + 1]} ${old[i + 2]} ${old[i + 3]}`);
  const updates: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i += 4) {
    let cls = words[i].toLowerCase();
    if (cls === 'replica') cls = 'slave';
    if (cls !== 'normal' && cls !== 'slave' && cls !== 'pubsub') throw new ConfigError('Invalid client class specified in buffer limit configuration.');
    const hard = parseMemory(words[i + 1]);
    const soft = parseMemory(words[i + 2]);
    const seconds = /^-?\d+$/.test(words[i + 3]) ? Number(words[i + 3]) : NaN;
    if (!(hard >= 0) || !(soft >= 0) || !(seconds >= 0)) throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    updates.push([cls, `${hard} ${soft} ${seconds}`]);
  }
  for (const [cls, v] of updates) classes.set(cls, v);
  return ['normal', 'slave', 'pubsub'].map((c) => `${c} ${classes.get(c) ?? '0 0 0'}`).join(' ');
}

function checkRange(p: ConfigParam, n: number): void {
  if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
    // MAX_LL stands for Redis's LONG_MAX / LLONG_MAX bound (numbers here stop at 2^53).
    const max = p.max === MAX_LL ? '9223372036854775807' : p.max;
    throw new ConfigError(`argument must be between ${p.min} and ${max} inclusive`);
  }
}

/** Splits a config line like Redis's sdssplitargs; null on unbalanced quotes. */
export function splitConfigLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let word = '';
    if (line[i] === '"' || line[i] === "'") {
      const q = line[i++];
      let closed = false;
      while (i < line.length) {
        const c = line[i];
        if (c === '\\' && q === '"' && i + 1 < line.length) {
          const n = line[i + 1];
          if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          word += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n;
          i += 2;
          continue;
        }
        if (c === '\\' && q === "'" && line[i + 1] === "'") {
          word += "'";
          i += 2;
          continue;
        }
        if (c === q) {
          closed = true;
          i++;
          break;
        }
        word += c;
        i++;
      }
      if (!closed) return null;
    } else {
      while (i < line.length && !/\s/.test(line[i])) word += line[i++];
    }
    out.push(word);
  }
  return out;
}

/**
 * Parses redis-server style arguments: an optional config file path first, then `--name value...`
 * pairs (a value may span several words until the next `--`). Returns the config file path.
 */
export function parseServerArgs(argv: string[], config: Config, readFile: (path: string) => string): string | null {
  let i = 0;
  let file: string | null = null;
  if (argv.length > 0 && !argv[0].startsWith('--')) {
    file = argv[0];
    config.loadText(readFile(file));
    config.file = file;
    i = 1;
  }
  while (i < argv.length) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new ConfigError(`Invalid argument '${arg}'`);
    const name = arg.slice(2);
    const words: string[] = [];
    i++;
    while (i < argv.length && !argv[i].startsWith('--')) words.push(argv[i++]);
    if (name.toLowerCase() === 'user' && words.length >= 1) config.users.push({ line: 0, text: `user ${words.join(' ')}`, words });
    else config.setFromText(name, words.join(' '), true);
  }
  return file;
}
