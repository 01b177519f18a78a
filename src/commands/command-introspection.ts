/**
 * COMMAND and its subcommands (COUNT, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, LIST, HELP): the command
 * table described back to clients, in Redis 7.0.15's reply shapes (server.c's addReplyCommandInfo,
 * addReplyCommandDocs, addReplyCommandKeySpecs, getKeysSubcommandImpl, commandListCommand).
 *
 * Everything here derives from the declarative specs: the implicit ACL categories (@read, @write,
 * @fast or @slow, ...) are added as Redis's setImplicitACLCategories does, flags Redis hides from
 * COMMAND output stay hidden, and the legacy first/last/step and movablekeys come from the table.
 *
 * Redis keeps commands and subcommands in hash tables with a per-process random seed, so the order of
 * COMMAND, COMMAND INFO/DOCS without names and of subcommand lists is arbitrary there; ours is the
 * table's order.
 */
import { Args } from '../protocol/args.js';
import type { Reply } from '../protocol/reply.js';
import { SYNTAX, unknownSubcommand } from '../protocol/errors.js';
import type { CommandTable } from './table.js';
import type { ArgDef, CommandFlag, CommandSpec, KeySpec, KeySpecFlag } from './spec.js';
import { globMatch } from './server-admin.js';

// ---------------------------------------------------------------- derived facts

/** Command flags in the order Redis prints them; the ones Redis hides on purpose are absent. */
const SHOWN_FLAGS: CommandFlag[] = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];

/** ACL categories in Redis's order (ACLCommandCategories). */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
];

/** Key spec flags in Redis's order (addReplyFlagsForKeyArgs). */
const KEY_SPEC_FLAGS: KeySpecFlag[] = [
  'RO',
  'RW',
  'OW',
  'RM',
  'access',
  'update',
  'insert',
  'delete',
  'not_key',
  'incomplete',
  'variable_flags',
];

const derivedCategories = new WeakMap<CommandSpec, string[]>();
const shownFlags = new WeakMap<CommandSpec, string[]>();

/** A command's ACL categories, explicit and implicit, in Redis's order (without '@'). */
export function aclCategoriesOf(spec: CommandSpec): string[] {
  let cats = derivedCategories.get(spec);
  if (cats !== undefined) return cats;
  const set = new Set(spec.acl.map((c) => c.toLowerCase()));
  const f = spec.flags;
  if (f.includes('write')) set.add('write');
  if (f.includes('readonly') && !set.has('scripting')) set.add('read');
  if (f.includes('admin')) {
    set.add('admin');
    set.add('dangerous');
  }
  if (f.includes('pubsub')) set.add('pubsub');
  if (f.includes('fast')) set.add('fast');
  if (f.includes('blocking')) set.add('blocking');
  if (!set.has('fast')) set.add('slow');
  cats = ACL_CATEGORIES.filter((c) => set.has(c));
  derivedCategories.set(spec, cats);
  return cats;
}

/** The flags COMMAND INFO shows, movablekeys included. */
function flagsOf(spec: CommandSpec): string[] {
  let out = shownFlags.get(spec);
  if (out !== undefined) return out;
  out = SHOWN_FLAGS.filter((f) => (f === 'movablekeys' ? spec.movableKeys || spec.flags.includes(f) : spec.flags.includes(f)));
  shownFlags.set(spec, out);
  return out;
}

function keySpecFlagsInOrder(flags: readonly KeySpecFlag[]): KeySpecFlag[] {
  return KEY_SPEC_FLAGS.filter((f) => flags.includes(f));
}

function replyStatusSet(reply: Reply, items: readonly string[], prefix = ''): void {
  reply.setLen(items.length);
  for (const s of items) reply.simple(prefix + s);
}

// ---------------------------------------------------------------- COMMAND INFO

