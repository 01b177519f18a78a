/**
 * Access control lists: Redis 7.0.15's users, selectors and permission checks (acl.c), on the main
 * thread.
 *
 * A user has flags (on/off, nopass), SHA-256 password hashes and a list of selectors; the first is
 * the root selector (the rules given outside parentheses), the others come from `(...)` rules. A
 * selector allows a command when its command bit is set (or a first argument of it was allowed with
 * `+cmd|arg`), and then every key the command names must match one of its key patterns with the
 * read/write permission the key spec asks for, and every channel one of its channel patterns. A
 * command runs when any selector allows it; otherwise the error reported is the "worst" one over the
 * selectors (command < key < channel, then the highest argument position), as Redis picks it.
 *
 * The common path costs one array read: every user keeps `fast`, per command id 1 when the command
 * is allowed whatever its arguments (the root selector or another one allows it and has all keys and
 * all channels, or the command has none). Dispatch goes to `check` only when that byte is 0. `fast`
 * is rebuilt whenever the user's rules change (ACL SETUSER, LOAD, requirepass).
 *
 * Names, passwords, patterns and first arguments are held as latin1 strings (one char per byte), so
 * any byte string round-trips.
 *
 * ACL GETUSER / LIST describe a selector's commands the way ACLDescribeSelectorCommandRules does:
 * +@all or -@all, then the best-fitting categories one by one, then single commands where the bitmap
 * still differs. Redis walks its command dictionary in a per-process random order for that last
 * part; Tessera walks the command table's order.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Args } from '../protocol/args.js';
import type { CommandSpec } from '../commands/spec.js';
import type { CommandTable } from '../commands/table.js';
import { ACL_CATEGORIES, aclCategoriesOf } from '../commands/command-introspection.js';
import { keyPositions } from '../commands/key-positions.js';
import { globMatch } from '../commands/glob.js';

export const enum AclResult {
  Ok = 0,
  DeniedCommand = 1,
  DeniedKey = 2,
  DeniedAuth = 3,
  DeniedChannel = 4,
}

export const enum AclContext {
  Toplevel = 0,
  Multi = 1,
  Lua = 2,
}

const READ = 1;
const WRITE = 2;
const READ_WRITE = 3;
/** A key spec with variable flags: the permission depends on the arguments (keyPerms). */
const VARIABLE = 4;
const EMPTY_PERMS = new Uint8Array(0);

function permsOfFlags(f: readonly string[]): number {
  let p = 0;
  if (f.includes('access')) p |= READ;
  if (f.includes('insert') || f.includes('delete') || f.includes('update')) p |= WRITE;
  return p;
}

/** How a command names channels (ACLDoesCommandHaveChannels). */
const enum ChannelArgs {
  None = 0,
  /** PUBLISH / SPUBLISH: argument 1. */
  First = 1,
  /** SUBSCRIBE / SSUBSCRIBE: every argument from 1, matched against the patterns. */
  All = 2,
  /** PSUBSCRIBE: every argument from 1, each must equal an allowed pattern literally. */
  AllLiteral = 3,
}

interface KeyPattern {
  pattern: Buffer;
  flags: number;
}

/** Facts about the command table the checks need, computed once per table. */
export class AclCommands {
  readonly count: number;
  /** Per spec id: bit j set when the command is in ACL_CATEGORIES[j]. */
  readonly categories: Uint32Array;
  /** Per spec id: 1 when the command has key arguments (doesCommandHaveKeys). */
  readonly hasKeys: Uint8Array;
  /** Per spec id: a ChannelArgs. */
  readonly channels: Uint8Array;
  /** Per spec id: 1 for no_auth commands (AUTH, HELLO): they need no command permission. */
  readonly noAuth: Uint8Array;
  /** Per spec id, per key spec: the READ/WRITE permission its keys need, or VARIABLE (read from the arguments). */
  readonly keySpecPerms: Uint8Array[];

