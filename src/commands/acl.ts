/**
 * ACL and its subcommands (Redis 7.0.15's aclCommand), on the main thread, over the user set in
 * src/server/acl.ts. ACL LOAD / SAVE read and write the `aclfile` synchronously, as Redis does.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { CommandFamily } from './handler.js';
import type { ExecContext } from './context.js';
import type { Client } from '../server/client.js';
import type { Server } from '../server/server.js';
import { AclResult, AclUser, ERR_UNKNOWN, generatePassword, hasSpaces, mergeSelectorArgs, type AclStore } from '../server/acl.js';
import { ACL_CATEGORIES } from './command-introspection.js';
import { parseInteger, replyHelp, subcommandSyntaxErrorOf } from './connection.js';
import { NOT_INTEGER, unknownSubcommand } from '../protocol/errors.js';
import type { CommandSpec } from './spec.js';
import { Args } from '../protocol/args.js';

const NO_ACLFILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

const ACL_HELP = [
  'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
  'HELP',
  '    Prints this help.',
];

const REASONS = ['', 'command', 'key', 'auth', 'channel'];
const CONTEXTS = ['toplevel', 'multi', 'lua'];
const GENPASS_MAX_BITS = 4096;

function acl(ctx: ExecContext, client: Client, server: Server): void {
  const { args, reply } = ctx;
  const store = server.acl;
  const argc = args.argc;
  switch (args.lower(1)) {
    case 'setuser':
      setuser(ctx, client, server);
      return;
    case 'deluser': {
      for (let j = 2; j < argc; j++) {
        if (args.string(j) === 'default') {
          reply.error("ERR The 'default' user cannot be removed");
          return;
        }
      }
      let deleted = 0;
      for (let j = 2; j < argc; j++) {
        const u = store.users.get(args.string(j));
        if (u === undefined) continue;
        store.users.delete(u.name);
        disconnectUser(server, client, u);
        deleted++;
      }
      reply.integer(deleted);
      return;
    }
    case 'getuser': {
      const u = store.users.get(args.string(2));
      if (u === undefined) {
        reply.nullBulk();
        return;
      }
      reply.mapLen(6);
      reply.bulkLatin1('flags');
      const flags = u.flagNames();
      reply.setLen(flags.length);
      for (const f of flags) reply.bulkLatin1(f);
      reply.bulkLatin1('passwords');
      reply.arrayLen(u.passwords.length);
      for (const p of u.passwords) reply.bulkLatin1(p);
      describeSelector(ctx, u.root);
      reply.bulkLatin1('selectors');
      reply.arrayLen(u.selectors.length - 1);
      for (let i = 1; i < u.selectors.length; i++) {
        reply.mapLen(3);
        describeSelector(ctx, u.selectors[i]);
      }
      return;
    }
    case 'list':
    case 'users': {
      if (argc !== 2) break;
      const names = args.is(1, 'users');
      const users = store.sortedUsers();
      reply.arrayLen(users.length);
      for (const u of users) reply.bulkLatin1(names ? u.name : `user ${u.name} ${u.describe()}`);
      return;
    }
    case 'whoami':
      reply.bulkLatin1(client.user.name);
      return;
    case 'load':
    case 'save': {
      const file = server.config.string('aclfile');
      if (file === '') {
        reply.error(NO_ACLFILE);
        return;
      }
      if (argc !== 2) break;
      if (args.is(1, 'load')) {
        const errors = loadAclFile(server, file, client);
        if (errors === null) reply.ok();
        else reply.error(`ERR ${errors}`);
      } else if (saveAclFile(store, file, server)) reply.ok();
      else reply.error('ERR There was an error trying to save the ACLs. Please check the server logs for more information');
      return;
    }
    case 'cat': {
      if (argc === 2) {
        reply.arrayLen(ACL_CATEGORIES.length);
        for (const c of ACL_CATEGORIES) reply.bulkLatin1(c);
        return;
      }
      if (argc !== 3) break;
      const bit = store.cmds.categoryBit(args.string(2));
      if (bit === 0) {
        reply.error(`ERR Unknown category '${args.text(2).slice(0, 128)}'`);
        return;
      }
      const names: string[] = [];
      for (const spec of server.table.specs) if ((store.cmds.categories[spec.id] & bit) !== 0) names.push(spec.name);
      reply.arrayLen(names.length);
      for (const n of names) reply.bulkLatin1(n);
      return;
    }
    case 'genpass': {
      if (argc > 3) break;
      let bits = 256;
      if (argc === 3) {
        const n = parseInteger(args.string(2));
        if (n === null) {
          reply.error(NOT_INTEGER);
          return;
        }
        bits = n;
      }
      if (bits <= 0 || bits > GENPASS_MAX_BITS) {
        reply.error(`ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`);
        return;
      }
      reply.bulkLatin1(generatePassword(bits));
      return;
    }
    case 'log': {
      if (argc > 3) break;
      let count = 10;
      if (argc === 3) {
        if (args.is(2, 'reset')) {
          store.log.length = 0;
          reply.ok();
          return;
        }
        const n = parseInteger(args.string(2));
        if (n === null) {
          reply.error(NOT_INTEGER);
          return;
        }
        count = Math.max(0, n);
      }
      count = Math.min(count, store.log.length);
      reply.arrayLen(count);
      const now = Date.now();
      for (let i = 0; i < count; i++) {
        const e = store.log[i];
        reply.mapLen(7);
        reply.bulkLatin1('count');
        reply.integer(e.count);
        reply.bulkLatin1('reason');
        reply.bulkLatin1(REASONS[e.reason]);
        reply.bulkLatin1('context');
        reply.bulkLatin1(CONTEXTS[e.context]);
        reply.bulkLatin1('object');
        reply.bulkLatin1(e.object);
        reply.bulkLatin1('username');
        reply.bulkLatin1(e.username);
        reply.bulkLatin1('age-seconds');
        reply.double((now - e.ctime) / 1000);
        reply.bulkLatin1('client-info');
        reply.bulkLatin1(e.cinfo);
      }
      return;
    }
    case 'dryrun': {
      const u = store.users.get(args.string(2));
      if (u === undefined) {
        reply.error(`ERR User '${args.text(2)}' not found`);
        return;
      }
      const inner = new Args().reset(args.buf, args.words, args.base + 6, argc - 3);
      const spec = lookupForDryrun(server, inner);
      if (spec === undefined) {
        reply.error(`ERR Command '${args.text(3)}' not found`);
        return;
      }
      if (!server.table.arityOk(spec, inner.argc)) {
        reply.error(`ERR wrong number of arguments for '${spec.name}' command`);
        return;
      }
      const result = store.check(u, spec, inner);
      if (result === AclResult.Ok) {
        reply.ok();
        return;
      }
      const at = store.deniedAt;
      if (result === AclResult.DeniedCommand) reply.bulkString(`This user has no permissions to run the '${spec.name}' command`);
      else if (result === AclResult.DeniedKey) reply.bulkLatin1(`This user has no permissions to access the '${inner.string(at)}' key`);
      else reply.bulkLatin1(`This user has no permissions to access the '${inner.string(at)}' channel`);
      return;
    }
    case 'help':
      if (argc !== 2) break;
      replyHelp(ctx, ACL_HELP);
      return;
    default:
      reply.error(unknownSubcommand(args.text(1), 'ACL'));
      return;
  }
  reply.error(subcommandSyntaxErrorOf(ctx));
}

/** lookupCommand over the arguments after ACL DRYRUN <user> (not strict: a container alone is itself). */
function lookupForDryrun(server: Server, args: Args): CommandSpec | undefined {
  const spec = server.table.lookup(args);
  if (spec === undefined || server.impls[spec.id] === undefined) return undefined;
  if (args.argc === 1 || !spec.subcommands || spec.subcommands.length === 0) return spec;
  return server.table.lookupSubcommand(spec, args);
}

