/**
 * Blocking sorted-set commands (BZPOPMIN BZPOPMAX BZMPOP), handled in zset-blocking.ts.
 * Facts follow Redis 7.0.15's command JSON; summaries are ours.
 */
import type { CommandDef } from '../spec.js';

export const SORTED_SET_BLOCKING_COMMANDS: CommandDef[] = [
  {
    name: 'bzpopmin',
    summary: 'Removes and returns the lowest-scored member of the first non-empty sorted set, or waits until one gets a member',
    group: 'sorted_set',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    arity: -3,
    flags: ['write', 'noscript', 'fast', 'blocking'],
    acl: ['sortedset'],
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin: { index: 1 },
        find: { range: { lastkey: -2, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'timeout', type: 'double' },
    ],
  },
  {
    name: 'bzpopmax',
    summary: 'Removes and returns the highest-scored member of the first non-empty sorted set, or waits until one gets a member',
    group: 'sorted_set',
    since: '5.0.0',
    complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
    arity: -3,
    flags: ['write', 'noscript', 'fast', 'blocking'],
    acl: ['sortedset'],
    history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin: { index: 1 },
        find: { range: { lastkey: -2, step: 1, limit: 0 } },
      },
    ],
    args: [
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      { name: 'timeout', type: 'double' },
    ],
  },
  {
    name: 'bzmpop',
    summary: 'Pops one or more lowest or highest scored members from the first non-empty sorted set among several, or waits for one',
    group: 'sorted_set',
    since: '7.0.0',
    complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['sortedset'],
    keySpecs: [
      {
        flags: ['RW', 'access', 'delete'],
        begin: { index: 2 },
        find: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
      },
    ],
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', keySpecIndex: 0, multiple: true },
      {
        name: 'where',
        type: 'oneof',
        arguments: [
          { name: 'min', type: 'pure-token', token: 'MIN' },
          { name: 'max', type: 'pure-token', token: 'MAX' },
        ],
      },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
  },
];