  constructor(readonly table: CommandTable) {
    const specs = table.specs;
    this.count = specs.length;
    this.categories = Uint32Array.from(specs, (s) => {
      let bits = 0;
      for (const c of aclCategoriesOf(s)) bits |= 1 << ACL_CATEGORIES.indexOf(c);
      return bits;
    });
    this.hasKeys = Uint8Array.from(specs, (s) => ((s.keySpecs ?? []).some((k) => !k.flags.includes('not_key')) ? 1 : 0));
    this.channels = Uint8Array.from(specs, (s) => {
      switch (s.name) {
        case 'publish':
        case 'spublish':
          return ChannelArgs.First;
        case 'subscribe':
        case 'ssubscribe':
          return ChannelArgs.All;
        case 'psubscribe':
          return ChannelArgs.AllLiteral;
        default:
          return ChannelArgs.None;
      }
    });
    this.noAuth = Uint8Array.from(specs, (s) => (s.flags.includes('no_auth') ? 1 : 0));
    this.keySpecPerms = specs.map((s) => (s.keySpecs === undefined ? EMPTY_PERMS : Uint8Array.from(s.keySpecs, (k) => (k.flags.includes('variable_flags') ? VARIABLE : permsOfFlags(k.flags)))));
  }

  categoryBit(name: string): number {
    const i = ACL_CATEGORIES.indexOf(name.toLowerCase());
    return i < 0 ? 0 : 1 << i;
  }
}

// ---------------------------------------------------------------- selectors

export class AclSelector {
  allKeys = false;
  allChannels = false;
  allCommands = false;
  /** Redis's reserved "future commands" bit: set by +@all, cleared by -@all. */
  future = false;
  /** Per spec id: the command bit. */
  readonly allowed: Uint8Array;
  /** Per spec id: first arguments allowed for an otherwise denied command (+select|0). */
  firstArgs: Map<number, string[]> | null = null;
  keys: KeyPattern[] = [];
  channels: Buffer[] = [];

  constructor(
    readonly cmds: AclCommands,
    readonly root: boolean,
    pubsubDefaultAll: boolean,
  ) {
    this.allowed = new Uint8Array(cmds.count);
    this.allChannels = pubsubDefaultAll;
  }

  copy(): AclSelector {
    const s = new AclSelector(this.cmds, this.root, false);
    s.allKeys = this.allKeys;
    s.allChannels = this.allChannels;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed.set(this.allowed);
    if (this.firstArgs !== null) s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    s.keys = this.keys.map((k) => ({ pattern: k.pattern, flags: k.flags }));
    s.channels = [...this.channels];
    return s;
  }

  private setBit(id: number, value: boolean): void {
    this.allowed[id] = value ? 1 : 0;
    if (!value) this.allCommands = false;
  }

  /** ACLChangeSelectorPerm: the command and all its subcommands; its first arguments are forgotten. */
  changePerm(spec: CommandSpec, allow: boolean): void {
    this.setBit(spec.id, allow);
    this.firstArgs?.delete(spec.id);
    if (spec.subcommands) for (const sub of spec.subcommands) this.setBit(sub.id, allow);
  }

  private changeCategory(bit: number, allow: boolean): void {
    const walk = (list: readonly CommandSpec[]) => {
      for (const spec of list) {
        if ((this.cmds.categories[spec.id] & bit) !== 0) this.changePerm(spec, allow);
        if (spec.subcommands) walk(spec.subcommands);
      }
    };
    walk(this.cmds.table.commands);
  }

