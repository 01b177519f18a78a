/**
 * Server commands: INFO CONFIG TIME LASTSAVE DEBUG SLOWLOG LATENCY MEMORY SHUTDOWN (and COMMAND,
 * delegated to command-introspection.ts). Most run on the main thread; DEBUG and MEMORY pick their
 * route per call: MEMORY USAGE runs on its key's shard, DEBUG OBJECT / DIGEST / DIGEST-VALUE /
 * POPULATE hold every shard (DEBUG has no key specs, so the dispatcher could not find the key's
 * worker; holding all is correct in both execution modes and DEBUG is never on a hot path).
 *
 * Replies and errors are Redis 7.0.15's; HELP texts are Tessera's own words in Redis's layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { CommandFamily, MainHandler, ShardHandler, Route } from './handler.js';
import type { ExecContext } from './context.js';
import { lruIdleMs, LRU_CLOCK_MAX } from './context.js';
import type { Args } from '../protocol/args.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { CONFIG_PARAMS, ConfigError, findParam, splitConfigLine, type Config, type ConfigParam } from '../config/config.js';
import { NOT_INTEGER, NOT_POSITIVE_LONG, NO_SUCH_KEY, SYNTAX, unknownSubcommand } from '../protocol/errors.js';
import { Setting } from '../shard/shared-settings.js';
import { ShardKeyspace, ValueType, Encoding } from '../storage/keyspace.js';
import { renderInfo, memoryFigures, resetPeakMemory } from './info.js';
import { commandReply } from './command-introspection.js';
import { parseInteger, replyHelp, subcommandSyntaxErrorOf } from './connection.js';
import { userConfigLines } from './acl.js';
import { slowlogOf, refreshSlowlogSettings } from '../server/slowlog.js';
import { latencyOf, refreshLatencySettings, latencyGraph, latencyDoctorReport, type LatencyHistogram } from '../server/latency.js';
import { pausesOf } from '../server/pause-monitor.js';

// ---------------------------------------------------------------- glob

/** Redis's stringmatchlen: * ? [a-z] [^...] and \ escapes. */
export function globMatch(pattern: string, text: string, nocase: boolean): boolean {
  if (nocase) {
    pattern = pattern.toLowerCase();
    text = text.toLowerCase();
  }
  return globAt(pattern, 0, text, 0);
}