function replyKeySpecs(reply: Reply, specs: readonly KeySpec[] | undefined): void {
  if (specs === undefined) {
    reply.setLen(0);
    return;
  }
  reply.setLen(specs.length);
  for (const ks of specs) {
    reply.mapLen(ks.notes !== undefined ? 4 : 3);
    if (ks.notes !== undefined) {
      reply.bulkString('notes');
      reply.bulkString(ks.notes);
    }
    reply.bulkString('flags');
    replyStatusSet(reply, keySpecFlagsInOrder(ks.flags));
    reply.bulkString('begin_search');
    reply.mapLen(2);
    reply.bulkString('type');
    const b = ks.begin;
    if (b === 'unknown') {
      reply.bulkString('unknown');
      reply.bulkString('spec');
      reply.mapLen(0);
    } else if ('index' in b) {
      reply.bulkString('index');
      reply.bulkString('spec');
      reply.mapLen(1);
      reply.bulkString('index');
      reply.integer(b.index);
    } else {
      reply.bulkString('keyword');
      reply.bulkString('spec');
      reply.mapLen(2);
      reply.bulkString('keyword');
      reply.bulkString(b.keyword);
      reply.bulkString('startfrom');
      reply.integer(b.startfrom);
    }
    reply.bulkString('find_keys');
    reply.mapLen(2);
    reply.bulkString('type');
    const f = ks.find;
    if (f === 'unknown') {
      reply.bulkString('unknown');
      reply.bulkString('spec');
      reply.mapLen(0);
    } else if ('range' in f) {
      reply.bulkString('range');
      reply.bulkString('spec');
      reply.mapLen(3);
      reply.bulkString('lastkey');
      reply.integer(f.range.lastkey);
      reply.bulkString('keystep');
      reply.integer(f.range.step);
      reply.bulkString('limit');
      reply.integer(f.range.limit);
    } else {
      reply.bulkString('keynum');
      reply.bulkString('spec');
      reply.mapLen(3);
      reply.bulkString('keynumidx');
      reply.integer(f.keynum.keynumidx);
      reply.bulkString('firstkey');
      reply.integer(f.keynum.firstkey);
      reply.bulkString('keystep');
      reply.integer(f.keynum.step);
    }
  }
}

/** Redis's addReplyCommandInfo: a 10-element array, or null for an unknown command. */
export function replyCommandInfo(reply: Reply, spec: CommandSpec | undefined): void {
  if (spec === undefined) {
    reply.nullBulk();
    return;
  }
  reply.arrayLen(10);
  reply.bulkString(spec.name);
  reply.integer(spec.arity);
  replyStatusSet(reply, flagsOf(spec));
  reply.integer(spec.legacy.first);
  reply.integer(spec.legacy.last);
  reply.integer(spec.legacy.step);
  replyStatusSet(reply, aclCategoriesOf(spec), '@');
  const tips = spec.tips ?? [];
  reply.setLen(tips.length);
  for (const t of tips) reply.bulkString(t);
  replyKeySpecs(reply, spec.keySpecs);
  if (spec.subcommands === undefined) {
    reply.setLen(0);
  } else {
    reply.arrayLen(spec.subcommands.length);
    for (const sub of spec.subcommands) replyCommandInfo(reply, sub);
  }
}

// ---------------------------------------------------------------- COMMAND DOCS