function describeSelector(ctx: ExecContext, s: import('../server/acl.js').AclSelector): void {
  const reply = ctx.reply;
  reply.bulkLatin1('commands');
  reply.bulkLatin1(s.describeCommands());
  reply.bulkLatin1('keys');
  reply.bulkLatin1(s.describeKeys());
  reply.bulkLatin1('channels');
  reply.bulkLatin1(s.describeChannels());
}

function setuser(ctx: ExecContext, client: Client, server: Server): void {
  const { args, reply } = ctx;
  const store = server.acl;
  const name = args.string(2);
  if (hasSpaces(name)) {
    reply.error("ERR Usernames can't contain spaces or null characters");
    return;
  }
  const rules: string[] = [];
  for (let i = 3; i < args.argc; i++) rules.push(args.string(i));
  const merged = mergeSelectorArgs(rules);
  if (typeof merged === 'number') {
    reply.error(`ERR Unmatched parenthesis in acl selector starting at '${args.text(merged + 3)}'.`);
    return;
  }
  const existing = store.users.get(name);
  const temp = existing !== undefined ? existing.clone(name) : store.newUser(name);
  for (const op of merged) {
    const err = temp.apply(op, store.pubsubAll);
    if (err !== null) {
      reply.error(`ERR Error in ACL SETUSER modifier '${Buffer.from(op, 'latin1').toString('utf8')}': ${err}`);
      return;
    }
  }
  if (existing !== undefined) killPubsubClientsIfNeeded(server, client, temp, existing);
  const user = existing ?? store.newUser(name);
  user.copyFrom(temp);
  if (existing === undefined) store.users.set(name, user);
  if (user === store.defaultUser) store.defaultChanged();
  reply.ok();
}