  /** ACLSetSelector: one rule; an error text (ACLSetUserStringError) or null. */
  apply(op: string): string | null {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.keys = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.keys = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.allowed.fill(1);
      this.future = true;
      this.allCommands = true;
      this.firstArgs = null;
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.allowed.fill(0);
      this.future = false;
      this.allCommands = false;
      this.firstArgs = null;
    } else if (op[0] === '~' || op[0] === '%') {
      if (this.allKeys) return ERR_KEYS_AFTER_ALL;
      let flags = 0;
      let offset = 1;
      if (op[0] === '%') {
        for (; offset < op.length; offset++) {
          const c = op[offset].toUpperCase();
          if (c === 'R' && (flags & READ) === 0) flags |= READ;
          else if (c === 'W' && (flags & WRITE) === 0) flags |= WRITE;
          else if (op[offset] === '~') {
            offset++;
            break;
          } else return ERR_SYNTAX;
        }
        if (flags === 0) return ERR_SYNTAX;
      } else flags = READ_WRITE;
      const pattern = op.slice(offset);
      if (hasSpaces(pattern)) return ERR_SYNTAX;
      const bytes = Buffer.from(pattern, 'latin1');
      const found = this.keys.find((k) => k.pattern.equals(bytes));
      if (found === undefined) this.keys.push({ pattern: bytes, flags });
      else found.flags |= flags;
      this.allKeys = false;
    } else if (op[0] === '&') {
      if (this.allChannels) return ERR_CHANNELS_AFTER_ALL;
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) return ERR_SYNTAX;
      const bytes = Buffer.from(pattern, 'latin1');
      if (!this.channels.some((c) => c.equals(bytes))) this.channels.push(bytes);
      this.allChannels = false;
    } else if (op[0] === '+' && op[1] !== '@') {
      const bar = op.lastIndexOf('|');
      if (bar < 0) {
        const spec = this.lookup(op.slice(1));
        if (spec === undefined) return ERR_UNKNOWN;
        this.changePerm(spec, true);
      } else {
        const spec = this.lookup(op.slice(1, bar));
        if (spec === undefined) return ERR_UNKNOWN;
        if (spec.parent !== undefined) return ERR_FIRSTARG_OF_SUBCOMMAND;
        const sub = op.slice(bar + 1);
        if (sub === '') return ERR_SYNTAX;
        if (spec.subcommands && spec.subcommands.length > 0) {
          const full = this.lookup(op.slice(1));
          if (full === undefined) return ERR_UNKNOWN;
          this.changePerm(full, true);
        } else {
          if (this.firstArgs === null) this.firstArgs = new Map();
          const list = this.firstArgs.get(spec.id) ?? [];
          if (!list.some((a) => a.toLowerCase() === sub.toLowerCase())) list.push(sub);
          this.firstArgs.set(spec.id, list);
        }
      }
    } else if (op[0] === '-' && op[1] !== '@') {
      const spec = this.lookup(op.slice(1));
      if (spec === undefined) return ERR_UNKNOWN;
      this.changePerm(spec, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const bit = this.cmds.categoryBit(op.slice(2));
      if (bit === 0) return ERR_UNKNOWN;
      this.changeCategory(bit, op[0] === '+');
    } else {
      return ERR_SYNTAX;
    }
    return null;
  }

  /** ACLLookupCommand: 'cmd' or 'cmd|sub' (one level only). */
  private lookup(name: string): CommandSpec | undefined {
    const parts = name.split('|');
    if (parts.length > 2) return undefined;
    const table = this.cmds.table;
    const base = table.byFullName(parts[0]);
    if (base === undefined || base.parent !== undefined) return undefined;
    if (parts.length === 1) return base;
    if (!base.subcommands || base.subcommands.length === 0) return undefined;
    return table.byFullName(name);
  }

  /** True when this selector lets the command run whatever its arguments. */
  allowsAlways(id: number): boolean {
    const c = this.cmds;
    const cmdOk = this.allCommands || c.noAuth[id] === 1 || this.allowed[id] === 1;
    return cmdOk && (this.allKeys || c.hasKeys[id] === 0) && (this.allChannels || c.channels[id] === ChannelArgs.None);
  }

  /** ACLSelectorCheckCmd; `pos.index` gets the offending argument's position. */
  check(spec: CommandSpec, args: Args, keys: KeyCache, pos: { index: number }): AclResult {
    const c = this.cmds;
    const id = spec.id;
    if (!this.allCommands && c.noAuth[id] === 0 && this.allowed[id] === 0) {
      const list = this.firstArgs?.get(id);
      if (list === undefined || args.argc < 2) return AclResult.DeniedCommand;
      const idx = spec.parent ? 2 : 1;
      if (idx >= args.argc) return AclResult.DeniedCommand;
      const arg = args.text(idx).toLowerCase();
      if (!list.some((a) => a.toLowerCase() === arg)) return AclResult.DeniedCommand;
    }
    if (!this.allKeys && c.hasKeys[id] === 1) {
      keys.load(spec, args);
      for (let j = 0; j < keys.count; j++) {
        const i = keys.positions[j];
        if (!this.keyAllowed(args.buf, args.offset(i), args.length(i), keys.perms[j])) {
          pos.index = i;
          return AclResult.DeniedKey;
        }
      }
    }
    const kind = c.channels[id];
    if (!this.allChannels && kind !== ChannelArgs.None) {
      const last = kind === ChannelArgs.First ? Math.min(1, args.argc - 1) : args.argc - 1;
      for (let i = 1; i <= last; i++) {
        if (!this.channelAllowed(args.buf, args.offset(i), args.length(i), kind === ChannelArgs.AllLiteral)) {
          pos.index = i;
          return AclResult.DeniedChannel;
        }
      }
    }
    return AclResult.Ok;
  }

  /** ACLSelectorCheckKey. */
  keyAllowed(buf: Uint8Array, off: number, len: number, perms: number): boolean {
    if (this.allKeys) return true;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if ((k.flags & perms) !== perms) continue;
      const p = k.pattern;
      if ((p.length === 1 && p[0] === 42) || globMatch(p, 0, p.length, buf, off, off + len)) return true;
    }
    return false;
  }

  /** ACLCheckChannelAgainstList (literal: a pattern must equal an allowed pattern). */
  channelAllowed(buf: Uint8Array, off: number, len: number, literal: boolean): boolean {
    if (this.allChannels) return true;
    return channelInList(this.channels, buf, off, len, literal);
  }

  // ---------------------------------------------------------------- description

  private countCategory(allowed: Uint8Array, bit: number): [number, number] {
    let on = 0;
    let off = 0;
    const cats = this.cmds.categories;
    for (let id = 0; id < allowed.length; id++) {
      if ((cats[id] & bit) === 0) continue;
      if (allowed[id] === 1) on++;
      else off++;
    }
    return [on, off];
  }

  /** ACLDescribeSelectorCommandRules. */
  describeCommands(): string {
    const rules: string[] = [];
    const additive = !this.future;
    const fake = new AclSelector(this.cmds, false, false);
    rules.push(additive ? '-@all' : '+@all');
    fake.apply(additive ? '-@all' : '+@all');
    const temp = new AclSelector(this.cmds, false, false);
    temp.allowed.set(this.allowed);
    const applied = new Array<boolean>(ACL_CATEGORIES.length).fill(false);
    for (;;) {
      let best = -1;
      let mindiff = Number.MAX_SAFE_INTEGER;
      let maxsame = 0;
      for (let j = 0; j < ACL_CATEGORIES.length; j++) {
        if (applied[j]) continue;
        const [on, off] = temp.countCategory(temp.allowed, 1 << j);
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
          best = j;
          mindiff = diff;
          maxsame = same;
        }
      }
      if (best === -1) break;
      const name = ACL_CATEGORIES[best];
      fake.apply((additive ? '+@' : '-@') + name);
      temp.apply((additive ? '-@' : '+@') + name);
      rules.push((additive ? '+@' : '-@') + name);
      applied[best] = true;
    }
    const walk = (list: readonly CommandSpec[]) => {
      for (const spec of list) {
        const userbit = this.allowed[spec.id] === 1;
        const fakebit = fake.allowed[spec.id] === 1;
        if (userbit !== fakebit) {
          rules.push((userbit ? '+' : '-') + spec.name);
          fake.changePerm(spec, userbit);
        }
        if (spec.subcommands) walk(spec.subcommands);
        const first = this.firstArgs?.get(spec.id);
        if (!userbit && first !== undefined) for (const a of first) rules.push(`+${spec.name}|${a}`);
      }
    };
    walk(this.cmds.table.commands);
    return rules.join(' ');
  }

  describeKeys(): string {
    if (this.allKeys) return '~*';
    return this.keys.map(patternRule).join(' ');
  }

  describeChannels(): string {
    if (this.allChannels) return '&*';
    return this.channels.map((c) => '&' + c.toString('latin1')).join(' ');
  }

  /** ACLDescribeSelector (ACL LIST form). */
  describe(): string {
    let out = '';
    if (this.allKeys) out += '~* ';
    else for (const k of this.keys) out += patternRule(k) + ' ';
    if (this.allChannels) out += '&* ';
    else {
      out += 'resetchannels ';
      for (const c of this.channels) out += '&' + c.toString('latin1') + ' ';
    }
    return out + this.describeCommands();
  }
}