function replyArgs(reply: Reply, args: readonly ArgDef[]): void {
  reply.arrayLen(args.length);
  for (const a of args) {
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multipleToken) flags.push('multiple_token');
    const nested = a.type === 'oneof' || a.type === 'block';
    let n = 2;
    if (a.keySpecIndex !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecatedSince !== undefined) n++;
    if (flags.length > 0) n++;
    if (nested) n++;
    reply.mapLen(n);
    // Redis's command table generator lowercases argument names and uppercases tokens.
    reply.bulkString('name');
    reply.bulkString(asciiLower(a.name));
    reply.bulkString('type');
    reply.bulkString(a.type);
    if (a.keySpecIndex !== undefined) {
      reply.bulkString('key_spec_index');
      reply.integer(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      reply.bulkString('token');
      reply.bulkString(a.token === '""' ? '' : asciiUpper(a.token)); // the JSON spells an empty token '""'
    }
    if (a.since !== undefined) {
      reply.bulkString('since');
      reply.bulkString(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      reply.bulkString('deprecated_since');
      reply.bulkString(a.deprecatedSince);
    }
    if (flags.length > 0) {
      reply.bulkString('flags');
      replyStatusSet(reply, flags);
    }
    if (nested) {
      reply.bulkString('arguments');
      replyArgs(reply, a.arguments ?? []);
    }
  }
}

/** Redis's addReplyCommandDocs: a map of the command's documentation fields. */
export function replyCommandDocs(reply: Reply, spec: CommandSpec): void {
  const docFlags = (['deprecated', 'syscmd'] as const).filter((f) => spec.docFlags?.includes(f));
  let n = 1; // group is always there
  if (spec.summary) n++;
  if (spec.since) n++;
  if (spec.complexity !== undefined) n++;
  if (docFlags.length > 0) n++;
  if (spec.deprecatedSince !== undefined) n++;
  if (spec.replacedBy !== undefined) n++;
  if (spec.history !== undefined && spec.history.length > 0) n++;
  if (spec.args !== undefined && spec.args.length > 0) n++;
  if (spec.subcommands !== undefined) n++;
  reply.mapLen(n);
  if (spec.summary) {
    reply.bulkString('summary');
    reply.bulkString(spec.summary);
  }
  if (spec.since) {
    reply.bulkString('since');
    reply.bulkString(spec.since);
  }
  reply.bulkString('group');
  reply.bulkString(spec.group.replace('_', '-')); // the JSON's sorted_set is printed sorted-set
  if (spec.complexity !== undefined) {
    reply.bulkString('complexity');
    reply.bulkString(spec.complexity);
  }
  if (docFlags.length > 0) {
    reply.bulkString('doc_flags');
    replyStatusSet(reply, docFlags);
  }
  if (spec.deprecatedSince !== undefined) {
    reply.bulkString('deprecated_since');
    reply.bulkString(spec.deprecatedSince);
  }
  if (spec.replacedBy !== undefined) {
    reply.bulkString('replaced_by');
    reply.bulkString(spec.replacedBy);
  }
  if (spec.history !== undefined && spec.history.length > 0) {
    reply.bulkString('history');
    reply.setLen(spec.history.length);
    for (const [version, text] of spec.history) {
      reply.arrayLen(2);
      reply.bulkString(version);
      reply.bulkString(text);
    }
  }
  if (spec.args !== undefined && spec.args.length > 0) {
    reply.bulkString('arguments');
    replyArgs(reply, spec.args);
  }
  if (spec.subcommands !== undefined) {
    reply.bulkString('subcommands');
    reply.mapLen(spec.subcommands.length);
    for (const sub of spec.subcommands) {
      reply.bulkString(sub.name);
      replyCommandDocs(reply, sub);
    }
  }
}

// ---------------------------------------------------------------- COMMAND GETKEYS / GETKEYSANDFLAGS

interface KeyRef {
  pos: number;
  flags: readonly KeySpecFlag[];
}

/**
 * Redis's getKeysUsingKeySpecs without GET_KEYSPEC_RETURN_PARTIAL: the keys of every spec in spec
 * order, each with its spec's flags; null when a spec cannot be resolved. Not the dispatcher's
 * keyPositions: COMMAND GETKEYS needs each key's spec (for its flags) and Redis's exact strictness
 * (an unknown spec or a zero key count make the call invalid; a keyword in the last argument is
 * ignored), where routing is more forgiving.
 */
function keysFromSpecs(specs: readonly KeySpec[], args: Args): KeyRef[] | null {
  const argc = args.argc;
  const out: KeyRef[] = [];
  for (const ks of specs) {
    if (ks.flags.includes('not_key')) continue;
    const b = ks.begin;
    let first = 0;
    if (b === 'unknown') return null;
    if ('index' in b) {
      first = b.index;
    } else {
      const kw = b.keyword.toLowerCase();
      const start = b.startfrom > 0 ? b.startfrom : argc + b.startfrom;
      const end = b.startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (args.is(i, kw)) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    }
    const f = ks.find;
    let last: number;
    let step: number;
    if (f === 'unknown') return null;
    if ('range' in f) {
      step = f.range.step;
      if (f.range.lastkey >= 0) last = first + f.range.lastkey;
      else if (f.range.limit === 0) last = argc + f.range.lastkey;
      else last = first + (Math.trunc((argc - first) / f.range.limit) + f.range.lastkey);
    } else {
      step = f.keynum.step;
      if (f.keynum.keynumidx >= argc || first + f.keynum.keynumidx >= argc) return null;
      const numkeys = parseLongLong(args.string(first + f.keynum.keynumidx));
      if (numkeys === null || numkeys < 0n) return null;
      first += f.keynum.firstkey;
      last = first + Number(BigInt.asIntN(32, numkeys)) - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) out.push({ pos: i, flags: ks.flags });
    // An incomplete spec does not find every key: Redis falls back to the getkeys procedure.
    if (ks.flags.includes('incomplete')) return null;
  }
  return out;
}

/** string2ll: a decimal integer without spaces or '+', within 64 bits. */
function parseLongLong(text: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(text)) return null;
  const v = BigInt(text);
  return v > 9223372036854775807n || v < -9223372036854775808n ? null : v;
}

