/**
 * Hash commands.
 * Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const HASH_COMMANDS: CommandDef[] = [
  {
    name: 'hset',
    summary: 'Sets field values in a hash, creating the hash when absent; answers how many fields were new',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    history: [
      ['4.0.0', 'Accepts multiple `field` and `value` arguments.'],
    ],
    keySpecs: [
      { flags: ['RW', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field_value', type: 'block', multiple: true, arguments: [
        { name: 'field', type: 'string' },
        { name: 'value', type: 'string' },
      ] },
    ],
  },
  {
    name: 'hsetnx',
    summary: 'Sets a hash field only when the field does not exist yet',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [
      { flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ],
  },
  {
    name: 'hmset',
    summary: 'Sets several hash fields at once and answers OK (superseded by HSET)',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being set.',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    deprecatedSince: '4.0.0',
    replacedBy: '`HSET` with multiple field-value pairs',
    docFlags: ['deprecated'],
    keySpecs: [
      { flags: ['RW', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field_value', type: 'block', multiple: true, arguments: [
        { name: 'field', type: 'string' },
        { name: 'value', type: 'string' },
      ] },
    ],
  },
  {
    name: 'hget',
    summary: 'Reads the value of one hash field',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field', type: 'string' },
    ],
  },
  {
    name: 'hmget',
    summary: 'Reads the values of several hash fields, null for missing ones',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields being requested.',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field', type: 'string', multiple: true },
    ],
  },
  {
    name: 'hdel',
    summary: 'Removes fields from a hash, deleting the key when none remain',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of fields to be removed.',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['hash'],
    history: [
      ['2.4.0', 'Accepts multiple `field` arguments.'],
    ],
    keySpecs: [
      { flags: ['RW', 'delete'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field', type: 'string', multiple: true },
    ],
  },
  {
    name: 'hlen',
    summary: 'Counts the fields of a hash',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [
      { flags: ['RO'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'hstrlen',
    summary: 'Gives the byte length of a hash field value',
    group: 'hash',
    since: '3.2.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [
      { flags: ['RO'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field', type: 'string' },
    ],
  },
  {
    name: 'hexists',
    summary: 'Tells whether a hash has a given field',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: [
      { flags: ['RO'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field', type: 'string' },
    ],
  },
  {
    name: 'hkeys',
    summary: 'Lists every field name of a hash',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'hvals',
    summary: 'Lists every value of a hash',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'hgetall',
    summary: 'Lists every field and value of a hash',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(N) where N is the size of the hash.',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'hincrby',
    summary: 'Adds an integer to a hash field value, treating a missing field as 0',
    group: 'hash',
    since: '2.0.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [
      { flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field', type: 'string' },
      { name: 'increment', type: 'integer' },
    ],
  },
  {
    name: 'hincrbyfloat',
    summary: 'Adds a floating point number to a hash field value, treating a missing field as 0',
    group: 'hash',
    since: '2.6.0',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [
      { flags: ['RW', 'access', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'field', type: 'string' },
      { name: 'increment', type: 'double' },
    ],
  },
  {
    name: 'hrandfield',
    summary: 'Picks random fields (optionally with values) from a hash, distinct or with repeats',
    group: 'hash',
    since: '6.2.0',
    complexity: 'O(N) where N is the number of fields returned',
    arity: -2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'options', type: 'block', optional: true, arguments: [
        { name: 'count', type: 'integer' },
        { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true },
      ] },
    ],
  },
  {
    name: 'hscan',
    summary: 'Walks the fields and values of a hash incrementally with a cursor',
    group: 'hash',
    since: '2.8.0',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    arity: -3,
    flags: ['readonly'],
    acl: ['hash'],
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
];