function globAt(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi];
    if (c === '*') {
      while (pi + 1 < p.length && p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (globAt(p, pi + 1, s, k)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      si++;
      pi++;
      continue;
    }
    if (c === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let match = false;
      for (;;) {
        if (pi >= p.length) {
          pi--;
          break;
        }
        if (p[pi] === '\\' && pi + 1 < p.length) {
          pi++;
          if (p[pi] === s[si]) match = true;
        } else if (p[pi] === ']') {
          break;
        } else if (pi + 2 < p.length && p[pi + 1] === '-') {
          let start = p.charCodeAt(pi);
          let end = p.charCodeAt(pi + 2);
          const ch = s.charCodeAt(si);
          if (start > end) [start, end] = [end, start];
          pi += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (p[pi] === s[si]) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
      pi++;
      continue;
    }
    if (c === '\\' && pi + 1 < p.length) pi++;
    if (p[pi] !== s[si]) return false;
    si++;
    pi++;
  }
  return si === s.length;
}

// ---------------------------------------------------------------- INFO

function info(ctx: ExecContext, _client: Client, server: Server): void {
  const sections: string[] = [];
  for (let i = 1; i < ctx.args.argc; i++) sections.push(ctx.args.text(i));
  ctx.reply.verbatim(renderInfo(server, sections, true));
}

// ---------------------------------------------------------------- CONFIG

const CONFIG_HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern> [<pattern> ...]',
  '    The parameters whose names match the glob-style patterns, with their values.',
  'SET <directive> <value> [<directive> <value> ...]',
  '    Change parameters, all or none: if one value is refused, nothing changes.',
  'RESETSTAT',
  '    Zero the statistics INFO reports (commands, errors, latency, keyspace hits...).',
  'REWRITE',
  '    Write the running configuration back to the configuration file.',
  'HELP',
  '    Print this help.',
];

/** CONFIG GET's text for a parameter. */
function configValueText(config: Config, p: ConfigParam): string {
  if (p.name === 'dir') {
    const dir = config.string('dir');
    return dir === '' ? process.cwd() : dir;
  }
  return config.format(p.name);
}

function configGet(ctx: ExecContext, server: Server): void {
  const { args, reply } = ctx;
  const matches = new Map<string, string>();
  for (let i = 2; i < args.argc; i++) {
    const pattern = args.text(i);
    if (!/[[*?]/.test(pattern)) {
      // An exact name answers under the name as given; hidden (Tessera-only) names need this form.
      if (matches.has(pattern)) continue;
      const p = findParam(pattern);
      if (p !== undefined) matches.set(pattern, configValueText(server.config, p));
      continue;
    }
    for (const p of CONFIG_PARAMS) {
      if (p.tesseraOnly) continue;
      for (const name of [p.name, ...(p.aliases ?? [])]) {
        if (!matches.has(name) && globMatch(pattern, name, true)) matches.set(name, configValueText(server.config, p));
      }
    }
  }
  reply.mapLen(matches.size);
  for (const [name, value] of matches) {
    reply.bulkString(name);
    reply.bulkString(value);
  }
}

function configSet(ctx: ExecContext, server: Server): void {
  const { args, reply } = ctx;
  if ((args.argc & 1) === 1) {
    reply.error(SYNTAX);
    return;
  }
  const config = server.config;
  const params: ConfigParam[] = [];
  const values: string[] = [];
  /** The names as the client wrote them (an alias, any case): Redis's errors quote them. */
  const givenNames: string[] = [];
  let unknownName: string | null = null;
  let failure: { name: string; reason: string } | null = null;
  // Redis's configSetCommand: the first problem found while scanning every pair decides the error.
  for (let i = 2; i < args.argc; i += 2) {
    const given = args.text(i);
    const p = findParam(given);
    if (p === undefined) {
      if (unknownName === null && failure === null) unknownName = given;
      continue;
    }
    if (unknownName !== null || failure !== null) continue;
    if (p.immutable) failure = { name: given, reason: "can't set immutable config" };
    else if (params.includes(p)) failure = { name: given, reason: 'duplicate parameter' };
    params.push(p);
    givenNames.push(given);
    values.push(args.text(i + 1));
  }
  if (unknownName !== null) {
    reply.error(`ERR Unknown option or number of arguments for CONFIG SET - '${unknownName}'`);
    return;
  }
  if (failure !== null) {
    reply.error(`ERR CONFIG SET failed (possibly related to argument '${failure.name}') - ${failure.reason}`);
    return;
  }
  // Commands sent to workers before this one run under the settings they were sent with.
  server.quiesceWorkers();
  const previous = params.map((p) => config.format(p.name));
  for (let k = 0; k < params.length; k++) {
    try {
      config.setFromText(params[k].name, values[k]);
    } catch (e) {
      // All or nothing: put back what was already changed.
      for (let r = 0; r <= k; r++) {
        try {
          config.setFromText(params[r].name, previous[r]);
        } catch {
          /* the previous text was valid when it was set */
        }
      }
      const reason = e instanceof ConfigError ? e.message : String(e);
      reply.error(`ERR CONFIG SET failed (possibly related to argument '${givenNames[k]}') - ${reason}`);
      return;
    }
  }
  refreshSlowlogSettings(server);
  refreshLatencySettings(server);
  reply.ok();
}

function configResetstat(ctx: ExecContext, server: Server): void {
  server.resetStats();
  latencyOf(server).resetHistograms();
  pausesOf(server).reset();
  resetPeakMemory(server);
  ctx.reply.ok();
}

/** Redis's sdscatrepr: a double-quoted string with C escapes. */
function quoteConfigString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c < 32 || c === 127) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Redis's rewriteConfigFormatMemory. */
function formatMemoryValue(bytes: number): string {
  const gb = 1024 ** 3;
  const mb = 1024 ** 2;
  if (bytes !== 0 && bytes % gb === 0) return `${bytes / gb}gb`;
  if (bytes !== 0 && bytes % mb === 0) return `${bytes / mb}mb`;
  if (bytes !== 0 && bytes % 1024 === 0) return `${bytes / 1024}kb`;
  return String(bytes);
}

/** A parameter's line as CONFIG REWRITE writes it. */
export function configFileLine(config: Config, p: ConfigParam): string {
  const value = config.get(p.name);
  switch (p.kind) {
    case 'bool':
      return `${p.name} ${value ? 'yes' : 'no'}`;
    case 'memory':
      return `${p.name} ${formatMemoryValue(value as number)}`;
    case 'int':
    case 'time':
    case 'enum':
      return `${p.name} ${value}`;
    case 'string': {
      const text = String(value);
      if (p.multiArg) return `${p.name} ${text === '' ? '""' : text}`;
      return `${p.name} ${quoteConfigString(text)}`;
    }
  }
}

const REWRITE_SIGNATURE = '# Generated by CONFIG REWRITE';

/**
 * CONFIG REWRITE's new file text (Redis's rewriteConfig): lines of parameters we know are replaced
 * in place by their current value (extra lines of the same parameter dropped), other lines are kept,
 * changed parameters absent from the file are appended after a signature line, and runs of blank
 * lines collapse to one.
 */
export function rewriteConfigText(config: Config, oldText: string, userLines: readonly string[] = []): string {
  const lines = oldText === '' ? [] : oldText.replace(/\r?\n$/, '').split(/\r?\n/);
  const linesOf = new Map<string, number[]>();
  /** ACL `user` lines: rewritten in place, in order; the rest appended (rewriteConfigUserOption). */
  const userAt: number[] = [];
  let needsSignature = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) {
      if (line === REWRITE_SIGNATURE) needsSignature = false;
      continue;
    }
    const words = splitConfigLine(line);
    if (words === null || words.length === 0) continue;
    if (words[0].toLowerCase() === 'user') {
      userAt.push(i);
      continue;
    }
    const p = findParam(words[0]);
    if (p === undefined) continue;
    const list = linesOf.get(p.name) ?? [];
    list.push(i);
    linesOf.set(p.name, list);
  }
  for (const p of CONFIG_PARAMS) {
    const at = linesOf.get(p.name);
    // As Redis: without a password there is no requirepass line at all.
    if (p.name === 'requirepass' && config.string('requirepass') === '') {
      for (const i of at ?? []) lines[i] = '';
      continue;
    }
    const line = configFileLine(config, p);
    if (at !== undefined) {
      lines[at[0]] = line;
      for (let k = 1; k < at.length; k++) lines[at[k]] = '';
    } else if (config.get(p.name) !== p.default) {
      if (needsSignature) {
        lines.push(REWRITE_SIGNATURE);
        needsSignature = false;
      }
      lines.push(line);
    }
  }
  for (let k = 0; k < userAt.length; k++) lines[userAt[k]] = k < userLines.length ? userLines[k] : '';
  for (let k = userAt.length; k < userLines.length; k++) {
    if (needsSignature) {
      lines.push(REWRITE_SIGNATURE);
      needsSignature = false;
    }
    lines.push(userLines[k]);
  }
  let out = '';
  let wasEmpty = false;
  for (const line of lines) {
    if (line === '') {
      if (wasEmpty) continue;
      wasEmpty = true;
    } else {
      wasEmpty = false;
    }
    out += line + '\n';
  }
  return out;
}