function patternRule(k: KeyPattern): string {
  const prefix = k.flags === READ_WRITE ? '~' : k.flags === READ ? '%R~' : '%W~';
  return prefix + k.pattern.toString('latin1');
}

function channelInList(list: readonly Buffer[], buf: Uint8Array, off: number, len: number, literal: boolean): boolean {
  for (const p of list) {
    if (literal) {
      if (p.length === len && p.equals(buf.subarray(off, off + len))) return true;
    } else if (globMatch(p, 0, p.length, buf, off, off + len)) return true;
  }
  return false;
}

/** Key positions of one call and the permission each needs, computed once for all selectors. */
export class KeyCache {
  constructor(private readonly cmds: AclCommands) {}
  positions = new Int32Array(16);
  perms = new Uint8Array(16);
  private specIndex = new Int32Array(16);
  count = 0;
  private loaded = false;

  reset(): void {
    this.loaded = false;
  }

  load(spec: CommandSpec, args: Args): void {
    if (this.loaded) return;
    this.loaded = true;
    if (this.positions.length < args.argc) {
      this.positions = new Int32Array(args.argc * 2);
      this.perms = new Uint8Array(args.argc * 2);
      this.specIndex = new Int32Array(args.argc * 2);
    }
    const n = keyPositions(spec, args, this.positions, this.specIndex);
    this.count = Math.max(0, n);
    const table = this.cmds.keySpecPerms[spec.id];
    for (let j = 0; j < this.count; j++) {
      const s = this.specIndex[j];
      const p = s < 0 ? WRITE : table[s]; // s < 0: SORT ... STORE (its getkeys procedure says OW, UPDATE)
      this.perms[j] = p === VARIABLE ? variableKeyPerms(spec, args) : p;
    }
  }
}

