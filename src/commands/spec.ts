/**
 * The declarative command table's types. One `CommandDef` per command (and per subcommand) holds
 * the facts Redis's own command JSON holds: arity, flags, explicit ACL categories, key specs, group,
 * since, complexity, arguments and history. Everything else derives from them in one place:
 * arity checks and key positions (table.ts, key-positions.ts), routing, COMMAND output
 * (command-introspection.ts) and the implicit ACL categories (@read, @write, @fast, @slow, ...).
 *
 * Names are lowercase; a subcommand's name is 'parent|sub' (as Redis's fullname).
 */

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'sentinel'
  | 'only_sentinel'
  | 'no_mandatory_keys'
  | 'protected'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy'
  | 'touches_arbitrary_keys';

/** Key spec flags, as Redis names them (lowercase in our tables, uppercase in COMMAND output). */
export type KeySpecFlag =
  | 'RO'
  | 'RW'
  | 'OW'
  | 'RM'
  | 'access'
  | 'update'
  | 'insert'
  | 'delete'
  | 'not_key'
  | 'incomplete'
  | 'variable_flags';

export type BeginSearch = { index: number } | { keyword: string; startfrom: number } | 'unknown';
export type FindKeys =
  | { range: { lastkey: number; step: number; limit: number } }
  | { keynum: { keynumidx: number; firstkey: number; step: number } }
  | 'unknown';

export interface KeySpec {
  flags: KeySpecFlag[];
  begin: BeginSearch;
  find: FindKeys;
  notes?: string;
}

export type ArgType = 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';

export interface ArgDef {
  name: string;
  type: ArgType;
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  since?: string;
  keySpecIndex?: number;
  display?: string;
  deprecatedSince?: string;
  arguments?: ArgDef[];
}

export interface CommandDef {
  name: string;
  /** Redis's arity: N = exactly N arguments including the name, -N = at least N. */
  arity: number;
  flags: CommandFlag[];
  /** Explicit ACL categories without '@' (e.g. 'string', 'keyspace'); implicit ones are derived. */
  acl: string[];
  keySpecs?: KeySpec[];
  group: string;
  since: string;
  complexity?: string;
  /** Our own one-line description. */
  summary: string;
  args?: ArgDef[];
  history?: Array<[string, string]>;
  /** Command tips (e.g. 'nondeterministic_output', 'request_policy:all_shards'). */
  tips?: string[];
  deprecatedSince?: string;
  replacedBy?: string;
  docFlags?: Array<'deprecated' | 'syscmd'>;
  subcommands?: CommandDef[];
}

/** A CommandDef bound into the table: numbered, with derived legacy key positions. */
export interface CommandSpec extends CommandDef {
  /** Index in CommandTable.specs; stats and worker messages carry it. */
  id: number;
  subcommands?: CommandSpec[];
  parent?: CommandSpec;
  /** COMMAND INFO's first/last/step (Redis's legacy_range_key_spec). */
  legacy: { first: number; last: number; step: number };
  /** True when key positions depend on the arguments (keynum, keyword searches, getkeys procs). */
  movableKeys: boolean;
}