function configRewrite(ctx: ExecContext, server: Server): void {
  const file = server.config.file;
  if (file === null || file === '') {
    ctx.reply.error('ERR The server is running without a config file');
    return;
  }
  try {
    let old = '';
    try {
      old = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const text = rewriteConfigText(server.config, old, userConfigLines(server));
    const tmp = path.join(path.dirname(file), `.tessera-rewrite-${process.pid}.tmp`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    server.log.warning(`CONFIG REWRITE failed: ${(e as Error).message}`);
    ctx.reply.error(`ERR Rewriting config file: ${(e as Error).message}`);
    return;
  }
  server.log.notice('CONFIG REWRITE executed with success.');
  ctx.reply.ok();
}

function config(ctx: ExecContext, _client: Client, server: Server): void {
  switch (ctx.args.lower(1)) {
    case 'get':
      configGet(ctx, server);
      return;
    case 'set':
      configSet(ctx, server);
      return;
    case 'resetstat':
      configResetstat(ctx, server);
      return;
    case 'rewrite':
      configRewrite(ctx, server);
      return;
    case 'help':
      replyHelp(ctx, CONFIG_HELP);
      return;
    default:
      ctx.reply.error(unknownSubcommand(ctx.args.text(1), 'config'));
  }
}

// ---------------------------------------------------------------- TIME LASTSAVE SHUTDOWN

function time(ctx: ExecContext): void {
  const ms = performance.timeOrigin + performance.now();
  const seconds = Math.floor(ms / 1000);
  const micros = Math.min(999999, Math.floor((ms - seconds * 1000) * 1000));
  ctx.reply.arrayLen(2);
  ctx.reply.bulkInteger(seconds);
  ctx.reply.bulkInteger(micros);
}

function lastsave(ctx: ExecContext, _client: Client, server: Server): void {
  ctx.reply.integer(server.lastSave);
}

function shutdown(ctx: ExecContext, client: Client, server: Server): void {
  const { args, reply } = ctx;
  let nosave = false;
  let save = false;
  let flags = 0;
  let abort = false;
  let force = false;
  for (let i = 1; i < args.argc; i++) {
    if (args.is(i, 'nosave')) nosave = true;
    else if (args.is(i, 'save')) save = true;
    else if (args.is(i, 'now')) flags++;
    else if (args.is(i, 'force')) {
      flags++;
      force = true;
    }
    else if (args.is(i, 'abort')) abort = true;
    else {
      reply.error(SYNTAX);
      return;
    }
  }
  if ((abort && (nosave || save || flags > 0)) || (nosave && save)) {
    reply.error(SYNTAX);
    return;
  }
  if (abort) {
    // Tessera shuts down at once: there is never a shutdown in progress to abort.
    reply.error('ERR No shutdown in progress.');
    return;
  }
  const busy = server.scriptBusyError;
  if (busy !== null && !nosave) {
    // Redis's shutdownCommand: with a script busy only SHUTDOWN NOSAVE is allowed.
    reply.error(busy);
    return;
  }
  // With a script busy only NOSAVE gets here. SAVE, or save points without NOSAVE, write the RDB file.
  if (busy === null && !server.saveBeforeExit(save, nosave, force)) {
    reply.error('ERR Errors trying to SHUTDOWN. Check logs.');
    return;
  }
  // No reply: the connection closes with the server, as in Redis.
  server.closeAfterReply(client);
  if (busy !== null && server.exitNow) {
    server.log.warning('User requested shutdown while a script is busy, exiting now (NOSAVE)...');
    server.exitNow();
    return;
  }
  if (server.shutdownRequested) {
    server.shutdownRequested();
  } else {
    server.log.warning('User requested shutdown...');
    void server.close();
  }
}

// ---------------------------------------------------------------- SLOWLOG

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    The newest <count> entries of the slow log (10 by default, -1 for all of them). Each entry',
  '    holds: id, time (unix seconds), duration in microseconds, the command\'s arguments, the',
  '    client\'s address and the client\'s name.',
  'LEN',
  '    How many entries the slow log holds.',
  'RESET',
  '    Empty the slow log.',
  'HELP',
  '    Print this help.',
];

function slowlog(ctx: ExecContext, _client: Client, server: Server): void {
  const { args, reply } = ctx;
  const log = slowlogOf(server);
  switch (args.lower(1)) {
    case 'get': {
      let count = 10;
      if (args.argc === 3) {
        const n = parseInteger(args.string(2));
        if (n === null || n < -1) {
          reply.error('ERR count should be greater than or equal to -1');
          return;
        }
        count = n === -1 ? log.entries.length : n;
      }
      const entries = log.newest(count);
      reply.arrayLen(entries.length);
      for (const e of entries) {
        reply.arrayLen(6);
        reply.integer(e.id);
        reply.integer(e.time);
        reply.integer(e.usec);
        reply.arrayLen(e.args.length);
        for (const a of e.args) reply.bulk(a);
        reply.bulkString(e.addr);
        reply.bulkLatin1(e.name);
      }
      return;
    }
    case 'len':
      reply.integer(log.entries.length);
      return;
    case 'reset':
      log.reset();
      reply.ok();
      return;
    case 'help':
      replyHelp(ctx, SLOWLOG_HELP);
      return;
    default:
      reply.error(unknownSubcommand(args.text(1), 'slowlog'));
  }
}

// ---------------------------------------------------------------- LATENCY

const LATENCY_HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    A plain-language analysis of the latency events recorded.',
  'GRAPH <event>',
  '    An ASCII chart of the samples of <event>.',
  'HISTORY <event>',
  '    The samples of <event>: pairs of unix time and latency in milliseconds.',
  'LATEST',
  '    For every event: its name, the time and latency of its last sample, and its worst latency.',
  'RESET [<event> ...]',
  '    Forget the samples of the given events (of every event without arguments).',
  'HISTOGRAM [<command> ...]',
  '    Per-command latency distributions (cumulative counts per microsecond bucket), for the',
  '    given commands or all those that ran.',
  'HELP',
  '    Print this help.',
];