/** The permission of a key spec with variable flags, from the arguments (setGetKeys, bitfieldGetKeys). */
function variableKeyPerms(spec: CommandSpec, args: Args): number {
  if (spec.name === 'set') {
    for (let i = 3; i < args.argc; i++) if (args.is(i, 'get')) return READ_WRITE;
    return WRITE;
  }
  if (spec.name === 'bitfield') {
    for (let i = 2; i < args.argc; i++) if (args.is(i, 'set') || args.is(i, 'incrby')) return READ_WRITE;
    return READ;
  }
  return READ_WRITE;
}

// ---------------------------------------------------------------- users

export class AclUser {
  enabled = false;
  nopass = false;
  /** sanitize-payload / skip-sanitize-payload: 0 none, 1 sanitize, 2 skip. */
  sanitize = 0;
  /** Hex SHA-256 of each password, in the order added. */
  passwords: string[] = [];
  selectors: AclSelector[];
  /** Per spec id: 1 when the command is allowed whatever its arguments (see the header). */
  fast: Uint8Array;

  constructor(
    readonly name: string,
    private readonly cmds: AclCommands,
    pubsubDefaultAll: boolean,
  ) {
    this.selectors = [new AclSelector(cmds, true, pubsubDefaultAll)];
    this.fast = new Uint8Array(cmds.count);
  }