const RO_ACCESS: KeySpecFlag[] = ['RO', 'access'];
const RW_ACCESS_UPDATE: KeySpecFlag[] = ['RW', 'access', 'update'];
const OW_UPDATE: KeySpecFlag[] = ['OW', 'update'];
const RW_ACCESS_DELETE: KeySpecFlag[] = ['RW', 'access', 'delete'];

/**
 * Redis's native getkeys procedures, used where key specs are not enough: commands whose key flags
 * depend on the arguments (VARIABLE_FLAGS) and fallbacks when the specs cannot be resolved. A command
 * with a getkeys procedure that is not listed here falls back to "no keys".
 */
const NATIVE_GETKEYS: Record<string, (args: Args) => KeyRef[]> = {
  set: (args) => {
    for (let i = 3; i < args.argc; i++) if (args.is(i, 'get')) return [{ pos: 1, flags: RW_ACCESS_UPDATE }];
    return [{ pos: 1, flags: OW_UPDATE }];
  },
  bitfield: (args) => {
    let readonly = true;
    for (let i = 2; i < args.argc; i++) {
      const more = args.argc - i - 1;
      if (args.is(i, 'get') && more >= 2) i += 2;
      else if ((args.is(i, 'set') || args.is(i, 'incrby')) && more >= 3) {
        readonly = false;
        break;
      } else if (args.is(i, 'overflow') && more >= 1) i += 1;
      else {
        readonly = false;
        break;
      }
    }
    return [{ pos: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
  },
  sort: (args) => {
    const keys: KeyRef[] = [{ pos: 1, flags: RO_ACCESS }];
    let store: KeyRef | null = null;
    for (let i = 2; i < args.argc; i++) {
      if (args.is(i, 'limit')) i += 2;
      else if (args.is(i, 'get') || args.is(i, 'by')) i += 1;
      else if (args.is(i, 'store') && i + 1 < args.argc) store = { pos: i + 1, flags: OW_UPDATE };
    }
    if (store !== null) keys.push(store);
    return keys;
  },
  sort_ro: () => [{ pos: 1, flags: RO_ACCESS }],
  migrate: (args) => {
    let first = 3;
    let num = 1;
    if (args.argc > 6) {
      for (let i = 6; i < args.argc; i++) {
        if (args.is(i, 'keys')) {
          if (args.length(3) > 0) return []; // "Cannot use KEYS option with a key name"
          first = i + 1;
          num = args.argc - first;
          break;
        }
        if (args.is(i, 'auth')) i += 1;
        else if (args.is(i, 'auth2')) i += 2;
      }
    }
    const keys: KeyRef[] = [];
    for (let i = 0; i < num; i++) keys.push({ pos: first + i, flags: RW_ACCESS_DELETE });
    return keys;
  },
};

/** Commands with a getkeys procedure in Redis 7.0.15 (get_keys_function in the command JSON). */
const HAS_NATIVE_GETKEYS = new Set([
  'bitfield', 'blmpop', 'bzmpop', 'eval', 'eval_ro', 'evalsha', 'evalsha_ro', 'fcall', 'fcall_ro', 'georadius',
  'georadiusbymember', 'lmpop', 'migrate', 'set', 'sintercard', 'sort', 'sort_ro', 'xread', 'xreadgroup', 'zdiff',
  'zdiffstore', 'zinter', 'zintercard', 'zinterstore', 'zmpop', 'zunion', 'zunionstore',
]);

/** Redis's getKeysFromCommandWithSpecs: key specs first (unless their flags vary), then the native procedure. */
function keysOfCall(spec: CommandSpec, args: Args): KeyRef[] {
  const specs = spec.keySpecs ?? [];
  const hasKeySpec = specs.some((ks) => !ks.flags.includes('not_key'));
  const hasVarFlags = specs.some((ks) => ks.flags.includes('variable_flags'));
  if (hasKeySpec && !hasVarFlags) {
    const keys = keysFromSpecs(specs, args);
    if (keys !== null) return keys;
  }
  const native = NATIVE_GETKEYS[spec.name];
  return native !== undefined ? native(args) : [];
}

function getKeys(table: CommandTable, args: Args, reply: Reply, withFlags: boolean): void {
  // The command line under inspection, as its own argument vector (argv + 2).
  const call = new Args().reset(args.buf, args.words, args.base + 4, args.argc - 2);
  let spec = table.lookup(call);
  if (spec !== undefined && call.argc > 1 && spec.subcommands !== undefined) spec = table.lookupSubcommand(spec, call);
  if (spec === undefined) {
    reply.error('ERR Invalid command specified');
    return;
  }
  // Redis's doesCommandHaveKeys: a getkeys procedure, or a key spec for real keys (not NOT_KEY).
  if (!HAS_NATIVE_GETKEYS.has(spec.name) && !(spec.keySpecs ?? []).some((ks) => !ks.flags.includes('not_key'))) {
    reply.error('ERR The command has no key arguments');
    return;
  }
  if ((spec.arity > 0 && spec.arity !== call.argc) || call.argc < -spec.arity) {
    reply.error('ERR Invalid number of arguments specified for command');
    return;
  }
  const keys = keysOfCall(spec, call);
  if (keys.length === 0) {
    if (spec.flags.includes('no_mandatory_keys')) reply.arrayLen(0);
    else reply.error('ERR Invalid arguments specified for command');
    return;
  }
  reply.arrayLen(keys.length);
  for (const k of keys) {
    if (withFlags) reply.arrayLen(2);
    reply.bulk(call.buf, call.offset(k.pos), call.offset(k.pos) + call.length(k.pos));
    if (withFlags) replyStatusSet(reply, keySpecFlagsInOrder(k.flags));
  }
}

// ---------------------------------------------------------------- COMMAND LIST

function commandList(table: CommandTable, args: Args, reply: Reply): void {
  let filter: ((spec: CommandSpec) => boolean) | null = null;
  for (let i = 2; i < args.argc; i++) {
    const more = args.argc - 1 - i;
    if (!(args.is(i, 'filterby') && more === 2)) {
      reply.error(SYNTAX);
      return;
    }
    const value = args.string(i + 2);
    if (args.is(i + 1, 'module')) {
      filter = () => false; // no modules are loaded
    } else if (args.is(i + 1, 'aclcat')) {
      const cat = ACL_CATEGORIES.find((c) => c === asciiLower(value));
      filter = cat === undefined ? () => false : (spec) => aclCategoriesOf(spec).includes(cat);
    } else if (args.is(i + 1, 'pattern')) {
      filter = (spec) => globMatch(value, spec.name, true);
    } else {
      reply.error(SYNTAX);
      return;
    }
    i += 2;
  }
  const names: string[] = [];
  const visit = (spec: CommandSpec) => {
    if (filter === null || filter(spec)) names.push(spec.name);
    if (spec.subcommands !== undefined) for (const sub of spec.subcommands) visit(sub);
  };
  for (const spec of table.commands) visit(spec);
  reply.arrayLen(names.length);
  for (const name of names) reply.bulkLatin1(name);
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20));
}