/**
 * ACLFreeUserAndKillClients: the user's connections go back to the default user, unauthenticated,
 * and are closed (the current one once its reply is written).
 */
export function disconnectUser(server: Server, current: Client | null, user: AclUser): void {
  for (const c of [...server.clients.values()]) {
    if (c.user !== user) continue;
    c.user = server.acl.defaultUser;
    c.authenticated = false;
    if (c === current) server.closeAfterReply(c);
    else server.dropClient(c);
  }
}

/** ACLKillPubsubClientsIfNeeded: subscribers whose channels the new rules no longer allow are closed. */
function killPubsubClientsIfNeeded(server: Server, current: Client, next: AclUser, original: AclUser): void {
  if (next.selectors.some((s) => s.allChannels)) return;
  const upcoming: Buffer[] = [];
  for (const s of next.selectors) upcoming.push(...s.channels);
  const has = (b: Buffer) => upcoming.some((u) => u.equals(b));
  if (original.selectors.every((s) => s.channels.every(has))) return;
  const probe = new AclUser('', server.acl.cmds, false);
  probe.root.channels = upcoming;
  const allowed = (name: string, literal: boolean) => {
    const b = Buffer.from(name, 'latin1');
    return probe.root.channelAllowed(b, 0, b.length, literal);
  };
  for (const c of [...server.clients.values()]) {
    if (c.user !== original || c.pubsub === null || !c.pubsub.active) continue;
    let kill = false;
    for (const p of c.pubsub.patterns) if (!allowed(p, true)) kill = true;
    for (const ch of c.pubsub.channels) if (!allowed(ch, false)) kill = true;
    for (const ch of c.pubsub.shardChannels) if (!allowed(ch, false)) kill = true;
    if (!kill) continue;
    if (c === current) server.closeAfterReply(c);
    else server.dropClient(c);
  }
}

// ---------------------------------------------------------------- users at startup

/**
 * ACLLoadUsersAtStartup: the config's `user` directives (checked first, as ACLAppendUserForLoading
 * does when the config file is read), then the ACL file. Errors stop the server from starting,
 * with Redis's messages.
 */