  get root(): AclSelector {
    return this.selectors[0];
  }

  /** ACLCopyUser: the rules of `src` (not its name). */
  copyFrom(src: AclUser): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitize = src.sanitize;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.copy());
    this.refresh();
  }

  clone(name: string): AclUser {
    const u = new AclUser(name, this.cmds, false);
    u.copyFrom(this);
    return u;
  }

  /** Rebuilds `fast` from the selectors. */
  refresh(): void {
    const fast = this.fast;
    for (let id = 0; id < fast.length; id++) {
      let ok = 0;
      for (const s of this.selectors) {
        if (s.allowsAlways(id)) {
          ok = 1;
          break;
        }
      }
      fast[id] = ok;
    }
  }

  /** ACLSetUser: one rule; an error text or null. Call refresh() after a batch. */
  apply(op: string, pubsubDefaultAll: boolean): string | null {
    if (op === '') return null;
    const lower = op.toLowerCase();
    if (lower === 'on') this.enabled = true;
    else if (lower === 'off') this.enabled = false;
    else if (lower === 'skip-sanitize-payload') this.sanitize = 2;
    else if (lower === 'sanitize-payload') this.sanitize = 1;
    else if (lower === 'nopass') {
      this.nopass = true;
      this.passwords = [];
    } else if (lower === 'resetpass') {
      this.nopass = false;
      this.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      let hash: string;
      if (op[0] === '>') hash = hashPassword(Buffer.from(op.slice(1), 'latin1'));
      else {
        hash = op.slice(1);
        if (!validHash(hash)) return ERR_BAD_HASH;
      }
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      let hash: string;
      if (op[0] === '<') hash = hashPassword(Buffer.from(op.slice(1), 'latin1'));
      else {
        hash = op.slice(1);
        if (!validHash(hash)) return ERR_BAD_HASH;
      }
      const at = this.passwords.indexOf(hash);
      if (at < 0) return ERR_NO_SUCH_PASSWORD;
      this.passwords.splice(at, 1);
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      const s = new AclSelector(this.cmds, false, pubsubDefaultAll);
      for (const rule of splitRules(op.slice(1, -1))) {
        const err = s.apply(rule);
        if (err !== null) return err;
      }
      this.selectors.push(s);
    } else if (lower === 'clearselectors') {
      this.selectors.length = 1;
    } else if (lower === 'reset') {
      this.apply('resetpass', pubsubDefaultAll);
      this.root.apply('resetkeys');
      this.root.apply('resetchannels');
      if (pubsubDefaultAll) this.root.apply('allchannels');
      this.enabled = false;
      this.sanitize = 1;
      this.selectors.length = 1;
      this.root.apply('-@all');
    } else {
      return this.root.apply(op);
    }
    return null;
  }

  /** ACLCheckUserCredentials for an existing user. */
  passwordMatches(password: Uint8Array): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    const hashed = hashPassword(password);
    return this.passwords.includes(hashed);
  }

  /** ACLDescribeUser (ACL LIST / ACL SAVE form, without "user <name> "). */
  describe(): string {
    let out = '';
    out += this.enabled ? 'on ' : 'off ';
    if (this.nopass) out += 'nopass ';
    if (this.sanitize === 2) out += 'skip-sanitize-payload ';
    else if (this.sanitize === 1) out += 'sanitize-payload ';
    for (const p of this.passwords) out += '#' + p + ' ';
    for (const s of this.selectors) {
      if (s.root) out += s.describe();
      else out += ` (${s.describe()})`;
    }
    return out;
  }

  flagNames(): string[] {
    const out = [this.enabled ? 'on' : 'off'];
    if (this.nopass) out.push('nopass');
    if (this.sanitize === 2) out.push('skip-sanitize-payload');
    else if (this.sanitize === 1) out.push('sanitize-payload');
    return out;
  }
}

