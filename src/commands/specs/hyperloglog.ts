/**
 * HyperLogLog commands.
 * Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const HYPERLOGLOG_COMMANDS: CommandDef[] = [
  {
    name: 'pfadd',
    summary: 'Counts elements into a HyperLogLog, creating it when missing',
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'O(1) to add every element.',
    arity: -2,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hyperloglog'],
    keySpecs: [
      { flags: ['RW', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0 },
      { name: 'element', type: 'string', optional: true, multiple: true },
    ],
  },
  {
    name: 'pfcount',
    summary: 'Estimates how many distinct elements one HyperLogLog, or the union of several, has seen',
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    arity: -2,
    flags: ['readonly', 'may_replicate'],
    acl: ['hyperloglog'],
    keySpecs: [
      {
        flags: ['RW', 'access'], begin: { index: 1 }, find: { range: { lastkey: -1, step: 1, limit: 0 } },
        notes: 'RW because it may change the internal representation of the key, and propagate to replicas',
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
    ],
  },
  {
    name: 'pfmerge',
    summary: 'Stores the union of HyperLogLogs in a destination key',
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['hyperloglog'],
    keySpecs: [
      { flags: ['RW', 'access', 'insert'], begin: { index: 1 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
      { flags: ['RO', 'access'], begin: { index: 2 }, find: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'destkey', type: 'key', keySpecIndex: 0 },
      { name: 'sourcekey', type: 'key', keySpecIndex: 1, multiple: true },
    ],
  },
  {
    name: 'pfdebug',
    summary: 'Inspects or converts the internal form of a HyperLogLog (debugging aid)',
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'N/A',
    arity: 3,
    flags: ['write', 'denyoom', 'admin'],
    acl: ['hyperloglog'],
    docFlags: ['syscmd'],
    keySpecs: [
      { flags: ['RW', 'access'], begin: { index: 2 }, find: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    args: [
      { name: 'subcommand', type: 'string' },
      { name: 'key', type: 'key', keySpecIndex: 0 },
    ],
  },
  {
    name: 'pfselftest',
    summary: 'Runs the HyperLogLog implementation through its internal checks',
    group: 'hyperloglog',
    since: '2.8.9',
    complexity: 'N/A',
    arity: 1,
    flags: ['admin'],
    acl: ['hyperloglog'],
    docFlags: ['syscmd'],
  },
];