function replyHistogram(ctx: ExecContext, name: string, h: LatencyHistogram): void {
  const { reply } = ctx;
  reply.bulkLatin1(name);
  reply.mapLen(2);
  reply.bulkLatin1('calls');
  reply.integer(h.total);
  reply.bulkLatin1('histogram_usec');
  const buckets = h.cumulativeBuckets();
  reply.mapLen(buckets.length);
  for (const [usec, count] of buckets) {
    reply.integer(usec);
    reply.integer(count);
  }
}

function latencyHistogram(ctx: ExecContext, server: Server): void {
  const { args, reply } = ctx;
  const state = latencyOf(server);
  const specs: ReadonlyArray<{ id: number; name: string }> = server.table.specs;
  const chosen: Array<{ name: string; h: LatencyHistogram }> = [];
  const add = (spec: { id: number; name: string }): void => {
    const h = state.histogram(spec.id);
    if (h !== undefined && h.total > 0) chosen.push({ name: spec.name, h });
  };
  if (args.argc === 2) {
    for (const spec of specs) add(spec);
  } else {
    for (let j = 2; j < args.argc; j++) {
      const name = args.lower(j);
      const spec = specs.find((s) => s.name === name);
      if (spec === undefined) continue;
      add(spec);
      if (!name.includes('|')) for (const s of specs) if (s.name.startsWith(name + '|')) add(s);
    }
  }
  reply.mapLen(chosen.length);
  for (const { name, h } of chosen) replyHistogram(ctx, name, h);
}

function latency(ctx: ExecContext, _client: Client, server: Server): void {
  const { args, reply } = ctx;
  const state = latencyOf(server);
  switch (args.lower(1)) {
    case 'latest':
      reply.arrayLen(state.events.size);
      for (const [name, series] of state.events) {
        const last = series.latest();
        reply.arrayLen(4);
        reply.bulkString(name);
        reply.integer(last.time);
        reply.integer(last.latency);
        reply.integer(series.max);
      }
      return;
    case 'history': {
      const series = state.events.get(args.text(2));
      if (series === undefined) {
        reply.arrayLen(0);
        return;
      }
      const samples = series.history();
      reply.arrayLen(samples.length);
      for (const s of samples) {
        reply.arrayLen(2);
        reply.integer(s.time);
        reply.integer(s.latency);
      }
      return;
    }
    case 'graph': {
      const event = args.text(2);
      const series = state.events.get(event);
      if (series === undefined) {
        reply.error(`ERR No samples available for event '${event}'`);
        return;
      }
      reply.verbatim(latencyGraph(event, series));
      return;
    }
    case 'reset': {
      const names: string[] = [];
      for (let j = 2; j < args.argc; j++) names.push(args.text(j));
      reply.integer(state.resetEvents(args.argc === 2 ? null : names));
      return;
    }
    case 'doctor':
      reply.verbatim(latencyDoctorReport(state));
      return;
    case 'histogram':
      latencyHistogram(ctx, server);
      return;
    case 'help':
      replyHelp(ctx, LATENCY_HELP);
      return;
    default:
      reply.error(unknownSubcommand(args.text(1), 'latency'));
  }
}

// ---------------------------------------------------------------- per-type value hooks

/**
 * What DEBUG and MEMORY need from each value type beyond strings (which this file handles):
 * registered by the type modules, indexed by ValueType, as keyspace.ts's valueFreers are.
 */
export interface ValueReporter {
  /** Redis's xorObjectDigest body for the type: mix the value's elements into `digest`. */
  digest?(ks: ShardKeyspace, e: number, digest: Uint8Array): void;
  /** Bytes the value takes besides its entry block (MEMORY USAGE; `samples` elements at most, 0 = all). */
  memoryUsage?(ks: ShardKeyspace, e: number, samples: number): number;
  /** Bytes the value takes in an RDB file (DEBUG OBJECT serializedlength). */
  serializedLength?(ks: ShardKeyspace, e: number): number;
  /** Extra DEBUG OBJECT text (Redis prints ql_nodes... for quicklists), starting with a space. */
  debugExtra?(ks: ShardKeyspace, e: number): string;
}
export const valueReporters: Array<ValueReporter | undefined> = [];