export function hashPassword(password: Uint8Array): string {
  return createHash('sha256').update(password).digest('hex');
}

function validHash(hash: string): boolean {
  return /^[0-9a-f]{64}$/.test(hash);
}

/** ACLStringHasSpaces: isspace or NUL. */
export function hasSpaces(s: string): boolean {
  return /[\s\0\v]/.test(s);
}

/** sdssplitargs over a selector's inside (plain space-separated rules; quotes as redis-cli's). */
function splitRules(text: string): string[] {
  return text.split(/[ \t\n\r\v\f]+/).filter((r) => r !== '');
}

/**
 * ACLMergeSelectorArguments: a selector given over several arguments ("(~k" "+get)") becomes one.
 * Returns the merged rules, or the index of an unmatched opening argument.
 */
export function mergeSelectorArgs(rules: readonly string[]): string[] | number {
  const out: string[] = [];
  let open = -1;
  let selector = '';
  for (let j = 0; j < rules.length; j++) {
    const op = rules[j];
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      selector += ' ' + op;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(selector);
      }
      continue;
    }
    out.push(op);
  }
  return open !== -1 ? open : out;
}

export const ERR_SYNTAX = 'Syntax error';
export const ERR_UNKNOWN = 'Unknown command or category name in ACL';
const ERR_KEYS_AFTER_ALL =
  "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
const ERR_CHANNELS_AFTER_ALL =
  "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";
const ERR_NO_SUCH_PASSWORD = 'The password you are trying to remove from the user does not exist';
const ERR_BAD_HASH = 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters';
const ERR_FIRSTARG_OF_SUBCOMMAND = 'Allowing first-arg of a subcommand is not supported';

// ---------------------------------------------------------------- the log

export interface AclLogEntry {
  count: number;
  reason: AclResult;
  context: AclContext;
  object: string;
  username: string;
  ctime: number;
  cinfo: string;
}

/** Redis's ACL_LOG_GROUPING_MAX_TIME_DELTA. */
const LOG_GROUPING_MS = 60000;

// ---------------------------------------------------------------- the user set

export class AclStore {
  readonly cmds: AclCommands;
  users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  /** Newest first. */
  readonly log: AclLogEntry[] = [];
  /** The default user needs a password or is off: unauthenticated clients must AUTH (authRequired). */
  authRequired = false;
  private readonly keyCache: KeyCache;
  private readonly pos = { index: 0 };
  /** The argument position of the last denial (for the log and DRYRUN). */
  deniedAt = 0;

  constructor(
    table: CommandTable,
    private readonly pubsubDefaultAll: () => boolean,
  ) {
    this.cmds = new AclCommands(table);
    this.keyCache = new KeyCache(this.cmds);
    this.defaultUser = this.createDefault();
    this.users.set('default', this.defaultUser);
    this.defaultChanged();
  }

