import type { CommandDef } from '../spec.js';

/** DUMP and RESTORE (Redis 7.0.15's dump.json, restore.json). */
export const DUMP_RESTORE_COMMANDS: CommandDef[] = [
  {
    name: 'dump',
    summary: "Serializes a key's value in Redis's DUMP payload format",
    group: 'generic',
    since: '2.6.0',
    complexity:
      'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace'],
    tips: ['nondeterministic_output'],
    keySpecs: [
      { flags: ['RO', 'access'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'restore',
    summary: 'Creates a key from a value serialized by DUMP',
    group: 'generic',
    since: '2.6.0',
    complexity:
      'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'dangerous'],
    history: [
      ['3.0.0', 'Added the `REPLACE` modifier.'],
      ['5.0.0', 'Added the `ABSTTL` modifier.'],
      ['5.0.0', 'Added the `IDLETIME` and `FREQ` options.'],
    ],
    keySpecs: [
      { flags: ['OW', 'update'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'ttl', type: 'integer' },
      { name: 'serialized-value', type: 'string' },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true, since: '3.0.0' },
      { name: 'absttl', type: 'pure-token', token: 'ABSTTL', optional: true, since: '5.0.0' },
      { name: 'seconds', type: 'integer', token: 'IDLETIME', optional: true, since: '5.0.0' },
      { name: 'frequency', type: 'integer', token: 'FREQ', optional: true, since: '5.0.0' },
    ],
  },
];