/** Redis's xorDigest: digest ^= SHA1(bytes). */
export function xorDigest(digest: Uint8Array, bytes: Uint8Array): void {
  const hash = createHash('sha1').update(bytes).digest();
  for (let j = 0; j < 20; j++) digest[j] ^= hash[j];
}

/** Redis's mixDigest: digest = SHA1(digest ^ SHA1(bytes)), so the order of elements matters. */
export function mixDigest(digest: Uint8Array, bytes: Uint8Array): void {
  xorDigest(digest, bytes);
  digest.set(createHash('sha1').update(digest).digest());
}

const EXPIRE_MARK = Buffer.from('!!expire!!');
const TYPE_NAMES = ['string', 'list', 'set', 'zset', 'hash', '', 'stream'];

function typeWord(type: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(type);
  return b;
}

/** Redis's xorObjectDigest for entry `e`; null when the value's type can't be digested yet. */
function objectDigest(ks: ShardKeyspace, e: number, digest: Uint8Array): boolean {
  const type = ks.type(e);
  mixDigest(digest, typeWord(type));
  if (type === ValueType.String) {
    const start = ks.valueStart(e);
    mixDigest(digest, ks.arena.u8.subarray(start, start + ks.valueWord(e)));
  } else {
    const reporter = valueReporters[type];
    if (reporter?.digest === undefined) return false;
    reporter.digest(ks, e, digest);
  }
  if (ks.expireOf(e) !== 0) xorDigest(digest, EXPIRE_MARK);
  return true;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function digestUnsupported(ks: ShardKeyspace, e: number): string {
  return `ERR DEBUG DIGEST is not supported for ${TYPE_NAMES[ks.type(e)] ?? 'this'} values yet`;
}

// ---------------------------------------------------------------- DEBUG

const DEBUG_HELP = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DIGEST',
  '    A SHA1 digest of the whole data set (as Redis computes it: equal data sets, equal digests).',
  'DIGEST-VALUE <key> [<key> ...]',
  '    The digest of each key\'s value (zeros for a missing key).',
  'ERROR <string>',
  '    Reply with <string> as an error.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Low-level details of the value at <key>.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named <prefix>:<n> (prefix "key") holding "value:<n>", padded',
  '    or cut to <size> bytes when given. Existing keys are left alone.',
  'PROTOCOL <type>',
  '    Reply with a sample of a RESP type: string, integer, double, bignum, null, array, set,',
  '    map, attrib, push, verbatim, true or false.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Turn the active expiry cycle off (0) or on (1); keys still expire when accessed.',
  'SLEEP <seconds>',
  '    Block the server for <seconds> (decimals allowed).',
  'HELP',
  '    Print this help.',
];

/** A DEBUG subcommand added by another family (persistence's RELOAD, a type's internals...). */
export type DebugExtension = { route: 'main'; main: MainHandler } | { route: 'all'; run: ShardHandler };
export const debugExtensions = new Map<string, DebugExtension>();

const DEBUG_ON_SHARDS = new Set(['object', 'digest', 'digest-value', 'populate']);

function debugRoute(args: Args): Route {
  if (args.argc < 2) return 'main';
  const sub = args.lower(1);
  if (DEBUG_ON_SHARDS.has(sub)) return 'all';
  return debugExtensions.get(sub)?.route ?? 'main';
}

const ENCODING_NAMES: Record<number, string> = {
  [Encoding.Raw]: 'raw',
  [Encoding.Int]: 'int',
  [Encoding.HashTable]: 'hashtable',
  3: 'zipmap',
  4: 'linkedlist',
  5: 'ziplist',
  [Encoding.IntSet]: 'intset',
  [Encoding.SkipList]: 'skiplist',
  [Encoding.Embstr]: 'embstr',
  [Encoding.QuickList]: 'quicklist',
  [Encoding.Stream]: 'stream',
  [Encoding.ListPack]: 'listpack',
};

/** Bytes of Redis's rdbSaveLen for `len`. */
function rdbLenBytes(len: number): number {
  if (len < 1 << 6) return 1;
  if (len < 1 << 14) return 2;
  if (len <= 0xffffffff) return 5;
  return 9;
}

/** rdbSavedObjectLen for a string value (without LZF: Tessera stores values uncompressed). */
function stringSerializedLength(bytes: Uint8Array): number {
  if (bytes.length <= 11) {
    const text = Buffer.from(bytes).toString('latin1');
    const n = parseInteger(text);
    if (n !== null && String(n) === text) {
      if (n >= -128 && n <= 127) return 2;
      if (n >= -32768 && n <= 32767) return 3;
      if (n >= -2147483648 && n <= 2147483647) return 5;
    }
  }
  return rdbLenBytes(bytes.length) + bytes.length;
}