  /** ACLCreateDefaultUser. */
  private createDefault(): AclUser {
    const u = new AclUser('default', this.cmds, this.pubsubDefaultAll());
    for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) u.apply(op, false);
    u.refresh();
    return u;
  }

  /** A new, unlinked user as ACLCreateUser makes it (off, no permissions). */
  newUser(name: string): AclUser {
    const u = new AclUser(name, this.cmds, this.pubsubDefaultAll());
    u.enabled = false;
    u.refresh();
    return u;
  }

  get pubsubAll(): boolean {
    return this.pubsubDefaultAll();
  }

  defaultChanged(): void {
    const d = this.defaultUser;
    this.authRequired = !d.nopass || !d.enabled;
  }

  /** requirepass: the default user's password ('' = nopass). */
  setDefaultPassword(password: string): void {
    const d = this.defaultUser;
    d.apply('resetpass', false);
    if (password !== '') d.apply('>' + Buffer.from(password, 'utf8').toString('latin1'), false);
    else d.apply('nopass', false);
    this.defaultChanged();
  }

  /** Users in rax order (bytewise). */
  sortedUsers(): AclUser[] {
    return [...this.users.values()].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'latin1'), Buffer.from(b.name, 'latin1')));
  }

  /** ACLCheckAllUserCommandPerm; on denial `deniedAt` holds the offending argument. */
  check(user: AclUser, spec: CommandSpec, args: Args): AclResult {
    let relevant = AclResult.DeniedCommand;
    let lastIdx = 0;
    const cache = this.keyCache;
    cache.reset();
    const pos = this.pos;
    const selectors = user.selectors;
    for (let i = 0; i < selectors.length; i++) {
      pos.index = 0;
      const r = selectors[i].check(spec, args, cache, pos);
      if (r === AclResult.Ok) return AclResult.Ok;
      if (r > relevant || (r === relevant && pos.index > lastIdx)) {
        relevant = r;
        lastIdx = pos.index;
      }
    }
    this.deniedAt = lastIdx;
    return relevant;
  }

  /** ACLUserCheckChannelPerm for one channel (or pattern, literal). */
  channelAllowed(user: AclUser, channel: Uint8Array, literal: boolean): boolean {
    for (const s of user.selectors) if (s.channelAllowed(channel, 0, channel.length, literal)) return true;
    return false;
  }

  /** addACLLogEntry. */
  addLog(reason: AclResult, context: AclContext, object: string, username: string, cinfo: string, maxLen: number): void {
    const now = Date.now();
    const scan = Math.min(10, this.log.length);
    for (let i = 0; i < scan; i++) {
      const e = this.log[i];
      if (e.reason === reason && e.context === context && Math.abs(e.ctime - now) <= LOG_GROUPING_MS && e.object === object && e.username === username) {
        this.log.splice(i, 1);
        this.log.unshift(e);
        e.cinfo = cinfo;
        e.ctime = now;
        e.count++;
        return;
      }
    }
    this.log.unshift({ count: 1, reason, context, object, username, ctime: now, cinfo });
    while (this.log.length > maxLen) this.log.pop();
  }
}

/** ACL GENPASS: `bits` random bits as hex characters. */
export function generatePassword(bits: number): string {
  const chars = Math.floor((bits + 3) / 4);
  return randomBytes(Math.ceil(chars / 2))
    .toString('hex')
    .slice(0, chars);
}

/** The NOPERM error dispatch answers for a denial (processCommand's texts). */
export function deniedMessage(result: AclResult, spec: CommandSpec): string {
  switch (result) {
    case AclResult.DeniedCommand:
      return `NOPERM this user has no permissions to run the '${spec.name}' command`;
    case AclResult.DeniedKey:
      return 'NOPERM this user has no permissions to access one of the keys used as arguments';
    case AclResult.DeniedChannel:
      return 'NOPERM this user has no permissions to access one of the channels used as arguments';
    default:
      return 'ERR no permission';
  }
}

/** EXEC's error when the rules changed after a command was queued. */
export function execDeniedMessage(result: AclResult): string {
  let reason: string;
  switch (result) {
    case AclResult.DeniedCommand:
      reason = 'no permission to execute the command or subcommand';
      break;
    case AclResult.DeniedKey:
      reason = 'no permission to touch the specified keys';
      break;
    case AclResult.DeniedChannel:
      reason = 'no permission to access one of the channels used as arguments';
      break;
    default:
      reason = 'no permission';
  }
  return `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${reason}`;
}

/** scriptVerifyACL's texts (redis.call). */
export function scriptDeniedMessage(result: AclResult): string {
  switch (result) {
    case AclResult.DeniedCommand:
      return "ERR The user executing the script can't run this command or subcommand";
    case AclResult.DeniedKey:
      return "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments";
    case AclResult.DeniedChannel:
      return "ERR The user executing the script can't publish to the channel mentioned in the command";
    default:
      return 'ERR The user executing the script is lacking the permissions for the command';
  }
}
