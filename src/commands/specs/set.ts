/**
 * Set commands.
 * Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const SET_COMMANDS: CommandDef[] = [
  {
    name: 'sadd',
    summary: 'Adds members to a set, creating the key when needed',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['set'],
    history: [
      ['2.4.0', 'Accepts multiple `member` arguments.'],
    ],
    keySpecs: [
      { flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
  },
  {
    name: 'scard',
    summary: 'Returns how many members a set has',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [
      { flags: ['RO'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'sdiff',
    summary: 'Returns the members of the first set that are in none of the other sets',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 0 },
    ],
  },
  {
    name: 'sdiffstore',
    summary: 'Stores the difference of the first set and the other sets in a key',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'destination', type: 'key', keySpecIndex: 0 },
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 1 },
    ],
  },
  {
    name: 'sinter',
    summary: 'Returns the members common to every given set',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 0 },
    ],
  },
  {
    name: 'sintercard',
    summary: 'Counts the members common to every given set, optionally stopping at a limit',
    group: 'set',
    since: '7.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } } },
    ],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 0 },
      { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
    ],
  },
  {
    name: 'sinterstore',
    summary: 'Stores the intersection of the given sets in a key',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [
      { flags: ['RW', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'destination', type: 'key', keySpecIndex: 0 },
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 1 },
    ],
  },
  {
    name: 'sismember',
    summary: 'Tells whether a value is a member of a set',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [
      { flags: ['RO'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string' },
    ],
  },
  {
    name: 'smembers',
    summary: 'Returns every member of a set',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(N) where N is the set cardinality.',
    arity: 2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'smismember',
    summary: 'Tells, for each of several values, whether it is a member of a set',
    group: 'set',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
  },
  {
    name: 'smove',
    summary: 'Moves a member from one set to another',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'fast'],
    acl: ['set'],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      { flags: ['RW', 'insert'], begin: { index: 2 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'source', type: 'key', keySpecIndex: 0 },
      { name: 'destination', type: 'key', keySpecIndex: 1 },
      { name: 'member', type: 'string' },
    ],
  },
  {
    name: 'spop',
    summary: 'Removes and returns random members of a set',
    group: 'set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    history: [
      ['3.2.0', 'Added the `count` argument.'],
    ],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer', optional: true, since: '3.2.0' },
    ],
  },
  {
    name: 'srandmember',
    summary: 'Returns random members of a set without removing them',
    group: 'set',
    since: '1.0.0',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    history: [
      ['2.6.0', 'Added the optional `count` argument.'],
    ],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'count', type: 'integer', optional: true, since: '2.6.0' },
    ],
  },
  {
    name: 'srem',
    summary: 'Removes members from a set, deleting the key when it empties',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(N) where N is the number of members to be removed.',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['set'],
    history: [
      ['2.4.0', 'Accepts multiple `member` arguments.'],
    ],
    keySpecs: [
      { flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'member', type: 'string', multiple: true },
    ],
  },
  {
    name: 'sscan',
    summary: 'Iterates over the members of a set with a cursor',
    group: 'set',
    since: '2.8.0',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
  },
  {
    name: 'sunion',
    summary: 'Returns the members present in any of the given sets',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 0 },
    ],
  },
  {
    name: 'sunionstore',
    summary: 'Stores the union of the given sets in a key',
    group: 'set',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['set'],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'destination', type: 'key', keySpecIndex: 0 },
      { name: 'key', type: 'key', multiple: true, keySpecIndex: 1 },
    ],
  },
];