function debugObject(ctx: ExecContext): void {
  const ks = ctx.keyspaceFor(2);
  const a = ctx.args;
  // As Redis: a direct lookup, so logically expired keys are shown too.
  const e = ks.find(ctx.db, a.buf, a.offset(2), a.length(2));
  if (e === 0) {
    ctx.reply.error(NO_SUCH_KEY);
    return;
  }
  const type = ks.type(e);
  const reporter = valueReporters[type];
  let serialized = 0;
  if (type === ValueType.String) {
    const start = ks.valueStart(e);
    serialized = stringSerializedLength(ks.arena.u8.subarray(start, start + ks.valueWord(e)));
  } else if (reporter?.serializedLength) {
    serialized = reporter.serializedLength(ks, e);
  }
  const word = ks.lru(e);
  const address = ks.index * 0x100000000 + e;
  const extra = reporter?.debugExtra ? reporter.debugExtra(ks, e) : '';
  ctx.reply.simple(
    `Value at:0x${address.toString(16)} refcount:1 encoding:${ENCODING_NAMES[ks.encoding(e)] ?? 'unknown'} ` +
      `serializedlength:${serialized} lru:${word & LRU_CLOCK_MAX} lru_seconds_idle:${Math.floor(lruIdleMs(word, ctx.now) / 1000)}${extra}`,
  );
}

function debugDigest(ctx: ExecContext): void {
  const final = new Uint8Array(20);
  const databases = ctx.shards[0].databases;
  for (let db = 0; db < databases; db++) {
    let keys = 0;
    for (const ks of ctx.shards) {
      ks.arena.refresh();
      keys += ks.count(db);
    }
    if (keys === 0) continue;
    mixDigest(final, typeWord(db));
    for (const ks of ctx.shards) {
      let unsupported = 0;
      ks.forEach(db, (e) => {
        if (unsupported !== 0) return;
        const digest = new Uint8Array(20);
        mixDigest(digest, ks.arena.u8.subarray(ks.keyStart(e), ks.keyStart(e) + ks.keyLength(e)));
        if (!objectDigest(ks, e, digest)) {
          unsupported = e;
          return;
        }
        xorDigest(final, digest);
      });
      if (unsupported !== 0) {
        ctx.reply.error(digestUnsupported(ks, unsupported));
        return;
      }
    }
  }
  ctx.reply.simple(hex(final));
}

function debugDigestValue(ctx: ExecContext): void {
  const a = ctx.args;
  const digests: string[] = [];
  for (let j = 2; j < a.argc; j++) {
    const ks = ctx.keyspaceFor(j);
    const e = ks.find(ctx.db, a.buf, a.offset(j), a.length(j));
    const digest = new Uint8Array(20);
    if (e !== 0 && !objectDigest(ks, e, digest)) {
      ctx.reply.error(digestUnsupported(ks, e));
      return;
    }
    digests.push(hex(digest));
  }
  ctx.reply.arrayLen(digests.length);
  for (const d of digests) ctx.reply.simple(d);
}

/** Redis's getPositiveLongFromObjectOrReply; null after replying with the error. */
function positiveOrReply(ctx: ExecContext, i: number): number | null {
  const n = parseInteger(ctx.args.string(i));
  if (n === null || n < 0) {
    ctx.reply.error(NOT_POSITIVE_LONG);
    return null;
  }
  return n;
}

/** Strings up to this length are embstr in Redis (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
const EMBSTR_LIMIT = 44;

function debugPopulate(ctx: ExecContext): void {
  const a = ctx.args;
  const count = positiveOrReply(ctx, 2);
  if (count === null) return;
  let size = 0;
  if (a.argc === 5) {
    const n = positiveOrReply(ctx, 4);
    if (n === null) return;
    size = n;
  }
  const prefix = a.argc >= 4 ? Buffer.from(a.bytes(3)) : Buffer.from('key');
  for (let j = 0; j < count; j++) {
    const key = Buffer.concat([prefix, Buffer.from(`:${j}`)]);
    const ks = ctx.keyspaceForBytes(key, 0, key.length);
    if (ctx.lookupBytes(ks, key, 0, key.length) !== 0) continue;
    const text = Buffer.from(`value:${j}`);
    let value: Uint8Array = text;
    if (size !== 0) {
      value = new Uint8Array(size);
      value.set(text.subarray(0, Math.min(size, text.length)));
    }
    const e = ks.newEntry(key, 0, key.length, ValueType.String, value.length);
    ks.arena.u8.set(value, ks.valueStart(e));
    ks.setValueWord(e, value.length);
    ks.setEncoding(e, value.length <= EMBSTR_LIMIT ? Encoding.Embstr : Encoding.Raw);
    ks.setLru(e, ctx.newAccessWord());
    ks.link(ctx.db, e);
    ctx.notifyNew(ks, e);
    ctx.dirty++;
  }
  ctx.reply.ok();
}

/** DEBUG subcommands that need shard data (route 'all'). */
function debugOnShards(ctx: ExecContext): void {
  const a = ctx.args;
  const sub = a.lower(1);
  if (sub === 'object' && a.argc === 3) debugObject(ctx);
  else if (sub === 'digest' && a.argc === 2) debugDigest(ctx);
  else if (sub === 'digest-value') debugDigestValue(ctx);
  else if (sub === 'populate' && a.argc >= 3 && a.argc <= 5) debugPopulate(ctx);
  else {
    const ext = debugExtensions.get(sub);
    if (ext !== undefined && ext.route === 'all') ext.run(ctx);
    else ctx.reply.error(subcommandSyntaxErrorOf(ctx));
  }
}