export function loadUsersAtStartup(server: Server): void {
  const store = server.acl;
  const config = server.config;
  const declared = config.users;
  const aclfile = config.string('aclfile');
  if (aclfile !== '' && declared.length > 0) {
    throw new Error(
      'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
    );
  }
  const seen = new Set<string>();
  const rulesOf: string[][] = [];
  for (const d of declared) {
    const name = d.words[0];
    const fail = (reason: string) =>
      new Error(`\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${d.line}\n>>> '${d.text}'\nError in user declaration '${name}': ${reason}`);
    if (seen.has(name)) throw fail('Duplicate user found. A user can only be defined once in config files');
    const merged = mergeSelectorArgs(d.words.slice(1));
    if (typeof merged === 'number') throw fail('Unmatched parenthesis in selector definition');
    const probe = store.newUser(name);
    for (const op of merged) {
      const err = probe.apply(op, store.pubsubAll);
      if (err !== null && err !== ERR_UNKNOWN) throw fail(err);
    }
    seen.add(name);
    rulesOf.push(merged);
  }
  for (let k = 0; k < declared.length; k++) {
    const name = declared[k].words[0];
    if (hasSpaces(name)) throw new Error('Spaces not allowed in ACL usernames');
    let u = store.users.get(name);
    if (u === undefined) {
      u = store.newUser(name);
      store.users.set(name, u);
    } else u.apply('reset', store.pubsubAll);
    for (const op of rulesOf[k]) {
      const err = u.apply(op, store.pubsubAll);
      if (err !== null) throw new Error(`Error loading ACL rule '${op}' for the user named '${name}': ${err}`);
    }
    u.refresh();
    if (!u.enabled) server.log.notice(`The user '${name}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.`);
  }
  store.defaultChanged();
  if (aclfile !== '') {
    const errors = loadAclFile(server, aclfile, null);
    if (errors !== null) throw new Error(`Aborting Redis startup because of ACL errors: ${errors}`);
  }
}

/** CONFIG REWRITE's `user` lines (rewriteConfigUserOption): every user, or none with an ACL file. */
export function userConfigLines(server: Server): string[] {
  if (server.config.string('aclfile') !== '') return [];
  return server.acl.sortedUsers().map((u) => `user ${u.name} ${u.describe()}`);
}

// ---------------------------------------------------------------- the ACL file

/** ACLLoadFromFile: null on success, else the error text (nothing changed). */
export function loadAclFile(server: Server, file: string, current: Client | null): string | null {
  const store = server.acl;
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (err) {
    return `Error loading ACLs, opening file '${file}': ${errnoText(err)}`;
  }
  const users = new Map<string, AclUser>();
  let errors = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const linenum = i + 1;
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '') continue;
    const argv = line.split(' ');
    if (argv[0] !== 'user' || argv.length < 2) {
      errors += `${file}:${linenum} should start with user keyword followed by the username. `;
      continue;
    }
    if (hasSpaces(argv[1])) {
      errors += `'${file}:${linenum}: username '${argv[1]}' contains invalid characters. `;
      continue;
    }
    if (users.has(argv[1])) {
      errors += `WARNING: Duplicate user '${argv[1]}' found on line ${linenum}. `;
      continue;
    }
    const u = store.newUser(argv[1]);
    users.set(argv[1], u);
    const merged = mergeSelectorArgs(argv.slice(2));
    if (typeof merged === 'number') {
      errors += `${file}:${linenum}: Unmatched parenthesis in selector definition.`;
      continue;
    }
    for (const op of merged) {
      const err = u.apply(op.replace(/^[\t\r\n]+|[\t\r\n]+$/g, ''), store.pubsubAll);
      if (err !== null) errors += `${file}:${linenum}: ${err}. `;
    }
    u.refresh();
  }
  if (errors !== '') return errors + 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed';
  const fresh = users.get('default') ?? store.newUser('default');
  if (!users.has('default')) for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) fresh.apply(op, false);
  const old = store.users;
  store.defaultUser.copyFrom(fresh);
  store.defaultChanged();
  users.set('default', store.defaultUser);
  store.users = users;
  for (const u of old.values()) if (u !== store.defaultUser) disconnectUser(server, current, u);
  return null;
}

/** ACLSaveToFile: through a temporary file renamed over the old one. */
export function saveAclFile(store: AclStore, file: string, server: Server): boolean {
  let text = '';
  for (const u of store.sortedUsers()) text += `user ${u.name} ${u.describe()}\n`;
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, Buffer.from(text, 'latin1'), { mode: 0o644 });
    renameSync(tmp, file);
    return true;
  } catch (err) {
    server.log.warning(`Writing ACL file for ACL SAVE: ${errnoText(err)}`);
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to remove
    }
    return false;
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
};

function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return ERRNO_TEXT[code] ?? (err as Error).message;
}

export const aclCommands: CommandFamily = {
  acl: { route: 'main', run: acl },
};