function asciiUpper(s: string): string {
  return s.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) & ~0x20));
}

// ---------------------------------------------------------------- COMMAND

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

/** COMMAND [subcommand ...]; arity was checked by the dispatcher (per subcommand). */
export function commandReply(table: CommandTable, args: Args, reply: Reply): void {
  if (args.argc === 1) {
    reply.arrayLen(table.commands.length);
    for (const spec of table.commands) replyCommandInfo(reply, spec);
    return;
  }
  switch (args.lower(1)) {
    case 'count':
      reply.integer(table.commands.length);
      return;
    case 'info':
      if (args.argc === 2) {
        reply.arrayLen(table.commands.length);
        for (const spec of table.commands) replyCommandInfo(reply, spec);
      } else {
        reply.arrayLen(args.argc - 2);
        for (let i = 2; i < args.argc; i++) replyCommandInfo(reply, table.byFullName(args.string(i)));
      }
      return;
    case 'docs': {
      if (args.argc === 2) {
        reply.mapLen(table.commands.length);
        for (const spec of table.commands) {
          reply.bulkString(spec.name);
          replyCommandDocs(reply, spec);
        }
        return;
      }
      const found: CommandSpec[] = [];
      for (let i = 2; i < args.argc; i++) {
        const spec = table.byFullName(args.string(i));
        if (spec !== undefined) found.push(spec);
      }
      reply.mapLen(found.length);
      for (const spec of found) {
        reply.bulkString(spec.name);
        replyCommandDocs(reply, spec);
      }
      return;
    }
    case 'getkeys':
      getKeys(table, args, reply, false);
      return;
    case 'getkeysandflags':
      getKeys(table, args, reply, true);
      return;
    case 'list':
      commandList(table, args, reply);
      return;
    case 'help':
      reply.arrayLen(COMMAND_HELP.length);
      for (const line of COMMAND_HELP) reply.simple(line);
      return;
    default:
      reply.error(unknownSubcommand(args.text(1), 'command'));
  }
}