function debugProtocol(ctx: ExecContext): void {
  const { reply } = ctx;
  const resp3 = reply.resp === 3;
  switch (ctx.args.lower(2)) {
    case 'string':
      reply.bulkLatin1('Hello World');
      return;
    case 'integer':
      reply.integer(12345);
      return;
    case 'double':
      reply.double(3.141);
      return;
    case 'bignum':
      if (resp3) reply.ascii('(1234567999999999999999999999999999999\r\n');
      else reply.bulkLatin1('1234567999999999999999999999999999999');
      return;
    case 'null':
      reply.nullBulk();
      return;
    case 'array':
      reply.arrayLen(3);
      for (let j = 0; j < 3; j++) reply.integer(j);
      return;
    case 'set':
      reply.setLen(3);
      for (let j = 0; j < 3; j++) reply.integer(j);
      return;
    case 'map':
      reply.mapLen(3);
      for (let j = 0; j < 3; j++) {
        reply.integer(j);
        reply.bool(j === 1);
      }
      return;
    case 'attrib':
      if (resp3) {
        reply.ascii('|1\r\n');
        reply.bulkLatin1('key-popularity');
        reply.arrayLen(2);
        reply.bulkLatin1('key:123');
        reply.integer(90);
      }
      reply.bulkLatin1('Some real reply following the attribute');
      return;
    case 'push':
      if (!resp3) {
        reply.error('ERR RESP2 is not supported by this command');
        return;
      }
      reply.pushLen(2);
      reply.bulkLatin1('server-cpu-usage');
      reply.integer(42);
      reply.bulkLatin1('Some real reply following the push reply');
      return;
    case 'true':
      reply.bool(true);
      return;
    case 'false':
      reply.bool(false);
      return;
    case 'verbatim':
      reply.verbatim('This is a verbatim\nstring');
      return;
    default:
      reply.error(
        'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
      );
  }
}

/** DEBUG subcommands without shard data. */
function debugMain(ctx: ExecContext, client: Client, server: Server): void {
  const a = ctx.args;
  const sub = a.lower(1);
  if (sub === 'help' && a.argc === 2) {
    replyHelp(ctx, DEBUG_HELP);
  } else if (sub === 'sleep' && a.argc === 3) {
    const seconds = Number.parseFloat(a.string(2));
    const ms = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
    // Blocks the main thread on purpose, as Redis's debugDelay does.
    if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    ctx.reply.ok();
  } else if (sub === 'set-active-expire' && a.argc === 3) {
    server.settings.set(Setting.ActiveExpire, Number.parseInt(a.string(2), 10) ? 1 : 0);
    ctx.reply.ok();
  } else if (sub === 'protocol' && a.argc === 3) {
    debugProtocol(ctx);
  } else if (sub === 'log' && a.argc === 3) {
    server.log.warning(`DEBUG LOG: ${a.text(2)}`);
    ctx.reply.ok();
  } else if (sub === 'error' && a.argc === 3) {
    ctx.reply.error(a.text(2));
  } else {
    const ext = debugExtensions.get(sub);
    if (ext !== undefined && ext.route === 'main') ext.main(ctx, client, server);
    else ctx.reply.error(subcommandSyntaxErrorOf(ctx));
  }
}

// ---------------------------------------------------------------- MEMORY

const MEMORY_HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    A plain-language report on memory use.',
  'MALLOC-STATS',
  '    Statistics of the shard arenas\' allocators.',
  'PURGE',
  '    Ask the allocator to give unused memory back (a no-op with shard arenas).',
  'STATS',
  '    The server\'s memory use, item by item.',
  'USAGE <key> [SAMPLES <count>]',
  '    Bytes used by <key> and its value; collections are estimated from <count> sampled',
  '    elements (5 by default, 0 for all of them).',
  'HELP',
  '    Print this help.',
];

/** Share of a bucket array per key, and the arena's block header. */
const BUCKET_SLOT_BYTES = 4;
const BLOCK_HEADER_BYTES = 4;

function memoryUsage(ctx: ExecContext): void {
  const a = ctx.args;
  let samples = 5;
  for (let j = 3; j < a.argc; j++) {
    if (a.is(j, 'samples') && j + 1 < a.argc) {
      const n = parseInteger(a.string(j + 1));
      if (n === null) {
        ctx.reply.error(NOT_INTEGER);
        return;
      }
      if (n < 0) {
        ctx.reply.error(SYNTAX);
        return;
      }
      samples = n;
      j++;
    } else {
      ctx.reply.error(SYNTAX);
      return;
    }
  }
  const ks = ctx.keyspaceFor(2);
  const e = ks.find(ctx.db, a.buf, a.offset(2), a.length(2));
  if (e === 0) {
    ctx.reply.nullBulk();
    return;
  }
  let bytes = ks.arena.usableSize(e) + BLOCK_HEADER_BYTES + BUCKET_SLOT_BYTES;
  const reporter = valueReporters[ks.type(e)];
  if (ks.type(e) !== ValueType.String && reporter?.memoryUsage) bytes += reporter.memoryUsage(ks, e, samples);
  ctx.reply.integer(bytes);
}

function memoryStats(ctx: ExecContext, server: Server): void {
  const { reply } = ctx;
  const m = memoryFigures(server);
  const databases = server.config.int('databases');
  const dbs: Array<{ db: number; keys: number; expires: number }> = [];
  for (let db = 0; db < databases; db++) {
    let keys = 0;
    let expires = 0;
    for (const s of server.shards) {
      keys += s.count(db);
      expires += s.expiresCount(db);
    }
    if (keys > 0) dbs.push({ db, keys, expires });
  }
  const net = m.used - m.startup;
  reply.mapLen(27 + dbs.length);
  const int = (name: string, n: number): void => {
    reply.bulkLatin1(name);
    reply.integer(n);
  };
  const dbl = (name: string, n: number): void => {
    reply.bulkLatin1(name);
    reply.double(n);
  };
  int('peak.allocated', m.peak);
  int('total.allocated', m.used);
  int('startup.allocated', m.startup);
  int('replication.backlog', 0);
  int('clients.slaves', 0);
  int('clients.normal', m.clientsNormal);
  int('cluster.links', 0);
  int('aof.buffer', 0);
  int('lua.caches', 0);
  int('functions.caches', 0);
  for (const d of dbs) {
    reply.bulkLatin1(`db.${d.db}`);
    reply.mapLen(3);
    // Tessera's tables keep one 4-byte bucket slot per key (expiry lives in the entry itself).
    int('overhead.hashtable.main', d.keys * BUCKET_SLOT_BYTES);
    int('overhead.hashtable.expires', 0);
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', m.overhead);
  int('keys.count', m.keys);
  int('keys.bytes-per-key', m.keys === 0 ? 0 : Math.floor(net / m.keys));
  int('dataset.bytes', m.dataset);
  dbl('dataset.percentage', net === 0 ? 0 : (m.dataset * 100) / net);
  dbl('peak.percentage', m.peak === 0 ? 0 : (m.used * 100) / m.peak);
  int('allocator.allocated', m.allocated);
  int('allocator.active', m.active);
  int('allocator.resident', m.resident);
  dbl('allocator-fragmentation.ratio', m.allocated === 0 ? 0 : m.active / m.allocated);
  int('allocator-fragmentation.bytes', m.active - m.allocated);
  dbl('allocator.rss-ratio', m.active === 0 ? 0 : m.resident / m.active);
  int('allocator.rss-bytes', m.resident - m.active);
  dbl('rss-overhead.ratio', m.resident === 0 ? 0 : m.rss / m.resident);
  int('rss-overhead.bytes', m.rss - m.resident);
  dbl('fragmentation', m.used === 0 ? 0 : m.rss / m.used);
  int('fragmentation.bytes', m.rss - m.used);
}

function memoryDoctor(server: Server): string {
  const m = memoryFigures(server);
  if (m.used < 5 * 1024 * 1024) {
    return 'This server holds very little data, so there is nothing meaningful to report about its memory yet. Ask again once it holds a few megabytes.\n';
  }
  const notes: string[] = [];
  const fragmentation = m.active === 0 ? 1 : m.active / Math.max(1, m.allocated);
  if (fragmentation > 1.4) {
    notes.push(`- The shard arenas have touched ${fragmentation.toFixed(2)} times the bytes they hold: freed blocks wait in size-class free lists for reuse.`);
  }
  if (m.peak > m.used * 1.5) {
    notes.push(`- Peak use (${m.peak} bytes) is well above current use (${m.used} bytes): arenas keep the memory they grew to.`);
  }
  const maxmemory = server.config.int('maxmemory');
  if (maxmemory > 0 && m.used > maxmemory * 0.9) notes.push('- Used memory is within 10% of maxmemory: eviction or OOM errors are near.');
  if (notes.length === 0) return 'No memory problem found: arenas, clients and peak use all look healthy.\n';
  return 'Memory report:\n\n' + notes.join('\n') + '\n';
}

function mallocStats(server: Server): string {
  let out = '___ Tessera shard arena statistics ___\n';
  for (const s of server.shards) {
    s.arena.refresh();
    out += `shard ${s.index}: capacity=${s.arena.capacity} used=${s.arena.usedBytes} live=${s.arena.liveBytes} blocks=${s.arena.liveBlocks}\n`;
  }
  return out + '___ End of statistics ___\n';
}

function memoryMain(ctx: ExecContext, _client: Client, server: Server): void {
  switch (ctx.args.lower(1)) {
    case 'stats':
      memoryStats(ctx, server);
      return;
    case 'doctor':
      ctx.reply.verbatim(memoryDoctor(server));
      return;
    case 'malloc-stats':
      ctx.reply.verbatim(mallocStats(server));
      return;
    case 'purge':
      ctx.reply.ok();
      return;
    case 'help':
      replyHelp(ctx, MEMORY_HELP);
      return;
    default:
      ctx.reply.error(unknownSubcommand(ctx.args.text(1), 'memory'));
  }
}

function memoryOnShard(ctx: ExecContext): void {
  if (ctx.args.is(1, 'usage')) memoryUsage(ctx);
  else ctx.reply.error(unknownSubcommand(ctx.args.text(1), 'memory'));
}

// ---------------------------------------------------------------- the family

export const serverCommands: CommandFamily = {
  command: { route: 'main', run: (ctx, _client, server) => commandReply(server.table, ctx.args, ctx.reply) },
  info: { route: 'main', run: info },
  config: { route: 'main', run: config },
  time: { route: 'main', run: time },
  lastsave: { route: 'main', run: lastsave },
  shutdown: { route: 'main', run: shutdown },
  slowlog: { route: 'main', run: slowlog },
  latency: { route: 'main', run: latency },
  debug: { route: debugRoute, run: debugOnShards, main: debugMain },
  memory: { route: (args) => (args.argc >= 2 && args.is(1, 'usage') ? 'keys' : 'main'), run: memoryOnShard, main: memoryMain },
};
